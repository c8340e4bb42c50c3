using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Oms.Domain.Tests.Positions;

/// <summary>
/// Position math on random fill sequences. Quantities are generated on a 0.001 step and prices on a 0.01 tick (and
/// fees on exact rate grids), so every notional, sum and cash flow computed here is exact in <see cref="decimal"/>:
/// the only rounding left is the one the position itself introduces when it averages an entry price.
/// </summary>
/// <remarks>
/// <para>
/// Accounting identity: realized + unrealized(mark) equals the cash-flow PnL
/// Σ sell notional − Σ buy notional − fees paid outside the base asset + quantity × mark (all × contract size).
/// Base-asset fees appear through the smaller inventory and are expensed at the fill price, which makes the two agree.
/// </para>
/// <para>
/// Tolerance: when a position is increased its entry becomes (|Q|·entry + |Δ|·price) / |Q + Δ|, which decimal rounds
/// to 28-29 significant digits; the products closing × (price − entry) and Q × (mark − entry) and the running sums then
/// round again at the same precision. Each rounding is at most half a unit in the 28th significant digit of a value no
/// larger than S = Σ|notional|·size + |Q|·(mark + entry)·size + Σ|fees|, i.e. at most 5e-28·S, and there are at most four
/// per fill. With at most 100 fills the error is below 2e-25·S; the tests allow 1e-24·S (about 3.5e-17 USDT for the
/// largest generated S; 20 000 sampled sequences never exceeded 1e-28·S). Where no entry is ever averaged (every fill
/// opens from flat, reduces, closes or flips) nothing rounds and the identity is asserted exactly.
/// </para>
/// </remarks>
public sealed class PositionPropertyTests
{
    private const decimal RelativeTolerance = 1e-24m;

    /// <summary>A generated fill before it is shaped to a scenario: side preference, lots of 0.001, ticks of 0.01, fee choice.</summary>
    private sealed record RawFill(bool Buy, int Lots, int Ticks, int FeeChoice)
    {
        public decimal Quantity => Lots * 0.001m;
        public decimal Price => Ticks * 0.01m;
    }

    /// <summary>A fill as applied to a position, with its cash effect.</summary>
    private sealed record TestFill(OrderSide Side, decimal Quantity, decimal Price, decimal FeeQuote, decimal BaseFee)
    {
        /// <summary>Cash received (sells) or paid (buys) for the trade, plus fees paid in quote or another asset.</summary>
        public decimal Cash(decimal contractSize) =>
            (Side == OrderSide.Sell ? 1m : -1m) * Quantity * Price * contractSize - (FeeQuote - BaseFee * Price);

        public decimal Delta => Side == OrderSide.Buy ? Quantity - BaseFee : -(Quantity + BaseFee);

        public override string ToString() => $"{Side} {Quantity}@{Price} fee={FeeQuote} base={BaseFee}";
    }

    private static readonly Gen<RawFill> RawFillGen =
        from buy in Gen.Elements(true, false)
        from lots in Gen.Choose(1, 5_000)             // 0.001 .. 5.000
        from ticks in Gen.Choose(10_000, 7_000_000)   // 100.00 .. 70 000.00
        from fee in Gen.Choose(0, 4)
        select new RawFill(buy, lots, ticks, fee);

    private static readonly Gen<decimal> MarkGen = Gen.Choose(10_000, 7_000_000).Select(t => t * 0.01m);

    private static readonly Gen<decimal> ContractSizeGen = Gen.Elements(1m, 0.001m, 0.01m, 10m);

    private static Arbitrary<(List<RawFill> Fills, decimal Mark, decimal ContractSize)> Sequences() =>
        (from fills in Gen.ListOf(RawFillGen).Select(f => f.ToList())
         from mark in MarkGen
         from size in ContractSizeGen
         select (fills, mark, size)).ToArbitrary();

    // ---------------------------------------------------------------- spot inventory

