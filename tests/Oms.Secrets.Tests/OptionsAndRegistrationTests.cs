using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Oms.Domain;
using Oms.Secrets.Local;
using Oms.Secrets.Tests.Support;
using Oms.Secrets.Vault;
using Xunit;

namespace Oms.Secrets.Tests;

public sealed class OptionsAndRegistrationTests : SecretsTestBase
{
    [Theory]
    [InlineData("Vault", "Oms:Secrets:Vault:Address must be an absolute http(s) URL")]
    [InlineData("AzureKeyVault", "Oms:Secrets:AzureKeyVault:VaultUri must be an absolute https URL")]
    public void A_remote_store_needs_an_absolute_url(string provider, string message)
    {
        foreach (var url in new string?[] { null, "vault:8200", "/relative", "ftp://vault:8200", "http://" })
        {
            var options = Bind(new() { ["Oms:Secrets:Provider"] = provider, ["Oms:Secrets:Vault:Address"] = url, ["Oms:Secrets:AzureKeyVault:VaultUri"] = url, ["Oms:Secrets:Vault:Auth:Token"] = "x" });
            var result = new OmsSecretsOptionsValidator().Validate(null, options);
            Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        }

        Assert.True(new OmsSecretsOptionsValidator().Validate(null, new OmsSecretsOptions { Provider = SecretStoreProvider.AzureKeyVault, AzureKeyVault = { VaultUri = "https://oms.vault.azure.net/" } }).Succeeded);
    }

