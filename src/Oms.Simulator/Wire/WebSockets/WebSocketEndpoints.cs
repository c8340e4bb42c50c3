using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Operations;
using Oms.Simulator.Wire.Rest;
using Oms.Simulator.Wire.Streams;
using Oms.Simulator.Wire.WsApi;

namespace Oms.Simulator.Wire.WebSockets;

/// <summary>
/// WebSocket routes: WS API (<c>/ws-api/v3</c>, <c>/ws-fapi/v1</c>), spot streams (<c>/ws/…</c>, <c>/stream</c>) and
/// USDⓈ-M routed streams (<c>/public</c>, <c>/market</c>, <c>/private</c> with <c>/ws</c> or <c>/stream</c>).
/// Each handshake counts as a connection attempt (per-IP limit); WS API handshakes also cost request weight (spot 2, futures 5).
/// </summary>
public static class WebSocketEndpoints
{
    public static IEndpointRouteBuilder MapBinanceWebSockets(this IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        app.Map("/ws-api/v3", http => AcceptWsApiAsync(http, runtime, MarketKind.Spot));
        app.Map("/ws-fapi/v1", http => AcceptWsApiAsync(http, runtime, MarketKind.UsdM));

        app.Map("/ws", http => AcceptStreamAsync(http, runtime, MarketKind.Spot, StreamRoute.Spot, combined: false, null));
        app.Map("/ws/{**streams}", (HttpContext http, string? streams) => AcceptStreamAsync(http, runtime, MarketKind.Spot, StreamRoute.Spot, combined: false, streams));
        app.Map("/stream", http => AcceptStreamAsync(http, runtime, MarketKind.Spot, StreamRoute.Spot, combined: true, null));

        foreach (var (prefix, route) in new[] { ("/public", StreamRoute.Public), ("/market", StreamRoute.Market), ("/private", StreamRoute.Private) })
        {
            app.Map(prefix + "/ws", http => AcceptStreamAsync(http, runtime, MarketKind.UsdM, route, combined: false, null));
            app.Map(prefix + "/ws/{**streams}", (HttpContext http, string? streams) => AcceptStreamAsync(http, runtime, MarketKind.UsdM, route, combined: false, streams));
            app.Map(prefix + "/stream", http => AcceptStreamAsync(http, runtime, MarketKind.UsdM, route, combined: true, null));
        }

        return app;
    }

    private static async Task AcceptWsApiAsync(HttpContext http, SimulatorRuntime runtime, MarketKind market)
    {
        if (!await AdmitAsync(http, runtime, market, chargeWeight: true).ConfigureAwait(false))
        {
            return;
        }

        var returnRateLimits = !string.Equals(http.Request.Query["returnRateLimits"].ToString(), "false", StringComparison.OrdinalIgnoreCase);
        var connection = new WsApiConnection(runtime, market, ClientIp(http), returnRateLimits, runtime.Loggers.CreateLogger<WsApiConnection>());
        await AcceptAndRunAsync(http, runtime, market, connection).ConfigureAwait(false);
    }

    private static async Task AcceptStreamAsync(HttpContext http, SimulatorRuntime runtime, MarketKind market, StreamRoute route, bool combined, string? pathStreams)
    {
        if (!await AdmitAsync(http, runtime, market, chargeWeight: false).ConfigureAwait(false))
        {
            return;
        }

        var query = http.Request.Query;
        var streams = new List<string>();
        if (pathStreams is not null)
        {
            streams.AddRange(pathStreams.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        if (query.TryGetValue("streams", out var streamParam))
        {
            streams.AddRange(streamParam.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        var listenKeys = new List<(string Key, string[]? Events)>();
        if (route == StreamRoute.Private)
        {
            // /private/ws/<listenKey>, /private/stream?streams=<listenKey>, ?listenKey=k&events=A/B (repeatable).
            listenKeys.AddRange(streams.Select(s => (s, (string[]?)null)));
            streams.Clear();
            var keys = query["listenKey"];
            var events = query["events"];
            for (var i = 0; i < keys.Count; i++)
            {
                var filter = i < events.Count ? events[i]!.Split('/', StringSplitOptions.RemoveEmptyEntries) : null;
                listenKeys.Add((keys[i]!, filter));
            }
        }

        var connection = new StreamConnection(runtime, market, route, combined, ClientIp(http), runtime.Loggers.CreateLogger<StreamConnection>());
        var invalid = connection.AddStreams(streams);
        if (invalid.Count > 0)
        {
            runtime.Loggers.CreateLogger<StreamConnection>().LogInformation("Ignoring invalid stream names {Streams} on {Path}", invalid, http.Request.Path);
        }

        foreach (var (key, events) in listenKeys)
        {
            if (!connection.AddListenKey(key, events))
            {
                // An unknown or expired key: Binance tells the client on the stream instead of refusing the socket.
                connection.OnListenKeyUnknown(key);
            }
        }

        // Subscribed before the handshake completes: no event raised after the client sees the socket open is lost.
        connection.Activate();
        await AcceptAndRunAsync(http, runtime, market, connection).ConfigureAwait(false);
    }

    private static async Task<bool> AdmitAsync(HttpContext http, SimulatorRuntime runtime, MarketKind market, bool chargeWeight)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("WebSocket upgrade expected", http.RequestAborted).ConfigureAwait(false);
            return false;
        }

        var venue = runtime.Venue(market);
        var ip = ClientIp(http);
        var now = venue.NowMs;
        var error = venue.Limiter.TryConnect(ip, now)
            ?? (chargeWeight ? venue.Limiter.TryConsumeWeight(ip, market == MarketKind.Spot ? 2 : 5, now) : null);
        if (error is null)
        {
            return true;
        }

        await RestEndpoints.WriteAsync(http, error, venue.Limiter.WeightUsage(ip, now), null).ConfigureAwait(false);
        return false;
    }

    private static Task<System.Net.WebSockets.WebSocket> AcceptAsync(HttpContext http, SimulatorRuntime runtime, MarketKind market)
    {
        var options = runtime.Options;
        var spot = market == MarketKind.Spot;
        return http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = spot ? options.SpotPingInterval : options.FuturesPingInterval,
            KeepAliveTimeout = spot ? options.SpotPongTimeout : options.FuturesPongTimeout,
        });
    }

    private static async Task AcceptAndRunAsync(HttpContext http, SimulatorRuntime runtime, MarketKind market, WsConnection connection)
    {
        System.Net.WebSockets.WebSocket socket;
        try
        {
            socket = await AcceptAsync(http, runtime, market).ConfigureAwait(false);
        }
        catch
        {
            await connection.ReleaseUnacceptedAsync().ConfigureAwait(false);
            throw;
        }

        using (socket)
        {
            runtime.Connections.Add(connection);
            try
            {
                var stopping = http.RequestServices.GetService(typeof(IHostApplicationLifetime)) is IHostApplicationLifetime lifetime
                    ? lifetime.ApplicationStopping
                    : CancellationToken.None;
                await connection.RunAsync(socket, runtime.Options.MaxConnectionLifetime, stopping).ConfigureAwait(false);
            }
            finally
            {
                runtime.Connections.Remove(connection);
            }
        }
    }

    private static string ClientIp(HttpContext http) =>
        http.Connection.RemoteIpAddress?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"unknown-{http.Connection.Id}");
}