    [Property(MaxTest = 200)]
    public Property Spot_inventory_is_conserved_and_pnl_matches_cash_flow() =>
        Prop.ForAll(Sequences(), input =>
        {
            var position = new Position();
            var fills = ShapeSpot(input.Fills);
            var delta = 0m;
            foreach (var fill in fills)
            {
                var change = Apply(position, fill);
                delta += fill.Delta;
                Assert.Equal(change.QuantityBefore + fill.Delta, change.QuantityAfter);
                Assert.Equal(position.Quantity, change.QuantityAfter);
                Assert.True(position.Quantity >= 0m, "spot inventory went negative");
            }
            Assert.Equal(delta, position.Quantity);
            Assert.Equal(position.TotalBought - position.TotalSold, position.Quantity);
            Assert.Equal(fills.Where(f => f.Side == OrderSide.Buy).Sum(f => f.Quantity - f.BaseFee), position.TotalBought);
            Assert.Equal(fills.Sum(f => f.FeeQuote), position.Fees);
            AssertIdentity(position, fills, input.Mark, 1m, exact: false);
        });

    // ---------------------------------------------------------------- futures one-way

    [Property(MaxTest = 200)]
    public Property Futures_quantity_is_conserved_and_pnl_matches_cash_flow() =>
        Prop.ForAll(Sequences(), input =>
        {
            var position = new Position(input.ContractSize);
            var fills = input.Fills.Select(f => Futures(f, input.ContractSize)).ToList();
            var realized = 0m;
            foreach (var fill in fills) realized += Apply(position, fill).RealizedPnlDelta;

            Assert.Equal(fills.Sum(f => f.Delta), position.Quantity);
            Assert.Equal(position.TotalBought - position.TotalSold, position.Quantity);
            Assert.Equal(realized, position.RealizedPnlGross);
            Assert.Equal(fills.Sum(f => f.FeeQuote), position.Fees);
            Assert.Equal(position.RealizedPnlGross - position.Fees, position.RealizedPnl);
            AssertIdentity(position, fills, input.Mark, input.ContractSize, exact: false);
        });

    [Property(MaxTest = 200)]
    public Property Without_averaging_the_pnl_identity_is_exact() =>
        Prop.ForAll(Sequences(), input =>
        {
            // A trader who never adds to a position: every fill opens from flat or goes against the position
            // (reduce, close or flip), so the entry is always a fill price and nothing is ever divided.
            var position = new Position(input.ContractSize);
            var fills = new List<TestFill>();
            foreach (var raw in input.Fills)
            {
                var side = position.Quantity switch
                {
                    > 0m => OrderSide.Sell,
                    < 0m => OrderSide.Buy,
                    _ => raw.Buy ? OrderSide.Buy : OrderSide.Sell,
                };
                var fill = Futures(raw with { Buy = side == OrderSide.Buy }, input.ContractSize);
                Assert.NotEqual(PositionChangeKind.Increased, Apply(position, fill).Kind);
                fills.Add(fill);
            }
            AssertIdentity(position, fills, input.Mark, input.ContractSize, exact: true);
        });

