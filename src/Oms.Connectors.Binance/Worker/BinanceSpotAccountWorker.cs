using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// One account's Binance spot sessions in this silo: a WebSocket API session pool with the user-data subscription,
/// a REST client as fallback, a command queue where cancels go first, ordered delivery of every venue event to the
/// account grain, follow-up queries for unknown outcomes, reconciliation on start and after every gap, and a watchdog
/// for a silent stream. Credentials can be rotated while commands keep queueing.
/// </summary>
public sealed partial class BinanceSpotAccountWorker
{
    private readonly BinanceSpotWorkerShared _shared;
    private readonly ILogger _logger;
    private readonly AccountCommandQueue _queue;
    private readonly OrderedCommandExecutor _executor;
    private readonly VenueEventPump _pump;
    private readonly StreamWatchdog _watchdog;
    private readonly BinanceReconciler _reconciler;
    private readonly BinanceWorkerSupervisor _supervisor;
    private readonly CancellationTokenSource _stop = new();
    private readonly BinanceSessionSlot<BinanceSpotSessions> _slot = new();
    private readonly UnknownOutcomeFollowUps _followUps;
    private readonly Lock _gate = new();
    private readonly List<Task> _loops = [];
    private int _stopped;

    internal BinanceSpotAccountWorker(BinanceSpotWorkerShared shared, AccountId account)
    {
        _shared = shared;
        Account = account;
        _logger = shared.Context.LoggerFactory.CreateLogger<BinanceSpotAccountWorker>();
        _queue = new AccountCommandQueue(shared.Options.QueueCapacity);
        _executor = new OrderedCommandExecutor(shared.Options.MaxInFlightPerAccount, HandleAsync, _logger);
        _pump = new VenueEventPump(account, shared.Sink, reason => RequestReconcile(reason), _logger, shared.Time);
        _watchdog = new StreamWatchdog(shared.Options.WatchdogSilence, shared.Time);
        _supervisor = new BinanceWorkerSupervisor(account, "spot", shared.Options.ReconcileRetryDelay, shared.Time, _logger);
        _reconciler = new BinanceReconciler(account, "spot", shared.Reconciliation, shared.Metrics, _pump, _watchdog, _logger);
        _followUps = new UnknownOutcomeFollowUps(account, _queue, _pump, shared.Metrics, shared.Time, _logger, RequestReconcile, _stop.Token,
            beforeQuery: RememberVenueId, onExhausted: original => _listLegs.TryRemove(original.ClientOrderId, out _));
    }

    public AccountId Account { get; }

    /// <summary>Completed reconciliations (diagnostics and tests).</summary>
    public long Reconciliations => _reconciler.Completed;

    /// <summary>Reconciliations that failed and were retried (diagnostics and tests).</summary>
    public long ReconcileFailures => _reconciler.Failures;

    /// <summary>The current session pool, once credentials were loaded (diagnostics and tests).</summary>
    public BinanceWsApiSessionPool? Pool => _slot.Current?.Pool;

    /// <summary>Commands queued and in flight.</summary>
    public int Backlog => _queue.Count + _executor.InFlight;

    private Venue Venue => Venue.Binance;

    internal void Start()
    {
        lock (_gate)
        {
            _loops.Add(_executor.RunAsync(_queue, _stop.Token));
            _loops.Add(Task.Run(() => SuperviseAsync(_stop.Token)));
            _loops.Add(Task.Run(() => WatchAsync(_stop.Token)));
        }
    }

    internal bool TryEnqueue(VenueCommand command) => Volatile.Read(ref _stopped) == 0 && _queue.TryEnqueue(command);

    /// <summary>Asks for a reconciliation (coalesced with any already pending).</summary>
    public void RequestReconcile(string reason) => _supervisor.RequestReconcile(reason);

    internal void RequestCredentialRotation() => _supervisor.RequestCredentialRotation();

    /// <summary>Replaces the sessions (new connection, new subscription) and reconciles, e.g. when the stream went silent.</summary>
    public void RequestResubscribe(string reason) => _supervisor.RequestResubscribe(reason);

    // ---------------------------------------------------------------------------------------------------------------
    // Sessions

