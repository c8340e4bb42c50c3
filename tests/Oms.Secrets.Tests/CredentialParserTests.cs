using System.Text;
using Oms.Domain;
using Oms.Secrets.Tests.Support;
using Xunit;

namespace Oms.Secrets.Tests;

public sealed class CredentialParserTests
{
    [Fact]
    public void Accepts_an_ed25519_key_as_pem_hex_seed_base64_seed_or_base64_der()
    {
        var key = TestEd25519Key.Create();
        var der = Convert.ToBase64String(Convert.FromBase64String(string.Concat(key.Pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        var data = Encoding.UTF8.GetBytes("apiKey=k&timestamp=1700000000000");

        foreach (var text in new[] { key.Pem, key.Pem.Replace("\n", "\r\n", StringComparison.Ordinal), key.SeedHex, key.SeedHex.ToUpperInvariant(), key.SeedBase64, der })
        {
            Assert.True(CredentialParser.TryParseEd25519(text, out var parsed, out var problem), problem);
            Assert.Equal(key.PublicKey, parsed!.PublicKey.ToArray());
            Assert.True(key.Verify(data, parsed.Sign(data)));
        }
    }

    [Theory]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAg=\n-----END ENCRYPTED PRIVATE KEY-----", "encrypted")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----", "not an unencrypted PKCS#8")]
    [InlineData("not a key at all!", "is not a PKCS#8 PEM")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj", "not a valid PKCS#8")]
    public void Rejects_what_is_not_an_unencrypted_ed25519_key(string text, string reason)
    {
        Assert.False(CredentialParser.TryParseEd25519(text, out var parsed, out var problem));
        Assert.Null(parsed);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Builds_credentials_with_hmac_helpers()
    {
        var hmac = TestSecrets.NewText(32);
        var credentials = CredentialParser.Build("test store", Venue.Binance, new AccountId("a"), "here",
            new Dictionary<SecretField, string?> { [SecretField.ApiKey] = " key \n", [SecretField.HmacSecret] = hmac },
            SecretFieldNames.SnakeCase, "7", DateTimeOffset.UnixEpoch);
        var payload = Encoding.UTF8.GetBytes("symbol=BTCUSDT&side=BUY");

        Assert.Equal("key", credentials.ApiKey.Reveal());
        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(hmac), payload), credentials.ComputeHmacSha256(payload));
        Assert.Equal(hmac.Length, credentials.UseHmacKey(k => k.Length));
        var noKey = Assert.Throws<InvalidOperationException>(() => credentials.SignEd25519(payload));
        Assert.Contains("binance account 'a' has no ed25519_private_key", noKey.Message, StringComparison.Ordinal);
    }
}
