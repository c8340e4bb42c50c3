using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.MarketData;

/// <summary>Receives what a <see cref="BinanceMarketStreamClient"/> streams. Callbacks run on receive loops: queue, do not block.</summary>
public interface IBinanceStreamListener
{
    /// <summary>
    /// One message of an active connection. <paramref name="type"/> is what the message is; <paramref name="eventRange"/>
    /// locates the event object inside <paramref name="message"/> (the <c>data</c> of a combined wrapper). The bytes are
    /// only valid during the call.
    /// </summary>
    void OnMessage(ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange);

    /// <summary>
    /// <paramref name="streams"/> are flowing on a (new) connection. <paramref name="gapPossible"/> is true when they
    /// were interrupted before (a drop, not a make-before-break rotation): anything derived from them (local books)
    /// must be rebuilt.
    /// </summary>
    void OnStreamsActive(IReadOnlyCollection<string> streams, bool gapPossible);

    /// <summary><paramref name="streams"/> stopped (their connection dropped); they come back after a reconnect.</summary>
    void OnStreamsInterrupted(IReadOnlyCollection<string> streams, string reason);
}

/// <summary>
/// The market-stream connections of one API family. Spot streams go to <c>/stream</c> (or <c>/ws</c>); USD-M streams
/// to the routed <c>/public</c> or <c>/market</c> endpoint (REFERENCE §5.9, <see cref="BinanceStreams.RouteOf"/>). Each
/// connection carries at most <see cref="BinanceOptions.MaxStreamsPerConnection"/> streams; more open further
/// connections. Streams are named in the URL when a connection opens and added or removed later with
/// <c>SUBSCRIBE</c>/<c>UNSUBSCRIBE</c>. Dropped connections come back with exponential backoff and jitter;
/// connections are rotated make-before-break before the 24 h cut and on <c>serverShutdown</c>. Only the active
/// connection of a slot delivers messages, so a rotation never duplicates events.
/// </summary>
public sealed class BinanceMarketStreamClient : IAsyncDisposable
{
    private const int MaxUrlStreams = 50;
    private const int MaxUrlLength = 1800;

    private readonly BinanceApiContext _context;
    private readonly IBinanceStreamListener _listener;
    private readonly ReconnectBackoff _backoff;
    private readonly BinanceStreamUrlForm _form;
    private readonly ILogger _logger;
    private readonly Observer _observer;
    private readonly List<Slot> _slots = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private bool _started;

    public BinanceMarketStreamClient(BinanceApiContext context, IBinanceStreamListener listener, ReconnectBackoff? backoff = null,
        BinanceStreamUrlForm form = BinanceStreamUrlForm.Combined)
    {
        _context = context;
        _listener = listener;
        _backoff = backoff ?? new ReconnectBackoff(context.Options.ReconnectBaseDelay, context.Options.ReconnectMaxDelay);
        _form = form;
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.Streams");
        _observer = new Observer(this);
    }

    /// <summary>Reports what the connections do (opened, closed, reconnects scheduled, rotations).</summary>
    public event Action<PoolActivityRecord>? Activity;

    /// <summary>Every stream the client should carry (subscribed or waiting for its connection).</summary>
    public IReadOnlyCollection<string> Streams
    {
        get
        {
            lock (_gate) return [.. _slots.SelectMany(s => s.Streams)];
        }
    }

    /// <summary>Connections delivering right now.</summary>
    public int ActiveConnectionCount
    {
        get
        {
            lock (_gate) return _slots.Count(s => s.Active is { State: WsSessionState.Open });
        }
    }

