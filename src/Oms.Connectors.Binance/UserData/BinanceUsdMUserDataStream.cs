using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.UserData;

/// <summary>Receives one account's parsed USD-M user-data stream. Called on a receive loop: hand the events on, do not block.</summary>
public interface IUsdMUserDataListener
{
    /// <summary>Port events of one venue event (possibly none, e.g. for <c>TRADE_LITE</c>), with what the event was.</summary>
    void OnEvents(IReadOnlyList<VenueEvent> events, UsdMUserDataMessage message);

    /// <summary>The stream is (again) delivering; reconcile the account first when <paramref name="gapPossible"/>.</summary>
    void OnStreamActive(bool gapPossible);

    /// <summary>The stream stopped (drop, expired listenKey, failed keepalive); a new connection follows. Treat the account as possibly stale.</summary>
    void OnStreamLost(string reason);
}

/// <summary>
/// The USD-M user-data stream of one account (REFERENCE §5.8): creates a listenKey (<c>POST /fapi/v1/listenKey</c>),
/// connects to the routed <c>/private/ws?listenKey=…</c> endpoint, extends the key every
/// <see cref="BinanceOptions.ListenKeyKeepAliveInterval"/> (<c>PUT</c>), and replaces key and connection on
/// <c>listenKeyExpired</c> or a failed keepalive, reporting a possible gap so the worker reconciles. Dropped connections
/// come back with backoff (gap possible); connections are rotated make-before-break before the 24 h cut and on
/// <c>serverShutdown</c> (no gap: both deliver until the old one closes, and duplicate events are harmless by design).
/// </summary>
public sealed class BinanceUsdMUserDataStream : IAsyncDisposable
{
    private readonly BinanceApiContext _context;
    private readonly BinanceUsdMRestClient _rest;
    private readonly AccountId _account;
    private readonly IUsdMUserDataListener _listener;
    private readonly ReconnectBackoff _backoff;
    private readonly ILogger _logger;
    private readonly Observer _observer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<long, TaskCompletionSource<string>> _signals = [];
    private Task? _loop;
    private string? _listenKey;
    private long _malformed;

