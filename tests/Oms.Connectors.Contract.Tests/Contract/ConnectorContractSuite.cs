using Oms.Connectors.Contract.Tests.Infrastructure;

namespace Oms.Connectors.Contract.Tests.Contract;

/// <summary>
/// The connector contract every venue connector passes, run through the whole OMS against the venue's simulator. Each
/// scenario ends with <see cref="ContractScenarios.AssertInSyncAsync"/>: orders, fills and balances equal the venue's.
/// A venue runs it by deriving a class that supplies its <see cref="VenueHarness"/> and fixture.
/// </summary>
public abstract class ConnectorContractSuite(EmbeddedOms oms, ITestOutputHelper output) : ContractScenarios(oms, output)
{
    [Fact]
    public async Task Every_supported_order_type_is_placed_amended_and_cancelled()
    {
        var account = await Venue.NewAccountAsync("types");
        var p = Venue.Price;
        // Far enough that nothing fills or triggers, near enough that the venue accepts the price (see RestingOffset).
        var below = Venue.RestingPrice(above: false);
        var above = Venue.RestingPrice(above: true);
        var n = 0;
        foreach (var type in Venue.SupportedOrderTypes.Where(t => t != OrderType.Market))
        {
            var spec = type switch
            {
                OrderType.Limit => Limit(OrderSide.Buy, below),
                OrderType.LimitMaker => Limit(OrderSide.Buy, below) with { Type = OrderType.LimitMaker },
                // Buy stops trigger when the price rises to the stop; take-profit buys when it falls to it.
                OrderType.StopMarket => Spec(OrderType.StopMarket, stop: above),
                OrderType.StopLimit => Spec(OrderType.StopLimit, stop: above, limit: above),
                OrderType.TakeProfitMarket => Spec(OrderType.TakeProfitMarket, stop: below),
                OrderType.TakeProfitLimit => Spec(OrderType.TakeProfitLimit, stop: below, limit: below),
                _ => throw new InvalidOperationException($"the suite has no resting shape for {type}"),
            };
            var id = $"t{++n}-{type}".ToLowerInvariant();
            await SubmitAsync(account, spec, id);
            await WaitForStatusAsync(account, id, OrderStatus.New);
            if (Venue.AmendsQuantityDown && type is OrderType.Limit or OrderType.LimitMaker)
            {
                var smaller = Venue.Quantity / 2m;
                var amend = await Account(account).AmendOrderAsync(new AmendOrder { ClientOrderId = new ClientOrderId(id), NewQuantity = smaller });
                Assert.True(amend.Accepted, $"amend of {id} was refused: {amend.Denial}");
                await WaitForOrderAsync(account, id, o => o.Status == OrderStatus.New && o.Quantity == smaller);
            }
            var cancel = await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId(id) });
            Assert.True(cancel.Accepted, $"cancel of {id} was refused: {cancel.Denial}");
            await WaitForStatusAsync(account, id, OrderStatus.Canceled);
        }

        if (Venue.SupportedOrderTypes.Contains(OrderType.Market))
        {
            await Venue.RestCounterpartyAsync(OrderSide.Sell, p, Venue.Quantity);
            await SubmitAsync(account, new OrderSpec { Instrument = Venue.Instrument, Side = OrderSide.Buy, Type = OrderType.Market, Quantity = Venue.Quantity }, "t-market");
            await WaitForStatusAsync(account, "t-market", OrderStatus.Filled);
        }
        await AssertInSyncAsync(account);

        OrderSpec Spec(OrderType type, decimal stop, decimal? limit = null) => new()
        {
            Instrument = Venue.Instrument, Side = OrderSide.Buy, Type = type, Quantity = Venue.Quantity, StopPrice = stop, LimitPrice = limit,
        };
    }

    [Fact]
    public async Task A_partial_fill_then_the_rest_fills_the_order()
    {
        var account = await Venue.NewAccountAsync("partial");
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price), "partial-1");
        await WaitForStatusAsync(account, "partial-1", OrderStatus.New);

        await Venue.TakeAsync(OrderSide.Sell, Venue.Price, Venue.Quantity / 4m);
        var partial = await WaitForStatusAsync(account, "partial-1", OrderStatus.PartiallyFilled);
        Assert.Equal(Venue.Quantity / 4m, partial.FilledQuantity);
        await AssertInSyncAsync(account);

        await Venue.TakeAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);
        var filled = await WaitForStatusAsync(account, "partial-1", OrderStatus.Filled);
        Assert.Equal(Venue.Quantity, filled.FilledQuantity);
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_fill_during_a_reconnect_is_applied_once()
    {
        var account = await Venue.NewAccountAsync("reconnect");
        await SubmitAsync(account, Limit(OrderSide.Sell, Venue.Price), "rc-1");
        await WaitForStatusAsync(account, "rc-1", OrderStatus.New);
        var reconciled = await Venue.CompletedReconciliationsAsync(account);

        // The connection drops; while the connector is reconnecting the order fills.
        await Venue.DropConnectionsAsync(account);
        await Venue.TakeAsync(OrderSide.Buy, Venue.Price, Venue.Quantity);

        await WaitForStatusAsync(account, "rc-1", OrderStatus.Filled);
        await AssertInSyncAsync(account);

        // The reconnect was followed by a reconciliation that ran to its end: the OMS may mirror the venue a moment
        // before that reconciliation ends (its events are applied, then it is ended), so this waits (bounded) for the
        // end, and fails if the account stays reconciling or no reconciliation completed after the drop.
        var deadline = DateTime.UtcNow + DefaultWait;
        long completed;
        bool reconciling;
        while (true)
        {
            completed = await Venue.CompletedReconciliationsAsync(account);
            reconciling = (await Account(account).GetInfoAsync()).Reconciling;
            if ((completed > reconciled && !reconciling) || DateTime.UtcNow > deadline) break;
            await Task.Delay(25);
        }
        Assert.True(completed > reconciled, $"no reconciliation completed after the reconnect ({completed} in all, {reconciled} before the drop)");
        Assert.False(reconciling, "the account is still reconciling after the reconnect");

        // And the account takes risk again: a new order is accepted (not denied as reconciling) and reaches the venue.
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "rc-2");
        await WaitForStatusAsync(account, "rc-2", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("rc-2") })).Accepted, "cancel of rc-2 was refused");
        await WaitForStatusAsync(account, "rc-2", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task Duplicated_and_reordered_events_are_applied_exactly_once()
    {
        var account = await Venue.NewAccountAsync("dupes");
        await Venue.SetStreamFaultsAsync(account, silence: false, duplicate: true, reorder: true);
        var tick = Venue.Price / 1000m;
        for (var i = 0; i < 3; i++)
        {
            await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price - i * tick), $"dup-{i}");
        }
        for (var i = 0; i < 3; i++) await WaitForStatusAsync(account, $"dup-{i}", OrderStatus.New);

        // One aggressor sweeps all three (several trades, each event sent twice and swapped with its neighbour).
        await Venue.TakeAsync(OrderSide.Sell, Venue.Price - 2 * tick, 3 * Venue.Quantity);
        for (var i = 0; i < 3; i++) await WaitForStatusAsync(account, $"dup-{i}", OrderStatus.Filled);
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task An_ambiguous_failure_that_executed_ends_filled_once_and_never_failed()
    {
        var account = await Venue.NewAccountAsync("ambiguous");
        await Venue.RestCounterpartyAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);
        await Venue.FailNextPlacementAfterExecutionAsync(account);

        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price), "amb-1");
        await WaitForStatusAsync(account, "amb-1", OrderStatus.Filled);
        var reports = await ReportsOfAsync(account, "amb-1");
        Assert.DoesNotContain(reports, r => r.Order.Status is OrderStatus.Rejected);
        var venue = await Venue.ReadAsync(account);
        Assert.Single(venue.Orders, o => o.ClientOrderId.Value == "amb-1");
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_silent_stream_is_detected_by_the_watchdog_and_the_missed_fill_recovered()
    {
        var account = await Venue.NewAccountAsync("silent");
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price), "silent-1");
        await WaitForStatusAsync(account, "silent-1", OrderStatus.New);

        // The socket stays open but the venue stops sending; the order fills meanwhile.
        await Venue.SetStreamFaultsAsync(account, silence: true, duplicate: false, reorder: false);
        await Venue.TakeAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);

        await WaitForStatusAsync(account, "silent-1", OrderStatus.Filled, TimeSpan.FromSeconds(40));
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_key_with_a_wrong_signature_is_rejected_clearly_and_nothing_is_left_hanging()
    {
        var account = await Venue.NewAccountWithWrongKeyAsync("wrongkey");
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "wk-1");

        var rejected = await WaitForStatusAsync(account, "wk-1", OrderStatus.Rejected, TimeSpan.FromSeconds(30));
        Output.WriteLine($"rejection: {rejected.LastVenueError}");
        Assert.Contains("-1022", rejected.LastVenueError, StringComparison.Ordinal);
        var venue = await Venue.ReadAsync(account);
        Assert.Empty(venue.Orders);
        // Balances cannot be read with a wrong key: orders and fills still agree (none).
        await AssertInSyncAsync(account, compareBalances: false);
    }
}

