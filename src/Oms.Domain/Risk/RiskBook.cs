namespace Oms.Domain;

/// <summary>
/// One line of a risk book: a position leg of one instrument and the open orders that may still grow it.
/// <para>
/// Worst case: if every open buy fills the leg reaches <see cref="WorstLong"/>, if every open sell fills it reaches
/// <see cref="WorstShort"/>; exposure is measured at the worse of the two, marked at <see cref="MarkPrice"/>.
/// Orders that can only shrink the leg (reduce-only orders, and orders that close a hedge-mode leg) are not in
/// <see cref="OpenBuys"/> or <see cref="OpenSells"/>: ignoring them never understates exposure.
/// </para>
/// </summary>
public sealed record BookLine
{
    public required InstrumentId Instrument { get; init; }
    /// <summary><see cref="PositionSide.Both"/> for one-way and spot; Long or Short for a hedge-mode leg.</summary>
    public PositionSide Leg { get; init; } = PositionSide.Both;
    /// <summary>Signed position (long &gt; 0, short &lt; 0).</summary>
    public decimal Position { get; init; }
    /// <summary>Leaves quantity of open orders that add to the leg when they fill as buys.</summary>
    public decimal OpenBuys { get; init; }
    /// <summary>Leaves quantity of open orders that add to the leg when they fill as sells.</summary>
    public decimal OpenSells { get; init; }
    /// <summary>The price the line is marked at, in its quote asset; null when nothing can value it.</summary>
    public decimal? MarkPrice { get; init; }
    public decimal ContractSize { get; init; } = 1m;
    public string QuoteAsset { get; init; } = string.Empty;
    /// <summary>Converts one unit of the quote asset to the valuation asset (1 when they are the same); null when unknown.</summary>
    public decimal? QuoteRate { get; init; } = 1m;
    /// <summary>
    /// Whether the position of the leg is known (the account has fills on it, even if it is flat again). A leg the OMS
    /// has never seen may hold a position opened elsewhere: reduce-only correctness is then left to the venue.
    /// </summary>
    public bool PositionKnown { get; init; } = true;

    public decimal WorstLong => Position + OpenBuys;

    public decimal WorstShort => Position - OpenSells;

    /// <summary>The larger absolute position the leg can reach.</summary>
    public decimal WorstAbsolute => Math.Max(Math.Abs(WorstLong), Math.Abs(WorstShort));

    /// <summary>The value of one unit in the valuation asset, or null when the line cannot be valued.</summary>
    public decimal? UnitValue => MarkPrice is { } mark && QuoteRate is { } rate ? mark * ContractSize * rate : null;

    /// <summary>The value of one unit in the quote asset, or null when the line has no mark.</summary>
    public decimal? UnitQuoteValue => MarkPrice is { } mark ? mark * ContractSize : null;

    public bool IsEmpty => Position == 0m && OpenBuys == 0m && OpenSells == 0m;

    /// <summary>The line's worst-case exposure, or null when it cannot be valued (an empty line is always zero).</summary>
    public Exposure? ToExposure()
    {
        if (IsEmpty) return default(Exposure);
        if (UnitValue is not { } unit) return null;
        return new Exposure(WorstAbsolute * unit, WorstLong * unit, WorstShort * unit);
    }

    /// <summary>
    /// The line after an order of <paramref name="quantity"/> joins it: it adds to the buys or sells unless it can only
    /// shrink the leg (see <see cref="GrowsLeg"/>).
    /// </summary>
    public BookLine With(OrderSide side, decimal quantity, bool reduceOnly)
    {
        if (!GrowsLeg(Leg, side, reduceOnly) || quantity <= 0m) return this;
        return side == OrderSide.Buy ? this with { OpenBuys = OpenBuys + quantity } : this with { OpenSells = OpenSells + quantity };
    }

    /// <summary>
    /// Whether an order can grow a leg: reduce-only orders never do, nor do sells on a hedge-mode long leg or buys on a
    /// short leg (they close it).
    /// </summary>
    public static bool GrowsLeg(PositionSide leg, OrderSide side, bool reduceOnly) => !reduceOnly && leg switch
    {
        PositionSide.Long => side == OrderSide.Buy,
        PositionSide.Short => side == OrderSide.Sell,
        _ => true,
    };
}

/// <summary>Worst-case exposure in the valuation asset: gross, and the net if every buy fills or every sell fills.</summary>
public readonly record struct Exposure(decimal Gross, decimal NetLong, decimal NetShort)
{
    public static Exposure Zero => default;

    /// <summary>The larger absolute net exposure of the two worst cases.</summary>
    public decimal Net => Math.Max(Math.Abs(NetLong), Math.Abs(NetShort));

    public static Exposure operator +(Exposure a, Exposure b) => new(a.Gross + b.Gross, a.NetLong + b.NetLong, a.NetShort + b.NetShort);

    public static Exposure operator -(Exposure a, Exposure b) => new(a.Gross - b.Gross, a.NetLong - b.NetLong, a.NetShort - b.NetShort);
}

