using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// Read-only queries: orders, trades, accounts, positions, income.
public sealed partial class SimExchange
{
    /// <summary>allOrders-style paging: from an id, a time window, or the newest <c>limit</c> items; ascending.</summary>
    private static IEnumerable<T> Page<T>(IReadOnlyList<T> items, Func<T, long> id, Func<T, long> time, OrderHistoryQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, 1000);
        if (query.OrderId is null && query.StartTime is null && query.EndTime is null)
        {
            var start = Math.Max(0, items.Count - limit);
            for (var i = start; i < items.Count; i++)
            {
                yield return items[i];
            }

            yield break;
        }

        var n = 0;
        foreach (var item in items)
        {
            if (n >= limit)
            {
                yield break;
            }

            if ((query.OrderId is null || id(item) >= query.OrderId) && (query.StartTime is null || time(item) >= query.StartTime)
                && (query.EndTime is null || time(item) <= query.EndTime))
            {
                n++;
                yield return item;
            }
        }
    }

    private static IReadOnlyList<TTrade> PageTrades<TTrade>(IReadOnlyList<TTrade> trades, Func<TTrade, long> id, Func<TTrade, long> orderId, Func<TTrade, long> time, TradeHistoryQuery q)
    {
        var limit = Math.Clamp(q.Limit, 1, 1000);
        IEnumerable<TTrade> filtered = trades;
        if (q.OrderId is { } oid)
        {
            filtered = filtered.Where(t => orderId(t) == oid);
        }

        if (q.FromId is { } from)
        {
            return filtered.Where(t => id(t) >= from).Take(limit).ToArray();
        }

        if (q.StartTime is not null || q.EndTime is not null)
        {
            return filtered.Where(t => (q.StartTime is null || time(t) >= q.StartTime) && (q.EndTime is null || time(t) <= q.EndTime)).Take(limit).ToArray();
        }

        var all = filtered.ToArray();
        return all.Length <= limit ? all : all[^limit..];
    }

    // ------------------------------------------------------------------ spot

    private EngineResult<SpotOrderView> GetSpotOrderCore(string accountId, string symbol, long? orderId, string? origClientOrderId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (FindSpot(symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (orderId is null && string.IsNullOrEmpty(origClientOrderId))
        {
            return EngineErrors.EitherParameter("origClientOrderId", "orderId");
        }

        var state = account.SpotState(symbol);
        SpotOrder? order;
        if (orderId is { } id)
        {
            state.ById.TryGetValue(id, out order);
            if (order is not null && !string.IsNullOrEmpty(origClientOrderId) && order.ClientOrderId != origClientOrderId)
            {
                return EngineErrors.ClientOrderIdMismatch;
            }
        }
        else
        {
            state.LatestByClientId.TryGetValue(origClientOrderId!, out order);
        }

        return order is null ? EngineErrors.OrderDoesNotExist : order.ToView();
    }

    private EngineResult<IReadOnlyList<SpotOrderView>> GetOpenSpotOrdersCore(string accountId, string? symbol)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (symbol is not null && FindSpot(symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        var result = new List<SpotOrderView>();
        foreach (var (s, state) in account.Spot.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (symbol is null || s == symbol)
            {
                result.AddRange(state.Open.Values.Select(o => o.ToView()));
            }
        }

        return result;
    }

    private EngineResult<IReadOnlyList<SpotOrderView>> GetAllSpotOrdersCore(string accountId, OrderHistoryQuery query)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (query.Symbol is null)
        {
            return EngineErrors.MandatoryParameter("symbol");
        }

        if (FindSpot(query.Symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (query.StartTime > query.EndTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        return Page(account.SpotState(query.Symbol).All, o => o.OrderId, o => o.Time, query).Select(o => o.ToView()).ToArray();
    }

    private EngineResult<SpotOrderListResult> GetSpotOrderListCore(string accountId, long? orderListId, string? origClientOrderId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (orderListId is null && string.IsNullOrEmpty(origClientOrderId))
        {
            return EngineErrors.EitherParameter("origClientOrderId", "orderListId");
        }

        var list = FindList(account, orderListId, origClientOrderId);
        return list is null ? new EngineError(-2013, "Order list does not exist.") : list.ToResult();
    }

    private EngineResult<IReadOnlyList<SpotOrderListResult>> GetOpenSpotOrderListsCore(string accountId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        return account.AllLists.Where(l => !l.IsDone).Select(l => l.ToResult()).ToArray();
    }

    private EngineResult<IReadOnlyList<SpotOrderListResult>> GetAllSpotOrderListsCore(string accountId, long? fromId, long? startTime, long? endTime, int limit)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var query = new OrderHistoryQuery { OrderId = fromId, StartTime = startTime, EndTime = endTime, Limit = limit };
        return Page(account.AllLists, l => l.OrderListId, l => l.Orders.Count > 0 ? l.Orders[0].Time : 0, query).Select(l => l.ToResult()).ToArray();
    }

    private EngineResult<IReadOnlyList<SpotTradeView>> GetSpotTradesCore(string accountId, TradeHistoryQuery query)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (FindSpot(query.Symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (query.StartTime > query.EndTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        return EngineResult<IReadOnlyList<SpotTradeView>>.Ok(PageTrades(account.SpotState(query.Symbol).Trades, t => t.Id, t => t.OrderId, t => t.Time, query));
    }

    private EngineResult<SpotAccountView> GetSpotAccountCore(string accountId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var balances = account.SpotBalances
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new SpotBalanceView(kv.Key, kv.Value.Free, kv.Value.Locked))
            .ToArray();
        return new SpotAccountView(account.Uid, account.SpotFees, account.CanTrade, account.SpotUpdateTime, balances);
    }

    // ------------------------------------------------------------------ futures

    private EngineResult<FuturesOrderView> GetFuturesOrderCore(string accountId, string symbol, long? orderId, string? origClientOrderId)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var found = FindFuturesOrder(account, market, orderId, origClientOrderId, EngineErrors.FuturesOrderDoesNotExist);
        return found.IsSuccess ? found.Value.ToView() : found.Error;
    }

    private EngineResult<IReadOnlyList<FuturesOrderView>> GetOpenFuturesOrdersCore(string accountId, string? symbol)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (symbol is not null && FindFutures(symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        var result = new List<FuturesOrderView>();
        foreach (var (s, state) in account.Futures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (symbol is null || s == symbol)
            {
                result.AddRange(state.Open.Values.Select(o => o.ToView()));
            }
        }

        return result;
    }

    private EngineResult<IReadOnlyList<FuturesOrderView>> GetAllFuturesOrdersCore(string accountId, OrderHistoryQuery query)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (query.StartTime > query.EndTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        if (query.Symbol is null)
        {
            var all = account.Futures.Values.SelectMany(s => s.All).OrderBy(o => o.OrderId).ToArray();
            return Page(all, o => o.OrderId, o => o.Time, query).Select(o => o.ToView()).ToArray();
        }

        var market = FindFutures(query.Symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        return Page(account.FuturesState(market).All, o => o.OrderId, o => o.Time, query).Select(o => o.ToView()).ToArray();
    }

    private EngineResult<IReadOnlyList<FuturesTradeView>> GetFuturesTradesCore(string accountId, TradeHistoryQuery query)
    {
        if (!TryFind(accountId, FindFutures(query.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (query.StartTime > query.EndTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        return EngineResult<IReadOnlyList<FuturesTradeView>>.Ok(PageTrades(account.FuturesState(market).Trades, t => t.Id, t => t.OrderId, t => t.Time, query));
    }

    private PositionView BuildPosition(AccountState account, FuturesMarket market, FuturesSymbolState state, Position position)
    {
        var mark = market.MarkPrice;
        var notional = position.Amount * mark;
        var unpnl = Math.Round(position.Amount * (mark - position.EntryPrice), 8, MidpointRounding.AwayFromZero);
        var im = Math.Round(Math.Abs(notional) / state.Leverage, 8, MidpointRounding.AwayFromZero);
        decimal bid = 0, ask = 0;
        foreach (var order in state.Open.Values)
        {
            if (order.PositionSide != position.Side)
            {
                continue;
            }

            if (order.Side == OrderSide.Buy)
            {
                bid += order.Leaves * order.Price;
            }
            else
            {
                ask += order.Leaves * order.Price;
            }
        }

        var orderIm = position.Side == PositionSide.Both || position.Side == PositionSide.Long ? OpenOrderMargin(state) : 0m;
        return new PositionView
        {
            Symbol = market.Symbol,
            PositionSide = position.Side,
            PositionAmt = position.Amount,
            EntryPrice = Math.Round(position.EntryPrice, 8, MidpointRounding.AwayFromZero),
            BreakEvenPrice = BreakEven(position, account.FuturesFees),
            MarkPrice = mark,
            UnRealizedProfit = unpnl,
            LiquidationPrice = 0m,
            IsolatedMargin = state.MarginType == MarginType.Isolated ? position.IsolatedWallet + unpnl : 0m,
            Notional = Math.Round(notional, 8, MidpointRounding.AwayFromZero),
            MarginAsset = market.Instrument.MarginAsset,
            IsolatedWallet = position.IsolatedWallet,
            InitialMargin = im + Math.Round(orderIm, 8, MidpointRounding.AwayFromZero),
            MaintMargin = Math.Round(MaintenanceMargin(market.Instrument, Math.Abs(notional)), 8, MidpointRounding.AwayFromZero),
            PositionInitialMargin = im,
            OpenOrderInitialMargin = Math.Round(orderIm, 8, MidpointRounding.AwayFromZero),
            Adl = position.Amount == 0 ? 0 : 2,
            BidNotional = bid,
            AskNotional = ask,
            MarginType = state.MarginType,
            Leverage = state.Leverage,
            AccumulatedRealized = position.AccumulatedRealized,
            UpdateTime = position.UpdateTime,
        };
    }

    private List<PositionView> PositionRows(AccountState account, string? symbol)
    {
        var rows = new List<PositionView>();
        foreach (var (s, state) in account.Futures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (symbol is not null && s != symbol)
            {
                continue;
            }

            if (symbol is null && !state.HasPosition && state.Open.Count == 0)
            {
                continue;
            }

            var market = _futures[s];
            if (account.DualSide)
            {
                rows.Add(BuildPosition(account, market, state, state.Long));
                rows.Add(BuildPosition(account, market, state, state.Short));
            }
            else
            {
                rows.Add(BuildPosition(account, market, state, state.Both));
            }
        }

        return rows;
    }

    private EngineResult<IReadOnlyList<PositionView>> GetPositionRiskCore(string accountId, string? symbol)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (symbol is not null)
        {
            var market = FindFutures(symbol);
            if (market is null)
            {
                return EngineErrors.BadSymbol;
            }

            account.FuturesState(market);
        }

        return PositionRows(account, symbol);
    }

    private FuturesAssetView AssetView(AccountState account, string asset)
    {
        var m = ComputeMargin(account, asset);
        var available = Math.Round(m.Available, 8, MidpointRounding.AwayFromZero);
        return new FuturesAssetView
        {
            Asset = asset,
            WalletBalance = m.Wallet,
            UnrealizedProfit = Math.Round(m.TotalUnrealized, 8, MidpointRounding.AwayFromZero),
            MarginBalance = Math.Round(m.Wallet + m.TotalUnrealized, 8, MidpointRounding.AwayFromZero),
            MaintMargin = Math.Round(m.MaintMargin, 8, MidpointRounding.AwayFromZero),
            InitialMargin = Math.Round(m.PositionInitialMargin + m.OpenOrderInitialMargin, 8, MidpointRounding.AwayFromZero),
            PositionInitialMargin = Math.Round(m.PositionInitialMargin, 8, MidpointRounding.AwayFromZero),
            OpenOrderInitialMargin = Math.Round(m.OpenOrderInitialMargin, 8, MidpointRounding.AwayFromZero),
            CrossWalletBalance = m.CrossWallet,
            CrossUnPnl = Math.Round(m.CrossUnrealized, 8, MidpointRounding.AwayFromZero),
            AvailableBalance = available,
            MaxWithdrawAmount = Math.Max(0, Math.Min(available, m.CrossWallet)),
            UpdateTime = account.FuturesUpdateTime,
        };
    }

    private EngineResult<FuturesAccountView> GetFuturesAccountCore(string accountId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var assets = AssetsOf(account).Select(a => AssetView(account, a)).ToArray();
        var usdt = assets.FirstOrDefault(a => a.Asset == "USDT") ?? AssetView(account, "USDT");
        var marginBalance = usdt.MarginBalance;
        return new FuturesAccountView
        {
            TotalInitialMargin = usdt.InitialMargin,
            TotalMaintMargin = usdt.MaintMargin,
            TotalWalletBalance = usdt.WalletBalance,
            TotalUnrealizedProfit = usdt.UnrealizedProfit,
            TotalMarginBalance = marginBalance,
            TotalPositionInitialMargin = usdt.PositionInitialMargin,
            TotalOpenOrderInitialMargin = usdt.OpenOrderInitialMargin,
            TotalCrossWalletBalance = usdt.CrossWalletBalance,
            TotalCrossUnPnl = usdt.CrossUnPnl,
            AvailableBalance = usdt.AvailableBalance,
            MaxWithdrawAmount = usdt.MaxWithdrawAmount,
            MarginRatio = usdt.MaintMargin == 0 || marginBalance <= 0 ? 0m : Math.Round(usdt.MaintMargin / marginBalance, 8, MidpointRounding.AwayFromZero),
            CanTrade = account.CanTrade,
            DualSidePosition = account.DualSide,
            Commission = account.FuturesFees,
            Assets = assets,
            Positions = PositionRows(account, null),
        };
    }

    private static IEnumerable<string> AssetsOf(AccountState account)
    {
        var assets = new SortedSet<string>(account.FuturesWallet.Keys, StringComparer.Ordinal) { "USDT" };
        return assets;
    }

    private EngineResult<IReadOnlyList<FuturesAssetView>> GetFuturesBalancesCore(string accountId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        return AssetsOf(account).Select(a => AssetView(account, a)).ToArray();
    }

    private EngineResult<IReadOnlyList<IncomeView>> GetIncomeHistoryCore(string accountId, IncomeQuery query)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (query.StartTime > query.EndTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        var limit = Math.Clamp(query.Limit, 1, 1000);
        var filtered = account.Income.Where(i =>
            (query.Symbol is null || i.Symbol == query.Symbol)
            && (query.IncomeType is null || i.IncomeType == query.IncomeType)
            && (query.StartTime is null || i.Time >= query.StartTime)
            && (query.EndTime is null || i.Time <= query.EndTime));
        return filtered.Take(limit).ToArray();
    }

    private EngineResult<FeeRates> GetFuturesCommissionRateCore(string accountId, string symbol)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        return FindFutures(symbol) is null ? EngineErrors.BadSymbol : account.FuturesFees;
    }

    private EngineResult<IReadOnlyList<SymbolConfigView>> GetSymbolConfigCore(string accountId, string? symbol)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var result = new List<SymbolConfigView>();
        foreach (var market in _futuresList)
        {
            if (symbol is not null && market.Symbol != symbol)
            {
                continue;
            }

            var state = account.FuturesState(market);
            result.Add(new SymbolConfigView(market.Symbol, state.MarginType, false, state.Leverage, MaxNotional(market.Instrument, state.Leverage)));
        }

        if (symbol is not null && result.Count == 0)
        {
            return EngineErrors.BadSymbol;
        }

        return result;
    }
}
