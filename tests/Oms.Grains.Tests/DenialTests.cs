namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class DenialTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    public static TheoryData<string, OrderSpec, DenialCode, decimal?, decimal?, string> FilterCases => new()
    {
        { "not on tick", Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000.005m), DenialCode.PriceNotOnTick, 0.01m, 60000.005m, "price 60000.005 is not a multiple of the tick size 0.01" },
        { "not on step", Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.000015m, 60000m), DenialCode.QuantityNotOnStep, 0.00001m, 0.000015m, "quantity 0.000015 is not a multiple of the step size 0.00001" },
        { "below min qty", Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.0005m, 60000m), DenialCode.QuantityBelowMin, 0.001m, 0.0005m, "quantity 0.0005 is below the minimum 0.001" },
        { "below min notional", Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.00005m, 60000m), DenialCode.NotionalBelowMin, 5m, 3m, "notional 3 USDT is below the minimum 5 USDT" },
        { "futures min notional", Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.001m, 60000m), DenialCode.NotionalBelowMin, 100m, 60m, "notional 60 USDT is below the minimum 100 USDT" },
        { "perp tick", Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 60000.05m), DenialCode.PriceNotOnTick, 0.1m, 60000.05m, "tick size 0.1" },
        { "stop price tick", Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 59000m) with { Type = OrderType.StopLimit, StopPrice = 59500.123m }, DenialCode.PriceNotOnTick, 0.01m, 59500.123m, "stop price 59500.123" },
    };

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Orders_that_break_an_instrument_filter_are_denied_with_the_numbers(string name, OrderSpec spec, DenialCode code, decimal? limit, decimal? wouldBe, string reason)
    {
        var accountId = TestAccounts.New("filter");
        var account = await _grains.Provision(accountId);

        var result = await account.SubmitOrderAsync(Specs.Submit(spec, $"f-{name.Replace(' ', '-')}"));

        AssertDenied(result, code, limit, wouldBe, reason);
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));
        // Stored for history and idempotency, and reported.
        var again = await account.SubmitOrderAsync(Specs.Submit(spec, $"f-{name.Replace(' ', '-')}"));
        Assert.False(again.Created);
        Assert.Equal(OrderStatus.Denied, again.Order.Status);
        var report = Assert.Single(await account.ReadAll());
        Assert.Equal(code, Assert.IsType<OrderDenied>(report.Event).Denial.Code);
    }

    [Fact]
    public async Task Invalid_specs_unknown_instruments_and_foreign_venues_or_markets_are_denied()
    {
        var accountId = TestAccounts.New("scope");
        var account = await _grains.Provision(accountId, TestAccounts.Binance() with { Markets = [MarketType.Spot] });

        var invalid = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m) with { LimitPrice = 1m }));
        var unknown = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.UnknownSpot, OrderSide.Buy, 1m, 1m)));
        var venue = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BybitBtcSpot, OrderSide.Buy, 0.001m, 60000m)));
        var market = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)));

        AssertDenied(invalid, DenialCode.InvalidOrder, null, null, "limit_price is not allowed on Market orders");
        AssertDenied(unknown, DenialCode.UnknownInstrument, null, null, "instrument BINANCE:SPOT:NOPEUSDT is not known");
        AssertDenied(venue, DenialCode.InvalidOrder, null, null, "is on Bybit, but account");
        AssertDenied(market, DenialCode.InvalidOrder, null, null, "does not trade the UsdMFutures market");
    }

    [Fact]
    public async Task Market_orders_are_valued_at_the_reference_price()
    {
        var accountId = TestAccounts.New("mkt");
        var account = await _grains.Provision(accountId);
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxOrderNotional = 50000m }, "risk-desk");

        TestEnvironment.Prices.Set(TestInstruments.BtcSpot, null);
        var unpriced = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 1m)));
        TestEnvironment.Prices.Set(TestInstruments.BtcSpot, 51234.5m);
        var tooBig = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 1m)));
        var tooSmall = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 0.00001m)));
        var fine = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 0.5m)));

        AssertDenied(unpriced, DenialCode.NoReferencePrice, null, null, "no reference price for BINANCE:SPOT:BTCUSDT");
        AssertDenied(tooBig, DenialCode.NotionalExceedsMaxPerOrder, 50000m, 51234.5m, "notional 51234.5 USDT exceeds the maximum 50000 USDT per order");
        Assert.Equal("USDT", tooBig.Order.Denial!.Unit);
        AssertDenied(tooSmall, DenialCode.NotionalBelowMin, 5m, 0.512345m, "below the minimum 5 USDT");
        Assert.Equal(OrderStatus.PendingNew, fine.Order.Status);
    }

    [Fact]
    public async Task Per_order_quantity_open_order_cap_and_price_band_are_enforced()
    {
        var accountId = TestAccounts.New("limits");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Prices.Set(TestInstruments.BtcPerp, 60000m);
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.5m, MaxOpenOrders = 2, PriceBandPercent = 5m }, "risk-desk");

        var tooLarge = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.6m, 60000m)));
        var outsideBand = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 70000m)));
        var first = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 58000m)));
        var second = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 57000m)));
        var third = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 57500m)));

        AssertDenied(tooLarge, DenialCode.QuantityExceedsMaxPerOrder, 0.5m, 0.6m, "quantity 0.6 BTC exceeds the maximum 0.5 BTC per order");
        AssertDenied(outsideBand, DenialCode.PriceBandExceeded, 5m, 16.666667m, "limit price 70000 is 16.666667% away from the reference price 60000, outside the band of 5%");
        Assert.Equal("%", outsideBand.Order.Denial!.Unit);
        Assert.Equal(OrderStatus.PendingNew, first.Order.Status);
        Assert.Equal(OrderStatus.PendingNew, second.Order.Status);
        AssertDenied(third, DenialCode.MaxOpenOrdersExceeded, 2m, 3m, "open orders would be 3, above the maximum of 2");

        // A closed order frees a slot.
        await new VenueDriver(_grains).Send(accountId, VenueDriver.Update(accountId, first.Order, VenueOrderEventKind.Canceled));
        var fourth = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 57500m)));
        Assert.Equal(OrderStatus.PendingNew, fourth.Order.Status);
    }

    [Fact]
    public async Task The_order_rate_is_a_sliding_window_on_the_grain_clock()
    {
        var accountId = TestAccounts.New("rate");
        var account = await _grains.Provision(accountId);
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxOrdersPerSecond = 3 }, "risk-desk");
        var spec = Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m);

        var burst = new List<SubmitOrderResult>();
        for (var i = 0; i < 4; i++) burst.Add(await account.SubmitOrderAsync(Specs.Submit(spec)));
        TestEnvironment.Clock.Advance(TimeSpan.FromMilliseconds(999));
        var stillInWindow = await account.SubmitOrderAsync(Specs.Submit(spec));
        TestEnvironment.Clock.Advance(TimeSpan.FromMilliseconds(2));
        var afterWindow = await account.SubmitOrderAsync(Specs.Submit(spec));

        Assert.All(burst.Take(3), r => Assert.Equal(OrderStatus.PendingNew, r.Order.Status));
        AssertDenied(burst[3], DenialCode.OrderRateExceeded, 3m, 4m, "order rate would be 4 orders in the last second, above the maximum of 3 per second");
        Assert.Equal("orders/s", burst[3].Order.Denial!.Unit);
        AssertDenied(stillInWindow, DenialCode.OrderRateExceeded, 3m, 4m, "order rate would be 4");
        Assert.Equal(OrderStatus.PendingNew, afterWindow.Order.Status);
        Assert.Equal(4, TestEnvironment.Venue.Commands<PlaceOrderCommand>(accountId).Count);
    }

    [Fact]
    public async Task Cancel_and_amend_refusals_name_the_order_and_its_status()
    {
        var accountId = TestAccounts.New("cxl");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "c-1"))).Order;
        await new VenueDriver(_grains).Send(accountId, VenueDriver.Update(accountId, order, VenueOrderEventKind.Rejected, reason: "insufficient balance", venueCode: "-2010"));

        var missing = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("nope") });
        var terminal = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = order.ClientOrderId });
        var amendTerminal = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = order.ClientOrderId, NewQuantity = 0.002m });
        var amendMissing = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId("nope"), NewQuantity = 0.002m });

        Assert.Equal(DenialCode.OrderNotFound, missing.Denial?.Code);
        Assert.Null(missing.Order);
        Assert.Equal(DenialCode.OrderNotCancelable, terminal.Denial?.Code);
        Assert.Contains("order c-1 is Rejected", terminal.Denial!.Reason, StringComparison.Ordinal);
        Assert.Equal(DenialCode.OrderNotAmendable, amendTerminal.Denial?.Code);
        Assert.Contains("Rejected", amendTerminal.Denial!.Reason, StringComparison.Ordinal);
        Assert.Equal(DenialCode.OrderNotFound, amendMissing.Denial?.Code);
        Assert.Equal("-2010: insufficient balance", (await account.GetOrderAsync(order.ClientOrderId))!.LastVenueError);
        Assert.Empty(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));
    }

    [Fact]
    public async Task A_pending_new_order_can_be_cancelled_and_a_refused_cancel_restores_the_order()
    {
        var accountId = TestAccounts.New("cxl-pn");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;

        var cancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = order.ClientOrderId });
        Assert.True(cancel.Accepted);
        Assert.Equal(OrderStatus.PendingCancel, cancel.Order!.Status);
        Assert.Null(Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId)).VenueOrderId);

        var other = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
        await new VenueDriver(_grains).Ack(accountId, other);
        TestEnvironment.Venue.SetBehavior<CancelOrderCommand>(accountId, RouteBehavior.Refuse);
        var refused = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = other.ClientOrderId });

        Assert.Equal(DenialCode.VenueUnavailable, refused.Denial?.Code);
        Assert.Equal(OrderStatus.New, refused.Order!.Status);
        Assert.Equal(OrderStatus.New, (await account.GetOrderAsync(other.ClientOrderId))!.Status);
    }

    private static void AssertDenied(SubmitOrderResult result, DenialCode code, decimal? limit, decimal? wouldBe, string reason)
    {
        Assert.Equal(OrderStatus.Denied, result.Order.Status);
        var denial = Assert.IsType<Denial>(result.Order.Denial);
        Assert.Equal(code, denial.Code);
        Assert.Contains(reason, denial.Reason, StringComparison.Ordinal);
        if (limit is not null) Assert.Equal(limit, denial.Limit);
        if (wouldBe is not null) Assert.Equal(wouldBe, denial.WouldBe);
    }
}