/// <summary>
/// An account's (or one strategy tag's) risk book: one line per position leg with open orders and marks. Built by the
/// account grain from its own fills and open orders; the pre-trade checks measure positions and exposure on it.
/// </summary>
public sealed class RiskBook
{
    private readonly BookLine[] _lines;

    public RiskBook(IEnumerable<BookLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        _lines = lines.ToArray();
    }

    public static RiskBook Empty { get; } = new([]);

    public IReadOnlyList<BookLine> Lines => _lines;

    /// <summary>The line of (instrument, leg), or null.</summary>
    public BookLine? Find(InstrumentId instrument, PositionSide leg)
    {
        foreach (var line in _lines)
        {
            if (line.Instrument == instrument && line.Leg == leg) return line;
        }
        return null;
    }

    /// <summary>
    /// The book's worst-case exposure. Returns false with the first instrument that has no mark (or no conversion to
    /// the valuation asset) when a non-empty line cannot be valued.
    /// </summary>
    public bool TryExposure(out Exposure exposure, out InstrumentId unvalued, (InstrumentId Instrument, PositionSide Leg)? skip = null)
    {
        exposure = Exposure.Zero;
        unvalued = default;
        foreach (var line in _lines)
        {
            if (skip is { } s && line.Instrument == s.Instrument && line.Leg == s.Leg) continue;
            if (line.ToExposure() is not { } lineExposure)
            {
                unvalued = line.Instrument;
                return false;
            }
            exposure += lineExposure;
        }
        return true;
    }

    /// <summary>
    /// The worst-case gross in the quote asset of the derivatives lines margined in <paramref name="quoteAsset"/>
    /// (the futures margin model), grouped by the leverage each line's instrument is margined at, skipping one line.
    /// Grouping keeps the initial margin (Σ gross ÷ leverage over the groups) one division per leverage, so a book at
    /// one leverage gives exactly gross ÷ leverage. False with the instrument when a line has no mark.
    /// </summary>
    /// <param name="quoteAsset">The margin asset.</param>
    /// <param name="leverageOf">The leverage an instrument is margined at (≥ 1).</param>
    /// <param name="grossByLeverage">Receives the gross per leverage (added to what it holds).</param>
    /// <param name="unvalued">The first line without a mark, when false.</param>
    /// <param name="skip">A line left out (the order's own, added by the caller).</param>
    public bool TryMarginGrossByLeverage(string quoteAsset, Func<InstrumentId, decimal> leverageOf, IDictionary<decimal, decimal> grossByLeverage,
        out InstrumentId unvalued, (InstrumentId Instrument, PositionSide Leg)? skip = null)
    {
        ArgumentNullException.ThrowIfNull(leverageOf);
        ArgumentNullException.ThrowIfNull(grossByLeverage);
        unvalued = default;
        foreach (var line in _lines)
        {
            if (line.Instrument.Market == MarketType.Spot || !string.Equals(line.QuoteAsset, quoteAsset, StringComparison.Ordinal)) continue;
            if (skip is { } s && line.Instrument == s.Instrument && line.Leg == s.Leg) continue;
            if (line.IsEmpty) continue;
            if (line.UnitQuoteValue is not { } unit)
            {
                unvalued = line.Instrument;
                return false;
            }
            var leverage = leverageOf(line.Instrument);
            grossByLeverage[leverage] = grossByLeverage.TryGetValue(leverage, out var sum) ? sum + (line.WorstAbsolute * unit) : line.WorstAbsolute * unit;
        }
        return true;
    }

    /// <summary>
    /// The worst-case gross in the quote asset of the derivatives lines margined in <paramref name="quoteAsset"/>
    /// (the futures margin model), skipping one line. False with the instrument when a line has no mark.
    /// </summary>
    public bool TryMarginGross(string quoteAsset, out decimal gross, out InstrumentId unvalued, (InstrumentId Instrument, PositionSide Leg)? skip = null)
    {
        gross = 0m;
        unvalued = default;
        foreach (var line in _lines)
        {
            if (line.Instrument.Market == MarketType.Spot || !string.Equals(line.QuoteAsset, quoteAsset, StringComparison.Ordinal)) continue;
            if (skip is { } s && line.Instrument == s.Instrument && line.Leg == s.Leg) continue;
            if (line.IsEmpty) continue;
            if (line.UnitQuoteValue is not { } unit)
            {
                unvalued = line.Instrument;
                return false;
            }
            gross += line.WorstAbsolute * unit;
        }
        return true;
    }
}

