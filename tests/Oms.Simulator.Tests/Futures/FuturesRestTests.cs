using System.Globalization;
using System.Net;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Futures;

/// <summary>USDⓈ-M REST (<c>/fapi</c>): orders, algo orders, account configuration and account views against the samples.</summary>
public sealed class FuturesRestTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string[] OrderExtras = ["activatePrice", "priceRate"];
    private static readonly string[] OrderOptional = ["activatePrice", "priceRate"];

    private SimClient Client => fixture.Client;

    private string FarBelow => decimal.Round(fixture.Host.Exchange.GetLastPrice(MarketKind.UsdM, "BTCUSDT").Value * 0.97m, 1).ToString(CultureInfo.InvariantCulture);

    private Task<RestResponse> PlaceLimitAsync(TestKey key, string? clientId = null, string respType = "RESULT") => Client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key,
    [
        ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.010"), ("price", FarBelow),
        ("newOrderRespType", respType), .. clientId is null ? Array.Empty<(string, string)>() : [("newClientOrderId", clientId)],
    ]);

    [Fact]
    public async Task Limit_order_place_query_modify_cancel_match_samples()
    {
        var key = fixture.NewHmac();
        var placed = await PlaceLimitAsync(key, "fut-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(HttpStatusCode.OK == placed.Status, placed.Json.GetRawText());
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_place_response.json").GetProperty("result"), placed.Json, extra: OrderExtras);
        Assert.Equal("0.010", placed.Json.GetProperty("origQty").GetString());
        Assert.NotNull(placed.Header("X-MBX-ORDER-COUNT-10S"));
        Assert.NotNull(placed.Header("X-MBX-ORDER-COUNT-1M"));
        var orderId = placed.Json.GetProperty("orderId").GetInt64().ToString(CultureInfo.InvariantCulture);

        var query = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId)]);
        Shape.AssertMatches(Samples.Load("usdm-rest/order_query_response.json"), query.Json, optional: OrderOptional);

        var open = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/openOrders", key, [("symbol", "BTCUSDT")]);
        Shape.AssertMatches(Samples.Load("usdm-rest/openOrders_response.json"), open.Json, optional: OrderOptional);
        var all = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/allOrders", key, [("symbol", "BTCUSDT")]);
        Shape.AssertMatches(Samples.Load("usdm-rest/allOrders_response.json"), all.Json, optional: OrderOptional);

        var modified = await Client.SignedAsync(HttpMethod.Put, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId), ("side", "BUY"), ("quantity", "0.020"), ("price", FarBelow)]);
        Assert.True(HttpStatusCode.OK == modified.Status, modified.Json.GetRawText());
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_modify_response.json").GetProperty("result"), modified.Json, extra: OrderExtras);
        Assert.Equal("0.020", modified.Json.GetProperty("origQty").GetString());

        var cancel = await Client.SignedAsync(HttpMethod.Delete, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId)]);
        Shape.AssertMatches(Samples.Load("usdm-rest/order_cancel_response.json"), cancel.Json, optional: OrderOptional);
        Assert.Equal("CANCELED", cancel.Json.GetProperty("status").GetString());
        var again = await Client.SignedAsync(HttpMethod.Delete, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("orderId", orderId)]);
        Assert.Equal(-2011, again.Code);
    }

    [Fact]
    public async Task Conditional_types_on_order_endpoint_are_4120()
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key,
            [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "STOP_MARKET"), ("quantity", "0.010"), ("stopPrice", FarBelow)]);

        Assert.Equal((-4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."), (response.Code, response.Msg));
    }

    [Fact]
    public async Task Market_order_fills_and_position_risk_account_and_balance_match_samples()
    {
        var key = fixture.NewHmac();
        var market = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010"), ("newOrderRespType", "RESULT")]);
        Assert.Equal("FILLED", market.Json.GetProperty("status").GetString());

        var v3 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v3/positionRisk", key, []);
        var v2 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v2/positionRisk", key, [("symbol", "BTCUSDT")]);
        var accountV3 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v3/account", key, []);
        var accountV2 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v2/account", key, []);
        var balanceV2 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v2/balance", key, []);
        var balanceV3 = await Client.SignedAsync(HttpMethod.Get, "/fapi/v3/balance", key, []);
        var trades = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/userTrades", key, [("symbol", "BTCUSDT")]);
        var income = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/income", key, []);

        Shape.AssertMatches(Samples.Load("usdm-rest/positionRisk_v3_oneway_response.json"), v3.Json);
        Assert.Equal("0.010", v3.Json[0].GetProperty("positionAmt").GetString());
        Shape.AssertMatches(Samples.Load("usdm-rest/positionRisk_v2_response.json"), v2.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/account_v3_single_asset_response.json"), accountV3.Json);
        Assert.Equal(HttpStatusCode.OK, accountV2.Status);
        Assert.True(accountV2.Json.GetProperty("positions").GetArrayLength() > 0);
        Shape.AssertMatches(Samples.Load("usdm-rest/balance_v2_response.json"), balanceV2.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/balance_v3_response.json"), balanceV3.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/userTrades_response.json"), trades.Json);
        Assert.Equal(HttpStatusCode.OK, income.Status);
        if (income.Json.GetArrayLength() > 0)
        {
            Shape.AssertMatches(Samples.Load("usdm-rest/income_response.json"), income.Json);
        }
    }

    [Fact]
    public async Task Algo_orders_place_query_list_and_cancel_match_samples()
    {
        var key = fixture.NewHmac();
        var trigger = FarBelow;
        var placed = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/algoOrder", key,
        [
            ("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "STOP_MARKET"), ("quantity", "0.010"),
            ("triggerPrice", trigger), ("workingType", "CONTRACT_PRICE"), ("clientAlgoId", "algo-" + Guid.NewGuid().ToString("N")[..8]),
        ]);
        Assert.Equal(HttpStatusCode.OK, placed.Status);
        Shape.AssertMatches(Samples.Load("usdm-rest/algoOrder_new_response.json"), placed.Json);
        var algoId = placed.Json.GetProperty("algoId").GetInt64().ToString(CultureInfo.InvariantCulture);

        var query = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/algoOrder", key, [("algoId", algoId)]);
        var querySymbol = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/algoOrder", key, [("symbol", "BTCUSDT"), ("algoId", algoId)]);
        Assert.Equal(query.Json.GetProperty("algoId").GetInt64(), querySymbol.Json.GetProperty("algoId").GetInt64());
        Shape.AssertMatches(Samples.Load("usdm-rest/algoOrder_query_response.json"), query.Json);
        var open = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/openAlgoOrders", key, []);
        Assert.Single(open.Json.EnumerateArray());
        var plainOpen = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/openOrders", key, []);
        Assert.Equal(0, plainOpen.Json.GetArrayLength());

        var cancel = await Client.SignedAsync(HttpMethod.Delete, "/fapi/v1/algoOrder", key, [("symbol", "BTCUSDT"), ("algoId", algoId)]);
        Shape.AssertMatches(Samples.Load("usdm-rest/algoOrder_cancel_response.json"), cancel.Json);
        Assert.Equal("200", cancel.Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Leverage_margin_type_and_position_mode_match_samples()
    {
        var key = fixture.NewHmac();
        var leverage = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/leverage", key, [("symbol", "ETHUSDT"), ("leverage", "21")]);
        var margin = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/marginType", key, [("symbol", "ETHUSDT"), ("marginType", "ISOLATED")]);
        var sameMargin = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/marginType", key, [("symbol", "ETHUSDT"), ("marginType", "ISOLATED")]);
        var dual = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/positionSide/dual", key, [("dualSidePosition", "true")]);
        var dualGet = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/positionSide/dual", key, []);
        var symbolConfig = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/symbolConfig", key, [("symbol", "ETHUSDT")]);
        var accountConfig = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/accountConfig", key, []);
        var commission = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/commissionRate", key, [("symbol", "ETHUSDT")]);
        var rateLimit = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/rateLimit/order", key, []);

        Shape.AssertMatches(Samples.Load("usdm-rest/leverage_response.json"), leverage.Json);
        Assert.Equal(21, leverage.Json.GetProperty("leverage").GetInt32());
        Shape.AssertMatches(Samples.Load("usdm-rest/marginType_response.json"), margin.Json);
        Assert.Equal(-4046, sameMargin.Code);
        Shape.AssertMatches(Samples.Load("usdm-rest/positionSide_dual_response.json"), dual.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/positionSide_dual_GET_response.json"), dualGet.Json);
        Assert.True(dualGet.Json.GetProperty("dualSidePosition").GetBoolean());
        Shape.AssertMatches(Samples.Load("usdm-rest/symbolConfig_response.json"), symbolConfig.Json);
        Assert.Equal("ISOLATED", symbolConfig.Json[0].GetProperty("marginType").GetString());
        Shape.AssertMatches(Samples.Load("usdm-rest/accountConfig_response.json"), accountConfig.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/commissionRate_response.json"), commission.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/rateLimit_order_response.json"), rateLimit.Json);

        var hedgeWithoutSide = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key,
            [("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010")]);
        Assert.Equal(-4061, hedgeWithoutSide.Code);
    }

    [Fact]
    public async Task Batch_orders_return_orders_and_errors_in_request_order()
    {
        var key = fixture.NewHmac();
        var batch = JsonSerializer.Serialize(new object[]
        {
            new { symbol = "BTCUSDT", side = "BUY", type = "LIMIT", timeInForce = "GTC", quantity = "0.010", price = FarBelow },
            new { symbol = "BTCUSDT", side = "BUY", type = "LIMIT", timeInForce = "GTC", quantity = "0.010" },
        });
        var response = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/batchOrders", key, [("batchOrders", batch)]);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.Json.GetArrayLength());
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_place_response.json").GetProperty("result"), response.Json[0], extra: OrderExtras);
        Assert.True(response.Json[1].GetProperty("code").GetInt32() < 0);
        Assert.Equal("2", response.Header("X-MBX-ORDER-COUNT-10S"));
    }

    [Fact]
    public async Task Cancel_all_and_countdown_match_samples()
    {
        var key = fixture.NewHmac();
        await PlaceLimitAsync(key);
        var countdown = await Client.SignedAsync(HttpMethod.Post, "/fapi/v1/countdownCancelAll", key, [("symbol", "BTCUSDT"), ("countdownTime", "100000")]);
        var cancelAll = await Client.SignedAsync(HttpMethod.Delete, "/fapi/v1/allOpenOrders", key, [("symbol", "BTCUSDT")]);

        Shape.AssertMatches(Samples.Load("usdm-rest/countdownCancelAll_response.json"), countdown.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/allOpenOrders_cancel_response.json"), cancelAll.Json);
        var open = await Client.SignedAsync(HttpMethod.Get, "/fapi/v1/openOrders", key, [("symbol", "BTCUSDT")]);
        Assert.Equal(0, open.Json.GetArrayLength());
    }

    [Fact]
    public async Task Public_futures_market_data_match_samples()
    {
        var ping = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/ping");
        var time = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/time");
        var depth = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/depth", ("symbol", "BTCUSDT"), ("limit", "5"));
        var badDepth = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/depth", ("symbol", "BTCUSDT"), ("limit", "7"));
        var info = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/exchangeInfo");
        var premium = await Client.PublicAsync(HttpMethod.Get, "/fapi/v1/premiumIndex", ("symbol", "BTCUSDT"));

        Shape.AssertMatches(Samples.Load("usdm-rest/ping_response.json"), ping.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/time_response.json"), time.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/depth_response.json"), depth.Json);
        Assert.Equal(-4021, badDepth.Code);
        // The documentation sample spells "OrderType"; the live API (and the official SDK types) use "orderTypes".
        Shape.AssertMatches(Samples.Load("usdm-rest/exchangeInfo_response.json"), info.Json, optional: ["OrderType"], extra: ["orderTypes"]);
        Assert.Equal(4, info.Json.GetProperty("symbols").GetArrayLength());
        Assert.Equal("PERPETUAL", info.Json.GetProperty("symbols")[0].GetProperty("contractType").GetString());
        Assert.Equal("BTCUSDT", premium.Json.GetProperty("symbol").GetString());
        Assert.Equal(JsonValueKind.String, premium.Json.GetProperty("markPrice").ValueKind);
        Assert.Equal(JsonValueKind.Number, premium.Json.GetProperty("nextFundingTime").ValueKind);
    }
}
