using Oms.Simulator.Conformance.Harness;
using Oms.Simulator.Engine;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Futures;

/// <summary>
/// <c>@binance/derivatives-trading-usds-futures</c> 38.1.1 streams: user data by listenKey on <c>/private</c>, bookTicker on
/// <c>/public</c>, markPrice on <c>/market</c> (the SDK opens all three with an empty <c>streams=</c> list and SUBSCRIBEs).
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class FuturesStreamTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Fact]
    public async Task ListenKey_user_data_delivers_order_and_account_updates_that_agree_with_the_simulator()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var ids = new { maker = SimulatorFixture.ClientId("umak"), taker = SimulatorFixture.ClientId("utak") };
        var result = (await ScenarioRunner.RunAsync("futures/user-data.mjs", sim, account, new
        {
            symbol = Symbol,
            quantity = "0.01",
            makerPrice = "63900",
            modifiedMakerPrice = "64000",
            moveTo = "63000",
            ids,
        }, output)).AssertOk();

        var listenKey = result.Data("listenKey").Text("listenKey");
        Assert.False(string.IsNullOrEmpty(listenKey));
        var makerId = result.Data("makerPlaced").Long("orderId");
        var takerId = result.Data("takerPlaced").Long("orderId");
        Assert.Equal("FILLED", result.Data("takerPlaced").Text("status"));

        var events = result.Step("events").Items();
        var updates = events.Where(e => e.Text("e") == "ORDER_TRADE_UPDATE").Select(e => e.At("o")).ToList();
        foreach (var id in new[] { makerId, takerId })
        {
            var kinds = updates.Where(o => o.Long("i") == id).Select(o => o.Text("x")).ToList();
            Assert.True(kinds.Count >= 2 && kinds[0] == "NEW" && kinds[^1] == "TRADE", $"order {id}: ORDER_TRADE_UPDATE x = [{string.Join(", ", kinds)}]");
        }

        var amendment = Assert.Single(updates, o => o.Long("i") == makerId && o.Text("x") == "AMENDMENT");
        Assert.Equal(64000m, amendment.Dec("p"));
        Assert.Equal("NEW", amendment.Text("X"));
        Assert.Equal(64000m, result.Data("makerModified").Dec("price"));
        var makerFill = updates.Single(o => o.Long("i") == makerId && o.Text("x") == "TRADE");
        Assert.True(makerFill.Bool("m"));
        Assert.Equal(64000m, makerFill.Dec("L"));
        Assert.Equal(ids.maker, makerFill.Text("c"));
        Assert.All(updates.Where(o => o.Long("i") == takerId && o.Text("x") == "TRADE"), o => Assert.False(o.Bool("m")));

        var state = await sim.InspectAsync(account);
        var fills = updates.Where(o => o.Text("x") == "TRADE").ToList();
        var simTrades = state.FuturesTrades.ToDictionary(t => t.Long("id"));
        Assert.Equal(simTrades.Keys.Order(), fills.Select(o => o.Long("t")).Order());
        foreach (var fill in fills)
        {
            var trade = simTrades[fill.Long("t")];
            Assert.Equal(trade.Dec("price"), fill.Dec("L"));
            Assert.Equal(trade.Dec("qty"), fill.Dec("l"));
            Assert.Equal(trade.Dec("commission"), fill.Dec("n"));
            Assert.Equal(trade.Dec("realizedPnl"), fill.Dec("rp"));
        }

        var accountUpdates = events.Where(e => e.Text("e") == "ACCOUNT_UPDATE").ToList();
        Assert.NotEmpty(accountUpdates);
        Assert.All(accountUpdates, u => Assert.Equal("ORDER", u.Text("a.m")));
        var last = accountUpdates[^1];
        var simPosition = Assert.Single(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        var pushedPosition = Assert.Single(last.Items("a.P"), p => p.Text("s") == Symbol);
        Assert.Equal(0.02m, pushedPosition.Dec("pa"));
        Assert.Equal(simPosition.Dec("positionAmt"), pushedPosition.Dec("pa"));
        Assert.Equal(simPosition.Dec("entryPrice"), pushedPosition.Dec("ep"));
        var pushedWallet = Assert.Single(last.Items("a.B"), b => b.Text("a") == "USDT");
        var wallet = state.FuturesAsset("USDT").Dec("walletBalance");
        Assert.Equal(wallet, pushedWallet.Dec("wb"));

        var restPosition = Assert.Single(result.Data("positionRisk").Items(), p => p.Dec("positionAmt") != 0m);
        Assert.Equal(simPosition.Dec("positionAmt"), restPosition.Dec("positionAmt"));
        Assert.Equal(wallet, Assert.Single(result.Data("balance").Items(), b => b.Text("asset") == "USDT").Dec("balance"));
    }

    [Fact]
    public async Task Algo_stop_triggered_by_the_market_reports_algo_order_and_account_updates()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var ids = new { algo = SimulatorFixture.ClientId("stop") };
        var result = (await ScenarioRunner.RunAsync("futures/algo-trigger.mjs", sim, account, new
        {
            symbol = Symbol,
            quantity = "0.01",
            triggerPrice = "64000",
            moveTo = "63500",
            ids,
        }, output)).AssertOk();

        Assert.Equal("FILLED", result.Data("opened").Text("status"));
        var algoId = result.Data("algoPlaced").Long("algoId");
        var events = result.Step("events").Items();
        var algoUpdates = events.Where(e => e.Text("e") == "ALGO_UPDATE").Select(e => e.At("o")).Where(o => o.Text("caid") == ids.algo).ToList();
        var statuses = algoUpdates.Select(o => o.Text("X")).ToList();
        Assert.True(statuses[0] == "NEW" && statuses[^1] == "FINISHED" && statuses.Contains("TRIGGERED"),
            $"ALGO_UPDATE statuses: [{string.Join(", ", statuses)}]");
        Assert.All(algoUpdates, o => Assert.Equal(algoId, o.Long("aid")));
        var finished = algoUpdates[^1];
        var placedOrderId = finished.Long("ai");
        Assert.Equal(0.01m, finished.Dec("aq"));

        var orderUpdates = events.Where(e => e.Text("e") == "ORDER_TRADE_UPDATE").Select(e => e.At("o")).Where(o => o.Long("i") == placedOrderId).ToList();
        Assert.NotEmpty(orderUpdates);
        Assert.Equal("FILLED", orderUpdates[^1].Text("X"));
        Assert.Equal("SELL", orderUpdates[^1].Text("S"));
        Assert.Equal(finished.Dec("ap"), orderUpdates[^1].Dec("ap"));

        var queried = result.Data("algoQueried");
        Assert.Equal("FINISHED", queried.Text("algoStatus"));
        Assert.Equal(placedOrderId, queried.Long("actualOrderId"));

        var state = await sim.InspectAsync(account);
        var placed = state.FuturesOrder(placedOrderId);
        Assert.Equal("FILLED", placed.WireText("status"));
        Assert.Equal(algoId, placed.Long("algoId"));
        Assert.Empty(state.FuturesOpenAlgoOrders);
        Assert.DoesNotContain(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        Assert.DoesNotContain(result.Data("positionRisk").Items(), p => p.Dec("positionAmt") != 0m);
        var lastAccount = events.Last(e => e.Text("e") == "ACCOUNT_UPDATE");
        Assert.Equal(state.FuturesAsset("USDT").Dec("walletBalance"), Assert.Single(lastAccount.Items("a.B"), b => b.Text("a") == "USDT").Dec("wb"));
    }

    [Fact]
    public async Task BookTicker_on_public_and_markPrice_on_market_stream()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var result = (await ScenarioRunner.RunAsync("futures/streams.mjs", sim, null, new
        {
            symbol = Symbol,
            moveTo = new[] { "64900", "65100" },
        }, output)).AssertOk();

        var book = result.Step("bookTicker");
        Assert.Equal(Symbol, book.Text("s"));
        Assert.True(book.Dec("b") < book.Dec("a"), $"bid must be below ask: {book}");
        Assert.True(book.Long("u") <= sim.Host.Exchange.GetBookTicker(MarketKind.UsdM, Symbol).Value.UpdateId);

        var mark = result.Step("markPrice");
        Assert.Equal(Symbol, mark.Text("s"));
        Assert.InRange(mark.Dec("p"), 60000m, 70000m);
        Assert.True(mark.Long("T") > 0, $"next funding time: {mark}");
    }
}