/// <summary>
/// Accumulates positions and open orders into <see cref="BookLine"/>s (one per instrument and leg). Runs on every
/// submit over the account's open orders, so it adds into one mutable accumulator per line (one dictionary lookup per
/// order, no allocation per order) and creates the immutable lines once, in <see cref="Build"/>.
/// </summary>
public sealed class RiskBookBuilder
{
    private readonly Dictionary<(InstrumentId, PositionSide), Accumulator> _lines = [];

    /// <summary>Sets how a line is marked (mark price in its quote asset, contract size, quote asset, quote → valuation rate).</summary>
    public RiskBookBuilder Mark(InstrumentId instrument, PositionSide leg, decimal? markPrice, decimal contractSize, string quoteAsset, decimal? quoteRate)
    {
        var line = Get(instrument, leg);
        line.MarkPrice = markPrice;
        line.ContractSize = contractSize;
        line.QuoteAsset = quoteAsset;
        line.QuoteRate = quoteRate;
        return this;
    }

    /// <summary>Adds a position (zero too: a flat leg the account has traded is a known position).</summary>
    public RiskBookBuilder AddPosition(InstrumentId instrument, PositionSide leg, decimal quantity)
    {
        var line = Get(instrument, leg);
        line.Position += quantity;
        line.PositionKnown = true;
        return this;
    }

    /// <summary>Adds an open order's leaves quantity (ignored when it can only shrink the leg, as <see cref="BookLine.With"/>).</summary>
    public RiskBookBuilder AddOpenOrder(InstrumentId instrument, PositionSide leg, OrderSide side, decimal leaves, bool reduceOnly)
    {
        var line = Get(instrument, leg);
        if (!BookLine.GrowsLeg(leg, side, reduceOnly) || leaves <= 0m) return this;
        if (side == OrderSide.Buy) line.OpenBuys += leaves;
        else line.OpenSells += leaves;
        return this;
    }

    public bool Contains(InstrumentId instrument, PositionSide leg) => _lines.ContainsKey((instrument, leg));

    public IEnumerable<(InstrumentId Instrument, PositionSide Leg)> Keys => _lines.Keys;

    public RiskBook Build()
    {
        var lines = new BookLine[_lines.Count];
        var i = 0;
        foreach (var ((instrument, leg), line) in _lines)
        {
            lines[i++] = new BookLine
            {
                Instrument = instrument,
                Leg = leg,
                Position = line.Position,
                OpenBuys = line.OpenBuys,
                OpenSells = line.OpenSells,
                MarkPrice = line.MarkPrice,
                ContractSize = line.ContractSize,
                QuoteAsset = line.QuoteAsset,
                QuoteRate = line.QuoteRate,
                PositionKnown = line.PositionKnown,
            };
        }
        return new RiskBook(lines);
    }

    private Accumulator Get(InstrumentId instrument, PositionSide leg)
    {
        ref var line = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_lines, (instrument, leg), out _);
        return line ??= new Accumulator();
    }

    /// <summary>A line being built; defaults as a new <see cref="BookLine"/> of a leg the account has not traded.</summary>
    private sealed class Accumulator
    {
        public decimal Position;
        public decimal OpenBuys;
        public decimal OpenSells;
        public decimal? MarkPrice;
        public decimal ContractSize = 1m;
        public string QuoteAsset = string.Empty;
        public decimal? QuoteRate = 1m;
        public bool PositionKnown;
    }
}

/// <summary>
/// The firm's exposure rule: the sum of every account's worst-case exposure must stay within the firm's gross and net
/// limits; an order is refused only when it takes a firm total above its limit and makes it larger.
/// </summary>
public static class FirmExposureRules
{
    /// <param name="maxGross">The firm's gross limit.</param>
    /// <param name="maxNet">The firm's net limit.</param>
    /// <param name="others">The sum of the other accounts' exposures.</param>
    /// <param name="accountBefore">This account's exposure as the firm knows it now.</param>
    /// <param name="accountAfter">This account's exposure with the new order.</param>
    /// <param name="unit">The valuation asset.</param>
    public static Denial? Check(decimal? maxGross, decimal? maxNet, Exposure others, Exposure accountBefore, Exposure accountAfter, string unit) =>
        PreTradeRiskEngine.CheckExposure(others + accountBefore, others + accountAfter, maxGross, maxNet, unit, scope: null,
            DenialCode.FirmMaxGrossExposureExceeded, DenialCode.FirmMaxNetExposureExceeded);
}
