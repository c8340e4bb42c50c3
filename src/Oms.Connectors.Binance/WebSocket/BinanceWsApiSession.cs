using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Internal;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>The life of one WebSocket API connection.</summary>
public enum WsSessionState
{
    Created = 0,
    Connecting = 1,
    /// <summary>Takes requests.</summary>
    Open = 2,
    /// <summary>Being rotated out: finishes what it has in flight, takes nothing new.</summary>
    Draining = 3,
    Closed = 4,
}

/// <summary>Receives what a session reports. Callbacks run on the session's receive loop and must return quickly.</summary>
internal interface IWsSessionObserver
{
    void OnUserDataEvent(BinanceWsApiSession session, long subscriptionId, ReadOnlySpan<byte> eventJson);

    /// <summary>The venue announced maintenance (<c>serverShutdown</c>): replace the session before it is cut.</summary>
    void OnServerShutdown(BinanceWsApiSession session);

    /// <summary>The connection ended (dropped, closed by the venue, or closed by us).</summary>
    void OnClosed(BinanceWsApiSession session, string reason);
}

/// <summary>
/// One WebSocket API connection (= one session): numbered requests correlated with their responses, per-request
/// timeouts (a timeout is an unknown outcome for a trading call), <c>session.logon</c> for Ed25519 keys, user-data
/// events dispatched to the observer, <c>rateLimits</c> and 429/418 fed to the budget. Server pings are answered by
/// <see cref="ClientWebSocket"/>; the client's own keepalive pings detect dead peers.
/// </summary>
internal sealed class BinanceWsApiSession : IAsyncDisposable
{
    private static long s_nextSessionId;
    private static readonly TimeSpan DefaultFreeze = TimeSpan.FromMinutes(1);

    private readonly BinanceApiContext _context;
    private readonly Uri _address;
    private readonly BinanceCredentials? _credentials;
    private readonly BinanceRateScopes _scopes;
    private readonly RateBudgetGate _gate;
    private readonly IWsSessionObserver _observer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, PendingWsCall> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private ClientWebSocket? _socket;
    private Task? _receiveLoop;
    private long _nextRequestId;
    private int _state;
    private int _closedNotified;
    private int _closeRequested;
    private TaskCompletionSource? _idle;

    public BinanceWsApiSession(BinanceApiContext context, Uri address, BinanceCredentials? credentials, BinanceRateScopes scopes, IWsSessionObserver observer)
    {
        _context = context;
        _address = address;
        _credentials = credentials;
        _scopes = scopes;
        _observer = observer;
        _gate = new RateBudgetGate(context.Budget, context.Time, context.Options.MaxRateBudgetWait);
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.WebSocket");
        SessionId = Interlocked.Increment(ref s_nextSessionId);
    }

    public long SessionId { get; }

    public WsSessionState State => (WsSessionState)Volatile.Read(ref _state);

    public DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>True after a successful <c>session.logon</c>: signed requests then carry only a timestamp.</summary>
    public bool IsLoggedOn { get; private set; }

    /// <summary>The active user-data subscription on this connection, if any.</summary>
    public long? UserDataSubscriptionId { get; set; }

    public int PendingCount => _pending.Count;

