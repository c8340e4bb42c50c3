using System.Text.Json;
using Oms.Simulator.Conformance.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Spot;

/// <summary><c>@binance/spot</c> 32.0.4 WebSocket API (<c>/ws-api/v3</c>) and user data on the same connection.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SpotWsApiTests(SimulatorFixture sim, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const string Symbol = "BTCUSDT";

    /// <summary>
    /// Ed25519: session.logon then unsigned requests and userDataStream.subscribe; HMAC: every request signed and
    /// userDataStream.subscribe.signature. Both: resting order life, a maker fill through an admin price move, a
    /// taker MARKET fill, and the executionReport / outboundAccountPosition events agree with the simulator's state.
    /// </summary>
    [Theory]
    [InlineData("ed25519")]
    [InlineData("hmac")]
    public async Task Orders_and_user_data_events_agree_with_the_simulator(string key)
    {
        await sim.SetPriceAsync("spot", Symbol, 65000m);
        var account = await sim.CreateAccountAsync();
        var ids = new
        {
            resting = SimulatorFixture.ClientId("rest"),
            replacement = SimulatorFixture.ClientId("repl"),
            maker = SimulatorFixture.ClientId("maker"),
            taker = SimulatorFixture.ClientId("taker"),
        };
        var result = (await ScenarioRunner.RunAsync("spot/wsapi-orders-user-data.mjs", sim, account, new
        {
            key,
            symbol = Symbol,
            quantity = "0.001",
            amendedQuantity = "0.0005",
            price = "60000",
            replacePrice = "59000",
            makerPrice = "64000",
            moveTo = "63000",
            ids,
        }, output)).AssertOk();

        if (key == "ed25519")
        {
            var logon = Assert.Single(result.Step("logon").Items());
            Assert.Equal(account.Ed25519ApiKey, logon.Text("apiKey"));
            Assert.Equal(account.Ed25519ApiKey, result.Data("sessionStatus").Text("apiKey"));
        }

        Assert.True(result.Step("subscribe").Has("subscriptionId"), $"subscribe result: {result.Step("subscribe")}");

        var placed = result.Data("placed");
        var restingId = placed.Long("orderId");
        Assert.Equal(ids.resting, placed.Text("clientOrderId"));
        Assert.Equal("NEW", placed.Text("status"));
        Assert.Equal("NEW", result.Data("status").Text("status"));
        Assert.Equal(restingId, result.Data("status").Long("orderId"));
        Assert.Contains(result.Data("openOrders").Items(), o => o.Long("orderId") == restingId);
        var replaced = result.Data("replaced");
        Assert.Equal("SUCCESS", replaced.Text("cancelResult"));
        Assert.Equal("SUCCESS", replaced.Text("newOrderResult"));
        var replacementId = replaced.Long("newOrderResponse.orderId");
        Assert.Equal("CANCELED", result.Data("canceled").Text("status"));
        Assert.Equal(replacementId, result.Data("canceled").Long("orderId"));
        var makerId = result.Data("makerPlaced").Long("orderId");
        var taker = result.Data("takerPlaced");
        var takerId = taker.Long("orderId");
        Assert.Equal("FILLED", taker.Text("status"));
        Assert.Empty(result.Data("openOrdersAfter").Items());

        // Events: every order's NEW precedes its TRADE; the maker fill is a maker trade; the taker is not.
        var events = result.Step("events").Items();
        var reports = events.Where(e => e.Text("e") == "executionReport").ToList();
        AssertSequence(reports, restingId, "NEW", "CANCELED");
        var replacedReport = Assert.Single(reports, r => r.Long("i") == restingId && r.Text("x") == "REPLACED");
        Assert.Equal(0.0005m, replacedReport.Dec("q"));
        Assert.Equal("NEW", replacedReport.Text("X"));
        Assert.Equal(ids.resting, replacedReport.Text("c"));
        AssertSequence(reports, replacementId, "NEW", "CANCELED");
        AssertSequence(reports, makerId, "NEW", "TRADE");
        AssertSequence(reports, takerId, "NEW", "TRADE");
        var makerTrade = reports.Single(r => r.Long("i") == makerId && r.Text("x") == "TRADE");
        Assert.True(makerTrade.Bool("m"));
        Assert.Equal("FILLED", makerTrade.Text("X"));
        Assert.Equal(64000m, makerTrade.Dec("L"));
        Assert.Equal(ids.replacement, reports.Single(r => r.Long("i") == replacementId && r.Text("x") == "CANCELED").Text("C"));
        var takerTrades = reports.Where(r => r.Long("i") == takerId && r.Text("x") == "TRADE").ToList();
        Assert.All(takerTrades, t => Assert.False(t.Bool("m")));
        Assert.Equal(0.001m, takerTrades.Sum(t => t.Dec("l")));
        Assert.Equal(taker.Dec("cummulativeQuoteQty"), takerTrades[^1].Dec("Z"));

        // Cross-check with the simulator: orders, trades, balances.
        var state = await sim.InspectAsync(account);
        Assert.Equal("CANCELED", state.SpotOrder(restingId).WireText("status"));
        Assert.Equal("CANCELED", state.SpotOrder(replacementId).WireText("status"));
        Assert.Equal("FILLED", state.SpotOrder(makerId).WireText("status"));
        Assert.Equal("FILLED", state.SpotOrder(takerId).WireText("status"));
        var tradeIds = reports.Where(r => r.Text("x") == "TRADE").Select(r => r.Long("t")).Order().ToList();
        Assert.Equal(state.SpotTrades.Select(t => t.Long("id")).Order(), tradeIds);

        var lastPosition = events.Last(e => e.Text("e") == "outboundAccountPosition");
        var pushed = lastPosition.Items("B").ToDictionary(b => b.Text("a"));
        Assert.Equal(state.SpotFree("BTC"), pushed["BTC"].Dec("f"));
        Assert.Equal(state.SpotFree("USDT"), pushed["USDT"].Dec("f"));
        var status = result.Data("account").Items("balances").ToDictionary(b => b.Text("asset"));
        Assert.Equal(state.SpotFree("BTC"), status["BTC"].Dec("free"));
        Assert.Equal(state.SpotFree("USDT"), status["USDT"].Dec("free"));
        Assert.Equal(0m, status["USDT"].Dec("locked"));
    }

    private static void AssertSequence(List<JsonElement> reports, long orderId, string first, string last)
    {
        var kinds = reports.Where(r => r.Long("i") == orderId).Select(r => r.Text("x")).ToList();
        Assert.True(kinds.Count >= 2 && kinds[0] == first && kinds[^1] == last,
            $"order {orderId}: expected executionReports {first} … {last}, got [{string.Join(", ", kinds)}]");
    }
}
