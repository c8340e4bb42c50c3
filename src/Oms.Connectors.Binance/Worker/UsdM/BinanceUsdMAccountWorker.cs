using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.UserData;
using Oms.Connectors.Binance.WebSocket;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker.UsdM;

/// <summary>
/// One account's Binance USDⓈ-M sessions in this silo: a WebSocket API session pool (<c>/ws-fapi/v1</c>) for trading,
/// a REST client as fallback and for what the socket does not offer, the listenKey user-data stream on the routed
/// <c>/private</c> path, a command queue where cancels go first, ordered delivery of every venue event to the account
/// grain, follow-up queries for unknown outcomes, reconciliation on start and after every gap (orders, algo orders,
/// trades, positions, balances), a watchdog for a silent stream and the dead-man's switch (<c>countdownCancelAll</c>).
/// </summary>
public sealed partial class BinanceUsdMAccountWorker
{
    private readonly BinanceUsdMWorkerShared _shared;
    private readonly ILogger _logger;
    private readonly AccountCommandQueue _queue;
    private readonly OrderedCommandExecutor _executor;
    private readonly VenueEventPump _pump;
    private readonly StreamWatchdog _watchdog;
    private readonly BinanceReconciler _reconciler;
    private readonly BinanceWorkerSupervisor _supervisor;
    private readonly CancellationTokenSource _stop = new();
    private readonly BinanceSessionSlot<BinanceUsdMSessions> _slot = new();
    private readonly UnknownOutcomeFollowUps _followUps;
    private readonly Lock _gate = new();
    private readonly List<Task> _loops = [];
    private int _stopped;

    internal BinanceUsdMAccountWorker(BinanceUsdMWorkerShared shared, AccountId account)
    {
        _shared = shared;
        Account = account;
        _logger = shared.Context.LoggerFactory.CreateLogger<BinanceUsdMAccountWorker>();
        _queue = new AccountCommandQueue(shared.Options.QueueCapacity);
        _executor = new OrderedCommandExecutor(shared.Options.MaxInFlightPerAccount, HandleAsync, _logger);
        _pump = new VenueEventPump(account, shared.Sink, reason => RequestReconcile(reason), _logger, shared.Time);
        _watchdog = new StreamWatchdog(shared.Options.WatchdogSilence, shared.Time);
        _supervisor = new BinanceWorkerSupervisor(account, "USD-M", shared.Options.ReconcileRetryDelay, shared.Time, _logger);
        _reconciler = new BinanceReconciler(account, "USD-M", shared.Reconciliation, shared.Metrics, _pump, _watchdog, _logger);
        // A place whose outcome is unknown may rest at the venue: the dead-man's switch covers its instrument.
        _followUps = new UnknownOutcomeFollowUps(account, _queue, _pump, shared.Metrics, shared.Time, _logger, RequestReconcile, _stop.Token,
            onUnknown: command =>
            {
                if (command is PlaceOrderCommand) Arm(command.Instrument);
            });
        // One parser for the account's lifetime: it remembers which engine order each triggered algo order became,
        // across listenKey rotations and session replacements.
        Parser = new UsdMUserDataParser(shared.Context.Symbols);
    }

    public AccountId Account { get; }

    /// <summary>Completed reconciliations (diagnostics and tests).</summary>
    public long Reconciliations => _reconciler.Completed;

    /// <summary>Reconciliations that failed and were retried (diagnostics and tests).</summary>
    public long ReconcileFailures => _reconciler.Failures;

    /// <summary>The current session pool, once credentials were loaded (diagnostics and tests).</summary>
    public BinanceWsApiSessionPool? Pool => _slot.Current?.Pool;

    /// <summary>The listenKey the user-data stream uses now, if any (diagnostics and tests).</summary>
    public string? ListenKey => _slot.Current?.UserData.ListenKey;

    /// <summary>Commands queued and in flight.</summary>
    public int Backlog => _queue.Count + _executor.InFlight;

    /// <summary>Maps triggered algo orders to their engine orders (shared by the stream, queries and reconciliation).</summary>
    internal UsdMUserDataParser Parser { get; }

    private Venue Venue => Venue.Binance;

