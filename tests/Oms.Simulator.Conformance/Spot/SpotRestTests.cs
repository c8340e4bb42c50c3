using Oms.Simulator.Conformance.Harness;
using Oms.Simulator.Engine;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Spot;

/// <summary><c>@binance/spot</c> 32.0.4 REST client against the simulator (signatures computed by the SDK).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SpotRestTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Fact]
    public async Task Public_endpoints_answer_in_the_shapes_the_sdk_reads()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var before = sim.Host.Exchange.ServerTime;
        var result = (await ScenarioRunner.RunAsync("spot/rest-market-data.mjs", sim, account, new { symbol = Symbol }, output)).AssertOk();
        var after = sim.Host.Exchange.ServerTime;

        Assert.InRange(result.Data("time").Long("serverTime"), before, after);

        var info = result.Data("exchangeInfo");
        var symbol = Assert.Single(info.Items("symbols"));
        Assert.Equal(Symbol, symbol.Text("symbol"));
        Assert.Equal("TRADING", symbol.Text("status"));
        var filters = symbol.Items("filters").ToDictionary(f => f.Text("filterType"));
        Assert.Equal(0.01m, filters["PRICE_FILTER"].Dec("tickSize"));
        Assert.Equal(0.00001m, filters["LOT_SIZE"].Dec("stepSize"));
        Assert.Equal(5m, filters["NOTIONAL"].Dec("minNotional"));

        var book = sim.Host.Exchange.GetBookTicker(MarketKind.Spot, Symbol).Value;
        var depth = result.Data("depth");
        Assert.Equal(book.BidPrice, depth.Dec("bids[0][0]"));
        Assert.Equal(book.AskPrice, depth.Dec("asks[0][0]"));
        Assert.True(depth.Long("lastUpdateId") > 0);
        var ticker = result.Data("bookTicker");
        Assert.Equal(Symbol, ticker.Text("symbol"));
        Assert.Equal(book.BidPrice, ticker.Dec("bidPrice"));
        Assert.Equal(book.AskPrice, ticker.Dec("askPrice"));
        // Quantities are re-quoted by the market maker every step; prices stay while the market is held.
        Assert.True(ticker.Dec("bidQty") > 0m && ticker.Dec("askQty") > 0m, $"book ticker: {ticker}");
    }

    [Theory]
    [InlineData("hmac")]
    [InlineData("ed25519")]
    public async Task Limit_order_is_placed_queried_replaced_and_canceled(string key)
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var clientOrderId = SimulatorFixture.ClientId("lim");
        var replaceClientOrderId = SimulatorFixture.ClientId("rep");
        var result = (await ScenarioRunner.RunAsync("spot/rest-order-lifecycle.mjs", sim, account, new
        {
            key,
            symbol = Symbol,
            quantity = "0.001",
            price = "60000",
            replacePrice = "59000",
            clientOrderId,
            replaceClientOrderId,
        }, output)).AssertOk();

        var balances = result.Data("account").Items("balances").ToDictionary(b => b.Text("asset"));
        Assert.Equal(100000m, balances["USDT"].Dec("free"));
        Assert.Equal(1m, balances["BTC"].Dec("free"));
        Assert.True(result.Data("account").Bool("canTrade"));

        var placed = result.Data("placed");
        var orderId = placed.Long("orderId");
        Assert.Equal(clientOrderId, placed.Text("clientOrderId"));
        Assert.Equal("NEW", placed.Text("status"));
        Assert.Equal("LIMIT", placed.Text("type"));
        Assert.Equal(60000m, placed.Dec("price"));
        Assert.Equal(0.001m, placed.Dec("origQty"));
        RateLimits.AssertOrderCounters(result.Step("placed"), ("SECOND", 10), ("DAY", 1));

        var queried = result.Data("queried");
        Assert.Equal(orderId, queried.Long("orderId"));
        Assert.Equal("NEW", queried.Text("status"));
        Assert.Equal(orderId, Assert.Single(result.Data("openOrders").Items()).Long("orderId"));

        var replaced = result.Data("replaced");
        Assert.Equal("SUCCESS", replaced.Text("cancelResult"));
        Assert.Equal("SUCCESS", replaced.Text("newOrderResult"));
        Assert.Equal(orderId, replaced.Long("cancelResponse.orderId"));
        Assert.Equal(clientOrderId, replaced.Text("cancelResponse.origClientOrderId"));
        Assert.Equal("CANCELED", replaced.Text("cancelResponse.status"));
        var newOrderId = replaced.Long("newOrderResponse.orderId");
        Assert.Equal(replaceClientOrderId, replaced.Text("newOrderResponse.clientOrderId"));
        Assert.Equal(59000m, replaced.Dec("newOrderResponse.price"));

        var canceled = result.Data("canceled");
        Assert.Equal(newOrderId, canceled.Long("orderId"));
        Assert.Equal(replaceClientOrderId, canceled.Text("origClientOrderId"));
        Assert.Equal("CANCELED", canceled.Text("status"));

        var again = result.Step("cancelAgain");
        Assert.True(again.Bool("threw"), $"a second cancel must fail: {again}");
        Assert.Equal(-2011, again.Long("error.binanceCode"));
        Assert.Empty(result.Data("openOrdersAfter").Items());
        Assert.Equal(-2013, result.Step("unknownOrder").Long("error.binanceCode"));
        Assert.Equal(-2010, result.Step("insufficient").Long("error.binanceCode"));
        var all = result.Data("allOrders").Items().ToDictionary(o => o.Long("orderId"));
        Assert.Equal("CANCELED", all[orderId].Text("status"));
        Assert.Equal("CANCELED", all[newOrderId].Text("status"));

        var state = await sim.InspectAsync(account);
        Assert.Equal(2, state.SpotOrders.Count);
        Assert.Empty(state.SpotOpenOrders);
        var first = state.SpotOrder(orderId);
        Assert.Equal(clientOrderId, first.Text("clientOrderId"));
        Assert.Equal("CANCELED", first.WireText("status"));
        Assert.Equal(60000m, first.Dec("price"));
        var second = state.SpotOrder(newOrderId);
        Assert.Equal(replaceClientOrderId, second.Text("clientOrderId"));
        Assert.Equal("CANCELED", second.WireText("status"));
        Assert.Equal(59000m, second.Dec("price"));
        Assert.Equal(100000m, state.SpotFree("USDT"));
        Assert.Equal(0m, state.SpotLocked("USDT"));
    }

    [Theory]
    [InlineData("hmac")]
    [InlineData("ed25519")]
    public async Task Market_order_fills_and_trades_and_balances_agree(string key)
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var clientOrderId = SimulatorFixture.ClientId("mkt");
        var result = (await ScenarioRunner.RunAsync("spot/rest-market-order.mjs", sim, account, new
        {
            key,
            symbol = Symbol,
            quantity = "0.002",
            clientOrderId,
        }, output)).AssertOk();

        var placed = result.Data("placed");
        var orderId = placed.Long("orderId");
        Assert.Equal("FILLED", placed.Text("status"));
        Assert.Equal(0.002m, placed.Dec("executedQty"));
        var fills = placed.Items("fills");
        Assert.NotEmpty(fills);
        Assert.Equal(0.002m, fills.Sum(f => f.Dec("qty")));
        Assert.Equal(placed.Dec("cummulativeQuoteQty"), fills.Sum(f => f.Dec("price") * f.Dec("qty")));
        Assert.Equal("FILLED", result.Data("queried").Text("status"));

        var state = await sim.InspectAsync(account);
        var order = state.SpotOrder(orderId);
        Assert.Equal(clientOrderId, order.Text("clientOrderId"));
        Assert.Equal("FILLED", order.WireText("status"));
        Assert.Equal(placed.Dec("cummulativeQuoteQty"), order.Dec("cummulativeQuoteQty"));

        var sdkTrades = result.Data("myTrades").Items().OrderBy(t => t.Long("id")).ToList();
        var simTrades = state.SpotTrades.OrderBy(t => t.Long("id")).ToList();
        Assert.Equal(simTrades.Select(t => t.Long("id")), sdkTrades.Select(t => t.Long("id")));
        Assert.Equal(fills.Select(f => f.Long("tradeId")).Order(), sdkTrades.Select(t => t.Long("id")));
        foreach (var (sdk, simTrade) in sdkTrades.Zip(simTrades))
        {
            Assert.Equal(orderId, sdk.Long("orderId"));
            Assert.Equal(simTrade.Dec("price"), sdk.Dec("price"));
            Assert.Equal(simTrade.Dec("qty"), sdk.Dec("qty"));
            Assert.Equal(simTrade.Dec("commission"), sdk.Dec("commission"));
            Assert.Equal(simTrade.Text("commissionAsset"), sdk.Text("commissionAsset"));
            Assert.True(sdk.Bool("isBuyer"));
            Assert.False(sdk.Bool("isMaker"));
        }

        var balances = result.Data("account").Items("balances").ToDictionary(b => b.Text("asset"));
        Assert.Equal(state.SpotFree("BTC"), balances["BTC"].Dec("free"));
        Assert.Equal(state.SpotFree("USDT"), balances["USDT"].Dec("free"));
        Assert.Equal(100000m - placed.Dec("cummulativeQuoteQty"), state.SpotFree("USDT") + QuoteCommission(fills));
    }

    [Fact]
    public async Task Amend_keep_priority_reduces_the_quantity_and_answers_in_the_amend_shape()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var clientOrderId = SimulatorFixture.ClientId("amd");
        var result = (await ScenarioRunner.RunAsync("spot/rest-amend.mjs", sim, account, new
        {
            symbol = Symbol,
            quantity = "0.002",
            amendedQuantity = "0.001",
            price = "60000",
            clientOrderId,
        }, output)).AssertOk();

        var orderId = result.Data("placed").Long("orderId");
        Assert.Equal(0.001m, result.Data("queried").Dec("origQty"));
        Assert.Equal(clientOrderId, result.Data("queried").Text("clientOrderId"));
        Assert.Equal("CANCELED", result.Data("canceled").Text("status"));
        var state = await sim.InspectAsync(account);
        Assert.Equal(0.001m, state.SpotOrder(orderId).Dec("origQty"));

        // The response shape the SDK types (OrderAmendKeepPriorityResponseAmendedOrder) and Binance document.
        var amend = result.Data("amended");
        Assert.True(amend.Long("executionId") > 0, $"executionId: {amend}");
        var amended = amend.At("amendedOrder");
        Assert.Equal(orderId, amended.Long("orderId"));
        Assert.Equal(clientOrderId, amended.Text("origClientOrderId"));
        Assert.Equal(clientOrderId, amended.Text("clientOrderId"));
        Assert.Equal(0.001m, amended.Dec("qty"));
        Assert.Equal(0m, amended.Dec("executedQty"));
        Assert.Equal(0m, amended.Dec("cumulativeQuoteQty"));
        Assert.Equal("NEW", amended.Text("status"));
    }

    [Fact]
    public async Task Oco_is_placed_listed_and_canceled()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var listClientOrderId = SimulatorFixture.ClientId("oco");
        var result = (await ScenarioRunner.RunAsync("spot/rest-oco.mjs", sim, account, new
        {
            symbol = Symbol,
            quantity = "0.001",
            abovePrice = "70000",
            belowStopPrice = "60000",
            belowPrice = "59900",
            listClientOrderId,
        }, output)).AssertOk();

        var placed = result.Data("placed");
        var orderListId = placed.Long("orderListId");
        Assert.Equal("OCO", placed.Text("contingencyType"));
        Assert.Equal("EXEC_STARTED", placed.Text("listStatusType"));
        Assert.Equal("EXECUTING", placed.Text("listOrderStatus"));
        Assert.Equal(listClientOrderId, placed.Text("listClientOrderId"));
        var reports = placed.Items("orderReports");
        Assert.Equal(2, reports.Count);
        Assert.Equal(["LIMIT_MAKER", "STOP_LOSS_LIMIT"], reports.Select(r => r.Text("type")).Order());
        var orderIds = placed.Items("orders").Select(o => o.Long("orderId")).Order().ToList();
        Assert.Equal(reports.Select(r => r.Long("orderId")).Order(), orderIds);

        Assert.Equal(orderListId, result.Data("queried").Long("orderListId"));
        Assert.Equal(listClientOrderId, result.Data("queried").Text("listClientOrderId"));
        Assert.Contains(result.Data("openLists").Items(), l => l.Long("orderListId") == orderListId);

        var canceled = result.Data("canceled");
        Assert.Equal("ALL_DONE", canceled.Text("listOrderStatus"));
        Assert.All(canceled.Items("orderReports"), r => Assert.Equal("CANCELED", r.Text("status")));
        Assert.Contains(result.Data("allLists").Items(), l => l.Long("orderListId") == orderListId && l.Text("listOrderStatus") == "ALL_DONE");

        var state = await sim.InspectAsync(account);
        Assert.Empty(state.Spot.Items("openOrderLists"));
        Assert.Empty(state.SpotOpenOrders);
        foreach (var id in orderIds)
        {
            var order = state.SpotOrder(id);
            Assert.Equal("CANCELED", order.WireText("status"));
            Assert.Equal(orderListId, order.Long("orderListId"));
        }

        Assert.Equal(1m, state.SpotFree("BTC"));
        Assert.Equal(0m, state.SpotLocked("BTC"));
    }

    private static decimal QuoteCommission(IEnumerable<System.Text.Json.JsonElement> fills) =>
        fills.Where(f => f.Text("commissionAsset") == "USDT").Sum(f => f.Dec("commission"));
}