/// <summary>
/// The budget keeps the OMS inside the venue's limits: it learns them from the usage the venue reports (and freezes
/// on a 429 until Retry-After), so at most one request meets a 429 and none a 418; refused orders are never sent.
/// </summary>
public abstract class RateLimitContractSuite(EmbeddedOms oms, ITestOutputHelper output) : ContractScenarios(oms, output)
{
    [Fact]
    public async Task Lowered_venue_limits_are_honoured_and_the_OMS_is_never_banned()
    {
        var account = await Venue.NewAccountAsync("rate");
        var limit = await Venue.LowerOrderLimitSilentlyAsync();
        try
        {
            // A strategy keeps submitting, one order after the other's outcome, well past the venue's (lowered) limit.
            var final = new List<OrderSnapshot>();
            for (var i = 0; i < limit * 4; i++)
            {
                var id = $"rl-{i}";
                await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), id);
                final.Add(await WaitForOrderAsync(account, id, o => o.Status is OrderStatus.New or OrderStatus.Rejected));
            }
            var accepted = final.Count(o => o.Status == OrderStatus.New);
            var refused = final.Where(o => o.Status == OrderStatus.Rejected).ToList();
            var stats = await Venue.RequestStatsAsync(account);
            Output.WriteLine($"{accepted} accepted, {refused.Count} refused; the venue saw {stats.Total} order requests: " +
                $"{stats.RateLimited} rate-limited, {stats.Banned} banned");

