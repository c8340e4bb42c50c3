namespace Oms.Domain.Tests.Positions;

/// <summary>Hand-computed position examples: Binance spot fees, a USDⓈ-M one-way round trip, hedge legs, contract size.</summary>
public sealed class PositionExampleTests
{
    /// <summary>
    /// Binance spot, 0.1 % commission. Buying 0.5 BTC at 30 000 costs 15 000 USDT and the commission is taken from the
    /// BTC received (0.0005 BTC), so the inventory is 0.4995 BTC and 0.0005 × 30 000 = 15 USDT is expensed. Selling the
    /// 0.4995 at 31 000 pays 15 484.5 USDT minus 15.4845 USDT commission. Cash: −15 000 + 15 484.5 − 15.4845 = 469.0155.
    /// </summary>
    [Fact]
    public void Binance_spot_round_trip_with_the_buy_fee_in_base_asset()
    {
        var position = new Position();

        var buy = position.ApplyFill(OrderSide.Buy, 0.5m, 30000.00m, feeQuoteValue: 15m, baseAssetFee: 0.0005m);

        Assert.Equal(PositionChangeKind.Opened, buy.Kind);
        Assert.Equal(0.4995m, position.Quantity);
        Assert.Equal(0.4995m, buy.QuantityAfter);
        Assert.Equal(30000m, position.AverageEntryPrice);
        Assert.Equal(0m, position.RealizedPnlGross);
        Assert.Equal(15m, position.Fees);
        Assert.Equal(-15m, position.RealizedPnl);
        Assert.Equal(15m, buy.FeeDelta);
        Assert.Equal(0.4995m, position.TotalBought);
        // At 30 500: 0.4995 × 500 = 249.75 unrealized; the account is worth −15 000 + 0.4995 × 30 500 = 234.75 more.
        Assert.Equal(249.75m, position.UnrealizedPnl(30500m));
        Assert.Equal(234.75m, position.RealizedPnl + position.UnrealizedPnl(30500m));

        var sell = position.ApplyFill(OrderSide.Sell, 0.4995m, 31000.00m, feeQuoteValue: 15.4845m);

        Assert.Equal(PositionChangeKind.Closed, sell.Kind);
        Assert.Equal(499.5m, sell.RealizedPnlDelta);
        Assert.True(position.IsFlat);
        Assert.Equal(0m, position.AverageEntryPrice);
        Assert.Equal(499.5m, position.RealizedPnlGross);
        Assert.Equal(30.4845m, position.Fees);
        Assert.Equal(469.0155m, position.RealizedPnl);
        Assert.Equal(0.4995m, position.TotalSold);
        Assert.Equal(0m, position.UnrealizedPnl(99999m));
    }

    [Fact]
    public void Binance_spot_fee_paid_in_bnb_leaves_the_inventory_whole()
    {
        var position = new Position();
        // 0.075 % paid in BNB at 600 USDT: 0.5 × 30 000 × 0.00075 = 11.25 USDT = 0.01875 BNB.
        position.ApplyFill(OrderSide.Buy, 0.5m, 30000m, feeQuoteValue: 0.01875m * 600m);

        Assert.Equal(0.5m, position.Quantity);
        Assert.Equal(11.25m, position.Fees);
        Assert.Equal(30000m, position.AverageEntryPrice);
    }

    /// <summary>
    /// USDⓈ-M one-way, 0.04 % taker on every fill:
    /// open 0.010 @ 60 000 (fee 0.24); add 0.020 @ 61 500 (fee 0.492) → entry (600 + 1 230) / 0.030 = 61 000;
    /// sell 0.015 @ 62 000 (fee 0.372) → +15; sell 0.025 @ 60 500 (fee 0.605) closes 0.015 for −7.5 and opens
    /// −0.010 @ 60 500; buy 0.010 @ 59 000 (fee 0.236) → +15. Gross 22.5, fees 1.945, net 20.555.
    /// </summary>
    [Fact]
    public void Usdm_one_way_open_add_partial_close_flip_close()
    {
        var position = new Position();

        var open = position.ApplyFill(OrderSide.Buy, 0.010m, 60000.0m, 0.24m);
        Assert.Equal((PositionChangeKind.Opened, 0m, 0.010m, 60000m, 0m), Summary(open));

        var add = position.ApplyFill(OrderSide.Buy, 0.020m, 61500.0m, 0.492m);
        Assert.Equal((PositionChangeKind.Increased, 0.010m, 0.030m, 61000m, 0m), Summary(add));
        Assert.Equal(6m, position.UnrealizedPnl(61200m));
        Assert.Equal(0.030m * 61200m, position.Notional(61200m));

        var reduce = position.ApplyFill(OrderSide.Sell, 0.015m, 62000.0m, 0.372m);
        Assert.Equal((PositionChangeKind.Reduced, 0.030m, 0.015m, 61000m, 15m), Summary(reduce));

        var flip = position.ApplyFill(OrderSide.Sell, 0.025m, 60500.0m, 0.605m);
        Assert.Equal((PositionChangeKind.Flipped, 0.015m, -0.010m, 60500m, -7.5m), Summary(flip));
        Assert.Equal(5m, position.UnrealizedPnl(60000m));
        Assert.Equal(0.010m * 60000m, position.Notional(60000m));

        var close = position.ApplyFill(OrderSide.Buy, 0.010m, 59000.0m, 0.236m);
        Assert.Equal((PositionChangeKind.Closed, -0.010m, 0m, 0m, 15m), Summary(close));

        Assert.Equal(22.5m, position.RealizedPnlGross);
        Assert.Equal(1.945m, position.Fees);
        Assert.Equal(20.555m, position.RealizedPnl);
        Assert.Equal(0.040m, position.TotalBought);
        Assert.Equal(0.040m, position.TotalSold);
        Assert.True(position.IsFlat);
    }

