using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// The credential store the silo uses: caches each account's credentials after the first read and, on every
/// <see cref="RefreshAsync"/> (driven by <see cref="CredentialRotationPollingService"/> every <c>PollInterval</c>),
/// asks the backend whether a newer version exists.
/// </summary>
/// <remarks>
/// Semantics:
/// <list type="bullet">
/// <item><see cref="GetAsync"/> always returns the newest credentials the cache has seen; the first call for an account
/// reads the store (concurrent first calls share one read) and a failed first read is not cached (the next call retries).</item>
/// <item>A poll that finds a new version swaps it in first and then notifies every listener once for that version.</item>
/// <item>A poll that fails (store down, sealed, access revoked, secret deleted, malformed new version) keeps serving the
/// last good credentials, logs the failure (kind, store, account, location: never a value), tells listeners through
/// <see cref="ICredentialRotationListener.OnRefreshFailedAsync"/> and shows it in <see cref="GetStatus"/>; the next poll
/// tries again. Revoking a key is therefore done at the venue, not by deleting the secret.</item>
/// <item>Superseded credentials are not disposed: a connector may still be signing with them.</item>
/// </list>
/// </remarks>
public sealed class CachingVenueCredentialStore : IVenueCredentialStore, ICredentialRotationNotifier, IDisposable
{
    private readonly ISecretStoreBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger<CachingVenueCredentialStore> _logger;
    private readonly ConcurrentDictionary<(Venue Venue, AccountId Account), Entry> _entries = new();
    private readonly Lock _listenersLock = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ICredentialRotationListener[] _listeners = [];

    public CachingVenueCredentialStore(ISecretStoreBackend backend, TimeProvider timeProvider, ILogger<CachingVenueCredentialStore> logger)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _backend = backend;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>The store behind the cache.</summary>
    public ISecretStoreBackend Backend => _backend;

    /// <inheritdoc />
    public async Task<VenueCredentials> GetAsync(Venue venue, AccountId account, CancellationToken cancellationToken = default)
    {
        var entry = _entries.GetOrAdd((venue, account), static key => new Entry(key.Venue, key.Account));
        var current = entry.Current;
        if (current is not null)
        {
            return current;
        }

        return await entry.LoadAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VenueCredentials?> TryGetAsync(Venue venue, AccountId account, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(venue, account, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretStoreErrorKind.NotFound)
        {
            _logger.LogDebug("No credentials for {Venue} account {Account} in {Store}", SecretNaming.VenueName(venue), account.Value, _backend.Description);
            return null;
        }
    }

    /// <inheritdoc />
    public Task<VenueCredentials> GetVersionAsync(Venue venue, AccountId account, string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return _backend.ReadAsync(venue, account, version, cancellationToken);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(ICredentialRotationListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listenersLock)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    /// <summary>
    /// Checks every cached account for a new version now (the polling service calls this every poll interval).
    /// Never throws for store failures: they are logged, reported to listeners and counted in the result.
    /// </summary>
    public async Task<CredentialRefreshResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int checkedCount = 0, rotated = 0, failed = 0;
            foreach (var entry in _entries.Values)
            {
                var known = entry.Current;
                if (known is null)
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                checkedCount++;
                VenueCredentials? fresh;
                try
                {
                    fresh = await _backend.ReadIfChangedAsync(entry.Venue, entry.Account, known.Version, cancellationToken).ConfigureAwait(false);
                }
                catch (SecretStoreException ex)
                {
                    failed++;
                    await ReportFailureAsync(entry, known, ex, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var now = _time.GetUtcNow();
                var recovered = entry.ConsecutiveFailures > 0;
                entry.MarkChecked(now);
                if (recovered)
                {
                    _logger.LogInformation(
                        "Credential check for {Venue} account {Account} in {Store} succeeded again",
                        SecretNaming.VenueName(entry.Venue), entry.Account.Value, _backend.Description);
                }

                if (fresh is null || fresh.Version == known.Version)
                {
                    _logger.LogTrace(
                        "Credentials of {Venue} account {Account} unchanged at version {Version}",
                        SecretNaming.VenueName(entry.Venue), entry.Account.Value, known.Version);
                    continue;
                }

                entry.Current = fresh;
                rotated++;
                _logger.LogInformation(
                    "Credentials of {Venue} account {Account} rotated in {Store}: version {PreviousVersion} -> {Version}",
                    SecretNaming.VenueName(entry.Venue), entry.Account.Value, _backend.Description, known.Version, fresh.Version);
                await NotifyAsync(
                    new CredentialsRotated(entry.Venue, entry.Account, known.Version, fresh.Version, now, fresh),
                    cancellationToken).ConfigureAwait(false);
            }

            return new CredentialRefreshResult(checkedCount, rotated, failed);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>What the cache serves per account and how its last check went.</summary>
    public IReadOnlyList<CredentialCacheStatus> GetStatus() =>
        [.. _entries.Values
            .Where(e => e.Current is not null)
            .OrderBy(e => e.Venue).ThenBy(e => e.Account.Value, StringComparer.Ordinal)
            .Select(e => new CredentialCacheStatus(
                e.Venue, e.Account, e.Current!.Version, e.Current.RetrievedAt, e.LastCheckedAt,
                e.LastFailureKind, e.LastFailureMessage, e.ConsecutiveFailures))];

    public void Dispose() => _refreshGate.Dispose();

    private async Task ReportFailureAsync(Entry entry, VenueCredentials known, SecretStoreException ex, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var failures = entry.MarkFailed(now, ex);
        var level = ex.IsTransient ? LogLevel.Warning : LogLevel.Error;
        _logger.Log(
            level,
            ex,
            "Credential check for {Venue} account {Account} failed ({Kind}, {Failures} in a row); still serving version {Version}: {Reason}",
            SecretNaming.VenueName(entry.Venue), entry.Account.Value, ex.Kind, failures, known.Version, ex.Message);

        var failure = new CredentialRefreshFailed(entry.Venue, entry.Account, known.Version, ex.Kind, ex.Message, failures, now);
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                await listener.OnRefreshFailedAsync(failure, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception listenerError) when (listenerError is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(listenerError, "A credential listener failed to handle a failed check for {Venue} account {Account}",
                    SecretNaming.VenueName(entry.Venue), entry.Account.Value);
            }
        }
    }

    private async Task NotifyAsync(CredentialsRotated rotation, CancellationToken cancellationToken)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                await listener.OnCredentialsRotatedAsync(rotation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "A credential listener failed to handle the rotation of {Venue} account {Account} to version {Version}",
                    SecretNaming.VenueName(rotation.Venue), rotation.Account.Value, rotation.CurrentVersion);
            }
        }
    }

