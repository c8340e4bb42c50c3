using Oms.Grains.Tests.Strategies.Infrastructure;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

/// <summary>
/// OMS-managed trailing stops follow a scripted price path: each price is set on the reference price source and the
/// strategy is asked to act (<see cref="IContingentOrderGrain.ReconcileAsync"/>), as its timer would.
/// </summary>
[Collection(StrategyCollection.Name)]
public sealed class TrailingStopTests(StrategyClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private static SubmitTrailingStop Trailing(InstrumentId instrument, OrderSide side, decimal quantity, decimal percent, decimal? activation, ExecutionMode? mode, bool reduceOnly = false) => new()
    {
        Order = new OrderSpec
        {
            Instrument = instrument,
            Side = side,
            Type = OrderType.TrailingStopMarket,
            Quantity = quantity,
            TrailingPercent = percent,
            ActivationPrice = activation,
            ReduceOnly = reduceOnly,
        },
        Mode = mode,
        RequestedBy = "strategy-tests",
    };

    private static async Task<StrategySnapshot> At(StrategyDriver d, InstrumentId instrument, decimal price)
    {
        StrategyEnvironment.Prices.Set(instrument, price);
        return (await d.Grain.ReconcileAsync())!;
    }

    [Fact]
    public async Task An_oms_managed_trailing_stop_follows_the_price_path_and_fires()
    {
        var perp = StrategyEnvironment.NewPerpetual("TRAILAUSDT");
        var d = await NewAsync(_grains, "trail-path");
        var submitted = await d.Grain.SubmitTrailingStopAsync(Trailing(perp, OrderSide.Sell, 0.010m, 1m, 50000m, ExecutionMode.OmsManaged, reduceOnly: true));
        Assert.Equal(ExecutionMode.OmsManaged, submitted.Strategy!.Mode);

        // Below the activation price nothing trails and nothing rests.
        var before = await At(d, perp, 49500m);
        Assert.Null(before.TrailingStopPrice);
        Assert.Empty(d.Places);

        // Activated at 50000: the stop rests 1 % below.
        Assert.Equal(49500m, (await At(d, perp, 50000m)).TrailingStopPrice);
        var first = await d.PlacedAsync(ChildRole.Stop, 1);
        Assert.Equal((OrderType.StopMarket, (decimal?)49500m, 0.010m, true), (first.Spec.Type, first.Spec.StopPrice, first.Spec.Quantity, first.Spec.ReduceOnly));
        await d.AckAsync(ChildRole.Stop, 1, perp);

        // 50300: the level (49797) improved by more than a tenth of the trail: cancel, then replace.
        Assert.Equal(49797m, (await At(d, perp, 50300m)).TrailingStopPrice);
        await d.CancelRoutedAsync(ChildRole.Stop, 1);
        await d.CanceledAsync(ChildRole.Stop, 1, perp);
        var second = await d.PlacedAsync(ChildRole.Stop, 2);
        Assert.Equal((decimal?)49797m, second.Spec.StopPrice);
        await d.AckAsync(ChildRole.Stop, 2, perp);

        // 50320: the level moves (to 49816.8) but too little to re-price; 50100: the extreme holds.
        Assert.Equal(49816.8m, (await At(d, perp, 50320m)).TrailingStopPrice);
        var holding = await At(d, perp, 50100m);
        Assert.Equal((49816.8m, (decimal?)50320m), (holding.TrailingStopPrice!.Value, holding.TrailingExtremePrice));
        Assert.Equal(2, d.Places.Count);

        // The market falls through the resting stop: the venue fires it.
        await At(d, perp, 49790m);
        Assert.Equal(2, d.Places.Count);
        await d.FillAsync(second, 0.010m, 49785m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(0.010m, final.FilledQuantity);
        Assert.Equal([49500m, 49797m], d.Places.Select(p => p.Spec.StopPrice!.Value));
        Assert.Single(d.Cancels);
    }

    [Fact]
    public async Task A_price_that_gaps_through_the_level_while_the_stop_is_being_replaced_sends_a_market_order()
    {
        var perp = StrategyEnvironment.NewPerpetual("TRAILBUSDT");
        var d = await NewAsync(_grains, "trail-gap");
        // A buy stop protecting a short: it trails above the lowest price.
        await d.Grain.SubmitTrailingStopAsync(Trailing(perp, OrderSide.Buy, 0.004m, 2m, null, ExecutionMode.OmsManaged, reduceOnly: true));
        Assert.Equal(51000m, (await At(d, perp, 50000m)).TrailingStopPrice);
        await d.PlacedAsync(ChildRole.Stop, 1);
        await d.AckAsync(ChildRole.Stop, 1, perp);

        Assert.Equal(49980m, (await At(d, perp, 49000m)).TrailingStopPrice);
        await d.CancelRoutedAsync(ChildRole.Stop, 1);
        // Before the cancel is confirmed the market jumps above the new level.
        await At(d, perp, 50100m);
        await d.CanceledAsync(ChildRole.Stop, 1, perp);

        var market = await d.PlacedAsync(ChildRole.Stop, 2);
        Assert.Equal((OrderType.Market, OrderSide.Buy, 0.004m, true), (market.Spec.Type, market.Spec.Side, market.Spec.Quantity, market.Spec.ReduceOnly));
        await d.AckAsync(ChildRole.Stop, 2, perp);
        await d.FillAsync(market, 0.004m, 50110m);
        Assert.Equal(StrategyStatus.Completed, (await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end")).Status);
    }

    [Fact]
    public async Task On_binance_a_trailing_stop_is_one_native_order()
    {
        var d = await NewAsync(_grains, "trail-native");
        var command = Trailing(TestInstruments.BtcPerp, OrderSide.Sell, 0.010m, 1.5m, 51000m, mode: null, reduceOnly: true);
        var result = await d.Grain.SubmitTrailingStopAsync(command);
        Assert.Equal(ExecutionMode.Native, result.Strategy!.Mode);

        var place = await d.PlacedAsync(ChildRole.Stop, 1);
        Assert.Equal(command.Order, place.Spec);
        await d.AckAsync(ChildRole.Stop, 1, TestInstruments.BtcPerp);
        await d.SendAsync(d.Update(place.ClientOrderId, TestInstruments.BtcPerp, VenueOrderEventKind.Triggered));
        await d.FillAsync(place, 0.010m, 51200m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.True(final.Children.Single().Order!.Triggered);
    }

    [Fact]
    public async Task Where_the_venue_has_no_routed_trailing_stop_the_oms_manages_it()
    {
        var account = TestAccounts.New("trail-bybit");
        await _grains.Provision(account, TestAccounts.Binance() with { Venue = Venue.Bybit, Markets = [MarketType.Spot] });
        var d = new StrategyDriver(_grains, account, ContingentOrderIds.NewStrategyId());
        var result = await d.Grain.SubmitTrailingStopAsync(Trailing(TestInstruments.BybitBtcSpot, OrderSide.Sell, 0.01m, 1m, 990_000m, mode: null));

        Assert.Equal((ExecutionMode.OmsManaged, StrategyStatus.Working), (result.Strategy!.Mode, result.Strategy.Status));
        Assert.Empty(d.Places);
        Assert.True((await d.Grain.CancelAsync("strategy-tests")).Accepted);
        Assert.Equal(StrategyStatus.Cancelled, (await d.Grain.GetAsync())!.Status);
    }

    [Fact]
    public async Task A_stop_denied_while_the_account_reconciles_goes_out_again_as_a_market_order_once_the_level_is_crossed()
    {
        var perp = StrategyEnvironment.NewPerpetual("TRAILRUSDT");
        var d = await NewAsync(_grains, "trail-reconciling");
        var account = _grains.GetAccount(d.Account);
        // Not reduce-only and no position: the stop would add risk, which a reconciling account denies for now.
        await d.Grain.SubmitTrailingStopAsync(Trailing(perp, OrderSide.Sell, 0.010m, 1m, null, ExecutionMode.OmsManaged));
        await account.BeginReconciliationAsync("test: stream taken over");

        var denied = await At(d, perp, 50000m);
        Assert.True(denied.Status == StrategyStatus.Working, $"the trailing stop ended {denied.Status}: {denied.Reason}");
        Assert.Equal(49500m, denied.TrailingStopPrice);
        Assert.Equal(DenialCode.AccountReconciling, denied.Children.Single().Order!.Denial!.Code);

        // The market falls through the level meanwhile: the strategy keeps working and places nothing yet.
        var crossed = await At(d, perp, 49400m);
        Assert.Equal(StrategyStatus.Working, crossed.Status);
        Assert.Empty(d.Places);

        // The reconciliation ends: the stop goes out again, in its fired form since the level is already crossed.
        await account.EndReconciliationAsync();
        var market = (await StrategyDriver.WaitUntilAsync(() => d.Places.ToArray(), p => p.Length > 0, "the trailing stop's order to be placed again")).Single();
        Assert.Equal((OrderType.Market, OrderSide.Sell, 0.010m), (market.Spec.Type, market.Spec.Side, market.Spec.Quantity));
        var generation = (await d.SnapshotAsync()).Children.Single(c => c.ClientOrderId == market.ClientOrderId).Generation;
        Assert.True(generation >= 2, $"the order placed is generation {generation}");
        await d.AckAsync(ChildRole.Stop, generation, perp);
        await d.FillAsync(market, 0.010m, 49390m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end");
        Assert.True(final.Status == StrategyStatus.Completed, $"the trailing stop ended {final.Status}: {final.Reason}");
        Assert.Equal(0.010m, final.FilledQuantity);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task A_replacement_stop_denied_while_the_account_reconciles_is_placed_again()
    {
        var perp = StrategyEnvironment.NewPerpetual("TRAILQUSDT");
        var d = await NewAsync(_grains, "trail-reconciling-replace");
        var account = _grains.GetAccount(d.Account);
        await d.Grain.SubmitTrailingStopAsync(Trailing(perp, OrderSide.Sell, 0.010m, 1m, null, ExecutionMode.OmsManaged));
        await At(d, perp, 50000m);
        var first = await d.PlacedAsync(ChildRole.Stop, 1);
        await d.AckAsync(ChildRole.Stop, 1, perp);

        // The price rises: the resting stop is cancelled to be re-priced, and the replacement meets a reconciling account.
        await account.BeginReconciliationAsync("test: key rotation");
        await At(d, perp, 50300m);
        await d.CancelRoutedAsync(ChildRole.Stop, 1);
        await d.CanceledAsync(ChildRole.Stop, 1, perp);
        var denied = await d.WaitAsync(s => s.Children.Any(c => c.Order?.Denial?.Code == DenialCode.AccountReconciling), "the replacement to be denied");
        Assert.Equal(StrategyStatus.Working, denied.Status);

        await account.EndReconciliationAsync();
        var replacement = (await StrategyDriver.WaitUntilAsync(() => d.Places.Where(p => p.ClientOrderId != first.ClientOrderId).ToArray(), p => p.Length > 0, "the replacement to be placed again")).Single();
        Assert.Equal((OrderType.StopMarket, (decimal?)49797m, 0.010m), (replacement.Spec.Type, replacement.Spec.StopPrice, replacement.Spec.Quantity));
        var generation = (await d.SnapshotAsync()).Children.Single(c => c.ClientOrderId == replacement.ClientOrderId).Generation;
        Assert.True(generation >= 3, $"the replacement placed is generation {generation}");
        await d.AckAsync(ChildRole.Stop, generation, perp);
        await d.FillAsync(replacement, 0.010m, 49790m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end");
        Assert.True(final.Status == StrategyStatus.Completed, $"the trailing stop ended {final.Status}: {final.Reason}");
        Assert.Equal(2, d.Places.Count);
    }

    [Fact]
    public async Task A_stop_the_risk_checks_deny_for_another_reason_still_fails_the_trailing_stop()
    {
        var perp = StrategyEnvironment.NewPerpetual("TRAILLUSDT");
        var d = await NewAsync(_grains, "trail-limit");
        await d.Grain.SubmitTrailingStopAsync(Trailing(perp, OrderSide.Sell, 0.010m, 1m, null, ExecutionMode.OmsManaged));
        await _grains.GetRiskLimit(d.Account).SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.005m }, "strategy-tests");

        await At(d, perp, 50000m);
        var final = await d.WaitAsync(s => s.IsTerminal, "the trailing stop to end");
        Assert.Equal(StrategyStatus.Failed, final.Status);
        Assert.NotEqual(DenialCode.AccountReconciling, final.Children.Single().Order!.Denial!.Code);
        Assert.Empty(d.Places);
    }
}
