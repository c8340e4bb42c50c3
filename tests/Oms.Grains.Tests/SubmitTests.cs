namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SubmitTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Submit_persists_the_intent_then_routes_one_place_command()
    {
        var accountId = TestAccounts.New("submit");
        var account = await _grains.Provision(accountId);

        var result = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        Assert.True(result.Created);
        Assert.Equal(OrderStatus.PendingNew, result.Order.Status);
        Assert.Equal(TestEnvironment.Clock.GetUtcNow(), result.Order.CreatedAt);
        var place = Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderCommand>(accountId));
        Assert.Equal(result.Order.ClientOrderId, place.ClientOrderId);
        Assert.Equal(result.Order.Spec, place.Spec);
        OrderAssert.Same(result.Order, await account.GetOrderAsync(result.Order.ClientOrderId));
        var report = Assert.Single(await account.ReadAll());
        Assert.IsType<OrderSubmitted>(report.Event);
        OrderAssert.Same(result.Order, report.Order);
    }

    [Fact]
    public async Task Generated_client_order_ids_are_deterministic_venue_legal_and_distinct()
    {
        var accountId = TestAccounts.New("ids");
        var account = await _grains.Provision(accountId);
        var hash = ClientOrderIds.AccountHash(accountId);

        var first = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));
        var second = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        Assert.Equal($"oms-{hash}-1", first.Order.ClientOrderId.Value);
        Assert.Equal($"oms-{hash}-2", second.Order.ClientOrderId.Value);
        Assert.All(new[] { first, second }, r => Assert.True(r.Order.ClientOrderId.Value.Length <= ClientOrderId.MaxLength));
    }

    [Fact]
    public async Task Duplicate_submit_with_the_same_client_order_id_returns_the_same_order()
    {
        var accountId = TestAccounts.New("dup");
        var account = await _grains.Provision(accountId);
        var submit = Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "strat-a-0001");

        var first = await account.SubmitOrderAsync(submit);
        await _venue.Ack(accountId, first.Order);
        var again = await account.SubmitOrderAsync(submit);
        // Even a different spec under the same id answers with the existing order: never a second one.
        var different = await account.SubmitOrderAsync(submit with { Spec = submit.Spec with { Quantity = 0.5m } });

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.False(different.Created);
        Assert.Equal(OrderStatus.New, again.Order.Status);
        OrderAssert.Same(again.Order, different.Order);
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderCommand>(accountId));
        Assert.Single(await account.ListOrdersAsync(new OrderQuery()));
    }

    [Fact]
    public async Task Concurrent_submits_with_the_same_client_order_id_create_exactly_one_order()
    {
        var accountId = TestAccounts.New("race");
        await _grains.Provision(accountId);
        var submit = Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 61000m), "race-1");

        // Many callers, each with its own grain reference, all at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => _grains.GetAccount(accountId).SubmitOrderAsync(submit))));

        Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(results[0].Order.ClientOrderId, r.Order.ClientOrderId));
        Assert.All(results, r => Assert.Equal(results[0].Order.CreatedAt, r.Order.CreatedAt));
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderCommand>(accountId));
        Assert.Single(await _grains.GetAccount(accountId).ReadAll());
    }

    [Fact]
    public async Task A_route_refusal_rejects_the_order_with_the_reason_and_nothing_is_sent()
    {
        var accountId = TestAccounts.New("refuse");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Venue.SetBehavior<PlaceOrderCommand>(accountId, RouteBehavior.Refuse);

        var result = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        Assert.True(result.Created);
        Assert.Equal(OrderStatus.Rejected, result.Order.Status);
        Assert.Contains("VENUE_UNAVAILABLE", result.Order.LastVenueError, StringComparison.Ordinal);
        Assert.Contains("no connector serves Binance", result.Order.LastVenueError, StringComparison.Ordinal);
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));
        var reports = await account.ReadAll();
        Assert.Collection(reports, r => Assert.IsType<OrderSubmitted>(r.Event), r => Assert.IsType<OrderRejected>(r.Event));
        OrderAssert.Same(result.Order, await account.GetOrderAsync(result.Order.ClientOrderId));
    }

    [Fact]
    public async Task Unprovisioned_accounts_deny_without_storing_anything()
    {
        var accountId = TestAccounts.New("ghost");
        var account = _grains.GetAccount(accountId);

        var result = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "ghost-1"));

        Assert.False(result.Created);
        Assert.Equal(DenialCode.AccountNotFound, result.Order.Denial?.Code);
        Assert.Null(await account.GetOrderAsync(new ClientOrderId("ghost-1")));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => account.GetInfoAsync());
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));
    }
}
