using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Oms.Secrets.Tests.Support;

/// <summary>
/// Generates throw-away secrets for tests. Text secrets start with '~', a character the library never writes, so the
/// leak detector can look for every 4-character prefix without chance matches.
/// </summary>
internal static class TestSecrets
{
    public static string NewText(int bytes = 24) => "~" + Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string NewVaultToken() => "hvs.~" + Base64Url(RandomNumberGenerator.GetBytes(24));

    public static string NewAccountSuffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A generated Ed25519 key in every text form a store may hold.</summary>
internal sealed class TestEd25519Key
{
    private TestEd25519Key(byte[] seed, string pem, byte[] publicKey)
    {
        Seed = seed;
        Pem = pem;
        PublicKey = publicKey;
    }

    public byte[] Seed { get; }

    public string Pem { get; }

    public byte[] PublicKey { get; }

    public string SeedHex => Convert.ToHexStringLower(Seed);

    public string SeedBase64 => Convert.ToBase64String(Seed);

    /// <summary>The base64 body of the PEM minus the constant PKCS#8 header (the part that encodes the seed).</summary>
    public string PemSecretPart
    {
        get
        {
            var body = string.Concat(Pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
            return body[24..];
        }
    }

    public static TestEd25519Key Create()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        var pem = Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText));
        return new TestEd25519Key(seed, pem, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, PublicKey, KeyBlobFormat.RawPublicKey), data, signature);
}
