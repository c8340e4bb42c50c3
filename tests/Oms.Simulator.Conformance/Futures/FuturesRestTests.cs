using Oms.Simulator.Conformance.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Futures;

/// <summary><c>@binance/derivatives-trading-usds-futures</c> 38.1.1 REST client against the simulator.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class FuturesRestTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Theory]
    [InlineData("hmac")]
    [InlineData("ed25519")]
    public async Task Orders_algo_orders_leverage_margin_type_and_position_agree_with_the_simulator(string key)
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var ids = new { limit = SimulatorFixture.ClientId("flim"), market = SimulatorFixture.ClientId("fmkt"), algo = SimulatorFixture.ClientId("falgo") };
        var result = (await ScenarioRunner.RunAsync("futures/rest-orders.mjs", sim, account, new
        {
            key,
            symbol = Symbol,
            quantity = "0.01",
            price = "63000",
            modifiedPrice = "63500",
            triggerPrice = "62000",
            ids,
        }, output)).AssertOk();

        Assert.Equal(10, result.Data("leverage").Long("leverage"));
        Assert.Equal(Symbol, result.Data("leverage").Text("symbol"));
        Assert.Equal(200, result.Data("marginType").Long("code"));

        var placed = result.Data("placed");
        var orderId = placed.Long("orderId");
        Assert.Equal(ids.limit, placed.Text("clientOrderId"));
        Assert.Equal("NEW", placed.Text("status"));
        Assert.Equal("LIMIT", placed.Text("type"));
        Assert.Equal(63000m, placed.Dec("price"));
        RateLimits.AssertOrderCounters(result.Step("placed"), ("SECOND", 10), ("MINUTE", 1));
        Assert.Equal(orderId, result.Data("queried").Long("orderId"));
        Assert.Equal("NEW", result.Data("queried").Text("status"));
        var modified = result.Data("modified");
        Assert.Equal(orderId, modified.Long("orderId"));
        Assert.Equal(63500m, modified.Dec("price"));
        Assert.Equal("NEW", modified.Text("status"));
        var open = Assert.Single(result.Data("openOrders").Items());
        Assert.Equal(orderId, open.Long("orderId"));
        Assert.Equal(63500m, open.Dec("price"));
        Assert.Equal("CANCELED", result.Data("canceled").Text("status"));

        var market = result.Data("market");
        var marketId = market.Long("orderId");
        Assert.Equal("FILLED", market.Text("status"));
        Assert.Equal(0.01m, market.Dec("executedQty"));
        Assert.Equal("FILLED", result.Data("marketQueried").Text("status"));
        Assert.Equal(market.Dec("avgPrice"), result.Data("marketQueried").Dec("avgPrice"));

        var stop = result.Step("stopOnOrderEndpoint");
        Assert.True(stop.Bool("threw"), $"STOP_MARKET on /fapi/v1/order must be refused: {stop}");
        Assert.Equal(-4120, stop.Long("error.binanceCode"));

        var algo = result.Data("algoPlaced");
        var algoId = algo.Long("algoId");
        Assert.Equal(ids.algo, algo.Text("clientAlgoId"));
        Assert.Equal("CONDITIONAL", algo.Text("algoType"));
        Assert.Equal("STOP_MARKET", algo.Text("orderType"));
        Assert.Equal("NEW", algo.Text("algoStatus"));
        Assert.Equal(62000m, algo.Dec("triggerPrice"));
        Assert.Equal(algoId, result.Data("algoQueried").Long("algoId"));
        Assert.Contains(result.Data("algoOpen").Items(), a => a.Long("algoId") == algoId);
        Assert.Empty(result.Data("openOrdersWithAlgo").Items());
        Assert.Equal(algoId, result.Data("algoCanceled").Long("algoId"));
        Assert.Equal("CANCELED", result.Data("algoAfterCancel").Text("algoStatus"));

        var state = await sim.InspectAsync(account);
        var limitOrder = state.FuturesOrder(orderId);
        Assert.Equal("CANCELED", limitOrder.WireText("status"));
        Assert.Equal(63500m, limitOrder.Dec("price"));
        Assert.Equal("FILLED", state.FuturesOrder(marketId).WireText("status"));
        Assert.Empty(state.FuturesOpenOrders);
        Assert.Empty(state.FuturesOpenAlgoOrders);

        var simPosition = Assert.Single(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        var position = Assert.Single(result.Data("positionRisk").Items(), p => p.Dec("positionAmt") != 0m);
        Assert.Equal(0.01m, position.Dec("positionAmt"));
        Assert.Equal(simPosition.Dec("positionAmt"), position.Dec("positionAmt"));
        Assert.Equal(simPosition.Dec("entryPrice"), position.Dec("entryPrice"));
        Assert.Equal(market.Dec("avgPrice"), position.Dec("entryPrice"));
        Assert.Equal("ISOLATED", simPosition.WireText("marginType"));
        Assert.Equal(10, simPosition.Long("leverage"));
        Assert.True(position.Dec("isolatedMargin") > 0m, $"an ISOLATED position carries isolated margin: {position}");

        var wallet = state.FuturesAsset("USDT").Dec("walletBalance");
        var accountAsset = Assert.Single(result.Data("account").Items("assets"), a => a.Text("asset") == "USDT");
        Assert.Equal(wallet, accountAsset.Dec("walletBalance"));
        var balance = Assert.Single(result.Data("balance").Items(), b => b.Text("asset") == "USDT");
        Assert.Equal(wallet, balance.Dec("balance"));

        var trades = result.Data("userTrades").Items();
        Assert.Equal(state.FuturesTrades.Select(t => t.Long("id")).Order(), trades.Select(t => t.Long("id")).Order());
        Assert.All(trades, t => Assert.Equal(marketId, t.Long("orderId")));
        Assert.Equal(100000m - trades.Sum(t => t.Dec("commission")), wallet);
    }
}
