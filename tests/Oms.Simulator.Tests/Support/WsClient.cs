using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Oms.Simulator.Tests.Support;

/// <summary>A ClientWebSocket that collects every text frame as parsed JSON.</summary>
public sealed class WsClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket socket = new();
    private readonly Channel<JsonElement> messages = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource stop = new();
    private readonly List<JsonElement> unmatched = [];
    private Task? receiver;

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public bool Closed { get; private set; }

    public static async Task<WsClient> ConnectAsync(Uri uri)
    {
        var client = new WsClient();
        using var timeout = new CancellationTokenSource(Wait);
        await client.socket.ConnectAsync(uri, timeout.Token);
        client.receiver = client.ReceiveLoopAsync();
        return client;
    }

    public Task SendAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAsync(object message) => SendAsync(JsonSerializer.Serialize(message));

    /// <summary>
    /// Next message matching <paramref name="match"/>, oldest first; messages that do not match are kept for later
    /// calls. Fails after a generous timeout.
    /// </summary>
    public async Task<JsonElement> ReceiveAsync(Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        for (var i = 0; i < unmatched.Count; i++)
        {
            if (match is null || match(unmatched[i]))
            {
                var found = unmatched[i];
                unmatched.RemoveAt(i);
                return found;
            }
        }

        using var cts = new CancellationTokenSource(timeout ?? Wait);
        while (true)
        {
            JsonElement message;
            try
            {
                message = await messages.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching WebSocket message arrived in time");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException("WebSocket closed before a matching message arrived");
            }

            if (match is null || match(message))
            {
                return message;
            }

            unmatched.Add(message);
        }
    }

    /// <summary>Response to the request with this id.</summary>
    public Task<JsonElement> ResponseAsync(string id) =>
        ReceiveAsync(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() == id);

    /// <summary>Sends a WS API request and waits for its response.</summary>
    public async Task<JsonElement> CallAsync(string method, object? parameters = null)
    {
        var id = Guid.NewGuid().ToString();
        var request = parameters is null
            ? JsonSerializer.Serialize(new { id, method })
            : JsonSerializer.Serialize(new { id, method, @params = parameters });
        await SendAsync(request);
        return await ResponseAsync(id);
    }

    /// <summary>True when nothing matching arrives within <paramref name="window"/> (used only to check absence).</summary>
    public async Task<bool> NothingAsync(Func<JsonElement, bool> match, TimeSpan window)
    {
        try
        {
            await ReceiveAsync(match, window);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Waits until the server closes or drops the connection.</summary>
    public async Task WaitClosedAsync()
    {
        using var cts = new CancellationTokenSource(Wait);
        await receiver!.WaitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        socket.Abort();
        if (receiver is not null)
        {
            try
            {
                await receiver;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        socket.Dispose();
        stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        CloseStatus = result.CloseStatus;
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                using var document = JsonDocument.Parse(message.ToArray());
                messages.Writer.TryWrite(document.RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            Closed = true;
            messages.Writer.TryComplete();
        }
    }
}
