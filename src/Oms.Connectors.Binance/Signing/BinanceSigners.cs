using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Oms.Connectors.Binance.Signing;

/// <summary>The kind of API key an account uses. RSA keys are not supported by this connector.</summary>
public enum BinanceKeyType
{
    /// <summary>HMAC-SHA256 with a secret key; signature is lowercase hex.</summary>
    Hmac = 1,
    /// <summary>Ed25519 private key; signature is base64. Required for WebSocket API <c>session.logon</c>.</summary>
    Ed25519 = 2,
}

/// <summary>Signs request payloads (exact bytes) for one API key.</summary>
public interface IBinanceSigner : IDisposable
{
    BinanceKeyType KeyType { get; }

    /// <summary>Longest signature text <see cref="Sign"/> writes.</summary>
    int MaxSignatureLength { get; }

    /// <summary>Signs <paramref name="payload"/> and writes the signature text (hex or base64, ASCII) into <paramref name="destination"/>.</summary>
    int Sign(ReadOnlySpan<byte> payload, Span<byte> destination);
}

/// <summary>HMAC-SHA256 signer: lowercase hex of HMAC(secret, payload).</summary>
public sealed class HmacSha256Signer : IBinanceSigner
{
    private byte[] _key;

    public HmacSha256Signer(string secretKey)
    {
        if (string.IsNullOrEmpty(secretKey)) throw new ArgumentException("the HMAC secret key is empty", nameof(secretKey));
        _key = Encoding.ASCII.GetBytes(secretKey);
    }

    public BinanceKeyType KeyType => BinanceKeyType.Hmac;

    public int MaxSignatureLength => 64;

    public int Sign(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_key.Length == 0, this);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, mac);
        if (!Convert.TryToHexStringLower(mac, destination, out var written))
            throw new ArgumentException("destination is too small for an HMAC-SHA256 signature", nameof(destination));
        return written;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _key = [];
    }

    public override string ToString() => "HmacSha256Signer(secret redacted)";
}

/// <summary>Ed25519 signer (NSec): base64 of the 64-byte signature.</summary>
public sealed class Ed25519Signer : IBinanceSigner
{
    private readonly Key _key;

    private Ed25519Signer(Key key) => _key = key;

    public BinanceKeyType KeyType => BinanceKeyType.Ed25519;

    public int MaxSignatureLength => 88;

    /// <summary>The public key (32 bytes), e.g. to register with the venue or a simulator.</summary>
    public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>Imports a PKCS#8 PEM private key (<c>-----BEGIN PRIVATE KEY-----</c>), the format Binance documents.</summary>
    public static Ed25519Signer FromPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var bytes = Encoding.ASCII.GetBytes(pem.Trim());
        if (!Key.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.PkixPrivateKeyText, out var key))
            throw new FormatException("the Ed25519 private key is not a valid PKCS#8 PEM (BEGIN PRIVATE KEY) Ed25519 key");
        return new Ed25519Signer(key!);
    }

    /// <summary>Imports a raw 32-byte private key seed.</summary>
    public static Ed25519Signer FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32) throw new ArgumentException($"an Ed25519 seed has 32 bytes, not {seed.Length}", nameof(seed));
        return new Ed25519Signer(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey));
    }

    /// <summary>Creates a new random key (tests and simulators; production keys come from the secret store).</summary>
    public static Ed25519Signer Generate() =>
        new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }));

    public int Sign(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> signature = stackalloc byte[64];
        SignatureAlgorithm.Ed25519.Sign(_key, payload, signature);
        if (System.Buffers.Text.Base64.EncodeToUtf8(signature, destination, out _, out var written) != System.Buffers.OperationStatus.Done)
            throw new ArgumentException("destination is too small for an Ed25519 signature", nameof(destination));
        return written;
    }

    /// <summary>Verifies a base64 signature with this key's public key (tests, simulators).</summary>
    public bool Verify(ReadOnlySpan<byte> payload, string signatureBase64)
    {
        var signature = Convert.FromBase64String(signatureBase64);
        return SignatureAlgorithm.Ed25519.Verify(_key.PublicKey, payload, signature);
    }

    public void Dispose() => _key.Dispose();

    public override string ToString() => "Ed25519Signer(private key redacted)";
}

/// <summary>An account's API key and its signer. <see cref="ToString"/> shows neither the secret nor any part of the API key (the secret store treats both as secrets).</summary>
public sealed class BinanceCredentials : IDisposable
{
    public BinanceCredentials(string apiKey, IBinanceSigner signer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ApiKey = apiKey;
        Signer = signer ?? throw new ArgumentNullException(nameof(signer));
    }

    public string ApiKey { get; }

    public IBinanceSigner Signer { get; }

    public BinanceKeyType KeyType => Signer.KeyType;

    public static BinanceCredentials Hmac(string apiKey, string secretKey) => new(apiKey, new HmacSha256Signer(secretKey));

    public static BinanceCredentials Ed25519(string apiKey, string privateKeyPem) => new(apiKey, Ed25519Signer.FromPem(privateKeyPem));

    public void Dispose() => Signer.Dispose();

    public override string ToString() => $"BinanceCredentials(apiKey=***, {KeyType}, secret redacted)";
}
