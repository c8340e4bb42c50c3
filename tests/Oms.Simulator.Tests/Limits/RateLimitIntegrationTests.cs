using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Oms.Simulator.Hosting;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Limits;

/// <summary>Rate limits with lowered settings on dedicated simulators: 429 → 418, order counts, WS API and connection attempts.</summary>
public sealed class RateLimitIntegrationTests
{
    private static Task<SimulatorHost> StartAsync(int weight = 1000, int orders = 1000, int attempts = 300, int after429 = 3) =>
        TestSimulator.StartAsync(o =>
        {
            o.SpotLimits = new VenueLimitOptions { WeightPerMinute = weight, OrdersPer10Seconds = orders, OrdersPerDay = 100000, ConnectionAttemptsPer5Minutes = attempts, RequestsAfter429BeforeBan = after429 };
            o.FuturesLimits = new VenueLimitOptions { WeightPerMinute = weight, OrdersPer10Seconds = orders, OrdersPerMinute = 100000, ConnectionAttemptsPer5Minutes = attempts, RequestsAfter429BeforeBan = after429 };
        });

    [Fact]
    public async Task Rest_weight_limit_answers_429_with_retry_after_then_418_when_ignored()
    {
        await using var host = await StartAsync(weight: 20, after429: 3);
        using var http = TestSimulator.HttpFor(host);
        var client = new SimClient(http);

        RestResponse? first429 = null;
        RestResponse? ban = null;
        for (var i = 0; i < 40 && ban is null; i++)
        {
            var response = await client.PublicAsync(HttpMethod.Get, "/api/v3/depth", ("symbol", "BTCUSDT"));
            if (response.Status == (HttpStatusCode)429)
            {
                first429 ??= response;
            }
            else if (response.Status == (HttpStatusCode)418)
            {
                ban = response;
            }
        }

        Assert.NotNull(first429);
        Assert.Equal(-1003, first429.Code);
        Assert.True(int.Parse(first429.Header("Retry-After")!, CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.NotNull(ban);
        Assert.Equal(-1003, ban.Code);
        Assert.StartsWith("Way too much request weight used; IP banned until ", ban.Msg, StringComparison.Ordinal);
        Assert.True(int.Parse(ban.Header("Retry-After")!, CultureInfo.InvariantCulture) >= 60);

        // The ban covers the WebSocket API and new connections of the same IP too.
        var wsError = await Assert.ThrowsAsync<WebSocketException>(() => WsClient.ConnectAsync(host.Urls.SpotWsApi));
        Assert.Contains("418", wsError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ws_api_429_carries_retry_after_epoch_ms_and_rate_limits()
    {
        await using var host = await StartAsync(weight: 30, after429: 100);
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);

        System.Text.Json.JsonElement limited = default;
        for (var i = 0; i < 40; i++)
        {
            var response = await ws.CallAsync("exchangeInfo");
            if (response.GetProperty("status").GetInt32() == 429)
            {
                limited = response;
                break;
            }
        }

        Assert.Equal(429, limited.GetProperty("status").GetInt32());
        var error = limited.GetProperty("error");
        Assert.Equal(-1003, error.GetProperty("code").GetInt32());
        Assert.True(error.GetProperty("data").GetProperty("retryAfter").GetInt64() > error.GetProperty("data").GetProperty("serverTime").GetInt64());
        Assert.Equal("REQUEST_WEIGHT", limited.GetProperty("rateLimits")[0].GetProperty("rateLimitType").GetString());
    }

    [Fact]
    public async Task Ws_api_418_ban_matches_sample_shape()
    {
        await using var host = await StartAsync(weight: 30, after429: 1);
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        System.Text.Json.JsonElement banned = default;
        for (var i = 0; i < 40; i++)
        {
            var response = await ws.CallAsync("exchangeInfo");
            if (response.GetProperty("status").GetInt32() == 418)
            {
                banned = response;
                break;
            }
        }

        Shape.AssertMatches(Samples.Load("spot-ws-api/response_error_418_ip_banned.json"), banned);
    }

    [Fact]
    public async Task Order_count_limit_is_1015_with_order_count_headers()
    {
        await using var host = await StartAsync(orders: 2);
        using var http = TestSimulator.HttpFor(host);
        var client = new SimClient(http);
        using var key = TestKey.Hmac().Register(host);
        var price = decimal.Round(host.Exchange.GetLastPrice(Oms.Simulator.Engine.MarketKind.Spot, "BTCUSDT").Value * 0.8m, 2).ToString(CultureInfo.InvariantCulture);
        (string, string)[] order = [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", price)];

        var first = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, order);
        var second = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, order);
        var third = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, order);

        Assert.Equal("1", first.Header("X-MBX-ORDER-COUNT-10S"));
        Assert.Equal("2", second.Header("X-MBX-ORDER-COUNT-10S"));
        Assert.Equal("2", second.Header("X-MBX-ORDER-COUNT-1D"));
        Assert.Equal((HttpStatusCode)429, third.Status);
        Assert.Equal((-1015, "Too many new orders; current limit is 2 orders per 10 SECOND."), (third.Code, third.Msg));
        Assert.NotNull(third.Header("Retry-After"));
        var log = host.Runtime.RequestLog.Snapshot(key.AccountId);
        Assert.Equal([null, null, -1015], log.Select(e => e.Code));
        Assert.Equal(429, log[2].Status);
    }

    [Fact]
    public async Task Connection_attempts_over_the_limit_are_refused_at_handshake()
    {
        await using var host = await StartAsync(attempts: 2);
        await using var a = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        await using var b = await WsClient.ConnectAsync(host.Urls.SpotWsApi);

        var error = await Assert.ThrowsAsync<WebSocketException>(() => WsClient.ConnectAsync(host.Urls.SpotWsApi));
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_info_publishes_the_configured_limits()
    {
        await using var host = await StartAsync(weight: 777, orders: 33);
        using var http = TestSimulator.HttpFor(host);
        var info = await new SimClient(http).PublicAsync(HttpMethod.Get, "/api/v3/exchangeInfo");

        var limits = info.Json.GetProperty("rateLimits").EnumerateArray().ToList();
        Assert.Contains(limits, l => l.GetProperty("rateLimitType").GetString() == "REQUEST_WEIGHT" && l.GetProperty("limit").GetInt32() == 777);
        Assert.Contains(limits, l => l.GetProperty("rateLimitType").GetString() == "ORDERS" && l.GetProperty("interval").GetString() == "SECOND" && l.GetProperty("limit").GetInt32() == 33);
        Shape.AssertMatches(Samples.Load("spot-rest/rateLimiter_REQUEST_WEIGHT.json"), limits[0]);
    }
}
