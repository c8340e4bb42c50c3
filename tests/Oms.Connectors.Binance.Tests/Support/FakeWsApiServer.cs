using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>One connection to the fake WebSocket API.</summary>
internal sealed class FakeWsConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public FakeWsConnection(int id, System.Net.WebSockets.WebSocket socket, HttpContext context)
    {
        Id = id;
        Socket = socket;
        Context = context;
    }

    public int Id { get; }
    public System.Net.WebSockets.WebSocket Socket { get; }
    public HttpContext Context { get; }
    public bool LoggedOn { get; set; }
    public long? SubscriptionId { get; set; }
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When the server accepted this connection, as a step of the server's event sequence.</summary>
    public long AcceptedStep { get; set; }

    /// <summary>When the server answered (began to answer) the client's close frame (0: never), as a step of the server's event sequence.</summary>
    public long CloseAnsweredStep { get; set; }

    public async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync();
        try
        {
            await Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Cuts the TCP connection without a close handshake (a dropped socket).</summary>
    public void Drop() => Context.Abort();

    public Task SendEventAsync(long subscriptionId, string eventJson) => SendAsync($"{{\"subscriptionId\":{subscriptionId},\"event\":{eventJson}}}");

    public Task SendServerShutdownAsync() => SendAsync("{\"event\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}");
}

/// <summary>A received request: which connection, method, params, raw text.</summary>
internal sealed record FakeWsRequest(FakeWsConnection Connection, JsonElement Id, string Method, JsonElement Params, string Text);

