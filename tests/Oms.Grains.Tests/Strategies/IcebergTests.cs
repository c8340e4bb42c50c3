using Oms.Grains.Tests.Strategies.Infrastructure;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

[Collection(StrategyCollection.Name)]
public sealed class IcebergTests(StrategyClusterFixture fixture)
{
    private static readonly InstrumentId Perp = TestInstruments.BtcPerp;
    private readonly IGrainFactory _grains = fixture.Grains;

    private static SubmitIceberg Iceberg(InstrumentId instrument, decimal quantity, decimal display, decimal price, ExecutionMode? mode = null) => new()
    {
        Order = LimitEntry(instrument, OrderSide.Buy, quantity, price) with { DisplayQuantity = display },
        Mode = mode,
        RequestedBy = "strategy-tests",
    };

    [Fact]
    public async Task A_futures_iceberg_shows_one_slice_at_a_time_and_fills_exactly_its_quantity()
    {
        var d = await NewAsync(_grains, "ice-slices");
        var result = await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.004m, 50000m));
        Assert.Equal(ExecutionMode.OmsManaged, result.Strategy!.Mode);

        decimal[] sizes = [0.004m, 0.004m, 0.002m];
        for (var slice = 1; slice <= sizes.Length; slice++)
        {
            var place = await d.PlacedAsync(ChildRole.Slice, slice);
            Assert.Equal((OrderType.Limit, sizes[slice - 1], (decimal?)50000m, (decimal?)null), (place.Spec.Type, place.Spec.Quantity, place.Spec.LimitPrice, place.Spec.DisplayQuantity));
            // Only one slice is ever shown.
            Assert.Equal(slice, d.Places.Count);
            await d.AckAsync(ChildRole.Slice, slice, Perp);
            await d.FillAsync(place, 0.001m, 50000m);
            Assert.Equal(slice, d.Places.Count);
            await d.FillAsync(place, sizes[slice - 1] - 0.001m, 50000m);
        }

        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(0.010m, final.FilledQuantity);
        Assert.Equal(0.010m, d.Places.Sum(p => p.Spec.Quantity));
        Assert.Equal(3, d.Places.Count);
    }

    [Fact]
    public async Task A_spot_iceberg_is_one_native_order_with_the_display_quantity()
    {
        var spot = TestInstruments.BtcSpot;
        var d = await NewAsync(_grains, "ice-native");
        var result = await d.Grain.SubmitIcebergAsync(Iceberg(spot, 0.01m, 0.002m, 60000m));
        Assert.Equal(ExecutionMode.Native, result.Strategy!.Mode);

        var place = await d.PlacedAsync(ChildRole.Slice, 1);
        Assert.Equal((0.01m, (decimal?)0.002m), (place.Spec.Quantity, place.Spec.DisplayQuantity));
        await d.AckAsync(ChildRole.Slice, 1, spot);
        await d.FillAsync(place, 0.004m, 60000m);
        await d.FillAsync(place, 0.006m, 60000m);

        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(0.01m, final.FilledQuantity);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task Cancelling_an_iceberg_cancels_the_open_slice_and_places_no_more()
    {
        var d = await NewAsync(_grains, "ice-cancel");
        await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.004m, 50000m));
        var place = await d.PlacedAsync(ChildRole.Slice, 1);
        await d.AckAsync(ChildRole.Slice, 1, Perp);
        await d.FillAsync(place, 0.002m, 50000m);

        await d.Grain.CancelAsync("strategy-tests");
        await d.CancelRoutedAsync(ChildRole.Slice, 1);
        await d.CanceledAsync(ChildRole.Slice, 1, Perp);

        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.Equal(StrategyStatus.Cancelled, final.Status);
        Assert.Equal(0.002m, final.FilledQuantity);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task A_slice_the_venue_rejects_fails_the_iceberg()
    {
        var d = await NewAsync(_grains, "ice-reject");
        await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.004m, 50000m));
        await d.PlacedAsync(ChildRole.Slice, 1);
        await d.SendAsync(d.Update(d.Child(ChildRole.Slice, 1), Perp, VenueOrderEventKind.Rejected) with { Reason = "Margin is insufficient.", VenueCode = "-2019" });

        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.Equal(StrategyStatus.Failed, final.Status);
        Assert.Contains("-2019", final.Reason, StringComparison.Ordinal);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task A_slice_denied_while_the_account_reconciles_is_placed_again_once_the_reconciliation_ends()
    {
        var d = await NewAsync(_grains, "ice-reconciling");
        await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.008m, 0.004m, 50000m));
        var first = await d.PlacedAsync(ChildRole.Slice, 1);
        await d.AckAsync(ChildRole.Slice, 1, Perp);
        await d.FillAsync(first, 0.001m, 50000m);

        // A take-over (or a stream gap, a key rotation) reconciles the account, and the fill that completes the first
        // slice arrives meanwhile: the second slice is due while the account denies new risk.
        var account = _grains.GetAccount(d.Account);
        await account.BeginReconciliationAsync("test: stream taken over");
        await d.FillAsync(first, 0.003m, 50000m);
        var denied = await d.WaitAsync(s => s.Children.Any(c => c.Order?.Status == OrderStatus.Denied), "the second slice to be denied");
        Assert.Equal(StrategyStatus.Working, denied.Status);
        Assert.Equal(DenialCode.AccountReconciling, denied.Children.Single(c => c.Generation == 2).Order!.Denial!.Code);
        await account.EndReconciliationAsync();

        // The same slice goes out again as the next generation; the denied one never reached the venue.
        var second = await d.PlacedAsync(ChildRole.Slice, 3);
        Assert.Equal(0.004m, second.Spec.Quantity);
        await d.AckAsync(ChildRole.Slice, 3, Perp);
        await d.FillAsync(second, 0.004m, 50000m);
        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.True(final.Status == StrategyStatus.Completed, $"the iceberg ended {final.Status}: {final.Reason}");
        Assert.Equal(0.008m, final.FilledQuantity);
        Assert.Equal([d.Child(ChildRole.Slice, 1), d.Child(ChildRole.Slice, 3)], d.Places.Select(p => p.ClientOrderId));
    }

    [Fact]
    public async Task A_slice_the_risk_checks_deny_for_another_reason_still_fails_the_iceberg()
    {
        var d = await NewAsync(_grains, "ice-halted");
        await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.008m, 0.004m, 50000m));
        var first = await d.PlacedAsync(ChildRole.Slice, 1);
        await d.AckAsync(ChildRole.Slice, 1, Perp);

        // The second slice is denied for good (a new iceberg slice does not fit the account's per-order limit now).
        await _grains.GetRiskLimit(d.Account).SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.003m }, "strategy-tests");
        await d.FillAsync(first, 0.004m, 50000m);
        var final = await d.WaitAsync(s => s.IsTerminal, "the iceberg to end");
        Assert.Equal(StrategyStatus.Failed, final.Status);
        Assert.Single(d.Places);
    }

    [Fact]
    public async Task Slices_that_would_break_the_filters_are_refused_up_front()
    {
        var d = await NewAsync(_grains, "ice-filters");
        // 0.010 in slices of 0.003 leaves a last slice of 0.001: 50 USDT, below the 100 USDT minimum notional.
        var result = await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.003m, 50000m));

        Assert.Null(result.Strategy);
        Assert.Equal("order.display_quantity", result.Problem!.Field);
        Assert.Equal(DenialCode.NotionalBelowMin, result.Problem.Denial.Code);
        Assert.Contains("last slice would be 0.001", result.Problem.Denial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Futures_have_no_native_iceberg()
    {
        var d = await NewAsync(_grains, "ice-native-perp");
        var result = await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.004m, 50000m, ExecutionMode.Native));

        Assert.Equal("mode", result.Problem!.Field);
        Assert.Null(await d.Grain.GetAsync());
    }

    [Fact]
    public async Task A_strategy_id_belongs_to_one_kind_of_strategy()
    {
        var d = await NewAsync(_grains, "ice-kind");
        await d.Grain.SubmitIcebergAsync(Iceberg(Perp, 0.010m, 0.004m, 50000m));
        var bracket = await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m), StopMarket(49000m), null));

        Assert.Equal(("strategy_id", DenialCode.DuplicateClientOrderId), (bracket.Problem!.Field, bracket.Problem.Denial.Code));
        Assert.Equal(StrategyKind.Iceberg, (await d.Grain.GetAsync())!.Kind);
    }
}
