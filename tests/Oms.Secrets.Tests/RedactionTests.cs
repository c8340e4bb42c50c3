using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Oms.Domain;
using Oms.Secrets.Tests.Support;
using Xunit;

namespace Oms.Secrets.Tests;

public sealed class RedactionTests : SecretsTestBase
{
    [Fact]
    public void Secret_holders_print_and_debug_as_stars()
    {
        var apiKey = Leaks.Text(TestSecrets.NewText(), "api key");
        var hmac = Leaks.Text(TestSecrets.NewText(32), "hmac");
        var passphrase = Leaks.Text(TestSecrets.NewText(), "passphrase");
        var key = Leaks.Key(TestEd25519Key.Create());
        var credentials = CredentialParser.Build("store", Venue.Okx, new AccountId("acct"), "loc",
            new Dictionary<SecretField, string?>
            {
                [SecretField.ApiKey] = apiKey,
                [SecretField.HmacSecret] = hmac,
                [SecretField.Ed25519PrivateKey] = key.Pem,
                [SecretField.Passphrase] = passphrase,
            },
            SecretFieldNames.SnakeCase, "3", DateTimeOffset.UnixEpoch);

        Assert.Equal("***", credentials.ApiKey.ToString());
        Assert.Equal("***", $"{credentials.HmacSecret}");
        Assert.Equal("Ed25519(***)", credentials.Ed25519PrivateKey!.ToString());
        Assert.Equal("credentials of okx account 'acct' version 3 from store: api_key=***, hmac_secret=***, ed25519_private_key=***, passphrase=***", credentials.ToString());
        foreach (var type in new[] { typeof(SecretString), typeof(RedactedBytes), typeof(Ed25519SigningKey) })
        {
            Assert.Contains("***", type.GetCustomAttribute<DebuggerDisplayAttribute>()!.Value, StringComparison.Ordinal);
        }

        Loggers.CreateLogger("consumer").LogInformation("Using {Credentials} with key {ApiKey} and {Secret}", credentials, credentials.ApiKey, credentials.HmacSecret);
        AssertNoSecretsLeaked(credentials, credentials.ApiKey, credentials.HmacSecret, credentials.Passphrase, credentials.Ed25519PrivateKey);
        Assert.Equal(apiKey, credentials.ApiKey.Reveal());
        Assert.True(credentials.ApiKey.FixedTimeEquals(new SecretString(apiKey)));
        Assert.False(credentials.ApiKey.FixedTimeEquals(new SecretString(hmac)));
    }

    [Fact]
    public void Server_text_is_scrubbed_of_secrets_tokens_and_control_characters()
    {
        var known = TestSecrets.NewText();
        var vaultToken = TestSecrets.NewVaultToken();
        var text = $"denied for {known}\r\n\tforged: line with token {vaultToken} and Authorization: Bearer eyJ0eXAiOiJKV1Qi.x.y " + new string('x', 400);

        var scrubbed = SecretRedaction.ScrubServerText(text, known);

        Assert.DoesNotContain(known, scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("hvs.", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ0", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', scrubbed);
        Assert.StartsWith("denied for *** forged: line with token *** and Authorization: Bearer ***", scrubbed, StringComparison.Ordinal);
        Assert.Equal(SecretRedaction.MaxServerTextLength + 1, scrubbed.Length);
        Assert.Equal("(not set)", SecretRedaction.Describe(null));
        Assert.Equal("***", SecretRedaction.Describe(known));
    }

    [Fact]
    public void The_leak_detector_finds_prefixes_and_fragments_and_nothing_else()
    {
        var detector = new LeakDetector();
        var secret = detector.Text(TestSecrets.NewText(), "api key");
        var key = detector.Key(TestEd25519Key.Create());

        Assert.NotNull(detector.FindLeak(["key starts " + secret[..4] + "…"]));
        Assert.NotNull(detector.FindLeak(["masked ****" + secret[^8..]]));
        Assert.NotNull(detector.FindLeak(["seed " + key.SeedHex[20..30]]));
        Assert.NotNull(detector.FindLeak([key.Pem]));
        Assert.Null(detector.FindLeak(["api_key=***", "Vault GET /v1/secret/data/oms/venues/binance/demo -> 200", Convert.ToBase64String(key.PublicKey)]));
    }
}
