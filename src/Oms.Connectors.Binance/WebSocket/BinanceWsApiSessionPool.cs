using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>Receives one account's user-data stream from a <see cref="BinanceWsApiSessionPool"/>. Callbacks run on a receive loop: queue, do not block.</summary>
public interface IUserDataStreamHandler
{
    /// <summary>One event object (the <c>event</c> of a <c>{subscriptionId, event}</c> frame). The bytes are only valid during the call.</summary>
    void OnEvent(ReadOnlySpan<byte> eventJson);

    /// <summary>
    /// A subscription became active. <paramref name="gapPossible"/> is true when an earlier subscription of this pool
    /// ended without an overlapping replacement: events may have been missed, so the account must be reconciled.
    /// </summary>
    void OnSubscribed(long subscriptionId, bool gapPossible);

    /// <summary>The subscription ended (its connection dropped or the venue terminated it); a new one follows.</summary>
    void OnSubscriptionLost(string reason);
}

/// <summary>Something the pool did, for logs, metrics and tests.</summary>
public enum PoolActivity
{
    SessionOpened = 1,
    SessionClosed = 2,
    ConnectFailed = 3,
    ReconnectScheduled = 4,
    RotationStarted = 5,
}

/// <summary>One pool activity: what, which session, why, and the delay before the next attempt when one is scheduled.</summary>
public readonly record struct PoolActivityRecord(PoolActivity Activity, long SessionId, string Reason, int Attempt, TimeSpan Delay);

/// <summary>
/// The WebSocket API sessions of one account: never more than <see cref="BinanceOptions.MaxSessionsPerAccount"/>
/// connections; requests go to the open session with the fewest in flight; dropped sessions come back with
/// exponential backoff and jitter; sessions are rotated make-before-break before the venue's 24 h cut and on
/// <c>serverShutdown</c>; the user-data subscription lives on the first slot and is re-established on every new
/// session, telling the handler when a gap was possible.
/// </summary>
public sealed class BinanceWsApiSessionPool : IAsyncDisposable
{
    private readonly BinanceApiContext _context;
    private readonly Uri _address;
    private readonly BinanceCredentials _credentials;
    private readonly BinanceRateScopes _scopes;
    private readonly ReconnectBackoff _backoff;
    private readonly ILogger _logger;
    private readonly Observer _observer;
    private readonly BinanceWsApiSession?[] _slots;
    private readonly Dictionary<long, TaskCompletionSource<string>> _signals = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private IUserDataStreamHandler? _userData;
    private bool _hadSubscription;
    private bool _subscriptionClean = true;
    private int _sessionCount;
    private int _maxObservedSessions;

    public BinanceWsApiSessionPool(BinanceApiContext context, Uri address, BinanceCredentials credentials, string account, ReconnectBackoff? backoff = null)
    {
        _context = context;
        _address = address;
        _credentials = credentials;
        Account = account;
        _scopes = context.ScopesFor(account);
        _backoff = backoff ?? new ReconnectBackoff(context.Options.ReconnectBaseDelay, context.Options.ReconnectMaxDelay);
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.WebSocket.Pool");
        _observer = new Observer(this);
        // One connection is kept free for make-before-break rotation, unless only one is allowed.
        var max = context.Options.MaxSessionsPerAccount;
        _slots = new BinanceWsApiSession?[max > 1 ? max - 1 : 1];
    }

    public string Account { get; }

    /// <summary>The budget scopes of this account.</summary>
    public BinanceRateScopes Scopes => _scopes;

    /// <summary>Connections open or opening right now (never above <see cref="BinanceOptions.MaxSessionsPerAccount"/>).</summary>
    public int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>The most connections this pool ever held at once.</summary>
    public int MaxObservedSessions => Volatile.Read(ref _maxObservedSessions);

    /// <summary>Sessions taking requests.</summary>
    public int OpenSessionCount
    {
        get
        {
            lock (_gate) return _slots.Count(s => s is { State: WsSessionState.Open });
        }
    }

    /// <summary>Reports what the pool does (sessions opened and closed, reconnects scheduled, rotations).</summary>
    public event Action<PoolActivityRecord>? Activity;

