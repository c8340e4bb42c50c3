using System.Globalization;
using System.Security.Cryptography;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Auth;

namespace Oms.Simulator.Hosting;

/// <summary>Body of <c>POST /sim/accounts</c>: a new account (or a new key for an existing one) with starting balances.</summary>
public sealed record CreateAccountRequest
{
    /// <summary>Account id; defaults to the API key. An existing id gets the key added (no balances allowed then).</summary>
    public string? AccountId { get; init; }

    /// <summary>API key (ASCII letters/digits); generated when absent.</summary>
    public string? ApiKey { get; init; }

    /// <summary>HMAC secret; generated when neither this nor <see cref="Ed25519PublicKey"/> is given.</summary>
    public string? SecretKey { get; init; }

    /// <summary>Ed25519 public key (PEM, 64 hex characters or base64 of 32 bytes).</summary>
    public string? Ed25519PublicKey { get; init; }

    /// <summary>Spot balances, asset → decimal string.</summary>
    public IReadOnlyDictionary<string, string>? Balances { get; init; }

    /// <summary>USDⓈ-M wallet balances, asset → decimal string.</summary>
    public IReadOnlyDictionary<string, string>? FuturesBalances { get; init; }

    /// <summary>USDⓈ-M hedge mode at creation.</summary>
    public bool DualSidePosition { get; init; }

    public bool CanTrade { get; init; } = true;
}

/// <summary>The result of creating an account or key. <see cref="SecretKey"/> is returned only when the simulator generated it.</summary>
public sealed record CreatedAccount(string AccountId, string ApiKey, ApiKeyType KeyType, string? SecretKey, long? Uid);

/// <summary>Creates simulator accounts in the engine and registers their API keys with the wire layer.</summary>
public sealed class SimulatorAccounts
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly SimulatorRuntime runtime;

    internal SimulatorAccounts(SimulatorRuntime runtime)
    {
        this.runtime = runtime;
    }

    /// <summary>A random 64-character API key or HMAC secret (simulator-only demo credential).</summary>
    public static string NewKey() => RandomNumberGenerator.GetString(Alphabet, 64);

    /// <summary>Creates the account (unless it exists) and registers the key. Throws <see cref="ArgumentException"/> on bad input.</summary>
    public CreatedAccount Create(CreateAccountRequest request)
    {
        if (request.SecretKey is not null && request.Ed25519PublicKey is not null)
        {
            throw new ArgumentException("give either secretKey (HMAC) or ed25519PublicKey, not both");
        }

        var apiKey = request.ApiKey ?? NewKey();
        if (!ApiKeyRegistry.IsWellFormed(apiKey))
        {
            throw new ArgumentException($"apiKey '{apiKey}' must be 1..128 ASCII letters or digits");
        }

        if (runtime.Keys.TryGet(apiKey, out _))
        {
            throw new ArgumentException($"apiKey '{apiKey}' is already registered");
        }

        var accountId = request.AccountId ?? apiKey;
        var generatedSecret = request.SecretKey is null && request.Ed25519PublicKey is null ? NewKey() : null;
        var credential = request.Ed25519PublicKey is { } publicKey
            ? CreateEd25519(apiKey, accountId, publicKey)
            : ApiCredential.ForHmac(apiKey, accountId, request.SecretKey ?? generatedSecret!);

        long? uid = null;
        if (runtime.Exchange.HasAccount(accountId))
        {
            if (request.Balances is { Count: > 0 } || request.FuturesBalances is { Count: > 0 })
            {
                throw new ArgumentException($"account '{accountId}' already exists; add funds with POST /sim/accounts/{{apiKey}}/deposit");
            }
        }
        else
        {
            var created = runtime.Exchange.CreateAccount(accountId, new AccountSetup
            {
                SpotBalances = ParseBalances(request.Balances, "balances"),
                FuturesBalances = ParseBalances(request.FuturesBalances, "futuresBalances"),
                DualSidePosition = request.DualSidePosition,
                CanTrade = request.CanTrade,
            });
            if (!created.IsSuccess)
            {
                throw new ArgumentException($"cannot create account '{accountId}': {created.Error}");
            }

            uid = created.Value;
        }

        runtime.Keys.Register(credential);
        return new CreatedAccount(accountId, apiKey, credential.Type, generatedSecret, uid);
    }

    /// <summary>Resolves an API key or account id to an account id.</summary>
    public string? ResolveAccount(string apiKeyOrAccountId)
    {
        if (runtime.Keys.TryGet(apiKeyOrAccountId, out var credential))
        {
            return credential.AccountId;
        }

        return runtime.Exchange.HasAccount(apiKeyOrAccountId) ? apiKeyOrAccountId : null;
    }

    private static ApiCredential CreateEd25519(string apiKey, string accountId, string publicKey)
    {
        try
        {
            return ApiCredential.ForEd25519(apiKey, accountId, publicKey);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"ed25519PublicKey of '{apiKey}' is not a valid Ed25519 public key: {ex.Message}", ex);
        }
    }

    private static Dictionary<string, decimal> ParseBalances(IReadOnlyDictionary<string, string>? balances, string field)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (asset, text) in balances ?? new Dictionary<string, string>())
        {
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                throw new ArgumentException($"{field}.{asset} must be a non-negative decimal string, got '{text}'");
            }

            result[asset] = amount;
        }

        return result;
    }
}
