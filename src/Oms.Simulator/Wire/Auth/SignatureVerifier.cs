using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Oms.Simulator.Wire.Auth;

/// <summary>Binance request signature rules (REFERENCE.md §1.4, §2.3, §6).</summary>
public static class SignatureVerifier
{
    /// <summary>
    /// The REST signed payload: the raw, still percent-encoded query string followed immediately (no
    /// separator) by the raw body, each with its <c>signature=…</c> parameter removed.
    /// </summary>
    public static string RestPayload(string? rawQuery, string? rawBody) => StripSignature(rawQuery) + StripSignature(rawBody);

    /// <summary>HMAC-SHA256 over <paramref name="payload"/>; the hex signature is compared case-insensitively in constant time.</summary>
    public static bool VerifyHmac(byte[] secret, ReadOnlySpan<byte> payload, string signatureHex)
    {
        if (signatureHex.Length != 64 || !signatureHex.All(Uri.IsHexDigit))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, payload, expected);
        var provided = Convert.FromHexString(signatureHex);
        return CryptographicOperations.FixedTimeEquals(expected, provided);
    }

    /// <summary>Ed25519 over <paramref name="payload"/>; the signature is base64 (already percent-decoded).</summary>
    public static bool VerifyEd25519(PublicKey publicKey, ReadOnlySpan<byte> payload, string signatureBase64)
    {
        Span<byte> signature = stackalloc byte[64];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var written) || written != 64)
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(publicKey, payload, signature);
    }

    /// <summary>Lower-case hex HMAC-SHA256 (used by tests and demo tooling).</summary>
    public static string SignHmac(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    private static string StripSignature(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return string.Empty;
        }

        if (raw[0] == '?')
        {
            raw = raw[1..];
        }

        if (!raw.Contains("signature=", StringComparison.Ordinal))
        {
            return raw;
        }

        var kept = raw.Split('&').Where(s => !s.StartsWith("signature=", StringComparison.Ordinal));
        return string.Join('&', kept);
    }
}