/// <summary>
/// A loopback Kestrel WebSocket endpoint speaking enough of the Binance spot WebSocket API for client tests:
/// verifies HMAC and Ed25519 signatures (sorted params), answers <c>time</c>, <c>session.logon</c>,
/// <c>userDataStream.subscribe[.signature]</c> and <c>order.place</c>; tests override any method.
/// </summary>
internal sealed class FakeWsApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<FakeWsRequest, Task>> _handlers = new();
    private readonly ConcurrentBag<FakeWsConnection> _connections = [];
    private int _attempts;
    private int _current;
    private int _maxConcurrent;
    private int _rejectNext;
    private long _nextSubscription;
    private int _nextConnectionId;
    private long _step;

    private FakeWsApiServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;
    public string? HmacSecret { get; init; }
    public byte[]? Ed25519PublicKey { get; init; }
    public ConcurrentQueue<FakeWsRequest> Requests { get; } = new();
    public int ConnectionAttempts => Volatile.Read(ref _attempts);
    public int CurrentConnections => Volatile.Read(ref _current);
    public int MaxConcurrentConnections => Volatile.Read(ref _maxConcurrent);
    public IReadOnlyList<FakeWsConnection> Connections => [.. _connections.OrderBy(c => c.Id)];

    /// <summary>How long the server waits before answering a client's close frame (a slow venue).</summary>
    public TimeSpan CloseAnswerDelay { get; set; }

    /// <summary>Rate limits every order response reports (the venue's own counts).</summary>
    public string RateLimitsJson { get; set; } =
        """[{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50,"count":12},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000,"count":4043},{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":321}]""";

    public static async Task<FakeWsApiServer> StartAsync(string? hmacSecret = null, byte[]? ed25519PublicKey = null, string path = "/ws-api/v3")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeWsApiServer(app) { HmacSecret = hmacSecret, Ed25519PublicKey = ed25519PublicKey };
        app.UseWebSockets();
        app.Map(path, server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + path);
        return server;
    }

    /// <summary>Answers the next <paramref name="count"/> upgrade requests with HTTP 503.</summary>
    public void RejectNextConnections(int count, int status = 503, int? retryAfterSeconds = null)
    {
        _rejectStatus = status;
        _rejectRetryAfter = retryAfterSeconds;
        Interlocked.Exchange(ref _rejectNext, count);
    }

    private int _rejectStatus = 503;
    private int? _rejectRetryAfter;

    /// <summary>Replaces the behaviour for one method.</summary>
    public void On(string method, Func<FakeWsRequest, Task> handler) => _handlers[method] = handler;

    /// <summary>Completes when a request with <paramref name="method"/> arrives (after this call).</summary>
    public Task<FakeWsRequest> NextRequestAsync(string method)
    {
        var next = new TaskCompletionSource<FakeWsRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue((method, next));
        return next.Task;
    }

    private readonly ConcurrentQueue<(string Method, TaskCompletionSource<FakeWsRequest> Waiter)> _waiters = new();

    public async Task<FakeWsConnection> WaitForConnectionAsync(int count)
    {
        for (var i = 0; i < 1000; i++)
        {
            var connections = Connections;
            if (connections.Count >= count) return connections[count - 1];
            await Task.Delay(10);
        }
        throw new TimeoutException($"the fake server never saw connection {count}");
    }

    private async Task AcceptAsync(HttpContext context)
    {
        Interlocked.Increment(ref _attempts);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        if (Interlocked.Decrement(ref _rejectNext) >= 0)
        {
            context.Response.StatusCode = _rejectStatus;
            if (_rejectRetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeWsConnection(Interlocked.Increment(ref _nextConnectionId), socket, context) { AcceptedStep = Interlocked.Increment(ref _step) };
        _connections.Add(connection);
        var current = Interlocked.Increment(ref _current);
        int max;
        do max = _maxConcurrent; while (current > max && Interlocked.CompareExchange(ref _maxConcurrent, current, max) != max);
        var counted = 1;
        // A connection stops counting once the server has its close frame: the answer below is what the client waits for.
        void Uncount()
        {
            if (Interlocked.Exchange(ref counted, 0) == 1) Interlocked.Decrement(ref _current);
        }
        try
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (received.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Uncount();
                    if (CloseAnswerDelay > TimeSpan.Zero) await Task.Delay(CloseAnswerDelay);
                    // Stepped before the answer goes out: a client that waits for the answer can only connect again after this step.
                    connection.CloseAnsweredStep = Interlocked.Increment(ref _step);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                var text = Encoding.UTF8.GetString(message.ToArray());
                var root = JsonDocument.Parse(text).RootElement;
                var request = new FakeWsRequest(connection, root.GetProperty("id"), root.GetProperty("method").GetString()!,
                    root.TryGetProperty("params", out var p) ? p : default, text);
                Requests.Enqueue(request);
                _ = Task.Run(() => HandleAsync(request));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // Dropped.
        }
        finally
        {
            Uncount();
            connection.Closed.TrySetResult();
        }
    }

    private async Task HandleAsync(FakeWsRequest request)
    {
        var count = _waiters.Count;
        for (var i = 0; i < count && _waiters.TryDequeue(out var waiter); i++)
        {
            if (waiter.Method == request.Method) waiter.Waiter.TrySetResult(request);
            else _waiters.Enqueue(waiter);
        }
        try
        {
            if (_handlers.TryGetValue(request.Method, out var handler)) await handler(request);
            else await DefaultAsync(request);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection went away while answering.
        }
    }

    private async Task DefaultAsync(FakeWsRequest request)
    {
        switch (request.Method)
        {
            case "time":
                await RespondAsync(request, $"{{\"serverTime\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}");
                return;
            case "session.logon":
                if (!VerifySignature(request, out var problem)) { await ErrorAsync(request, 400, -1022, problem); return; }
                request.Connection.LoggedOn = true;
                await RespondAsync(request, $"{{\"apiKey\":\"{request.Params.GetProperty("apiKey").GetString()}\",\"authorizedSince\":1,\"connectedSince\":1,\"returnRateLimits\":true,\"serverTime\":1,\"userDataStream\":false}}");
                return;
            case "userDataStream.subscribe":
                if (!request.Connection.LoggedOn) { await ErrorAsync(request, 400, -2015, "Invalid API-key, IP, or permissions for action."); return; }
                await SubscribeAsync(request);
                return;
            case "userDataStream.subscribe.signature":
                if (!VerifySignature(request, out problem)) { await ErrorAsync(request, 400, -1022, problem); return; }
                await SubscribeAsync(request);
                return;
            case "order.place":
                if (!Authorized(request, out problem)) { await ErrorAsync(request, 400, -1022, problem); return; }
                await RespondAsync(request, OrderResult(request), RateLimitsJson);
                return;
            default:
                if (!Authorized(request, out problem)) { await ErrorAsync(request, 400, -1022, problem); return; }
                await RespondAsync(request, "{}");
                return;
        }
    }

    private async Task SubscribeAsync(FakeWsRequest request)
    {
        var id = Interlocked.Increment(ref _nextSubscription) - 1;
        request.Connection.SubscriptionId = id;
        await RespondAsync(request, $"{{\"subscriptionId\":{id}}}");
    }

    /// <summary>A RESULT response for an order.place request, echoing its terms.</summary>
    public static string OrderResult(FakeWsRequest request, string status = "NEW")
    {
        var p = request.Params;
        string S(string name, string fallback) => p.TryGetProperty(name, out var v) ? v.GetString() ?? fallback : fallback;
        var node = new JsonObject
        {
            ["symbol"] = S("symbol", "BTCUSDT"),
            ["orderId"] = 1000 + request.Connection.Id,
            ["orderListId"] = -1,
            ["clientOrderId"] = S("newClientOrderId", "generated"),
            ["transactTime"] = 1660801715639,
            ["price"] = S("price", "0"),
            ["origQty"] = S("quantity", "0"),
            ["executedQty"] = "0",
            ["origQuoteOrderQty"] = "0",
            ["cummulativeQuoteQty"] = "0",
            ["status"] = status,
            ["timeInForce"] = S("timeInForce", "GTC"),
            ["type"] = S("type", "LIMIT"),
            ["side"] = S("side", "BUY"),
            ["workingTime"] = 1660801715639,
            ["selfTradePreventionMode"] = "NONE",
        };
        return node.ToJsonString();
    }

    public static Task RespondAsync(FakeWsRequest request, string resultJson, string? rateLimitsJson = null) =>
        request.Connection.SendAsync($"{{\"id\":{request.Id.GetRawText()},\"status\":200,\"result\":{resultJson}{(rateLimitsJson is null ? "" : $",\"rateLimits\":{rateLimitsJson}")}}}");

    public static Task ErrorAsync(FakeWsRequest request, int status, int code, string message, string? dataJson = null) =>
        request.Connection.SendAsync($"{{\"id\":{request.Id.GetRawText()},\"status\":{status},\"error\":{{\"code\":{code},\"msg\":{JsonSerializer.Serialize(message)}{(dataJson is null ? "" : $",\"data\":{dataJson}")}}}}}");

    private bool Authorized(FakeWsRequest request, out string problem)
    {
        problem = string.Empty;
        if (request.Params.ValueKind != JsonValueKind.Object) return true;
        if (!request.Params.TryGetProperty("signature", out _))
        {
            if (request.Params.TryGetProperty("timestamp", out _) && !request.Connection.LoggedOn)
            {
                problem = "a signed request without signature on a session that is not logged on";
                return false;
            }
            return true;
        }
        return VerifySignature(request, out problem);
    }

    /// <summary>Verifies the signature over the params sorted by name, raw UTF-8, <c>signature</c> excluded (REFERENCE §2.3).</summary>
    public bool VerifySignature(FakeWsRequest request, out string problem)
    {
        problem = string.Empty;
        if (!request.Params.TryGetProperty("signature", out var signatureElement))
        {
            problem = "signature missing";
            return false;
        }
        var payload = string.Join('&', request.Params.EnumerateObject()
            .Where(p => p.Name != "signature")
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));
        var bytes = Encoding.UTF8.GetBytes(payload);
        var signature = signatureElement.GetString()!;
        if (HmacSecret is not null && signature.Length == 64)
        {
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(HmacSecret), bytes));
            if (string.Equals(expected, signature, StringComparison.OrdinalIgnoreCase)) return true;
        }
        if (Ed25519PublicKey is not null)
        {
            var key = PublicKey.Import(SignatureAlgorithm.Ed25519, Ed25519PublicKey, KeyBlobFormat.RawPublicKey);
            try
            {
                if (SignatureAlgorithm.Ed25519.Verify(key, bytes, Convert.FromBase64String(signature))) return true;
            }
            catch (FormatException)
            {
                // Not base64: not an Ed25519 signature.
            }
        }
        problem = "Signature for this request is not valid.";
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
