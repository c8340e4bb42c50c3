using Oms.Simulator.Conformance.Harness;
using Oms.Simulator.Engine;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Spot;

/// <summary><c>@binance/spot</c> 32.0.4 market streams on <c>/stream?streams=…</c> (first stream in the URL, later ones by SUBSCRIBE).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SpotStreamTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    [Fact]
    public async Task BookTicker_trade_and_depth_streams_deliver_what_the_engine_printed()
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var result = (await ScenarioRunner.RunAsync("spot/streams.mjs", sim, null, new
        {
            symbol = Symbol,
            moveTo = new[] { "64900", "65100" },
        }, output)).AssertOk();

        var engineTrades = sim.Host.Exchange.GetRecentTrades(MarketKind.Spot, Symbol, 1000).Value.ToDictionary(t => t.Id);
        var trade = result.Step("trade");
        Assert.Equal(Symbol, trade.Text("s"));
        Assert.True(engineTrades.TryGetValue(trade.Long("t"), out var printed), $"trade {trade.Long("t")} is not in the engine's recent trades");
        Assert.Equal(printed.Price, trade.Dec("p"));
        Assert.Equal(printed.Qty, trade.Dec("q"));
        Assert.Equal(printed.IsBuyerMaker, trade.Bool("m"));

        var depth = result.Step("depth");
        Assert.Equal(Symbol, depth.Text("s"));
        Assert.True(depth.Long("U") <= depth.Long("u"));
        var updates = result.Step("depthUpdates").Items();
        for (var i = 1; i < updates.Count; i++)
        {
            Assert.Equal(updates[i - 1].Long("u") + 1, updates[i].Long("U"));
        }

        var book = result.Step("bookTicker");
        Assert.Equal(Symbol, book.Text("s"));
        Assert.True(book.Dec("b") < book.Dec("a"), $"bid must be below ask: {book}");
        var last = result.Step("lastBookTicker");
        var engineBook = sim.Host.Exchange.GetBookTicker(MarketKind.Spot, Symbol).Value;
        Assert.True(last.Long("u") <= engineBook.UpdateId);
        if (last.Long("u") == engineBook.UpdateId)
        {
            Assert.Equal(engineBook.BidPrice, last.Dec("b"));
            Assert.Equal(engineBook.AskPrice, last.Dec("a"));
        }
    }
}
