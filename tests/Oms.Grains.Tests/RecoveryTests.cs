namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RecoveryTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    /// <summary>
    /// The place command may never have been queued (the grain died between persisting the intent and routing, here:
    /// the router failed). On reactivation the account asks the venue about every PendingNew order without a venue id.
    /// </summary>
    private async Task<(AccountId Account, IAccountGrain Grain, OrderSnapshot Order)> PendingNewNeverRouted(string purpose)
    {
        var accountId = TestAccounts.New(purpose);
        var account = await _grains.Provision(accountId);
        TestEnvironment.Venue.SetBehavior<PlaceOrderCommand>(accountId, RouteBehavior.Throw);
        TestEnvironment.Venue.SetBehavior<QueryOrderCommand>(accountId, RouteBehavior.Refuse);
        var result = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));
        Assert.Equal(OrderStatus.PendingNew, result.Order.Status);
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));

        // Deactivate first, so only the new activation can route the query.
        await fixture.Cluster.DeactivateAsync(account);
        TestEnvironment.Venue.SetBehavior<PlaceOrderCommand>(accountId, RouteBehavior.Queue);
        TestEnvironment.Venue.SetBehavior<QueryOrderCommand>(accountId, RouteBehavior.Queue);
        Assert.Equal(OrderStatus.PendingNew, (await account.GetOrderAsync(result.Order.ClientOrderId))!.Status);
        var query = Assert.Single(TestEnvironment.Venue.Commands<QueryOrderCommand>(accountId));
        Assert.Equal(result.Order.ClientOrderId, query.ClientOrderId);
        return (accountId, account, result.Order);
    }

    [Fact]
    public async Task A_pending_new_order_the_venue_never_saw_is_rejected_after_the_grace_period()
    {
        var (accountId, account, order) = await PendingNewNeverRouted("pn-notfound");

        // Too early to conclude: the order may still be on its way.
        await _venue.Send(accountId, VenueDriver.Update(accountId, order, VenueOrderEventKind.NotFound));
        Assert.Equal(OrderStatus.PendingNew, (await account.GetOrderAsync(order.ClientOrderId))!.Status);

        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(31));
        await _venue.Send(accountId, VenueDriver.Update(accountId, order, VenueOrderEventKind.NotFound));

        var final = (await account.GetOrderAsync(order.ClientOrderId))!;
        Assert.Equal(OrderStatus.Rejected, final.Status);
        Assert.StartsWith("never reached the venue", final.LastVenueError, StringComparison.Ordinal);
        Assert.IsType<OrderRejected>((await account.ReadAll())[^1].Event);
    }

    [Fact]
    public async Task A_pending_new_order_the_venue_did_receive_is_resolved_by_its_answer()
    {
        var (accountId, account, order) = await PendingNewNeverRouted("pn-found");

        await _venue.Send(accountId,
            VenueDriver.Update(accountId, order, VenueOrderEventKind.Accepted, new VenueOrderId("q-1")) with { Source = VenueEventSource.Response },
            VenueDriver.Fill(accountId, order, 0.001m, 59990m));

        var final = (await account.GetOrderAsync(order.ClientOrderId))!;
        Assert.Equal(OrderStatus.Filled, final.Status);
        Assert.Equal(new VenueOrderId("q-1"), final.VenueOrderId);
    }

    [Fact]
    public async Task An_unknown_outcome_keeps_the_order_in_flight()
    {
        var accountId = TestAccounts.New("unknown");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;

        await _venue.Send(accountId, VenueDriver.Update(accountId, order, VenueOrderEventKind.OutcomeUnknown, reason: "-1007 timeout waiting for response"));

        var after = (await account.GetOrderAsync(order.ClientOrderId))!;
        Assert.Equal(OrderStatus.PendingNew, after.Status);
        Assert.True(after.LeavesQuantity > 0m);
        Assert.Single(await account.ReadAll());
    }

    [Fact]
    public async Task Fills_the_position_grain_failed_to_take_are_retried_from_the_outbox()
    {
        var accountId = TestAccounts.New("outbox");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)))).Order;
        var positionKey = GrainKeys.Position(accountId, TestInstruments.BtcSpot);
        TestEnvironment.Faults.FailNext(nameof(IPositionGrain.ApplyFillsAsync), positionKey, times: 1);

        // The account applies and persists the fill; forwarding fails once and the fill stays in the outbox.
        await _venue.Send(accountId, VenueDriver.Fill(accountId, order, 0.001m, 60000m));
        Assert.Equal(0.001m, (await account.GetOrderAsync(order.ClientOrderId))!.FilledQuantity);

        // The maintenance timer resends it; the position applies it once.
        var position = await Eventually.Until(
            () => _grains.GetPosition(accountId, TestInstruments.BtcSpot).GetAsync(null),
            legs => legs.Count == 1 && legs[0].Quantity == 0.001m,
            "the outbox retry to reach the position");
        Assert.Equal(1, position[0].FillCount);
    }

    [Fact]
    public async Task The_outbox_is_resent_on_activation_and_duplicates_are_harmless()
    {
        var accountId = TestAccounts.New("outbox-act");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 60000m)))).Order;
        var positionKey = GrainKeys.Position(accountId, TestInstruments.BtcPerp);
        TestEnvironment.Faults.FailNext(nameof(IPositionGrain.ApplyFillsAsync), positionKey, times: 1000);

        await _venue.Send(accountId, VenueDriver.Fill(accountId, order, 0.004m, 60000m), VenueDriver.Fill(accountId, order, 0.006m, 60010m));
        Assert.Empty(await _grains.GetPosition(accountId, TestInstruments.BtcPerp).GetAsync(null));

        // Deactivate while the position still fails, so only the new activation can deliver the outbox.
        await fixture.Cluster.DeactivateAsync(account);
        TestEnvironment.Faults.FailNext(nameof(IPositionGrain.ApplyFillsAsync), positionKey, times: 0);
        var legs = await account.GetPositionsAsync();

        var leg = Assert.Single(legs);
        Assert.Equal(-0.01m, leg.Quantity);
        Assert.Equal(2, leg.FillCount);
        Assert.Equal(60006m, leg.AverageEntryPrice);
    }

    [Fact]
    public async Task Account_state_survives_deactivation()
    {
        var accountId = TestAccounts.New("persist");
        var account = await _grains.Provision(accountId, TestAccounts.Binance() with { DisplayName = "desk 7", ClientOrderIdPrefix = "d7" });
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m), "keep-1"))).Order;
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, order, VenueOrderEventKind.Accepted, new VenueOrderId("v-9")),
            VenueDriver.Fill(accountId, order, 0.001m, 60000m, fee: 0.06m),
            new VenueBalanceUpdate { Account = accountId, Timestamp = TestEnvironment.Clock.GetUtcNow(), IsSnapshot = true, Balances = [new("USDT", 940m, 60m)] });
        await account.BeginReconciliationAsync("test");
        var info = await account.GetInfoAsync();
        var orderBefore = await account.GetOrderAsync(order.ClientOrderId);
        var reportsBefore = await account.ReadAll();
        var balancesBefore = await account.GetBalancesAsync();
        var positionsBefore = await account.GetPositionsAsync();

        await fixture.Cluster.DeactivateAsync(account);
        await fixture.Cluster.DeactivateAsync(_grains.GetPosition(accountId, TestInstruments.BtcSpot));

        var infoAfter = await account.GetInfoAsync();
        Assert.Equal(info.Config.Markets, infoAfter.Config.Markets);
        Assert.Equal(info with { Config = info.Config with { Markets = [] } }, infoAfter with { Config = infoAfter.Config with { Markets = [] } });
        OrderAssert.Same(orderBefore, await account.GetOrderAsync(order.ClientOrderId));
        var reportsAfter = await account.ReadAll();
        Assert.Equal(reportsBefore.Select(r => (r.Sequence, r.Event)), reportsAfter.Select(r => (r.Sequence, r.Event)));
        Assert.Equal(balancesBefore, await account.GetBalancesAsync());
        Assert.Equal(positionsBefore, await account.GetPositionsAsync());
        // Idempotency and the id counter survive too.
        Assert.False((await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m), "keep-1"))).Created);
        await account.EndReconciliationAsync();
        var next = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)));
        Assert.Equal($"d7-{ClientOrderIds.AccountHash(accountId)}-1", next.Order.ClientOrderId.Value);
        Assert.Equal(info.LastSequence + 1, (await account.ReadAll(info.LastSequence)).Single().Sequence);
    }

    [Fact]
    public async Task Orders_and_the_report_stream_survive_the_account_moving_to_another_silo()
    {
        var accountId = TestAccounts.New("migrate");
        var account = await _grains.Provision(accountId);
        var first = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));
        Assert.True(fixture.Cluster.TryGetGrainContext(account.GetGrainId(), out var context));
        var from = context!.Address.SiloAddress;
        var to = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).First(s => !s.Equals(from));

        await fixture.Cluster.MigrateAsync(account, to);
        Assert.True(fixture.Cluster.TryGetGrainContext(account.GetGrainId(), out var moved));
        Assert.Equal(to, moved!.Address.SiloAddress);
        OrderAssert.Same(first.Order, await account.GetOrderAsync(first.Order.ClientOrderId));
        var submitted = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));
        var reports = await account.ReadAll();

        ReportReading.AssertGapFree(reports);
        Assert.Equal(submitted.Order.ClientOrderId, reports[^1].Order.ClientOrderId);
    }
}
