using System.Globalization;
using System.Net;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Spot;

/// <summary>Spot REST order endpoints: behaviour and JSON shapes against the Binance samples.</summary>
public sealed class SpotOrderTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string[] OrderExtras = ["stopPrice", "icebergQty", "trailingDelta", "trailingTime", "strategyId", "strategyType", "preventedMatchId", "preventedQuantity", "expiryReason", "workingTime", "fills", "preventedMatches"];

    private SimClient Client => fixture.Client;

    private decimal Mid(string symbol = "BTCUSDT") => fixture.Host.Exchange.GetLastPrice(MarketKind.Spot, symbol).Value;

    private string FarBelow(string symbol = "BTCUSDT") => decimal.Round(Mid(symbol) * 0.8m, 2).ToString(CultureInfo.InvariantCulture);

    private Task<RestResponse> PlaceLimitAsync(TestKey key, string price, string respType = "RESULT", string? clientId = null) =>
        Client.SignedAsync(HttpMethod.Post, "/api/v3/order", key,
        [
            ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", price),
            ("newOrderRespType", respType), .. clientId is null ? Array.Empty<(string, string)>() : [("newClientOrderId", clientId)],
        ]);

    [Fact]
    public async Task New_limit_order_responses_match_ack_result_and_full_samples()
    {
        var key = fixture.NewHmac();

        var ack = await PlaceLimitAsync(key, FarBelow(), "ACK");
        var result = await PlaceLimitAsync(key, FarBelow(), "RESULT");
        var full = await PlaceLimitAsync(key, FarBelow(), "FULL");

        Assert.Equal(HttpStatusCode.OK, ack.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/order_new_response_ACK.json"), ack.Json);
        Shape.AssertMatches(Samples.Load("spot-rest/order_new_response_RESULT.json"), result.Json, extra: OrderExtras);
        Shape.AssertMatches(Samples.Load("spot-rest/order_new_response_FULL.json"), full.Json, extra: OrderExtras);
        Assert.Equal("NEW", result.Json.GetProperty("status").GetString());
        Assert.Equal("0.01000000", result.Json.GetProperty("origQty").GetString());
        Assert.Equal(0, full.Json.GetProperty("fills").GetArrayLength());
        Assert.NotNull(result.Header("X-MBX-ORDER-COUNT-10S"));
        Assert.NotNull(result.Header("X-MBX-ORDER-COUNT-1D"));
    }

    [Fact]
    public async Task Market_order_fills_and_full_response_lists_fills_like_the_sample()
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order", key,
            [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/order_new_response_FULL.json"), response.Json, extra: OrderExtras);
        Assert.Equal("FILLED", response.Json.GetProperty("status").GetString());
        Assert.True(response.Json.GetProperty("fills").GetArrayLength() > 0);

        var trades = await Client.SignedAsync(HttpMethod.Get, "/api/v3/myTrades", key, [("symbol", "BTCUSDT")]);
        Assert.Equal(HttpStatusCode.OK, trades.Status);
        Assert.True(trades.Json.GetArrayLength() > 0);
        Shape.AssertMatches(Samples.Load("spot-rest/myTrades_response.json"), trades.Json);
    }

    [Fact]
    public async Task Query_open_all_and_cancel_match_samples()
    {
        var key = fixture.NewHmac();
        var placed = await PlaceLimitAsync(key, FarBelow(), clientId: "query-" + Guid.NewGuid().ToString("N")[..8]);
        var orderId = placed.Json.GetProperty("orderId").GetInt64().ToString(CultureInfo.InvariantCulture);
        var clientId = placed.Json.GetProperty("clientOrderId").GetString()!;

        var byId = await Client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId)]);
        var byClientId = await Client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("origClientOrderId", clientId)]);
        var open = await Client.SignedAsync(HttpMethod.Get, "/api/v3/openOrders", key, [("symbol", "BTCUSDT")]);
        var all = await Client.SignedAsync(HttpMethod.Get, "/api/v3/allOrders", key, [("symbol", "BTCUSDT")]);

        Shape.AssertMatches(Samples.Load("spot-rest/order_query_response.json"), byId.Json, extra: OrderExtras);
        Assert.Equal(byId.Json.GetRawText(), byClientId.Json.GetRawText());
        Assert.Single(open.Json.EnumerateArray());
        Shape.AssertMatches(Samples.Load("spot-rest/openOrders_response.json"), open.Json, extra: OrderExtras);
        Shape.AssertMatches(Samples.Load("spot-rest/allOrders_response.json"), all.Json, extra: OrderExtras);

        var cancel = await Client.SignedAsync(HttpMethod.Delete, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId), ("newClientOrderId", "cancel-1")]);
        Assert.Equal(HttpStatusCode.OK, cancel.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/order_cancel_response.json"), cancel.Json, extra: OrderExtras);
        Assert.Equal("CANCELED", cancel.Json.GetProperty("status").GetString());
        Assert.Equal(clientId, cancel.Json.GetProperty("origClientOrderId").GetString());
        Assert.Equal("cancel-1", cancel.Json.GetProperty("clientOrderId").GetString());

        var again = await Client.SignedAsync(HttpMethod.Delete, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId)]);
        Assert.Equal((-2011, "Unknown order sent."), (again.Code, again.Msg));
    }

    [Fact]
    public async Task Unknown_order_query_is_2013_and_cancel_without_id_is_1102()
    {
        var key = fixture.NewHmac();
        var query = await Client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("orderId", "999999999")]);
        var cancel = await Client.SignedAsync(HttpMethod.Delete, "/api/v3/order", key, [("symbol", "BTCUSDT")]);

        Assert.Equal((-2013, "Order does not exist."), (query.Code, query.Msg));
        Assert.Equal((-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!"), (cancel.Code, cancel.Msg));
    }

    [Fact]
    public async Task Insufficient_balance_is_2010()
    {
        using var key = TestKey.Hmac().Register(fixture.Host, spot: new Dictionary<string, string> { ["USDT"] = "10" });
        var response = await PlaceLimitAsync(key, FarBelow());

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal((-2010, "Account has insufficient balance for requested action."), (response.Code, response.Msg));
    }

    [Fact]
    public async Task Cancel_replace_success_and_failure_match_samples()
    {
        var key = fixture.NewHmac();
        var placed = await PlaceLimitAsync(key, FarBelow());
        var orderId = placed.Json.GetProperty("orderId").GetInt64().ToString(CultureInfo.InvariantCulture);

        var ok = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/cancelReplace", key,
        [
            ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.02"), ("price", FarBelow()),
            ("cancelReplaceMode", "STOP_ON_FAILURE"), ("cancelOrderId", orderId),
        ]);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/cancelReplace_response_both_success.json"), ok.Json, extra: OrderExtras);
        Assert.Equal("SUCCESS", ok.Json.GetProperty("cancelResult").GetString());

        var failed = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/cancelReplace", key,
        [
            ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.02"), ("price", FarBelow()),
            ("cancelReplaceMode", "STOP_ON_FAILURE"), ("cancelOrderId", "987654321"),
        ]);
        Assert.Equal(HttpStatusCode.BadRequest, failed.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/cancelReplace_error_cancel_failed_STOP_ON_FAILURE.json"), failed.Json);
        Assert.Equal(-2022, failed.Code);

        var allowFailure = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/cancelReplace", key,
        [
            ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.02"), ("price", FarBelow()),
            ("cancelReplaceMode", "ALLOW_FAILURE"), ("cancelOrderId", "987654321"), ("newOrderRespType", "ACK"),
        ]);
        Assert.Equal(HttpStatusCode.Conflict, allowFailure.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/cancelReplace_error_cancel_failed_ALLOW_FAILURE.json"), allowFailure.Json);
    }

    [Fact]
    public async Task Cancel_all_open_orders_matches_sample()
    {
        var key = fixture.NewHmac();
        await PlaceLimitAsync(key, FarBelow());
        await PlaceLimitAsync(key, FarBelow());

        var response = await Client.SignedAsync(HttpMethod.Delete, "/api/v3/openOrders", key, [("symbol", "BTCUSDT")]);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.Json.GetArrayLength());
        var sample = Samples.Load("spot-rest/openOrders_cancelAll_response.json");
        foreach (var item in response.Json.EnumerateArray())
        {
            Shape.AssertMatches(sample[0], item, extra: OrderExtras);
        }

        var open = await Client.SignedAsync(HttpMethod.Get, "/api/v3/openOrders", key, []);
        Assert.Equal(0, open.Json.GetArrayLength());
    }

    [Fact]
    public async Task Oco_order_list_matches_sample_and_is_cancelled_as_a_list()
    {
        var key = fixture.NewHmac();
        var mid = Mid();
        var above = decimal.Round(mid * 1.1m, 2).ToString(CultureInfo.InvariantCulture);
        var below = decimal.Round(mid * 0.9m, 2).ToString(CultureInfo.InvariantCulture);
        var response = await Client.SignedAsync(HttpMethod.Post, "/api/v3/orderList/oco", key,
        [
            ("symbol", "BTCUSDT"), ("side", "SELL"), ("quantity", "0.01"), ("aboveType", "LIMIT_MAKER"), ("abovePrice", above),
            ("belowType", "STOP_LOSS"), ("belowStopPrice", below), ("newOrderRespType", "RESULT"),
        ]);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/orderList_oco_response_RESULT.json"), response.Json, optional: ["icebergQty"], extra: OrderExtras);
        var listId = response.Json.GetProperty("orderListId").GetInt64().ToString(CultureInfo.InvariantCulture);

        var cancel = await Client.SignedAsync(HttpMethod.Delete, "/api/v3/orderList", key, [("symbol", "BTCUSDT"), ("orderListId", listId)]);
        Assert.Equal(HttpStatusCode.OK, cancel.Status);
        Shape.AssertMatches(Samples.Load("spot-rest/orderList_cancel_response.json"), cancel.Json, extra: OrderExtras);
        Assert.Equal("ALL_DONE", cancel.Json.GetProperty("listOrderStatus").GetString());
    }

    [Fact]
    public async Task Order_test_returns_empty_object_or_commission_rates()
    {
        var key = fixture.NewHmac();
        (string, string)[] order = [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", FarBelow())];

        var plain = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, order);
        var withRates = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, [.. order, ("computeCommissionRates", "true")]);

        Assert.Equal("{}", plain.Json.GetRawText());
        Shape.AssertMatches(Samples.Load("spot-rest/order_test_response_with_commission.json"), withRates.Json);
        var open = await Client.SignedAsync(HttpMethod.Get, "/api/v3/openOrders", key, [("symbol", "BTCUSDT")]);
        Assert.Equal(0, open.Json.GetArrayLength());
    }

    [Fact]
    public async Task Account_and_order_rate_limits_match_samples()
    {
        var key = fixture.NewHmac();
        var account = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, []);
        var limits = await Client.SignedAsync(HttpMethod.Get, "/api/v3/rateLimit/order", key, []);

        Shape.AssertMatches(Samples.Load("spot-rest/account_response.json"), account.Json);
        Assert.Contains(account.Json.GetProperty("balances").EnumerateArray(), b => b.GetProperty("asset").GetString() == "USDT" && b.GetProperty("free").GetString() == "1000000.00000000");
        Shape.AssertMatches(Samples.Load("spot-rest/rateLimit_order_response.json"), limits.Json);
    }

    [Fact]
    public async Task Successful_order_costs_no_request_weight()
    {
        var key = fixture.NewHmac();
        var before = await Client.SignedAsync(HttpMethod.Get, "/api/v3/rateLimit/order", key, []);
        var placed = await PlaceLimitAsync(key, FarBelow());

        var weightBefore = int.Parse(before.Header("X-MBX-USED-WEIGHT-1M")!, CultureInfo.InvariantCulture);
        var weightAfter = int.Parse(placed.Header("X-MBX-USED-WEIGHT-1M")!, CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, placed.Status);
        Assert.True(weightAfter <= weightBefore, $"weight went from {weightBefore} to {weightAfter} for a successful order");
    }

    [Fact]
    public async Task Public_market_data_matches_samples()
    {
        var depth = await Client.PublicAsync(HttpMethod.Get, "/api/v3/depth", ("symbol", "BTCUSDT"), ("limit", "5"));
        var trades = await Client.PublicAsync(HttpMethod.Get, "/api/v3/trades", ("symbol", "BTCUSDT"));
        var book = await Client.PublicAsync(HttpMethod.Get, "/api/v3/ticker/bookTicker", ("symbol", "BTCUSDT"));
        var books = await Client.PublicAsync(HttpMethod.Get, "/api/v3/ticker/bookTicker");
        var time = await Client.PublicAsync(HttpMethod.Get, "/api/v3/time");
        var ping = await Client.PublicAsync(HttpMethod.Get, "/api/v3/ping");
        var info = await Client.PublicAsync(HttpMethod.Get, "/api/v3/exchangeInfo", ("symbol", "BTCUSDT"));

        Shape.AssertMatches(Samples.Load("spot-rest/depth_response.json"), depth.Json);
        Assert.True(depth.Json.GetProperty("bids").GetArrayLength() is > 0 and <= 5);
        if (trades.Json.GetArrayLength() > 0)
        {
            Shape.AssertMatches(Samples.Load("spot-rest/trades_response.json"), trades.Json);
        }

        Shape.AssertMatches(Samples.Load("spot-rest/ticker_bookTicker_single_response.json"), book.Json);
        Shape.AssertMatches(Samples.Load("spot-rest/ticker_bookTicker_multi_response.json"), books.Json);
        Assert.Equal(4, books.Json.GetArrayLength());
        Shape.AssertMatches(Samples.Load("spot-rest/time_response.json"), time.Json);
        Assert.Equal("{}", ping.Json.GetRawText());
        var symbols = info.Json.GetProperty("symbols");
        Assert.Single(symbols.EnumerateArray());
        Shape.AssertMatches(Samples.Load("spot-rest/exchangeInfo_response_skeleton.json"), info.Json, optional: ["sors"],
            extra: ["rateLimitType", "interval", "intervalNum", "limit"]);
        var filters = symbols[0].GetProperty("filters").EnumerateArray().ToDictionary(f => f.GetProperty("filterType").GetString()!);
        Shape.AssertMatches(Samples.Load("spot-filters/PRICE_FILTER.json"), filters["PRICE_FILTER"]);
        Shape.AssertMatches(Samples.Load("spot-filters/LOT_SIZE.json"), filters["LOT_SIZE"]);
        Shape.AssertMatches(Samples.Load("spot-filters/NOTIONAL.json"), filters["NOTIONAL"]);
        Assert.Equal("0.01000000", filters["PRICE_FILTER"].GetProperty("tickSize").GetString());
    }

    [Fact]
    public async Task Request_log_records_order_requests_per_account()
    {
        var key = fixture.NewHmac();
        await PlaceLimitAsync(key, FarBelow());

        var entries = fixture.Host.Runtime.RequestLog.Snapshot(key.AccountId);
        var entry = Assert.Single(entries);
        Assert.Equal("POST /api/v3/order", entry.Route);
        Assert.Equal("BTCUSDT", entry.Parameters["symbol"]);
        Assert.False(entry.Parameters.ContainsKey("signature"));
    }

    [Fact]
    public async Task Amend_keep_priority_answers_in_the_documented_amend_shape()
    {
        var key = fixture.NewHmac();
        var placed = await PlaceLimitAsync(key, FarBelow(), clientId: "amend-" + Guid.NewGuid().ToString("N")[..8]);
        var clientId = placed.Json.GetProperty("clientOrderId").GetString()!;

        var amended = await Client.SignedAsync(HttpMethod.Put, "/api/v3/order/amend/keepPriority", key,
            [("symbol", "BTCUSDT"), ("origClientOrderId", clientId), ("newClientOrderId", clientId + "x"), ("newQty", "0.005")]);

        Assert.True(amended.Status == HttpStatusCode.OK, amended.Json.GetRawText());
        Assert.Equal(["transactTime", "executionId", "amendedOrder"], amended.Json.EnumerateObject().Select(p => p.Name));
        Assert.True(amended.Json.GetProperty("executionId").GetInt64() > 0);
        var order = amended.Json.GetProperty("amendedOrder");
        Assert.Equal(
            ["symbol", "orderId", "orderListId", "origClientOrderId", "clientOrderId", "price", "qty", "executedQty", "preventedQty", "quoteOrderQty",
             "cumulativeQuoteQty", "status", "timeInForce", "type", "side", "workingTime", "selfTradePreventionMode"],
            order.EnumerateObject().Select(p => p.Name));
        Assert.Equal(clientId, order.GetProperty("origClientOrderId").GetString());
        Assert.Equal(clientId + "x", order.GetProperty("clientOrderId").GetString());
        Assert.Equal("0.00500000", order.GetProperty("qty").GetString());
    }
}
