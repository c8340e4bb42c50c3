using Oms.Simulator.Conformance.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Ccxt;

/// <summary>ccxt 4.5.84 (<c>binance</c> REST and <c>pro.binance</c> WebSocket) against the simulator, spot and linear futures.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class CcxtTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Fact]
    public async Task LoadMarkets_with_keys_gets_spot_linear_and_the_sapi_margin_pair_lists()
    {
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/load-markets.mjs", sim, account, null, output)).AssertOk();

        var symbols = result.Step("symbols").Items().Select(s => s.GetString()).ToList();
        Assert.Contains("BTC/USDT", symbols);
        Assert.Contains("BTC/USDT:USDT", symbols);
        Assert.Equal("BTCUSDT", result.Step("spot").Text("id"));
        Assert.Equal(0.01m, result.Step("spot").Dec("precision.price"));
        Assert.Equal(0.00001m, result.Step("spot").Dec("precision.amount"));
        Assert.Equal("swap", result.Step("linear").Text("type"));
        Assert.Equal("USDT", result.Step("linear").Text("settle"));
        Assert.Equal(0.1m, result.Step("linear").Dec("precision.price"));
        Assert.Empty(result.Step("crossMarginPairs").Items());
        Assert.Empty(result.Step("isolatedMarginPairs").Items());
    }

    [Fact]
    public async Task Spot_orders_trades_and_balances_agree_with_the_simulator()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/spot.mjs", sim, account, new
        {
            symbol = "BTC/USDT",
            amount = "0.001",
            price = "60000",
        }, output)).AssertOk();

        var limit = result.Step("limit");
        var limitId = limit.Long("id");
        Assert.Equal("open", limit.Text("status"));
        Assert.Equal(60000m, limit.Dec("price"));
        Assert.Equal("open", result.Step("fetched").Text("status"));
        Assert.Equal(limitId, Assert.Single(result.Step("open").Items()).Long("id"));
        Assert.Equal("canceled", result.Step("canceled").Text("status"));
        var market = result.Step("market");
        var marketId = market.Long("id");
        Assert.Equal("closed", market.Text("status"));
        Assert.Equal(0.001m, market.Dec("filled"));

        var state = await sim.InspectAsync(account);
        var simLimit = state.SpotOrder(limitId);
        Assert.Equal("CANCELED", simLimit.WireText("status"));
        Assert.Equal(limit.Text("clientOrderId"), simLimit.Text("clientOrderId"));
        Assert.Equal("FILLED", state.SpotOrder(marketId).WireText("status"));
        Assert.Equal(market.Dec("cost"), state.SpotOrder(marketId).Dec("cummulativeQuoteQty"));

        var trades = result.Step("trades").Items();
        Assert.Equal(state.SpotTrades.Select(t => t.Long("id")).Order(), trades.Select(t => t.Long("id")).Order());
        Assert.All(trades, t => Assert.Equal(marketId, t.Long("order")));

        Assert.Equal(state.SpotFree("BTC"), result.Step("balanceAfter").Dec("BTC.free"));
        Assert.Equal(state.SpotFree("USDT"), result.Step("balanceAfter").Dec("USDT.free"));
    }

    [Fact]
    public async Task Futures_orders_edit_and_position_agree_with_the_simulator()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/futures.mjs", sim, account, new
        {
            symbol = "BTC/USDT:USDT",
            amount = "0.01",
            price = "63000",
            editedPrice = "63500",
        }, output)).AssertOk();

        var limit = result.Step("limit");
        var limitId = limit.Long("id");
        Assert.Equal("open", limit.Text("status"));
        Assert.Equal("open", result.Step("fetched").Text("status"));
        var edited = result.Step("edited");
        Assert.Equal(limitId, edited.Long("id"));
        Assert.Equal(63500m, edited.Dec("price"));
        Assert.Equal(63500m, Assert.Single(result.Step("open").Items()).Dec("price"));
        Assert.Equal("canceled", result.Step("canceled").Text("status"));
        var market = result.Step("market");
        var marketId = market.Long("id");
        Assert.Equal("closed", market.Text("status"));
        Assert.Equal(0.01m, market.Dec("filled"));

        var state = await sim.InspectAsync(account);
        var simLimit = state.FuturesOrder(limitId);
        Assert.Equal("CANCELED", simLimit.WireText("status"));
        Assert.Equal(63500m, simLimit.Dec("price"));
        Assert.Equal("FILLED", state.FuturesOrder(marketId).WireText("status"));
        Assert.Empty(state.FuturesOpenOrders);

        var simPosition = Assert.Single(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        var position = Assert.Single(result.Step("positions").Items(), p => p.Dec("contracts") != 0m);
        Assert.Equal("long", position.Text("side"));
        Assert.Equal(simPosition.Dec("positionAmt"), position.Dec("contracts"));
        Assert.Equal(simPosition.Dec("entryPrice"), position.Dec("entryPrice"));

        var trades = result.Step("trades").Items();
        Assert.Equal(state.FuturesTrades.Select(t => t.Long("id")).Order(), trades.Select(t => t.Long("id")).Order());
        var wallet = state.FuturesAsset("USDT").Dec("walletBalance");
        Assert.Equal(wallet, Assert.Single(result.Step("balanceAfter").Items("info.assets"), a => a.Text("asset") == "USDT").Dec("walletBalance"));
        Assert.Equal(100000m - trades.Sum(t => t.Dec("fee.cost")), wallet);
    }

    [Fact]
    public async Task Futures_stopLossPrice_goes_to_the_algo_service_and_is_listed_and_canceled_as_a_trigger_order()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/futures-stop-loss.mjs", sim, account, new
        {
            symbol = "BTC/USDT:USDT",
            amount = "0.01",
            stopLossPrice = "62000",
        }, output)).AssertOk();

        var stop = result.Step("stop");
        var algoId = stop.Long("id");
        Assert.Contains("/fapi/v1/algoOrder", result.Step("stopRequest").Text("url"), StringComparison.Ordinal);
        Assert.Equal(62000m, stop.Dec("triggerPrice"));
        Assert.True(stop.Bool("reduceOnly"));
        Assert.Contains(result.Step("openTriggers").Items(), o => o.Long("id") == algoId);
        Assert.Equal(algoId, result.Step("fetchedTrigger").Long("id"));
        Assert.Equal(algoId, result.Step("stopCanceled").Long("id"));

        var state = await sim.InspectAsync(account);
        Assert.Empty(state.FuturesOpenAlgoOrders);
        var position = Assert.Single(state.PositionsOf(Symbol), p => p.Dec("positionAmt") != 0m);
        Assert.Equal(0.01m, position.Dec("positionAmt"));
    }

    [Fact]
    public async Task Pro_watchOrders_on_the_futures_listenKey_stream_sees_the_fill()
    {
        await sim.SetPriceAsync("usdm", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/pro-watch-orders.mjs", sim, account, new
        {
            symbol = "BTC/USDT:USDT",
            amount = "0.01",
        }, output)).AssertOk();

        var placedId = result.Step("placed").Long("id");
        var updates = result.Step("updates").Items().Where(u => u.Long("id") == placedId).ToList();
        Assert.NotEmpty(updates);
        var closed = updates.Last();
        Assert.Equal("closed", closed.Text("status"));
        Assert.Equal(0.01m, closed.Dec("filled"));

        var state = await sim.InspectAsync(account);
        var order = state.FuturesOrder(placedId);
        Assert.Equal("FILLED", order.WireText("status"));
        Assert.Equal(order.Dec("avgPrice"), closed.Dec("average"));
        Assert.Equal(order.Text("clientOrderId"), closed.Text("clientOrderId"));
    }

    [Fact]
    public async Task Pro_watchBalance_on_the_spot_ws_api_subscription_sees_the_fill()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var result = (await ScenarioRunner.RunAsync("ccxt/pro-watch-balance.mjs", sim, account, new
        {
            symbol = "BTC/USDT",
            amount = "0.001",
        }, output)).AssertOk();

        Assert.Equal(0.001m, result.Step("filledBtc").GetDecimal());
        var state = await sim.InspectAsync(account);
        var last = result.Step("snapshots").Items()[^1];
        Assert.Equal(state.SpotFree("BTC"), last.Dec("BTC.free"));
        Assert.Equal(state.SpotFree("USDT"), last.Dec("USDT.free"));
    }
}