    public BinanceUsdMUserDataStream(BinanceApiContext context, BinanceUsdMRestClient rest, AccountId account, IUsdMUserDataListener listener,
        ReconnectBackoff? backoff = null, UsdMUserDataParser? parser = null)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the context is not the USD-M API context", nameof(context));
        _context = context;
        _rest = rest;
        _account = account;
        _listener = listener;
        _backoff = backoff ?? new ReconnectBackoff(context.Options.ReconnectBaseDelay, context.Options.ReconnectMaxDelay);
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.UserData");
        Parser = parser ?? new UsdMUserDataParser(context.Symbols);
        _observer = new Observer(this);
    }

    /// <summary>The parser (it also maps triggered algo orders to their engine orders; feed it algo queries with <see cref="UsdMUserDataParser.TrackTriggeredAlgo"/>).</summary>
    public UsdMUserDataParser Parser { get; }

    /// <summary>The listenKey in use, if any.</summary>
    public string? ListenKey
    {
        get
        {
            lock (_gate) return _listenKey;
        }
    }

    /// <summary>Events that could not be parsed (each is logged with its text).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformed);

    /// <summary>Reports what the stream does (connections opened and closed, reconnects, rotations).</summary>
    public event Action<PoolActivityRecord>? Activity;

    /// <summary>Starts the stream in the background.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop is not null) throw new InvalidOperationException($"the USD-M user-data stream of account {_account} is already started");
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        var gap = false;
        var notBefore = DateTimeOffset.MinValue;
        var keepAliveDue = DateTimeOffset.MaxValue;
        BinanceStreamConnection? previous = null;
        BinanceStreamConnection? current = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (attempt > 0)
                {
                    var delay = _backoff.Delay(attempt);
                    var untilAllowed = notBefore - _context.Time.GetUtcNow();
                    if (untilAllowed > delay) delay = untilAllowed;
                    Report(new PoolActivityRecord(PoolActivity.ReconnectScheduled, 0, $"user data of account {_account}", attempt, delay));
                    await Task.Delay(delay, _context.Time, stop).ConfigureAwait(false);
                }

                var key = ListenKey;
                if (key is null)
                {
                    var created = await _rest.StartUserDataStreamAsync(stop).ConfigureAwait(false);
                    if (!created.TryGetValue(out var newKey))
                    {
                        attempt++;
                        notBefore = created.Error!.RetryAt ?? DateTimeOffset.MinValue;
                        _logger.LogWarning("Account {Account}: {Message}", _account, created.Error.Message);
                        Report(new PoolActivityRecord(PoolActivity.ConnectFailed, 0, created.Error.Message, attempt, TimeSpan.Zero));
                        continue;
                    }
                    lock (_gate) _listenKey = key = newKey;
                    keepAliveDue = _context.Time.GetUtcNow() + _context.Options.ListenKeyKeepAliveInterval;
                }

                var connection = new BinanceStreamConnection(_context, Address(key), [key], _observer, TimeSpan.FromMilliseconds(150),
                    $"USD-M user data of account {_account}");
                lock (_gate) _signals[connection.ConnectionId] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var error = await connection.ConnectAsync(stop).ConfigureAwait(false);
                if (error is not null)
                {
                    Forget(connection);
                    attempt++;
                    notBefore = error.RetryAt ?? DateTimeOffset.MinValue;
                    _logger.LogWarning("Account {Account}: {Message}", _account, error.Message);
                    Report(new PoolActivityRecord(PoolActivity.ConnectFailed, connection.ConnectionId, error.Message, attempt, TimeSpan.Zero));
                    continue;
                }
                connection.Delivering = true;
                current = connection;
                attempt = 0;
                Report(new PoolActivityRecord(PoolActivity.SessionOpened, connection.ConnectionId, $"user data of account {_account}", 0, TimeSpan.Zero));
                _listener.OnStreamActive(gap);
                gap = false;
                if (previous is not null)
                {
                    await CloseAsync(previous, "rotated").ConfigureAwait(false);
                    previous = null;
                }

                // Serve this connection until it ends, must be rotated, or the key must be replaced.
                Task<string> signal;
                lock (_gate) signal = _signals[connection.ConnectionId].Task;
                while (true)
                {
                    var now = _context.Time.GetUtcNow();
                    var rotateAt = connection.ConnectedAt + _context.Options.SessionMaxLifetime;
                    var wakeAt = keepAliveDue < rotateAt ? keepAliveDue : rotateAt;
                    var wait = wakeAt - now;
                    using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    var delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _context.Time, timer.Token);
                    var finished = await Task.WhenAny(signal, delay).ConfigureAwait(false);
                    await timer.CancelAsync().ConfigureAwait(false);
                    stop.ThrowIfCancellationRequested();

                    if (finished == signal)
                    {
                        var reason = await signal.ConfigureAwait(false);
                        if (reason == "serverShutdown")
                        {
                            Report(new PoolActivityRecord(PoolActivity.RotationStarted, connection.ConnectionId, reason, 0, TimeSpan.Zero));
                            _context.Metrics.RecordReconnect("user data " + reason);
                            previous = connection;
                            break;
                        }
                        current = null;
                        await CloseAsync(connection, reason).ConfigureAwait(false);
                        _listener.OnStreamLost(reason);
                        _context.Metrics.RecordReconnect(reason == "listenKeyExpired" ? "user data listenKeyExpired" : "user data dropped");
                        gap = true;
                        if (reason == "listenKeyExpired")
                        {
                            lock (_gate) _listenKey = null;
                            attempt = 0;
                        }
                        else
                        {
                            attempt = 1;
                        }
                        break;
                    }

                    if (_context.Time.GetUtcNow() >= keepAliveDue)
                    {
                        var kept = await KeepAliveAsync(key, stop).ConfigureAwait(false);
                        if (kept is null)
                        {
                            keepAliveDue = _context.Time.GetUtcNow() + _context.Options.ListenKeyKeepAliveInterval;
                            continue;
                        }
                        // The key is gone (or could not be confirmed): a new key needs a new connection; events may be lost.
                        current = null;
                        await CloseAsync(connection, kept).ConfigureAwait(false);
                        _listener.OnStreamLost(kept);
                        _context.Metrics.RecordReconnect("user data keepalive failed");
                        gap = true;
                        attempt = ListenKey is null ? 1 : 0;
                        if (ListenKey is not null) keepAliveDue = _context.Time.GetUtcNow() + _context.Options.ListenKeyKeepAliveInterval;
                        break;
                    }

                    if (_context.Time.GetUtcNow() >= rotateAt)
                    {
                        Report(new PoolActivityRecord(PoolActivity.RotationStarted, connection.ConnectionId, "lifetime", 0, TimeSpan.Zero));
                        _context.Metrics.RecordReconnect("user data lifetime");
                        previous = connection;
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account}: the USD-M user-data loop failed", _account);
            throw;
        }
        finally
        {
            if (previous is not null) await CloseAsync(previous, "stream stopped").ConfigureAwait(false);
            if (current is not null && current != previous) await CloseAsync(current, "stream stopped").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Extends the key. Returns null when the key is still good; otherwise why the stream must move to a new key (the
    /// new key, when one could be created, is already in <see cref="ListenKey"/>; null there means create one later).
    /// </summary>
    private async Task<string?> KeepAliveAsync(string key, CancellationToken stop)
    {
        var kept = await _rest.KeepAliveUserDataStreamAsync(stop).ConfigureAwait(false);
        if (kept.TryGetValue(out var extended) && extended == key) return null;
        var why = kept.Success ? $"the keepalive answered another listenKey" : $"the listenKey keepalive failed: {kept.Error!.Message}";
        _logger.LogWarning("Account {Account}: {Reason}; creating a listenKey", _account, why);
        // POST returns the active key (extending it) or a new one.
        var created = await _rest.StartUserDataStreamAsync(stop).ConfigureAwait(false);
        if (created.TryGetValue(out var active) && active == key) return null;
        lock (_gate) _listenKey = created.Success ? active : null;
        return why;
    }

    private Uri Address(string listenKey) =>
        new($"{_context.Options.UsdMStreamAddress.ToString().TrimEnd('/')}{BinanceStreams.PathOf(BinanceStreamRoute.UsdMPrivate)}/ws?listenKey={Uri.EscapeDataString(listenKey)}");

    private async Task CloseAsync(BinanceStreamConnection connection, string reason)
    {
        connection.Delivering = false;
        await connection.CloseAsync(reason.Length > 100 ? reason[..100] : reason, CancellationToken.None).ConfigureAwait(false);
        Forget(connection);
    }

    private void Forget(BinanceStreamConnection connection)
    {
        lock (_gate) _signals.Remove(connection.ConnectionId);
    }

    private void Signal(BinanceStreamConnection connection, string reason)
    {
        TaskCompletionSource<string>? signal;
        lock (_gate) _signals.TryGetValue(connection.ConnectionId, out signal);
        signal?.TrySetResult(reason);
    }

    private void Report(PoolActivityRecord record)
    {
        try
        {
            Activity?.Invoke(record);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Account {Account}: a user-data activity listener failed", _account);
        }
    }

    /// <summary>Stops the stream, closes its connection and the listenKey.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate) loop = _loop;
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Account {Account}: the USD-M user-data stream stopped with an error", _account);
            }
        }
        if (ListenKey is not null)
        {
            using var timeout = new CancellationTokenSource(_context.Options.RestTimeout);
            try
            {
                var closed = await _rest.CloseUserDataStreamAsync(timeout.Token).ConfigureAwait(false);
                if (!closed.Success) _logger.LogInformation("Account {Account}: {Message}", _account, closed.Error.Message);
            }
            catch (OperationCanceledException)
            {
                // Best effort: the key expires by itself within 60 min.
            }
        }
        _stop.Dispose();
    }

    /// <summary>Parses what delivering connections receive and routes connection ends to the loop.</summary>
    private sealed class Observer(BinanceUsdMUserDataStream owner) : IStreamConnectionObserver
    {
        public void OnMessage(BinanceStreamConnection connection, ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange)
        {
            if (!connection.Delivering) return;
            var payload = message[eventRange];
            var events = new List<VenueEvent>(2);
            UsdMUserDataMessage parsed;
            try
            {
                parsed = owner.Parser.Parse(payload, owner._account, events);
            }
            catch (Exception ex) when (ex is BinanceProtocolException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                Interlocked.Increment(ref owner._malformed);
                owner._logger.LogError(ex, "Account {Account}: skipped a malformed USD-M user-data event: {Event}", owner._account, Encoding.UTF8.GetString(payload));
                return;
            }
            owner._listener.OnEvents(events, parsed);
            if (parsed.Type == UsdMUserDataEventType.ListenKeyExpired && (parsed.ListenKey is null || parsed.ListenKey == owner.ListenKey))
                owner.Signal(connection, "listenKeyExpired");
        }

        public void OnServerShutdown(BinanceStreamConnection connection) => owner.Signal(connection, "serverShutdown");

        public void OnClosed(BinanceStreamConnection connection, string reason)
        {
            owner.Signal(connection, reason);
            owner.Report(new PoolActivityRecord(PoolActivity.SessionClosed, connection.ConnectionId, reason, 0, TimeSpan.Zero));
        }
    }
}
