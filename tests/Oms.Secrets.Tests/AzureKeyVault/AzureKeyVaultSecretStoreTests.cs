using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Oms.Domain;
using Oms.Secrets.AzureKeyVault;
using Oms.Secrets.Tests.Support;
using Xunit;

namespace Oms.Secrets.Tests.AzureKeyVault;

/// <summary>The real Azure SDK <see cref="SecretClient"/> against an in-test Key Vault over HTTPS with the bearer challenge.</summary>
public sealed class AzureKeyVaultSecretStoreTests : SecretsTestBase, IAsyncLifetime
{
    private const string TenantId = "72f988bf-0000-4000-8000-2d7cd011db47";
    private readonly X509Certificate2 _certificate = TestCertificates.CreateLoopback();
    private string _token = null!;
    private FakeKeyVaultServer _vault = null!;
    private TestTokenCredential _credential = null!;

    public async Task InitializeAsync()
    {
        _token = Leaks.Text(TestSecrets.NewText(32), "bearer token");
        _credential = new TestTokenCredential(_token);
        _vault = await FakeKeyVaultServer.StartAsync(_certificate, TenantId, _token);
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Reads_credentials_through_the_bearer_challenge()
    {
        var account = new AccountId("Desk_" + TestSecrets.NewAccountSuffix());
        var expected = Put(Venue.Binance, account);
        var store = CreateStore();

        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal(expected.ApiKey, credentials.ApiKey.Reveal());
        Assert.Equal(Encoding.UTF8.GetBytes(expected.Hmac), credentials.HmacSecret!.ToArray());
        Assert.Equal(expected.Key.PublicKey, credentials.Ed25519PrivateKey!.PublicKey.ToArray());
        Assert.Null(credentials.Passphrase);
        Assert.Equal($"api-key={expected.ApiKeyVersion};hmac-secret={expected.HmacVersion};ed25519-private-key={expected.KeyVersion}", credentials.Version);

        // The challenge: the first request carries no token and is answered 401; the SDK then asks the credential
        // for a token for the resource and tenant named in WWW-Authenticate, and retries with it.
        var first = _vault.Requests.First();
        Assert.Equal((null, 401), (first.Authorization, first.Status));
        var context = Assert.Single(_credential.Requests);
        Assert.Equal(["https://vault.azure.net/.default"], context.Scopes);
        Assert.Equal(TenantId, context.TenantId);
        Assert.All(_vault.Requests.Skip(1), r => Assert.Equal("Bearer " + _token, r.Authorization));
        Assert.Contains(_vault.Requests, r => r.Path == $"/secrets/oms-binance-{SecretNaming.EscapeForKeyVault(account)}-api-key" && r.Status == 200);
        AssertNoSecretsLeaked(credentials, credentials.ApiKey, credentials.HmacSecret);
    }

    [Fact]
    public async Task Reads_a_given_version()
    {
        var account = NewAccount();
        var first = Put(Venue.Bybit, account);
        var store = CreateStore();
        var v1 = await store.ReadAsync(Venue.Bybit, account, null, CancellationToken.None);
        var second = Put(Venue.Bybit, account);

        var old = await store.ReadAsync(Venue.Bybit, account, v1.Version, CancellationToken.None);
        var latest = await store.ReadAsync(Venue.Bybit, account, null, CancellationToken.None);
        var unknown = $"api-key={new string('0', 32)}";
        var missing = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Bybit, account, unknown, CancellationToken.None));

        Assert.Equal(first.ApiKey, old.ApiKey.Reveal());
        Assert.Equal(v1.Version, old.Version);
        Assert.Equal(second.ApiKey, latest.ApiKey.Reveal());
        Assert.NotEqual(v1.Version, latest.Version);
        Assert.Contains(_vault.Requests, r => r.Path.EndsWith($"-api-key/{first.ApiKeyVersion}", StringComparison.Ordinal));
        Assert.Equal(SecretStoreErrorKind.NotFound, missing.Kind);
        Assert.Contains("secret version not found", missing.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(old, latest, missing);
    }

    [Fact]
    public async Task Polling_picks_up_a_new_version_and_notifies_once()
    {
        var account = NewAccount();
        var first = Put(Venue.Binance, account);
        using var cache = new CachingVenueCredentialStore(CreateStore(), Time, Loggers.CreateLogger<CachingVenueCredentialStore>());
        var rotations = new List<CredentialsRotated>();
        using var subscription = cache.OnRotated((rotation, _) =>
        {
            rotations.Add(rotation);
            return ValueTask.CompletedTask;
        }, Venue.Binance, account);

        var before = await cache.GetAsync(Venue.Binance, account);
        var unchanged = await cache.RefreshAsync();
        var newApiKey = Leaks.Text(TestSecrets.NewText(), "api key");
        var newVersion = _vault.SetSecret(Name(Venue.Binance, account, SecretField.ApiKey), newApiKey);
        var changed = await cache.RefreshAsync();
        var after = await cache.GetAsync(Venue.Binance, account);
        var settled = await cache.RefreshAsync();

        Assert.Equal(first.ApiKey, before.ApiKey.Reveal());
        Assert.Equal(new CredentialRefreshResult(1, 0, 0), unchanged);
        Assert.Equal(new CredentialRefreshResult(1, 1, 0), changed);
        Assert.Equal(new CredentialRefreshResult(1, 0, 0), settled);
        Assert.Equal(newApiKey, after.ApiKey.Reveal());
        var rotation = Assert.Single(rotations);
        Assert.Equal(before.Version, rotation.PreviousVersion);
        Assert.StartsWith($"api-key={newVersion};", rotation.CurrentVersion, StringComparison.Ordinal);
        AssertNoSecretsLeaked(before, after, rotation);
    }

