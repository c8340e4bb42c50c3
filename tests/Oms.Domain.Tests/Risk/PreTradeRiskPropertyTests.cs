using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

/// <summary>
/// Random orders against random limits, books and balances. Quantities are whole steps and prices whole ticks, so
/// every value is exact in decimal. Each property re-derives the measures here, from the raw scenario, without the
/// engine's own helpers:
/// <list type="bullet">
/// <item>no accepted order breaks a limit (a measure above its limit is allowed only when the order does not make it larger);</item>
/// <item>every limit denial names a limit of its kind that is configured, and a would-be value above it that the scenario reproduces.</item>
/// </list>
/// </summary>
public sealed class PreTradeRiskPropertyTests
{
    /// <summary>One derivatives leg of the scenario book: position, open buys and sells in lots of 0.001, marked at a price.</summary>
    public sealed record Leg(InstrumentId Instrument, int PositionLots, int BuyLots, int SellLots, decimal Mark)
    {
        public decimal Position => PositionLots * 0.001m;
        public decimal Buys => BuyLots * 0.001m;
        public decimal Sells => SellLots * 0.001m;
    }

    public sealed record Scenario(
        Leg Btc,
        Leg Eth,
        InstrumentId Instrument,
        OrderSide Side,
        int Lots,
        bool IsMarket,
        int PriceOffsetTicks,
        bool ReduceOnly,
        RiskLimits Limits,
        RiskLimits? Firm,
        int OpenOrders,
        int Recent,
        decimal? MarginEquity,
        decimal Leverage)
    {
        public Leg OrderLeg => Instrument == BtcPerp ? Btc : Eth;
        public decimal Quantity => Lots * 0.001m;
        public decimal Reference => OrderLeg.Mark;
        public decimal Tick => Spec(Instrument).TickSize;
        public decimal? LimitPrice => IsMarket ? null : Math.Max(Tick, Reference + (PriceOffsetTicks * Tick));
        public decimal OrderPrice => LimitPrice ?? Reference;

        public OrderSpec ToSpec() => new()
        {
            Instrument = Instrument,
            Side = Side,
            Type = IsMarket ? OrderType.Market : OrderType.Limit,
            Quantity = Quantity,
            LimitPrice = LimitPrice,
            ReduceOnly = ReduceOnly,
        };

        public PreTradeRequest ToRequest() => Request(ToSpec(), Limits with { Leverage = Leverage }, Reference,
            new RiskBook([Line(Btc.Instrument, Btc.Position, Btc.Mark, Btc.Buys, Btc.Sells), Line(Eth.Instrument, Eth.Position, Eth.Mark, Eth.Buys, Eth.Sells)]),
            MarginEquity is null ? null : new BalanceView { MarginEquity = MarginEquity }, Firm, open: OpenOrders, recent: Recent);

        public override string ToString() =>
            $"{Side} {Quantity} {Instrument.Symbol} {(IsMarket ? "MKT" : $"@{LimitPrice}")} ref={Reference} ro={ReduceOnly} btc={Btc} eth={Eth} limits={Limits} firm={Firm} open={OpenOrders} recent={Recent} margin={MarginEquity} lev={Leverage}";
    }

    private static Gen<decimal?> Maybe(Gen<decimal> gen) => Gen.Frequency((3, Gen.Constant<decimal?>(null)), (2, gen.Select(v => (decimal?)v)));

