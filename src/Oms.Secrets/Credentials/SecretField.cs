namespace Oms.Secrets;

/// <summary>The parts of a venue credential. Names per store: see <see cref="SecretFieldNames"/>.</summary>
public enum SecretField
{
    /// <summary>The venue API key (required).</summary>
    ApiKey = 1,

    /// <summary>The HMAC secret that signs REST/WS requests (Binance HMAC keys, Bybit, OKX).</summary>
    HmacSecret = 2,

    /// <summary>An Ed25519 private key: a raw 32-byte seed (hex or base64) or a PKCS#8 PEM/DER (base64).</summary>
    Ed25519PrivateKey = 3,

    /// <summary>The API passphrase some venues require in addition to the key (OKX).</summary>
    Passphrase = 4,
}

/// <summary>How each store spells the fields.</summary>
public static class SecretFieldNames
{
    /// <summary>All fields, in resolution order.</summary>
    public static IReadOnlyList<SecretField> All { get; } =
        [SecretField.ApiKey, SecretField.HmacSecret, SecretField.Ed25519PrivateKey, SecretField.Passphrase];

    /// <summary>
    /// The key inside a Vault secret / the local JSON file: <c>api_key</c>, <c>hmac_secret</c>,
    /// <c>ed25519_private_key</c>, <c>passphrase</c>.
    /// </summary>
    public static string SnakeCase(SecretField field) => field switch
    {
        SecretField.ApiKey => "api_key",
        SecretField.HmacSecret => "hmac_secret",
        SecretField.Ed25519PrivateKey => "ed25519_private_key",
        SecretField.Passphrase => "passphrase",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "unknown secret field"),
    };

    /// <summary>The suffix of a Key Vault secret name: <c>api-key</c>, <c>hmac-secret</c>, <c>ed25519-private-key</c>, <c>passphrase</c>.</summary>
    public static string KebabCase(SecretField field) => SnakeCase(field).Replace('_', '-');

    /// <summary>The last part of an environment variable name: <c>API_KEY</c>, <c>HMAC_SECRET</c>, ….</summary>
    public static string EnvironmentCase(SecretField field) => SnakeCase(field).ToUpperInvariant();
}