            // At most one request met the venue's 429; after it the budget sent nothing more, so no ban.
            Assert.Equal(0, stats.Banned);
            Assert.InRange(stats.RateLimited, 0, 1);
            // The budget did the limiting (orders over the limit were refused here, not at the venue). A 10 s window may
            // roll over during the run, so more than the limit may be accepted in total.
            Assert.NotEmpty(refused);
            Assert.True(accepted >= 1, "nothing was accepted");
            Assert.Equal(accepted + stats.RateLimited, stats.Total);
            Assert.All(refused, o => Assert.Contains("RATE", o.LastVenueError ?? "", StringComparison.Ordinal));

            // Once the venue's window has passed, orders go through again.
            var after = await WaitForRecoveryAsync(account);
            Output.WriteLine($"accepted again after the window: {after.ClientOrderId}");
            await AssertInSyncAsync(account);
        }
        finally
        {
            await Venue.RestoreLimitsAsync();
        }
    }

    private async Task<OrderSnapshot> WaitForRecoveryAsync(AccountId account)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var id = $"rl-after-{attempt}";
            await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), id);
            var order = await WaitForOrderAsync(account, id, o => o.Status is OrderStatus.New or OrderStatus.Rejected);
            if (order.Status == OrderStatus.New) return order;
        }
        throw new Xunit.Sdk.XunitException("no order was accepted within 30 s after the rate limit window");
    }
}

/// <summary>The venue's clock differs from ours by seconds: the offset tracker keeps every signed request inside the receive window.</summary>
public abstract class ClockSkewContractSuite(EmbeddedOms oms, ITestOutputHelper output) : ContractScenarios(oms, output)
{
    [Fact]
    public async Task Orders_go_through_without_a_timestamp_rejection()
    {
        var account = await Venue.NewAccountAsync("skew");
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price), "skew-1");
        await WaitForStatusAsync(account, "skew-1", OrderStatus.New);
        await Venue.TakeAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);
        await WaitForStatusAsync(account, "skew-1", OrderStatus.Filled);
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "skew-2");
        await WaitForStatusAsync(account, "skew-2", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("skew-2") })).Accepted);
        await WaitForStatusAsync(account, "skew-2", OrderStatus.Canceled);

        var stats = await Venue.RequestStatsAsync(account);
        Assert.Equal(0, stats.InvalidTimestamp);
        await AssertInSyncAsync(account);
    }
}
