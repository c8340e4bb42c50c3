using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Oms.Domain;
using Oms.Secrets.Local;
using Oms.Secrets.Tests.Support;
using Xunit;

namespace Oms.Secrets.Tests.Local;

public sealed class LocalSecretStoreTests : SecretsTestBase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("oms-secrets-test-").FullName;

    [Fact]
    public async Task Reads_credentials_from_environment_variables()
    {
        var account = new AccountId("demo-spot." + TestSecrets.NewAccountSuffix());
        var apiKey = Leaks.Text(TestSecrets.NewText(), "api key");
        var hmac = Leaks.Text(TestSecrets.NewText(32), "hmac secret");
        var prefix = $"OMS_SECRET__BINANCE__{account.Value.ToUpperInvariant().Replace('-', '_').Replace('.', '_')}__";
        Environment.SetEnvironmentVariable(prefix + "API_KEY", apiKey);
        Environment.SetEnvironmentVariable(prefix + "HMAC_SECRET", hmac);
        try
        {
            var store = CreateStore(new LocalSecretStoreOptions { UseFile = false });

            var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

            Assert.Equal(apiKey, credentials.ApiKey.Reveal());
            Assert.Equal(Encoding.UTF8.GetBytes(hmac), credentials.HmacSecret!.ToArray());
            Assert.StartsWith("local-", credentials.Version, StringComparison.Ordinal);
            Assert.Equal(credentials.Version, (await store.ReadAsync(Venue.Binance, account, credentials.Version, CancellationToken.None)).Version);
            AssertNoSecretsLeaked(credentials);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "API_KEY", null);
            Environment.SetEnvironmentVariable(prefix + "HMAC_SECRET", null);
        }
    }

    [Fact]
    public async Task Reads_the_file_and_environment_overrides_it_field_by_field()
    {
        var account = new AccountId("file-" + TestSecrets.NewAccountSuffix());
        var key = Leaks.Key(TestEd25519Key.Create());
        var fileApiKey = Leaks.Text(TestSecrets.NewText(), "file api key");
        var envApiKey = Leaks.Text(TestSecrets.NewText(), "env api key");
        var path = WriteFile(new JsonObject
        {
            ["Binance"] = new JsonObject
            {
                [account.Value] = new JsonObject { ["api_key"] = fileApiKey, ["ed25519_private_key"] = key.SeedHex },
            },
        });
        var variables = new Dictionary<string, string> { [SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.ApiKey)] = envApiKey };

        var fromFile = await CreateStore(new LocalSecretStoreOptions { FilePath = path, UseEnvironment = false }).ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        var merged = await CreateStore(new LocalSecretStoreOptions { FilePath = path }, variables).ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal(fileApiKey, fromFile.ApiKey.Reveal());
        Assert.Equal(key.PublicKey, fromFile.Ed25519PrivateKey!.PublicKey.ToArray());
        Assert.Null(fromFile.HmacSecret);
        Assert.Equal(envApiKey, merged.ApiKey.Reveal());
        Assert.Equal(key.PublicKey, merged.Ed25519PrivateKey!.PublicKey.ToArray());
        AssertNoSecretsLeaked(fromFile, merged);
    }

    [Fact]
    public async Task Editing_the_file_rotates_the_credentials_without_a_restart()
    {
        var account = new AccountId("rot-" + TestSecrets.NewAccountSuffix());
        var path = Path.Combine(_directory, "secrets.json");
        WriteCredentials(path, account, Leaks.Text(TestSecrets.NewText(), "api key"));
        using var cache = new CachingVenueCredentialStore(
            CreateStore(new LocalSecretStoreOptions { FilePath = path, UseEnvironment = false }), Time, Loggers.CreateLogger<CachingVenueCredentialStore>());
        var rotations = new List<CredentialsRotated>();
        using var subscription = cache.OnRotated((r, _) =>
        {
            rotations.Add(r);
            return ValueTask.CompletedTask;
        });
        var before = await cache.GetAsync(Venue.Bybit, account);

        var newKey = Leaks.Text(TestSecrets.NewText(), "new api key");
        WriteCredentials(path, account, newKey);
        await cache.RefreshAsync();
        await cache.RefreshAsync();

        var rotation = Assert.Single(rotations);
        Assert.Equal(before.Version, rotation.PreviousVersion);
        Assert.Equal(newKey, (await cache.GetAsync(Venue.Bybit, account)).ApiKey.Reveal());
        var stale = await Assert.ThrowsAsync<SecretStoreException>(() => cache.GetVersionAsync(Venue.Bybit, account, before.Version));
        Assert.Equal(SecretStoreErrorKind.NotFound, stale.Kind);
        AssertNoSecretsLeaked(before, rotation, stale);
    }

    [Fact]
    public async Task With_no_secrets_at_all_every_account_is_cleanly_not_found()
    {
        var account = new AccountId("demo-spot");
        var options = new LocalSecretStoreOptions { FilePath = Path.Combine(_directory, "absent", "secrets.json") };
        var store = CreateStore(options, new Dictionary<string, string>());
        using var cache = new CachingVenueCredentialStore(store, Time, Loggers.CreateLogger<CachingVenueCredentialStore>());

        await store.CheckAvailabilityAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => cache.GetAsync(Venue.Binance, account));
        var none = await cache.TryGetAsync(Venue.Binance, account);

        Assert.Null(none);
        Assert.Equal(SecretStoreErrorKind.NotFound, error.Kind);
        Assert.Equal((Venue.Binance, account), (error.Venue!.Value, error.Account!.Value));
        Assert.Contains("binance account 'demo-spot'", error.Message, StringComparison.Ordinal);
        Assert.Contains("OMS_SECRET__BINANCE__DEMO_SPOT__API_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains(options.ResolveFilePath(), error.Message, StringComparison.Ordinal);
        Assert.Equal(new CredentialRefreshResult(0, 0, 0), await cache.RefreshAsync());
    }

    [Fact]
    public async Task A_malformed_ed25519_key_is_reported_naming_the_field()
    {
        var account = new AccountId("bad-" + TestSecrets.NewAccountSuffix());
        var bad = Leaks.Text(TestSecrets.NewText(33), "malformed key");
        var variables = new Dictionary<string, string>
        {
            [SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Okx, account, SecretField.ApiKey)] = Leaks.Text(TestSecrets.NewText(), "api key"),
            [SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Okx, account, SecretField.Ed25519PrivateKey)] = bad,
        };
        var store = CreateStore(new LocalSecretStoreOptions { UseFile = false }, variables);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Okx, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.Malformed, error.Kind);
        Assert.Equal(SecretField.Ed25519PrivateKey, error.Field);
        Assert.Contains("ed25519_private_key", error.Message, StringComparison.Ordinal);
        Assert.Contains(SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Okx, account, SecretField.Ed25519PrivateKey), error.Message, StringComparison.Ordinal);
        Assert.Contains($"okx account '{account}'", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Credentials_without_a_signing_secret_or_api_key_are_malformed()
    {
        var account = new AccountId("half-" + TestSecrets.NewAccountSuffix());
        var onlyKey = new Dictionary<string, string>
        {
            [SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.ApiKey)] = Leaks.Text(TestSecrets.NewText(), "api key"),
        };
        var onlySecret = new Dictionary<string, string>
        {
            [SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.HmacSecret)] = Leaks.Text(TestSecrets.NewText(), "hmac"),
        };

        var noSigning = await Assert.ThrowsAsync<SecretStoreException>(() => CreateStore(new LocalSecretStoreOptions { UseFile = false }, onlyKey).ReadAsync(Venue.Binance, account, null, CancellationToken.None));
        var noApiKey = await Assert.ThrowsAsync<SecretStoreException>(() => CreateStore(new LocalSecretStoreOptions { UseFile = false }, onlySecret).ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.Malformed, noSigning.Kind);
        Assert.Contains("neither 'hmac_secret' nor 'ed25519_private_key'", noSigning.Message, StringComparison.Ordinal);
        Assert.Equal((SecretStoreErrorKind.Malformed, SecretField.ApiKey), (noApiKey.Kind, noApiKey.Field));
        Assert.Contains("api_key", noApiKey.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(noSigning, noApiKey);
    }

    [Fact]
    public async Task An_unparseable_file_is_malformed_without_quoting_it()
    {
        var secretLooking = Leaks.Text(TestSecrets.NewText(), "broken file content");
        var path = Path.Combine(_directory, "broken.json");
        await File.WriteAllTextAsync(path, "{ \"binance\": { \"x\": { \"api_key\": \"" + secretLooking + "\" ");
        var store = CreateStore(new LocalSecretStoreOptions { FilePath = path, UseEnvironment = false });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.CheckAvailabilityAsync(CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.Malformed, error.Kind);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public void Default_file_is_in_the_user_profile_and_a_file_inside_a_git_repository_is_refused()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".oms", "secrets.json"), new LocalSecretStoreOptions().ResolveFilePath());
        Assert.Equal(Path.Combine(home, "keys", "oms.json"), new LocalSecretStoreOptions { FilePath = "~/keys/oms.json" }.ResolveFilePath());

        Directory.CreateDirectory(Path.Combine(_directory, "repo", ".git"));
        var inRepo = new OmsSecretsOptions { Local = { FilePath = Path.Combine(_directory, "repo", "config", "secrets.json") } };
        var allowed = new OmsSecretsOptions { Local = { FilePath = inRepo.Local.FilePath, AllowFileInsideGitRepository = true } };
        var validator = new OmsSecretsOptionsValidator();

        var refused = validator.Validate(null, inRepo);
        Assert.True(refused.Failed);
        Assert.Contains("inside the git working tree", refused.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, allowed).Succeeded);
    }

    private LocalSecretStore CreateStore(LocalSecretStoreOptions options, Dictionary<string, string>? environment = null) =>
        new(options, Time, Loggers.CreateLogger<LocalSecretStore>(), environment is null ? null : name => environment.GetValueOrDefault(name));

    private string WriteFile(JsonObject content)
    {
        var path = Path.Combine(_directory, "secrets.json");
        File.WriteAllText(path, content.ToJsonString());
        return path;
    }

    private void WriteCredentials(string path, AccountId account, string apiKey) =>
        File.WriteAllText(path, new JsonObject
        {
            ["bybit"] = new JsonObject
            {
                [account.Value] = new JsonObject { ["api_key"] = apiKey, ["hmac_secret"] = Leaks.Text(TestSecrets.NewText(32), "hmac secret") },
            },
        }.ToJsonString());
}