    /// <summary>Starts one connection loop per slot; returns at once (connections open in the background).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loops.Count > 0) throw new InvalidOperationException($"the session pool of account {Account} is already started");
            for (var slot = 0; slot < _slots.Length; slot++)
            {
                var index = slot;
                _loops.Add(Task.Run(() => RunSlotAsync(index, _stop.Token)));
            }
        }
    }

    /// <summary>
    /// Subscribes the account's user-data stream (on the first slot's session now, and on every replacement). With an
    /// Ed25519 key the logged-on session uses <c>userDataStream.subscribe</c>; otherwise <c>userDataStream.subscribe.signature</c>.
    /// </summary>
    public async Task SubscribeUserDataAsync(IUserDataStreamHandler handler, CancellationToken cancellationToken = default)
    {
        if (_context.Api != BinanceApi.Spot)
            throw new InvalidOperationException($"the Binance {_context.ApiName} WebSocket API pushes no user data; use UserData.BinanceUsdMUserDataStream (listenKey) for account {Account}");
        BinanceWsApiSession? session;
        lock (_gate)
        {
            if (_userData is not null) throw new InvalidOperationException($"the user-data stream of account {Account} already has a handler");
            _userData = handler;
            session = _slots[0];
        }
        if (session is { State: WsSessionState.Open }) await SubscribeAsync(session, overlapping: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the user-data subscription (<c>userDataStream.unsubscribe</c>) and forgets the handler.</summary>
    public async Task<BinanceResult<bool>> UnsubscribeUserDataAsync(CancellationToken cancellationToken = default)
    {
        BinanceWsApiSession? session;
        lock (_gate)
        {
            _userData = null;
            session = _slots.FirstOrDefault(s => s?.UserDataSubscriptionId is not null);
        }
        if (session?.UserDataSubscriptionId is not { } subscriptionId) return BinanceResult<bool>.Ok(false);
        var call = new WsCall("userDataStream.unsubscribe", new BinanceParameters(1).Add("subscriptionId", subscriptionId), WsSecurity.None,
            SpotEndpointCosts.UserDataUnsubscribe, RatePriority.RiskReducing, $"unsubscribe the user-data stream of account {Account}", ReadOnly: true);
        var result = await session.SendAsync(call, static _ => true, null, cancellationToken).ConfigureAwait(false);
        if (result.Success) session.UserDataSubscriptionId = null;
        return result;
    }

    /// <summary>Sends a request on the least busy open session; <see cref="VenueErrorKind.Network"/> (not sent) when none is open, so the caller can use REST.</summary>
    internal ValueTask<BinanceResult<T>> SendAsync<T>(WsCall call, WsResultParser<T> parser, Func<int, string, JsonElement, T?>? errorData,
        CancellationToken cancellationToken)
    {
        BinanceWsApiSession? best = null;
        lock (_gate)
        {
            foreach (var session in _slots)
            {
                if (session is not { State: WsSessionState.Open }) continue;
                if (best is null || session.PendingCount < best.PendingCount) best = session;
            }
        }
        if (best is null)
        {
            var error = new BinanceError
            {
                Kind = VenueErrorKind.Network,
                Operation = call.Operation,
                Reason = $"no open WebSocket API session for account {Account}; nothing was sent",
                Sent = false,
            };
            _context.Metrics.RecordError(call.Method, "ws", error);
            return ValueTask.FromResult(BinanceResult<T>.Fail(error));
        }
        return best.SendAsync(call, parser, errorData, cancellationToken);
    }

    /// <summary>Completes when at least one session is open (or the token fires).</summary>
    public async Task WaitForOpenSessionAsync(CancellationToken cancellationToken)
    {
        while (OpenSessionCount == 0)
        {
            Task wait;
            lock (_gate)
            {
                if (_slots.Any(s => s is { State: WsSessionState.Open })) return;
                _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _opened.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TaskCompletionSource? _opened;

    private async Task RunSlotAsync(int slot, CancellationToken stop)
    {
        var attempt = 0;
        var notBefore = DateTimeOffset.MinValue;
        BinanceWsApiSession? previous = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (attempt > 0)
                {
                    var delay = _backoff.Delay(attempt);
                    // Never before the venue allows it again (429/418 or a frozen budget).
                    var untilAllowed = notBefore - _context.Time.GetUtcNow();
                    if (untilAllowed > delay) delay = untilAllowed;
                    Report(new PoolActivityRecord(PoolActivity.ReconnectScheduled, 0, $"slot {slot}", attempt, delay));
                    await Task.Delay(delay, _context.Time, stop).ConfigureAwait(false);
                }
                if (previous is not null && SessionCount + 1 > _context.Options.MaxSessionsPerAccount)
                {
                    // No room for make-before-break: close the old session first (a short gap; REST covers it).
                    await DrainAndCloseAsync(previous, "rotated").ConfigureAwait(false);
                    previous = null;
                }

                var session = new BinanceWsApiSession(_context, _address, _credentials, _scopes, _observer);
                var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_gate)
                {
                    _signals[session.SessionId] = signal;
                    _sessionCount++;
                    _maxObservedSessions = Math.Max(_maxObservedSessions, _sessionCount);
                }
                var error = await session.ConnectAsync(stop).ConfigureAwait(false);
                if (error is not null)
                {
                    ForgetSession(session);
                    attempt++;
                    notBefore = error.RetryAt ?? DateTimeOffset.MinValue;
                    _logger.LogWarning("Account {Account}: {Message}", Account, error.Message);
                    Report(new PoolActivityRecord(PoolActivity.ConnectFailed, session.SessionId, error.Message, attempt, TimeSpan.Zero));
                    continue;
                }

                var subscribe = false;
                lock (_gate)
                {
                    subscribe = slot == 0 && _userData is not null;
                }
                if (subscribe && !await SubscribeAsync(session, overlapping: previous is not null, stop).ConfigureAwait(false))
                {
                    await session.CloseAsync("user-data subscription failed", CancellationToken.None).ConfigureAwait(false);
                    attempt++;
                    continue;
                }

                attempt = 0;
                lock (_gate)
                {
                    _slots[slot] = session;
                    _opened?.TrySetResult();
                    _opened = null;
                }
                Report(new PoolActivityRecord(PoolActivity.SessionOpened, session.SessionId, $"slot {slot}", 0, TimeSpan.Zero));
                if (previous is not null)
                {
                    await DrainAndCloseAsync(previous, "rotated").ConfigureAwait(false);
                    previous = null;
                }

                var remaining = _context.Options.SessionMaxLifetime - (_context.Time.GetUtcNow() - session.ConnectedAt);
                using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var expiry = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _context.Time, lifetime.Token);
                var finished = await Task.WhenAny(signal.Task, expiry).ConfigureAwait(false);
                await lifetime.CancelAsync().ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                {
                    await CloseSlotAsync(slot, session, "pool stopped").ConfigureAwait(false);
                    break;
                }

                var reason = finished == signal.Task ? await signal.Task.ConfigureAwait(false) : "lifetime";
                if (reason is "lifetime" or "serverShutdown")
                {
                    // Make-before-break: the old session keeps serving until its replacement is open.
                    _context.Metrics.RecordReconnect(reason);
                    Report(new PoolActivityRecord(PoolActivity.RotationStarted, session.SessionId, reason, 0, TimeSpan.Zero));
                    previous = session;
                    continue;
                }

                // Dropped or closed by the venue.
                lock (_gate)
                {
                    if (_slots[slot] == session) _slots[slot] = null;
                }
                _context.Metrics.RecordReconnect("dropped");
                if (session.UserDataSubscriptionId is not null) LoseSubscription(reason);
                attempt = 1;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account}: WebSocket API slot {Slot} failed", Account, slot);
            throw;
        }
        finally
        {
            if (previous is not null) await DrainAndCloseAsync(previous, "pool stopped").ConfigureAwait(false);
            BinanceWsApiSession? current;
            lock (_gate)
            {
                current = _slots[slot];
                _slots[slot] = null;
            }
            if (current is not null) await current.CloseAsync("pool stopped", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task CloseSlotAsync(int slot, BinanceWsApiSession session, string reason)
    {
        lock (_gate)
        {
            if (_slots[slot] == session) _slots[slot] = null;
        }
        await session.CloseAsync(reason, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAndCloseAsync(BinanceWsApiSession session, string reason)
    {
        lock (_gate)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_slots[i] == session) _slots[i] = null;
            }
        }
        try
        {
            await session.DrainAsync().WaitAsync(_context.Options.WebSocketRequestTimeout, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Whatever is still in flight is failed as unknown by the close.
        }
        await session.CloseAsync(reason, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<bool> SubscribeAsync(BinanceWsApiSession session, bool overlapping, CancellationToken cancellationToken)
    {
        var logged = session.IsLoggedOn;
        var call = logged
            ? new WsCall("userDataStream.subscribe", null, WsSecurity.None, SpotEndpointCosts.UserDataSubscribe, RatePriority.RiskReducing,
                $"subscribe the user-data stream of account {Account}", ReadOnly: true)
            : new WsCall("userDataStream.subscribe.signature", new BinanceParameters(4), WsSecurity.SignedExplicit, SpotEndpointCosts.UserDataSubscribe,
                RatePriority.RiskReducing, $"subscribe the user-data stream of account {Account}", ReadOnly: true);
        var result = await session.SendAsync(call, static r => ReadSubscriptionId(r), null, cancellationToken).ConfigureAwait(false);
        if (!result.TryGetValue(out var subscriptionId))
        {
            _logger.LogWarning("Account {Account}: {Message}", Account, result.Error!.Message);
            return false;
        }
        session.UserDataSubscriptionId = subscriptionId;
        IUserDataStreamHandler? handler;
        bool gap;
        lock (_gate)
        {
            handler = _userData;
            gap = _hadSubscription && !(overlapping && _subscriptionClean);
            _hadSubscription = true;
            _subscriptionClean = true;
        }
        handler?.OnSubscribed(subscriptionId, gap);
        return true;
    }

    private static long ReadSubscriptionId(ReadOnlySpan<byte> result)
    {
        var reader = new Utf8JsonReader(result);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueSpan.SequenceEqual("subscriptionId"u8))
            {
                reader.Read();
                return reader.GetInt64();
            }
        }
        throw new Parsing.BinanceProtocolException("the subscribe response has no 'subscriptionId'");
    }

    private void LoseSubscription(string reason)
    {
        IUserDataStreamHandler? handler;
        lock (_gate)
        {
            handler = _userData;
            _subscriptionClean = false;
        }
        handler?.OnSubscriptionLost(reason);
    }

    private void ForgetSession(BinanceWsApiSession session)
    {
        lock (_gate)
        {
            if (_signals.Remove(session.SessionId)) _sessionCount--;
        }
    }

    private void Report(PoolActivityRecord record)
    {
        try
        {
            Activity?.Invoke(record);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Account {Account}: a pool activity listener failed", Account);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_gate) loops = [.. _loops];
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Account {Account}: the session pool stopped with an error", Account);
        }
        _stop.Dispose();
    }

    /// <summary>Routes session callbacks to the pool.</summary>
    private sealed class Observer(BinanceWsApiSessionPool pool) : IWsSessionObserver
    {
        public void OnUserDataEvent(BinanceWsApiSession session, long subscriptionId, ReadOnlySpan<byte> eventJson)
        {
            if (session.UserDataSubscriptionId != subscriptionId) return;
            IUserDataStreamHandler? handler;
            lock (pool._gate) handler = pool._userData;
            if (handler is null) return;
            if (Parsing.SpotUserDataParser.PeekTypeName(eventJson) == "eventStreamTerminated")
            {
                session.UserDataSubscriptionId = null;
                handler.OnEvent(eventJson);
                pool.LoseSubscription("the venue terminated the event stream");
                // A new subscription needs a new session: rotate this one.
                Signal(session, "serverShutdown");
                return;
            }
            handler.OnEvent(eventJson);
        }

        public void OnServerShutdown(BinanceWsApiSession session) => Signal(session, "serverShutdown");

        public void OnClosed(BinanceWsApiSession session, string reason)
        {
            Signal(session, reason);
            pool.ForgetSession(session);
            pool.Report(new PoolActivityRecord(PoolActivity.SessionClosed, session.SessionId, reason, 0, TimeSpan.Zero));
        }

        private void Signal(BinanceWsApiSession session, string reason)
        {
            TaskCompletionSource<string>? signal;
            lock (pool._gate) pool._signals.TryGetValue(session.SessionId, out signal);
            signal?.TrySetResult(reason);
        }
    }
}