    private void Unsubscribe(ICredentialRotationListener listener)
    {
        lock (_listenersLock)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
        }
    }

    private sealed class Subscription(CachingVenueCredentialStore owner, ICredentialRotationListener listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(listener);
            }
        }
    }

    private sealed class Entry(Venue venue, AccountId account)
    {
        private readonly Lock _gate = new();
        private VenueCredentials? _current;
        private Task<VenueCredentials>? _loading;

        public Venue Venue { get; } = venue;

        public AccountId Account { get; } = account;

        public VenueCredentials? Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }

        public DateTimeOffset? LastCheckedAt { get; private set; }

        public SecretStoreErrorKind? LastFailureKind { get; private set; }

        public string? LastFailureMessage { get; private set; }

        public int ConsecutiveFailures { get; private set; }

        public void MarkChecked(DateTimeOffset now)
        {
            lock (_gate)
            {
                LastCheckedAt = now;
                LastFailureKind = null;
                LastFailureMessage = null;
                ConsecutiveFailures = 0;
            }
        }

        public int MarkFailed(DateTimeOffset now, SecretStoreException ex)
        {
            lock (_gate)
            {
                LastCheckedAt = now;
                LastFailureKind = ex.Kind;
                LastFailureMessage = ex.Message;
                return ++ConsecutiveFailures;
            }
        }

        public Task<VenueCredentials> LoadAsync(CachingVenueCredentialStore owner, CancellationToken cancellationToken)
        {
            Task<VenueCredentials> loading;
            lock (_gate)
            {
                if (Current is { } current)
                {
                    return Task.FromResult(current);
                }

                // The shared read is not tied to the first caller's token, so one caller giving up does not fail the others.
                _loading ??= Task.Run(() => LoadCoreAsync(owner));
                loading = _loading;
            }

            return loading.WaitAsync(cancellationToken);
        }

        private async Task<VenueCredentials> LoadCoreAsync(CachingVenueCredentialStore owner)
        {
            try
            {
                var credentials = await owner._backend.ReadAsync(Venue, Account, version: null, CancellationToken.None).ConfigureAwait(false);
                lock (_gate)
                {
                    Current ??= credentials;
                    LastCheckedAt = credentials.RetrievedAt;
                    _loading = null;
                    owner._logger.LogInformation(
                        "Loaded credentials of {Venue} account {Account} version {Version} from {Store}",
                        SecretNaming.VenueName(Venue), Account.Value, credentials.Version, owner._backend.Description);
                    return Current;
                }
            }
            catch
            {
                lock (_gate)
                {
                    _loading = null;
                }

                throw;
            }
        }
    }
}

/// <summary>What one <see cref="CachingVenueCredentialStore.RefreshAsync"/> did.</summary>
public readonly record struct CredentialRefreshResult(int Checked, int Rotated, int Failed);

/// <summary>The cache's view of one account.</summary>
public sealed record CredentialCacheStatus(
    Venue Venue,
    AccountId Account,
    string Version,
    DateTimeOffset RetrievedAt,
    DateTimeOffset? LastCheckedAt,
    SecretStoreErrorKind? LastFailureKind,
    string? LastFailureMessage,
    int ConsecutiveFailures);