    private static Gen<int?> MaybeCount(int low, int high) => Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(low, high).Select(v => (int?)v)));

    private static readonly Gen<RiskLimits> LimitsGen =
        from notional in Maybe(Gen.Choose(1, 400).Select(k => k * 500m))
        from quantity in Maybe(Gen.Choose(1, 3000).Select(k => k * 0.001m))
        from open in MaybeCount(1, 12)
        from rate in MaybeCount(1, 12)
        from band in Maybe(Gen.Choose(1, 400).Select(k => k * 0.05m))
        from positionQuantity in Maybe(Gen.Choose(1, 8000).Select(k => k * 0.001m))
        from positionNotional in Maybe(Gen.Choose(1, 800).Select(k => k * 500m))
        from gross in Maybe(Gen.Choose(1, 1200).Select(k => k * 500m))
        from net in Maybe(Gen.Choose(1, 1200).Select(k => k * 500m))
        select new RiskLimits
        {
            MaxOrderNotional = notional,
            MaxOrderQuantity = quantity,
            MaxOpenOrders = open,
            MaxOrdersPerSecond = rate,
            PriceBandPercent = band,
            MaxPositionQuantity = positionQuantity,
            MaxPositionNotional = positionNotional,
            MaxGrossExposure = gross,
            MaxNetExposure = net,
        };

    private static Gen<Leg> LegGen(InstrumentId instrument, int lowTicks, int highTicks, decimal tick) =>
        from position in Gen.Choose(-3000, 3000)
        from buys in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(0, 2000)))
        from sells in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(0, 2000)))
        from ticks in Gen.Choose(lowTicks, highTicks)
        select new Leg(instrument, position, buys, sells, ticks * tick);

    private static readonly Arbitrary<Scenario> Scenarios =
        (from btc in LegGen(BtcPerp, 200_000, 900_000, 0.1m)
         from eth in LegGen(EthPerp, 100_000, 500_000, 0.01m)
         from btcOrder in Gen.Elements(true, false)
         from side in Gen.Elements(OrderSide.Buy, OrderSide.Sell)
         from lots in Gen.Choose(1, 4000)
         from market in Gen.Elements(true, false)
         from offset in Gen.Choose(-1500, 1500)
         from reduceOnly in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
         from limits in LimitsGen
         from firm in Gen.Frequency((3, Gen.Constant<RiskLimits?>(null)), (1, LimitsGen.Select(l => (RiskLimits?)l)))
         from open in Gen.Choose(0, 12)
         from recent in Gen.Choose(0, 12)
         from margin in Maybe(Gen.Choose(1, 400).Select(k => k * 250m))
         from leverage in Gen.Elements(1m, 2m, 5m, 10m, 20m)
         select new Scenario(btc, eth, btcOrder ? BtcPerp : EthPerp, side, lots, market, offset, reduceOnly, limits, firm, open, recent, margin, leverage))
        .ToArbitrary();

    private static readonly DenialCode[] LimitCodes =
    [
        DenialCode.NotionalExceedsMaxPerOrder, DenialCode.QuantityExceedsMaxPerOrder, DenialCode.PriceBandExceeded,
        DenialCode.MaxOpenOrdersExceeded, DenialCode.OrderRateExceeded, DenialCode.MaxPositionExceeded,
        DenialCode.MaxPositionNotionalExceeded, DenialCode.MaxGrossExposureExceeded, DenialCode.MaxNetExposureExceeded,
        DenialCode.ReduceOnlyWouldIncrease, DenialCode.InsufficientMargin,
    ];

    /// <summary>The measures of the scenario, computed from its raw numbers.</summary>
    private sealed record Measures(
        decimal Notional, decimal BandPercent, decimal PositionBefore, decimal PositionAfter, decimal PositionNotionalAfter,
        decimal GrossBefore, decimal GrossAfter, decimal NetBefore, decimal NetAfter, decimal Closable, decimal MarginAfter, decimal MarginBefore);

    private static Measures Measure(Scenario s)
    {
        var q = s.Quantity;
        var grows = !s.ReduceOnly;
        decimal Worst(decimal position, decimal buys, decimal sells) => Math.Max(Math.Abs(position + buys), Math.Abs(position - sells));

        var legs = new[] { s.Btc, s.Eth };
        decimal grossBefore = 0m, grossAfter = 0m, longBefore = 0m, longAfter = 0m, shortBefore = 0m, shortAfter = 0m;
        decimal positionBefore = 0m, positionAfter = 0m;
        foreach (var leg in legs)
        {
            var isOrderLeg = leg.Instrument == s.Instrument;
            var mark = isOrderLeg ? s.Reference : leg.Mark;
            var buysAfter = leg.Buys + (isOrderLeg && grows && s.Side == OrderSide.Buy ? q : 0m);
            var sellsAfter = leg.Sells + (isOrderLeg && grows && s.Side == OrderSide.Sell ? q : 0m);
            grossBefore += Worst(leg.Position, leg.Buys, leg.Sells) * mark;
            grossAfter += Worst(leg.Position, buysAfter, sellsAfter) * mark;
            longBefore += (leg.Position + leg.Buys) * mark;
            longAfter += (leg.Position + buysAfter) * mark;
            shortBefore += (leg.Position - leg.Sells) * mark;
            shortAfter += (leg.Position - sellsAfter) * mark;
            if (isOrderLeg)
            {
                positionBefore = Worst(leg.Position, leg.Buys, leg.Sells);
                positionAfter = Worst(leg.Position, buysAfter, sellsAfter);
            }
        }
        var orderLeg = s.OrderLeg;
        var closable = s.Side == OrderSide.Sell ? Math.Max(0m, orderLeg.Position) : Math.Max(0m, -orderLeg.Position);
        var fee = s.Quantity * s.OrderPrice * RiskLimits.DefaultFeeEstimatePercent / 100m;
        return new Measures(
            Notional: q * s.OrderPrice,
            BandPercent: s.LimitPrice is { } p ? Math.Abs(p - s.Reference) / s.Reference * 100m : 0m,
            PositionBefore: positionBefore,
            PositionAfter: positionAfter,
            PositionNotionalAfter: positionAfter * s.Reference,
            GrossBefore: grossBefore,
            GrossAfter: grossAfter,
            NetBefore: Math.Max(Math.Abs(longBefore), Math.Abs(shortBefore)),
            NetAfter: Math.Max(Math.Abs(longAfter), Math.Abs(shortAfter)),
            Closable: closable,
            MarginAfter: grossAfter / s.Leverage + fee,
            MarginBefore: grossBefore / s.Leverage);
    }

    /// <summary>The tightest configured value of one kind over firm and account.</summary>
    private static decimal? Tightest(Scenario s, Func<RiskLimits, decimal?> pick)
    {
        var a = pick(s.Limits);
        var f = s.Firm is null ? null : pick(s.Firm);
        return a is null ? f : f is null ? a : Math.Min(a.Value, f.Value);
    }

    [Property(MaxTest = 3000)]
    public Property No_accepted_order_breaks_a_limit() => Prop.ForAll(Scenarios, s =>
    {
        var outcome = PreTradeRiskEngine.Evaluate(s.ToRequest());
        if (!outcome.Passed) return;
        var m = Measure(s);

        Assert.True(Tightest(s, l => l.MaxOrderQuantity) is not { } maxQ || s.Quantity <= maxQ, $"quantity above its limit: {s}");
        Assert.True(Tightest(s, l => l.MaxOrderNotional) is not { } maxN || m.Notional <= maxN, $"notional above its limit: {s}");
        Assert.True(Tightest(s, l => l.PriceBandPercent) is not { } band || m.BandPercent <= band, $"price outside the band: {s}");
        Assert.True(Tightest(s, l => l.MaxOpenOrders) is not { } open || s.OpenOrders + 1 <= open, $"too many open orders: {s}");
        Assert.True(Tightest(s, l => l.MaxOrdersPerSecond) is not { } rate || s.Recent + 1 <= rate, $"order rate above its limit: {s}");
        Assert.True(!s.ReduceOnly || s.Quantity <= m.Closable, $"reduce-only order increases the position: {s}");
        var grewPosition = m.PositionAfter > m.PositionBefore;
        Assert.True(!grewPosition || Tightest(s, l => l.MaxPositionQuantity) is not { } maxPos || m.PositionAfter <= maxPos, $"position above its limit: {s}");
        Assert.True(!grewPosition || Tightest(s, l => l.MaxPositionNotional) is not { } maxPosN || m.PositionNotionalAfter <= maxPosN, $"position notional above its limit: {s}");
        Assert.True(m.GrossAfter <= m.GrossBefore || s.Limits.MaxGrossExposure is not { } gross || m.GrossAfter <= gross, $"gross exposure above its limit: {s}");
        Assert.True(m.NetAfter <= m.NetBefore || s.Limits.MaxNetExposure is not { } net || m.NetAfter <= net, $"net exposure above its limit: {s}");
        Assert.True(!grewPosition || s.MarginEquity is not { } margin || m.MarginAfter <= margin, $"margin above the equity: {s}");
    });

    [Property(MaxTest = 3000)]
    public Property Every_limit_denial_names_a_configured_limit_that_the_order_would_break() => Prop.ForAll(Scenarios, s =>
    {
        var denial = PreTradeRiskEngine.Evaluate(s.ToRequest()).Denial;
        if (denial is null || !LimitCodes.Contains(denial.Code)) return;
        Assert.NotNull(denial.Limit);
        Assert.NotNull(denial.WouldBe);
        Assert.True(denial.WouldBe > denial.Limit, $"{denial} does not break its limit: {s}");
        var m = Measure(s);
        var (configured, wouldBe) = denial.Code switch
        {
            DenialCode.QuantityExceedsMaxPerOrder => (Tightest(s, l => l.MaxOrderQuantity), s.Quantity),
            DenialCode.NotionalExceedsMaxPerOrder => (Tightest(s, l => l.MaxOrderNotional), m.Notional),
            DenialCode.PriceBandExceeded => (Tightest(s, l => l.PriceBandPercent), decimal.Ceiling(m.BandPercent * 1_000_000m) / 1_000_000m),
            DenialCode.MaxOpenOrdersExceeded => (Tightest(s, l => l.MaxOpenOrders), s.OpenOrders + 1),
            DenialCode.OrderRateExceeded => (Tightest(s, l => l.MaxOrdersPerSecond), s.Recent + 1),
            DenialCode.MaxPositionExceeded => (Tightest(s, l => l.MaxPositionQuantity), m.PositionAfter),
            DenialCode.MaxPositionNotionalExceeded => (Tightest(s, l => l.MaxPositionNotional), m.PositionNotionalAfter),
            DenialCode.MaxGrossExposureExceeded => (s.Limits.MaxGrossExposure, m.GrossAfter),
            DenialCode.MaxNetExposureExceeded => (s.Limits.MaxNetExposure, m.NetAfter),
            DenialCode.ReduceOnlyWouldIncrease => (m.Closable, s.Quantity),
            DenialCode.InsufficientMargin => (s.MarginEquity, m.MarginAfter),
            _ => throw new InvalidOperationException($"unexpected code {denial.Code}"),
        };
        Assert.Equal(configured, denial.Limit);
        Assert.Equal(wouldBe, denial.WouldBe);
        if (denial.Code is DenialCode.MaxGrossExposureExceeded) Assert.True(m.GrossAfter > m.GrossBefore, $"gross was not increased: {s}");
        if (denial.Code is DenialCode.MaxNetExposureExceeded) Assert.True(m.NetAfter > m.NetBefore, $"net was not increased: {s}");
        if (denial.Code is DenialCode.MaxPositionExceeded or DenialCode.MaxPositionNotionalExceeded or DenialCode.InsufficientMargin)
            Assert.True(m.PositionAfter > m.PositionBefore, $"position was not increased: {s}");
    });

    [Property(MaxTest = 1000)]
    public Property Two_orders_checked_one_after_the_other_never_jointly_pass_an_exposure_limit() => Prop.ForAll(Scenarios, s =>
    {
        // The account grain checks orders one at a time: the second sees the first among its open orders.
        if (s.ReduceOnly || !PreTradeRiskEngine.Evaluate(s.ToRequest()).Passed) return;
        var leg = s.OrderLeg with
        {
            BuyLots = s.OrderLeg.BuyLots + (s.Side == OrderSide.Buy ? s.Lots : 0),
            SellLots = s.OrderLeg.SellLots + (s.Side == OrderSide.Sell ? s.Lots : 0),
        };
        var afterFirst = (s.Instrument == BtcPerp ? s with { Btc = leg } : s with { Eth = leg }) with { OpenOrders = s.OpenOrders + 1, Recent = s.Recent + 1 };
        if (!PreTradeRiskEngine.Evaluate(afterFirst.ToRequest()).Passed) return;

        var start = Measure(s);
        var end = Measure(afterFirst);
        if (s.Limits.MaxGrossExposure is { } gross && start.GrossBefore <= gross)
            Assert.True(end.GrossAfter <= gross, $"two orders jointly took gross exposure to {end.GrossAfter} above {gross}: {s}");
        if (s.Limits.MaxNetExposure is { } net && start.NetBefore <= net)
            Assert.True(end.NetAfter <= net, $"two orders jointly took net exposure to {end.NetAfter} above {net}: {s}");
    });
}
