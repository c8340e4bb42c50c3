namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FillTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Every_ordering_of_ack_fills_and_duplicates_gives_the_same_order_and_position()
    {
        // Three fills and a duplicate of the second, plus the acknowledgement, in every distinct order (60).
        var events = new[] { "ack", "f1", "f2", "f3", "f2" };
        var orderings = Permutations(events).Select(p => string.Join(",", p)).Distinct().Select(s => s.Split(',')).ToArray();
        Assert.Equal(60, orderings.Length);
        var tradeIds = new Dictionary<string, TradeId> { ["f1"] = new("t1"), ["f2"] = new("t2"), ["f3"] = new("t3") };
        var prices = new Dictionary<string, decimal> { ["f1"] = 60000m, ["f2"] = 60010m, ["f3"] = 60020m };

        var outcomes = new List<(OrderSnapshot Order, PositionSnapshot Position)>();
        foreach (var ordering in orderings)
        {
            var accountId = TestAccounts.New("perm");
            var account = await _grains.Provision(accountId);
            var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.003m, 60100m), "perm-1"))).Order;
            foreach (var step in ordering)
            {
                VenueEvent e = step == "ack"
                    ? VenueDriver.Update(accountId, order, VenueOrderEventKind.Accepted, new VenueOrderId("v-1"))
                    : VenueDriver.Fill(accountId, order, 0.001m, prices[step], tradeIds[step], fee: 0.024m);
                await _venue.Send(accountId, e);
            }

            var final = (await account.GetOrderAsync(order.ClientOrderId))!;
            var position = Assert.Single(await account.GetPositionsAsync());
            var reports = await account.ReadAll();
            ReportReading.AssertGapFree(reports);
            OrderAssert.Same(final, reports[^1].Order);
            Assert.Equal(3, reports.Count(r => r.Event is OrderFilled));
            outcomes.Add((final, position));
        }

        foreach (var (order, position) in outcomes)
        {
            Assert.Equal(OrderStatus.Filled, order.Status);
            Assert.Equal(0.003m, order.FilledQuantity);
            Assert.Equal(60010m, order.AveragePrice);
            Assert.Equal(new VenueOrderId("v-1"), order.VenueOrderId);
            Assert.Equal(new Money(0.072m, "USDT"), Assert.Single(order.Fees));
            Assert.Equal(0.003m, position.Quantity);
            Assert.Equal(60010m, position.AverageEntryPrice);
            Assert.Equal(-0.072m, position.RealizedPnl);
            Assert.Equal(0.072m, position.Fees);
            Assert.Equal(3, position.FillCount);
        }
    }

    [Fact]
    public async Task A_fill_before_the_acknowledgement_applies_and_the_late_ack_only_adds_the_venue_id()
    {
        var accountId = TestAccounts.New("early");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)))).Order;

        await _venue.Send(accountId, VenueDriver.Fill(accountId, order, 0.001m, 60000m));
        var afterFill = (await account.GetOrderAsync(order.ClientOrderId))!;
        await _venue.Ack(accountId, order, new VenueOrderId("late-ack"));
        var afterAck = (await account.GetOrderAsync(order.ClientOrderId))!;

        Assert.Equal(OrderStatus.PartiallyFilled, afterFill.Status);
        Assert.Equal(OrderStatus.PartiallyFilled, afterAck.Status);
        Assert.Equal(new VenueOrderId("late-ack"), afterAck.VenueOrderId);
        Assert.Equal(0.001m, afterAck.FilledQuantity);
        Assert.Equal(0.001m, afterAck.LeavesQuantity);
    }

    [Fact]
    public async Task A_fill_after_the_cancel_confirmation_still_applies_to_order_and_position()
    {
        var accountId = TestAccounts.New("late-fill");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)))).Order;
        await _venue.Ack(accountId, order);

        var cancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = order.ClientOrderId });
        Assert.True(cancel.Accepted);
        Assert.Equal(OrderStatus.PendingCancel, cancel.Order!.Status);
        Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));
        await _venue.Send(accountId, VenueDriver.Update(accountId, order, VenueOrderEventKind.Canceled, reason: "canceled by user"));
        // The venue traded part of it just before the cancel; the execution arrives afterwards.
        await _venue.Send(accountId, VenueDriver.Fill(accountId, order, 0.0005m, 60000m));

        var final = (await account.GetOrderAsync(order.ClientOrderId))!;
        Assert.Equal(OrderStatus.Canceled, final.Status);
        Assert.Equal(0.0005m, final.FilledQuantity);
        var position = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(0.0005m, position.Quantity);
        Assert.Equal(0m, (await account.GetInfoAsync()).OpenOrderCount);
    }

    [Fact]
    public async Task A_fill_for_an_unknown_order_still_reaches_the_position_once()
    {
        var accountId = TestAccounts.New("orphan");
        var account = await _grains.Provision(accountId);
        var fill = VenueDriver.Fill(accountId, TestInstruments.BtcSpot, new ClientOrderId("web-ui-123"), OrderSide.Buy, 0.01m, 59000m);

        await _venue.Send(accountId, fill);
        await _venue.Send(accountId, fill);
        await _venue.Send(accountId, fill with { Source = VenueEventSource.Reconciliation });

        Assert.Null(await account.GetOrderAsync(new ClientOrderId("web-ui-123")));
        var position = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(0.01m, position.Quantity);
        Assert.Equal(1, position.FillCount);
        Assert.Empty(await account.ReadAll());
    }

    [Fact]
    public async Task A_replayed_fill_of_an_evicted_order_is_still_recognised_as_a_duplicate()
    {
        var accountId = TestAccounts.New("evict");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "old-1"))).Order;
        var fill = VenueDriver.Fill(accountId, order, 0.001m, 60000m);
        await _venue.Send(accountId, fill);

        // Closed orders leave the hot state for the journal, and their fill keys pass through the de-duplication
        // window: more closed orders (denied ones close at once) and fills of unknown orders than the window holds.
        for (var i = 0; i < 50; i++)
        {
            var denied = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.000001m, 60000m)));
            Assert.Equal(OrderStatus.Denied, denied.Order.Status);
        }
        for (var i = 0; i < 40; i++)
        {
            await _venue.Send(accountId, VenueDriver.Fill(accountId, TestInstruments.BtcSpot, new ClientOrderId($"web-{i}"), OrderSide.Buy, 0.001m, 60000m));
        }
        // Still queryable, from the journal.
        Assert.Equal(OrderStatus.Filled, (await account.GetOrderAsync(order.ClientOrderId))!.Status);
        Assert.Equal(51, (await account.ListOrdersAsync(new OrderQuery { Limit = 1000 })).Count);

        await _venue.Send(accountId, fill);

        var position = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(0.041m, position.Quantity);
        Assert.Equal(41, position.FillCount);
        Assert.Equal(0.001m, (await account.GetOrderAsync(order.ClientOrderId))!.FilledQuantity);
    }

    [Fact]
    public async Task Balances_follow_snapshots_and_deltas()
    {
        var accountId = TestAccounts.New("bal");
        var account = await _grains.Provision(accountId);
        var at = TestEnvironment.Clock.GetUtcNow();

        await _venue.Send(accountId, new VenueBalanceUpdate { Account = accountId, Timestamp = at, IsSnapshot = true, Balances = [new("USDT", 1000m, 0m), new("BTC", 0.5m, 0m)] });
        await _venue.Send(accountId, new VenueBalanceUpdate { Account = accountId, Timestamp = at.AddSeconds(1), Balances = [new("USDT", 900m, 100m)] });
        var afterDelta = await account.GetBalancesAsync();
        await _venue.Send(accountId, new VenueBalanceUpdate { Account = accountId, Timestamp = at.AddSeconds(2), IsSnapshot = true, Balances = [new("USDT", 950m, 0m)] });
        var afterSnapshot = await account.GetBalancesAsync();

        Assert.Equal([new BalanceSnapshot("BTC", 0.5m, 0m, at), new BalanceSnapshot("USDT", 900m, 100m, at.AddSeconds(1))], afterDelta);
        Assert.Equal([new BalanceSnapshot("USDT", 950m, 0m, at.AddSeconds(2))], afterSnapshot);
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest)) yield return [items[i], .. tail];
        }
    }
}
