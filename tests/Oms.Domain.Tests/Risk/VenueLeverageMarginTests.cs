using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

/// <summary>
/// The futures margin check with the venue's leverage per instrument: each leg is margined at its own instrument's
/// leverage, the risk limits' maximum leverage caps it (firm and account: the tighter), and without a known venue
/// leverage the maximum (else 1x) is assumed; the denial names the leverage, where it comes from and the margin numbers.
/// </summary>
public sealed class VenueLeverageMarginTests
{
    private static readonly BalanceView Equity1000 = new() { MarginEquity = 1000m };

    // An ETH leg of 1 ETH marked at 3000 (3000 USDT of gross) and a BTC order of 0.05 at 60000 (3000 USDT).
    private static readonly RiskBook EthLeg = new([Line(EthPerp, 1m, 3000m)]);

    private static PreTradeRequest BtcBuy(decimal quantity, IReadOnlyDictionary<InstrumentId, decimal>? venue, RiskLimits? limits = null, RiskLimits? firm = null,
        RiskBook? book = null) =>
        Request(Limit(BtcPerp, OrderSide.Buy, quantity, 60000m), limits, book: book ?? EthLeg, balances: Equity1000, firm: firm) with { VenueLeverage = venue };

    private static Denial Margin(PreTradeRequest request)
    {
        var denial = PreTradeRiskEngine.Evaluate(request).Denial;
        Assert.NotNull(denial);
        Assert.Equal(DenialCode.InsufficientMargin, denial.Code);
        Assert.Equal(1000m, denial.Limit);
        Assert.Equal("USDT", denial.Unit);
        return denial;
    }

    [Fact]
    public void Each_leg_is_margined_at_the_venues_leverage_of_its_own_instrument()
    {
        // BTC at 10x: 3000 / 10 = 300; ETH at 5x: 3000 / 5 = 600; fee 0.1 % of 3000 = 3. 903 ≤ 1000.
        var passes = PreTradeRiskEngine.Evaluate(BtcBuy(0.05m, new Dictionary<InstrumentId, decimal> { [BtcPerp] = 10m, [EthPerp] = 5m }));
        Assert.Null(passes.Denial);

        // The same order with BTC at 1x: 3000 + 600 + 3 = 3603 (a single account-wide 1x would have said 6003).
        var denial = Margin(BtcBuy(0.05m, new Dictionary<InstrumentId, decimal> { [BtcPerp] = 1m, [EthPerp] = 5m }));
        Assert.Equal(3603m, denial.WouldBe);
        Assert.Equal(
            "margin needed would be 3603 USDT: BTCUSDT worst-case gross 3000 USDT at 1x leverage (the venue's leverage of BTCUSDT) = 3000 USDT, "
            + "other legs' initial margin 600 USDT, 0.1% fee estimate 3 USDT; above the margin equity 1000 USDT",
            denial.Reason);
    }

    [Fact]
    public void The_maximum_leverage_caps_the_venues_and_the_denial_says_which_level_set_it()
    {
        var venue = new Dictionary<InstrumentId, decimal> { [BtcPerp] = 20m, [EthPerp] = 20m };
        // Uncapped: 3000/20 + 3000/20 + 3 = 303.
        Assert.Null(PreTradeRiskEngine.Evaluate(BtcBuy(0.05m, venue)).Denial);

        // Account maximum 2x caps both legs: 1500 + 1500 + 3 = 3003.
        var account = Margin(BtcBuy(0.05m, venue, new RiskLimits { Leverage = 2m }));
        Assert.Equal(3003m, account.WouldBe);
        Assert.Contains("at 2x leverage (the maximum leverage 2x caps the venue's 20x on BTCUSDT) = 1500 USDT", account.Reason, StringComparison.Ordinal);

        // The firm's 4x is tighter than the account's 10x: 750 + 750 + 3 = 1503, and the reason names the firm.
        var firm = Margin(BtcBuy(0.05m, venue, new RiskLimits { Leverage = 10m }, new RiskLimits { Leverage = 4m }));
        Assert.Equal(1503m, firm.WouldBe);
        Assert.Contains("(the maximum leverage 4x (firm limit) caps the venue's 20x on BTCUSDT)", firm.Reason, StringComparison.Ordinal);

        // A maximum above the venue's leverage changes nothing.
        Assert.Null(PreTradeRiskEngine.Evaluate(BtcBuy(0.05m, venue, new RiskLimits { Leverage = 50m })).Denial);
    }

