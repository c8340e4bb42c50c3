namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class VenueUpdateTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Each_venue_update_kind_moves_the_order_by_the_transition_table()
    {
        var accountId = TestAccounts.New("kinds");
        var account = await _grains.Provision(accountId);
        async Task<OrderSnapshot> Submit(OrderSpec spec) => (await account.SubmitOrderAsync(Specs.Submit(spec))).Order;
        async Task<OrderStatus> StatusOf(OrderSnapshot order) => (await account.GetOrderAsync(order.ClientOrderId))!.Status;

        var expiring = await Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m) with { TimeInForce = TimeInForce.Ioc });
        var amended = await Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m));
        var stop = await Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 59000m) with { Type = OrderType.StopLimit, StopPrice = 59500m });
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, expiring, VenueOrderEventKind.Accepted, new VenueOrderId("e")),
            VenueDriver.Update(accountId, expiring, VenueOrderEventKind.Expired, reason: "IOC remainder"),
            VenueDriver.Update(accountId, amended, VenueOrderEventKind.Accepted, new VenueOrderId("a")),
            VenueDriver.Update(accountId, stop, VenueOrderEventKind.Accepted, new VenueOrderId("s")),
            VenueDriver.Update(accountId, stop, VenueOrderEventKind.Triggered, new VenueOrderId("s2")));

        await account.AmendOrderAsync(new AmendOrder { ClientOrderId = amended.ClientOrderId, NewQuantity = 0.002m });
        await _venue.Send(accountId, VenueDriver.Update(accountId, amended, VenueOrderEventKind.ReplaceRejected, reason: "price would cross", venueCode: "-5022"));
        var afterReplaceReject = (await account.GetOrderAsync(amended.ClientOrderId))!;
        await account.CancelOrderAsync(new CancelOrder { ClientOrderId = amended.ClientOrderId });
        await _venue.Send(accountId, VenueDriver.Update(accountId, amended, VenueOrderEventKind.CancelRejected, reason: "unknown order", venueCode: "-2011"));
        var afterCancelReject = (await account.GetOrderAsync(amended.ClientOrderId))!;
        // A transition the table refuses (accepting a rejected order) is logged and changes nothing.
        await _venue.Send(accountId, VenueDriver.Update(accountId, expiring, VenueOrderEventKind.Rejected, reason: "late"));

        Assert.Equal(OrderStatus.Expired, await StatusOf(expiring));
        Assert.Equal(OrderStatus.New, afterReplaceReject.Status);
        Assert.Equal(0.001m, afterReplaceReject.Quantity);
        Assert.Equal("-5022: price would cross", afterReplaceReject.LastVenueError);
        Assert.Equal(OrderStatus.New, afterCancelReject.Status);
        Assert.Equal("-2011: unknown order", afterCancelReject.LastVenueError);
        var triggered = (await account.GetOrderAsync(stop.ClientOrderId))!;
        Assert.True(triggered.Triggered);
        Assert.Equal(OrderStatus.New, triggered.Status);
        ReportReading.AssertGapFree(await account.ReadAll());
    }

    [Fact]
    public async Task Events_for_another_account_or_an_unknown_order_change_nothing()
    {
        var accountId = TestAccounts.New("foreign");
        var otherId = TestAccounts.New("other");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;

        await _venue.Send(accountId,
            VenueDriver.Update(otherId, order, VenueOrderEventKind.Canceled),
            VenueDriver.Fill(otherId, order, 0.001m, 60000m),
            VenueDriver.Update(accountId, order with { ClientOrderId = new ClientOrderId("nobody") }, VenueOrderEventKind.Canceled));

        Assert.Equal(OrderStatus.PendingNew, (await account.GetOrderAsync(order.ClientOrderId))!.Status);
        Assert.Empty(await account.GetPositionsAsync());
        Assert.Single(await account.ReadAll());
    }

    [Fact]
    public async Task Cancel_all_requests_every_open_order_of_the_instrument_once()
    {
        var accountId = TestAccounts.New("cxl-all");
        var account = await _grains.Provision(accountId);
        var spot1 = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
        var spot2 = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 61000m)))).Order;
        var perp = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)))).Order;
        var closed = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
        await _venue.Send(accountId, VenueDriver.Update(accountId, closed, VenueOrderEventKind.Rejected, reason: "x"));
        await account.CancelOrderAsync(new CancelOrder { ClientOrderId = spot2.ClientOrderId });

        var result = await account.CancelAllOrdersAsync(new CancelAllOrders { Instrument = TestInstruments.BtcSpot });

        Assert.Equal(new[] { spot1.ClientOrderId.Value, spot2.ClientOrderId.Value }.Order(StringComparer.Ordinal), result.CancelRequested.Select(c => c.Value).Order(StringComparer.Ordinal));
        Assert.Empty(result.Refused);
        Assert.Equal([spot2.ClientOrderId, spot1.ClientOrderId], TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId).Select(c => c.ClientOrderId));
        Assert.Equal(OrderStatus.PendingNew, (await account.GetOrderAsync(perp.ClientOrderId))!.Status);
    }
}