    [Property(MaxTest = 300)]
    public Property Each_fill_is_classified_and_moves_the_entry_as_documented() =>
        Prop.ForAll(Sequences(), input =>
        {
            var position = new Position(input.ContractSize);
            foreach (var raw in input.Fills)
            {
                var fill = Futures(raw, input.ContractSize);
                var before = position.Quantity;
                var entryBefore = position.AverageEntryPrice;
                var change = Apply(position, fill);
                var after = position.Quantity;

                Assert.Equal(after, change.QuantityAfter);
                Assert.Equal(position.AverageEntryPrice, change.AverageEntryPrice);
                Assert.Equal(fill.FeeQuote, change.FeeDelta);
                switch (change.Kind)
                {
                    case PositionChangeKind.Opened:
                        Assert.Equal(0m, before);
                        Assert.Equal(fill.Price, position.AverageEntryPrice);
                        Assert.Equal(0m, change.RealizedPnlDelta);
                        break;
                    case PositionChangeKind.Increased:
                        Assert.Equal(Math.Sign(before), Math.Sign(after));
                        Assert.True(Math.Abs(after) > Math.Abs(before));
                        Assert.InRange(position.AverageEntryPrice, Math.Min(entryBefore, fill.Price), Math.Max(entryBefore, fill.Price));
                        Assert.Equal(0m, change.RealizedPnlDelta);
                        break;
                    case PositionChangeKind.Reduced:
                        Assert.Equal(Math.Sign(before), Math.Sign(after));
                        Assert.True(Math.Abs(after) < Math.Abs(before));
                        Assert.Equal(entryBefore, position.AverageEntryPrice); // reducing never moves the entry
                        Assert.Equal(Math.Abs(fill.Delta) * (fill.Price - entryBefore) * Math.Sign(before) * input.ContractSize, change.RealizedPnlDelta);
                        break;
                    case PositionChangeKind.Closed:
                        Assert.NotEqual(0m, before);
                        Assert.Equal(0m, after);
                        Assert.True(position.IsFlat);
                        Assert.Equal(0m, position.AverageEntryPrice);
                        Assert.Equal(0m, position.UnrealizedPnl(input.Mark));
                        Assert.Equal(Math.Abs(before) * (fill.Price - entryBefore) * Math.Sign(before) * input.ContractSize, change.RealizedPnlDelta);
                        break;
                    case PositionChangeKind.Flipped:
                        Assert.Equal(-Math.Sign(before), Math.Sign(after));
                        Assert.Equal(fill.Price, position.AverageEntryPrice);
                        Assert.Equal(Math.Abs(before) * (fill.Price - entryBefore) * Math.Sign(before) * input.ContractSize, change.RealizedPnlDelta);
                        break;
                    default:
                        Assert.Fail($"unknown change kind {change.Kind}");
                        break;
                }
                // The kind is decided by the signs alone.
                var expected = before == 0m ? PositionChangeKind.Opened
                    : Math.Sign(before) == Math.Sign(fill.Delta) ? PositionChangeKind.Increased
                    : after == 0m ? PositionChangeKind.Closed
                    : Math.Sign(after) != Math.Sign(before) ? PositionChangeKind.Flipped
                    : PositionChangeKind.Reduced;
                Assert.Equal(expected, change.Kind);
            }
        });

    // ---------------------------------------------------------------- order independence

    /// <summary>
    /// What holds for every permutation of the same fills, crossing zero or not: the final quantity, the totals bought
    /// and sold, the fees, and realized + unrealized at any mark (it equals the cash flow, a plain sum). Realized PnL and
    /// the entry on their own depend on the order (see the example test), so they are not asserted here.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Quantity_fees_and_total_pnl_at_a_mark_do_not_depend_on_the_order_of_fills() =>
        Prop.ForAll(
            (from input in Sequences().Generator
             from shuffled in Gen.Shuffle(input.Fills.ToArray())
             select (input.Fills, Shuffled: shuffled.ToList(), input.Mark, input.ContractSize)).ToArbitrary(),
            input =>
            {
                var original = input.Fills.Select(f => Futures(f, input.ContractSize)).ToList();
                var permuted = input.Shuffled.Select(f => Futures(f, input.ContractSize)).ToList();
                var a = new Position(input.ContractSize);
                var b = new Position(input.ContractSize);
                original.ForEach(f => Apply(a, f));
                permuted.ForEach(f => Apply(b, f));

                Assert.Equal(a.Quantity, b.Quantity);
                Assert.Equal(a.TotalBought, b.TotalBought);
                Assert.Equal(a.TotalSold, b.TotalSold);
                Assert.Equal(a.Fees, b.Fees);
                var totalA = a.RealizedPnl + a.UnrealizedPnl(input.Mark);
                var totalB = b.RealizedPnl + b.UnrealizedPnl(input.Mark);
                var scale = Scale(a, original, input.Mark, input.ContractSize) + Scale(b, permuted, input.Mark, input.ContractSize);
                AssertClose(totalA, totalB, scale);
            });

