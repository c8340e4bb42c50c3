using System.Diagnostics;
using NSec.Cryptography;

namespace Oms.Secrets;

/// <summary>
/// An Ed25519 private key held by NSec (in memory that NSec locks and zeroes), e.g. for Binance WebSocket API
/// session logon. The private key cannot be exported from this type; it signs. <see cref="ToString"/> is redacted.
/// </summary>
/// <remarks>
/// Instances are not disposed when credentials rotate, because a connector may still be signing with the previous
/// key; NSec releases (and zeroes) the key memory when the instance is collected.
/// </remarks>
[DebuggerDisplay("Ed25519 ***")]
public sealed class Ed25519SigningKey
{
    /// <summary>Length of an Ed25519 signature in bytes.</summary>
    public const int SignatureLength = 64;

    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly Key _key;

    internal Ed25519SigningKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte public key (not secret): what the venue holds to verify signatures.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>Signs <paramref name="data"/> and returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/> (64 bytes).</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => SignatureAlgorithm.Ed25519.Sign(_key, data, signature);

    /// <summary>Always <c>Ed25519(***)</c>.</summary>
    public override string ToString() => $"Ed25519({SecretRedaction.Mask})";
}
