using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// USDⓈ-M order entry, modify, cancel, positions, margin and account configuration.
public sealed partial class SimExchange
{
    private const long MaxGoodTillDate = 253402300799000;

    private sealed record FuturesPlan(
        FuturesMarket Market,
        AccountState Account,
        FuturesOrderType Type,
        OrderSide Side,
        PositionSide PositionSide,
        TimeInForce TimeInForce,
        decimal Quantity,
        decimal Price,
        bool ReduceOnly,
        string? ClientOrderId,
        SelfTradePreventionMode Stp,
        long GoodTillDate,
        PriceMatch PriceMatch);

    private EngineResult<FuturesOrderView> PlaceFuturesOrderCore(string accountId, FuturesOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var plan = ValidateFuturesOrder(account, request);
        if (!plan.IsSuccess)
        {
            return plan.Error;
        }

        var placed = ExecuteFuturesPlacement(plan.Value, algo: null);
        return placed.IsSuccess ? placed.Value.ToView() : placed.Error;
    }

    private EngineResult<FeeRates> TestFuturesOrderCore(string accountId, FuturesOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var plan = ValidateFuturesOrder(account, request);
        return plan.IsSuccess ? account.FuturesFees : plan.Error;
    }

    private static bool IsConditional(FuturesOrderType type) => type is not (FuturesOrderType.Limit or FuturesOrderType.Market);

    private EngineResult<PositionSide> ResolvePositionSide(AccountState account, PositionSide? requested, bool? reduceOnly)
    {
        if (account.DualSide)
        {
            if (requested is not (PositionSide.Long or PositionSide.Short))
            {
                return EngineErrors.PositionSideNotMatch;
            }

            if (reduceOnly is not null)
            {
                return EngineErrors.ParameterNotRequired("reduceOnly");
            }

            return requested.Value;
        }

        if (requested is PositionSide.Long or PositionSide.Short)
        {
            return EngineErrors.PositionSideNotMatch;
        }

        return PositionSide.Both;
    }

    private EngineError? CheckClientOrderId(string? id, string name)
    {
        if (id is null)
        {
            return null;
        }

        if (id.Length > 36)
        {
            return EngineErrors.FuturesClientOrderIdInvalid;
        }

        return IsValidClientId(id) ? null : EngineErrors.IllegalChars(name);
    }

    private static EngineError? CheckFuturesPrice(FuturesInstrument instrument, decimal price, bool isStop)
    {
        var pf = instrument.Filters.Price;
        if (price <= 0)
        {
            return isStop ? EngineErrors.FuturesStopPriceLessThanZero : EngineErrors.FuturesPriceLessThanZero;
        }

        if (pf.MinPrice > 0 && price < pf.MinPrice)
        {
            return EngineErrors.FuturesPriceLessThanMin;
        }

        if (pf.MaxPrice > 0 && price > pf.MaxPrice)
        {
            return isStop ? EngineErrors.FuturesStopPriceGreaterThanMax : EngineErrors.FuturesPriceGreaterThanMax;
        }

        return IsMultiple(price - pf.MinPrice, pf.TickSize) ? null : EngineErrors.FuturesPriceNotIncreasedByTick;
    }

    private static EngineError? CheckFuturesQty(LotSizeFilter lot, decimal qty)
    {
        if (qty <= 0)
        {
            return EngineErrors.FuturesQtyLessThanZero;
        }

        if (lot.MinQty > 0 && qty < lot.MinQty)
        {
            return EngineErrors.FuturesQtyLessThanMin;
        }

        if (lot.MaxQty > 0 && qty > lot.MaxQty)
        {
            return EngineErrors.FuturesQtyGreaterThanMax;
        }

        return IsMultiple(qty - lot.MinQty, lot.StepSize) ? null : EngineErrors.FuturesQtyNotIncreasedByStep;
    }

    private EngineError? CheckGoodTillDate(TimeInForce tif, long? goodTillDate)
    {
        if (tif != TimeInForce.Gtd)
        {
            return goodTillDate is null ? null : EngineErrors.ParameterNotRequired("goodTillDate");
        }

        if (goodTillDate is not { } gtd)
        {
            return EngineErrors.MandatoryParameter("goodTillDate");
        }

        return gtd <= _now + 600_000 || gtd >= MaxGoodTillDate ? EngineErrors.InvalidGoodTillDate : null;
    }