    /// <summary>
    /// Building a position on one side only (no reduction): nothing is realized and the entry is the quantity-weighted
    /// mean price Σqp / Σq for every order of the fills, up to the averaging rounding.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Accumulating_on_one_side_gives_the_weighted_mean_entry_in_any_order() =>
        Prop.ForAll(
            (from side in Gen.Elements(OrderSide.Buy, OrderSide.Sell)
             from fills in Gen.NonEmptyListOf(RawFillGen)
             from shuffled in Gen.Shuffle(fills.ToArray())
             select (side, Fills: fills.ToList(), Shuffled: shuffled.ToList())).ToArbitrary(),
            input =>
            {
                var a = new Position();
                var b = new Position();
                foreach (var f in input.Fills) a.ApplyFill(input.side, f.Quantity, f.Price);
                foreach (var f in input.Shuffled) b.ApplyFill(input.side, f.Quantity, f.Price);

                var mean = input.Fills.Sum(f => f.Quantity * f.Price) / input.Fills.Sum(f => f.Quantity);
                Assert.Equal(0m, a.RealizedPnlGross);
                Assert.Equal(0m, b.RealizedPnlGross);
                Assert.Equal(a.Quantity, b.Quantity);
                var tolerance = input.Fills.Count * mean * 1e-26m;
                Assert.InRange(a.AverageEntryPrice, mean - tolerance, mean + tolerance);
                Assert.InRange(b.AverageEntryPrice, mean - tolerance, mean + tolerance);
            });

    // ---------------------------------------------------------------- hedge mode

    /// <summary>
    /// Hedge mode: fills go to a long leg (buys open, sells close at most what is held) or a short leg (the mirror).
    /// Each leg keeps its sign, each satisfies the identity, and together they carry the same quantity and the same
    /// total PnL at a mark as one netting position fed the same fills.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Hedge_legs_keep_their_sides_and_add_up_to_the_netting_position() =>
        Prop.ForAll(
            (from input in Sequences().Generator
             from legs in Gen.ListOf(Gen.Elements(PositionSide.Long, PositionSide.Short), input.Fills.Count)
             select (input.Fills, Legs: legs.ToList(), input.Mark, input.ContractSize)).ToArbitrary(),
            input =>
            {
                var longLeg = new Position(input.ContractSize);
                var shortLeg = new Position(input.ContractSize);
                var netting = new Position(input.ContractSize);
                var longFills = new List<TestFill>();
                var shortFills = new List<TestFill>();
                for (var i = 0; i < input.Fills.Count; i++)
                {
                    var leg = input.Legs[i] == PositionSide.Long ? longLeg : shortLeg;
                    var opening = input.Legs[i] == PositionSide.Long ? OrderSide.Buy : OrderSide.Sell;
                    var raw = input.Fills[i];
                    var closingAllowed = (int)(Math.Abs(leg.Quantity) * 1000m);
                    var fill = raw.Buy == (opening == OrderSide.Buy) || closingAllowed == 0
                        ? Futures(raw with { Buy = opening == OrderSide.Buy }, input.ContractSize)
                        : Futures(raw with { Buy = opening != OrderSide.Buy, Lots = Math.Min(raw.Lots, closingAllowed) }, input.ContractSize);
                    Apply(leg, fill);
                    Apply(netting, fill);
                    (leg == longLeg ? longFills : shortFills).Add(fill);
                    Assert.True(longLeg.Quantity >= 0m && shortLeg.Quantity <= 0m, "a hedge leg crossed zero");
                }

                AssertIdentity(longLeg, longFills, input.Mark, input.ContractSize, exact: false);
                AssertIdentity(shortLeg, shortFills, input.Mark, input.ContractSize, exact: false);
                Assert.Equal(netting.Quantity, longLeg.Quantity + shortLeg.Quantity);
                var hedged = longLeg.RealizedPnl + longLeg.UnrealizedPnl(input.Mark) + shortLeg.RealizedPnl + shortLeg.UnrealizedPnl(input.Mark);
                var netted = netting.RealizedPnl + netting.UnrealizedPnl(input.Mark);
                var all = longFills.Concat(shortFills).ToList();
                AssertClose(netted, hedged, 3m * Scale(netting, all, input.Mark, input.ContractSize));
            });

