using System.Collections.Concurrent;
using System.Text;
using NSec.Cryptography;

namespace Oms.Simulator.Wire.Auth;

/// <summary>How an API key signs requests.</summary>
public enum ApiKeyType
{
    /// <summary>HMAC-SHA256 with a shared secret; hex signature.</summary>
    Hmac,

    /// <summary>Ed25519 with a registered public key; base64 signature. Required for WS API <c>session.logon</c>.</summary>
    Ed25519,
}

/// <summary>One registered API key and the simulator account it acts for.</summary>
public sealed class ApiCredential
{
    private readonly byte[]? hmacSecret;
    private readonly PublicKey? ed25519PublicKey;

    private ApiCredential(string apiKey, string accountId, ApiKeyType type, byte[]? hmacSecret, PublicKey? ed25519PublicKey)
    {
        ApiKey = apiKey;
        AccountId = accountId;
        Type = type;
        this.hmacSecret = hmacSecret;
        this.ed25519PublicKey = ed25519PublicKey;
    }

    public string ApiKey { get; }

    /// <summary>The engine account this key trades for.</summary>
    public string AccountId { get; }

    public ApiKeyType Type { get; }

    public static ApiCredential ForHmac(string apiKey, string accountId, string secretKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        return new ApiCredential(apiKey, accountId, ApiKeyType.Hmac, Encoding.ASCII.GetBytes(secretKey), null);
    }

    /// <summary>
    /// An Ed25519 key from its public key: PEM (<c>-----BEGIN PUBLIC KEY-----</c>, SPKI, as Binance asks users
    /// to upload), 64 hex characters, or base64 of the raw 32 bytes.
    /// </summary>
    public static ApiCredential ForEd25519(string apiKey, string accountId, string publicKey) =>
        new(apiKey, accountId, ApiKeyType.Ed25519, null, ParseEd25519PublicKey(publicKey));

    /// <summary>Verifies a signature over <paramref name="payload"/> (UTF-8 bytes of exactly what was signed).</summary>
    public bool Verify(string payload, string signature)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Type switch
        {
            ApiKeyType.Hmac => SignatureVerifier.VerifyHmac(hmacSecret!, bytes, signature),
            ApiKeyType.Ed25519 => SignatureVerifier.VerifyEd25519(ed25519PublicKey!, bytes, signature),
            _ => false,
        };
    }

    public static PublicKey ParseEd25519PublicKey(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        var algorithm = SignatureAlgorithm.Ed25519;
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return PublicKey.Import(algorithm, Encoding.ASCII.GetBytes(trimmed), KeyBlobFormat.PkixPublicKeyText);
        }

        byte[] raw;
        if (trimmed.Length == 64 && trimmed.All(Uri.IsHexDigit))
        {
            raw = Convert.FromHexString(trimmed);
        }
        else
        {
            try
            {
                raw = Convert.FromBase64String(trimmed);
            }
            catch (FormatException ex)
            {
                throw new ArgumentException("Ed25519 public key must be PEM (SPKI), 64 hex characters or base64 of 32 bytes", nameof(text), ex);
            }
        }

        if (raw.Length == 32)
        {
            return PublicKey.Import(algorithm, raw, KeyBlobFormat.RawPublicKey);
        }

        return PublicKey.Import(algorithm, raw, KeyBlobFormat.PkixPublicKey);
    }
}

/// <summary>The API keys known to the simulator, keyed by the case-sensitive API key string.</summary>
public sealed class ApiKeyRegistry
{
    private readonly ConcurrentDictionary<string, ApiCredential> keys = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a key.</summary>
    public void Register(ApiCredential credential) => keys[credential.ApiKey] = credential;

    public bool TryGet(string apiKey, out ApiCredential credential) => keys.TryGetValue(apiKey, out credential!);

    public bool Remove(string apiKey) => keys.TryRemove(apiKey, out _);

    public IReadOnlyList<ApiCredential> ForAccount(string accountId) =>
        keys.Values.Where(k => string.Equals(k.AccountId, accountId, StringComparison.Ordinal)).ToList();

    public IReadOnlyCollection<ApiCredential> All => keys.Values.ToList();

    /// <summary>Binance API keys are ASCII letters and digits; anything else is <c>-2014</c>.</summary>
    public static bool IsWellFormed(string? apiKey) =>
        !string.IsNullOrEmpty(apiKey) && apiKey.Length <= 128 && apiKey.All(char.IsAsciiLetterOrDigit);
}