    [Fact]
    public void Short_first_position_realizes_when_bought_back_lower()
    {
        var position = new Position();
        position.ApplyFill(OrderSide.Sell, 2m, 100m);
        Assert.Equal(-2m, position.Quantity);
        Assert.Equal(4m, position.UnrealizedPnl(98m));

        var cover = position.ApplyFill(OrderSide.Buy, 0.5m, 97m);
        Assert.Equal(PositionChangeKind.Reduced, cover.Kind);
        Assert.Equal(1.5m, cover.RealizedPnlDelta);
        Assert.Equal(100m, position.AverageEntryPrice);
    }

    /// <summary>
    /// Hedge mode keeps a long and a short leg for the same instrument. Long: buy 0.5 @ 100, sell 0.2 @ 105 (+1.0).
    /// Short: sell 0.3 @ 102, buy 0.3 @ 99 (+0.9). At mark 101 the long leg holds 0.3 @ 100 (+0.3 unrealized):
    /// total 2.2, the same as the cash flow 0.3 × 102 + 0.2 × 105 − 0.5 × 100 − 0.3 × 99 + 0.3 × 101.
    /// </summary>
    [Fact]
    public void Hedge_mode_long_and_short_legs_are_separate_positions()
    {
        var longLeg = new Position();
        var shortLeg = new Position();

        Assert.Equal(PositionChangeKind.Opened, longLeg.ApplyFill(OrderSide.Buy, 0.5m, 100m).Kind);
        Assert.Equal(PositionChangeKind.Opened, shortLeg.ApplyFill(OrderSide.Sell, 0.3m, 102m).Kind);
        Assert.Equal(0.5m, longLeg.Quantity);
        Assert.Equal(-0.3m, shortLeg.Quantity);
        Assert.Equal(0.2m, longLeg.Quantity + shortLeg.Quantity);
        Assert.Equal(102m, shortLeg.AverageEntryPrice);

        Assert.Equal(1.0m, longLeg.ApplyFill(OrderSide.Sell, 0.2m, 105m).RealizedPnlDelta);
        Assert.Equal(PositionChangeKind.Closed, shortLeg.ApplyFill(OrderSide.Buy, 0.3m, 99m).Kind);

        Assert.Equal(0.3m, longLeg.Quantity);
        Assert.Equal(100m, longLeg.AverageEntryPrice);
        Assert.Equal(1.0m, longLeg.RealizedPnlGross);
        Assert.Equal(0.9m, shortLeg.RealizedPnlGross);
        Assert.True(shortLeg.IsFlat);
        var total = longLeg.RealizedPnl + longLeg.UnrealizedPnl(101m) + shortLeg.RealizedPnl + shortLeg.UnrealizedPnl(101m);
        Assert.Equal(2.2m, total);

        // The same fills netted in one-way mode give a different split but the same total.
        var oneWay = new Position();
        oneWay.ApplyFill(OrderSide.Buy, 0.5m, 100m);
        oneWay.ApplyFill(OrderSide.Sell, 0.3m, 102m);
        oneWay.ApplyFill(OrderSide.Sell, 0.2m, 105m);
        oneWay.ApplyFill(OrderSide.Buy, 0.3m, 99m);
        Assert.Equal(1.6m, oneWay.RealizedPnlGross);
        Assert.Equal(99m, oneWay.AverageEntryPrice);
        Assert.Equal(2.2m, oneWay.RealizedPnl + oneWay.UnrealizedPnl(101m));
    }

