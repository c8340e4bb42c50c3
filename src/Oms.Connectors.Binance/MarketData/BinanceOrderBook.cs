namespace Oms.Connectors.Binance.MarketData;

/// <summary>What applying a depth event did to a <see cref="BinanceOrderBook"/>.</summary>
public enum BookUpdateResult
{
    /// <summary>The levels changed and the book moved to the event's final update id.</summary>
    Applied = 1,
    /// <summary>The event is older than the book (already contained in it) and was ignored.</summary>
    Stale = 2,
    /// <summary>The event does not continue the book: updates were missed. The book is no longer synced; resync it.</summary>
    Gap = 3,
    /// <summary>The book has no snapshot yet.</summary>
    NotSynced = 4,
}

/// <summary>
/// A local order book built from a REST snapshot and the diff-depth stream, with Binance's sequence rules
/// (REFERENCE §4 for spot, §5.9 for USD-M):
/// <list type="bullet">
/// <item>spot: events with <c>u ≤ lastUpdateId</c> are stale; the first applied event must satisfy
/// <c>U ≤ lastUpdateId + 1 ≤ u</c>; every next one must start at the previous <c>u + 1</c>;</item>
/// <item>USD-M: events with <c>u &lt; lastUpdateId</c> are stale; the first applied event must satisfy
/// <c>U ≤ lastUpdateId ≤ u</c>; every next one's <c>pu</c> must equal the previous <c>u</c>.</item>
/// </list>
/// Quantities are absolute; 0 removes the level (removing an unknown level is normal). Anything else is a
/// <see cref="BookUpdateResult.Gap"/>, after which the book is cleared until the next snapshot. Not thread-safe:
/// one owner applies events in stream order.
/// </summary>
public sealed class BinanceOrderBook
{
    private readonly SortedDictionary<decimal, decimal> _bids = new(DescendingComparer.Instance);
    private readonly SortedDictionary<decimal, decimal> _asks = new();
    private bool _firstApplied;

    public BinanceOrderBook(InstrumentId instrument, BinanceApi api)
    {
        Instrument = instrument;
        Api = api;
    }

    public InstrumentId Instrument { get; }

    /// <summary>Which sequence rules apply.</summary>
    public BinanceApi Api { get; }

    /// <summary>True between a snapshot and the next gap or <see cref="Reset"/>.</summary>
    public bool IsSynced { get; private set; }

    /// <summary>The update id the book reflects (the snapshot's <c>lastUpdateId</c>, then each applied event's <c>u</c>).</summary>
    public long LastUpdateId { get; private set; }

    /// <summary>When the last applied event happened at the venue (the snapshot leaves it unchanged).</summary>
    public DateTimeOffset? LastEventTime { get; private set; }

    public int BidLevelCount => _bids.Count;

    public int AskLevelCount => _asks.Count;

    /// <summary>The best bid, when the book is synced and has bids.</summary>
    public PriceLevel? BestBid => IsSynced && _bids.Count > 0 ? First(_bids) : null;

    /// <summary>The best ask, when the book is synced and has asks.</summary>
    public PriceLevel? BestAsk => IsSynced && _asks.Count > 0 ? First(_asks) : null;

    /// <summary>(best bid + best ask) / 2, when both exist.</summary>
    public decimal? Mid => BestBid is { } bid && BestAsk is { } ask ? (bid.Price + ask.Price) / 2m : null;

    /// <summary>Replaces the book with a snapshot; the next event must continue it (see the type's remarks).</summary>
    public void ApplySnapshot(DepthSnapshot snapshot)
    {
        if (snapshot.Instrument != Instrument) throw new ArgumentException($"a snapshot of {snapshot.Instrument} cannot start the book of {Instrument}", nameof(snapshot));
        _bids.Clear();
        _asks.Clear();
        foreach (var level in snapshot.Bids) Set(_bids, level);
        foreach (var level in snapshot.Asks) Set(_asks, level);
        LastUpdateId = snapshot.LastUpdateId;
        IsSynced = true;
        _firstApplied = false;
    }

    /// <summary>Whether <paramref name="update"/> is the first event after the snapshot that the rules allow (the bridge).</summary>
    public bool Bridges(DepthUpdate update) => Api == BinanceApi.Spot
        ? update.FirstUpdateId <= LastUpdateId + 1 && LastUpdateId + 1 <= update.FinalUpdateId
        : update.FirstUpdateId <= LastUpdateId && LastUpdateId <= update.FinalUpdateId;

    /// <summary>Whether <paramref name="update"/> is already contained in the book.</summary>
    public bool IsStale(DepthUpdate update) => Api == BinanceApi.Spot || _firstApplied
        ? update.FinalUpdateId <= LastUpdateId
        : update.FinalUpdateId < LastUpdateId;

    /// <summary>Applies one diff event in stream order.</summary>
    public BookUpdateResult Apply(DepthUpdate update)
    {
        if (update.Instrument != Instrument) throw new ArgumentException($"a depth update of {update.Instrument} cannot change the book of {Instrument}", nameof(update));
        if (!IsSynced) return BookUpdateResult.NotSynced;
        if (IsStale(update)) return BookUpdateResult.Stale;

        bool continues;
        if (!_firstApplied) continues = Bridges(update);
        else if (Api == BinanceApi.Spot) continues = update.FirstUpdateId == LastUpdateId + 1;
        else continues = update.PreviousFinalUpdateId == LastUpdateId;
        if (!continues)
        {
            Reset();
            return BookUpdateResult.Gap;
        }

        foreach (var level in update.Bids) Set(_bids, level);
        foreach (var level in update.Asks) Set(_asks, level);
        LastUpdateId = update.FinalUpdateId;
        LastEventTime = update.EventTime;
        _firstApplied = true;
        return BookUpdateResult.Applied;
    }

    /// <summary>Clears the book; it is unsynced until the next snapshot.</summary>
    public void Reset()
    {
        _bids.Clear();
        _asks.Clear();
        IsSynced = false;
        _firstApplied = false;
        LastUpdateId = 0;
    }

    /// <summary>The best <paramref name="depth"/> bid levels, best first.</summary>
    public IReadOnlyList<PriceLevel> Bids(int depth) => Top(_bids, depth);

    /// <summary>The best <paramref name="depth"/> ask levels, best first.</summary>
    public IReadOnlyList<PriceLevel> Asks(int depth) => Top(_asks, depth);

    private IReadOnlyList<PriceLevel> Top(SortedDictionary<decimal, decimal> side, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        if (!IsSynced) return [];
        var result = new List<PriceLevel>(Math.Min(depth, side.Count));
        foreach (var (price, quantity) in side)
        {
            if (result.Count == depth) break;
            result.Add(new PriceLevel(price, quantity));
        }
        return result;
    }

    private static void Set(SortedDictionary<decimal, decimal> side, PriceLevel level)
    {
        if (level.Quantity == 0m) side.Remove(level.Price);
        else side[level.Price] = level.Quantity;
    }

    private static PriceLevel First(SortedDictionary<decimal, decimal> side)
    {
        using var enumerator = side.GetEnumerator();
        enumerator.MoveNext();
        return new PriceLevel(enumerator.Current.Key, enumerator.Current.Value);
    }

    private sealed class DescendingComparer : IComparer<decimal>
    {
        public static readonly DescendingComparer Instance = new();

        public int Compare(decimal x, decimal y) => y.CompareTo(x);
    }
}
