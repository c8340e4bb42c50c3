namespace Oms.Simulator.Engine.Internal;

/// <summary>Bounded history (keeps the newest items).</summary>
internal sealed class History<T>(int capacity)
{
    private readonly List<T> _items = [];

    public int Count => _items.Count;

    public T this[int index] => _items[index];

    public void Add(T item)
    {
        _items.Add(item);
        if (_items.Count > capacity * 2)
        {
            _items.RemoveRange(0, _items.Count - capacity);
        }
    }
}

/// <summary>An aggregate trade being built while one taker fills at one price.</summary>
internal sealed class OpenAgg
{
    public long TakerOrderId;
    public decimal Price;
    public decimal Qty;
    public long FirstTradeId;
    public long LastTradeId;
    public long Time;
    public bool IsBuyerMaker;
    public bool Active;
}

internal abstract class MarketState
{
    protected MarketState(MarketKind kind, string symbol, decimal tickSize, decimal stepSize, decimal minQty, LiquidityOptions liquidity, decimal initialPrice, int seed)
    {
        Kind = kind;
        Symbol = symbol;
        TickSize = tickSize;
        StepSize = stepSize;
        MinQty = minQty;
        LiquidityEnabled = liquidity.Enabled;
        Held = liquidity.Held;
        VolatilityBps = liquidity.VolatilityBps;
        Liquidity = liquidity;
        Mid = initialPrice;
        LastPrice = initialPrice;
        Rng = new Random(seed);
    }

    public MarketKind Kind { get; }
    public string Symbol { get; }
    public decimal TickSize { get; }
    public decimal StepSize { get; }
    public decimal MinQty { get; }
    public OrderBook Book { get; } = new();
    public SymbolStatus Status;

    public decimal LastPrice;
    public long NextTradeId = 1;
    public long NextAggId = 1;
    public long NextPreventedMatchId = 1;
    public readonly History<PublicTrade> Trades = new(10_000);
    public readonly History<AggregateTrade> AggTrades = new(10_000);
    public readonly List<decimal> PendingTradePrices = [];
    public readonly OpenAgg Agg = new();

    // liquidity process
    public readonly LiquidityOptions Liquidity;
    public bool LiquidityEnabled;
    public bool Held;
    public decimal VolatilityBps;
    public decimal Mid;
    public readonly Random Rng;
    public long NextStepTime;
    public readonly List<BookOrder> MakerOrders = [];

    // bookTicker state last published
    public decimal PubBidPrice;
    public decimal PubBidQty;
    public decimal PubAskPrice;
    public decimal PubAskQty;

    public bool Touched;

    public decimal RoundToTick(decimal price) => TickSize > 0 ? Math.Round(price / TickSize, MidpointRounding.AwayFromZero) * TickSize : price;

    public decimal FloorToStep(decimal qty) => StepSize > 0 ? Math.Floor(qty / StepSize) * StepSize : qty;

    public decimal BestBid => Book.Bids.Best?.Price ?? 0m;

    public decimal BestAsk => Book.Asks.Best?.Price ?? 0m;
}

internal sealed class SpotMarket : MarketState
{
    public SpotMarket(SpotInstrument instrument, int seed)
        : base(
            MarketKind.Spot,
            instrument.Symbol,
            instrument.Filters.Price?.TickSize is > 0 ? instrument.Filters.Price.TickSize : 0.00000001m,
            instrument.Filters.LotSize?.StepSize is > 0 ? instrument.Filters.LotSize.StepSize : 0.00000001m,
            instrument.Filters.LotSize?.MinQty ?? 0m,
            instrument.Liquidity,
            instrument.InitialPrice,
            seed)
    {
        Instrument = instrument;
        Status = instrument.Status;
    }

    public SpotInstrument Instrument { get; }

    /// <summary>Untriggered stop orders, in placement order.</summary>
    public readonly List<SpotOrder> Stops = [];
}

internal sealed class FuturesMarket : MarketState
{
    public FuturesMarket(FuturesInstrument instrument, int seed)
        : base(
            MarketKind.UsdM,
            instrument.Symbol,
            instrument.Filters.Price.TickSize,
            instrument.Filters.LotSize.StepSize,
            instrument.Filters.LotSize.MinQty,
            instrument.Liquidity,
            instrument.InitialPrice,
            seed)
    {
        Instrument = instrument;
        Status = instrument.Status;
        FundingRate = instrument.FundingRate;
        LastEvaluatedMark = instrument.InitialPrice;
        LastPublishedMark = instrument.InitialPrice;
    }

    public FuturesInstrument Instrument { get; }
    public decimal? MarkOverride;
    public decimal FundingRate;
    public decimal LastEvaluatedMark;
    public decimal LastPublishedMark;
    public long NextFundingTime;
    public long NextMarkTime;

    /// <summary>Untriggered algo orders of all accounts, in placement order.</summary>
    public readonly List<AlgoOrder> OpenAlgos = [];

    /// <summary>Mark price: the override, else the mid of the best quotes, else the last price.</summary>
    public decimal MarkPrice
    {
        get
        {
            if (MarkOverride is { } mark)
            {
                return mark;
            }

            var bid = Book.Bids.Best;
            var ask = Book.Asks.Best;
            if (bid is not null && ask is not null)
            {
                return Math.Round((bid.Price + ask.Price) / 2m, Instrument.PricePrecision + 2, MidpointRounding.AwayFromZero);
            }

            return LastPrice;
        }
    }

    public decimal RoundPriceDisplay(decimal price) => Math.Round(price, Instrument.PricePrecision + 3, MidpointRounding.AwayFromZero);
}
