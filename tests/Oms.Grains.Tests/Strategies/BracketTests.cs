using Oms.Grains.Tests.Strategies.Infrastructure;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

[Collection(StrategyCollection.Name)]
public sealed class BracketTests(StrategyClusterFixture fixture)
{
    private static readonly InstrumentId Perp = TestInstruments.BtcPerp;
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task The_stop_fires_and_the_take_profit_is_cancelled()
    {
        var d = await NewAsync(_grains, "br-sl");
        var submitted = await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        Assert.True(submitted.Created);
        Assert.Equal(StrategyStatus.Working, submitted.Strategy!.Status);
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        Assert.Single(d.Places);

        await d.AckAsync(ChildRole.Entry, 1, Perp);
        await d.FillAsync(entry, 0.010m, 50000m);
        var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
        var profit = await d.PlacedAsync(ChildRole.TakeProfit, 1);
        Assert.Equal((OrderSide.Sell, OrderType.StopMarket, 0.010m, (decimal?)49000m, true), (stop.Spec.Side, stop.Spec.Type, stop.Spec.Quantity, stop.Spec.StopPrice, stop.Spec.ReduceOnly));
        Assert.Equal((OrderSide.Sell, OrderType.Limit, 0.010m, (decimal?)52000m, true), (profit.Spec.Side, profit.Spec.Type, profit.Spec.Quantity, profit.Spec.LimitPrice, profit.Spec.ReduceOnly));
        await d.AckAsync(ChildRole.StopLoss, 1, Perp);
        await d.AckAsync(ChildRole.TakeProfit, 1, Perp);

        await d.FillAsync(stop, 0.010m, 48990m);
        await d.CancelRoutedAsync(ChildRole.TakeProfit, 1);
        await d.CanceledAsync(ChildRole.TakeProfit, 1, Perp);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(0.010m, final.FilledQuantity);
        Assert.Equal(0m, final.OpenQuantity);
        Assert.Equal([OrderStatus.Filled, OrderStatus.Filled, OrderStatus.Canceled], final.Children.Select(c => c.Order!.Status));
        Assert.Equal(3, d.Places.Count);
        Assert.Equal(d.Child(ChildRole.TakeProfit, 1), Assert.Single(d.Cancels).ClientOrderId);
    }

    [Fact]
    public async Task The_take_profit_fires_and_the_stop_is_cancelled_on_a_short()
    {
        var d = await NewAsync(_grains, "br-tp");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Sell, 0.005m, 50000m), StopMarket(51000m), LimitTakeProfit(48000m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);
        await d.FillAsync(entry, 0.005m, 50000m);
        var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
        var profit = await d.PlacedAsync(ChildRole.TakeProfit, 1);
        Assert.Equal((OrderSide.Buy, (decimal?)51000m), (stop.Spec.Side, stop.Spec.StopPrice));
        Assert.Equal((OrderSide.Buy, (decimal?)48000m), (profit.Spec.Side, profit.Spec.LimitPrice));
        await d.AckAsync(ChildRole.StopLoss, 1, Perp);
        await d.AckAsync(ChildRole.TakeProfit, 1, Perp);

