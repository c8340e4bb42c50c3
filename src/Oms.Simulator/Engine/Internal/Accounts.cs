namespace Oms.Simulator.Engine.Internal;

internal sealed class SpotBalance
{
    public decimal Free;
    public decimal Locked;

    /// <summary>Reserves <paramref name="amount"/> for an order: free → locked.</summary>
    public void Lock(decimal amount)
    {
        Free -= amount;
        Locked += amount;
    }

    /// <summary>Releases <paramref name="amount"/> of an order's reservation: locked → free.</summary>
    public void Unlock(decimal amount)
    {
        Locked -= amount;
        Free += amount;
    }
}

internal sealed class SpotSymbolState
{
    public readonly SortedDictionary<long, SpotOrder> Open = [];
    public readonly Dictionary<string, SpotOrder> OpenByClientId = new(StringComparer.Ordinal);
    public readonly Dictionary<long, SpotOrder> ById = [];
    public readonly Dictionary<string, SpotOrder> LatestByClientId = new(StringComparer.Ordinal);
    public readonly List<SpotOrder> All = [];
    public readonly List<SpotTradeView> Trades = [];
}

internal sealed class Position(PositionSide side)
{
    public readonly PositionSide Side = side;
    /// <summary>Signed amount: negative for short (SHORT positions are always ≤ 0).</summary>
    public decimal Amount;
    public decimal EntryPrice;
    public decimal AccumulatedRealized;
    public decimal IsolatedWallet;
    public long UpdateTime;
}

internal sealed class FuturesSymbolState(int leverage)
{
    public int Leverage = leverage;
    public MarginType MarginType = MarginType.Crossed;
    public readonly Position Both = new(PositionSide.Both);
    public readonly Position Long = new(PositionSide.Long);
    public readonly Position Short = new(PositionSide.Short);
    public readonly SortedDictionary<long, FuturesOrder> Open = [];
    public readonly Dictionary<string, FuturesOrder> OpenByClientId = new(StringComparer.Ordinal);
    public readonly Dictionary<long, FuturesOrder> ById = [];
    public readonly Dictionary<string, FuturesOrder> LatestByClientId = new(StringComparer.Ordinal);
    public readonly List<FuturesOrder> All = [];
    public readonly List<FuturesTradeView> Trades = [];
    public readonly SortedDictionary<long, AlgoOrder> OpenAlgos = [];
    public readonly List<AlgoOrder> AllAlgos = [];
    public long? CountdownDeadline;

    // Running totals over open orders (kept in step by SimExchange.SyncOpenOrder) so margin and
    // ORDER_TRADE_UPDATE b/a never scan the open orders.
    public decimal BidNotional;
    public decimal AskNotional;
    public decimal OpeningBuyQty;
    public decimal OpeningBuyNotional;
    public decimal OpeningSellQty;
    public decimal OpeningSellNotional;
    public decimal OpeningHedgeNotional;

    public Position Get(PositionSide side) => side switch
    {
        PositionSide.Long => Long,
        PositionSide.Short => Short,
        _ => Both,
    };

    public IEnumerable<Position> Positions
    {
        get
        {
            yield return Both;
            yield return Long;
            yield return Short;
        }
    }

    public bool HasPosition => Both.Amount != 0 || Long.Amount != 0 || Short.Amount != 0;
}

internal sealed class AccountState
{
    public required string Id;
    public long Uid;
    public bool IsInternal;
    public bool CanTrade = true;
    public FeeRates SpotFees = new(0, 0);
    public FeeRates FuturesFees = new(0, 0);
    public long SpotUpdateTime;

    public readonly Dictionary<string, SpotBalance> SpotBalances = new(StringComparer.Ordinal);
    public readonly Dictionary<string, SpotSymbolState> Spot = new(StringComparer.Ordinal);
    public readonly Dictionary<long, SpotOrderList> ListsById = [];
    public readonly Dictionary<string, SpotOrderList> ListsByClientId = new(StringComparer.Ordinal);
    public readonly List<SpotOrderList> AllLists = [];

    public readonly Dictionary<string, decimal> FuturesWallet = new(StringComparer.Ordinal);
    public bool DualSide;
    public readonly Dictionary<string, FuturesSymbolState> Futures = new(StringComparer.Ordinal);
    public readonly Dictionary<long, AlgoOrder> AlgoById = [];
    public readonly Dictionary<string, AlgoOrder> OpenAlgoByClientId = new(StringComparer.Ordinal);
    public readonly Dictionary<string, AlgoOrder> LatestAlgoByClientId = new(StringComparer.Ordinal);
    public readonly List<IncomeView> Income = [];
    public long FuturesUpdateTime;
    public bool MarginCallActive;

    // per-operation change tracking (events are summarised at the end of each engine call)
    public readonly SortedSet<string> TouchedSpotAssets = new(StringComparer.Ordinal);
    public readonly List<Position> TouchedPositions = [];
    public readonly List<string> TouchedPositionSymbols = [];
    public bool FuturesBalanceTouched;

    public SpotBalance Balance(string asset)
    {
        if (!SpotBalances.TryGetValue(asset, out var balance))
        {
            balance = new SpotBalance();
            SpotBalances[asset] = balance;
        }

        return balance;
    }

    public SpotSymbolState SpotState(string symbol)
    {
        if (!Spot.TryGetValue(symbol, out var state))
        {
            state = new SpotSymbolState();
            Spot[symbol] = state;
        }

        return state;
    }

    public FuturesSymbolState FuturesState(FuturesMarket market)
    {
        if (!Futures.TryGetValue(market.Symbol, out var state))
        {
            state = new FuturesSymbolState(market.Instrument.DefaultLeverage);
            Futures[market.Symbol] = state;
        }

        return state;
    }

    public decimal Wallet(string asset) => FuturesWallet.TryGetValue(asset, out var v) ? v : 0m;

    public void TouchPosition(string symbol, Position position)
    {
        for (var i = 0; i < TouchedPositions.Count; i++)
        {
            if (ReferenceEquals(TouchedPositions[i], position))
            {
                return;
            }
        }

        TouchedPositions.Add(position);
        TouchedPositionSymbols.Add(symbol);
    }
}
