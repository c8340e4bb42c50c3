using Oms.Simulator.Conformance.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Futures;

/// <summary><c>@binance/derivatives-trading-usds-futures</c> 38.1.1 WebSocket API (<c>/ws-fapi/v1</c>), every request signed by the SDK.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class FuturesWsApiTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Theory]
    [InlineData("hmac")]
    [InlineData("ed25519")]
    public async Task Order_place_modify_cancel_and_status_agree_with_the_simulator(string key)
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var ids = new { limit = SimulatorFixture.ClientId("wlim"), market = SimulatorFixture.ClientId("wmkt"), algo = SimulatorFixture.ClientId("walgo") };
        var result = (await ScenarioRunner.RunAsync("futures/wsapi-orders.mjs", sim, account, new
        {
            key,
            symbol = Symbol,
            quantity = "0.01",
            price = "63000",
            modifiedPrice = "63500",
            triggerPrice = "62000",
            ids,
        }, output)).AssertOk();

        var placed = result.Data("placed");
        var orderId = placed.Long("orderId");
        Assert.Equal(ids.limit, placed.Text("clientOrderId"));
        Assert.Equal("NEW", placed.Text("status"));
        Assert.Equal(orderId, result.Data("queried").Long("orderId"));
        Assert.Equal(63500m, result.Data("modified").Dec("price"));
        Assert.Equal(orderId, result.Data("modified").Long("orderId"));
        Assert.Equal("CANCELED", result.Data("canceled").Text("status"));
        var market = result.Data("market");
        var marketId = market.Long("orderId");
        Assert.Equal(ids.market, market.Text("clientOrderId"));
        Assert.Equal("FILLED", market.Text("status"));
        Assert.Equal("FILLED", result.Data("marketQueried").Text("status"));

        var state = await sim.InspectAsync(account);
        Assert.Equal("CANCELED", state.FuturesOrder(orderId).WireText("status"));
        Assert.Equal(63500m, state.FuturesOrder(orderId).Dec("price"));
        Assert.Equal("FILLED", state.FuturesOrder(marketId).WireText("status"));
        Assert.Equal(market.Dec("executedQty"), state.FuturesOrder(marketId).Dec("executedQty"));

        var simPosition = Assert.Single(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        var position = Assert.Single(result.Data("position").Items(), p => p.Dec("positionAmt") != 0m);
        Assert.Equal(simPosition.Dec("positionAmt"), position.Dec("positionAmt"));
        Assert.Equal(simPosition.Dec("entryPrice"), position.Dec("entryPrice"));
        var balance = Assert.Single(result.Data("balance").Items(), b => b.Text("asset") == "USDT");
        Assert.Equal(state.FuturesAsset("USDT").Dec("walletBalance"), balance.Dec("balance"));

        var algo = result.Data("algoPlaced");
        Assert.Equal(ids.algo, algo.Text("clientAlgoId"));
        Assert.Equal("NEW", algo.Text("algoStatus"));
        Assert.Equal(algo.Long("algoId"), result.Data("algoCanceled").Long("algoId"));
        Assert.Empty(state.FuturesOpenAlgoOrders);
    }
}