    /// <summary>Starts the connection loops; connections open in the background as soon as their slot has streams.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started) throw new InvalidOperationException($"the Binance {_context.ApiName} market stream client is already started");
            _started = true;
            foreach (var slot in _slots) slot.Loop = Task.Run(() => RunSlotAsync(slot, _stop.Token));
        }
    }

    /// <summary>
    /// Adds streams. On a connection that is open they are subscribed now (true once the venue confirmed); otherwise
    /// they are carried by the next connection (false). A refused <c>SUBSCRIBE</c> returns the error and forgets the streams.
    /// </summary>
    public async Task<BinanceResult<bool>> SubscribeAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        var plan = new List<(Slot Slot, BinanceStreamConnection? Connection, List<string> Streams)>();
        lock (_gate)
        {
            foreach (var group in streams.Distinct(StringComparer.Ordinal).GroupBy(s => BinanceStreams.RouteOf(_context.Api, s)))
            {
                if (group.Key == BinanceStreamRoute.UsdMPrivate) throw new ArgumentException("user-data streams are not market streams", nameof(streams));
                foreach (var stream in group)
                {
                    if (_slots.Any(s => s.Route == group.Key && s.Streams.Contains(stream))) continue;
                    var slot = _slots.Where(s => s.Route == group.Key && s.Streams.Count < _context.Options.MaxStreamsPerConnection).MinBy(s => s.Streams.Count)
                        ?? AddSlot(group.Key);
                    slot.Streams.Add(stream);
                    var entry = plan.FirstOrDefault(p => p.Slot == slot);
                    if (entry.Slot is null)
                    {
                        entry = (slot, slot.Active is { State: WsSessionState.Open } active ? active : null, []);
                        plan.Add(entry);
                    }
                    entry.Streams.Add(stream);
                    slot.HasStreams.TrySetResult();
                }
            }
        }

        var sentAll = plan.Count > 0;
        foreach (var (slot, connection, added) in plan)
        {
            if (connection is null)
            {
                sentAll = false;
                continue;
            }
            var result = await connection.SubscribeAsync(added, cancellationToken).ConfigureAwait(false);
            if (result.Success) continue;
            if (result.Error.Code is not null)
            {
                // The venue refused the streams: forget them.
                lock (_gate)
                {
                    foreach (var stream in added) slot.Streams.Remove(stream);
                }
                return result;
            }
            // The connection went away meanwhile: its replacement carries the streams.
            sentAll = false;
        }
        return BinanceResult<bool>.Ok(sentAll);
    }

    /// <summary>Removes streams; on open connections with <c>UNSUBSCRIBE</c>.</summary>
    public async Task<BinanceResult<bool>> UnsubscribeAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        var plan = new List<(BinanceStreamConnection Connection, List<string> Streams)>();
        lock (_gate)
        {
            foreach (var slot in _slots)
            {
                var removed = streams.Where(slot.Streams.Remove).ToList();
                if (removed.Count > 0 && slot.Active is { State: WsSessionState.Open } active) plan.Add((active, removed));
            }
        }
        foreach (var (connection, removed) in plan)
        {
            var result = await connection.UnsubscribeAsync(removed, cancellationToken).ConfigureAwait(false);
            if (!result.Success && result.Error.Code is not null) return result;
        }
        return BinanceResult<bool>.Ok(plan.Count > 0);
    }

    /// <summary>Asks every open connection of <paramref name="route"/> what it carries (<c>LIST_SUBSCRIPTIONS</c>).</summary>
    public async Task<BinanceResult<IReadOnlyList<string>>> ListSubscriptionsAsync(BinanceStreamRoute route, CancellationToken cancellationToken = default)
    {
        List<BinanceStreamConnection> connections;
        lock (_gate)
        {
            connections = [.. _slots.Where(s => s.Route == route && s.Active is { State: WsSessionState.Open }).Select(s => s.Active!)];
        }
        var all = new List<string>();
        foreach (var connection in connections)
        {
            var result = await connection.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
            if (!result.TryGetValue(out var streams)) return result;
            all.AddRange(streams);
        }
        return BinanceResult<IReadOnlyList<string>>.Ok(all);
    }

    private Slot AddSlot(BinanceStreamRoute route)
    {
        var slot = new Slot(route, _slots.Count);
        _slots.Add(slot);
        if (_started) slot.Loop = Task.Run(() => RunSlotAsync(slot, _stop.Token));
        return slot;
    }

    private async Task RunSlotAsync(Slot slot, CancellationToken stop)
    {
        var attempt = 0;
        var notBefore = DateTimeOffset.MinValue;
        BinanceStreamConnection? previous = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (attempt > 0)
                {
                    var delay = _backoff.Delay(attempt);
                    var untilAllowed = notBefore - _context.Time.GetUtcNow();
                    if (untilAllowed > delay) delay = untilAllowed;
                    Report(new PoolActivityRecord(PoolActivity.ReconnectScheduled, 0, Name(slot), attempt, delay));
                    await Task.Delay(delay, _context.Time, stop).ConfigureAwait(false);
                }

                Task hasStreams;
                string[] streams;
                lock (_gate)
                {
                    if (slot.Streams.Count == 0 && slot.HasStreams.Task.IsCompleted) slot.HasStreams = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    hasStreams = slot.HasStreams.Task;
                    streams = [.. slot.Streams];
                }
                if (streams.Length == 0)
                {
                    await hasStreams.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }

                var (address, inUrl) = BuildAddress(slot.Route, streams);
                var connection = new BinanceStreamConnection(_context, address, inUrl, _observer, ControlInterval, $"{_context.ApiName} market streams ({Name(slot)})");
                lock (_gate)
                {
                    slot.Signals[connection.ConnectionId] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _observer.Slots[connection.ConnectionId] = slot;
                }
                var error = await connection.ConnectAsync(stop).ConfigureAwait(false);
                if (error is not null)
                {
                    Forget(slot, connection);
                    attempt++;
                    notBefore = error.RetryAt ?? DateTimeOffset.MinValue;
                    _logger.LogWarning("{Message}", error.Message);
                    Report(new PoolActivityRecord(PoolActivity.ConnectFailed, connection.ConnectionId, error.Message, attempt, TimeSpan.Zero));
                    continue;
                }
                var gap = await ActivateAsync(slot, connection, stop).ConfigureAwait(false);
                if (gap is not { } gapPossible)
                {
                    await connection.CloseAsync("subscribe failed", CancellationToken.None).ConfigureAwait(false);
                    Forget(slot, connection);
                    attempt++;
                    continue;
                }
                attempt = 0;
                Report(new PoolActivityRecord(PoolActivity.SessionOpened, connection.ConnectionId, Name(slot), 0, TimeSpan.Zero));
                _listener.OnStreamsActive(connection.Streams, gapPossible);
                if (previous is not null)
                {
                    await CloseAsync(slot, previous, "rotated").ConfigureAwait(false);
                    previous = null;
                }

                Task<string> signal;
                lock (_gate) signal = slot.Signals[connection.ConnectionId].Task;
                var remaining = _context.Options.SessionMaxLifetime - (_context.Time.GetUtcNow() - connection.ConnectedAt);
                using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var expiry = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _context.Time, lifetime.Token);
                var finished = await Task.WhenAny(signal, expiry).ConfigureAwait(false);
                await lifetime.CancelAsync().ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                {
                    await CloseAsync(slot, connection, "client stopped").ConfigureAwait(false);
                    break;
                }
                var reason = finished == signal ? await signal.ConfigureAwait(false) : "lifetime";
                if (reason is "lifetime" or "serverShutdown")
                {
                    // Make-before-break: the old connection keeps delivering until its replacement is active.
                    _context.Metrics.RecordReconnect("stream " + reason);
                    Report(new PoolActivityRecord(PoolActivity.RotationStarted, connection.ConnectionId, reason, 0, TimeSpan.Zero));
                    previous = connection;
                    continue;
                }
                _context.Metrics.RecordReconnect("stream dropped");
                await connection.CloseAsync(reason, CancellationToken.None).ConfigureAwait(false);
                Forget(slot, connection);
                attempt = 1;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (previous is not null) await CloseAsync(slot, previous, "client stopped").ConfigureAwait(false);
            BinanceStreamConnection? active;
            lock (_gate)
            {
                active = slot.Active;
                slot.Active = null;
                if (active is not null) active.Delivering = false;
            }
            if (active is not null) await active.CloseAsync("client stopped", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Brings a new connection to the slot's current stream set (streams added or removed while it was opening) and
    /// makes it the slot's active connection in the same step as the final check, so no stream added concurrently is
    /// left behind. Returns whether a gap was possible, or null when the connection could not be brought up to date.
    /// </summary>
    private async Task<bool?> ActivateAsync(Slot slot, BinanceStreamConnection connection, CancellationToken stop)
    {
        for (var round = 0; round < 5; round++)
        {
            string[] missing, extra;
            lock (_gate)
            {
                var carried = connection.Streams;
                missing = [.. slot.Streams.Where(s => !carried.Contains(s))];
                extra = [.. carried.Where(s => !slot.Streams.Contains(s))];
                if (missing.Length == 0 && extra.Length == 0)
                {
                    if (slot.Active is { } old) old.Delivering = false;
                    slot.Active = connection;
                    connection.Delivering = true;
                    var gap = slot.Interrupted;
                    slot.Interrupted = false;
                    return gap;
                }
            }
            foreach (var chunk in missing.Chunk(MaxUrlStreams))
            {
                var result = await connection.SubscribeAsync(chunk, stop).ConfigureAwait(false);
                if (result.Success) continue;
                _logger.LogWarning("{Message}", result.Error.Message);
                if (result.Error.Code is null) return null;
                // The venue refused these streams: forget them rather than retrying forever.
                lock (_gate)
                {
                    foreach (var stream in chunk) slot.Streams.Remove(stream);
                }
            }
            if (extra.Length > 0)
            {
                var result = await connection.UnsubscribeAsync(extra, stop).ConfigureAwait(false);
                if (!result.Success && result.Error.Code is null) return null;
            }
        }
        _logger.LogWarning("{Name}: the stream set kept changing while the connection opened; retrying", Name(slot));
        return null;
    }

    private async Task CloseAsync(Slot slot, BinanceStreamConnection connection, string reason)
    {
        lock (_gate)
        {
            if (slot.Active == connection) slot.Active = null;
            connection.Delivering = false;
        }
        await connection.CloseAsync(reason, CancellationToken.None).ConfigureAwait(false);
        Forget(slot, connection);
    }

    private void Forget(Slot slot, BinanceStreamConnection connection)
    {
        lock (_gate)
        {
            slot.Signals.Remove(connection.ConnectionId);
            _observer.Slots.Remove(connection.ConnectionId);
        }
    }

    private (Uri Address, string[] InUrl) BuildAddress(BinanceStreamRoute route, string[] streams)
    {
        var root = (_context.Api == BinanceApi.Spot ? _context.Options.SpotMarketStreamAddress : _context.Options.UsdMStreamAddress).ToString().TrimEnd('/');
        var prefix = root + BinanceStreams.PathOf(route);
        if (_form == BinanceStreamUrlForm.Raw) return (new Uri($"{prefix}/ws/{streams[0]}"), [streams[0]]);
        var inUrl = new List<string>();
        var length = prefix.Length + "/stream?streams=".Length;
        foreach (var stream in streams)
        {
            if (inUrl.Count == MaxUrlStreams || length + stream.Length + 1 > MaxUrlLength) break;
            inUrl.Add(stream);
            length += stream.Length + 1;
        }
        return (new Uri($"{prefix}/stream?streams={string.Join('/', inUrl)}"), [.. inUrl]);
    }

    /// <summary>The gap between control frames: spot allows 5 incoming messages per second, USD-M 10 (pings and pongs count).</summary>
    private TimeSpan ControlInterval => _context.Api == BinanceApi.Spot ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromMilliseconds(150);

    private static string Name(Slot slot) => $"{slot.Route} connection {slot.Index}";

    private void Report(PoolActivityRecord record)
    {
        try
        {
            Activity?.Invoke(record);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "A market stream activity listener failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_gate) loops = [.. _slots.Select(s => s.Loop).OfType<Task>()];
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "The Binance {Api} market stream client stopped with an error", _context.ApiName);
        }
        _stop.Dispose();
    }

    private sealed class Slot(BinanceStreamRoute route, int index)
    {
        public BinanceStreamRoute Route { get; } = route;
        public int Index { get; } = index;
        public HashSet<string> Streams { get; } = new(StringComparer.Ordinal);
        public Dictionary<long, TaskCompletionSource<string>> Signals { get; } = [];
        public BinanceStreamConnection? Active { get; set; }
        public bool Interrupted { get; set; }
        public TaskCompletionSource HasStreams { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task? Loop { get; set; }
    }

    /// <summary>Routes connection callbacks to the client; only the active connection of a slot delivers.</summary>
    private sealed class Observer(BinanceMarketStreamClient client) : IStreamConnectionObserver
    {
        public Dictionary<long, Slot> Slots { get; } = [];

        public void OnMessage(BinanceStreamConnection connection, ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange)
        {
            if (connection.Delivering) client._listener.OnMessage(message, type, eventRange);
        }

        public void OnServerShutdown(BinanceStreamConnection connection) => Signal(connection, "serverShutdown");

        public void OnClosed(BinanceStreamConnection connection, string reason)
        {
            IReadOnlyCollection<string>? interrupted = null;
            lock (client._gate)
            {
                if (Slots.TryGetValue(connection.ConnectionId, out var slot) && slot.Active == connection)
                {
                    slot.Active = null;
                    connection.Delivering = false;
                    slot.Interrupted = true;
                    interrupted = connection.Streams;
                }
            }
            if (interrupted is not null) client._listener.OnStreamsInterrupted(interrupted, reason);
            Signal(connection, reason);
            client.Report(new PoolActivityRecord(PoolActivity.SessionClosed, connection.ConnectionId, reason, 0, TimeSpan.Zero));
        }

        private void Signal(BinanceStreamConnection connection, string reason)
        {
            TaskCompletionSource<string>? signal = null;
            lock (client._gate)
            {
                if (Slots.TryGetValue(connection.ConnectionId, out var slot)) slot.Signals.TryGetValue(connection.ConnectionId, out signal);
            }
            signal?.TrySetResult(reason);
        }
    }
}
