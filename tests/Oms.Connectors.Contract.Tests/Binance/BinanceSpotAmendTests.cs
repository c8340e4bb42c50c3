using Oms.Connectors.Contract.Tests.Contract;
using Oms.Simulator.Hosting;
using Sim = Oms.Simulator.Engine;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Amending a Binance spot order's price (or raising its quantity) through the whole OMS: Binance does it only by
/// cancel-replace, so the working order is replaced by a new venue order under a lineage client order id while the OMS
/// order keeps its own id, records the new venue order id (Replaced in its history) and its fills across both venue
/// orders. When the working order is already filled nothing new is placed and the caller is told why. These scenarios
/// trade SOLUSDT (held, the simulator's liquidity off) against their own counterparty, so no other scenario's orders
/// stand at their price levels.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotAmendTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    private const string Symbol = "SOLUSDT";
    private static readonly InstrumentId Sol = new(global::Oms.Domain.Venue.Binance, MarketType.Spot, Symbol);
    private string counterparty = "";

    protected override VenueHarness Venue => fixture.Harness;

    private BinanceSpotHarness Harness => fixture.Harness;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var exchange = fixture.Sim.Exchange;
        Check(exchange.SetMarketHeld(Sim.MarketKind.Spot, Symbol, true));
        Check(exchange.SetLiquidityEnabled(Sim.MarketKind.Spot, Symbol, false));
        counterparty = "amend-cp-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = counterparty,
            Balances = new Dictionary<string, string> { ["USDT"] = "1000000", ["SOL"] = "100000" },
        });
    }

    private static OrderSpec Buy(decimal price, decimal quantity) => new()
    {
        Instrument = Sol, Side = OrderSide.Buy, Type = OrderType.Limit, Quantity = quantity, LimitPrice = price, TimeInForce = TimeInForce.Gtc,
    };

    /// <summary>The counterparty sells <paramref name="quantity"/> into the resting buys at <paramref name="price"/> (IOC).</summary>
    private Task TakeAsync(decimal price, decimal quantity)
    {
        Check(fixture.Sim.Exchange.PlaceSpotOrder(counterparty, new Sim.SpotOrderRequest
        {
            Symbol = Symbol, Side = Sim.OrderSide.Sell, Type = Sim.SpotOrderType.Limit, TimeInForce = Sim.TimeInForce.Ioc, Price = price, Quantity = quantity,
        }));
        return Task.CompletedTask;
    }

    private static void Check(Sim.EngineResult result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    private static void Check<T>(Sim.EngineResult<T> result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    [Fact]
    public async Task A_price_and_quantity_amend_of_a_partly_filled_order_replaces_it_at_the_venue_under_the_same_oms_order()
    {
        var account = await Venue.NewAccountAsync("amend");
        const string id = "am-price";
        await SubmitAsync(account, Buy(141.37m, 0.1m), id);
        var placed = await WaitForStatusAsync(account, id, OrderStatus.New);

        // Partly filled before the amend: the replacement carries only what is left.
        await TakeAsync(141.37m, 0.04m);
        await WaitForOrderAsync(account, id, o => o.FilledQuantity == 0.04m);

        var amend = await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(id), NewLimitPrice = 146.83m, NewQuantity = 0.15m });
        Assert.True(amend.Accepted, $"amend of {id} was refused: {amend.Denial}");
        var replaced = await WaitForOrderAsync(account, id, o => o.LimitPrice == 146.83m && o.Quantity == 0.15m && o.Status == OrderStatus.PartiallyFilled);
        Assert.Equal(0.04m, replaced.FilledQuantity);
        Assert.NotNull(replaced.VenueOrderId);
        Assert.NotEqual(placed.VenueOrderId, replaced.VenueOrderId);

        // At the venue: the original cancelled, one replacement for the rest (0.15 - 0.04) at the new price.
        var lineage = await Harness.LineageAsync(account, new ClientOrderId(id));
        Assert.True(lineage.Count == 2, $"expected the original and its replacement at the venue, found: {string.Join("; ", lineage)}");
        Assert.Equal(id, lineage[0].ClientOrderId);
        Assert.Equal("Canceled", lineage[0].Status);
        Assert.Equal(0.04m, lineage[0].ExecutedQty);
        Assert.StartsWith(id + "__R", lineage[1].ClientOrderId, StringComparison.Ordinal);
        Assert.Equal("New", lineage[1].Status);
        Assert.Equal(0.11m, lineage[1].OrigQty);
        Assert.Equal(146.83m, lineage[1].Price);
        Assert.Equal(replaced.VenueOrderId!.Value.Value, lineage[1].OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The order's history shows the replace with the new venue order id; no cancel of the OMS order.
        var reports = await ReportsOfAsync(account, id);
        Assert.Contains(reports, r => r.Event is OrderReplaced e && e.VenueOrderId == replaced.VenueOrderId && e.LimitPrice == 146.83m && e.Quantity == 0.15m);
        Assert.DoesNotContain(reports, r => r.Order.Status == OrderStatus.Canceled);

        // The rest fills at the new price; fills of both venue orders are the one OMS order's.
        await TakeAsync(146.83m, 0.11m);
        var filled = await WaitForStatusAsync(account, id, OrderStatus.Filled);
        Assert.Equal(0.15m, filled.FilledQuantity);
        await AssertInSyncAsync(account);

        // A later cancel of a replaced order reaches the replacement (by its venue id).
        const string second = "am-cancel";
        await SubmitAsync(account, Buy(141.37m, 0.1m), second);
        await WaitForStatusAsync(account, second, OrderStatus.New);
        Assert.True((await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(second), NewLimitPrice = 142.11m })).Accepted);
        await WaitForOrderAsync(account, second, o => o.LimitPrice == 142.11m && o.Status == OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId(second) })).Accepted);
        await WaitForStatusAsync(account, second, OrderStatus.Canceled);
        Assert.All(await Harness.LineageAsync(account, new ClientOrderId(second)), o => Assert.Equal("Canceled", o.Status));

        // A cancel sent right behind a price amend (it names the venue order being replaced) still cancels the order.
        const string third = "am-race-cancel";
        await SubmitAsync(account, Buy(141.37m, 0.1m), third);
        await WaitForStatusAsync(account, third, OrderStatus.New);
        Assert.True((await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(third), NewLimitPrice = 142.11m })).Accepted);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId(third) })).Accepted);
        await WaitForStatusAsync(account, third, OrderStatus.Canceled);
        Assert.All(await Harness.LineageAsync(account, new ClientOrderId(third)), o => Assert.Equal("Canceled", o.Status));
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_price_amend_of_an_order_already_filled_at_the_venue_places_nothing_and_says_why()
    {
        var account = await Venue.NewAccountAsync("amendf");
        const string id = "am-filled";
        await SubmitAsync(account, Buy(141.37m, 0.1m), id);
        await WaitForStatusAsync(account, id, OrderStatus.New);

        // The venue fills the order while its stream is silent: the OMS still believes it is working.
        await Venue.SetStreamFaultsAsync(account, silence: true, duplicate: false, reorder: false);
        await TakeAsync(141.37m, 0.1m);
        var amend = await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(id), NewLimitPrice = 146.83m });
        if (amend.Accepted)
        {
            // The connector finds the order filled: the amend is refused with the reason, nothing is sent.
            var refused = await WaitForOrderAsync(account, id, o => o.LastVenueError?.Contains("already Filled", StringComparison.Ordinal) == true);
            Output.WriteLine($"refused by the connector: {refused.LastVenueError}");
            var reports = await ReportsOfAsync(account, id);
            Assert.Contains(reports, r => r.Event is OrderReplaceRejected e && e.Reason.Contains("nothing new was placed", StringComparison.Ordinal));
        }
        else
        {
            // The watchdog reconciled first: the OMS knew the order was filled and refused the amend itself.
            Output.WriteLine($"refused by the OMS (already reconciled): {amend.Denial}");
            Assert.NotNull(amend.Denial);
        }
        await Venue.ClearFaultsAsync();

        var filled = await WaitForStatusAsync(account, id, OrderStatus.Filled);
        Assert.Equal(0.1m, filled.FilledQuantity);
        Assert.Equal(141.37m, filled.LimitPrice);
        Assert.Single(await Harness.LineageAsync(account, new ClientOrderId(id)));
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task When_the_order_fills_between_the_read_and_the_cancel_replace_stop_on_failure_places_nothing_and_says_why()
    {
        var account = await Venue.NewAccountAsync("amendr");
        const string id = "am-race";
        await SubmitAsync(account, Buy(141.37m, 0.1m), id);
        await WaitForStatusAsync(account, id, OrderStatus.New);

        // The connector's read of the working order answers late (it was read before the fill), the stream is silent,
        // and the order fills meanwhile: the cancel leg of the cancel-replace fails and STOP_ON_FAILURE places nothing.
        await Venue.SetStreamFaultsAsync(account, silence: true, duplicate: false, reorder: false);
        await fixture.Inspector.AddFaultAsync(new { action = "Delay", target = "order.status", accountId = account.Value, delayMs = 800, times = 1 });
        var amend = await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(id), NewLimitPrice = 146.83m });
        Assert.True(amend.Accepted, $"amend of {id} was refused: {amend.Denial}");
        await Task.Delay(200);
        await TakeAsync(141.37m, 0.1m);

        var requests = await WaitForAsync(async () =>
        {
            var all = await fixture.Inspector.GetRequestsAsync(account);
            return all.Any(r => r.Operation.Contains("cancelReplace", StringComparison.OrdinalIgnoreCase) || r.Operation.Contains("replace", StringComparison.OrdinalIgnoreCase))
                ? all : null;
        });
        var replace = requests.Last(r => r.Operation.Contains("replace", StringComparison.OrdinalIgnoreCase));
        Output.WriteLine($"cancel-replace answered {replace.Status} / {replace.Code}");
        Assert.Equal(-2022, replace.Code);
        await Venue.ClearFaultsAsync();

        var settled = await WaitForOrderAsync(account, id, o => o.Status == OrderStatus.Filled);
        Assert.Equal(141.37m, settled.LimitPrice);
        Assert.Single(await Harness.LineageAsync(account, new ClientOrderId(id)));
        var reports = await ReportsOfAsync(account, id);
        var rejection = Assert.Single(reports.Select(r => r.Event).OfType<OrderReplaceRejected>());
        Output.WriteLine($"the caller is told: {rejection.Reason}");
        Assert.Contains("could not cancel the working order", rejection.Reason, StringComparison.Ordinal);
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_cancel_replace_that_executed_but_answered_with_an_ambiguous_error_ends_replaced_never_failed()
    {
        var account = await Venue.NewAccountAsync("amendu");
        const string id = "am-unknown";
        await SubmitAsync(account, Buy(141.37m, 0.1m), id);
        var placed = await WaitForStatusAsync(account, id, OrderStatus.New);

        // The venue carries the cancel-replace out, then answers 503 / -1007: the outcome is unknown to the connector.
        await fixture.Inspector.AddFaultAsync(new
        {
            action = "Error", target = "order.cancelReplace", accountId = account.Value, status = 503, code = -1007, afterExecution = true, times = 1,
        });
        var amend = await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(id), NewLimitPrice = 146.83m });
        Assert.True(amend.Accepted, $"amend of {id} was refused: {amend.Denial}");

        var replaced = await WaitForOrderAsync(account, id, o => o.LimitPrice == 146.83m && o.Status == OrderStatus.New && o.VenueOrderId != placed.VenueOrderId);
        Assert.Equal(0.1m, replaced.Quantity);
        var lineage = await Harness.LineageAsync(account, new ClientOrderId(id));
        Assert.Equal(2, lineage.Count);
        Assert.Equal(replaced.VenueOrderId!.Value.Value, lineage[1].OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reports = await ReportsOfAsync(account, id);
        Assert.DoesNotContain(reports, r => r.Event is OrderReplaceRejected || r.Order.Status is OrderStatus.Canceled or OrderStatus.Rejected);

        await TakeAsync(146.83m, 0.1m);
        await WaitForStatusAsync(account, id, OrderStatus.Filled);
        await AssertInSyncAsync(account);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + DefaultWait;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the venue did not see the expected request in time");
            await Task.Delay(50);
        }
    }
}
