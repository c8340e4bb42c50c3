using Oms.Domain;

namespace Oms.Secrets;

/// <summary>What went wrong when reading a secret store.</summary>
public enum SecretStoreErrorKind
{
    /// <summary>The secret (or the requested version) does not exist.</summary>
    NotFound = 1,

    /// <summary>The store refused access to the secret (Vault 403, Key Vault 403): a policy or role assignment is missing.</summary>
    AccessDenied = 2,

    /// <summary>The OMS could not authenticate to the store (token expired or invalid, AppRole login refused, Azure credential failure).</summary>
    AuthenticationFailed = 3,

    /// <summary>The store could not be reached or answered with a server error or timed out. Retrying may succeed.</summary>
    StoreUnavailable = 4,

    /// <summary>Vault is sealed (or not initialised): reachable but unable to serve secrets until unsealed. Retrying may succeed.</summary>
    Sealed = 5,

    /// <summary>The secret exists but its content is unusable: a required field is missing or a key cannot be parsed.</summary>
    Malformed = 6,

    /// <summary>The store settings or the account cannot be mapped to a valid secret location.</summary>
    InvalidConfiguration = 7,
}

/// <summary>
/// A secret store failure that names the store, the venue/account and the location (Vault path, Key Vault secret
/// name, environment variable or file) — and never contains a secret value.
/// </summary>
public sealed class SecretStoreException : Exception
{
    public SecretStoreException(
        SecretStoreErrorKind kind,
        string store,
        string message,
        Venue? venue = null,
        AccountId? account = null,
        string? location = null,
        SecretField? field = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Store = store;
        Venue = venue;
        Account = account;
        Location = location;
        Field = field;
    }

    public SecretStoreErrorKind Kind { get; }

    /// <summary>The store that failed, e.g. <c>vault https://vault.internal:8200 (namespace team-a)</c>.</summary>
    public string Store { get; }

    public Venue? Venue { get; }

    public AccountId? Account { get; }

    /// <summary>Where the secret was looked for: Vault path, Key Vault secret name, variable or file.</summary>
    public string? Location { get; }

    /// <summary>The field that was missing or malformed, for <see cref="SecretStoreErrorKind.Malformed"/>.</summary>
    public SecretField? Field { get; }

    /// <summary>True when a later attempt may succeed without anyone changing anything (unavailable, sealed).</summary>
    public bool IsTransient => Kind is SecretStoreErrorKind.StoreUnavailable or SecretStoreErrorKind.Sealed;

    /// <summary>Builds the conventional message: <c>{store}: {what} for {venue} account '{account}' ({location})</c>.</summary>
    internal static string Compose(string store, string what, Venue? venue, AccountId? account, string? location)
    {
        var text = $"{store}: {what}";
        if (venue is { } v && account is { } a)
        {
            text += $" for {SecretNaming.VenueName(v)} account '{a}'";
        }

        if (!string.IsNullOrEmpty(location))
        {
            text += $" at {location}";
        }

        return text;
    }
}