        await d.FillAsync(profit, 0.005m, 48000m);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 1);
        await d.CanceledAsync(ChildRole.StopLoss, 1, Perp);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(OrderStatus.Canceled, final.Children.Single(c => c.Role == ChildRole.StopLoss).Order!.Status);
        Assert.Equal(OrderStatus.Filled, final.Children.Single(c => c.Role == ChildRole.TakeProfit).Order!.Status);
        Assert.Equal(3, d.Places.Count);
    }

    [Fact]
    public async Task Partial_entry_fills_resize_the_legs_and_a_partial_exit_shrinks_the_sibling()
    {
        var d = await NewAsync(_grains, "br-partial");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);

        // 0.004 filled: both legs for 0.004.
        await d.FillAsync(entry, 0.004m, 50000m);
        Assert.Equal(0.004m, (await d.PlacedAsync(ChildRole.StopLoss, 1)).Spec.Quantity);
        Assert.Equal(0.004m, (await d.PlacedAsync(ChildRole.TakeProfit, 1)).Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 1, Perp);
        await d.AckAsync(ChildRole.TakeProfit, 1, Perp);

        // 0.007 filled: the limit take-profit is amended, the stop (not amendable) is cancelled and replaced.
        await d.FillAsync(entry, 0.003m, 50000m);
        Assert.Equal(0.007m, (await d.AmendRoutedAsync(ChildRole.TakeProfit, 1)).NewQuantity);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 1);
        Assert.DoesNotContain(d.Places, p => p.ClientOrderId == d.Child(ChildRole.StopLoss, 2));
        await d.ReplacedAsync(ChildRole.TakeProfit, 1, Perp, 0.007m);
        await d.CanceledAsync(ChildRole.StopLoss, 1, Perp);
        Assert.Equal(0.007m, (await d.PlacedAsync(ChildRole.StopLoss, 2)).Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 2, Perp);

        // Entry complete: legs for 0.010.
        await d.FillAsync(entry, 0.003m, 50000m);
        Assert.Equal(0.010m, (await StrategyDriver.WaitUntilAsync(() => d.Amends.Where(a => a.ClientOrderId == d.Child(ChildRole.TakeProfit, 1)).ToArray(), a => a.Length == 2, "a second amend"))[1].NewQuantity);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 2);
        await d.ReplacedAsync(ChildRole.TakeProfit, 1, Perp, 0.010m);
        await d.CanceledAsync(ChildRole.StopLoss, 2, Perp);
        var stop3 = await d.PlacedAsync(ChildRole.StopLoss, 3);
        Assert.Equal(0.010m, stop3.Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 3, Perp);

        // The take-profit fills 0.004: the stop shrinks to the 0.006 still open.
        var profit = d.Places.Single(p => p.ClientOrderId == d.Child(ChildRole.TakeProfit, 1));
        await d.FillAsync(profit, 0.004m, 52000m);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 3);
        await d.CanceledAsync(ChildRole.StopLoss, 3, Perp);
        Assert.Equal(0.006m, (await d.PlacedAsync(ChildRole.StopLoss, 4)).Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 4, Perp);
        var working = await d.WaitAsync(s => s.OpenQuantity == 0.006m, "0.006 open");
        Assert.Equal(StrategyStatus.Working, working.Status);

        // The rest of the take-profit fills: nothing left to protect, the stop is cancelled.
        await d.FillAsync(profit, 0.006m, 52000m);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 4);
        await d.CanceledAsync(ChildRole.StopLoss, 4, Perp);
        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(0.010m, final.FilledQuantity);

        // At no time was more protective quantity resting than the position the entry built.
        Assert.Equal([0.004m, 0.007m, 0.010m, 0.006m], d.Places.Where(p => p.Spec.Type == OrderType.StopMarket).Select(p => p.Spec.Quantity));
    }

    [Fact]
    public async Task Late_notifications_from_before_an_amend_neither_refuse_it_nor_turn_the_resize_into_cancel_and_replace()
    {
        var d = await NewAsync(_grains, "br-late");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);
        await d.FillAsync(entry, 0.004m, 50000m);
        await d.PlacedAsync(ChildRole.StopLoss, 1);
        await d.PlacedAsync(ChildRole.TakeProfit, 1);
        await d.AckAsync(ChildRole.StopLoss, 1, Perp);
        await d.AckAsync(ChildRole.TakeProfit, 1, Perp);
        // What the account notified when the take-profit was acknowledged (working, 0.004).
        var acknowledged = (await d.OrderAsync(d.Child(ChildRole.TakeProfit, 1)))!;
        Assert.Equal((OrderStatus.New, 0.004m), (acknowledged.Status, acknowledged.Quantity));

        await d.FillAsync(entry, 0.003m, 50000m);
        Assert.Equal(0.007m, (await d.AmendRoutedAsync(ChildRole.TakeProfit, 1)).NewQuantity);
        await d.CancelRoutedAsync(ChildRole.StopLoss, 1);
        var pending = (await d.OrderAsync(d.Child(ChildRole.TakeProfit, 1)))!;
        Assert.Equal(OrderStatus.PendingReplace, pending.Status);

        // The racy order: the acknowledgement's notification reaches the strategy only now, while the amend is in flight
        // (it waited behind a turn that had already read the newer state). Venue and OMS times are coarse: it carries
        // the same time as the pending amend, so nothing but the order of arrival tells them apart.
        var late = acknowledged with { UpdatedAt = pending.UpdatedAt };
        await d.Grain.OnChildOrderChangedAsync(late);
        await d.Grain.ReconcileAsync();

        await d.ReplacedAsync(ChildRole.TakeProfit, 1, Perp, 0.007m);
        await d.CanceledAsync(ChildRole.StopLoss, 1, Perp);
        Assert.Equal(0.007m, (await d.PlacedAsync(ChildRole.StopLoss, 2)).Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 2, Perp);
        // The same late news after the amend settled changes nothing either (no amend back to 0.007 is sent again).
        await d.Grain.OnChildOrderChangedAsync(late with { UpdatedAt = (await d.OrderAsync(d.Child(ChildRole.TakeProfit, 1)))!.UpdatedAt });
        await d.Grain.ReconcileAsync();

        // The entry completes: the take-profit is amended a second time, still never cancelled.
        await d.FillAsync(entry, 0.003m, 50000m);
        var amends = await StrategyDriver.WaitUntilAsync(() => d.Amends.Where(a => a.ClientOrderId == d.Child(ChildRole.TakeProfit, 1)).ToArray(), a => a.Length >= 2, "a second amend");
        Assert.Equal([0.007m, 0.010m], amends.Select(a => a.NewQuantity!.Value));
        await d.CancelRoutedAsync(ChildRole.StopLoss, 2);
        await d.ReplacedAsync(ChildRole.TakeProfit, 1, Perp, 0.010m);
        await d.CanceledAsync(ChildRole.StopLoss, 2, Perp);
        Assert.Equal(0.010m, (await d.PlacedAsync(ChildRole.StopLoss, 3)).Spec.Quantity);
        var strategy = await d.WaitAsync(s => s.Children.Single(c => c.ClientOrderId == d.Child(ChildRole.TakeProfit, 1)).Order!.Quantity == 0.010m, "the take-profit at 0.010");
        Assert.Equal(StrategyStatus.Working, strategy.Status);
        Assert.DoesNotContain(d.Cancels, c => c.ClientOrderId == d.Child(ChildRole.TakeProfit, 1));
        Assert.DoesNotContain(d.Places, p => p.ClientOrderId == d.Child(ChildRole.TakeProfit, 2));
        Assert.Equal(2, d.Amends.Count);
    }

    [Fact]
    public async Task Legs_too_small_for_the_filters_wait_for_more_of_the_entry()
    {
        var d = await NewAsync(_grains, "br-small");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);

        // 0.001 filled: legs of 49 and 52 USDT are below the 100 USDT minimum notional and are denied.
        await d.FillAsync(entry, 0.001m, 50000m);
        var small = await d.WaitAsync(s => s.Children.Count == 3, "both legs tried");
        Assert.All(small.Children.Where(c => c.Role != ChildRole.Entry), c => Assert.Equal(DenialCode.NotionalBelowMin, c.Order!.Denial!.Code));
        Assert.Single(d.Places);

        // 0.004 filled: now they pass.
        await d.FillAsync(entry, 0.003m, 50000m);
        Assert.Equal(0.004m, (await d.PlacedAsync(ChildRole.StopLoss, 2)).Spec.Quantity);
        Assert.Equal(0.004m, (await d.PlacedAsync(ChildRole.TakeProfit, 2)).Spec.Quantity);
        Assert.Equal(StrategyStatus.Working, (await d.SnapshotAsync()).Status);
    }

    [Fact]
    public async Task An_entry_cancelled_before_any_fill_places_nothing()
    {
        var d = await NewAsync(_grains, "br-cancel");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);

        var cancel = await d.Grain.CancelAsync("strategy-tests");
        Assert.True(cancel.Accepted);
        Assert.Equal(StrategyStatus.Cancelling, cancel.Strategy!.Status);
        await d.CancelRoutedAsync(ChildRole.Entry, 1);
        await d.CanceledAsync(ChildRole.Entry, 1, Perp);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Cancelled, final.Status);
        Assert.Equal("cancelled by strategy-tests", final.Reason);
        Assert.Single(d.Places);
        var again = await d.Grain.CancelAsync("strategy-tests");
        Assert.Equal(DenialCode.OrderNotCancelable, again.Denial!.Code);
    }

    [Fact]
    public async Task An_entry_the_venue_expires_unfilled_ends_the_bracket_with_nothing_placed()
    {
        var d = await NewAsync(_grains, "br-expire");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), null));
        await d.PlacedAsync(ChildRole.Entry, 1);
        await d.SendAsync(d.Update(d.Child(ChildRole.Entry, 1), Perp, VenueOrderEventKind.Expired));

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Cancelled, final.Status);
        Assert.Contains("expired outside the strategy", final.Reason, StringComparison.Ordinal);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task A_denied_entry_fails_the_bracket()
    {
        var d = await NewAsync(_grains, "br-denied");
        var result = await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.0001m, 50000m), StopMarket(49000m), null));

        Assert.Equal(StrategyStatus.Failed, result.Strategy!.Status);
        Assert.Contains("QUANTITY_BELOW_MIN", result.Strategy.Reason, StringComparison.Ordinal);
        Assert.Empty(d.Places);
    }

    [Fact]
    public async Task A_malformed_bracket_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var d = await NewAsync(_grains, "br-invalid");
        var result = await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(50500m), null));

        Assert.Null(result.Strategy);
        Assert.Equal("stop_loss.stop_price", result.Problem!.Field);
        Assert.Null(await d.Grain.GetAsync());
        Assert.Empty(d.Places);
    }

    [Fact]
    public async Task A_resubmission_and_duplicate_or_stale_notifications_change_nothing()
    {
        var d = await NewAsync(_grains, "br-dup");
        var command = Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m));
        await d.Grain.SubmitBracketAsync(command);
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);
        var acknowledged = (await d.OrderAsync(entry.ClientOrderId))!;
        var fill = d.FillEvent(entry, 0.010m, 50000m);
        await d.SendAsync(fill);
        await d.PlacedAsync(ChildRole.StopLoss, 1);
        await d.PlacedAsync(ChildRole.TakeProfit, 1);
        var filled = (await d.OrderAsync(entry.ClientOrderId))!;

        var again = await d.Grain.SubmitBracketAsync(command);
        await d.SendAsync(fill);
        await d.Grain.OnChildOrderChangedAsync(filled);
        await d.Grain.OnChildOrderChangedAsync(acknowledged);
        await d.Grain.OnChildOrderChangedAsync(filled);
        var snapshot = await d.Grain.ReconcileAsync();

        Assert.False(again.Created);
        Assert.Equal(OrderStatus.Filled, snapshot!.Children.Single(c => c.Role == ChildRole.Entry).Order!.Status);
        Assert.Equal(0.010m, snapshot.OpenQuantity);
        Assert.Equal(3, d.Places.Count);
        Assert.Empty(d.Cancels);
    }

    [Fact]
    public async Task Lost_notifications_are_caught_up_by_the_strategys_own_reads()
    {
        var d = await NewAsync(_grains, "br-lost");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), null));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        // Every notification about the entry is lost on the way.
        TestEnvironment.Faults.FailNext(nameof(IContingentOrderGrain.OnChildOrderChangedAsync), ContingentOrderIds.GrainKey(d.Account, d.Strategy), 1000);
        await d.AckAsync(ChildRole.Entry, 1, Perp);
        await d.FillAsync(entry, 0.010m, 50000m);

        // The strategy's timer re-reads the entry from the account and places the stop.
        var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
        TestEnvironment.Faults.FailNext(nameof(IContingentOrderGrain.OnChildOrderChangedAsync), ContingentOrderIds.GrainKey(d.Account, d.Strategy), 0);
        Assert.Equal(0.010m, stop.Spec.Quantity);
    }

    [Fact]
    public async Task A_bracket_resumes_after_deactivation_from_storage_and_the_account()
    {
        var d = await NewAsync(_grains, "br-resume");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);
        await fixture.Cluster.DeactivateAsync(d.Grain);
        // While the strategy is away, the entry fills and the notification is lost.
        TestEnvironment.Faults.FailNext(nameof(IContingentOrderGrain.OnChildOrderChangedAsync), ContingentOrderIds.GrainKey(d.Account, d.Strategy), 1);
        await d.FillAsync(entry, 0.010m, 50000m);

        // Any call activates it: it re-reads its children and places the legs.
        var snapshot = await d.Grain.GetAsync();
        Assert.NotNull(snapshot);
        Assert.Equal(0.010m, (await d.PlacedAsync(ChildRole.StopLoss, 1)).Spec.Quantity);
        Assert.Equal(0.010m, (await d.PlacedAsync(ChildRole.TakeProfit, 1)).Spec.Quantity);
        Assert.Equal(3, d.Places.Count);
    }

    [Fact]
    public async Task On_spot_only_one_leg_rests_and_the_legs_swap_when_the_take_profit_price_is_reached()
    {
        var spot = TestInstruments.EthSpot;
        var d = await NewAsync(_grains, "br-spot");
        StrategyEnvironment.Prices.Set(spot, null);
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(spot, OrderSide.Buy, 0.5m, 3000m), StopMarket(2900m), LimitTakeProfit(3200m)));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, spot);
        await d.FillAsync(entry, 0.5m, 3000m);

        // The stop rests (it protects); the take-profit waits in the OMS (spot has no reduce-only).
        var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
        Assert.Equal((OrderType.StopMarket, 0.5m, false), (stop.Spec.Type, stop.Spec.Quantity, stop.Spec.ReduceOnly));
        await d.AckAsync(ChildRole.StopLoss, 1, spot);
        Assert.DoesNotContain(d.Places, p => p.ClientOrderId == d.Child(ChildRole.TakeProfit, 1));

        // The market reaches the take-profit: the stop is cancelled first, then the take-profit goes out.
        StrategyEnvironment.Prices.Set(spot, 3201m);
        await d.Grain.ReconcileAsync();
        await d.CancelRoutedAsync(ChildRole.StopLoss, 1);
        Assert.DoesNotContain(d.Places, p => p.ClientOrderId == d.Child(ChildRole.TakeProfit, 1));
        await d.CanceledAsync(ChildRole.StopLoss, 1, spot);
        var profit = await d.PlacedAsync(ChildRole.TakeProfit, 1);
        Assert.Equal((OrderType.Limit, 0.5m, (decimal?)3200m), (profit.Spec.Type, profit.Spec.Quantity, profit.Spec.LimitPrice));
        await d.AckAsync(ChildRole.TakeProfit, 1, spot);
        await d.FillAsync(profit, 0.5m, 3200m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(3, d.Places.Count);
        StrategyEnvironment.Prices.Set(spot, null);
    }

    [Fact]
    public async Task A_leg_denied_while_the_account_reconciles_is_placed_again_and_the_bracket_completes()
    {
        var spot = TestInstruments.EthSpot;
        var d = await NewAsync(_grains, "br-reconciling");
        var account = _grains.GetAccount(d.Account);
        // The venue's balances before the entry: no ETH (spot has no reduce-only; a sell reduces only what is held).
        await d.SendAsync(new VenueBalanceUpdate { Account = d.Account, Timestamp = TestEnvironment.Clock.GetUtcNow(), IsSnapshot = true, Balances = [new("USDT", 10_000m, 0m), new("ETH", 0m, 0m)] });
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(spot, OrderSide.Buy, 0.5m, 3000m), StopMarket(2900m), null));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, spot);

        // A take-over (or a stream gap) reconciles the account, and the entry's fill arrives before the balance update
        // that shows the ETH bought: the stop-loss is denied because the account reconciles, not for good.
        await account.BeginReconciliationAsync("test: stream taken over");
        await d.FillAsync(entry, 0.5m, 3000m);
        var denied = await d.WaitAsync(s => s.Children.Any(c => c.Role == ChildRole.StopLoss && c.Order?.Status == OrderStatus.Denied), "the stop-loss to be denied");
        Assert.True(denied.Status == StrategyStatus.Working, $"the bracket ended {denied.Status}: {denied.Reason}");
        Assert.Equal(DenialCode.AccountReconciling, denied.Children.First(c => c.Role == ChildRole.StopLoss).Order!.Denial!.Code);
        Assert.DoesNotContain(d.Places, p => p.Spec.Side == OrderSide.Sell);

        // The reconciliation brings the balance and ends: the stop-loss goes out again as a later generation.
        await d.SendAsync(new VenueBalanceUpdate { Account = d.Account, Timestamp = TestEnvironment.Clock.GetUtcNow(), IsSnapshot = true, Balances = [new("USDT", 8_500m, 0m), new("ETH", 0.5m, 0m)] });
        await account.EndReconciliationAsync();
        var stop = (await StrategyDriver.WaitUntilAsync(() => d.Places.Where(p => p.Spec.Side == OrderSide.Sell).ToArray(), p => p.Length > 0, "the stop-loss to be placed again")).Single();
        var generation = (await d.SnapshotAsync()).Children.Single(c => c.ClientOrderId == stop.ClientOrderId).Generation;
        Assert.True(generation >= 2, $"the stop-loss placed is generation {generation}");
        Assert.Equal((OrderType.StopMarket, 0.5m, (decimal?)2900m), (stop.Spec.Type, stop.Spec.Quantity, stop.Spec.StopPrice));
        await d.AckAsync(ChildRole.StopLoss, generation, spot);
        await d.FillAsync(stop, 0.5m, 2895m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.True(final.Status == StrategyStatus.Completed, $"the bracket ended {final.Status}: {final.Reason}");
        Assert.Equal((0.5m, 0m), (final.FilledQuantity, final.OpenQuantity));
        Assert.Equal(2, d.Places.Count);
        Assert.All(final.Children.Where(c => c.Role == ChildRole.StopLoss && c.Generation < generation), c => Assert.Equal(DenialCode.AccountReconciling, c.Order!.Denial!.Code));
    }

    [Fact]
    public async Task An_entry_denied_while_the_account_reconciles_is_placed_again()
    {
        var d = await NewAsync(_grains, "br-reconciling-entry");
        var account = _grains.GetAccount(d.Account);
        await account.BeginReconciliationAsync("test: stream gap");
        var submitted = await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), null));
        Assert.True(submitted.Strategy!.Status == StrategyStatus.Working, $"the bracket ended {submitted.Strategy.Status}: {submitted.Strategy.Reason}");
        Assert.Equal(DenialCode.AccountReconciling, submitted.Strategy.Children.Single().Order!.Denial!.Code);
        Assert.Empty(d.Places);

        await account.EndReconciliationAsync();
        var entry = (await StrategyDriver.WaitUntilAsync(() => d.Places.ToArray(), p => p.Length > 0, "the entry to be placed again")).Single();
        Assert.NotEqual(d.Child(ChildRole.Entry, 1), entry.ClientOrderId);
        var generation = (await d.SnapshotAsync()).Children.Single(c => c.ClientOrderId == entry.ClientOrderId).Generation;
        await d.AckAsync(ChildRole.Entry, generation, Perp);
        await d.FillAsync(entry, 0.010m, 50000m);
        var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
        Assert.Equal(0.010m, stop.Spec.Quantity);
        await d.AckAsync(ChildRole.StopLoss, 1, Perp);
        await d.FillAsync(stop, 0.010m, 48990m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.True(final.Status == StrategyStatus.Completed, $"the bracket ended {final.Status}: {final.Reason}");
        Assert.Equal(0.010m, final.FilledQuantity);
    }

    [Fact]
    public async Task A_leg_the_risk_checks_deny_for_another_reason_still_fails_the_bracket()
    {
        var d = await NewAsync(_grains, "br-leg-limit");
        await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), null));
        var entry = await d.PlacedAsync(ChildRole.Entry, 1);
        await d.AckAsync(ChildRole.Entry, 1, Perp);

        // The stop-loss is denied for good: it does not fit the account's per-order limit set meanwhile.
        await _grains.GetRiskLimit(d.Account).SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.005m }, "strategy-tests");
        await d.FillAsync(entry, 0.010m, 50000m);
        var final = await d.WaitAsync(s => s.IsTerminal, "the bracket to end");
        Assert.Equal(StrategyStatus.Failed, final.Status);
        Assert.Contains("unprotected", final.Reason, StringComparison.Ordinal);
        Assert.NotEqual(DenialCode.AccountReconciling, final.Children.Single(c => c.Role == ChildRole.StopLoss).Order!.Denial!.Code);
        Assert.Single(d.Places);
    }
}
