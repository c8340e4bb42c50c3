namespace Oms.Simulator.Engine.Internal;

/// <summary>An order resting in (or matching against) a book. Intrusively linked into its price level.</summary>
internal abstract class BookOrder
{
    public long OrderId;
    public AccountState Account = null!;
    public OrderSide Side;
    /// <summary>Limit price (book price when resting).</summary>
    public decimal Price;
    /// <summary>Quantity still open: not executed, not prevented.</summary>
    public decimal Leaves;
    /// <summary>Displayed part of <see cref="Leaves"/> while resting (iceberg); equals Leaves otherwise.</summary>
    public decimal Visible;
    /// <summary>Iceberg display size; 0 = not an iceberg.</summary>
    public decimal DisplayQty;
    public SelfTradePreventionMode Stp;
    public decimal PreventedQty;
    public long? PreventedMatchId;

    internal LevelQueue? Level;
    internal BookOrder? Prev;
    internal BookOrder? Next;

    public bool OnBook => Level is not null;
}

internal sealed class LevelQueue(decimal price)
{
    public readonly decimal Price = price;
    public decimal Total;
    public int Count;
    public BookOrder? Head;
    public BookOrder? Tail;

    public void Append(BookOrder order)
    {
        order.Level = this;
        order.Prev = Tail;
        order.Next = null;
        if (Tail is null)
        {
            Head = order;
        }
        else
        {
            Tail.Next = order;
        }

        Tail = order;
        Count++;
        Total += order.Visible;
    }

    public void Unlink(BookOrder order)
    {
        if (order.Prev is null)
        {
            Head = order.Next;
        }
        else
        {
            order.Prev.Next = order.Next;
        }

        if (order.Next is null)
        {
            Tail = order.Prev;
        }
        else
        {
            order.Next.Prev = order.Prev;
        }

        Total -= order.Visible;
        Count--;
        order.Level = null;
        order.Prev = null;
        order.Next = null;
    }
}

/// <summary>One side of a book: price levels sorted so that the best level is the last element.</summary>
internal sealed class BookSide(bool isBid)
{
    private readonly List<LevelQueue> _levels = [];

    public bool IsBid { get; } = isBid;

    public int LevelCount => _levels.Count;

    public LevelQueue? Best => _levels.Count == 0 ? null : _levels[^1];

    /// <summary>The level <paramref name="depth"/> steps away from the best (0 = best).</summary>
    public LevelQueue LevelFromBest(int depth) => _levels[_levels.Count - 1 - depth];

    /// <summary>Better = higher for bids, lower for asks. Sort key so that better prices come later.</summary>
    private int Compare(decimal a, decimal b) => IsBid ? a.CompareTo(b) : b.CompareTo(a);

    private int Search(decimal price)
    {
        int lo = 0, hi = _levels.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = Compare(_levels[mid].Price, price);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    public LevelQueue? Find(decimal price)
    {
        var i = Search(price);
        return i >= 0 ? _levels[i] : null;
    }

    public LevelQueue GetOrAdd(decimal price)
    {
        var i = Search(price);
        if (i >= 0)
        {
            return _levels[i];
        }

        var level = new LevelQueue(price);
        _levels.Insert(~i, level);
        return level;
    }

    public void RemoveIfEmpty(LevelQueue level)
    {
        if (level.Count > 0)
        {
            return;
        }

        var i = Search(level.Price);
        if (i >= 0)
        {
            _levels.RemoveAt(i);
        }
    }
}

/// <summary>A price-time priority book with level-change tracking for depth diffs.</summary>
internal sealed class OrderBook
{
    private readonly Dictionary<decimal, decimal> _changedBids = [];
    private readonly Dictionary<decimal, decimal> _changedAsks = [];

    public BookSide Bids { get; } = new(true);
    public BookSide Asks { get; } = new(false);

    /// <summary>Book update id (lastUpdateId); +1 per level change.</summary>
    public long UpdateId { get; set; }

    /// <summary>First update id of the changes not yet published; 0 = none.</summary>
    public long PendingFirstUpdateId { get; set; }

    /// <summary>Final update id of the last published depth event (futures <c>pu</c>).</summary>
    public long LastPublishedUpdateId { get; set; }

    public bool HasChanges => _changedBids.Count > 0 || _changedAsks.Count > 0;

    public BookSide SideOf(OrderSide side) => side == OrderSide.Buy ? Bids : Asks;

    public BookSide Opposite(OrderSide side) => side == OrderSide.Buy ? Asks : Bids;

    public void Add(BookOrder order)
    {
        var side = SideOf(order.Side);
        var level = side.GetOrAdd(order.Price);
        level.Append(order);
        Touch(side, level);
    }

    public void Remove(BookOrder order)
    {
        var level = order.Level ?? throw new InvalidOperationException($"order {order.OrderId} is not on the book");
        var side = SideOf(order.Side);
        level.Unlink(order);
        Touch(side, level);
        side.RemoveIfEmpty(level);
    }

    /// <summary>Reduces the visible quantity of a resting order after a fill or prevention.</summary>
    public void ReduceVisible(BookOrder order, decimal qty)
    {
        var level = order.Level ?? throw new InvalidOperationException($"order {order.OrderId} is not on the book");
        order.Visible -= qty;
        level.Total -= qty;
        Touch(SideOf(order.Side), level);
    }

    /// <summary>Iceberg refresh: shows the next slice and moves the order to the back of its level.</summary>
    public void Refresh(BookOrder order, decimal newVisible)
    {
        var level = order.Level ?? throw new InvalidOperationException($"order {order.OrderId} is not on the book");
        level.Unlink(order);
        order.Visible = newVisible;
        level.Append(order);
        Touch(SideOf(order.Side), level);
    }

    /// <summary>Sets the visible quantity in place (keep-priority amend).</summary>
    public void SetVisibleInPlace(BookOrder order, decimal newVisible)
    {
        var level = order.Level ?? throw new InvalidOperationException($"order {order.OrderId} is not on the book");
        level.Total += newVisible - order.Visible;
        order.Visible = newVisible;
        Touch(SideOf(order.Side), level);
    }

    private void Touch(BookSide side, LevelQueue level)
    {
        UpdateId++;
        if (PendingFirstUpdateId == 0)
        {
            PendingFirstUpdateId = UpdateId;
        }

        (side.IsBid ? _changedBids : _changedAsks)[level.Price] = level.Total;
    }

    /// <summary>Takes the pending level changes (bids descending, asks ascending) and resets tracking.</summary>
    public void TakeChanges(out Engine.PriceLevel[] bids, out Engine.PriceLevel[] asks)
    {
        bids = Drain(_changedBids, descending: true);
        asks = Drain(_changedAsks, descending: false);
    }

    private static Engine.PriceLevel[] Drain(Dictionary<decimal, decimal> changes, bool descending)
    {
        var result = new Engine.PriceLevel[changes.Count];
        var i = 0;
        foreach (var (price, qty) in changes)
        {
            result[i++] = new Engine.PriceLevel(price, qty);
        }

        changes.Clear();
        Array.Sort(result, descending ? static (a, b) => b.Price.CompareTo(a.Price) : static (a, b) => a.Price.CompareTo(b.Price));
        return result;
    }

    public Engine.PriceLevel[] Snapshot(BookSide side, int limit)
    {
        var n = Math.Min(limit, side.LevelCount);
        var result = new Engine.PriceLevel[n];
        for (var i = 0; i < n; i++)
        {
            var level = side.LevelFromBest(i);
            result[i] = new Engine.PriceLevel(level.Price, level.Total);
        }

        return result;
    }
}
