using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

public sealed class ProtectiveStopPlannerTests
{
    private static readonly ProtectiveStopPolicy TwoPercent = new() { Kind = StopDistanceKind.Percent, Distance = 2m, TriggerPrice = TriggerPriceType.MarkPrice };

    [Fact]
    public void A_new_long_gets_a_reduce_only_sell_stop_below_the_entry_for_the_whole_position()
    {
        var decision = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0.25m, 60_000m, working: null);

        Assert.Equal(ProtectiveStopAction.Place, decision.Action);
        Assert.Equal(new OrderSpec
        {
            Instrument = BtcPerp,
            Side = OrderSide.Sell,
            Type = OrderType.StopMarket,
            Quantity = 0.25m,
            StopPrice = 58_800m,
            ReduceOnly = true,
            TriggerPriceType = TriggerPriceType.MarkPrice,
        }, decision.Spec);
    }

    [Fact]
    public void A_short_gets_a_buy_stop_above_rounded_away_from_the_entry()
    {
        var byPrice = new ProtectiveStopPolicy { Kind = StopDistanceKind.Price, Distance = 123.45m };

        var decision = ProtectiveStopPlanner.Plan(byPrice, BtcPerpSpec, PositionMode.Hedge, PositionSide.Short, -0.1m, 60_000m, null);

        Assert.Equal(OrderSide.Buy, decision.Spec?.Side);
        Assert.Equal(60_123.5m, decision.Spec?.StopPrice); // 60 123.45 rounded up to the 0.1 tick
        Assert.Equal(PositionSide.Short, decision.Spec?.PositionSide);
        Assert.False(decision.Spec?.ReduceOnly); // hedge mode: closing is implied by the position side
    }

    [Fact]
    public void The_stop_follows_the_position_as_it_grows_shrinks_flips_and_closes()
    {
        var working = new WorkingStop(OrderSide.Sell, 0.25m, 58_800m);

        var same = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0.25m, 60_000m, working);
        var grown = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0.5m, 61_000m, working);
        var shrunk = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0.1m, 60_000m, working);
        var flipped = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, -0.1m, 62_000m, working);
        var closed = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0m, 0m, working);

        Assert.Equal(ProtectiveStopAction.None, same.Action);
        Assert.Equal((ProtectiveStopAction.Replace, 0.5m, 59_780m), (grown.Action, grown.Spec!.Quantity, grown.Spec.StopPrice!.Value));
        Assert.Equal((ProtectiveStopAction.Replace, 0.1m, 58_800m), (shrunk.Action, shrunk.Spec!.Quantity, shrunk.Spec.StopPrice!.Value));
        Assert.Equal((ProtectiveStopAction.Replace, OrderSide.Buy, 63_240m), (flipped.Action, flipped.Spec!.Side, flipped.Spec.StopPrice!.Value));
        Assert.Equal(ProtectiveStopAction.Cancel, closed.Action);
    }

    [Fact]
    public void Spot_stops_are_plain_sells_and_positions_too_small_to_protect_get_none()
    {
        var spot = ProtectiveStopPlanner.Plan(TwoPercent, BtcSpotSpec, PositionMode.OneWay, PositionSide.Both, 0.012345m, 60_000m, null);
        var dust = ProtectiveStopPlanner.Plan(TwoPercent, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, 0.001m, 60_000m, new WorkingStop(OrderSide.Sell, 0.002m, 58_800m));

        Assert.Equal((OrderSide.Sell, 0.01234m, 58_800m, false, TriggerPriceType.LastPrice),
            (spot.Spec!.Side, spot.Spec.Quantity, spot.Spec.StopPrice!.Value, spot.Spec.ReduceOnly, spot.Spec.TriggerPriceType));
        Assert.Equal(ProtectiveStopAction.Cancel, dust.Action); // 0.001 × 58 800 is below the 100 USDT minimum notional
        Assert.Contains("too small", dust.Reason, StringComparison.Ordinal);
    }

    private static readonly Arbitrary<(int Lots, int EntryTicks, int DistanceBasisPoints, bool Percent)> Positions =
        (from lots in Gen.Choose(-50_000, 50_000)
         from entry in Gen.Choose(100_000, 900_000)
         from distance in Gen.Choose(1, 5_000)
         from percent in Gen.Elements(true, false)
         select (lots, entry, distance, percent)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property A_placed_stop_closes_at_most_the_position_on_the_losing_side_and_never_tighter_than_the_policy() => Prop.ForAll(Positions, p =>
    {
        var position = p.Lots * 0.001m;
        var entry = p.EntryTicks * 0.1m;
        var policy = p.Percent
            ? new ProtectiveStopPolicy { Kind = StopDistanceKind.Percent, Distance = p.DistanceBasisPoints / 100m }
            : new ProtectiveStopPolicy { Kind = StopDistanceKind.Price, Distance = p.DistanceBasisPoints * 1m };
        var decision = ProtectiveStopPlanner.Plan(policy, BtcPerpSpec, PositionMode.OneWay, PositionSide.Both, position, entry, null);
        if (decision.Spec is not { } stop) return;

        var distance = p.Percent ? entry * p.DistanceBasisPoints / 100m / 100m : p.DistanceBasisPoints;
        Assert.Equal(ProtectiveStopAction.Place, decision.Action);
        Assert.True(stop.Quantity > 0m && stop.Quantity <= Math.Abs(position));
        Assert.True(Math.Abs(position) - stop.Quantity < BtcPerpSpec.StepSize);
        Assert.True(stop.ReduceOnly);
        if (position > 0m)
        {
            Assert.Equal(OrderSide.Sell, stop.Side);
            Assert.True(stop.StopPrice <= entry - distance);
        }
        else
        {
            Assert.Equal(OrderSide.Buy, stop.Side);
            Assert.True(stop.StopPrice >= entry + distance);
        }
        Assert.Null(PreTradeRiskEngine.CheckFilters(stop, BtcPerpSpec, null));
    });
}