    [Fact]
    public void Vault_auth_must_be_complete()
    {
        var validator = new OmsSecretsOptionsValidator();
        var token = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200" } };
        var appRole = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200", Auth = { Method = VaultAuthMethod.AppRole } } };
        var complete = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200", Auth = { Method = VaultAuthMethod.AppRole, RoleId = "r", SecretId = "s" } } };
        var badTemplate = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200", PathTemplate = "oms/{venue}", Auth = { Token = "t" } } };

        Assert.Contains("Method Token needs Token or TokenFile", validator.Validate(null, token).FailureMessage, StringComparison.Ordinal);
        var appRoleErrors = validator.Validate(null, appRole).FailureMessage;
        Assert.Contains("Method AppRole needs RoleId", appRoleErrors, StringComparison.Ordinal);
        Assert.Contains("Method AppRole needs SecretId or SecretIdFile", appRoleErrors, StringComparison.Ordinal);
        Assert.Contains("PathTemplate must contain {venue} and {account}", validator.Validate(null, badTemplate).FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, complete).Succeeded);
    }

    [Fact]
    public void Other_settings_are_checked()
    {
        var validator = new OmsSecretsOptionsValidator();
        var result = validator.Validate(null, new OmsSecretsOptions
        {
            Provider = SecretStoreProvider.AzureKeyVault,
            PollInterval = TimeSpan.FromMilliseconds(10),
            AzureKeyVault = { VaultUri = "https://oms.vault.azure.net/", NameTemplate = "oms_{venue}_{account}_{field}" },
        });

        Assert.Contains("PollInterval must be at least 00:00:01", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("NameTemplate may contain only letters, digits and '-'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_settings_are_redacted_in_ToString()
    {
        var token = Leaks.Text(TestSecrets.NewVaultToken(), "vault token");
        var secretId = Leaks.Text(TestSecrets.NewText(), "secret_id");
        var withToken = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200", Auth = { Token = token } } };
        var withAppRole = new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "https://vault:8200", Auth = { Method = VaultAuthMethod.AppRole, RoleId = "oms", SecretId = secretId } } };
        var result = new OmsSecretsOptionsValidator().Validate(null, new OmsSecretsOptions { Provider = SecretStoreProvider.Vault, Vault = { Address = "nope", Auth = { Token = token } } });

        Assert.Contains("Token=***", withToken.ToString(), StringComparison.Ordinal);
        Assert.Contains("SecretId=***", withAppRole.ToString(), StringComparison.Ordinal);
        Assert.Contains("RoleId=oms", withAppRole.ToString(), StringComparison.Ordinal);
        AssertNoSecretsLeaked(withToken, withAppRole, withToken.Vault.Auth, withAppRole.Vault, result.FailureMessage);
    }

    [Fact]
    public async Task The_embedded_default_is_the_local_store_and_works_with_no_secrets()
    {
        var services = new ServiceCollection().AddSingleton(Loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddOmsSecrets(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Secrets:Local:FilePath"] = Path.Combine(Path.GetTempPath(), "oms-no-such-dir-" + TestSecrets.NewAccountSuffix(), "secrets.json"),
        }).Build());
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IVenueCredentialStore>();
        var check = await provider.GetRequiredService<ISecretStoreHealthCheck>().CheckAsync([(Venue.Binance, new AccountId("demo-spot"))]);

        Assert.IsType<LocalSecretStore>(provider.GetRequiredService<ISecretStoreBackend>());
        Assert.Same(store, provider.GetRequiredService<ICredentialRotationNotifier>());
        Assert.Null(await store.TryGetAsync(Venue.Binance, new AccountId("demo-spot")));
        var failure = Assert.Single(check.Failures);
        Assert.Equal(SecretStoreErrorKind.NotFound, failure.Kind);
        Assert.Contains("binance account 'demo-spot'", check.ToString(), StringComparison.Ordinal);
        Assert.Single(provider.GetServices<IHostedService>().OfType<CredentialRotationPollingService>());
    }

    [Fact]
    public async Task Start_up_fails_on_invalid_settings_naming_them()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Secrets:Provider"] = "Vault",
            ["Oms:Secrets:Vault:Address"] = "vault.internal",
            ["Oms:Secrets:Vault:Auth:Method"] = "AppRole",
        });
        builder.Services.AddOmsSecrets(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Oms:Secrets:Vault:Address", error.Message, StringComparison.Ordinal);
        Assert.Contains("Method AppRole needs RoleId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_host_reads_Vault_with_AppRole_from_configuration_and_sees_rotations()
    {
        await using var vault = await FakeVaultServer.StartAsync(Time);
        var account = new AccountId("silo-" + TestSecrets.NewAccountSuffix());
        var secretId = Leaks.Text(TestSecrets.NewText(), "secret_id");
        var secretIdFile = Path.Combine(Directory.CreateTempSubdirectory("oms-secret-id-").FullName, "secret-id");
        await File.WriteAllTextAsync(secretIdFile, secretId + "\n");
        vault.AddAppRole("oms-silo", secretId, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), allowedPrefixes: "kv/");
        var path = $"trading/binance/{account}";
        vault.PutSecret("kv", path, Credentials());

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Secrets:Provider"] = "Vault",
            ["Oms:Secrets:PollInterval"] = "00:00:15",
            ["Oms:Secrets:Vault:Address"] = vault.Address.ToString(),
            ["Oms:Secrets:Vault:Mount"] = "kv",
            ["Oms:Secrets:Vault:PathTemplate"] = "trading/{venue}/{account}",
            ["Oms:Secrets:Vault:Auth:Method"] = "AppRole",
            ["Oms:Secrets:Vault:Auth:RoleId"] = "oms-silo",
            ["Oms:Secrets:Vault:Auth:SecretIdFile"] = secretIdFile,
        });
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton(Loggers);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddOmsSecrets(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<ISecretStoreHealthCheck>().VerifyAsync([(Venue.Binance, account)]);
        var missing = await Assert.ThrowsAsync<SecretStoreVerificationException>(() =>
            host.Services.GetRequiredService<ISecretStoreHealthCheck>().VerifyAsync([(Venue.Binance, account), (Venue.Okx, account)]));
        var rotated = new TaskCompletionSource<CredentialsRotated>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Services.GetRequiredService<ICredentialRotationNotifier>()
            .OnRotated((r, _) => { rotated.TrySetResult(r); return ValueTask.CompletedTask; });
        var newCredentials = Credentials();
        vault.PutSecret("kv", path, newCredentials);
        Time.Advance(TimeSpan.FromSeconds(15));
        var rotation = await rotated.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var current = await host.Services.GetRequiredService<IVenueCredentialStore>().GetAsync(Venue.Binance, account);
        await host.StopAsync();

        Assert.Contains($"okx account '{account}'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("NotFound", missing.Message, StringComparison.Ordinal);
        Assert.Contains($"kv/data/trading/okx/{account}", missing.Message, StringComparison.Ordinal);
        Assert.Contains(vault.Address.Authority, missing.Message, StringComparison.Ordinal);
        Assert.Equal("2", rotation.CurrentVersion);
        Assert.Equal(newCredentials["api_key"], current.ApiKey.Reveal());
        Assert.Contains(LogEntries, e => e.Contains("Venue credentials come from vault", StringComparison.Ordinal) && e.Contains("SecretIdFile=", StringComparison.Ordinal));
        AssertNoSecretsLeaked(missing, rotation, current);
    }

    private Dictionary<string, string> Credentials() => new()
    {
        ["api_key"] = Leaks.Text(TestSecrets.NewText(), "api key"),
        ["hmac_secret"] = Leaks.Text(TestSecrets.NewText(32), "hmac secret"),
    };

    private static OmsSecretsOptions Bind(Dictionary<string, string?> values)
    {
        var options = new OmsSecretsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(OmsSecretsOptions.SectionName).Bind(options);
        return options;
    }
}
