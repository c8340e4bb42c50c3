using System.Collections.Concurrent;
using Oms.Gateway.Errors;

namespace Oms.Gateway.Services;

/// <summary>
/// Resolves account grains for requests and turns "never provisioned" into NOT_FOUND. Accounts are never deleted,
/// so an account once seen is remembered and later requests cost no extra grain call.
/// </summary>
public sealed class AccountDirectory(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<AccountId, bool> known = new();

    /// <summary>Returns the account's grain, or throws <see cref="AccountNotFoundException"/> when it was never provisioned.</summary>
    public async Task<IAccountGrain> GetExistingAsync(AccountId account)
    {
        var grain = grains.GetAccount(account);
        if (known.ContainsKey(account)) return grain;
        await GetInfoAsync(account).ConfigureAwait(false);
        return grain;
    }

    /// <summary>Returns the account's configuration and state, or throws <see cref="AccountNotFoundException"/>.</summary>
    public async Task<AccountInfo> GetInfoAsync(AccountId account)
    {
        AccountInfo info;
        try
        {
            info = await grains.GetAccount(account).GetInfoAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsNotProvisioned(ex))
        {
            throw new AccountNotFoundException(account);
        }
        known.TryAdd(account, true);
        return info;
    }

    // IAccountGrain.GetInfoAsync fails with KeyNotFoundException when the account was never provisioned.
    private static bool IsNotProvisioned(Exception exception) => exception is KeyNotFoundException;
}