    // ---------------------------------------------------------------- helpers

    private static PositionChange Apply(Position position, TestFill fill) =>
        position.ApplyFill(fill.Side, fill.Quantity, fill.Price, fill.FeeQuote, fill.BaseFee);

    /// <summary>A futures fill: fees in the settlement asset at 0, 0.02 %, 0.04 %, 0.05 % or a 0.01 % maker rebate.</summary>
    private static TestFill Futures(RawFill raw, decimal contractSize)
    {
        var notional = raw.Quantity * raw.Price * contractSize;
        var rate = raw.FeeChoice switch { 0 => 0m, 1 => 0.0002m, 2 => 0.0004m, 3 => 0.0005m, _ => -0.0001m };
        return new TestFill(raw.Buy ? OrderSide.Buy : OrderSide.Sell, raw.Quantity, raw.Price, notional * rate, 0m);
    }

    /// <summary>
    /// Spot fills shaped to a long-only inventory: sells never exceed what is held (a sell with nothing held becomes a
    /// buy). Buys pay 0.1 % in the base asset (expensed at the fill price), 0.075 % in BNB, or nothing; sells pay 0.1 %
    /// in the quote asset.
    /// </summary>
    private static List<TestFill> ShapeSpot(IEnumerable<RawFill> raws)
    {
        var held = 0m;
        var fills = new List<TestFill>();
        foreach (var raw in raws)
        {
            TestFill fill;
            if (!raw.Buy && held > 0m)
            {
                var quantity = Math.Min(raw.Quantity, held);
                fill = new TestFill(OrderSide.Sell, quantity, raw.Price, quantity * raw.Price * 0.001m, 0m);
            }
            else
            {
                var notional = raw.Quantity * raw.Price;
                fill = (raw.FeeChoice % 3) switch
                {
                    0 => new TestFill(OrderSide.Buy, raw.Quantity, raw.Price, raw.Quantity * 0.001m * raw.Price, raw.Quantity * 0.001m),
                    1 => new TestFill(OrderSide.Buy, raw.Quantity, raw.Price, notional * 0.00075m, 0m),
                    _ => new TestFill(OrderSide.Buy, raw.Quantity, raw.Price, 0m, 0m),
                };
            }
            held += fill.Delta;
            fills.Add(fill);
        }
        return fills;
    }

    private static void AssertIdentity(Position position, IReadOnlyList<TestFill> fills, decimal mark, decimal contractSize, bool exact)
    {
        var cash = fills.Sum(f => f.Cash(contractSize)) + position.Quantity * mark * contractSize;
        var pnl = position.RealizedPnl + position.UnrealizedPnl(mark);
        if (exact) Assert.Equal(cash, pnl);
        else AssertClose(cash, pnl, Scale(position, fills, mark, contractSize));
    }

    private static decimal Scale(Position position, IEnumerable<TestFill> fills, decimal mark, decimal contractSize) =>
        fills.Sum(f => f.Quantity * f.Price * contractSize + Math.Abs(f.FeeQuote))
        + Math.Abs(position.Quantity) * (mark + position.AverageEntryPrice) * contractSize + 1m;

    private static void AssertClose(decimal expected, decimal actual, decimal scale)
    {
        var tolerance = scale * RelativeTolerance;
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"expected {expected}, got {actual}: difference {expected - actual} exceeds {tolerance}");
    }
}