    /// <summary>Opens the sessions, then serves reconciliation, rotation and resubscribe requests one at a time.</summary>
    private async Task SuperviseAsync(CancellationToken stop)
    {
        try
        {
            var sessions = await OpenWithCredentialsAsync(stop).ConfigureAwait(false);
            if (sessions is null) return;
            _slot.Opened(sessions);

            await _supervisor.ServeAsync(RotateAsync, (reason, token) => ReplaceSessionsAsync(null, reason, token), ReconcileAsync, stop)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account}: the Binance spot session supervisor failed", Account);
            _slot.Unavailable();
        }
    }

    /// <summary>Reads the account's key (retrying store failures) and opens sessions with it; null when it has none.</summary>
    private async Task<BinanceSpotSessions?> OpenWithCredentialsAsync(CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            BinanceCredentials? credentials;
            try
            {
                credentials = await _shared.Credentials.GetAsync(Account, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 10)
            {
                _logger.LogWarning(ex, "Account {Account}: reading its Binance key failed (attempt {Attempt}); retrying", Account, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _shared.Time, stop).ConfigureAwait(false);
                continue;
            }
            if (credentials is null)
            {
                _logger.LogError("Account {Account}: no Binance API key is available for it; its orders are rejected without being sent", Account);
                _slot.Unavailable();
                return null;
            }
            return await OpenAsync(credentials, "start", stop).ConfigureAwait(false);
        }
    }

    private async Task<BinanceSpotSessions> OpenAsync(BinanceCredentials credentials, string reason, CancellationToken stop)
    {
        var sessions = new BinanceSpotSessions(_shared, Account, credentials);
        sessions.Pool.Activity += OnPoolActivity;
        // On start the account is reconciled once the stream is up. A replacement (rotation, resubscribe) overlaps the
        // old stream until the new one is subscribed, so it needs no reconciliation of its own (the watchdog asks for
        // one explicitly when it replaces a silent stream).
        var listener = new StreamListener(this, reconcileOnFirst: reason == "start" ? reason : null);
        await sessions.Pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(_shared.Context, Account, listener), stop)
            .ConfigureAwait(false);
        sessions.Pool.Start();
        return sessions;
    }

    private async Task RotateAsync(CancellationToken stop)
    {
        BinanceCredentials? credentials;
        try
        {
            credentials = await _shared.Credentials.GetAsync(Account, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Account {Account}: reading the rotated Binance key failed; the current sessions stay", Account);
            return;
        }
        if (credentials is null)
        {
            _logger.LogError("Account {Account}: its Binance key was rotated away (none left); the current sessions stay", Account);
            return;
        }
        await ReplaceSessionsAsync(credentials, "credentials rotated", stop).ConfigureAwait(false);
        // A replacement needs no reconciliation of its own, but one the venue refused the old key for is due now that
        // the key changed (as on USD-M, whose new stream asks for it): it checks the new key first.
        if (_reconciler.KeyRefused) RequestReconcile("credentials rotated");
    }

    /// <summary>
    /// Make-before-break: opens new sessions (with <paramref name="credentials"/>, or the current key), waits for them
    /// (bounded), switches commands over and closes the old ones. Commands keep queueing throughout; requests still in
    /// flight on the old sessions either answer or end as unknown outcomes that a query resolves.
    /// </summary>
    private async Task ReplaceSessionsAsync(BinanceCredentials? credentials, string reason, CancellationToken stop)
    {
        if (_slot.Current is null) return;
        if (credentials is null)
        {
            try
            {
                credentials = await _shared.Credentials.GetAsync(Account, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Account {Account}: reading its Binance key failed; the current sessions stay", Account);
                return;
            }
            if (credentials is null) return;
        }
        _logger.LogInformation("Account {Account}: replacing its Binance spot sessions ({Reason})", Account, reason);
        var fresh = await OpenAsync(credentials, reason, stop).ConfigureAwait(false);
        // Commands that took the old sessions before the switch finish on them (bounded): the old set closes after.
        var retireWait = _shared.Context.Options.MaxRateBudgetWait + _shared.Context.Options.WebSocketRequestTimeout * 2;
        await _slot.SwitchAsync(fresh, _shared.Context.Options.ConnectTimeout + _shared.Options.SessionWait, retireWait, _shared.Time, _logger, Account, "spot", stop)
            .ConfigureAwait(false);
        _shared.Metrics.Reconnected(Venue, reason);
    }

    private void OnPoolActivity(PoolActivityRecord record)
    {
        switch (record.Activity)
        {
            case PoolActivity.ConnectFailed:
                _logger.LogWarning("Account {Account}: WebSocket API connect failed (attempt {Attempt}): {Reason}", Account, record.Attempt, record.Reason);
                break;
            case PoolActivity.SessionClosed:
                _logger.LogInformation("Account {Account}: WebSocket API session {Session} closed: {Reason}", Account, record.SessionId, record.Reason);
                break;
            case PoolActivity.SessionOpened:
                _logger.LogDebug("Account {Account}: WebSocket API session {Session} open ({Reason})", Account, record.SessionId, record.Reason);
                break;
        }
    }

    /// <summary>The open sessions, once credentials are known (waiting up to the session wait for a first connection); null without credentials.</summary>
    private ValueTask<BinanceSpotSessions?> WaitReadyAsync(CancellationToken cancellationToken) => _slot.WaitReadyAsync(_shared.Options.SessionWait, cancellationToken);

    /// <summary>Sends over the WebSocket API; when no session is open (nothing was sent) over REST instead.</summary>
    private static async ValueTask<BinanceResult<T>> SendAsync<T>(BinanceSpotSessions sessions,
        Func<BinanceSpotWsApiClient, ValueTask<BinanceResult<T>>> ws, Func<BinanceSpotRestClient, ValueTask<BinanceResult<T>>> rest)
    {
        var result = await ws(sessions.Ws).ConfigureAwait(false);
        if (result.Error is { Kind: VenueErrorKind.Network, Sent: false }) result = await rest(sessions.Rest).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Sends a call that changes nothing when it fails with <see cref="VenueErrorKind.InvalidTimestamp"/>: after a
    /// <c>-1021</c> the clock is resynchronised and the call is made once more.
    /// </summary>
    private async ValueTask<BinanceResult<T>> SendWithClockRetryAsync<T>(BinanceSpotSessions sessions,
        Func<BinanceSpotWsApiClient, ValueTask<BinanceResult<T>>> ws, Func<BinanceSpotRestClient, ValueTask<BinanceResult<T>>> rest, CancellationToken stop)
    {
        var result = await SendAsync(sessions, ws, rest).ConfigureAwait(false);
        if (result.ErrorKind != VenueErrorKind.InvalidTimestamp) return result;
        _logger.LogWarning("Account {Account}: {Message}; resynchronising the clock and retrying once", Account, result.Error!.Message);
        await sessions.Rest.SyncTimeAsync(stop).ConfigureAwait(false);
        return await SendAsync(sessions, ws, rest).ConfigureAwait(false);
    }

    private DateTimeOffset Now => _shared.Time.GetUtcNow();

    private void Post(IReadOnlyList<VenueEvent> events) => _pump.Post(events);

    private void Post(VenueEvent venueEvent) => _pump.Post([venueEvent]);

    // ---------------------------------------------------------------------------------------------------------------
    // Stopping

    /// <summary>Sends what is queued (bounded), delivers the events, closes the sessions.</summary>
    internal async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        Task[] loops;
        lock (_gate) loops = [.. _loops];
        await BinanceWorkerShutdown.RunAsync(_queue, loops, _pump, _stop, _slot, _shared.Options.DetachDrainTimeout, _shared.Time, () => Backlog, _logger, Account,
            "spot").ConfigureAwait(false);
    }

    /// <summary>Receives the user-data stream of one pool.</summary>
    private sealed class StreamListener(BinanceSpotAccountWorker worker, string? reconcileOnFirst) : ISpotUserDataListener
    {
        private int _subscriptions;

        public void OnEvents(IReadOnlyList<VenueEvent> events, SpotUserDataMessage message)
        {
            worker._watchdog.Touch();
            if (message.ListStatus is { } list)
            {
                // listStatus: the list-level state (EXECUTING, ALL_DONE, REJECT); the legs' own changes come as executionReports.
                if (BinanceVenueEvents.FromOrderList(list, worker.Account, VenueEventSource.Stream) is { } update)
                {
                    events = [.. events, update];
                }
                else
                {
                    worker._logger.LogWarning("Account {Account}: listStatus of order list {List} ('{ListClientOrderId}', {Status}) is not one the OMS can read; skipped",
                        worker.Account, list.OrderListId, list.ListClientOrderId, list.ListOrderStatus);
                }
            }
            if (events.Count > 0) worker.Post(events);
        }

        public void OnStreamActive(bool gapPossible)
        {
            worker._watchdog.Touch();
            var first = Interlocked.Increment(ref _subscriptions) == 1;
            if (first && reconcileOnFirst is not null) worker.RequestReconcile(reconcileOnFirst);
            else if (gapPossible)
            {
                worker._shared.Metrics.Reconnected(worker.Venue, "stream gap");
                worker.RequestReconcile("user-data stream re-established after a gap");
            }
        }

        public void OnStreamLost(string reason) =>
            worker._logger.LogWarning("Account {Account}: user-data subscription lost ({Reason}); a new one follows", worker.Account, reason);
    }
}

/// <summary>The spot sessions of an account: the key, the WebSocket API pool and client, the REST clients.</summary>
internal sealed class BinanceSpotSessions : BinanceSessionSet
{
    public BinanceSpotSessions(BinanceSpotWorkerShared shared, AccountId account, BinanceCredentials credentials)
        : base(credentials, new BinanceWsApiSessionPool(shared.Context, shared.Context.Options.SpotWebSocketApiAddress, credentials, account.Value))
    {
        Ws = new BinanceSpotWsApiClient(shared.Context, Pool);
        Rest = new BinanceSpotRestClient(shared.Http, shared.Context, credentials, account.Value);
        RestTransport = new BinanceRestTransport(shared.Http, shared.Context, shared.Context.Options.SpotRestBaseAddress, "/api/v3/time", credentials, account.Value);
    }

    public BinanceSpotWsApiClient Ws { get; }
    public BinanceSpotRestClient Rest { get; }
    /// <summary>For spot calls the REST client does not offer (amend keep-priority).</summary>
    public BinanceRestTransport RestTransport { get; }
}