    [Fact]
    public void An_unknown_venue_leverage_is_the_maximum_else_1x_and_the_reason_says_it_is_not_known()
    {
        // Nothing known, nothing set: 1x on both legs, 3000 + 3000 + 3.
        var none = Margin(BtcBuy(0.05m, venue: null));
        Assert.Equal(6003m, none.WouldBe);
        Assert.Contains("at 1x leverage (the venue's leverage of BTCUSDT is not known and no maximum leverage is set)", none.Reason, StringComparison.Ordinal);

        // BTC unknown, ETH known at 10x, maximum 3x: BTC 3000/3 = 1000, ETH min(10, 3) → 1000, + 3.
        var partly = Margin(BtcBuy(0.05m, new Dictionary<InstrumentId, decimal> { [EthPerp] = 10m }, new RiskLimits { Leverage = 3m }));
        Assert.Equal(2003m, partly.WouldBe);
        Assert.Contains("at 3x leverage (the maximum leverage 3x: the venue's leverage of BTCUSDT is not known)", partly.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_that_do_not_grow_their_leg_pass_whatever_the_leverage()
    {
        var book = new RiskBook([Line(BtcPerp, 0.5m, 60000m), Line(EthPerp, 1m, 3000m)]);
        var sell = Request(Limit(BtcPerp, OrderSide.Sell, 0.2m, 60000m), book: book, balances: Equity1000)
            with { VenueLeverage = new Dictionary<InstrumentId, decimal> { [BtcPerp] = 1m } };
        Assert.Null(PreTradeRiskEngine.Evaluate(sell).Denial);
    }

    [Theory]
    [InlineData(null, null, 1, null)]          // nothing known: 1x
    [InlineData(20, null, 20, 20)]             // the venue's
    [InlineData(20, 5, 5, 20)]                 // capped
    [InlineData(3, 5, 3, 3)]                   // a cap above the venue's changes nothing
    [InlineData(null, 7, 7, null)]             // unknown venue: the maximum
    [InlineData(0, null, 1, null)]             // a venue value below 1 is not a leverage
    public void The_margin_leverage_is_the_venues_capped_by_the_maximum(int? venue, int? cap, int expected, int? expectedVenue)
    {
        var bound = cap is { } c ? new LimitBound(c, RiskLevel.Account) : (LimitBound?)null;
        var leverage = MarginLeverage.Resolve(venue, bound);
        Assert.Equal((decimal)expected, leverage.Value);
        Assert.Equal((decimal?)expectedVenue, leverage.Venue);
        Assert.Equal(venue is { } v && cap is { } m && m < v, leverage.Capped);
    }

    [Fact]
    public void The_maximum_leverage_resolves_to_the_tighter_of_firm_and_account()
    {
        Assert.Null(RiskLimitHierarchy.Resolve(null, RiskLimits.None, BtcPerp, null).MaxLeverage);
        Assert.Equal(new LimitBound(10m, RiskLevel.Account), RiskLimitHierarchy.Resolve(null, new RiskLimits { Leverage = 10m }, BtcPerp, null).MaxLeverage);
        Assert.Equal(new LimitBound(4m, RiskLevel.Firm), RiskLimitHierarchy.Resolve(new RiskLimits { Leverage = 4m }, new RiskLimits { Leverage = 10m }, BtcPerp, null).MaxLeverage);
        Assert.Equal(new LimitBound(3m, RiskLevel.Account), RiskLimitHierarchy.Resolve(new RiskLimits { Leverage = 4m }, new RiskLimits { Leverage = 3m }, BtcPerp, null).MaxLeverage);
        Assert.Equal(new LimitBound(5m, RiskLevel.Firm), RiskLimitHierarchy.Resolve(new RiskLimits { Leverage = 5m }, RiskLimits.None, BtcPerp, null).MaxLeverage);
    }

    // ------------------------------------------------------------------ property

    /// <summary>A BTC and an ETH leg (position lots of 0.001, marks), venue leverages (0 = unknown), the caps and an order.</summary>
    public sealed record Case(int BtcLots, int EthLots, int BtcVenue, int EthVenue, int? AccountCap, int? FirmCap, bool OrderOnBtc, OrderSide Side, int Lots, int EquityK)
    {
        public decimal BtcMark => 60000m;
        public decimal EthMark => 3000m;

        public IReadOnlyDictionary<InstrumentId, decimal> Venue()
        {
            var venue = new Dictionary<InstrumentId, decimal>();
            if (BtcVenue > 0) venue[BtcPerp] = BtcVenue;
            if (EthVenue > 0) venue[EthPerp] = EthVenue;
            return venue;
        }

        public PreTradeRequest ToRequest()
        {
            var instrument = OrderOnBtc ? BtcPerp : EthPerp;
            var price = OrderOnBtc ? BtcMark : EthMark;
            var book = new RiskBook([Line(BtcPerp, BtcLots * 0.001m, BtcMark), Line(EthPerp, EthLots * 0.001m, EthMark)]);
            return Request(Limit(instrument, Side, Lots * 0.001m, price), new RiskLimits { Leverage = AccountCap }, price, book,
                new BalanceView { MarginEquity = EquityK * 100m }, FirmCap is null ? null : new RiskLimits { Leverage = FirmCap }) with { VenueLeverage = Venue() };
        }

        /// <summary>The leverage of one instrument, computed from the raw numbers.</summary>
        public decimal Leverage(int venue)
        {
            var cap = (AccountCap, FirmCap) switch
            {
                (null, null) => (int?)null,
                ({ } a, null) => a,
                (null, { } f) => f,
                ({ } a, { } f) => Math.Min(a, f),
            };
            return venue > 0 ? Math.Min(venue, cap ?? int.MaxValue) : cap ?? 1;
        }

        /// <summary>Initial margin of both legs with the order, plus its fee, and whether the order grows its leg.</summary>
        public (decimal Required, bool Grows) Model()
        {
            var quantity = Lots * 0.001m;
            var signed = Side == OrderSide.Buy ? quantity : -quantity;
            decimal Gross(int lots, decimal mark, bool withOrder) => Math.Max(Math.Abs(lots * 0.001m), Math.Abs((lots * 0.001m) + (withOrder ? signed : 0m))) * mark;
            var btcGross = Gross(BtcLots, BtcMark, OrderOnBtc);
            var ethGross = Gross(EthLots, EthMark, !OrderOnBtc);
            var fee = quantity * (OrderOnBtc ? BtcMark : EthMark) * RiskLimits.DefaultFeeEstimatePercent / 100m;
            var lots = OrderOnBtc ? BtcLots : EthLots;
            var grows = Math.Abs((lots * 0.001m) + signed) > Math.Abs(lots * 0.001m);
            return ((btcGross / Leverage(BtcVenue)) + (ethGross / Leverage(EthVenue)) + fee, grows);
        }
    }

    private static readonly Gen<int?> Cap = Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Elements(1, 2, 3, 5, 10, 20, 50).Select(v => (int?)v)));

