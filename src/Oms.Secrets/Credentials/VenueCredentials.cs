using System.Security.Cryptography;
using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// The credentials of one venue account as read from a secret store. Immutable: a rotation produces a new instance.
/// Every secret member is a redacting type and <see cref="ToString"/> names only the account, store and version.
/// </summary>
public sealed class VenueCredentials
{
    public VenueCredentials(
        Venue venue,
        AccountId account,
        SecretString apiKey,
        RedactedBytes? hmacSecret,
        Ed25519SigningKey? ed25519PrivateKey,
        SecretString? passphrase,
        string version,
        DateTimeOffset retrievedAt,
        string source)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Venue = venue;
        Account = account;
        ApiKey = apiKey;
        HmacSecret = hmacSecret;
        Ed25519PrivateKey = ed25519PrivateKey;
        Passphrase = passphrase;
        Version = version;
        RetrievedAt = retrievedAt;
        Source = source;
    }

    public Venue Venue { get; }

    public AccountId Account { get; }

    /// <summary>The venue API key (sent as a header, so it must become a string at the edge).</summary>
    public SecretString ApiKey { get; }

    /// <summary>The HMAC signing secret as bytes (the UTF-8 bytes of the stored text), when the account has one.</summary>
    public RedactedBytes? HmacSecret { get; }

    /// <summary>The Ed25519 private key, when the account has one.</summary>
    public Ed25519SigningKey? Ed25519PrivateKey { get; }

    /// <summary>The API passphrase (OKX), when the account has one.</summary>
    public SecretString? Passphrase { get; }

    /// <summary>
    /// The store's version of these credentials: Vault's KV v2 version number (<c>"3"</c>); for Key Vault one
    /// version id per secret (<c>api-key=…;hmac-secret=…</c>); for the local store a keyed fingerprint of the content.
    /// Opaque to callers except for equality and for passing back to a versioned read of the same store.
    /// </summary>
    public string Version { get; }

    /// <summary>When these credentials were read from the store.</summary>
    public DateTimeOffset RetrievedAt { get; }

    /// <summary>The store they came from (e.g. <c>vault http://127.0.0.1:8200</c>); never a secret.</summary>
    public string Source { get; }

    /// <summary>Lends the HMAC secret to <paramref name="use"/> without copying it into a string.</summary>
    /// <exception cref="InvalidOperationException">The account has no HMAC secret.</exception>
    public TResult UseHmacKey<TResult>(Func<ReadOnlySpan<byte>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        if (HmacSecret is null)
        {
            throw new InvalidOperationException($"{Describe()} has no {SecretFieldNames.SnakeCase(SecretField.HmacSecret)}");
        }

        return HmacSecret.Use(use);
    }

    /// <summary>Computes HMAC-SHA256 of <paramref name="payload"/> with the account's HMAC secret.</summary>
    /// <exception cref="InvalidOperationException">The account has no HMAC secret.</exception>
    public byte[] ComputeHmacSha256(ReadOnlySpan<byte> payload)
    {
        if (HmacSecret is null)
        {
            throw new InvalidOperationException($"{Describe()} has no {SecretFieldNames.SnakeCase(SecretField.HmacSecret)}");
        }

        return HMACSHA256.HashData(HmacSecret.Span, payload);
    }

    /// <summary>Signs <paramref name="payload"/> with the account's Ed25519 key (64-byte signature).</summary>
    /// <exception cref="InvalidOperationException">The account has no Ed25519 key.</exception>
    public byte[] SignEd25519(ReadOnlySpan<byte> payload)
    {
        if (Ed25519PrivateKey is null)
        {
            throw new InvalidOperationException($"{Describe()} has no {SecretFieldNames.SnakeCase(SecretField.Ed25519PrivateKey)}");
        }

        return Ed25519PrivateKey.Sign(payload);
    }

    /// <summary>Names the account, version and which parts are present; every secret shows as <c>***</c>.</summary>
    public override string ToString() =>
        $"{Describe()} version {Version} from {Source}: api_key={ApiKey}, hmac_secret={Show(HmacSecret)}, " +
        $"ed25519_private_key={Show(Ed25519PrivateKey)}, passphrase={Show(Passphrase)}";

    private string Describe() => $"credentials of {SecretNaming.VenueName(Venue)} account '{Account}'";

    private static string Show(object? value) => value is null ? "(none)" : SecretRedaction.Mask;
}
