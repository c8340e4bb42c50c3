using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Internal;
using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>Receives what a stream connection reports. Callbacks run on its receive loop and must return quickly.</summary>
internal interface IStreamConnectionObserver
{
    /// <summary>A stream message (not a control response, not <c>serverShutdown</c>); <paramref name="eventRange"/> is the event object.</summary>
    void OnMessage(BinanceStreamConnection connection, ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange);

    /// <summary>The venue announced maintenance: replace the connection before it is cut.</summary>
    void OnServerShutdown(BinanceStreamConnection connection);

    /// <summary>The connection ended (dropped, closed by the venue, or closed by us).</summary>
    void OnClosed(BinanceStreamConnection connection, string reason);
}

/// <summary>
/// One market (or USD-M private) stream connection: the receive loop, <c>SUBSCRIBE</c> / <c>UNSUBSCRIBE</c> /
/// <c>LIST_SUBSCRIPTIONS</c> requests correlated by id and paced under the venue's incoming-message limit (5/s spot,
/// 10/s USD-M, pongs included), <c>serverShutdown</c> detection, and the handshake's 429/418 fed to the budget.
/// Server pings are answered by <see cref="ClientWebSocket"/> inside the receive loop; the client's own keepalive
/// pings detect dead peers.
/// </summary>
internal sealed class BinanceStreamConnection : IAsyncDisposable
{
    private static long s_nextConnectionId;
    private static readonly TimeSpan DefaultFreeze = TimeSpan.FromMinutes(1);

    private readonly BinanceApiContext _context;
    private readonly IStreamConnectionObserver _observer;
    private readonly TimeSpan _controlInterval;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<BinanceResult<IReadOnlyList<string>>>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly HashSet<string> _streams = new(StringComparer.Ordinal);
    private ClientWebSocket? _socket;
    private Task? _receiveLoop;
    private long _nextRequestId;
    private int _state;
    private int _closedNotified;
    private long _nextControlAt;

    public BinanceStreamConnection(BinanceApiContext context, Uri address, IEnumerable<string> urlStreams, IStreamConnectionObserver observer,
        TimeSpan controlInterval, string description)
    {
        _context = context;
        Address = address;
        _observer = observer;
        _controlInterval = controlInterval;
        Description = description;
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.Streams");
        ConnectionId = Interlocked.Increment(ref s_nextConnectionId);
        foreach (var stream in urlStreams) _streams.Add(stream);
    }

    public long ConnectionId { get; }

    public Uri Address { get; }

    /// <summary>What the connection is for, in messages (e.g. <c>spot market streams</c>).</summary>
    public string Description { get; }

    public WsSessionState State => (WsSessionState)Volatile.Read(ref _state);

    /// <summary>Whether the owner forwards this connection's messages (only one connection per slot does).</summary>
    public bool Delivering
    {
        get => Volatile.Read(ref _delivering);
        set => Volatile.Write(ref _delivering, value);
    }

    private bool _delivering;

    public DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>The streams this connection carries (those in its URL plus successful SUBSCRIBEs minus UNSUBSCRIBEs).</summary>
    public IReadOnlyCollection<string> Streams
    {
        get
        {
            lock (_streams) return [.. _streams];
        }
    }