    [Fact]
    public async Task Access_denied_names_the_secret_venue_and_account()
    {
        var account = NewAccount();
        Put(Venue.Okx, account);
        _vault.Deny(Name(Venue.Okx, account, SecretField.HmacSecret));
        var store = CreateStore();

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Okx, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.AccessDenied, error.Kind);
        Assert.Equal(SecretField.HmacSecret, error.Field);
        Assert.Equal(Name(Venue.Okx, account, SecretField.HmacSecret), error.Location);
        Assert.Contains($"okx account '{account}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403, Forbidden", error.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault Secrets User", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task A_missing_api_key_is_not_found_naming_the_secret_venue_and_account()
    {
        var account = NewAccount();
        var store = CreateStore();

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));
        await store.CheckAvailabilityAsync(CancellationToken.None); // 404 on the probe proves reachability and access

        Assert.Equal(SecretStoreErrorKind.NotFound, error.Kind);
        Assert.Contains($"binance account '{account}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Name(Venue.Binance, account, SecretField.ApiKey), error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task A_rejected_token_is_an_authentication_failure()
    {
        var account = NewAccount();
        Put(Venue.Binance, account);
        var wrongToken = Leaks.Text(TestSecrets.NewText(32), "wrong bearer token");
        var store = CreateStore(new TestTokenCredential(wrongToken));

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Is_chosen_by_configuration_with_an_injected_credential()
    {
        var account = NewAccount();
        var expected = Put(Venue.Binance, account);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Secrets:Provider"] = "AzureKeyVault",
            ["Oms:Secrets:AzureKeyVault:VaultUri"] = _vault.VaultUri.ToString(),
        }).Build();
        var services = new ServiceCollection().AddSingleton(Loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>)).AddSingleton<TimeProvider>(Time);
        services.AddOmsSecrets(configuration, options =>
        {
            options.AzureKeyVault.Credential = _credential;
            options.AzureKeyVault.ClientOptions = ClientOptions();
        });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IVenueCredentialStore>();
        var credentials = await store.GetAsync(Venue.Binance, account);
        await provider.GetRequiredService<ISecretStoreHealthCheck>().VerifyAsync([(Venue.Binance, account)]);

        Assert.IsType<AzureKeyVaultSecretStore>(provider.GetRequiredService<ISecretStoreBackend>());
        Assert.Equal(expected.ApiKey, credentials.ApiKey.Reveal());
        AssertNoSecretsLeaked(credentials);
    }

    private sealed record Expected(string ApiKey, string ApiKeyVersion, string Hmac, string HmacVersion, TestEd25519Key Key, string KeyVersion);

    private static AccountId NewAccount() => new("kv-" + TestSecrets.NewAccountSuffix());

    private static string Name(Venue venue, AccountId account, SecretField field) =>
        SecretNaming.KeyVaultSecretName("oms-{venue}-{account}-{field}", venue, account, field);

    private Expected Put(Venue venue, AccountId account)
    {
        var apiKey = Leaks.Text(TestSecrets.NewText(), "api key");
        var hmac = Leaks.Text(TestSecrets.NewText(32), "hmac secret");
        var key = Leaks.Key(TestEd25519Key.Create());
        return new Expected(
            apiKey, _vault.SetSecret(Name(venue, account, SecretField.ApiKey), apiKey),
            hmac, _vault.SetSecret(Name(venue, account, SecretField.HmacSecret), hmac),
            key, _vault.SetSecret(Name(venue, account, SecretField.Ed25519PrivateKey), key.SeedBase64));
    }

    private SecretClientOptions ClientOptions()
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(TestCertificates.TrustOnly(_certificate)),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 0;
        return options;
    }

    private AzureKeyVaultSecretStore CreateStore(TestTokenCredential? credential = null)
    {
        var client = new SecretClient(_vault.VaultUri, credential ?? _credential, ClientOptions());
        return new AzureKeyVaultSecretStore(client, new AzureKeyVaultSecretStoreOptions { VaultUri = _vault.VaultUri.ToString() }, Time,
            Loggers.CreateLogger<AzureKeyVaultSecretStore>());
    }
}