    [Fact]
    public void Contract_size_scales_realized_and_unrealized_pnl_and_notional()
    {
        var position = new Position(contractSize: 0.001m);
        position.ApplyFill(OrderSide.Buy, 10m, 60000m);

        Assert.Equal(0.001m, position.ContractSize);
        Assert.Equal(10m, position.UnrealizedPnl(61000m));
        Assert.Equal(610m, position.Notional(61000m));
        Assert.Equal(2m, position.ApplyFill(OrderSide.Sell, 4m, 60500m).RealizedPnlDelta);
    }

    [Fact]
    public void Realized_pnl_depends_on_the_order_of_fills_but_the_total_at_a_mark_does_not()
    {
        // Both paths stay long and never cross zero, yet the average-cost split differs.
        var first = new Position();
        first.ApplyFill(OrderSide.Buy, 1m, 100m);
        first.ApplyFill(OrderSide.Sell, 1m, 110m);
        first.ApplyFill(OrderSide.Buy, 1m, 120m);

        var second = new Position();
        second.ApplyFill(OrderSide.Buy, 1m, 100m);
        second.ApplyFill(OrderSide.Buy, 1m, 120m);
        second.ApplyFill(OrderSide.Sell, 1m, 110m);

        Assert.Equal(10m, first.RealizedPnlGross);
        Assert.Equal(120m, first.AverageEntryPrice);
        Assert.Equal(0m, second.RealizedPnlGross);
        Assert.Equal(110m, second.AverageEntryPrice);
        Assert.Equal(first.Quantity, second.Quantity);
        Assert.Equal(first.RealizedPnl + first.UnrealizedPnl(115m), second.RealizedPnl + second.UnrealizedPnl(115m));
    }

    [Fact]
    public void Cash_flows_are_realized_pnl_and_do_not_touch_the_position()
    {
        var position = new Position();
        position.ApplyFill(OrderSide.Buy, 1m, 100m);

        position.ApplyCashFlow(-0.35m);
        position.ApplyCashFlow(0.1m);

        Assert.Equal(-0.25m, position.RealizedPnlGross);
        Assert.Equal(1m, position.Quantity);
        Assert.Equal(100m, position.AverageEntryPrice);
    }

    [Fact]
    public void Reset_takes_the_venue_quantity_and_entry()
    {
        var position = new Position();
        position.ApplyFill(OrderSide.Buy, 1m, 100m);

        position.Reset(-0.5m, 101.5m);
        Assert.Equal(-0.5m, position.Quantity);
        Assert.Equal(101.5m, position.AverageEntryPrice);

        position.Reset(0m, 123m);
        Assert.True(position.IsFlat);
        Assert.Equal(0m, position.AverageEntryPrice);

        var error = Assert.Throws<DomainException>(() => position.Reset(1m, 0m));
        Assert.Equal(DomainErrorCode.InvalidPosition, error.Code);
    }

    [Theory]
    [InlineData(OrderSide.Buy, "0", "100", "0")]
    [InlineData(OrderSide.Sell, "-1", "100", "0")]
    [InlineData(OrderSide.Buy, "1", "0", "0")]
    [InlineData(OrderSide.Sell, "1", "-5", "0")]
    [InlineData(OrderSide.Buy, "1", "100", "-0.001")]
    [InlineData(OrderSide.Buy, "1", "100", "1")]
    [InlineData(OrderSide.Sell, "1", "100", "-0.001")]
    public void Malformed_fills_throw_and_change_nothing(OrderSide side, string quantity, string price, string baseFee)
    {
        var position = new Position();
        position.ApplyFill(OrderSide.Buy, 2m, 100m, 0.1m);
        var before = Snapshot.Of(position);

        var error = Assert.Throws<DomainException>(() => position.ApplyFill(side, decimal.Parse(quantity), decimal.Parse(price), 0.5m, decimal.Parse(baseFee)));

        Assert.Equal(DomainErrorCode.InvalidFill, error.Code);
        Assert.Equal(before, Snapshot.Of(position));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Contract_size_must_be_positive(string contractSize)
    {
        var error = Assert.Throws<DomainException>(() => new Position(decimal.Parse(contractSize)));
        Assert.Equal(DomainErrorCode.InvalidPosition, error.Code);
    }

    private static (PositionChangeKind, decimal, decimal, decimal, decimal) Summary(PositionChange change) =>
        (change.Kind, change.QuantityBefore, change.QuantityAfter, change.AverageEntryPrice, change.RealizedPnlDelta);
}