    private EngineResult<FuturesPlan> ValidateFuturesOrder(AccountState account, FuturesOrderRequest r)
    {
        var market = FindFutures(r.Symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (market.Status != SymbolStatus.Trading)
        {
            return EngineErrors.SymbolClosed;
        }

        if (!account.CanTrade)
        {
            return new EngineError(-4088, "User can not place order currently");
        }

        if (IsConditional(r.Type))
        {
            return EngineErrors.StopOrderSwitchAlgo;
        }

        var ps = ResolvePositionSide(account, r.PositionSide, r.ReduceOnly);
        if (!ps.IsSuccess)
        {
            return ps.Error;
        }

        var instrument = market.Instrument;
        var tif = TimeInForce.Gtc;
        var priceMatch = r.PriceMatch ?? PriceMatch.None;
        if (r.Type == FuturesOrderType.Limit)
        {
            if (r.TimeInForce is not { } t)
            {
                return EngineErrors.MandatoryParameter("timeInForce");
            }

            tif = t;
        }
        else if (priceMatch != PriceMatch.None)
        {
            return new EngineError(-5038, "Price match only supports order type: LIMIT, STOP AND TAKE_PROFIT");
        }

        var gtdError = CheckGoodTillDate(tif, r.GoodTillDate);
        if (gtdError is not null)
        {
            return gtdError;
        }

        if (r.Quantity is not { } qty)
        {
            return EngineErrors.MandatoryParameter("quantity");
        }

        var price = 0m;
        if (r.Type == FuturesOrderType.Limit)
        {
            var priceError = ResolveLimitPrice(market, r.Side, priceMatch, r.Price, out price);
            if (priceError is not null)
            {
                return priceError;
            }
        }
        else if (r.Price is not null)
        {
            return EngineErrors.ParameterNotRequired("price");
        }

        var qtyError = CheckFuturesQty(r.Type == FuturesOrderType.Market ? instrument.Filters.MarketLotSize : instrument.Filters.LotSize, qty);
        if (qtyError is not null)
        {
            return qtyError;
        }

        var idError = CheckClientOrderId(r.NewClientOrderId, "newClientOrderId");
        if (idError is not null)
        {
            return idError;
        }

        var state = account.FuturesState(market);
        if (r.NewClientOrderId is { } cid && state.OpenByClientId.ContainsKey(cid))
        {
            return EngineErrors.DuplicatedClientOrderId;
        }

        var stp = r.SelfTradePreventionMode ?? SelfTradePreventionMode.None;
        if (stp == SelfTradePreventionMode.Decrement)
        {
            return new EngineError(-5039, "Invalid self trade prevention mode");
        }

        var reduceOnly = r.ReduceOnly ?? false;
        var mark = market.MarkPrice;
        var pp = instrument.Filters.PercentPrice;
        if (r.Type == FuturesOrderType.Limit)
        {
            if (price > mark * pp.MultiplierUp)
            {
                return EngineErrors.FuturesPriceAboveMultiplierUp;
            }

            if (price < mark * pp.MultiplierDown)
            {
                return EngineErrors.FuturesPriceBelowMultiplierDown;
            }
        }
        else
        {
            var best = market.Book.Opposite(r.Side).Best;
            if (best is not null && (best.Price > mark * pp.MultiplierUp || best.Price < mark * pp.MultiplierDown))
            {
                return EngineErrors.MarketOrderPercentPriceReject;
            }
        }

        var notional = (r.Type == FuturesOrderType.Limit ? price : mark) * qty;
        if (!reduceOnly && notional < instrument.Filters.MinNotional)
        {
            return EngineErrors.FuturesMinNotional(instrument.Filters.MinNotional.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (state.Open.Count + 1 > instrument.Filters.MaxNumOrders)
        {
            return EngineErrors.MaxOpenOrdersExceeded;
        }

        return new FuturesPlan(market, account, r.Type, r.Side, ps.Value, tif, qty, price, reduceOnly, r.NewClientOrderId, stp, r.GoodTillDate ?? 0, priceMatch);
    }

    /// <summary>
    /// The price of a LIMIT order (placement or modify): the sent price, or with a priceMatch mode the book price it
    /// matches (then price must not be sent); either way checked against the price filters.
    /// </summary>
    private static EngineError? ResolveLimitPrice(FuturesMarket market, OrderSide side, PriceMatch priceMatch, decimal? sent, out decimal price)
    {
        price = 0m;
        if (priceMatch != PriceMatch.None)
        {
            if (sent is not null)
            {
                return EngineErrors.ParameterNotRequired("price");
            }

            if (PriceMatchPrice(market, side, priceMatch) is not { } matched)
            {
                return new EngineError(-5041, "No depth matches this BBO order");
            }

            price = matched;
        }
        else if (sent is not { } p)
        {
            return EngineErrors.MandatoryParameter("price");
        }
        else
        {
            price = p;
        }

        return CheckFuturesPrice(market.Instrument, price, isStop: false);
    }

    private static decimal? PriceMatchPrice(FuturesMarket market, OrderSide side, PriceMatch mode)
    {
        var (book, depth) = mode switch
        {
            PriceMatch.Opponent => (market.Book.Opposite(side), 0),
            PriceMatch.Opponent5 => (market.Book.Opposite(side), 4),
            PriceMatch.Opponent10 => (market.Book.Opposite(side), 9),
            PriceMatch.Opponent20 => (market.Book.Opposite(side), 19),
            PriceMatch.Queue => (market.Book.SideOf(side), 0),
            PriceMatch.Queue5 => (market.Book.SideOf(side), 4),
            PriceMatch.Queue10 => (market.Book.SideOf(side), 9),
            _ => (market.Book.SideOf(side), 19),
        };
        if (book.LevelCount == 0)
        {
            return null;
        }

        return book.LevelFromBest(Math.Min(depth, book.LevelCount - 1)).Price;
    }

    private static bool IsClosingOrder(AccountState account, PositionSide ps, OrderSide side, bool reduceOnly) =>
        reduceOnly || (account.DualSide && ((ps == PositionSide.Long && side == OrderSide.Sell) || (ps == PositionSide.Short && side == OrderSide.Buy)));

    private static decimal Closeable(FuturesSymbolState state, PositionSide ps, OrderSide side)
    {
        var amount = state.Get(ps).Amount;
        return side == OrderSide.Sell ? Math.Max(0, amount) : Math.Max(0, -amount);
    }

    private EngineResult<FuturesOrder> ExecuteFuturesPlacement(FuturesPlan plan, AlgoOrder? algo)
    {
        var market = plan.Market;
        var account = plan.Account;
        var state = account.FuturesState(market);
        var closing = IsClosingOrder(account, plan.PositionSide, plan.Side, plan.ReduceOnly);
        decimal? limit = plan.Type == FuturesOrderType.Limit ? plan.Price : null;

        if (closing && Closeable(state, plan.PositionSide, plan.Side) == 0)
        {
            return EngineErrors.ReduceOnlyRejected;
        }

        if (plan.TimeInForce == TimeInForce.Gtx && plan.Type == FuturesOrderType.Limit)
        {
            var best = market.Book.Opposite(plan.Side).Best;
            if (best is not null && (plan.Side == OrderSide.Buy ? best.Price <= plan.Price : best.Price >= plan.Price))
            {
                return EngineErrors.GtxRejected;
            }
        }

        if (plan.TimeInForce == TimeInForce.Fok)
        {
            var exclude = plan.Stp == SelfTradePreventionMode.None ? null : account;
            if (CrossingQuantity(market, plan.Side, limit, exclude) < plan.Quantity)
            {
                return EngineErrors.FokRejected;
            }
        }

        if (!closing)
        {
            var increase = IncreasingQuantity(state, plan.PositionSide, plan.Side, plan.Quantity);
            if (increase > 0)
            {
                var refPrice = limit ?? EstimatedFillPrice(market, plan.Side, plan.Quantity);
                var position = state.Get(plan.PositionSide);
                var maxNotional = MaxNotional(market.Instrument, state.Leverage);
                if ((Math.Abs(position.Amount) + increase) * refPrice > maxNotional)
                {
                    return new EngineError(-2027, "Exceeded the maximum allowable position at current leverage.");
                }

                var required = increase * refPrice / state.Leverage;
                if (required > FuturesAvailableBalance(account))
                {
                    return EngineErrors.MarginInsufficient;
                }
            }
        }

        var order = new FuturesOrder
        {
            Market = market,
            OrderId = _nextFuturesOrderId++,
            Account = account,
            ClientOrderId = plan.ClientOrderId ?? NewClientId("web_"),
            Side = plan.Side,
            Type = plan.Type,
            OrigType = algo?.Type ?? plan.Type,
            TimeInForce = plan.TimeInForce,
            PositionSide = plan.PositionSide,
            ReduceOnly = plan.ReduceOnly,
            ClosePosition = algo?.ClosePosition ?? false,
            Price = plan.Price,
            OrigQty = plan.Quantity,
            Leaves = plan.Quantity,
            Visible = plan.Quantity,
            Stp = plan.Stp,
            GoodTillDate = plan.GoodTillDate,
            PriceMatch = plan.PriceMatch,
            Time = _now,
            UpdateTime = _now,
            Algo = algo,
        };
        if (algo is not null)
        {
            order.StopPrice = algo.TriggerPrice;
            order.WorkingType = algo.WorkingType;
            order.PriceProtect = algo.PriceProtect;
            order.ActivatePrice = algo.IsTrailing ? algo.ActivatePrice : null;
            order.PriceRate = algo.CallbackRate;
        }

        RegisterFuturesOrder(order);
        EmitFuturesUpdate(order, ExecutionType.New);
        if (algo is not null)
        {
            algo.ActualOrder = order;
            algo.Status = AlgoStatus.Triggered;
            algo.UpdateTime = _now;
            EmitAlgoUpdate(algo);
        }

        ExecuteFuturesOrder(market, order);
        return order;
    }

    private void ExecuteFuturesOrder(FuturesMarket market, FuturesOrder order)
    {
        decimal? limit = order.Type == FuturesOrderType.Limit ? order.Price : null;
        Match(market, order, limit);
        if (order.IsFinal || order.Leaves == 0)
        {
            return;
        }

        var state = order.Account.FuturesState(market);
        if (!order.Account.IsInternal && IsClosingOrder(order.Account, order.PositionSide, order.Side, order.ReduceOnly)
            && Closeable(state, order.PositionSide, order.Side) == 0)
        {
            ExpireFuturesOrder(order, FuturesExpiryReason.ReduceOnlyKnockedOut);
            return;
        }

        if (order.Type == FuturesOrderType.Market)
        {
            ExpireFuturesOrder(order, FuturesExpiryReason.MarketRemainder);
            return;
        }

        if (order.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok)
        {
            ExpireFuturesOrder(order, order.PreventedMatchId is null ? FuturesExpiryReason.IocRemainder : FuturesExpiryReason.IocRemainderDueToStp);
            return;
        }

        order.Visible = order.Leaves;
        market.Book.Add(order);
        TouchMarket(market);
        if (order.Account.IsInternal)
        {
            market.MakerOrders.Add(order);
        }
    }

    private void RegisterFuturesOrder(FuturesOrder order)
    {
        if (order.Account.IsInternal)
        {
            return;
        }

        var state = order.Account.FuturesState(order.Market);
        state.Open[order.OrderId] = order;
        state.OpenByClientId[order.ClientOrderId] = order;
        state.ById[order.OrderId] = order;
        state.LatestByClientId[order.ClientOrderId] = order;
        state.All.Add(order);
        SyncOpenOrder(order);
        if (state.All.Count > Options.HistoryLimit * 2)
        {
            var drop = state.All.Count - Options.HistoryLimit;
            for (var i = 0; i < drop; i++)
            {
                if (state.All[i].IsFinal)
                {
                    state.ById.Remove(state.All[i].OrderId);
                }
            }

            state.All.RemoveRange(0, drop);
        }
    }

    private void FinishFuturesOrder(FuturesOrder order)
    {
        var market = order.Market;
        if (order.OnBook)
        {
            market.Book.Remove(order);
            TouchMarket(market);
        }

        if (!order.Account.IsInternal)
        {
            SyncOpenOrder(order);
            var state = order.Account.FuturesState(market);
            state.Open.Remove(order.OrderId);
            if (state.OpenByClientId.TryGetValue(order.ClientOrderId, out var o) && ReferenceEquals(o, order))
            {
                state.OpenByClientId.Remove(order.ClientOrderId);
            }
        }

        if (order.Algo is { Status: AlgoStatus.Triggered } algo)
        {
            algo.Status = AlgoStatus.Finished;
            algo.UpdateTime = _now;
            EmitAlgoUpdate(algo);
        }
    }

    private void ExpireFuturesOrder(FuturesOrder order, FuturesExpiryReason reason)
    {
        order.Status = OrderStatus.Expired;
        order.ExpiryReason = reason;
        order.Leaves = 0;
        order.UpdateTime = _now;
        SyncOpenOrder(order);
        EmitFuturesUpdate(order, ExecutionType.Expired);
        FinishFuturesOrder(order);
    }

    private decimal FuturesReduceCap(FuturesMarket market, FuturesOrder order, decimal qty)
    {
        if (order.Account.IsInternal || !IsClosingOrder(order.Account, order.PositionSide, order.Side, order.ReduceOnly))
        {
            return qty;
        }

        return Math.Min(qty, Closeable(order.Account.FuturesState(market), order.PositionSide, order.Side));
    }

    private void OnFuturesPrevented(FuturesMarket market, FuturesOrder taker, FuturesOrder maker, decimal takerPrevented, decimal makerPrevented)
    {
        SyncOpenOrder(taker);
        SyncOpenOrder(maker);
        if (makerPrevented > 0 && maker.Leaves == 0)
        {
            maker.Status = OrderStatus.ExpiredInMatch;
            maker.ExpiryReason = FuturesExpiryReason.SelfTradePrevention;
            maker.UpdateTime = _now;
            EmitFuturesUpdate(maker, ExecutionType.Expired);
            FinishFuturesOrder(maker);
        }

        if (takerPrevented > 0 && taker.Leaves == 0)
        {
            taker.Status = OrderStatus.ExpiredInMatch;
            taker.ExpiryReason = FuturesExpiryReason.SelfTradePrevention;
            taker.UpdateTime = _now;
            EmitFuturesUpdate(taker, ExecutionType.Expired);
            FinishFuturesOrder(taker);
        }

        TouchMarket(market);
    }

    // ------------------------------------------------------------------ fills and positions

    private void SettleFuturesFill(FuturesMarket market, FuturesOrder taker, FuturesOrder maker, decimal price, decimal qty, long tradeId)
    {
        ApplyFuturesFill(market, taker, price, qty, isMaker: false, tradeId);
        ApplyFuturesFill(market, maker, price, qty, isMaker: true, tradeId);
    }

    private void ApplyFuturesFill(FuturesMarket market, FuturesOrder order, decimal price, decimal qty, bool isMaker, long tradeId)
    {
        var account = order.Account;
        var state = account.FuturesState(market);
        var position = state.Get(order.PositionSide);
        var realized = ApplyToPosition(position, order.Side, qty, price);
        var notional = price * qty;
        var rate = isMaker ? account.FuturesFees.Maker : account.FuturesFees.Taker;
        var commission = RoundFee(notional * rate, 8);
        var asset = market.Instrument.MarginAsset;
        account.FuturesWallet[asset] = account.Wallet(asset) + realized - commission;
        AddFee(_futuresFeesCollected, asset, commission);
        position.AccumulatedRealized += realized;
        position.UpdateTime = _now;
        if (state.MarginType == MarginType.Isolated)
        {
            position.IsolatedWallet = Math.Round(Math.Abs(position.Amount) * position.EntryPrice / state.Leverage, 8, MidpointRounding.AwayFromZero);
        }

        order.ExecutedQty += qty;
        order.CumQuote += notional;
        order.UpdateTime = _now;
        order.Status = order.Leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        SyncOpenOrder(order);

        if (!account.IsInternal)
        {
            account.FuturesUpdateTime = _now;
            if (realized != 0)
            {
                AddIncome(account, market.Symbol, IncomeType.RealizedPnl, realized, asset, "REALIZED_PNL", tradeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (commission != 0)
            {
                AddIncome(account, market.Symbol, IncomeType.Commission, -commission, asset, "COMMISSION", tradeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            state.Trades.Add(new FuturesTradeView(market.Symbol, tradeId, order.OrderId, order.Side, order.PositionSide, price, qty, notional, realized, commission, asset, _now, order.Side == OrderSide.Buy, isMaker));
            if (state.Trades.Count > Options.HistoryLimit * 2)
            {
                state.Trades.RemoveRange(0, state.Trades.Count - Options.HistoryLimit);
            }

            account.FuturesBalanceTouched = true;
            account.TouchPosition(market.Symbol, position);
            TouchAccount(account);
        }

        EmitFuturesUpdate(order, ExecutionType.Trade, lastQty: qty, lastPrice: price, commission: commission, tradeId: tradeId, isMaker: isMaker, realized: realized);
        if (order.Leaves == 0)
        {
            FinishFuturesOrder(order);
        }
    }

    /// <summary>Applies a fill to a position; returns the realized PnL (8 decimals).</summary>
    private static decimal ApplyToPosition(Position position, OrderSide side, decimal qty, decimal price)
    {
        var delta = side == OrderSide.Buy ? qty : -qty;
        var amount = position.Amount;
        if (amount == 0 || Math.Sign(amount) == Math.Sign(delta))
        {
            var newAmount = amount + delta;
            position.EntryPrice = ((Math.Abs(amount) * position.EntryPrice) + (qty * price)) / Math.Abs(newAmount);
            position.Amount = newAmount;
            return 0m;
        }

        var closed = Math.Min(Math.Abs(amount), qty);
        var realized = Math.Round(closed * (price - position.EntryPrice) * Math.Sign(amount), 8, MidpointRounding.AwayFromZero);
        if (qty < Math.Abs(amount))
        {
            position.Amount = amount + delta;
        }
        else if (qty == Math.Abs(amount))
        {
            position.Amount = 0;
            position.EntryPrice = 0;
        }
        else
        {
            position.Amount = Math.Sign(delta) * (qty - closed);
            position.EntryPrice = price;
        }

        return realized;
    }

    private static decimal IncreasingQuantity(FuturesSymbolState state, PositionSide ps, OrderSide side, decimal qty)
    {
        if (ps != PositionSide.Both)
        {
            return (ps == PositionSide.Long) == (side == OrderSide.Buy) ? qty : 0m;
        }

        var amount = state.Both.Amount;
        var opposite = side == OrderSide.Buy ? Math.Max(0, -amount) : Math.Max(0, amount);
        return Math.Max(0, qty - opposite);
    }

    private static decimal EstimatedFillPrice(FuturesMarket market, OrderSide side, decimal qty)
    {
        var (filled, cost) = WalkBook(market, side, qty, null);
        return filled > 0 ? cost / filled : market.MarkPrice;
    }

    private static decimal MaxNotional(FuturesInstrument instrument, int leverage)
    {
        var cap = 0m;
        foreach (var bracket in instrument.Brackets)
        {
            if (bracket.InitialLeverage >= leverage)
            {
                cap = Math.Max(cap, bracket.NotionalCap);
            }
        }

        return cap;
    }

    private static LeverageBracket BracketFor(FuturesInstrument instrument, decimal notional)
    {
        foreach (var bracket in instrument.Brackets)
        {
            if (notional < bracket.NotionalCap)
            {
                return bracket;
            }
        }

        return instrument.Brackets[^1];
    }

    private static decimal MaintenanceMargin(FuturesInstrument instrument, decimal notional)
    {
        if (notional == 0)
        {
            return 0m;
        }

        var bracket = BracketFor(instrument, notional);
        return Math.Max(0m, (notional * bracket.MaintMarginRatio) - bracket.Cum);
    }

    private static decimal BreakEven(Position position, FeeRates fees)
    {
        if (position.Amount == 0)
        {
            return 0m;
        }

        var t = fees.Taker;
        var value = position.Amount > 0 ? position.EntryPrice * (1 + t) / (1 - t) : position.EntryPrice * (1 - t) / (1 + t);
        return Math.Round(value, 8, MidpointRounding.AwayFromZero);
    }

    /// <summary>Margin figures of one account (single-asset mode, USDT).</summary>
    private sealed record MarginSummary(
        decimal Wallet,
        decimal CrossWallet,
        decimal CrossUnrealized,
        decimal TotalUnrealized,
        decimal PositionInitialMargin,
        decimal CrossPositionInitialMargin,
        decimal OpenOrderInitialMargin,
        decimal MaintMargin,
        decimal Available);

    private MarginSummary ComputeMargin(AccountState account, string asset = "USDT")
    {
        var wallet = account.Wallet(asset);
        decimal isolated = 0, crossUnpnl = 0, totalUnpnl = 0, positionIm = 0, crossIm = 0, orderIm = 0, maint = 0;
        foreach (var (symbol, state) in account.Futures)
        {
            var market = _futures[symbol];
            if (market.Instrument.MarginAsset != asset)
            {
                continue;
            }

            var mark = market.MarkPrice;
            foreach (var position in state.Positions)
            {
                if (position.Amount == 0)
                {
                    continue;
                }

                var unpnl = position.Amount * (mark - position.EntryPrice);
                var notional = Math.Abs(position.Amount) * mark;
                var im = notional / state.Leverage;
                totalUnpnl += unpnl;
                positionIm += im;
                maint += MaintenanceMargin(market.Instrument, notional);
                if (state.MarginType == MarginType.Isolated)
                {
                    isolated += position.IsolatedWallet;
                }
                else
                {
                    crossUnpnl += unpnl;
                    crossIm += im;
                }
            }

            orderIm += OpenOrderMargin(state);
        }

        var crossWallet = wallet - isolated;
        var available = crossWallet + crossUnpnl - crossIm - orderIm;
        return new MarginSummary(wallet, crossWallet, crossUnpnl, totalUnpnl, positionIm, crossIm, orderIm, maint, available);
    }

    private static decimal OpenOrderMargin(FuturesSymbolState state)
    {
        var buyNotional = state.OpeningBuyNotional;
        var sellNotional = state.OpeningSellNotional;
        var amount = state.Both.Amount;
        if (amount > 0 && state.OpeningSellQty > 0)
        {
            sellNotional *= Math.Max(0, state.OpeningSellQty - amount) / state.OpeningSellQty;
        }
        else if (amount < 0 && state.OpeningBuyQty > 0)
        {
            buyNotional *= Math.Max(0, state.OpeningBuyQty + amount) / state.OpeningBuyQty;
        }

        return (Math.Max(buyNotional, sellNotional) + state.OpeningHedgeNotional) / state.Leverage;
    }

    /// <summary>Brings the symbol state's open-order totals in line with the order's current leaves and price.</summary>
    private static void SyncOpenOrder(FuturesOrder order)
    {
        if (order.Account.IsInternal)
        {
            return;
        }

        var state = order.Account.FuturesState(order.Market);
        var leaves = order.IsFinal ? 0m : order.Leaves;
        Account(state, order, -order.AccountedLeaves, order.AccountedPrice);
        Account(state, order, leaves, order.Price);
        order.AccountedLeaves = leaves;
        order.AccountedPrice = order.Price;

        static void Account(FuturesSymbolState state, FuturesOrder order, decimal qty, decimal price)
        {
            if (qty == 0)
            {
                return;
            }

            var notional = qty * price;
            if (order.Side == OrderSide.Buy)
            {
                state.BidNotional += notional;
            }
            else
            {
                state.AskNotional += notional;
            }

            if (order.ReduceOnly || IsClosingOrder(order.Account, order.PositionSide, order.Side, false))
            {
                return;
            }

            if (order.PositionSide != PositionSide.Both)
            {
                state.OpeningHedgeNotional += notional;
            }
            else if (order.Side == OrderSide.Buy)
            {
                state.OpeningBuyQty += qty;
                state.OpeningBuyNotional += notional;
            }
            else
            {
                state.OpeningSellQty += qty;
                state.OpeningSellNotional += notional;
            }
        }
    }

    private decimal FuturesAvailableBalance(AccountState account) => ComputeMargin(account).Available;

    // ------------------------------------------------------------------ events

    private void EmitFuturesUpdate(
        FuturesOrder o,
        ExecutionType x,
        decimal lastQty = 0m,
        decimal lastPrice = 0m,
        decimal commission = 0m,
        long tradeId = 0,
        bool isMaker = false,
        decimal realized = 0m)
    {
        if (o.Account.IsInternal)
        {
            return;
        }

        var totals = o.Account.FuturesState(o.Market);
        var bids = totals.BidNotional;
        var asks = totals.AskNotional;
        Emit(new FuturesOrderTradeUpdate
        {
            AccountId = o.Account.Id,
            TransactionTime = _now,
            Symbol = o.Market.Symbol,
            ClientOrderId = o.ClientOrderId,
            Side = o.Side,
            OrderType = o.Type,
            TimeInForce = o.TimeInForce,
            OrigQty = o.OrigQty,
            OrigPrice = o.Price,
            AvgPrice = o.Market.RoundPriceDisplay(o.AvgPrice),
            StopPrice = o.StopPrice,
            ExecutionType = x,
            OrderStatus = o.Status,
            OrderId = o.OrderId,
            LastFilledQty = lastQty,
            CumulativeFilledQty = o.ExecutedQty,
            LastFilledPrice = lastPrice,
            CommissionAsset = o.Market.Instrument.MarginAsset,
            Commission = commission,
            TradeTime = _now,
            TradeId = tradeId,
            BidsNotional = bids,
            AsksNotional = asks,
            IsMaker = isMaker,
            IsReduceOnly = o.ReduceOnly,
            WorkingType = o.WorkingType,
            OriginalOrderType = o.OrigType,
            PositionSide = o.PositionSide,
            ClosePosition = o.ClosePosition,
            ActivationPrice = o.ActivatePrice,
            CallbackRate = o.PriceRate,
            PriceProtect = o.PriceProtect,
            RealizedProfit = realized,
            SelfTradePreventionMode = o.Stp,
            PriceMatch = o.PriceMatch,
            GoodTillDate = o.GoodTillDate,
            ExpiryReason = o.ExpiryReason,
        });
    }

    private FuturesPositionChange PositionChange(AccountState account, string symbol, Position position)
    {
        var market = _futures[symbol];
        var state = account.FuturesState(market);
        return new FuturesPositionChange(
            symbol,
            position.Amount,
            Math.Round(position.EntryPrice, 8, MidpointRounding.AwayFromZero),
            BreakEven(position, account.FuturesFees),
            position.AccumulatedRealized,
            Math.Round(position.Amount * (market.MarkPrice - position.EntryPrice), 8, MidpointRounding.AwayFromZero),
            state.MarginType,
            position.IsolatedWallet,
            position.Side);
    }

    private void EmitFuturesAccountUpdate(AccountState account, AccountUpdateReason reason, decimal balanceChange, string asset = "USDT")
    {
        if (account.IsInternal)
        {
            return;
        }

        var positions = new List<FuturesPositionChange>(account.TouchedPositions.Count);
        for (var i = 0; i < account.TouchedPositions.Count; i++)
        {
            positions.Add(PositionChange(account, account.TouchedPositionSymbols[i], account.TouchedPositions[i]));
        }

        account.TouchedPositions.Clear();
        account.TouchedPositionSymbols.Clear();
        account.FuturesBalanceTouched = false;
        var margin = ComputeMargin(account, asset);
        Emit(new FuturesAccountUpdate
        {
            AccountId = account.Id,
            TransactionTime = _now,
            Reason = reason,
            Balances = [new FuturesBalanceChange(asset, margin.Wallet, margin.CrossWallet, balanceChange)],
            Positions = positions,
        });
    }

    private void AddIncome(AccountState account, string symbol, IncomeType type, decimal income, string asset, string info, string tradeId)
    {
        account.Income.Add(new IncomeView(symbol, type, income, asset, info, _now, _nextTranId++, tradeId));
        if (account.Income.Count > Options.HistoryLimit * 2)
        {
            account.Income.RemoveRange(0, account.Income.Count - Options.HistoryLimit);
        }
    }

    private void CheckMarginCalls()
    {
        var anyFutures = false;
        foreach (var market in _touchedMarkets)
        {
            anyFutures |= market.Kind == MarketKind.UsdM;
        }

        if (!anyFutures)
        {
            return;
        }

        foreach (var account in _accountList)
        {
            if (account.IsInternal || account.Futures.Count == 0)
            {
                continue;
            }

            var margin = ComputeMargin(account);
            var marginBalance = margin.Wallet + margin.TotalUnrealized;
            var ratio = margin.MaintMargin == 0 ? 0m : marginBalance <= 0 ? decimal.MaxValue : margin.MaintMargin / marginBalance;
            if (ratio >= Options.MarginCallRatio && !account.MarginCallActive)
            {
                account.MarginCallActive = true;
                var positions = new List<MarginCallPosition>();
                foreach (var (symbol, state) in account.Futures)
                {
                    var market = _futures[symbol];
                    var mark = market.MarkPrice;
                    foreach (var position in state.Positions)
                    {
                        if (position.Amount != 0)
                        {
                            positions.Add(new MarginCallPosition(
                                symbol,
                                position.Side,
                                position.Amount,
                                state.MarginType,
                                position.IsolatedWallet,
                                mark,
                                Math.Round(position.Amount * (mark - position.EntryPrice), 8, MidpointRounding.AwayFromZero),
                                Math.Round(MaintenanceMargin(market.Instrument, Math.Abs(position.Amount) * mark), 8, MidpointRounding.AwayFromZero)));
                        }
                    }
                }

                Emit(new FuturesMarginCall { AccountId = account.Id, CrossWalletBalance = margin.CrossWallet, Positions = positions });
            }
            else if (ratio < Options.MarginCallRatio)
            {
                account.MarginCallActive = false;
            }
        }
    }

    // ------------------------------------------------------------------ modify, cancel, countdown

    private EngineResult<FuturesOrder> FindFuturesOrder(AccountState account, FuturesMarket market, long? orderId, string? origClientOrderId, EngineError notFound)
    {
        if (orderId is null && string.IsNullOrEmpty(origClientOrderId))
        {
            return EngineErrors.EitherParameter("origClientOrderId", "orderId");
        }

        var state = account.FuturesState(market);
        var order = FindByIdOrClientId(orderId, origClientOrderId, state.ById, state.OpenByClientId, state.LatestByClientId);
        return order is null ? notFound : order;
    }

    private EngineResult<FuturesOrderView> CancelFuturesOrderCore(string accountId, string symbol, long? orderId, string? origClientOrderId)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var found = FindFuturesOrder(account, market, orderId, origClientOrderId, EngineErrors.FuturesUnknownOrder);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var order = found.Value;
        if (order.IsFinal)
        {
            return EngineErrors.FuturesUnknownOrder;
        }

        CancelFuturesOrderInternal(order);
        return order.ToView();
    }

    private void CancelFuturesOrderInternal(FuturesOrder order)
    {
        order.Status = OrderStatus.Canceled;
        order.Leaves = 0;
        order.UpdateTime = _now;
        SyncOpenOrder(order);
        EmitFuturesUpdate(order, ExecutionType.Canceled);
        FinishFuturesOrder(order);
    }

    private EngineResult<IReadOnlyList<FuturesOrderView>> CancelAllFuturesOrdersCore(string accountId, string symbol)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        return CancelAllFuturesOrdersInternal(account, market);
    }

    private List<FuturesOrderView> CancelAllFuturesOrdersInternal(AccountState account, FuturesMarket market)
    {
        var result = new List<FuturesOrderView>();
        foreach (var order in account.FuturesState(market).Open.Values.ToArray())
        {
            if (!order.IsFinal)
            {
                CancelFuturesOrderInternal(order);
                result.Add(order.ToView());
            }
        }

        return result;
    }

    private EngineResult<CountdownView> SetCountdownCancelAllCore(string accountId, string symbol, long countdownTimeMs)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (countdownTimeMs < 0)
        {
            return EngineErrors.InvalidParameter("countdownTime");
        }

        account.FuturesState(market).CountdownDeadline = countdownTimeMs == 0 ? null : _now + countdownTimeMs;
        return new CountdownView(symbol, countdownTimeMs);
    }

    private EngineResult<FuturesOrderView> ModifyFuturesOrderCore(string accountId, FuturesModifyRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!TryFind(accountId, FindFutures(r.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var found = FindFuturesOrder(account, market, r.OrderId, r.OrigClientOrderId, EngineErrors.FuturesOrderDoesNotExist);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var order = found.Value;
        if (order.IsFinal)
        {
            return new EngineError(-2013, "Order does not exist.");
        }

        if (order.Type != FuturesOrderType.Limit)
        {
            return EngineErrors.LimitOrderOnly;
        }

        if (r.Side != order.Side)
        {
            return EngineErrors.InvalidParameter("side");
        }

        if (order.Modifications >= 10_000)
        {
            return new EngineError(-5026, "Exceed maximum modify order limit.");
        }

        var priceError = ResolveLimitPrice(market, r.Side, r.PriceMatch ?? PriceMatch.None, r.Price, out var price);
        if (priceError is not null)
        {
            return priceError;
        }

        var qtyError = CheckFuturesQty(market.Instrument.Filters.LotSize, r.Quantity);
        if (qtyError is not null)
        {
            return qtyError;
        }

        var mark = market.MarkPrice;
        var pp = market.Instrument.Filters.PercentPrice;
        if (price > mark * pp.MultiplierUp)
        {
            return EngineErrors.FuturesPriceAboveMultiplierUp;
        }

        if (price < mark * pp.MultiplierDown)
        {
            return EngineErrors.FuturesPriceBelowMultiplierDown;
        }

        if (price == order.Price && r.Quantity == order.OrigQty)
        {
            return EngineErrors.SameOrder;
        }

        order.Modifications++;
        order.UpdateTime = _now;
        if (r.Quantity <= order.ExecutedQty)
        {
            CancelFuturesOrderInternal(order);
            return order.ToView();
        }

        var keepPriority = price == order.Price && r.Quantity < order.OrigQty;
        var newLeaves = r.Quantity - order.ExecutedQty - order.PreventedQty;
        if (keepPriority)
        {
            order.OrigQty = r.Quantity;
            order.Leaves = newLeaves;
            SyncOpenOrder(order);
            if (order.OnBook)
            {
                market.Book.SetVisibleInPlace(order, newLeaves);
                TouchMarket(market);
            }

            EmitFuturesUpdate(order, ExecutionType.Amendment);
            return order.ToView();
        }

        if (order.OnBook)
        {
            market.Book.Remove(order);
            TouchMarket(market);
        }

        order.Price = price;
        order.OrigQty = r.Quantity;
        order.Leaves = newLeaves;
        order.Visible = newLeaves;
        SyncOpenOrder(order);
        if (r.PriceMatch is { } match)
        {
            order.PriceMatch = match;
        }

        EmitFuturesUpdate(order, ExecutionType.Amendment);
        var best = market.Book.Opposite(order.Side).Best;
        var crosses = best is not null && (order.Side == OrderSide.Buy ? best.Price <= price : best.Price >= price);
        if (crosses && order.TimeInForce == TimeInForce.Gtx)
        {
            CancelFuturesOrderInternal(order);
            return order.ToView();
        }

        ExecuteFuturesOrder(market, order);
        return order.ToView();
    }

    // ------------------------------------------------------------------ account configuration

    private EngineResult<LeverageView> ChangeLeverageCore(string accountId, string symbol, int leverage)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var max = market.Instrument.Brackets[0].InitialLeverage;
        if (leverage < 1 || leverage > max)
        {
            return EngineErrors.InvalidLeverage(leverage);
        }

        var state = account.FuturesState(market);
        if (state.MarginType == MarginType.Isolated && state.HasPosition && leverage < state.Leverage)
        {
            return new EngineError(-4161, "Leverage reduction is not supported in Isolated Margin Mode with open positions");
        }

        var maxNotional = MaxNotional(market.Instrument, leverage);
        foreach (var position in state.Positions)
        {
            if (Math.Abs(position.Amount) * market.MarkPrice > maxNotional)
            {
                return new EngineError(-2027, "Exceeded the maximum allowable position at current leverage.");
            }
        }

        state.Leverage = leverage;
        if (state.MarginType == MarginType.Isolated)
        {
            foreach (var position in state.Positions)
            {
                position.IsolatedWallet = Math.Round(Math.Abs(position.Amount) * position.EntryPrice / leverage, 8, MidpointRounding.AwayFromZero);
            }
        }

        Emit(new FuturesAccountConfigUpdate { AccountId = account.Id, TransactionTime = _now, Symbol = symbol, Leverage = leverage });
        return new LeverageView(symbol, leverage, maxNotional);
    }

    private EngineResult ChangeMarginTypeCore(string accountId, string symbol, MarginType marginType)
    {
        if (!TryFind(accountId, FindFutures(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var state = account.FuturesState(market);
        if (state.MarginType == marginType)
        {
            return EngineErrors.NoNeedToChangeMarginType;
        }

        if (state.Open.Count > 0 || state.OpenAlgos.Count > 0)
        {
            return EngineErrors.MarginTypeOpenOrders;
        }

        if (state.HasPosition)
        {
            return EngineErrors.MarginTypePositionExists;
        }

        state.MarginType = marginType;
        return EngineResult.Ok;
    }

    private EngineResult ChangePositionModeCore(string accountId, bool dualSidePosition)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (account.DualSide == dualSidePosition)
        {
            return EngineErrors.NoNeedToChangePositionSide;
        }

        foreach (var state in account.Futures.Values)
        {
            if (state.Open.Count > 0 || state.OpenAlgos.Count > 0)
            {
                return EngineErrors.PositionSideChangeOpenOrders;
            }
        }

        foreach (var state in account.Futures.Values)
        {
            if (state.HasPosition)
            {
                return EngineErrors.PositionSideChangePositionExists;
            }
        }

        account.DualSide = dualSidePosition;
        return EngineResult.Ok;
    }

    private EngineResult<bool> GetPositionModeCore(string accountId)
    {
        var account = FindAccount(accountId);
        return account is null ? EngineErrors.UnknownAccount(accountId) : account.DualSide;
    }
}