    private static readonly Arbitrary<Case> Cases =
        (from btc in Gen.Choose(-500, 500)
         from eth in Gen.Choose(-5000, 5000)
         from btcVenue in Gen.Elements(0, 1, 2, 5, 10, 20, 75, 125)
         from ethVenue in Gen.Elements(0, 1, 3, 10, 25, 50)
         from accountCap in Cap
         from firmCap in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Cap))
         from onBtc in Gen.Elements(true, false)
         from side in Gen.Elements(OrderSide.Buy, OrderSide.Sell)
         from lots in Gen.Choose(10, 800)
         from equity in Gen.Choose(1, 400)
         select new Case(btc, eth, btcVenue, ethVenue, accountCap, firmCap, onBtc, side, lots, equity))
        .ToArbitrary();

    private const decimal Tolerance = 0.000000000001m;

    [Property(MaxTest = 2000)]
    public Property An_order_is_refused_for_margin_exactly_when_it_grows_its_leg_and_the_per_instrument_margin_exceeds_the_equity() => Prop.ForAll(Cases, c =>
    {
        var denial = PreTradeRiskEngine.Evaluate(c.ToRequest()).Denial;
        var (required, grows) = c.Model();
        var equity = c.EquityK * 100m;
        if (denial is null)
        {
            Assert.True(!grows || required <= equity + Tolerance, $"accepted an order needing {required} of {equity}: {c}");
            return;
        }
        Assert.Equal(DenialCode.InsufficientMargin, denial.Code);
        Assert.True(grows, $"refused an order that does not grow its leg: {c}");
        Assert.Equal(equity, denial.Limit);
        Assert.True(Math.Abs(denial.WouldBe!.Value - required) <= Tolerance, $"would-be {denial.WouldBe} is not the model's {required}: {c}");
        Assert.True(required > equity - Tolerance, $"refused {required} within {equity}: {c}");
        var leverage = c.Leverage(c.OrderOnBtc ? c.BtcVenue : c.EthVenue);
        Assert.Contains($" at {PreTradeRiskEngine.Fmt(leverage)}x leverage (", denial.Reason, StringComparison.Ordinal);
    });
}