    /// <summary>
    /// Opens the connection (drawing one connection attempt and 2 weight), starts the receive loop, syncs the clock if
    /// needed and logs on with Ed25519 keys. Returns the error when the session could not be opened.
    /// </summary>
    public async Task<BinanceError?> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, (int)WsSessionState.Connecting, (int)WsSessionState.Created) != (int)WsSessionState.Created)
            throw new InvalidOperationException($"session {SessionId} was already started");
        var operation = $"connect to the Binance {_context.ApiName} WebSocket API at {_address}";
        var charges = default(RateChargeBuffer);
        charges[0] = new RateCharge(_scopes.ConnectionAttempts, 1);
        charges[1] = new RateCharge(_scopes.Weight, _context.Api == BinanceApi.Spot ? SpotEndpointCosts.Connect.Weight : UsdMEndpointCosts.Connect.Weight);
        var refused = await _gate.AcquireAsync(charges, 2, RatePriority.Normal, operation, cancellationToken).ConfigureAwait(false);
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
                await socket.ConnectAsync(_address, linked.Token).ConfigureAwait(false);
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
                    // The handshake was refused for rate: honour Retry-After (seconds) for the IP scopes.
                    var seconds = socket.HttpResponseHeaders is { } headers && headers.TryGetValue("Retry-After", out var values)
                        && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s)
                        ? s : (int)DefaultFreeze.TotalSeconds;
                    retryAt = _context.Time.GetUtcNow().AddSeconds(seconds);
                    Freeze(status.Value, code: null, retryAt.Value);
                    _context.Budget.Freeze(_scopes.ConnectionAttempts, retryAt.Value);
                }
                var reason = status is { } code ? $"the handshake was refused with HTTP {code}: {ex.Message}" : ex.Message;
                return FailConnect(new BinanceError { Kind = kind, Operation = operation, Reason = reason, HttpStatus = status, RetryAt = retryAt, Sent = false });
            }
        }

        ConnectedAt = _context.Time.GetUtcNow();
        Volatile.Write(ref _state, (int)WsSessionState.Open);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);

        if (_context.Clock.NeedsSync)
        {
            var sentAt = _context.Time.GetUtcNow();
            var time = await SendAsync(new WsCall("time", null, WsSecurity.None, SpotEndpointCosts.Time, RatePriority.RiskReducing,
                $"read the server time of Binance {_context.ApiName}", ReadOnly: true), static r => ReadServerTime(r), null, cancellationToken).ConfigureAwait(false);
            if (time.TryGetValue(out var serverTime)) _context.Clock.Observe(sentAt, _context.Time.GetUtcNow(), serverTime);
        }

        if (_credentials is { KeyType: BinanceKeyType.Ed25519 } && _context.Options.UseSessionLogon)
        {
            var logon = await SendAsync(new WsCall("session.logon", new BinanceParameters(4), WsSecurity.SignedExplicit, SpotEndpointCosts.SessionLogon,
                RatePriority.RiskReducing, $"log on to the Binance {_context.ApiName} WebSocket API", ReadOnly: true), static _ => true, null, cancellationToken)
                .ConfigureAwait(false);
            if (!logon.Success)
            {
                await CloseAsync("logon failed", CancellationToken.None).ConfigureAwait(false);
                return logon.Error;
            }
            IsLoggedOn = true;
        }
        return null;
    }

    private BinanceError FailConnect(BinanceError error)
    {
        Volatile.Write(ref _state, (int)WsSessionState.Closed);
        _socket?.Dispose();
        _context.Metrics.RecordError("connect", "ws", error);
        return error;
    }

    private static long ReadServerTime(ReadOnlySpan<byte> result) => SpotReferenceParsers.ParseServerTime(result);

    /// <summary>Stops taking new requests; in-flight ones still complete.</summary>
    public void BeginDrain() => Interlocked.CompareExchange(ref _state, (int)WsSessionState.Draining, (int)WsSessionState.Open);

    /// <summary>Stops taking new requests and completes once nothing is in flight (each request ends by its timeout at the latest).</summary>
    public Task DrainAsync()
    {
        BeginDrain();
        lock (_pending)
        {
            if (_pending.IsEmpty || State == WsSessionState.Closed) return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private bool RemovePending(long id, out PendingWsCall? pending)
    {
        var removed = _pending.TryRemove(id, out pending);
        if (removed && _pending.IsEmpty)
        {
            lock (_pending) _idle?.TrySetResult();
        }
        return removed;
    }

    /// <summary>
    /// Sends a request and waits for its response. Draws budget first; returns <see cref="VenueErrorKind.Network"/>
    /// (not sent) when the session is not open, and <see cref="VenueErrorKind.UnknownOutcome"/> for a trading call
    /// whose response does not arrive (timeout, dropped connection).
    /// </summary>
    public async ValueTask<BinanceResult<T>> SendAsync<T>(WsCall call, WsResultParser<T> parser, Func<int, string, JsonElement, T?>? errorData,
        CancellationToken cancellationToken)
    {
        // One span per request (OMS activity source), a child of the order's trace when the worker set its scope.
        var activity = Diagnostics.VenueCallTelemetry.Start(_context, call.Method, "ws");
        BinanceResult<T>? result = null;
        try
        {
            result = await SendCoreAsync(call, parser, errorData, cancellationToken).ConfigureAwait(false);
            return result.Value;
        }
        finally
        {
            Diagnostics.VenueCallTelemetry.Complete(activity, result is { } r ? r.Error : new BinanceError
            {
                Kind = VenueErrorKind.UnknownOutcome, Operation = call.Operation, Reason = "the call ended without an answer (cancelled or failed)",
            });
        }
    }

    private async ValueTask<BinanceResult<T>> SendCoreAsync<T>(WsCall call, WsResultParser<T> parser, Func<int, string, JsonElement, T?>? errorData,
        CancellationToken cancellationToken)
    {
        if (State != WsSessionState.Open)
            return NotSent<T>(call, VenueErrorKind.Network, $"WebSocket API session {SessionId} is {State}; nothing was sent");
        if (call.Security != WsSecurity.None && _credentials is null)
            return NotSent<T>(call, VenueErrorKind.Unauthorized, "this session has no API key; signed calls are not possible");

        var charges = default(RateChargeBuffer);
        var count = _scopes.BuildCharges(call.Cost, charges);
        var refused = await _gate.AcquireAsync(charges, count, call.Priority, call.Operation, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            _context.Metrics.RecordError(call.Method, "ws", refused);
            return refused;
        }

        var id = Interlocked.Increment(ref _nextRequestId);
        var started = _context.Time.GetTimestamp();
        var pending = new PendingWsCall<T>(call, started, parser, errorData);
        using var frame = new PooledBufferWriter(1024);
        WriteRequest(call, id, frame);
        _pending[id] = pending;

        var sendStarted = false;
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_socket is not { State: WebSocketState.Open } socket)
                {
                    RemovePending(id, out _);
                    return NotSent<T>(call, VenueErrorKind.Network, $"WebSocket API session {SessionId} closed before sending; nothing was sent");
                }
                sendStarted = true;
                await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            RemovePending(id, out _);
            if (!sendStarted) return NotSent<T>(call, VenueErrorKind.Network, $"the connection failed before sending: {ex.Message}");
            var failed = Failed<T>(call, Ambiguous(call), $"the connection failed while sending: {ex.Message}; the outcome is unknown");
            Record(call, started, failed.Error);
            return failed;
        }

        BinanceResult<T> result;
        try
        {
            result = await pending.Task.WaitAsync(_context.Options.WebSocketRequestTimeout, _context.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RemovePending(id, out _);
            result = Failed<T>(call, Ambiguous(call),
                $"no response within {_context.Options.WebSocketRequestTimeout.TotalMilliseconds:0} ms on session {SessionId}; the outcome is unknown");
        }
        catch (OperationCanceledException)
        {
            RemovePending(id, out _);
            throw;
        }
        Record(call, started, result.Error);
        return result;
    }

    private void WriteRequest(WsCall call, long id, PooledBufferWriter output)
    {
        var parameters = call.Parameters;
        IBinanceSigner? signer = null;
        if (call.Security != WsSecurity.None)
        {
            parameters ??= new BinanceParameters(4);
            var explicitSignature = call.Security == WsSecurity.SignedExplicit || !IsLoggedOn;
            if (explicitSignature)
            {
                parameters.Add("apiKey", _credentials!.ApiKey);
                signer = _credentials.Signer;
            }
            if (call.AddRecvWindow && call.Security == WsSecurity.Signed)
                parameters.Add("recvWindow", (long)_context.Options.RecvWindow.TotalMilliseconds);
            parameters.Add("timestamp", _context.Clock.TimestampMilliseconds());
        }
        WsRequestWriter.Write(output, id, call.Method, parameters, signer);
    }

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
                    // The venue's close frame is either its own close or the answer to ours.
                    reason = Volatile.Read(ref _closeRequested) == 1
                        ? "closed by the client"
                        : $"closed by the venue ({socket.CloseStatus} {socket.CloseStatusDescription})";
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
            // A bug in dispatch must not leave requests hanging: fail them and close.
            _logger.LogError(ex, "WebSocket API session {SessionId} receive loop failed", SessionId);
            reason = $"receive loop failed: {ex.Message}";
        }
        OnConnectionEnded(reason);
    }

    private void Dispatch(ReadOnlySpan<byte> message)
    {
        WsApiFrame frame;
        try
        {
            frame = WsApiFrame.Parse(message);
        }
        catch (Exception ex) when (ex is JsonException or BinanceProtocolException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "WebSocket API session {SessionId} received an unreadable message", SessionId);
            return;
        }

        switch (frame.Kind)
        {
            case WsFrameKind.SubscriptionEvent:
                _observer.OnUserDataEvent(this, frame.SubscriptionId!.Value, message[frame.Event]);
                return;
            case WsFrameKind.ConnectionEvent:
                if (SpotUserDataParser.PeekTypeName(message[frame.Event]) == "serverShutdown")
                {
                    _logger.LogInformation("WebSocket API session {SessionId} received serverShutdown", SessionId);
                    _observer.OnServerShutdown(this);
                }
                return;
            case WsFrameKind.Response:
                HandleResponse(message, frame);
                return;
            default:
                _logger.LogWarning("WebSocket API session {SessionId} received a message of unknown shape", SessionId);
                return;
        }
    }

    private void HandleResponse(ReadOnlySpan<byte> message, in WsApiFrame frame)
    {
        PendingWsCall? pending = null;
        if (frame.Id is { } id) RemovePending(id, out pending);

        // 2026-04-02: successful placements and cancels cost no weight. Refund first, so the venue's own count
        // (rateLimits, next) is the floor.
        if (pending is { Call.Cost: { ZeroWeightOnSuccess: true, Weight: > 0 } } && frame.Status is >= 200 and < 300)
            _gate.ReleaseWeight(_scopes.Weight, pending.Call.Cost.Weight);
        if (frame.HasRateLimits)
        {
            WsApiFrame.ObserveRateLimits(message[frame.RateLimits], _scopes, _context.Budget, (scope, used) => _context.Metrics.RecordWeightUsed(scope.Key, used));
        }

        BinanceError? error = null;
        if (frame.Status is < 200 or >= 300)
        {
            var (code, msg, retryAfterMs, _, _) = frame.HasError ? WsApiFrame.ReadError(message[frame.Error]) : default;
            var readOnly = pending?.Call.ReadOnly ?? true;
            var kind = BinanceErrorClassifier.Classify(frame.Status, code, msg, readOnly, _context.Api);
            DateTimeOffset? retryAt = null;
            if (frame.Status is 429 or 418)
            {
                retryAt = retryAfterMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : _context.Time.GetUtcNow() + DefaultFreeze;
                Freeze(frame.Status, code, retryAt.Value);
            }
            if (kind == VenueErrorKind.InvalidTimestamp) _context.Clock.Invalidate();
            if (frame.Status == 401 && frame.Id is null)
            {
                // The venue revoked the session's logon (key deleted or rotated): signed calls must sign explicitly again.
                _logger.LogWarning("WebSocket API session {SessionId} logon was revoked: {Code} {Message}", SessionId, code, msg);
                IsLoggedOn = false;
            }
            error = new BinanceError
            {
                Kind = kind,
                Operation = pending?.Call.Operation ?? "an unmatched request",
                Code = code,
                Reason = msg ?? $"status {frame.Status}",
                HttpStatus = frame.Status,
                RetryAt = retryAt,
            };
        }

        if (pending is null)
        {
            if (frame.Id is not null) _context.Metrics.RecordLateResponse("unknown");
            _logger.LogDebug("WebSocket API session {SessionId} received a response for no waiting request (id {Id}, status {Status})", SessionId, frame.Id, frame.Status);
            return;
        }
        pending.Complete(message, frame, error);
    }

    private void Freeze(int status, int? code, DateTimeOffset until)
    {
        var budget = _context.Budget;
        if (status == 418)
        {
            budget.Freeze(_scopes.Weight, until);
            budget.Freeze(_scopes.RawRequests, until);
            budget.Freeze(_scopes.ConnectionAttempts, until);
        }
        else if (code == -1015 && _scopes.Orders is { } orders)
        {
            budget.Freeze(orders, until);
        }
        else
        {
            budget.Freeze(_scopes.Weight, until);
        }
    }

    private void OnConnectionEnded(string reason)
    {
        Volatile.Write(ref _state, (int)WsSessionState.Closed);
        foreach (var (id, pending) in _pending)
        {
            if (!RemovePending(id, out _)) continue;
            pending.Fail(new BinanceError
            {
                Kind = Ambiguous(pending.Call),
                Operation = pending.Call.Operation,
                Reason = $"WebSocket API session {SessionId} {reason} before the response arrived; the outcome is unknown",
            });
        }
        lock (_pending) _idle?.TrySetResult();
        if (Interlocked.Exchange(ref _closedNotified, 1) == 0)
        {
            _logger.LogInformation("WebSocket API session {SessionId} {Reason}", SessionId, reason);
            _observer.OnClosed(this, reason);
        }
    }

    /// <summary>
    /// Closes the connection politely, failing anything still in flight as unknown. Completes the close handshake (the
    /// venue's answering close frame ends the receive loop; bounded by <see cref="BinanceOptions.ConnectTimeout"/>), so
    /// the venue has let the connection go before a replacement opens: with one connection allowed per account, a
    /// rotation that only sent its close frame could otherwise be seen by the venue as two connections at once.
    /// </summary>
    public async Task CloseAsync(string reason, CancellationToken cancellationToken)
    {
        BeginDrain();
        Volatile.Write(ref _closeRequested, 1);
        var socket = _socket;
        if (socket is { State: WebSocketState.Open })
        {
            try
            {
                using var timeout = new CancellationTokenSource(_context.Options.ConnectTimeout, _context.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, linked.Token).ConfigureAwait(false);
                if (_receiveLoop is { } receiving) await receiving.WaitAsync(linked.Token).ConfigureAwait(false);
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

    private static VenueErrorKind Ambiguous(WsCall call) => call.ReadOnly ? VenueErrorKind.Network : VenueErrorKind.UnknownOutcome;

    private static BinanceResult<T> Failed<T>(WsCall call, VenueErrorKind kind, string reason) =>
        BinanceResult<T>.Fail(new BinanceError { Kind = kind, Operation = call.Operation, Reason = reason });

    private BinanceResult<T> NotSent<T>(WsCall call, VenueErrorKind kind, string reason)
    {
        var error = new BinanceError { Kind = kind, Operation = call.Operation, Reason = reason, Sent = false };
        _context.Metrics.RecordError(call.Method, "ws", error);
        return BinanceResult<T>.Fail(error);
    }

    private void Record(WsCall call, long started, BinanceError? error)
    {
        _context.Metrics.RecordCall(call.Method, "ws", _context.Time.GetElapsedTime(started), error?.Kind ?? VenueErrorKind.None);
        if (error is null) return;
        _context.Metrics.RecordError(call.Method, "ws", error);
        if (error.Kind == VenueErrorKind.UnknownOutcome) _logger.LogWarning("{Message}", error.Message);
    }
}
