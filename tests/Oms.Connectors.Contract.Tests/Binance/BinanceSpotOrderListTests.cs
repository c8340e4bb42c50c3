using Oms.Connectors.Contract.Tests.Contract;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Native spot OCO end to end: a strategy's gRPC SubmitOrderList becomes one Binance <c>orderList.place.oco</c> through
/// the account grain and the real spot connector, against the in-process simulator. The simulator's market moves so
/// one leg executes; the venue expires the other. After each scenario the OMS's orders, fills and balances equal the
/// simulator's, exactly.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotOrderListTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    private const decimal Market = 600m;
    private const decimal TakeProfit = 620m;
    private const decimal Stop = 590m;

    private readonly Wire.OrderService.OrderServiceClient _orders = new(fixture.Channel);

    protected override VenueHarness Venue => fixture.Harness;

    private string Symbol => Venue.Instrument.Symbol;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Oms.Inspector.SetPriceAsync(Symbol, Market);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Oms.Inspector.SetPriceAsync(Symbol, Market);
    }

    /// <summary>A sell OCO of the harness quantity: LIMIT_MAKER take-profit above the market, STOP_LOSS (stop-market) below.</summary>
    private Task<Wire.SubmitOrderListResponse> SubmitSellOcoAsync(AccountId account, string listId) =>
        _orders.SubmitOrderListAsync(new Wire.SubmitOrderListRequest
        {
            AccountId = account.Value,
            ListClientOrderId = listId,
            Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = Symbol },
            Side = Wire.OrderSide.Sell,
            Quantity = Venue.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Above = new Wire.OrderListLeg { Type = Wire.OrderType.LimitMaker, LimitPrice = TakeProfit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Below = new Wire.OrderListLeg { Type = Wire.OrderType.StopMarket, StopPrice = Stop.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, Oms.Auth()).ResponseAsync;

    private async Task<Wire.OrderList> WaitForListAsync(AccountId account, string listId, Func<Wire.OrderList, bool> done)
    {
        var deadline = DateTime.UtcNow + DefaultWait;
        Wire.OrderList? last = null;
        while (true)
        {
            last = await _orders.GetOrderListAsync(new Wire.GetOrderListRequest { AccountId = account.Value, ListClientOrderId = listId }, Oms.Auth());
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"order list {listId} did not reach the expected state; last seen: {last}");
            await Task.Delay(25);
        }
    }

    private Task<Wire.OrderList> WaitForLiveListAsync(AccountId account, string listId) => WaitForListAsync(account, listId,
        l => l.Status == Wire.OrderListStatus.Executing && l.Above.Status == Wire.OrderStatus.New && l.Below.Status == Wire.OrderStatus.New
            && l.VenueOrderListId.Length > 0);

    private static string NewListId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task AssertVenueListAsync(AccountId account, Wire.OrderList list, string aboveStatus, string belowStatus)
    {
        var venue = await Oms.Inspector.GetAccountAsync(account);
        var legs = venue.Orders.Where(o => o.ClientOrderId == list.Above.ClientOrderId || o.ClientOrderId == list.Below.ClientOrderId).ToList();
        Assert.Equal(2, legs.Count);
        Assert.Equal(aboveStatus, legs.Single(o => o.ClientOrderId == list.Above.ClientOrderId).Status);
        Assert.Equal(belowStatus, legs.Single(o => o.ClientOrderId == list.Below.ClientOrderId).Status);
        Assert.Equal(list.Above.VenueOrderId, legs.Single(o => o.ClientOrderId == list.Above.ClientOrderId).OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(venue.OpenOrders, o => o.Symbol == Symbol);
    }

    [Fact]
    public async Task When_the_take_profit_leg_fills_the_venue_expires_the_stop_and_the_OMS_mirrors_it()
    {
        var account = await Venue.NewAccountAsync("oco-tp");
        var listId = NewListId("tp");

        var submitted = await SubmitSellOcoAsync(account, listId);
        Assert.True(submitted.Created);
        Assert.Equal(Wire.OrderListStatus.Pending, submitted.OrderList.Status);
        var live = await WaitForLiveListAsync(account, listId);
        Assert.Equal(live.VenueOrderListId, live.Above.VenueOrderListId);
        await AssertInSyncAsync(account);

        // An outside buyer lifts the limit-maker leg.
        await Venue.TakeAsync(OrderSide.Buy, TakeProfit, Venue.Quantity);

        var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone
            && l.Above.Status == Wire.OrderStatus.Filled && l.Below.Status == Wire.OrderStatus.Expired);
        Assert.Equal(Venue.Quantity, decimal.Parse(done.Above.FilledQuantity, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TakeProfit, decimal.Parse(done.Above.AveragePrice, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", done.Below.FilledQuantity);
        await AssertVenueListAsync(account, done, "Filled", "Expired");
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task When_the_stop_leg_triggers_and_fills_the_venue_expires_the_take_profit_and_the_OMS_mirrors_it()
    {
        var account = await Venue.NewAccountAsync("oco-sl");
        var listId = NewListId("sl");
        await SubmitSellOcoAsync(account, listId);
        await WaitForLiveListAsync(account, listId);

        // A buyer rests below the stop; the last price falls through the stop (590), the stop-market sell hits the buyer.
        const decimal bid = 585m;
        await Venue.RestCounterpartyAsync(OrderSide.Buy, bid, Venue.Quantity * 10m);
        await Oms.Inspector.SetPriceAsync(Symbol, 588m);

        var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone
            && l.Below.Status == Wire.OrderStatus.Filled && l.Above.Status == Wire.OrderStatus.Expired);
        Assert.Equal(Venue.Quantity, decimal.Parse(done.Below.FilledQuantity, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(bid, decimal.Parse(done.Below.AveragePrice, System.Globalization.CultureInfo.InvariantCulture));
        await AssertVenueListAsync(account, done, "Expired", "Filled");
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_buy_list_rests_its_stop_above_and_its_limit_maker_below_and_the_limit_maker_fills()
    {
        var account = await Venue.NewAccountAsync("oco-buy");
        var listId = NewListId("buy");
        var submitted = await _orders.SubmitOrderListAsync(new Wire.SubmitOrderListRequest
        {
            AccountId = account.Value,
            ListClientOrderId = listId,
            Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = Symbol },
            Side = Wire.OrderSide.Buy,
            Quantity = Venue.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Above = new Wire.OrderListLeg { Type = Wire.OrderType.StopLimit, StopPrice = "610", LimitPrice = "612", TimeInForce = Wire.TimeInForce.Gtc },
            Below = new Wire.OrderListLeg { Type = Wire.OrderType.LimitMaker, LimitPrice = "580" },
        }, Oms.Auth());
        Assert.Equal(Wire.OrderListStatus.Pending, submitted.OrderList.Status);
        await WaitForLiveListAsync(account, listId);
        await AssertInSyncAsync(account);

        // An outside seller hits the limit-maker bid.
        await Venue.TakeAsync(OrderSide.Sell, 580m, Venue.Quantity);

        var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone
            && l.Below.Status == Wire.OrderStatus.Filled && l.Above.Status == Wire.OrderStatus.Expired);
        Assert.Equal(580m, decimal.Parse(done.Below.AveragePrice, System.Globalization.CultureInfo.InvariantCulture));
        await AssertVenueListAsync(account, done, "Expired", "Filled");
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_leg_filled_while_the_connection_is_down_is_recovered_by_reconciliation_with_the_list_done()
    {
        var account = await Venue.NewAccountAsync("oco-gap");
        var listId = NewListId("gap");
        await SubmitSellOcoAsync(account, listId);
        await WaitForLiveListAsync(account, listId);
        var reconciled = await Venue.CompletedReconciliationsAsync(account);

        // The connection drops; while the connector reconnects the take-profit fills and the venue expires the stop.
        await Venue.DropConnectionsAsync(account);
        await Venue.TakeAsync(OrderSide.Buy, TakeProfit, Venue.Quantity);

        var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone
            && l.Above.Status == Wire.OrderStatus.Filled && l.Below.Status == Wire.OrderStatus.Expired);
        await AssertVenueListAsync(account, done, "Filled", "Expired");
        await AssertInSyncAsync(account);
        var deadline = DateTime.UtcNow + DefaultWait;
        while (await Venue.CompletedReconciliationsAsync(account) <= reconciled && DateTime.UtcNow < deadline) await Task.Delay(25);
        Assert.True(await Venue.CompletedReconciliationsAsync(account) > reconciled, "no reconciliation completed after the reconnect");
        // The fill was applied once: one trade at the venue, one fill in the OMS.
        var positions = await Account(account).GetPositionsAsync();
        Assert.Equal(1, positions.Where(p => p.Instrument == Venue.Instrument).Sum(p => p.FillCount));
    }

    [Fact]
    public async Task Cancelling_a_live_leg_or_the_list_cancels_both_legs_at_the_venue()
    {
        var account = await Venue.NewAccountAsync("oco-cancel");
        var byLeg = NewListId("cl");
        var byList = NewListId("cL");
        await SubmitSellOcoAsync(account, byLeg);
        await SubmitSellOcoAsync(account, byList);
        var first = await WaitForLiveListAsync(account, byLeg);
        await WaitForLiveListAsync(account, byList);

        var legCancel = await _orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = account.Value, ClientOrderId = first.Below.ClientOrderId }, Oms.Auth());
        var listCancel = await _orders.CancelOrderListAsync(new Wire.CancelOrderListRequest { AccountId = account.Value, ListClientOrderId = byList }, Oms.Auth());
        Assert.True(legCancel.Accepted, legCancel.Denial?.ToString());
        Assert.True(listCancel.Accepted, listCancel.Denial?.ToString());

        static bool Ended(Wire.Order o) => o.Status is Wire.OrderStatus.Canceled or Wire.OrderStatus.Expired;
        foreach (var listId in new[] { byLeg, byList })
        {
            var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone && Ended(l.Above) && Ended(l.Below));
            Assert.Equal("0", done.Above.FilledQuantity);
            Assert.Equal("0", done.Below.FilledQuantity);
        }
        var venue = await Oms.Inspector.GetAccountAsync(account);
        Assert.Empty(venue.OpenOrders);
        Assert.Equal(4, venue.Orders.Count(o => o.Status is "Canceled" or "Expired"));
        // One cancel request per list reached the venue.
        var requests = await Oms.Inspector.GetRequestsAsync(account);
        Assert.Equal(2, requests.Count(r => r.Operation == "order.cancel"));
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task An_ambiguous_failure_of_a_list_that_was_placed_resolves_to_the_venues_truth()
    {
        var account = await Venue.NewAccountAsync("oco-amb");
        var listId = NewListId("amb");
        await Oms.Inspector.AddFaultAsync(new
        {
            action = "Error", target = "orderList.place.oco", accountId = account.Value, status = 503, code = -1007, afterExecution = true, times = 1,
        });

        var submitted = await SubmitSellOcoAsync(account, listId);
        Assert.Equal(Wire.OrderListStatus.Pending, submitted.OrderList.Status);

        // The venue placed the list, then answered 503/-1007: the legs stay in flight and the queries find them live.
        var live = await WaitForLiveListAsync(account, listId);
        var reports = (await Account(account).ReadExecutionReportsAsync(0, 10_000, TimeSpan.Zero)).Reports
            .Where(r => r.Order.OrderListId?.Value == listId).ToList();
        Assert.DoesNotContain(reports, r => r.Order.Status is OrderStatus.Rejected);
        var venue = await Oms.Inspector.GetAccountAsync(account);
        Assert.Equal(2, venue.Orders.Count(o => o.ClientOrderId == live.Above.ClientOrderId || o.ClientOrderId == live.Below.ClientOrderId));
        // The fault was spent on the one placement (it answered 503/-1007 after executing); nothing was placed twice.
        Assert.DoesNotContain(Oms.Sim.Runtime.Faults.Snapshot(), r => r.AccountId == account.Value);
        Assert.Single(await Oms.Inspector.GetRequestsAsync(account), r => r.Operation == "orderList.place.oco");
        await AssertInSyncAsync(account);

        // And it trades as any list: the take-profit fills, the stop expires.
        await Venue.TakeAsync(OrderSide.Buy, TakeProfit, Venue.Quantity);
        var done = await WaitForListAsync(account, listId, l => l.Status == Wire.OrderListStatus.AllDone
            && l.Above.Status == Wire.OrderStatus.Filled && l.Below.Status == Wire.OrderStatus.Expired);
        await AssertVenueListAsync(account, done, "Filled", "Expired");
        await AssertInSyncAsync(account);
    }
}
