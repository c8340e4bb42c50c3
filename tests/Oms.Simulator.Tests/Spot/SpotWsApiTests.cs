using System.Globalization;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Spot;

/// <summary>Spot WebSocket API (<c>/ws-api/v3</c>): envelopes, signing, session logon and user-data subscriptions.</summary>
public sealed class SpotWsApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string[] OrderExtras = ["stopPrice", "icebergQty", "trailingDelta", "strategyId", "strategyType", "preventedMatchId", "preventedQuantity", "expiryReason", "workingTime", "fills"];
    private static readonly string[] ExecutionReportOptional = ["v", "W"];
    private static readonly string[] ExecutionReportExtras = ["d", "D", "j", "J", "A", "B", "U", "Cs", "eR", "v"];

    private Uri WsApi => fixture.Host.Urls.SpotWsApi;

    private string Now => SimClient.Now(fixture.Host);

    private string FarBelow => decimal.Round(fixture.Host.Exchange.GetLastPrice(MarketKind.Spot, "BTCUSDT").Value * 0.8m, 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>params sorted by name and signed, as the official SDKs send them.</summary>
    private static SortedDictionary<string, object> Signed(TestKey key, params (string Name, object Value)[] parameters)
    {
        var sorted = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["apiKey"] = key.ApiKey };
        foreach (var (name, value) in parameters)
        {
            sorted[name] = value;
        }

        var payload = string.Join('&', sorted.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture)));
        sorted["signature"] = key.Sign(payload);
        return sorted;
    }

    [Fact]
    public async Task Time_envelope_with_and_without_rate_limits_matches_samples()
    {
        await using var ws = await WsClient.ConnectAsync(WsApi);
        await ws.SendAsync("""{"id":1,"method":"time"}""");
        var with = await ws.ReceiveAsync(m => m.GetProperty("id").ValueKind == JsonValueKind.Number && m.GetProperty("id").GetInt32() == 1);
        await ws.SendAsync("""{"id":2,"method":"time","params":{"returnRateLimits":false}}""");
        var without = await ws.ReceiveAsync(m => m.GetProperty("id").ValueKind == JsonValueKind.Number && m.GetProperty("id").GetInt32() == 2);

        Shape.AssertMatches(Samples.Load("spot-ws-api/response_time_with_rateLimits.json"), with);
        Shape.AssertMatches(Samples.Load("spot-ws-api/response_time_without_rateLimits.json"), without);
    }

    [Fact]
    public async Task Connection_level_return_rate_limits_false_is_honoured()
    {
        await using var ws = await WsClient.ConnectAsync(new Uri(WsApi + "?returnRateLimits=false"));
        var response = await ws.CallAsync("ping");
        Assert.False(response.TryGetProperty("rateLimits", out _));
        Assert.Equal("{}", response.GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Hmac_signed_order_place_round_trip_with_execution_report()
    {
        var key = fixture.NewHmac();
        await using var ws = await WsClient.ConnectAsync(WsApi);
        var subscribed = await ws.CallAsync("userDataStream.subscribe.signature", Signed(key, ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));
        Shape.AssertMatches(Samples.Load("spot-ws-api/userDataStream_subscribe_signature_response.json"), subscribed, extra: ["rateLimits"]);
        var subscriptionId = subscribed.GetProperty("result").GetProperty("subscriptionId").GetInt32();

        var placed = await ws.CallAsync("order.place", Signed(key,
            ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01000000"),
            ("price", FarBelow), ("newOrderRespType", "RESULT"), ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));

        Assert.Equal(200, placed.GetProperty("status").GetInt32());
        Shape.AssertMatches(Samples.Load("spot-ws-api/order_place_response_RESULT.json"), placed, extra: OrderExtras);
        var rateLimits = placed.GetProperty("rateLimits").EnumerateArray().Select(r => r.GetProperty("rateLimitType").GetString() + "/" + r.GetProperty("interval").GetString()).ToList();
        Assert.Equal(["ORDERS/SECOND", "ORDERS/DAY", "REQUEST_WEIGHT/MINUTE"], rateLimits);

        var report = await ws.ReceiveAsync(m => m.TryGetProperty("event", out var e) && e.GetProperty("e").GetString() == "executionReport");
        Assert.Equal(subscriptionId, report.GetProperty("subscriptionId").GetInt32());
        Shape.AssertMatches(Samples.Load("spot-user-data/executionReport_NEW.json"), report, optional: ExecutionReportOptional, extra: ExecutionReportExtras);
        Assert.Equal("NEW", report.GetProperty("event").GetProperty("x").GetString());
        Assert.Equal(placed.GetProperty("result").GetProperty("orderId").GetInt64(), report.GetProperty("event").GetProperty("i").GetInt64());

        var position = await ws.ReceiveAsync(m => m.TryGetProperty("event", out var e) && e.GetProperty("e").GetString() == "outboundAccountPosition");
        Shape.AssertMatches(Samples.Load("spot-user-data/outboundAccountPosition.json"), position);
    }

    [Fact]
    public async Task Session_logon_with_ed25519_then_unsigned_requests_and_subscribe()
    {
        using var key = TestKey.NewEd25519().Register(fixture.Host);
        await using var ws = await WsClient.ConnectAsync(WsApi);

        var before = await ws.CallAsync("session.status");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("result").GetProperty("apiKey").ValueKind);

        var logon = await ws.CallAsync("session.logon", Signed(key, ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));
        Shape.AssertMatches(Samples.Load("spot-ws-api/session_logon_response.json"), logon, extra: ["rateLimits"]);
        Assert.Equal(key.ApiKey, logon.GetProperty("result").GetProperty("apiKey").GetString());

        // Signed requests on a logged-on session need only a timestamp.
        var account = await ws.CallAsync("account.status", new { timestamp = long.Parse(Now, CultureInfo.InvariantCulture) });
        Assert.Equal(200, account.GetProperty("status").GetInt32());
        // The WS example lists commissionRates after the flags, the REST example before them: Binance is not consistent.
        Shape.AssertMatches(Samples.Load("spot-ws-api/account_status_response.json"), account, checkOrder: false);

        var subscribe = await ws.CallAsync("userDataStream.subscribe");
        Shape.AssertMatches(Samples.Load("spot-ws-api/userDataStream_subscribe_response.json"), subscribe, extra: ["rateLimits"]);
        var status = await ws.CallAsync("session.status");
        Shape.AssertMatches(Samples.Load("spot-ws-api/session_status_response.json"), status, extra: ["rateLimits"]);
        Assert.True(status.GetProperty("result").GetProperty("userDataStream").GetBoolean());
        var subscriptions = await ws.CallAsync("session.subscriptions");
        Shape.AssertMatches(Samples.Load("spot-ws-api/session_subscriptions_response.json"), subscriptions, extra: ["rateLimits"]);

        var again = await ws.CallAsync("userDataStream.subscribe");
        Assert.Equal(-2035, again.GetProperty("error").GetProperty("code").GetInt32());

        var logout = await ws.CallAsync("session.logout");
        Shape.AssertMatches(Samples.Load("spot-ws-api/session_logout_response.json"), logout, extra: ["rateLimits"]);
        var terminated = await ws.ReceiveAsync(m => m.TryGetProperty("event", out var e) && e.GetProperty("e").GetString() == "eventStreamTerminated");
        Shape.AssertMatches(Samples.Load("spot-user-data/eventStreamTerminated.json"), terminated);

        var unsignedAfterLogout = await ws.CallAsync("account.status", new { timestamp = long.Parse(Now, CultureInfo.InvariantCulture) });
        Assert.Equal(-1102, unsignedAfterLogout.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Logon_with_hmac_key_is_refused_and_subscribe_needs_logon()
    {
        var key = fixture.NewHmac();
        await using var ws = await WsClient.ConnectAsync(WsApi);

        var logon = await ws.CallAsync("session.logon", Signed(key, ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));
        var subscribe = await ws.CallAsync("userDataStream.subscribe");

        Assert.Equal(-1022, logon.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(401, subscribe.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Unsubscribe_ends_the_stream_with_event_stream_terminated()
    {
        var key = fixture.NewHmac();
        await using var ws = await WsClient.ConnectAsync(WsApi);
        await ws.CallAsync("userDataStream.subscribe.signature", Signed(key, ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));

        var unsubscribe = await ws.CallAsync("userDataStream.unsubscribe", new { subscriptionId = 0 });
        Shape.AssertMatches(Samples.Load("spot-ws-api/userDataStream_unsubscribe_response.json"), unsubscribe, extra: ["rateLimits"]);
        var terminated = await ws.ReceiveAsync(m => m.TryGetProperty("event", out _));
        Assert.Equal(0, terminated.GetProperty("subscriptionId").GetInt32());

        var inactive = await ws.CallAsync("userDataStream.unsubscribe", new { subscriptionId = 0 });
        Assert.Equal(-2036, inactive.GetProperty("error").GetProperty("code").GetInt32());

        fixture.Host.Exchange.Deposit(key.AccountId, MarketKind.Spot, "USDT", 5m);
        Assert.True(await ws.NothingAsync(m => m.TryGetProperty("event", out _), TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Request_errors_use_the_error_envelope()
    {
        var key = fixture.NewHmac();
        await using var ws = await WsClient.ConnectAsync(WsApi);

        var badSignature = await ws.CallAsync("order.place", Signed(key, ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01"), ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))).With("signature", "00"));
        var missing = await ws.CallAsync("order.place", Signed(key, ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("price", FarBelow), ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));
        var insufficient = await ws.CallAsync("order.place", Signed(key, ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "1000"), ("price", FarBelow), ("timestamp", long.Parse(Now, CultureInfo.InvariantCulture))));
        var unknown = await ws.CallAsync("order.teleport", new { });
        await ws.SendAsync("{not json");
        var garbage = await ws.ReceiveAsync(m => m.GetProperty("id").ValueKind == JsonValueKind.Null);

        Assert.Equal(-1022, badSignature.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-1102, missing.GetProperty("error").GetProperty("code").GetInt32());
        Shape.AssertMatches(Samples.Load("spot-ws-api/response_envelope_error.json"), insufficient);
        Assert.Equal(400, unknown.GetProperty("status").GetInt32());
        Assert.Equal(400, garbage.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Version_prefixed_method_and_market_data_methods_work()
    {
        await using var ws = await WsClient.ConnectAsync(WsApi);
        var time = await ws.CallAsync("v3/time");
        var depth = await ws.CallAsync("depth", new { symbol = "BTCUSDT", limit = 5 });
        var book = await ws.CallAsync("ticker.book", new { symbol = "BTCUSDT" });

        Assert.Equal(200, time.GetProperty("status").GetInt32());
        Shape.AssertMatches(Samples.Load("spot-rest/depth_response.json"), depth.GetProperty("result"));
        Shape.AssertMatches(Samples.Load("spot-rest/ticker_bookTicker_single_response.json"), book.GetProperty("result"));
    }

    [Fact]
    public async Task Cancel_replace_status_and_open_orders_over_ws()
    {
        var key = fixture.NewHmac();
        await using var ws = await WsClient.ConnectAsync(WsApi);
        var ts = () => long.Parse(Now, CultureInfo.InvariantCulture);
        var placed = await ws.CallAsync("order.place", Signed(key, ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", FarBelow), ("timestamp", ts())));
        var orderId = placed.GetProperty("result").GetProperty("orderId").GetInt64();

        var status = await ws.CallAsync("order.status", Signed(key, ("symbol", "BTCUSDT"), ("orderId", orderId), ("timestamp", ts())));
        Shape.AssertMatches(Samples.Load("spot-ws-api/order_status_response.json"), status,
            optional: ["trailingDelta", "trailingTime", "strategyId", "strategyType", "preventedMatchId", "preventedQuantity"], extra: OrderExtras);

        var replaced = await ws.CallAsync("order.cancelReplace", Signed(key, ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.02"),
            ("price", FarBelow), ("cancelReplaceMode", "STOP_ON_FAILURE"), ("cancelOrderId", orderId), ("timestamp", ts())));
        Shape.AssertMatches(Samples.Load("spot-ws-api/order_cancelReplace_response_success.json"), replaced, extra: OrderExtras);

        var open = await ws.CallAsync("openOrders.status", Signed(key, ("symbol", "BTCUSDT"), ("timestamp", ts())));
        // This WS example orders origQuoteOrderQty differently from the REST openOrders example; Binance is not consistent.
        Shape.AssertMatches(Samples.Load("spot-ws-api/openOrders_status_response.json"), open, extra: [.. OrderExtras, "origQuoteOrderQty"], checkOrder: false);

        var cancelAll = await ws.CallAsync("openOrders.cancelAll", Signed(key, ("symbol", "BTCUSDT"), ("timestamp", ts())));
        Assert.Equal(200, cancelAll.GetProperty("status").GetInt32());
        Assert.Equal(1, cancelAll.GetProperty("result").GetArrayLength());
    }
}

internal static class SortedDictionaryExtensions
{
    public static SortedDictionary<string, object> With(this SortedDictionary<string, object> parameters, string name, object value)
    {
        parameters[name] = value;
        return parameters;
    }
}
