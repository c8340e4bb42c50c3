using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Oms.Simulator.Wire.WebSockets;

/// <summary>What a WebSocket connection serves.</summary>
public enum WsConnectionKind
{
    SpotWsApi,
    FuturesWsApi,
    SpotMarketStream,
    FuturesPublicStream,
    FuturesMarketStream,
    FuturesPrivateStream,
}

/// <summary>
/// One accepted WebSocket: a receive loop that hands complete text messages to <see cref="OnTextAsync"/>
/// one at a time, a single send loop fed by an outbox (so responses and pushed events never interleave
/// mid-frame), the maximum connection lifetime, an incoming message-rate cap, and fault hooks (abort,
/// silent close). Ping/pong keep-alive is done by Kestrel (<c>KeepAliveInterval</c>/<c>KeepAliveTimeout</c>).
/// </summary>
public abstract class WsConnection
{
    private const int MaxMessageBytes = 1 << 20;
    private const int MaxQueuedFrames = 50_000;

    private WebSocket? socket;
    private readonly Channel<ReadOnlyMemory<byte>> outbox =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource lifetime = new();
    private readonly TimeProvider clock;
    private int queued;
    private WebSocketCloseStatus closeStatus = WebSocketCloseStatus.NormalClosure;
    private string closeReason = "closed";
    private long rateWindowStart;
    private int rateCount;

    /// <summary>
    /// Creates the connection before its socket is accepted, so subscriptions named in the URL are live (and their
    /// frames queued) by the time the client sees the handshake complete.
    /// </summary>
    protected WsConnection(WsConnectionKind kind, string remoteIp, TimeProvider clock, ILogger logger)
    {
        this.clock = clock;
        Kind = kind;
        RemoteIp = remoteIp;
        Logger = logger;
        ConnectedSince = clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public Guid Id { get; } = Guid.NewGuid();

    public WsConnectionKind Kind { get; }

    public string RemoteIp { get; }

    /// <summary>Epoch ms of the handshake.</summary>
    public long ConnectedSince { get; }

    /// <summary>Incoming messages allowed per second (0 = unlimited); exceeding it closes the connection (Binance streams).</summary>
    public int MaxIncomingMessagesPerSecond { get; init; }

    /// <summary>Cancelled when the connection ends for any reason.</summary>
    public CancellationToken Closing => lifetime.Token;

    protected ILogger Logger { get; }

    protected long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Accounts this connection carries (for account-scoped faults and shutdowns).</summary>
    public abstract IReadOnlyCollection<string> AccountIds { get; }

    /// <summary>Queues a <c>serverShutdown</c> event in this connection's framing.</summary>
    public abstract void SendServerShutdown(long eventTime);

    /// <summary>Queues one text frame. Returns false when the connection is closing or hopelessly behind (it is then aborted).</summary>
    public bool TrySend(ReadOnlyMemory<byte> utf8Json)
    {
        if (lifetime.IsCancellationRequested)
        {
            return false;
        }

        if (Interlocked.Increment(ref queued) > MaxQueuedFrames)
        {
            Logger.LogWarning("WebSocket {Id} ({Kind}) from {Ip} fell {Count} frames behind; closing it", Id, Kind, RemoteIp, MaxQueuedFrames);
            Abort();
            return false;
        }

        return outbox.Writer.TryWrite(utf8Json);
    }

    /// <summary>Drops the connection without a close handshake (fault injection: "connection lost").</summary>
    public void Abort()
    {
        lifetime.Cancel();
        socket?.Abort();
    }

    /// <summary>Closes after flushing what is queued (server shutdown, lifetime end).</summary>
    public void CloseGracefully(WebSocketCloseStatus status, string reason)
    {
        closeStatus = status;
        closeReason = reason;
        outbox.Writer.TryComplete();
    }

    /// <summary>Runs the connection on its accepted socket until it closes. <paramref name="maxLifetime"/> ends it like Binance's 24 h cut.</summary>
    public async Task RunAsync(WebSocket acceptedSocket, TimeSpan maxLifetime, CancellationToken stopping)
    {
        socket = acceptedSocket;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, lifetime.Token);
        using var lifetimeTimer = clock.CreateTimer(_ => OnLifetimeExpired(), null, maxLifetime, Timeout.InfiniteTimeSpan);
        await OnOpenedAsync().ConfigureAwait(false);
        var sender = SendLoopAsync(linked.Token);
        try
        {
            await ReceiveLoopAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            Logger.LogDebug(ex, "WebSocket {Id} ({Kind}) receive ended", Id, Kind);
        }
        finally
        {
            outbox.Writer.TryComplete();
            try
            {
                await sender.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                Logger.LogDebug(ex, "WebSocket {Id} ({Kind}) send ended", Id, Kind);
            }

            await lifetime.CancelAsync().ConfigureAwait(false);
            await OnClosedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Handles one complete text message.</summary>
    protected abstract ValueTask OnTextAsync(ReadOnlyMemory<byte> message);

    protected virtual ValueTask OnOpenedAsync() => ValueTask.CompletedTask;

    protected virtual ValueTask OnClosedAsync() => ValueTask.CompletedTask;

    /// <summary>Called when the max lifetime is reached; default closes the socket.</summary>
    protected virtual void OnLifetimeExpired() => CloseGracefully(WebSocketCloseStatus.NormalClosure, "Connection lifetime expired");

    /// <summary>Releases what the connection holds when its socket could not be accepted.</summary>
    public ValueTask ReleaseUnacceptedAsync()
    {
        lifetime.Cancel();
        return OnClosedAsync();
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var socket = this.socket!;
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (socket.State == WebSocketState.Open && !cancellationToken.IsCancellationRequested)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                var memory = buffer.GetMemory(4096);
                result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseGracefully(WebSocketCloseStatus.NormalClosure, "closed by client");
                    return;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxMessageBytes)
                {
                    CloseGracefully(WebSocketCloseStatus.MessageTooBig, "message too big");
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (result.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            if (!AllowIncoming())
            {
                Logger.LogInformation("WebSocket {Id} ({Kind}) from {Ip} exceeded {Limit} messages/s; closing it", Id, Kind, RemoteIp, MaxIncomingMessagesPerSecond);
                CloseGracefully(WebSocketCloseStatus.PolicyViolation, "Too many requests");
                return;
            }

            await OnTextAsync(buffer.WrittenMemory.ToArray()).ConfigureAwait(false);
        }
    }

    private bool AllowIncoming()
    {
        if (MaxIncomingMessagesPerSecond <= 0)
        {
            return true;
        }

        var now = NowMs;
        if (now - rateWindowStart >= 1000)
        {
            rateWindowStart = now;
            rateCount = 0;
        }

        return ++rateCount <= MaxIncomingMessagesPerSecond;
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var socket = this.socket!;
        var reader = outbox.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                Interlocked.Decrement(ref queued);
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseOutputAsync(closeStatus, closeReason, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                socket.Abort();
            }
        }

        // Give the client a moment to answer the close frame; the receive loop ends on its reply (or on this timeout).
        lifetime.CancelAfter(TimeSpan.FromSeconds(5));
    }
}
