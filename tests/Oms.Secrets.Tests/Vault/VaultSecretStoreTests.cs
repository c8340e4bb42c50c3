using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Domain;
using Oms.Secrets.Tests.Support;
using Oms.Secrets.Vault;
using Xunit;

namespace Oms.Secrets.Tests.Vault;

public sealed class VaultSecretStoreTests : SecretsTestBase, IAsyncLifetime
{
    private const string Mount = "secret";
    private FakeVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeVaultServer.StartAsync(Time);

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task Reads_credentials_with_a_token()
    {
        var account = NewAccount();
        var expected = PutCredentials(Venue.Binance, account);
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));

        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal(expected.ApiKey, credentials.ApiKey.Reveal());
        Assert.Equal(Encoding.UTF8.GetBytes(expected.HmacSecret), credentials.UseHmacKey(key => key.ToArray()));
        var payload = Encoding.UTF8.GetBytes("apiKey=x&timestamp=1");
        Assert.True(expected.Key.Verify(payload, credentials.SignEd25519(payload)));
        Assert.Equal(expected.Key.PublicKey, credentials.Ed25519PrivateKey!.PublicKey.ToArray());
        Assert.Equal("1", credentials.Version);
        Assert.Equal(Time.GetUtcNow(), credentials.RetrievedAt);
        Assert.Contains(_vault.Address.Authority, credentials.Source, StringComparison.Ordinal);
        Assert.All(_vault.Requests.Where(r => r.Path.StartsWith("/v1/secret/", StringComparison.Ordinal)), r => Assert.True(r.HadToken));
        AssertNoSecretsLeaked(credentials, credentials.ApiKey, credentials.HmacSecret, credentials.Ed25519PrivateKey);
    }

    [Fact]
    public async Task Logs_in_with_AppRole_then_reads()
    {
        var account = NewAccount();
        var expected = PutCredentials(Venue.Bybit, account, withEd25519: false);
        var options = AppRoleOptions(TimeSpan.FromMinutes(10));
        using var store = CreateStore(options);

        var first = await store.ReadAsync(Venue.Bybit, account, null, CancellationToken.None);
        var second = await store.ReadAsync(Venue.Bybit, account, null, CancellationToken.None);

        Assert.Equal(expected.ApiKey, first.ApiKey.Reveal());
        Assert.Null(first.Ed25519PrivateKey);
        Assert.Equal("1", second.Version);
        Assert.Equal(1, _vault.Count("POST", "/v1/auth/approle/login"));
        AssertNoSecretsLeaked(first, options, options.Auth);
    }

    [Fact]
    public async Task Renews_the_token_before_its_lease_ends()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(AppRoleOptions(TimeSpan.FromSeconds(60), maxTtl: TimeSpan.FromHours(1)));

        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(45));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        Assert.Equal(1, _vault.Count("POST", "/v1/auth/token/renew-self"));

        // 90 s after login: the original lease (60 s) is over, the renewed one is not.
        Time.Advance(TimeSpan.FromSeconds(45));
        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal("1", credentials.Version);
        Assert.Equal(1, _vault.Count("POST", "/v1/auth/approle/login"));
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/token/renew-self"));
        AssertNoSecretsLeaked();
    }

    [Fact]
    public async Task Renews_a_static_token_and_keeps_using_it()
    {
        var account = NewAccount();
        PutCredentials(Venue.Okx, account, withPassphrase: true);
        var token = NewToken(TimeSpan.FromSeconds(60), renewable: true);
        using var store = CreateStore(TokenOptions(token));

        await store.ReadAsync(Venue.Okx, account, null, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(50));
        var credentials = await store.ReadAsync(Venue.Okx, account, null, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(50));
        await store.ReadAsync(Venue.Okx, account, null, CancellationToken.None);

        Assert.NotNull(credentials.Passphrase);
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/token/renew-self"));
        Assert.Equal(1, _vault.Count("GET", "/v1/auth/token/lookup-self"));
        AssertNoSecretsLeaked(credentials);
    }

    [Fact]
    public async Task Logs_in_again_when_renewal_is_refused()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(AppRoleOptions(TimeSpan.FromSeconds(60)));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        _vault.RefuseRenewal = true;
        Time.Advance(TimeSpan.FromSeconds(45));
        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal("1", credentials.Version);
        Assert.Equal(1, _vault.Count("POST", "/v1/auth/token/renew-self"));
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/approle/login"));
        AssertNoSecretsLeaked();
    }

    [Fact]
    public async Task Logs_in_again_when_the_token_reached_its_max_ttl()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(AppRoleOptions(TimeSpan.FromSeconds(60), maxTtl: TimeSpan.FromSeconds(90)));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Time.Advance(TimeSpan.FromSeconds(45));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None); // renewal capped at max TTL (45 s left)
        Time.Advance(TimeSpan.FromSeconds(35));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal(1, _vault.Count("POST", "/v1/auth/token/renew-self"));
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/approle/login"));
        AssertNoSecretsLeaked();
    }

    [Fact]
    public async Task Logs_in_again_after_the_token_expired_unused()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(AppRoleOptions(TimeSpan.FromSeconds(60)));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(5));
        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Assert.Equal("1", credentials.Version);
        Assert.Equal(0, _vault.Count("POST", "/v1/auth/token/renew-self"));
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/approle/login"));
        AssertNoSecretsLeaked();
    }

    [Fact]
    public async Task An_expired_static_token_fails_authentication_naming_the_store()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromSeconds(60), renewable: false)));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);

        Time.Advance(TimeSpan.FromSeconds(61));
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains(_vault.Address.Authority, error.Message, StringComparison.Ordinal);
        Assert.Contains("lookup-self", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Permission_denied_names_the_path_venue_and_account()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        var token = TestSecrets.NewVaultToken();
        Leaks.Text(token, "vault token");
        _vault.AddToken(token, TimeSpan.FromHours(1), renewable: true, allowedPrefixes: "secret/data/other/");
        using var store = CreateStore(TokenOptions(token));

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.AccessDenied, error.Kind);
        Assert.Equal(Venue.Binance, error.Venue);
        Assert.Equal(account, error.Account);
        Assert.Contains($"secret/data/oms/venues/binance/{account}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"binance account '{account}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Permission_denied_with_AppRole_logs_in_once_more_then_reports()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        var secretId = Leaks.Text(TestSecrets.NewText(), "secret_id");
        _vault.AddAppRole("oms-role", secretId, TimeSpan.FromHours(1), TimeSpan.FromHours(2), allowedPrefixes: "secret/data/other/");
        var options = Options(new VaultAuthOptions { Method = VaultAuthMethod.AppRole, RoleId = "oms-role", SecretId = secretId });
        using var store = CreateStore(options);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.AccessDenied, error.Kind);
        Assert.Equal(2, _vault.Count("POST", "/v1/auth/approle/login"));
        AssertNoSecretsLeaked(error, options);
    }

    [Fact]
    public async Task A_missing_secret_is_not_found_naming_venue_account_and_path()
    {
        var account = NewAccount();
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Okx, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.NotFound, error.Kind);
        Assert.Equal($"secret/data/oms/venues/okx/{account}", error.Location);
        Assert.Contains($"okx account '{account}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"secret/data/oms/venues/okx/{account}", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task A_sealed_vault_is_reported_as_sealed_by_reads_and_the_health_check()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        _vault.Sealed = true;

        var readError = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));
        var healthError = await Assert.ThrowsAsync<SecretStoreException>(() => store.CheckAvailabilityAsync(CancellationToken.None));
        using var cache = new CachingVenueCredentialStore(store, Time, Loggers.CreateLogger<CachingVenueCredentialStore>());
        var check = new SecretStoreHealthCheck(cache, Loggers.CreateLogger<SecretStoreHealthCheck>());
        var verifyError = await Assert.ThrowsAsync<SecretStoreVerificationException>(() => check.VerifyAsync([(Venue.Binance, account)]));

        Assert.Equal(SecretStoreErrorKind.Sealed, readError.Kind);
        Assert.True(readError.IsTransient);
        Assert.Contains("sealed", readError.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 4, _vault.Count("GET", $"/v1/secret/data/oms/venues/binance/{account}")); // the good read, then 1 + 3 retries while sealed
        Assert.Equal(SecretStoreErrorKind.Sealed, healthError.Kind);
        Assert.Contains(store.Description, verifyError.Message, StringComparison.Ordinal);
        Assert.Contains($"binance account '{account}'", verifyError.Message, StringComparison.Ordinal);
        Assert.Equal(SecretStoreErrorKind.Sealed, Assert.Single(verifyError.Report.Failures).Kind);
        AssertNoSecretsLeaked(readError, healthError, verifyError);
    }

    [Fact]
    public async Task Sends_the_namespace_header_on_every_request()
    {
        const string ns = "team-a";
        var account = NewAccount();
        PutCredentials(Venue.Binance, account, ns: ns);
        var secretId = Leaks.Text(TestSecrets.NewText(), "secret_id");
        _vault.AddAppRole("oms-role", secretId, TimeSpan.FromSeconds(60), TimeSpan.FromHours(1), ns, "secret/");
        var options = Options(new VaultAuthOptions { Method = VaultAuthMethod.AppRole, RoleId = "oms-role", SecretId = secretId }, ns);
        using var store = CreateStore(options);

        await store.CheckAvailabilityAsync(CancellationToken.None);
        await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(45));
        Assert.Null(await store.ReadIfChangedAsync(Venue.Binance, account, "1", CancellationToken.None));

        var apiRequests = _vault.Requests.Where(r => r.Path != "/v1/sys/health").ToList();
        Assert.Contains(apiRequests, r => r.Path == "/v1/auth/approle/login");
        Assert.Contains(apiRequests, r => r.Path == "/v1/auth/token/renew-self");
        Assert.Contains(apiRequests, r => r.Path.StartsWith("/v1/secret/metadata/", StringComparison.Ordinal));
        Assert.All(apiRequests, r => Assert.Equal(ns, r.Namespace));
        Assert.Contains("(namespace team-a)", store.Description, StringComparison.Ordinal);

        // Without the namespace the role does not exist: the login is refused, naming the role.
        using var wrong = CreateStore(Options(new VaultAuthOptions { Method = VaultAuthMethod.AppRole, RoleId = "oms-role", SecretId = secretId }));
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => wrong.ReadAsync(Venue.Binance, account, null, CancellationToken.None));
        Assert.Equal(SecretStoreErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("role_id 'oms-role'", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error, options);
    }

    [Fact]
    public async Task Retries_reads_after_server_errors_and_reports_when_they_persist()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        var options = TokenOptions(NewToken(TimeSpan.FromHours(1)));
        options.MaxReadRetries = 2;
        using var store = CreateStore(options);

        _vault.FailNextReads(2);
        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        Assert.Equal("1", credentials.Version);
        Assert.Equal(3, _vault.Count("GET", "/v1/secret/data/"));

        _vault.FailureStatus = 502;
        _vault.FailNextReads(10);
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.StoreUnavailable, error.Kind);
        Assert.Contains("after 3 attempt(s): HTTP 502", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, _vault.Count("GET", "/v1/secret/data/"));
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task A_read_that_gets_no_answer_times_out_as_unavailable()
    {
        var account = NewAccount();
        PutCredentials(Venue.Binance, account);
        var options = TokenOptions(NewToken(TimeSpan.FromHours(1)));
        options.MaxReadRetries = 0;
        options.RequestTimeout = TimeSpan.FromSeconds(5);
        using var store = CreateStore(options);
        await store.CheckAvailabilityAsync(CancellationToken.None); // authenticates first

        var arrived = _vault.HangNextRead();
        var read = store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        Time.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => read.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(SecretStoreErrorKind.StoreUnavailable, error.Kind);
        Assert.Contains("no answer within 5 s", error.Message, StringComparison.Ordinal);
        Assert.Contains($"binance account '{account}'", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Reads_a_given_version()
    {
        var account = NewAccount();
        var v1 = PutCredentials(Venue.Binance, account);
        var v2 = PutCredentials(Venue.Binance, account);
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));

        var old = await store.ReadAsync(Venue.Binance, account, "1", CancellationToken.None);
        var latest = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        var missing = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, "9", CancellationToken.None));
        _vault.DeleteVersion(Mount, PathOf(Venue.Binance, account), 1);
        var deleted = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, "1", CancellationToken.None));

        Assert.Equal(v1.ApiKey, old.ApiKey.Reveal());
        Assert.Equal("1", old.Version);
        Assert.Equal(v2.ApiKey, latest.ApiKey.Reveal());
        Assert.Equal("2", latest.Version);
        Assert.Contains(_vault.Requests, r => r.Query == "?version=1");
        Assert.Equal(SecretStoreErrorKind.NotFound, missing.Kind);
        Assert.Contains("version 9", missing.Message, StringComparison.Ordinal);
        Assert.Equal(SecretStoreErrorKind.NotFound, deleted.Kind);
        Assert.Contains("version 1 of the secret was deleted", deleted.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(old, latest, missing, deleted);
    }

    [Fact]
    public async Task A_malformed_ed25519_key_is_reported_naming_the_field()
    {
        var account = NewAccount();
        var garbage = Leaks.Text(TestSecrets.NewText(40), "malformed key");
        _vault.PutSecret(Mount, PathOf(Venue.Binance, account), new Dictionary<string, string>
        {
            ["api_key"] = Leaks.Text(TestSecrets.NewText(), "api key"),
            ["ed25519_private_key"] = garbage,
        });
        using var store = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.Equal(SecretStoreErrorKind.Malformed, error.Kind);
        Assert.Equal(SecretField.Ed25519PrivateKey, error.Field);
        Assert.Contains("'ed25519_private_key'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"binance account '{account}'", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(error);
    }

    [Fact]
    public async Task Polling_picks_up_a_rotated_secret_and_notifies_once()
    {
        var account = NewAccount();
        var other = NewAccount();
        var v1 = PutCredentials(Venue.Binance, account);
        PutCredentials(Venue.Binance, other);
        using var backend = CreateStore(AppRoleOptions(TimeSpan.FromMinutes(10)));
        using var cache = new CachingVenueCredentialStore(backend, Time, Loggers.CreateLogger<CachingVenueCredentialStore>());
        var rotations = new List<CredentialsRotated>();
        var rotated = new TaskCompletionSource<CredentialsRotated>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = cache.OnRotated((rotation, _) =>
        {
            lock (rotations)
            {
                rotations.Add(rotation);
            }

            rotated.TrySetResult(rotation);
            return ValueTask.CompletedTask;
        });
        var options = new OmsSecretsOptions { PollInterval = TimeSpan.FromSeconds(30) };
        using var polling = new CredentialRotationPollingService(cache, Microsoft.Extensions.Options.Options.Create(options), Time, Loggers.CreateLogger<CredentialRotationPollingService>());
        await polling.StartAsync(CancellationToken.None);

        var before = await cache.GetAsync(Venue.Binance, account);
        await cache.GetAsync(Venue.Binance, other);
        var v2 = PutCredentials(Venue.Binance, account);
        Time.Advance(TimeSpan.FromSeconds(30));
        var rotation = await rotated.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var after = await cache.GetAsync(Venue.Binance, account);
        var again = await cache.RefreshAsync();
        await polling.StopAsync(CancellationToken.None);

        Assert.Equal(v1.ApiKey, before.ApiKey.Reveal());
        Assert.Equal((Venue.Binance, account, "1", "2"), (rotation.Venue, rotation.Account, rotation.PreviousVersion, rotation.CurrentVersion));
        Assert.Same(after, rotation.Current);
        Assert.Equal(v2.ApiKey, after.ApiKey.Reveal());
        Assert.Equal(new CredentialRefreshResult(2, 0, 0), again);
        Assert.Single(rotations);
        Assert.Contains(_vault.Requests, r => r.Path == $"/v1/secret/metadata/oms/venues/binance/{account}");
        Assert.Contains(_vault.Requests, r => r.Path == $"/v1/secret/data/oms/venues/binance/{account}" && r.Query == "?version=2");
        AssertNoSecretsLeaked(before, after, rotation);
    }

    [Fact]
    public async Task A_failed_poll_keeps_the_last_good_credentials_and_reports_the_failure()
    {
        var account = NewAccount();
        var v1 = PutCredentials(Venue.Binance, account);
        using var backend = CreateStore(TokenOptions(NewToken(TimeSpan.FromHours(1))));
        using var cache = new CachingVenueCredentialStore(backend, Time, Loggers.CreateLogger<CachingVenueCredentialStore>());
        var listener = new RecordingListener();
        using var subscription = cache.Subscribe(listener);
        await cache.GetAsync(Venue.Binance, account);

        _vault.Sealed = true;
        var failed = await cache.RefreshAsync();
        var served = await cache.GetAsync(Venue.Binance, account);
        var status = Assert.Single(cache.GetStatus());

        Assert.Equal(new CredentialRefreshResult(1, 0, 1), failed);
        Assert.Equal(v1.ApiKey, served.ApiKey.Reveal());
        Assert.Equal(SecretStoreErrorKind.Sealed, status.LastFailureKind);
        Assert.Equal(1, status.ConsecutiveFailures);
        var failure = Assert.Single(listener.Failures);
        Assert.Equal(("1", SecretStoreErrorKind.Sealed), (failure.ServedVersion, failure.Kind));
        Assert.Contains(LogEntries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("still serving version 1", StringComparison.Ordinal));

        _vault.Sealed = false;
        var v2 = PutCredentials(Venue.Binance, account);
        var recovered = await cache.RefreshAsync();

        Assert.Equal(new CredentialRefreshResult(1, 1, 0), recovered);
        Assert.Equal(v2.ApiKey, (await cache.GetAsync(Venue.Binance, account)).ApiKey.Reveal());
        Assert.Equal(0, Assert.Single(cache.GetStatus()).ConsecutiveFailures);
        Assert.Single(listener.Rotations);
        AssertNoSecretsLeaked(status, failure);
    }

    [Fact]
    public async Task Trusts_a_private_CA_for_Vault_over_TLS()
    {
        using var certificate = TestCertificates.CreateLoopback();
        await using var tlsVault = await FakeVaultServer.StartAsync(Time, certificate);
        var account = NewAccount();
        var apiKey = Leaks.Text(TestSecrets.NewText(), "api key");
        tlsVault.PutSecret(Mount, PathOf(Venue.Binance, account), new Dictionary<string, string>
        {
            ["api_key"] = apiKey,
            ["hmac_secret"] = Leaks.Text(TestSecrets.NewText(), "hmac secret"),
        });
        var token = Leaks.Text(TestSecrets.NewVaultToken(), "vault token");
        tlsVault.AddToken(token, TimeSpan.FromHours(1), renewable: true, allowedPrefixes: "secret/");
        var caFile = Path.Combine(Directory.CreateTempSubdirectory("oms-vault-ca-").FullName, "ca.pem");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        var trusting = new VaultSecretStoreOptions { Address = tlsVault.Address.ToString(), CaCertificateFile = caFile, Auth = { Token = token }, MaxReadRetries = 0 };
        var untrusting = new VaultSecretStoreOptions { Address = tlsVault.Address.ToString(), Auth = { Token = token }, MaxReadRetries = 0 };
        using var store = CreateStore(trusting);
        using var strict = CreateStore(untrusting);

        var credentials = await store.ReadAsync(Venue.Binance, account, null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => strict.ReadAsync(Venue.Binance, account, null, CancellationToken.None));

        Assert.StartsWith("https://", tlsVault.Address.ToString(), StringComparison.Ordinal);
        Assert.Equal(apiKey, credentials.ApiKey.Reveal());
        Assert.Equal(SecretStoreErrorKind.StoreUnavailable, error.Kind);
        Assert.Contains("SecureConnectionError", error.Message, StringComparison.Ordinal);
        AssertNoSecretsLeaked(credentials, error);
    }

    private sealed class RecordingListener : ICredentialRotationListener
    {
        public List<CredentialsRotated> Rotations { get; } = [];

        public List<CredentialRefreshFailed> Failures { get; } = [];

        public ValueTask OnCredentialsRotatedAsync(CredentialsRotated rotation, CancellationToken cancellationToken)
        {
            Rotations.Add(rotation);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnRefreshFailedAsync(CredentialRefreshFailed failure, CancellationToken cancellationToken)
        {
            Failures.Add(failure);
            return ValueTask.CompletedTask;
        }
    }

    private sealed record ExpectedCredentials(string ApiKey, string HmacSecret, TestEd25519Key Key);

    private static AccountId NewAccount() => new("acct-" + TestSecrets.NewAccountSuffix());

    private static string PathOf(Venue venue, AccountId account) => SecretNaming.VaultSecretPath("oms/venues/{venue}/{account}", venue, account);

    private ExpectedCredentials PutCredentials(Venue venue, AccountId account, bool withEd25519 = true, bool withPassphrase = false, string ns = "")
    {
        var expected = new ExpectedCredentials(
            Leaks.Text(TestSecrets.NewText(), "api key"),
            Leaks.Text(TestSecrets.NewText(32), "hmac secret"),
            Leaks.Key(TestEd25519Key.Create()));
        var data = new Dictionary<string, string>
        {
            ["api_key"] = expected.ApiKey,
            ["hmac_secret"] = expected.HmacSecret,
        };
        if (withEd25519)
        {
            data["ed25519_private_key"] = expected.Key.Pem;
        }

        if (withPassphrase)
        {
            data["passphrase"] = Leaks.Text(TestSecrets.NewText(), "passphrase");
        }

        _vault.PutSecret(Mount, PathOf(venue, account), data, ns);
        return expected;
    }

    private string NewToken(TimeSpan ttl, bool renewable = true)
    {
        var token = Leaks.Text(TestSecrets.NewVaultToken(), "vault token");
        _vault.AddToken(token, ttl, renewable, allowedPrefixes: "secret/");
        return token;
    }

    private VaultSecretStoreOptions TokenOptions(string token) =>
        Options(new VaultAuthOptions { Method = VaultAuthMethod.Token, Token = token });

    private VaultSecretStoreOptions AppRoleOptions(TimeSpan ttl, TimeSpan? maxTtl = null)
    {
        var secretId = Leaks.Text(TestSecrets.NewText(), "secret_id");
        _vault.AddAppRole("oms-role", secretId, ttl, maxTtl ?? TimeSpan.FromHours(24), allowedPrefixes: "secret/");
        return Options(new VaultAuthOptions { Method = VaultAuthMethod.AppRole, RoleId = "oms-role", SecretId = secretId });
    }

    private VaultSecretStoreOptions Options(VaultAuthOptions auth, string? ns = null) => new()
    {
        Address = _vault.Address.ToString(),
        Namespace = ns,
        Auth = auth,
        RetryBaseDelay = TimeSpan.Zero,
        RetryMaxDelay = TimeSpan.Zero,
    };

    private VaultSecretStore CreateStore(VaultSecretStoreOptions options) => new(options, Time, Loggers);
}
