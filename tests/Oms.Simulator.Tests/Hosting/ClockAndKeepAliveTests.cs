using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using Oms.Simulator.Hosting;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Hosting;

/// <summary>Protocol timers driven by a fake clock (listenKey validity) or shortened settings (ping/pong).</summary>
public sealed class ClockAndKeepAliveTests
{
    [Fact]
    public async Task Listen_key_put_extends_validity_by_sixty_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SimulatorHost.StartAsync(TestSimulator.Options(), TestSimulator.HeldMarket(), clock);
        using var http = TestSimulator.HttpFor(host);
        var client = new SimClient(http);
        using var key = TestKey.Hmac().Register(host);

        var created = await client.SendAsync(HttpMethod.Post, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        var listenKey = created.Json.GetProperty("listenKey").GetString()!;

        clock.Advance(TimeSpan.FromMinutes(50));
        var extended = await client.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, extended.Status);

        clock.Advance(TimeSpan.FromMinutes(50));
        host.Runtime.ListenKeys.ExpireDue();
        Assert.True(host.Runtime.ListenKeys.TryResolve(listenKey, out _));

        clock.Advance(TimeSpan.FromMinutes(11));
        host.Runtime.ListenKeys.ExpireDue();
        Assert.False(host.Runtime.ListenKeys.TryResolve(listenKey, out _));
        var afterExpiry = await client.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        Assert.Equal(-1125, afterExpiry.Code);
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_is_disconnected()
    {
        await using var host = await TestSimulator.StartAsync(o =>
        {
            o.SpotPingInterval = TimeSpan.FromMilliseconds(200);
            o.SpotPongTimeout = TimeSpan.FromMilliseconds(600);
        });
        using var silent = new ClientWebSocket();
        silent.Options.KeepAliveInterval = TimeSpan.Zero;
        await silent.ConnectAsync(host.Urls.SpotWsApi, CancellationToken.None);

        // The client never reads, so it never answers the server's pings; the server must drop it.
        using var timeout = new CancellationTokenSource(WsClient.Wait);
        while (host.Runtime.Connections.Snapshot().Count > 0)
        {
            await Task.Delay(50, timeout.Token);
        }

        Assert.Empty(host.Runtime.Connections.Snapshot());
    }

    [Fact]
    public async Task A_client_that_answers_pings_stays_connected()
    {
        await using var host = await TestSimulator.StartAsync(o =>
        {
            o.SpotPingInterval = TimeSpan.FromMilliseconds(100);
            o.SpotPongTimeout = TimeSpan.FromMilliseconds(2000);
        });
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await ws.CallAsync("ping")).GetProperty("status").GetInt32());
            await Task.Delay(100);
        }

        Assert.False(ws.Closed);
    }
}
