using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>One connection to the fake stream server.</summary>
internal sealed class FakeStreamConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public FakeStreamConnection(int id, System.Net.WebSockets.WebSocket socket, HttpContext context, string path, bool combined, IEnumerable<string> streams)
    {
        Id = id;
        Socket = socket;
        Context = context;
        Path = path;
        Combined = combined;
        foreach (var stream in streams) Streams.Add(stream);
    }

    public int Id { get; }
    public System.Net.WebSockets.WebSocket Socket { get; }
    public HttpContext Context { get; }
    /// <summary>The request path, e.g. <c>/stream</c>, <c>/public/stream</c>, <c>/ws/btcusdt@trade</c>, <c>/private/ws</c>.</summary>
    public string Path { get; }
    public string Query => Context.Request.QueryString.Value ?? string.Empty;
    public bool Combined { get; }
    public HashSet<string> Streams { get; } = new(StringComparer.Ordinal);
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Carries(string stream)
    {
        lock (Streams) return Streams.Contains(stream);
    }

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

    /// <summary>Sends one event as this connection frames it (combined wrapper or bare).</summary>
    public Task SendEventAsync(string stream, string eventJson) =>
        SendAsync(Combined ? $"{{\"stream\":\"{stream}\",\"data\":{eventJson}}}" : eventJson);

    public Task SendServerShutdownAsync() => Combined
        ? SendAsync("{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}")
        : SendAsync("{\"e\":\"serverShutdown\",\"E\":1770123456789}");

    /// <summary>Cuts the TCP connection without a close handshake.</summary>
    public void Drop()
    {
        if (Closed.Task.IsCompleted) return;
        try
        {
            Context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
    }
}

/// <summary>A control request (<c>SUBSCRIBE</c>, <c>UNSUBSCRIBE</c>, <c>LIST_SUBSCRIPTIONS</c>) a connection sent.</summary>
internal sealed record FakeControlRequest(FakeStreamConnection Connection, long Id, string Method, IReadOnlyList<string> Params, string Text);

