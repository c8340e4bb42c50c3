using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Oms.Grains.Tests;

/// <summary>
/// The account's hot/cold split: the persisted state holds open orders and bounded windows only, closed orders and
/// report history live in the journal and stay queryable, and fills are applied once however old their replay is.
/// Sizes are measured on the state as the grain wrote it to storage, serialized with the silo's Orleans serializer.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HotColdStateTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int OpenOrders = 100;
    private const int MaxBytesPerOpenOrder = 4096;

    private static readonly OmsGrainOptions Options = TestOptions();

    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Hot_state_stays_under_4_KB_per_open_order_and_does_not_grow_with_closed_history()
    {
        var accountId = TestAccounts.New("size");
        var account = await _grains.Provision(accountId);
        // 100 open orders, acknowledged, half of them partially filled.
        var open = new List<OrderSnapshot>();
        for (var i = 0; i < OpenOrders; i++)
        {
            var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m)))).Order;
            Assert.Equal(OrderStatus.PendingNew, order.Status);
            open.Add(order);
            var events = new List<VenueEvent> { VenueDriver.Update(accountId, order, VenueOrderEventKind.Accepted, new VenueOrderId($"v-{i}")) };
            if (i % 2 == 0) events.Add(VenueDriver.Fill(accountId, order, 0.001m, 60000m, fee: 0.06m));
            await _venue.Send(accountId, [.. events]);
        }
        var fresh = await SettledStateAsync(accountId, OpenOrders);

        // History: 300 orders placed, filled and closed, and 40 fills of orders the OMS does not know.
        for (var i = 0; i < 300; i++)
        {
            var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
            await _venue.Send(accountId,
                VenueDriver.Update(accountId, order, VenueOrderEventKind.Accepted, new VenueOrderId($"h-{i}")),
                VenueDriver.Fill(accountId, order, 0.001m, 60000m, fee: 0.06m));
        }
        for (var i = 0; i < 40; i++)
        {
            await _venue.Send(accountId, VenueDriver.Fill(accountId, TestInstruments.BtcSpot, new ClientOrderId($"ext-{i}"), OrderSide.Buy, 0.001m, 60000m));
        }
        var busy = await SettledStateAsync(accountId, OpenOrders);

        output.WriteLine($"hot state with {OpenOrders} open orders: {fresh.Bytes} bytes fresh ({fresh.Bytes / OpenOrders} per open order), "
            + $"{busy.Bytes} bytes after 300 closed orders and 340 fills ({busy.Bytes / OpenOrders} per open order)");
        Assert.Equal(OpenOrders, busy.State.Orders.Count);
        Assert.Empty(busy.State.ClosedOrders);
        Assert.Empty(busy.State.RecentReports);
        Assert.True(busy.State.RecentFills.Count <= Options.RecentTradeKeyRetention);
        Assert.True(fresh.Bytes / OpenOrders < MaxBytesPerOpenOrder, $"fresh account: {fresh.Bytes} bytes for {OpenOrders} open orders");
        Assert.True(busy.Bytes / OpenOrders < MaxBytesPerOpenOrder, $"busy account: {busy.Bytes} bytes for {OpenOrders} open orders");
        // 340 more fills and 300 closed orders add at most the (bounded) de-duplication window.
        var windowBytes = Options.RecentTradeKeyRetention * 128;
        Assert.True(busy.Bytes <= fresh.Bytes + windowBytes, $"state grew from {fresh.Bytes} to {busy.Bytes} bytes with closed history (window allowance {windowBytes})");

        // Everything closed is still there, from the journal.
        var all = await account.ListOrdersAsync(new OrderQuery { Limit = 10_000 });
        Assert.Equal(OpenOrders + 300, all.Count);
        Assert.Equal(OpenOrders, (await account.ListOrdersAsync(new OrderQuery { OpenOnly = true, Limit = 10_000 })).Count);
        Assert.Equal(OpenOrders, (await account.GetInfoAsync()).OpenOrderCount);
        var position = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(50 * 0.001m + 300 * 0.001m + 40 * 0.001m, position.Quantity);
        Assert.Equal(50 + 300 + 40, position.FillCount);
    }

    [Fact]
    public async Task Closed_orders_stay_queryable_and_old_fills_count_once_after_reactivation()
    {
        var accountId = TestAccounts.New("cold");
        var account = await _grains.Provision(accountId);
        var filled = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m), "cold-filled"))).Order;
        var canceled = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 59000m), "cold-canceled"))).Order;
        var first = VenueDriver.Fill(accountId, filled, 0.001m, 60000m, new TradeId("c-1"));
        var second = VenueDriver.Fill(accountId, filled, 0.001m, 60010m, new TradeId("c-2"));
        var orphan = VenueDriver.Fill(accountId, TestInstruments.BtcSpot, new ClientOrderId("ext-0"), OrderSide.Buy, 0.001m, 60000m, new TradeId("c-ext"));
        await _venue.Send(accountId, VenueDriver.Update(accountId, filled, VenueOrderEventKind.Accepted, new VenueOrderId("v-f")), first, second, orphan);
        await _venue.Send(accountId, VenueDriver.Update(accountId, canceled, VenueOrderEventKind.Canceled));
        // Push every key of those fills out of the hot window (16 in tests).
        for (var i = 1; i <= 40; i++)
        {
            await _venue.Send(accountId, VenueDriver.Fill(accountId, TestInstruments.BtcSpot, new ClientOrderId($"ext-{i}"), OrderSide.Buy, 0.001m, 60000m));
        }
        var reportsBefore = await account.ReadAll();
        var positionBefore = Assert.Single(await account.GetPositionsAsync());

        await fixture.Cluster.DeactivateAsync(account);
        var state = await StoredStateAsync(accountId);
        Assert.Empty(state.State.Orders);
        Assert.NotNull(state.State.DedupeHorizon);

        // Queries read the journal.
        var filledAfter = (await account.GetOrderAsync(filled.ClientOrderId))!;
        Assert.Equal(OrderStatus.Filled, filledAfter.Status);
        Assert.Equal(0.002m, filledAfter.FilledQuantity);
        Assert.Equal(new VenueOrderId("v-f"), filledAfter.VenueOrderId);
        Assert.Equal(OrderStatus.Canceled, (await account.GetOrderAsync(canceled.ClientOrderId))!.Status);
        Assert.Equal([canceled.ClientOrderId, filled.ClientOrderId], (await account.ListOrdersAsync(new OrderQuery())).Select(o => o.ClientOrderId));
        Assert.Empty(await account.ListOrdersAsync(new OrderQuery { OpenOnly = true }));
        // Idempotency by client order id reaches closed orders; commands on them say why they are refused.
        var again = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.002m, 60000m), "cold-filled"));
        Assert.False(again.Created);
        Assert.Equal(OrderStatus.Filled, again.Order.Status);
        var cancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = canceled.ClientOrderId });
        Assert.Equal(DenialCode.OrderNotCancelable, cancel.Denial?.Code);

        // Replays of fills the hot state no longer holds, including one of an unknown order: nothing changes.
        await _venue.Send(accountId, first, second with { Source = VenueEventSource.Reconciliation }, orphan);
        Assert.Equal(reportsBefore.Count, (await account.ReadAll()).Count);
        Assert.Equal(0.002m, (await account.GetOrderAsync(filled.ClientOrderId))!.FilledQuantity);
        var positionAfter = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(positionBefore.Quantity, positionAfter.Quantity);
        Assert.Equal(positionBefore.FillCount, positionAfter.FillCount);

        // A genuinely new late fill of the archived cancelled order applies once, and the order goes back to the archive.
        var late = VenueDriver.Fill(accountId, canceled, 0.0005m, 59000m, new TradeId("c-late"));
        await _venue.Send(accountId, late);
        await _venue.Send(accountId, late);
        var reports = await account.ReadAll();
        ReportReading.AssertGapFree(reports);
        Assert.Equal(reportsBefore.Count + 1, reports.Count);
        var lateOrder = (await account.GetOrderAsync(canceled.ClientOrderId))!;
        Assert.Equal(OrderStatus.Canceled, lateOrder.Status);
        Assert.Equal(0.0005m, lateOrder.FilledQuantity);
        await fixture.Cluster.DeactivateAsync(account);
        await _venue.Send(accountId, late);
        Assert.Equal(0.0005m, (await account.GetOrderAsync(canceled.ClientOrderId))!.FilledQuantity);
        Assert.Equal(positionBefore.Quantity + 0.0005m, Assert.Single(await account.GetPositionsAsync()).Quantity);
        await SettledStateAsync(accountId, 0);
    }

    [Fact]
    public async Task A_closed_order_stays_in_the_hot_state_until_the_journal_took_it()
    {
        var accountId = TestAccounts.New("archive-down");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Journal.FailArchives(accountId, fail: true);
        try
        {
            var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "down-1"))).Order;
            var fill = VenueDriver.Fill(accountId, order, 0.001m, 60000m);
            await _venue.Send(accountId, fill);

            // The archive failed: the closed order and its fill key are still in the persisted hot state.
            await fixture.Cluster.DeactivateAsync(account);
            var stored = await StoredStateAsync(accountId);
            Assert.Equal([order.ClientOrderId], stored.State.ClosedOrders);
            Assert.Equal(OrderStatus.Filled, stored.State.Orders[order.ClientOrderId].Order.Status);
            Assert.Equal(OrderStatus.Filled, (await account.GetOrderAsync(order.ClientOrderId))!.Status);
            await _venue.Send(accountId, fill);
            Assert.Equal(1, Assert.Single(await account.GetPositionsAsync()).FillCount);
        }
        finally
        {
            TestEnvironment.Journal.FailArchives(accountId, fail: false);
        }

        // Once the journal is back (maintenance timer or next activation) the order moves there.
        await SettledStateAsync(accountId, 0);
        Assert.Equal(OrderStatus.Filled, (await account.GetOrderAsync(new ClientOrderId("down-1")))!.Status);
        Assert.Single(await account.ListOrdersAsync(new OrderQuery()));
    }

    private static OmsGrainOptions TestOptions()
    {
        var options = new OmsGrainOptions();
        TestEnvironment.Configure(options);
        return options;
    }

    /// <summary>Waits until the stored state holds exactly <paramref name="openOrders"/> orders (closed ones archived, removal written).</summary>
    private async Task<(AccountState State, int Bytes)> SettledStateAsync(AccountId account, int openOrders) =>
        await Eventually.Until(
            () => StoredStateAsync(account),
            s => s.State.Orders.Count == openOrders && s.State.ClosedOrders.Count == 0 && s.State.RecentReports.Count == 0 && s.State.UnarchivedFills.Count == 0,
            $"account {account} to store only its {openOrders} open orders");

    /// <summary>The account's state as storage holds it, and its size in the Orleans serializer's format.</summary>
    private async Task<(AccountState State, int Bytes)> StoredStateAsync(AccountId account)
    {
        var silo = (InProcessSiloHandle?)fixture.Cluster.Primary ?? throw new InvalidOperationException("the test cluster has no primary silo");
        var services = silo.SiloHost.Services;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(OmsStorage.Name);
        var state = new GrainState<AccountState>();
        await storage.ReadStateAsync(OmsStorage.AccountState, _grains.GetAccount(account).GetGrainId(), state);
        var bytes = services.GetRequiredService<Serializer>().SerializeToArray(state.State).Length;
        return (state.State!, bytes);
    }
}
