using System.Security.Cryptography;

namespace Oms.Simulator.Wire.UserData;

/// <summary>
/// USDⓈ-M listenKeys: one active key per account, valid for a configurable time (Binance: 60 minutes),
/// returned again and extended by POST, extended by PUT, closed by DELETE. Expiry raises <see cref="Expired"/>.
/// </summary>
public sealed class ListenKeyStore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly object gate = new();
    private readonly Dictionary<string, Entry> byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> byAccount = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;

    public ListenKeyStore(TimeProvider clock, TimeSpan validity)
    {
        this.clock = clock;
        Validity = validity;
    }

    public TimeSpan Validity { get; set; }

    /// <summary>Raised (outside the lock) with (listenKey, accountId) when a key expires or is closed.</summary>
    public event Action<string, string>? Expired;

    /// <summary>POST: the account's active key (created if none), with its validity extended.</summary>
    public string CreateOrExtend(string accountId)
    {
        lock (gate)
        {
            if (byAccount.TryGetValue(accountId, out var existing) && byKey.TryGetValue(existing, out var entry))
            {
                entry.ExpiresAt = Now + (long)Validity.TotalMilliseconds;
                return existing;
            }

            var key = RandomNumberGenerator.GetString(Alphabet, 64);
            byKey[key] = new Entry(accountId) { ExpiresAt = Now + (long)Validity.TotalMilliseconds };
            byAccount[accountId] = key;
            return key;
        }
    }

    /// <summary>PUT: extends the account's active key; null when it has none (→ -1125).</summary>
    public string? Extend(string accountId)
    {
        lock (gate)
        {
            if (byAccount.TryGetValue(accountId, out var key) && byKey.TryGetValue(key, out var entry))
            {
                entry.ExpiresAt = Now + (long)Validity.TotalMilliseconds;
                return key;
            }

            return null;
        }
    }

    /// <summary>DELETE: closes the account's key; connections using it stop receiving events.</summary>
    public bool Close(string accountId)
    {
        string? key;
        lock (gate)
        {
            if (!byAccount.Remove(accountId, out key))
            {
                return false;
            }

            byKey.Remove(key);
        }

        Expired?.Invoke(key, accountId);
        return true;
    }

    /// <summary>The account of an active key.</summary>
    public bool TryResolve(string listenKey, out string accountId)
    {
        lock (gate)
        {
            if (byKey.TryGetValue(listenKey, out var entry) && entry.ExpiresAt > Now)
            {
                accountId = entry.AccountId;
                return true;
            }
        }

        accountId = string.Empty;
        return false;
    }

    /// <summary>Expires keys whose validity passed; call periodically.</summary>
    public void ExpireDue()
    {
        List<(string Key, string Account)> expired = [];
        lock (gate)
        {
            var now = Now;
            foreach (var (key, entry) in byKey)
            {
                if (entry.ExpiresAt <= now)
                {
                    expired.Add((key, entry.AccountId));
                }
            }

            foreach (var (key, account) in expired)
            {
                byKey.Remove(key);
                if (byAccount.TryGetValue(account, out var current) && current == key)
                {
                    byAccount.Remove(account);
                }
            }
        }

        foreach (var (key, account) in expired)
        {
            Expired?.Invoke(key, account);
        }
    }

    /// <summary>Forgets every key of an account (account deleted).</summary>
    public void RemoveAccount(string accountId) => Close(accountId);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class Entry(string accountId)
    {
        public string AccountId { get; } = accountId;

        public long ExpiresAt { get; set; }
    }
}
