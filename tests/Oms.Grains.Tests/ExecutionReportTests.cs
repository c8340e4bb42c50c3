namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ExecutionReportTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Sequences_are_gap_free_across_submits_denials_rejections_cancels_amends_and_fills()
    {
        var accountId = TestAccounts.New("seq");
        var account = await _grains.Provision(accountId);
        var risk = _grains.GetRiskLimit(accountId);

        var a = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)))).Order;
        var denied = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000.001m)))).Order;
        var b = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 61000m)))).Order;
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, a, VenueOrderEventKind.Accepted, new VenueOrderId("a")),
            VenueDriver.Fill(accountId, a, 0.001m, 60000m),
            VenueDriver.Update(accountId, b, VenueOrderEventKind.Rejected, reason: "insufficient margin", venueCode: "-2019"));
        await account.AmendOrderAsync(new AmendOrder { ClientOrderId = a.ClientOrderId, NewLimitPrice = 60100m });
        await _venue.Send(accountId, VenueDriver.Update(accountId, a, VenueOrderEventKind.Replaced, limitPrice: 60100m));
        await risk.SetTradingStateAsync(TradingState.Halted, "test", "ops");
        var haltedDenial = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
        await account.CancelAllOrdersAsync(new CancelAllOrders());
        await _venue.Send(accountId, VenueDriver.Update(accountId, a, VenueOrderEventKind.Canceled));
        await _venue.Send(accountId, VenueDriver.Fill(accountId, a, 0.0005m, 60100m));

        var reports = await account.ReadAll();
        ReportReading.AssertGapFree(reports);
        Assert.Equal((await account.GetInfoAsync()).LastSequence, reports[^1].Sequence);
        Assert.Equal(
            ["OrderSubmitted", "OrderDenied", "OrderSubmitted", "OrderAccepted", "OrderFilled", "OrderRejected", "OrderPendingReplace",
             "OrderReplaced", "OrderDenied", "OrderPendingCancel", "OrderCanceled", "OrderFilled"],
            reports.Select(r => r.Event.GetType().Name));
        Assert.Equal(DenialCode.PriceNotOnTick, Assert.IsType<OrderDenied>(reports[1].Event).Denial.Code);
        Assert.Equal(denied.ClientOrderId, reports[1].Order.ClientOrderId);
        Assert.Equal(haltedDenial.ClientOrderId, reports[8].Order.ClientOrderId);
        Assert.Equal(OrderStatus.Canceled, reports[^1].Order.Status);
        Assert.Equal(0.0015m, reports[^1].Order.FilledQuantity);
    }

    [Fact]
    public async Task Resuming_after_a_sequence_returns_exactly_the_rest()
    {
        var accountId = TestAccounts.New("resume");
        var account = await _grains.Provision(accountId);
        for (var i = 0; i < 10; i++) await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        var rest = await account.ReadExecutionReportsAsync(6, 100, TimeSpan.Zero);
        var page = await account.ReadExecutionReportsAsync(2, 3, TimeSpan.Zero);
        var none = await account.ReadExecutionReportsAsync(10, 100, TimeSpan.Zero);

        Assert.Equal([7L, 8, 9, 10], rest.Reports.Select(r => r.Sequence));
        Assert.False(rest.Truncated);
        Assert.Equal(10, rest.LastSequence);
        Assert.Equal([3L, 4, 5], page.Reports.Select(r => r.Sequence));
        Assert.Empty(none.Reports);
        Assert.Equal(10, none.LastSequence);
    }

    [Fact]
    public async Task A_waiting_read_is_woken_by_the_next_report()
    {
        var accountId = TestAccounts.New("wake");
        var account = await _grains.Provision(accountId);
        await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        // The grains' clock is fake and not advanced here, so the wait can only end because a report arrived.
        var read = account.ReadExecutionReportsAsync(1, 100, TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(read.IsCompleted);
        var submitted = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 61000m)));
        var batch = await read.WaitAsync(TimeSpan.FromSeconds(20));

        var report = Assert.Single(batch.Reports);
        Assert.Equal(2, report.Sequence);
        Assert.Equal(submitted.Order.ClientOrderId, report.Order.ClientOrderId);
    }

    [Fact]
    public async Task A_waiting_read_returns_empty_when_its_wait_elapses_on_the_grain_clock()
    {
        var accountId = TestAccounts.New("idle");
        var account = await _grains.Provision(accountId);

        var read = account.ReadExecutionReportsAsync(0, 100, TimeSpan.FromSeconds(5));
        // Advance the fake clock until the read gives up (it may not have started waiting at the first advance).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!read.IsCompleted && DateTime.UtcNow < deadline)
        {
            TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        var batch = await read.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(batch.Reports);
        Assert.Equal(0, batch.LastSequence);
        Assert.False(batch.Truncated);
    }

    [Fact]
    public async Task Resuming_before_the_ring_is_served_from_the_journal()
    {
        var accountId = TestAccounts.New("journal");
        var account = await _grains.Provision(accountId);
        for (var i = 0; i < 40; i++) await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        var all = await account.ReadAll();

        ReportReading.AssertGapFree(all);
        Assert.Equal(40, all.Count);
    }

    [Fact]
    public async Task Resuming_before_the_ring_without_a_journal_is_truncated_and_says_where_it_starts()
    {
        var accountId = TestAccounts.New("trunc");
        TestEnvironment.Journal.Disable(accountId);
        var account = await _grains.Provision(accountId);
        for (var i = 0; i < 40; i++) await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        var batch = await account.ReadExecutionReportsAsync(3, 100, TimeSpan.Zero);
        var inRing = await account.ReadExecutionReportsAsync(8, 100, TimeSpan.Zero);

        // Ring capacity is 32 in tests: 40 reports keep 9..40.
        Assert.True(batch.Truncated);
        Assert.Equal(9, batch.FirstAvailableSequence);
        Assert.Equal(Enumerable.Range(9, 32).Select(i => (long)i), batch.Reports.Select(r => r.Sequence));
        Assert.False(inRing.Truncated);
        Assert.Equal(32, inRing.Reports.Count);
    }
}
