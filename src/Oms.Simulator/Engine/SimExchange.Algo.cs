using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// USDⓈ-M conditional orders (algo service): STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET.
public sealed partial class SimExchange
{
    private const int MaxOpenAlgoOrdersPerAccount = 200;

    private EngineResult<AlgoOrderView> PlaceAlgoOrderCore(string accountId, FuturesAlgoOrderRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!TryFind(accountId, FindFutures(r.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (market.Status != SymbolStatus.Trading)
        {
            return EngineErrors.SymbolClosed;
        }

        if (!account.CanTrade)
        {
            return new EngineError(-4088, "User can not place order currently");
        }

        if (!IsConditional(r.Type))
        {
            return EngineErrors.InvalidOrderType;
        }

        var ps = ResolvePositionSide(account, r.PositionSide, r.ReduceOnly);
        if (!ps.IsSuccess)
        {
            return ps.Error;
        }

        var instrument = market.Instrument;
        var closePosition = r.ClosePosition ?? false;
        var isMarketType = r.Type is FuturesOrderType.StopMarket or FuturesOrderType.TakeProfitMarket or FuturesOrderType.TrailingStopMarket;
        if (closePosition)
        {
            if (r.Type is not (FuturesOrderType.StopMarket or FuturesOrderType.TakeProfitMarket))
            {
                return EngineErrors.ParameterNotRequired("closePosition");
            }

            if (r.Quantity is not null)
            {
                return EngineErrors.QuantityWithClosePosition;
            }

            if (r.ReduceOnly is not null)
            {
                return EngineErrors.ParameterNotRequired("reduceOnly");
            }

            if (account.DualSide && ((ps.Value == PositionSide.Long && r.Side == OrderSide.Buy) || (ps.Value == PositionSide.Short && r.Side == OrderSide.Sell)))
            {
                return EngineErrors.PositionSideNotMatch;
            }
        }
        else
        {
            if (r.Quantity is not { } q)
            {
                return EngineErrors.MandatoryParameter("quantity");
            }

            var qtyError = CheckFuturesQty(isMarketType ? instrument.Filters.MarketLotSize : instrument.Filters.LotSize, q);
            if (qtyError is not null)
            {
                return qtyError;
            }
        }

        var priceMatch = r.PriceMatch ?? PriceMatch.None;
        var price = 0m;
        var tif = TimeInForce.Gtc;
        if (r.Type is FuturesOrderType.Stop or FuturesOrderType.TakeProfit)
        {
            if (priceMatch == PriceMatch.None)
            {
                if (r.Price is not { } p)
                {
                    return EngineErrors.MandatoryParameter("price");
                }

                var priceError = CheckFuturesPrice(instrument, p, isStop: false);
                if (priceError is not null)
                {
                    return priceError;
                }

                price = p;
            }
            else if (r.Price is not null)
            {
                return EngineErrors.ParameterNotRequired("price");
            }

            tif = r.TimeInForce ?? TimeInForce.Gtc;
            if (tif is TimeInForce.Gtd)
            {
                var gtdError = CheckGoodTillDate(tif, r.GoodTillDate);
                if (gtdError is not null)
                {
                    return gtdError;
                }
            }
        }
        else
        {
            if (r.Price is not null)
            {
                return EngineErrors.ParameterNotRequired("price");
            }

            if (priceMatch != PriceMatch.None)
            {
                return new EngineError(-5038, "Price match only supports order type: LIMIT, STOP AND TAKE_PROFIT");
            }
        }

        var workingType = r.WorkingType ?? WorkingType.ContractPrice;
        var workingPrice = workingType == WorkingType.MarkPrice ? market.MarkPrice : market.LastPrice;
        var trigger = 0m;
        decimal? activate = null;
        decimal? callback = null;
        if (r.Type == FuturesOrderType.TrailingStopMarket)
        {
            if (r.CallbackRate is not { } rate)
            {
                return EngineErrors.MandatoryParameter("callbackRate");
            }

            if (rate < 0.1m || rate > 20m)
            {
                return EngineErrors.InvalidParameter("callbackRate");
            }

            callback = rate;
            if (r.ActivatePrice is { } a)
            {
                if (a <= 0 || !IsMultiple(a - instrument.Filters.Price.MinPrice, instrument.Filters.Price.TickSize))
                {
                    return EngineErrors.InvalidActivationPrice;
                }

                if (r.Side == OrderSide.Buy ? a >= workingPrice : a <= workingPrice)
                {
                    return EngineErrors.FuturesWouldImmediatelyTrigger;
                }

                activate = a;
            }
        }
        else
        {
            if (r.ActivatePrice is not null)
            {
                return EngineErrors.ParameterNotRequired("activatePrice");
            }

            if (r.CallbackRate is not null)
            {
                return EngineErrors.ParameterNotRequired("callbackRate");
            }

            if (r.TriggerPrice is not { } t)
            {
                return EngineErrors.MandatoryParameter("triggerPrice");
            }

            var triggerError = CheckFuturesPrice(instrument, t, isStop: true);
            if (triggerError is not null)
            {
                return triggerError;
            }

            trigger = t;
            if (AlgoConditionMet(r.Type, r.Side, trigger, workingPrice))
            {
                return EngineErrors.FuturesWouldImmediatelyTrigger;
            }
        }

        var idError = CheckClientOrderId(r.ClientAlgoId, "clientAlgoId");
        if (idError is not null)
        {
            return idError;
        }

        if (r.ClientAlgoId is { } cid && account.OpenAlgoByClientId.ContainsKey(cid))
        {
            return EngineErrors.DuplicatedClientOrderId;
        }

        var stp = r.SelfTradePreventionMode ?? SelfTradePreventionMode.None;
        if (stp == SelfTradePreventionMode.Decrement)
        {
            return new EngineError(-5039, "Invalid self trade prevention mode");
        }

        var state = account.FuturesState(market);
        if (state.OpenAlgos.Count + 1 > instrument.Filters.MaxNumAlgoOrders || account.OpenAlgoByClientId.Count + 1 > MaxOpenAlgoOrdersPerAccount)
        {
            return EngineErrors.MaxStopOrdersExceeded;
        }

        var algo = new AlgoOrder
        {
            AlgoId = _nextAlgoId++,
            ClientAlgoId = r.ClientAlgoId ?? NewClientId(""),
            Market = market,
            Account = account,
            Type = r.Type,
            Side = r.Side,
            PositionSide = ps.Value,
            TimeInForce = tif,
            Quantity = r.Quantity ?? 0m,
            TriggerPrice = trigger,
            Price = price,
            Stp = stp,
            WorkingType = workingType,
            PriceMatch = priceMatch,
            ClosePosition = closePosition,
            PriceProtect = r.PriceProtect ?? false,
            ReduceOnly = r.ReduceOnly ?? false,
            ActivatePrice = r.Type == FuturesOrderType.TrailingStopMarket ? activate ?? workingPrice : null,
            CallbackRate = callback,
            Activated = r.Type == FuturesOrderType.TrailingStopMarket && activate is null,
            Extreme = workingPrice,
            CreateTime = _now,
            UpdateTime = _now,
            GoodTillDate = r.GoodTillDate ?? 0,
        };
        market.OpenAlgos.Add(algo);
        state.OpenAlgos[algo.AlgoId] = algo;
        state.AllAlgos.Add(algo);
        account.AlgoById[algo.AlgoId] = algo;
        account.OpenAlgoByClientId[algo.ClientAlgoId] = algo;
        account.LatestAlgoByClientId[algo.ClientAlgoId] = algo;
        EmitAlgoUpdate(algo);
        return algo.ToView();
    }

    private static bool AlgoConditionMet(FuturesOrderType type, OrderSide side, decimal trigger, decimal price) =>
        type is FuturesOrderType.Stop or FuturesOrderType.StopMarket
            ? (side == OrderSide.Buy ? price >= trigger : price <= trigger)
            : (side == OrderSide.Buy ? price <= trigger : price >= trigger);

    private static bool EvaluateAlgo(AlgoOrder algo, decimal price)
    {
        if (!algo.IsTrailing)
        {
            return AlgoConditionMet(algo.Type, algo.Side, algo.TriggerPrice, price);
        }

        var rate = algo.CallbackRate!.Value / 100m;
        if (!algo.Activated)
        {
            if (algo.Side == OrderSide.Buy ? price <= algo.ActivatePrice : price >= algo.ActivatePrice)
            {
                algo.Activated = true;
                algo.Extreme = price;
            }

            return false;
        }

        if (algo.Side == OrderSide.Buy)
        {
            algo.Extreme = Math.Min(algo.Extreme, price);
            return price >= algo.Extreme * (1 + rate);
        }

        algo.Extreme = Math.Max(algo.Extreme, price);
        return price <= algo.Extreme * (1 - rate);
    }

    private bool ProcessFuturesTriggers(FuturesMarket market)
    {
        var prices = market.PendingTradePrices.Count == 0 ? [] : market.PendingTradePrices.ToArray();
        market.PendingTradePrices.Clear();
        var mark = market.MarkPrice;
        var markChanged = mark != market.LastEvaluatedMark;
        market.LastEvaluatedMark = mark;
        if ((prices.Length == 0 && !markChanged) || market.OpenAlgos.Count == 0)
        {
            return false;
        }

        List<AlgoOrder>? triggered = null;
        foreach (var algo in market.OpenAlgos)
        {
            var fired = false;
            if (algo.WorkingType == WorkingType.ContractPrice)
            {
                foreach (var price in prices)
                {
                    if (EvaluateAlgo(algo, price))
                    {
                        fired = true;
                        break;
                    }
                }
            }
            else if (markChanged)
            {
                fired = EvaluateAlgo(algo, mark);
            }

            if (fired && algo.PriceProtect && mark > 0
                && Math.Abs(mark - market.LastPrice) / mark > market.Instrument.TriggerProtect)
            {
                fired = false;
            }

            if (fired)
            {
                (triggered ??= []).Add(algo);
            }
        }

        if (triggered is null)
        {
            return false;
        }

        foreach (var algo in triggered)
        {
            if (algo.Status == AlgoStatus.New)
            {
                TriggerAlgo(market, algo);
            }
        }

        return true;
    }

    private void CloseAlgo(AlgoOrder algo)
    {
        algo.Market.OpenAlgos.Remove(algo);
        var state = algo.Account.FuturesState(algo.Market);
        state.OpenAlgos.Remove(algo.AlgoId);
        if (algo.Account.OpenAlgoByClientId.TryGetValue(algo.ClientAlgoId, out var open) && ReferenceEquals(open, algo))
        {
            algo.Account.OpenAlgoByClientId.Remove(algo.ClientAlgoId);
        }
    }

    private void TriggerAlgo(FuturesMarket market, AlgoOrder algo)
    {
        CloseAlgo(algo);
        algo.Status = AlgoStatus.Triggering;
        algo.TriggerTime = _now;
        algo.UpdateTime = _now;
        EmitAlgoUpdate(algo);

        var account = algo.Account;
        var state = account.FuturesState(market);
        var qty = algo.Quantity;
        if (algo.ClosePosition)
        {
            qty = Closeable(state, algo.PositionSide, algo.Side);
            if (qty == 0)
            {
                RejectAlgo(algo, EngineErrors.ReduceOnlyRejected.Message);
                return;
            }
        }

        var isLimit = algo.Type is FuturesOrderType.Stop or FuturesOrderType.TakeProfit;
        var plan = new FuturesPlan(
            market,
            account,
            isLimit ? FuturesOrderType.Limit : FuturesOrderType.Market,
            algo.Side,
            algo.PositionSide,
            isLimit ? algo.TimeInForce : TimeInForce.Gtc,
            qty,
            isLimit ? (algo.PriceMatch != PriceMatch.None ? PriceMatchPrice(market, algo.Side, algo.PriceMatch) ?? algo.TriggerPrice : algo.Price) : 0m,
            algo.ReduceOnly || algo.ClosePosition,
            account.FuturesState(market).OpenByClientId.ContainsKey(algo.ClientAlgoId) ? null : algo.ClientAlgoId,
            algo.Stp,
            algo.GoodTillDate,
            algo.PriceMatch);
        var placed = ExecuteFuturesPlacement(plan, algo);
        if (!placed.IsSuccess)
        {
            RejectAlgo(algo, placed.Error.Message);
        }
    }

    private void RejectAlgo(AlgoOrder algo, string reason)
    {
        algo.Status = AlgoStatus.Rejected;
        algo.FailureReason = reason;
        algo.UpdateTime = _now;
        EmitAlgoUpdate(algo);
    }

    private void EmitAlgoUpdate(AlgoOrder algo)
    {
        if (!algo.Account.IsInternal)
        {
            Emit(new FuturesAlgoUpdate { AccountId = algo.Account.Id, TransactionTime = _now, Order = algo.ToView() });
        }
    }

    private EngineResult<AlgoOrder> FindAlgo(AccountState account, long? algoId, string? clientAlgoId, EngineError notFound)
    {
        if (algoId is null && string.IsNullOrEmpty(clientAlgoId))
        {
            return EngineErrors.EitherParameter("clientAlgoId", "algoId");
        }

        var algo = FindByIdOrClientId(algoId, clientAlgoId, account.AlgoById, account.OpenAlgoByClientId, account.LatestAlgoByClientId);
        return algo is null ? notFound : algo;
    }

    private EngineResult<AlgoOrderView> CancelAlgoOrderCore(string accountId, long? algoId, string? clientAlgoId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var found = FindAlgo(account, algoId, clientAlgoId, EngineErrors.FuturesUnknownOrder);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (!found.Value.IsOpen)
        {
            return EngineErrors.FuturesUnknownOrder;
        }

        CancelAlgoInternal(found.Value, AlgoStatus.Canceled, "");
        return found.Value.ToView();
    }

    private void CancelAlgoInternal(AlgoOrder algo, AlgoStatus status, string reason)
    {
        CloseAlgo(algo);
        algo.Status = status;
        algo.FailureReason = reason;
        algo.UpdateTime = _now;
        EmitAlgoUpdate(algo);
    }

    private EngineResult<IReadOnlyList<AlgoOrderView>> CancelAllAlgoOrdersCore(string accountId, string symbol)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var result = new List<AlgoOrderView>();
        foreach (var algo in account.FuturesState(market).OpenAlgos.Values.ToArray())
        {
            CancelAlgoInternal(algo, AlgoStatus.Canceled, "");
            result.Add(algo.ToView());
        }

        return result;
    }

    private EngineResult<AlgoOrderView> GetAlgoOrderCore(string accountId, long? algoId, string? clientAlgoId)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var found = FindAlgo(account, algoId, clientAlgoId, EngineErrors.FuturesOrderDoesNotExist);
        return found.IsSuccess ? found.Value.ToView() : found.Error;
    }

    private EngineResult<IReadOnlyList<AlgoOrderView>> GetOpenAlgoOrdersCore(string accountId, string? symbol)
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

        var result = new List<AlgoOrderView>();
        foreach (var (s, state) in account.Futures)
        {
            if (symbol is null || s == symbol)
            {
                result.AddRange(state.OpenAlgos.Values.Select(a => a.ToView()));
            }
        }

        return result;
    }

    private EngineResult<IReadOnlyList<AlgoOrderView>> GetAllAlgoOrdersCore(string accountId, OrderHistoryQuery query)
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

        var market = FindFutures(query.Symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        var all = account.FuturesState(market).AllAlgos;
        return Page(all, a => a.AlgoId, a => a.CreateTime, query).Select(a => a.ToView()).ToArray();
    }
}
