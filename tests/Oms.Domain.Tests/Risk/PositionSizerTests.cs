using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

public sealed class PositionSizerTests
{
    private static SizingResult Size(SizingRequest request, RiskLimits? limits = null, RiskBook? book = null, BalanceView? balances = null, decimal reference = 60000m)
    {
        var instrument = Spec(request.Instrument);
        Denial? Judge(OrderSpec spec) => PreTradeRiskEngine.Evaluate(Request(spec, limits, reference, book, balances)).Denial;
        return PositionSizer.Size(request, instrument, reference, 1m, Judge, accountEquity: 100_000m);
    }

    [Fact]
    public void Fixed_fractional_risks_a_share_of_equity_over_the_stop_distance_rounded_down_to_the_step()
    {
        // 1% of 100 000 = 1000 USDT over a 1 500 stop distance = 0.6666… BTC → 0.666.
        var result = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedFractional, EntryPrice = 60000m, RiskPercent = 1m, StopPrice = 58500m });

        Assert.Equal(0.666m, result.Quantity);
        Assert.Equal(PositionSizer.StepConstraint, result.BindingConstraint);
        Assert.Equal(39960m, result.Notional);
        Assert.Contains("risking 1% of equity 100000 = 1000 over a stop distance of 1500", result.Explanation, StringComparison.Ordinal);
        Assert.Equal(new OrderSpec { Instrument = BtcPerp, Side = OrderSide.Buy, Type = OrderType.Limit, Quantity = 0.666m, LimitPrice = 60000m }, result.Order);
    }

    [Fact]
    public void Fixed_notional_and_volatility_scaled_sizes()
    {
        var notional = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Sell, Method = SizingMethod.FixedNotional, Notional = 30000m });
        // 100 000 × 10 / 50 = 20 000 notional at the reference price 60 000 → 0.3333 → 0.333.
        var volatility = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.VolatilityScaled, TargetVolatility = 10m, InstrumentVolatility = 50m });

        Assert.Equal(0.5m, notional.Quantity);
        Assert.Equal(PositionSizer.MethodConstraint, notional.BindingConstraint);
        Assert.Equal(OrderType.Market, notional.Order?.Type);
        Assert.Equal(0.333m, volatility.Quantity);
    }

    [Fact]
    public void The_size_is_clamped_to_the_first_limit_a_larger_size_breaks_and_names_it()
    {
        var book = new RiskBook([Line(BtcPerp, 0.2m, 60000m)]);
        var limits = new RiskLimits { MaxPositionQuantity = 0.5m, MaxOrderNotional = 100_000m };

        var result = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 60000m }, limits, book);

        Assert.Equal(0.3m, result.Quantity);
        Assert.Equal(1m, result.RawQuantity);
        Assert.Equal("MAX_POSITION_EXCEEDED", result.BindingConstraint);
        Assert.Equal(0.5m, result.BindingDenial?.Limit);
        Assert.Equal(0.501m, result.BindingDenial?.WouldBe);
    }

    [Fact]
    public void Margin_and_exposure_headroom_clamp_the_size()
    {
        var margin = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 60000m },
            new RiskLimits { Leverage = 10m }, balances: new BalanceView { MarginEquity = 1000m });
        var exposure = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 60000m },
            new RiskLimits { MaxGrossExposure = 45000m }, new RiskBook([Line(EthPerp, -10m, 3000m)]));

        // 0.165 BTC = 9900 / 10 + 9.9 fee = 999.9 ≤ 1000; 0.166 needs 1005.96.
        Assert.Equal(0.165m, margin.Quantity);
        Assert.Equal("INSUFFICIENT_MARGIN", margin.BindingConstraint);
        // 30 000 of ETH already: 15 000 left = 0.25 BTC.
        Assert.Equal(0.25m, exposure.Quantity);
        Assert.Equal("MAX_GROSS_EXPOSURE_EXCEEDED", exposure.BindingConstraint);
    }

    [Fact]
    public void Sizes_below_the_instrument_minimum_or_refused_at_any_size_are_zero_with_the_reason()
    {
        // 90 USDT is 0.0015 BTC: one step (0.001) is 60 USDT, below the 100 USDT minimum notional.
        var tiny = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 90m });
        var halted = PositionSizer.Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 6000m },
            BtcPerpSpec, 60000m, 1m, spec => PreTradeRiskEngine.Evaluate(Request(spec, state: TradingState.Halted)).Denial, null);
        var wrongStop = Size(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedFractional, RiskPercent = 1m, StopPrice = 61000m });

        Assert.Equal(0m, tiny.Quantity);
        Assert.Equal("NOTIONAL_BELOW_MIN", tiny.BindingConstraint);
        Assert.Equal(0m, halted.Quantity);
        Assert.Equal("TRADING_HALTED", halted.BindingConstraint);
        Assert.Equal(0m, wrongStop.Quantity);
        Assert.Equal("STOP_PRICE", wrongStop.BindingConstraint);
    }

    private static readonly Arbitrary<(int NotionalK, int PositionLots, int? MaxLots, int? GrossK, int? MarginK, int Leverage)> Cases =
        (from notional in Gen.Choose(1, 400)
         from position in Gen.Choose(-2000, 2000)
         from maxLots in Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(1, 3000).Select(v => (int?)v)))
         from gross in Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(1, 300).Select(v => (int?)v)))
         from margin in Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(1, 100).Select(v => (int?)v)))
         from leverage in Gen.Elements(1, 5, 20)
         select (notional, position, maxLots, gross, margin, leverage)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property The_size_passes_every_check_and_one_step_more_does_not_unless_the_method_bound_it() => Prop.ForAll(Cases, c =>
    {
        var book = new RiskBook([Line(BtcPerp, c.PositionLots * 0.001m, 60000m)]);
        var limits = new RiskLimits
        {
            MaxPositionQuantity = c.MaxLots * 0.001m,
            MaxGrossExposure = c.GrossK * 1000m,
            Leverage = c.Leverage,
        };
        var balances = c.MarginK is null ? null : new BalanceView { MarginEquity = c.MarginK * 1000m };
        Denial? Judge(OrderSpec spec) => PreTradeRiskEngine.Evaluate(Request(spec, limits, 60000m, book, balances)).Denial;
        var request = new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = c.NotionalK * 1000m };

        var result = PositionSizer.Size(request, BtcPerpSpec, 60000m, 1m, Judge, null);

        Assert.True(result.Quantity <= result.RawQuantity);
        Assert.Equal(0m, decimal.Remainder(result.Quantity, BtcPerpSpec.StepSize));
        if (result.Quantity == 0m) return;
        Assert.Null(Judge(result.Order!));
        var next = result.Quantity + BtcPerpSpec.StepSize;
        if (result.BindingConstraint is PositionSizer.MethodConstraint or PositionSizer.StepConstraint)
            Assert.True(next > result.RawQuantity);
        else
            Assert.Equal(result.BindingConstraint, Judge(result.Order! with { Quantity = next })?.Code.Name());
    });
}