    internal void Start()
    {
        lock (_gate)
        {
            _loops.Add(_executor.RunAsync(_queue, _stop.Token));
            _loops.Add(Task.Run(() => SuperviseAsync(_stop.Token)));
            _loops.Add(Task.Run(() => WatchAsync(_stop.Token)));
            if (_shared.UsdM.DeadMansSwitch) _loops.Add(Task.Run(() => DeadMansSwitchAsync(_stop.Token)));
        }
    }

    internal bool TryEnqueue(VenueCommand command) => Volatile.Read(ref _stopped) == 0 && _queue.TryEnqueue(command);

    /// <summary>Asks for a reconciliation (coalesced with any already pending).</summary>
    public void RequestReconcile(string reason) => _supervisor.RequestReconcile(reason);

    internal void RequestCredentialRotation() => _supervisor.RequestCredentialRotation();

    /// <summary>Replaces the sessions (new WebSocket API connection, new listenKey stream) and reconciles.</summary>
    public void RequestResubscribe(string reason) => _supervisor.RequestResubscribe(reason);

    // ---------------------------------------------------------------------------------------------------------------
    // Sessions

    private async Task SuperviseAsync(CancellationToken stop)
    {
        try
        {
            var sessions = await OpenWithCredentialsAsync(stop).ConfigureAwait(false);
            if (sessions is null) return;
            _slot.Opened(sessions);

            await _supervisor.ServeAsync(token => ReplaceSessionsAsync(null, "credentials rotated", token), (reason, token) => ReplaceSessionsAsync(null, reason, token), ReconcileAsync, stop)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account}: the Binance USD-M session supervisor failed", Account);
            _slot.Unavailable();
        }
    }

    private async Task<BinanceUsdMSessions?> OpenWithCredentialsAsync(CancellationToken stop)
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
                _logger.LogError("Account {Account}: no Binance API key is available for it; its USD-M orders are rejected without being sent", Account);
                _slot.Unavailable();
                return null;
            }
            return Open(credentials, "start");
        }
    }

    private BinanceUsdMSessions Open(BinanceCredentials credentials, string reason)
    {
        var sessions = new BinanceUsdMSessions(_shared, Account, credentials, new StreamListener(this, reason), Parser);
        sessions.Pool.Activity += OnActivity;
        sessions.UserData.Activity += OnActivity;
        sessions.Pool.Start();
        sessions.UserData.Start();
        return sessions;
    }

    /// <summary>Make-before-break: opens new sessions, waits for them (bounded), switches commands over and closes the old ones.</summary>
    private async Task ReplaceSessionsAsync(BinanceCredentials? credentials, string reason, CancellationToken stop)
    {
        if (_slot.Current is null) return;
        try
        {
            credentials ??= await _shared.Credentials.GetAsync(Account, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Account {Account}: reading its Binance key failed; the current USD-M sessions stay", Account);
            return;
        }
        if (credentials is null)
        {
            _logger.LogError("Account {Account}: no Binance key is left for it; the current USD-M sessions stay", Account);
            return;
        }
        _logger.LogInformation("Account {Account}: replacing its Binance USD-M sessions ({Reason})", Account, reason);
        var fresh = Open(credentials, reason);
        // Commands that took the old sessions before the switch finish on them (bounded): the old set closes after.
        var retireWait = _shared.Context.Options.MaxRateBudgetWait + _shared.Context.Options.WebSocketRequestTimeout * 2;
        await _slot.SwitchAsync(fresh, _shared.Context.Options.ConnectTimeout + _shared.Options.SessionWait, retireWait, _shared.Time, _logger, Account, "USD-M", stop)
            .ConfigureAwait(false);
        _shared.Metrics.Reconnected(Venue, reason);
    }

    private void OnActivity(PoolActivityRecord record)
    {
        switch (record.Activity)
        {
            case PoolActivity.ConnectFailed:
                _logger.LogWarning("Account {Account}: USD-M connect failed (attempt {Attempt}): {Reason}", Account, record.Attempt, record.Reason);
                break;
            case PoolActivity.SessionClosed:
                _logger.LogInformation("Account {Account}: USD-M connection {Session} closed: {Reason}", Account, record.SessionId, record.Reason);
                break;
            case PoolActivity.SessionOpened:
                _logger.LogDebug("Account {Account}: USD-M connection {Session} open ({Reason})", Account, record.SessionId, record.Reason);
                break;
        }
    }

    /// <summary>The open sessions, once credentials are known (waiting up to the session wait for a first connection); null without credentials.</summary>
    private ValueTask<BinanceUsdMSessions?> WaitReadyAsync(CancellationToken cancellationToken) => _slot.WaitReadyAsync(_shared.Options.SessionWait, cancellationToken);

    /// <summary>Sends over the WebSocket API; when no session is open (nothing was sent) over REST instead.</summary>
    private static async ValueTask<BinanceResult<T>> SendAsync<T>(BinanceUsdMSessions sessions,
        Func<BinanceUsdMWsApiClient, ValueTask<BinanceResult<T>>> ws, Func<BinanceUsdMRestClient, ValueTask<BinanceResult<T>>> rest)
    {
        var result = await ws(sessions.Ws).ConfigureAwait(false);
        if (result.Error is { Kind: VenueErrorKind.Network, Sent: false }) result = await rest(sessions.Rest).ConfigureAwait(false);
        return result;
    }

    /// <summary>Sends a call that changes nothing when it fails with <see cref="VenueErrorKind.InvalidTimestamp"/>; after a -1021 the clock is resynchronised and the call made once more.</summary>
    private async ValueTask<BinanceResult<T>> SendWithClockRetryAsync<T>(BinanceUsdMSessions sessions,
        Func<BinanceUsdMWsApiClient, ValueTask<BinanceResult<T>>> ws, Func<BinanceUsdMRestClient, ValueTask<BinanceResult<T>>> rest, CancellationToken stop)
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

    /// <summary>Sends what is queued (bounded), delivers the events, stops refreshing the dead-man's switch and closes the sessions.</summary>
    internal async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        Task[] loops;
        lock (_gate) loops = [.. _loops];
        await BinanceWorkerShutdown.RunAsync(_queue, loops, _pump, _stop, _slot, _shared.Options.DetachDrainTimeout, _shared.Time, () => Backlog, _logger, Account,
            "USD-M").ConfigureAwait(false);
    }

    /// <summary>Receives the listenKey user-data stream of one set of sessions.</summary>
    private sealed class StreamListener(BinanceUsdMAccountWorker worker, string openedFor) : IUsdMUserDataListener
    {
        private int _activations;

        public void OnEvents(IReadOnlyList<VenueEvent> events, UsdMUserDataMessage message)
        {
            worker._watchdog.Touch();
            if (events.Count > 0) worker.Post(events);
        }

        public void OnStreamActive(bool gapPossible)
        {
            worker._watchdog.Touch();
            var first = Interlocked.Increment(ref _activations) == 1;
            if (first) worker.RequestReconcile(openedFor);
            else if (gapPossible)
            {
                worker._shared.Metrics.Reconnected(worker.Venue, "stream gap");
                worker.RequestReconcile("user-data stream re-established after a gap");
            }
        }

        public void OnStreamLost(string reason) =>
            worker._logger.LogWarning("Account {Account}: USD-M user-data stream lost ({Reason}); a new one follows", worker.Account, reason);
    }
}

/// <summary>The USD-M sessions of an account: the key, the WebSocket API pool and client, the REST client, the listenKey user-data stream.</summary>
internal sealed class BinanceUsdMSessions : BinanceSessionSet
{
    public BinanceUsdMSessions(BinanceUsdMWorkerShared shared, AccountId account, BinanceCredentials credentials, IUsdMUserDataListener listener,
        UsdMUserDataParser parser)
        : base(credentials, new BinanceWsApiSessionPool(shared.Context, shared.Context.Options.UsdMWebSocketApiAddress, credentials, account.Value))
    {
        Ws = new BinanceUsdMWsApiClient(shared.Context, Pool);
        Rest = new BinanceUsdMRestClient(shared.Http, shared.Context, credentials, account.Value);
        UserData = new BinanceUsdMUserDataStream(shared.Context, Rest, account, listener, parser: parser);
    }

    public BinanceUsdMWsApiClient Ws { get; }
    public BinanceUsdMRestClient Rest { get; }
    public BinanceUsdMUserDataStream UserData { get; }

    protected override async ValueTask CloseAsync()
    {
        await UserData.DisposeAsync().ConfigureAwait(false);
        await base.CloseAsync().ConfigureAwait(false);
    }
}
