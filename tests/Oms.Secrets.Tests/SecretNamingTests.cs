using Oms.Domain;
using Oms.Secrets.AzureKeyVault;
using Oms.Secrets.Tests.Support;
using Oms.Secrets.Vault;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Oms.Secrets.Tests;

public sealed class SecretNamingTests : SecretsTestBase
{
    [Theory]
    [InlineData("demo-spot", "oms-binance-demo--spot-api-key")]
    [InlineData("Desk_1", "oms-binance--desk-11-api-key")]
    [InlineData("a.b", "oms-binance-a-0b-api-key")]
    [InlineData("team7", "oms-binance-team7-api-key")]
    public void Key_Vault_names_escape_account_ids(string account, string expected) =>
        Assert.Equal(expected, SecretNaming.KeyVaultSecretName("oms-{venue}-{account}-{field}", Venue.Binance, new AccountId(account), SecretField.ApiKey));

    [Fact]
    public void Key_Vault_names_never_collide_even_case_insensitively_and_round_trip()
    {
        string[] accounts = ["demo-spot", "demo_spot", "demo.spot", "Demo-spot", "DEMO-SPOT", "demo--spot", "demo-0spot", "demo-1spot", "d-emo", "D_emo", "-", "_", ".", "a-", "a_", "A", "a"];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in accounts)
        {
            var account = new AccountId(value);
            foreach (var field in SecretFieldNames.All)
            {
                var name = SecretNaming.KeyVaultSecretName("oms-{venue}-{account}-{field}", Venue.Okx, account, field);
                Assert.True(SecretNaming.IsValidKeyVaultName(name), name);
                Assert.True(names.Add(name), $"{name} is used twice");
            }

            Assert.True(SecretNaming.TryUnescapeFromKeyVault(SecretNaming.EscapeForKeyVault(account).ToUpperInvariant(), out var back));
            Assert.Equal(account, back);
        }

        Assert.False(SecretNaming.TryUnescapeFromKeyVault("demo-", out _));
        Assert.False(SecretNaming.TryUnescapeFromKeyVault("demo-2", out _));
    }

    [Fact]
    public async Task An_account_whose_Key_Vault_name_would_be_too_long_is_a_configuration_error()
    {
        var account = new AccountId(new string('A', 64));
        var store = new AzureKeyVaultSecretStore(
            new Azure.Security.KeyVault.Secrets.SecretClient(new Uri("https://127.0.0.1:1/"), new TestTokenCredential("unused")),
            new AzureKeyVaultSecretStoreOptions(), Time, Loggers.CreateLogger<AzureKeyVaultSecretStore>());

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.InvalidConfiguration, error.Kind);
        Assert.Contains("Key Vault allows 127", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vault_paths_use_the_template_and_refuse_dot_segments()
    {
        Assert.Equal("oms/venues/bybit/desk.1", SecretNaming.VaultSecretPath("oms/venues/{venue}/{account}", Venue.Bybit, new AccountId("desk.1")));
        Assert.Equal("trading/okx-A_b", SecretNaming.VaultSecretPath("/trading/{venue}-{account}/", Venue.Okx, new AccountId("A_b")));
        Assert.Throws<ArgumentException>(() => SecretNaming.VaultSecretPath("oms/{venue}/{account}", Venue.Okx, new AccountId("..")));

        using var store = new VaultSecretStore(
            new VaultSecretStoreOptions { Address = "http://127.0.0.1:1", Auth = { Token = "unused" } }, Time, Loggers);
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, new AccountId("."), null, CancellationToken.None));
        Assert.Equal(SecretStoreErrorKind.InvalidConfiguration, error.Kind);
    }

    [Fact]
    public void Environment_variable_names_follow_the_documented_convention() =>
        Assert.Equal("OMS_SECRET__BINANCE__DEMO_SPOT_1__ED25519_PRIVATE_KEY",
            SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, new AccountId("demo-spot.1"), SecretField.Ed25519PrivateKey));
}