/// <summary>
/// A loopback Kestrel server speaking Binance's stream endpoints (spot <c>/ws</c> and <c>/stream</c>, USD-M
/// <c>/public</c>, <c>/market</c>, <c>/private</c>) with <c>SUBSCRIBE</c>/<c>UNSUBSCRIBE</c>/<c>LIST_SUBSCRIPTIONS</c>,
/// plus any REST route a test maps (depth snapshots, listenKey, …). Dynamic port; nothing leaves the machine.
/// </summary>
internal sealed class FakeStreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentBag<FakeStreamConnection> _connections = [];
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _rest = new();
    private int _rejectNext;

    private FakeStreamServer(WebApplication app) => _app = app;

    /// <summary><c>ws://127.0.0.1:port</c>.</summary>
    public Uri WsRoot { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri HttpRoot { get; private set; } = null!;

    public ConcurrentQueue<FakeControlRequest> ControlRequests { get; } = new();
    public ConcurrentQueue<(string Method, string PathAndQuery)> RestRequests { get; } = new();
    public IReadOnlyList<FakeStreamConnection> Connections => [.. _connections.OrderBy(c => c.Id)];
    public int ConnectionAttempts => Volatile.Read(ref _attempts);

    private int _attempts;

    /// <summary>Answers control requests; by default acknowledges and tracks subscriptions.</summary>
    public Func<FakeControlRequest, Task>? ControlHandler { get; set; }

    public static async Task<FakeStreamServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeStreamServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.HttpRoot = new Uri(address);
        server.WsRoot = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Maps a REST route (<c>GET /api/v3/depth</c>); the handler writes the response.</summary>
    public void MapRest(string method, string path, Func<HttpContext, Task> handler) => _rest[$"{method} {path}"] = handler;

    /// <summary>Answers the next <paramref name="count"/> upgrade requests with <paramref name="status"/>.</summary>
    public void RejectNextConnections(int count, int status = 503)
    {
        _rejectStatus = status;
        Interlocked.Exchange(ref _rejectNext, count);
    }

    private int _rejectStatus = 503;

    /// <summary>Sends an event to every open connection carrying <paramref name="stream"/>; returns how many got it.</summary>
    public async Task<int> PublishAsync(string stream, string eventJson)
    {
        var sent = 0;
        foreach (var connection in Connections.Where(c => !c.Closed.Task.IsCompleted && c.Carries(stream)))
        {
            await connection.SendEventAsync(stream, eventJson);
            sent++;
        }
        return sent;
    }

    public async Task<FakeStreamConnection> WaitForConnectionAsync(int count)
    {
        for (var i = 0; i < 1000; i++)
        {
            var connections = Connections;
            if (connections.Count >= count) return connections[count - 1];
            await Task.Delay(10);
        }
        throw new TimeoutException($"the fake stream server never saw connection {count}");
    }

    /// <summary>Waits until an open connection carries <paramref name="stream"/>.</summary>
    public async Task<FakeStreamConnection> WaitForStreamAsync(string stream, int minConnectionId = 0)
    {
        for (var i = 0; i < 1000; i++)
        {
            var connection = Connections.FirstOrDefault(c => c.Id >= minConnectionId && !c.Closed.Task.IsCompleted && c.Carries(stream));
            if (connection is not null) return connection;
            await Task.Delay(10);
        }
        throw new TimeoutException($"no connection of the fake stream server carries {stream}");
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            RestRequests.Enqueue((context.Request.Method, path + context.Request.QueryString.Value));
            if (_rest.TryGetValue($"{context.Request.Method} {path}", out var handler))
            {
                await handler(context);
                return;
            }
            context.Response.StatusCode = 404;
            return;
        }

        Interlocked.Increment(ref _attempts);
        if (Interlocked.Decrement(ref _rejectNext) >= 0)
        {
            context.Response.StatusCode = _rejectStatus;
            return;
        }
        var prefix = path.StartsWith("/public/", StringComparison.Ordinal) || path.StartsWith("/market/", StringComparison.Ordinal)
            || path.StartsWith("/private/", StringComparison.Ordinal) ? path[..path.IndexOf('/', 1)] : string.Empty;
        var rest = path[prefix.Length..];
        bool combined;
        var streams = new List<string>();
        if (rest == "/stream")
        {
            combined = true;
            var list = context.Request.Query["streams"].ToString();
            streams.AddRange(list.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        else if (rest == "/ws" || rest.StartsWith("/ws/", StringComparison.Ordinal))
        {
            combined = false;
            if (rest.Length > 4) streams.AddRange(rest[4..].Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        else
        {
            context.Response.StatusCode = 404;
            return;
        }
        // The private endpoint names the listenKey in the query: the key is the stream.
        foreach (var key in context.Request.Query["listenKey"]) streams.Add(key!);

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeStreamConnection(_connections.Count + 1, socket, context, path, combined, streams);
        _connections.Add(connection);
        try
        {
            var buffer = new byte[16 * 1024];
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
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                var text = Encoding.UTF8.GetString(message.ToArray());
                var root = JsonDocument.Parse(text).RootElement;
                var parameters = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array
                    ? p.EnumerateArray().Select(e => e.GetString()!).ToList()
                    : [];
                var request = new FakeControlRequest(connection, root.GetProperty("id").GetInt64(), root.GetProperty("method").GetString()!, parameters, text);
                ControlRequests.Enqueue(request);
                if (ControlHandler is { } custom) await custom(request);
                else await AcknowledgeAsync(request);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // Dropped.
        }
        finally
        {
            connection.Closed.TrySetResult();
        }
    }

    /// <summary>The default answer: tracks the subscription change and acknowledges (LIST_SUBSCRIPTIONS lists the streams).</summary>
    public static Task AcknowledgeAsync(FakeControlRequest request)
    {
        var connection = request.Connection;
        string result;
        lock (connection.Streams)
        {
            switch (request.Method)
            {
                case "SUBSCRIBE":
                    foreach (var stream in request.Params) connection.Streams.Add(stream);
                    result = "null";
                    break;
                case "UNSUBSCRIBE":
                    foreach (var stream in request.Params) connection.Streams.Remove(stream);
                    result = "null";
                    break;
                case "LIST_SUBSCRIPTIONS":
                    result = JsonSerializer.Serialize(connection.Streams.Order(StringComparer.Ordinal).ToArray());
                    break;
                default:
                    return connection.SendAsync($"{{\"code\":2,\"msg\":\"Invalid request: unknown method\",\"id\":{request.Id}}}");
            }
        }
        return connection.SendAsync($"{{\"result\":{result},\"id\":{request.Id}}}");
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections) connection.Drop();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