    /// <summary>Opens the connection (drawing one connection attempt) and starts the receive loop; returns the error when it could not be opened.</summary>
    public async Task<BinanceError?> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, (int)WsSessionState.Connecting, (int)WsSessionState.Created) != (int)WsSessionState.Created)
            throw new InvalidOperationException($"stream connection {ConnectionId} was already started");
        var operation = $"connect to the Binance {Description} at {Address.GetLeftPart(UriPartial.Path)}";
        var scopes = _context.IpScopes;
        var gate = new RateBudgetGate(_context.Budget, _context.Time, _context.Options.MaxRateBudgetWait);
        var charges = default(RateChargeBuffer);
        charges[0] = new RateCharge(scopes.ConnectionAttempts, 1);
        var refused = await gate.AcquireAsync(charges, 1, RatePriority.Normal, operation, cancellationToken).ConfigureAwait(false);
        if (refused is not null) return FailConnect(refused);

        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _context.Options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _context.Options.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        _socket = socket;
        using (var timeout = new CancellationTokenSource(_context.Options.ConnectTimeout, _context.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                await socket.ConnectAsync(Address, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return FailConnect(new BinanceError { Kind = VenueErrorKind.Network, Operation = operation, Reason = "the handshake timed out", Sent = false });
            }
            catch (WebSocketException ex)
            {
                var status = socket.HttpStatusCode == 0 ? (int?)null : (int)socket.HttpStatusCode;
                var kind = status switch { 429 => VenueErrorKind.RateLimited, 418 => VenueErrorKind.IpBanned, _ => VenueErrorKind.Network };
                DateTimeOffset? retryAt = null;
                if (status is 429 or 418)
                {
                    var seconds = socket.HttpResponseHeaders is { } headers && headers.TryGetValue("Retry-After", out var values)
                        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                        ? s : (int)DefaultFreeze.TotalSeconds;
                    retryAt = _context.Time.GetUtcNow().AddSeconds(seconds);
                    _context.Budget.Freeze(scopes.ConnectionAttempts, retryAt.Value);
                    if (status == 418)
                    {
                        _context.Budget.Freeze(scopes.Weight, retryAt.Value);
                        _context.Budget.Freeze(scopes.RawRequests, retryAt.Value);
                    }
                }
                var reason = status is { } code ? $"the handshake was refused with HTTP {code}: {ex.Message}" : ex.Message;
                return FailConnect(new BinanceError { Kind = kind, Operation = operation, Reason = reason, HttpStatus = status, RetryAt = retryAt, Sent = false });
            }
        }

        ConnectedAt = _context.Time.GetUtcNow();
        Volatile.Write(ref _state, (int)WsSessionState.Open);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        return null;
    }

    private BinanceError FailConnect(BinanceError error)
    {
        Volatile.Write(ref _state, (int)WsSessionState.Closed);
        _socket?.Dispose();
        _context.Metrics.RecordError("stream.connect", "ws", error);
        return error;
    }

    /// <summary>Sends <c>SUBSCRIBE</c>; the streams count as carried once the venue confirmed.</summary>
    public async ValueTask<BinanceResult<bool>> SubscribeAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken)
    {
        var result = await SendControlAsync("SUBSCRIBE", streams, $"subscribe {Describe(streams)} on the Binance {Description}", cancellationToken).ConfigureAwait(false);
        if (!result.Success) return result.Error;
        lock (_streams)
        {
            foreach (var stream in streams) _streams.Add(stream);
        }
        return BinanceResult<bool>.Ok(true);
    }

    /// <summary>Sends <c>UNSUBSCRIBE</c>.</summary>
    public async ValueTask<BinanceResult<bool>> UnsubscribeAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken)
    {
        var result = await SendControlAsync("UNSUBSCRIBE", streams, $"unsubscribe {Describe(streams)} on the Binance {Description}", cancellationToken).ConfigureAwait(false);
        if (!result.Success) return result.Error;
        lock (_streams)
        {
            foreach (var stream in streams) _streams.Remove(stream);
        }
        return BinanceResult<bool>.Ok(true);
    }

    /// <summary>Sends <c>LIST_SUBSCRIPTIONS</c> and returns what the venue says this connection carries.</summary>
    public ValueTask<BinanceResult<IReadOnlyList<string>>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        SendControlAsync("LIST_SUBSCRIPTIONS", null, $"list the subscriptions of the Binance {Description}", cancellationToken);

    private static string Describe(IReadOnlyCollection<string> streams) =>
        streams.Count <= 3 ? string.Join(", ", streams) : $"{string.Join(", ", streams.Take(3))} and {streams.Count - 3} more streams";

    /// <summary>
    /// Sends one control request <c>{"method","params","id"}</c> and waits for <c>{"result","id"}</c>. Control calls
    /// change only what is streamed, so a missing answer is <see cref="VenueErrorKind.Network"/> (retry-safe).
    /// </summary>
    private async ValueTask<BinanceResult<IReadOnlyList<string>>> SendControlAsync(string method, IReadOnlyCollection<string>? parameters, string operation,
        CancellationToken cancellationToken)
    {
        if (State != WsSessionState.Open) return NotSent(operation, $"stream connection {ConnectionId} is {State}; nothing was sent");
        var id = Interlocked.Increment(ref _nextRequestId);
        var completion = new TaskCompletionSource<BinanceResult<IReadOnlyList<string>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        using var frame = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(frame))
        {
            writer.WriteStartObject();
            writer.WriteString("method"u8, method);
            if (parameters is not null)
            {
                writer.WriteStartArray("params"u8);
                foreach (var parameter in parameters) writer.WriteStringValue(parameter);
                writer.WriteEndArray();
            }
            writer.WriteNumber("id"u8, id);
            writer.WriteEndObject();
        }

        var started = _context.Time.GetTimestamp();
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Pace control frames: the venue counts them (with pongs) against a small per-connection message rate.
                var wait = TimeSpan.FromTicks(Interlocked.Read(ref _nextControlAt) - _context.Time.GetUtcNow().UtcTicks);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _context.Time, cancellationToken).ConfigureAwait(false);
                if (_socket is not { State: WebSocketState.Open } socket)
                {
                    _pending.TryRemove(id, out _);
                    return NotSent(operation, $"stream connection {ConnectionId} closed before sending; nothing was sent");
                }
                await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _nextControlAt, (_context.Time.GetUtcNow() + _controlInterval).UtcTicks);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _pending.TryRemove(id, out _);
            return Failed(operation, $"the connection failed while sending: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }

        BinanceResult<IReadOnlyList<string>> result;
        try
        {
            result = await completion.Task.WaitAsync(_context.Options.WebSocketRequestTimeout, _context.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            result = Failed(operation, $"no answer to {method} within {_context.Options.WebSocketRequestTimeout.TotalMilliseconds:0} ms on stream connection {ConnectionId}");
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        // The receive loop only knows the request id; name the operation the caller asked for.
        if (result.Error is { } failed && failed.Operation != operation) result = failed with { Operation = operation };
        _context.Metrics.RecordCall("stream." + method, "ws", _context.Time.GetElapsedTime(started), result.ErrorKind);
        if (result.Error is { } error) _context.Metrics.RecordError("stream." + method, "ws", error);
        return result;
    }

    private BinanceResult<IReadOnlyList<string>> NotSent(string operation, string reason) =>
        BinanceResult<IReadOnlyList<string>>.Fail(new BinanceError { Kind = VenueErrorKind.Network, Operation = operation, Reason = reason, Sent = false });

    private static BinanceResult<IReadOnlyList<string>> Failed(string operation, string reason) =>
        BinanceResult<IReadOnlyList<string>>.Fail(new BinanceError { Kind = VenueErrorKind.Network, Operation = operation, Reason = reason });

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var reason = "closed";
        using var message = new PooledBufferWriter(16 * 1024);
        try
        {
            while (!_lifetime.IsCancellationRequested)
            {
                message.Clear();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(message.GetMemory(8192), _lifetime.Token).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close) break;
                    message.Advance(received.Count);
                }
                while (!received.EndOfMessage);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"closed by the venue ({socket.CloseStatus} {socket.CloseStatusDescription})";
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        try
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is WebSocketException or IOException)
                        {
                            // The peer is gone already.
                        }
                    }
                    break;
                }
                if (received.MessageType != WebSocketMessageType.Text) continue;
                Dispatch(message.WrittenSpan);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            reason = "closed by the client";
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            reason = $"dropped: {ex.Message}";
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Stream connection {ConnectionId} ({Description}) receive loop failed", ConnectionId, Description);
            reason = $"receive loop failed: {ex.Message}";
        }
        OnConnectionEnded(reason);
    }

    private void Dispatch(ReadOnlySpan<byte> message)
    {
        var type = MarketStreamParser.Classify(message, out var range);
        switch (type)
        {
            case MarketStreamEventType.ControlResponse:
                CompleteControl(message);
                return;
            case MarketStreamEventType.ServerShutdown:
                _logger.LogInformation("Stream connection {ConnectionId} ({Description}) received serverShutdown", ConnectionId, Description);
                _observer.OnServerShutdown(this);
                return;
            default:
                _observer.OnMessage(this, message, type, range);
                return;
        }
    }

    private void CompleteControl(ReadOnlySpan<byte> message)
    {
        long? id = null;
        int? code = null;
        string? error = null;
        List<string>? result = null;
        try
        {
            var reader = new Utf8JsonReader(message);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("id"u8) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number)) id = number;
                else if (name.SequenceEqual("result"u8) && reader.TokenType == JsonTokenType.StartArray)
                {
                    result = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String) result.Add(reader.GetString()!);
                        else reader.Skip();
                    }
                }
                else if (name.SequenceEqual("code"u8) && reader.TokenType == JsonTokenType.Number) code = reader.GetInt32();
                else if (name.SequenceEqual("msg"u8) && reader.TokenType == JsonTokenType.String) error = reader.GetString();
                else if (name.SequenceEqual("error"u8) && reader.TokenType == JsonTokenType.StartObject)
                {
                    // Older framing: {"error":{"code","msg"},"id"}.
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var inner = reader.ValueSpan;
                        reader.Read();
                        if (inner.SequenceEqual("code"u8) && reader.TokenType == JsonTokenType.Number) code = reader.GetInt32();
                        else if (inner.SequenceEqual("msg"u8) && reader.TokenType == JsonTokenType.String) error = reader.GetString();
                        else reader.Skip();
                    }
                }
                else reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "Stream connection {ConnectionId} received an unreadable control response", ConnectionId);
            return;
        }
        if (id is not { } requestId || !_pending.TryRemove(requestId, out var completion))
        {
            _logger.LogDebug("Stream connection {ConnectionId} received a control response for no waiting request (id {Id})", ConnectionId, id);
            return;
        }
        if (code is { } c)
        {
            completion.TrySetResult(BinanceResult<IReadOnlyList<string>>.Fail(new BinanceError
            {
                Kind = VenueErrorKind.Rejected,
                Operation = $"answer request {requestId} on the Binance {Description}",
                Code = c,
                Reason = error ?? "the control request was refused",
            }));
            return;
        }
        completion.TrySetResult(BinanceResult<IReadOnlyList<string>>.Ok(result ?? (IReadOnlyList<string>)[]));
    }

    private void OnConnectionEnded(string reason)
    {
        Volatile.Write(ref _state, (int)WsSessionState.Closed);
        foreach (var (id, pending) in _pending)
        {
            if (!_pending.TryRemove(id, out _)) continue;
            pending.TrySetResult(Failed($"answer request {id} on the Binance {Description}", $"stream connection {ConnectionId} {reason} before the answer arrived"));
        }
        if (Interlocked.Exchange(ref _closedNotified, 1) == 0)
        {
            _logger.LogInformation("Stream connection {ConnectionId} ({Description}) {Reason}", ConnectionId, Description, reason);
            _observer.OnClosed(this, reason);
        }
    }

    /// <summary>Closes the connection politely (close handshake).</summary>
    public async Task CloseAsync(string reason, CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _state, (int)WsSessionState.Draining, (int)WsSessionState.Open);
        var socket = _socket;
        if (socket is { State: WebSocketState.Open })
        {
            try
            {
                using var timeout = new CancellationTokenSource(_context.Options.ConnectTimeout, _context.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing anyway.
            }
        }
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_receiveLoop is { } loop) await loop.ConfigureAwait(false);
        else OnConnectionEnded(reason);
        socket?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync("disposed", CancellationToken.None).ConfigureAwait(false);
        _lifetime.Dispose();
        _sendLock.Dispose();
    }
}
