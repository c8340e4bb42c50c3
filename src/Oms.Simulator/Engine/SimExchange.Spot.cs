using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// Spot order entry, settlement, cancel, cancel-replace, amend, stops and trailing stops.
public sealed partial class SimExchange
{
    /// <summary>A spot order request after static validation (parameters and filters).</summary>
    private sealed record SpotPlan(
        SpotMarket Market,
        AccountState Account,
        SpotOrderRequest Request,
        TimeInForce TimeInForce,
        decimal Quantity,
        decimal Price,
        decimal StopPrice,
        decimal IcebergQty,
        SelfTradePreventionMode Stp,
        string? ClientOrderId);

    private EngineResult<SpotOrderResult> PlaceSpotOrderCore(string accountId, SpotOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var plan = ValidateSpotOrder(account, request, exclude: null);
        if (!plan.IsSuccess)
        {
            return plan.Error;
        }

        return ExecuteSpotPlacement(plan.Value);
    }

    private EngineResult<FeeRates> TestSpotOrderCore(string accountId, SpotOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        var plan = ValidateSpotOrder(account, request, exclude: null);
        return plan.IsSuccess ? account.SpotFees : plan.Error;
    }

    private static bool IsLimitPriced(SpotOrderType type) =>
        type is SpotOrderType.Limit or SpotOrderType.LimitMaker or SpotOrderType.StopLossLimit or SpotOrderType.TakeProfitLimit;

    private static bool IsStopType(SpotOrderType type) =>
        type is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit or SpotOrderType.TakeProfit or SpotOrderType.TakeProfitLimit;

    private static bool IsMarketExecution(SpotOrderType type) =>
        type is SpotOrderType.Market or SpotOrderType.StopLoss or SpotOrderType.TakeProfit;

    /// <summary>Parameter and filter validation (no balance, book or last-price checks).</summary>
    private EngineResult<SpotPlan> ValidateSpotOrder(AccountState account, SpotOrderRequest r, SpotOrder? exclude)
    {
        var market = FindSpot(r.Symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        var instrument = market.Instrument;
        if (market.Status != SymbolStatus.Trading)
        {
            return EngineErrors.MarketClosed;
        }

        if (!account.CanTrade)
        {
            return EngineErrors.AccountCannotTrade;
        }

        var type = r.Type;
        if (!instrument.OrderTypes.Contains(type))
        {
            return EngineErrors.OrderTypeNotSupported(type);
        }

        var limitPriced = IsLimitPriced(type);
        var stopType = IsStopType(type);

        // time in force
        var tif = TimeInForce.Gtc;
        if (type is SpotOrderType.Limit or SpotOrderType.StopLossLimit or SpotOrderType.TakeProfitLimit)
        {
            if (r.TimeInForce is not { } t)
            {
                return EngineErrors.MandatoryParameter("timeInForce");
            }

            if (t is not (TimeInForce.Gtc or TimeInForce.Ioc or TimeInForce.Fok))
            {
                return EngineErrors.InvalidTimeInForce;
            }

            tif = t;
        }
        else if (r.TimeInForce is not null)
        {
            return EngineErrors.ParameterNotRequired("timeInForce");
        }

        // quantity / quoteOrderQty
        decimal qty = 0m;
        if (type == SpotOrderType.Market)
        {
            if (r.Quantity is null && r.QuoteOrderQty is null)
            {
                return EngineErrors.EitherParameter("quantity", "quoteOrderQty");
            }

            if (r.Quantity is not null && r.QuoteOrderQty is not null)
            {
                return EngineErrors.ParameterNotRequired("quoteOrderQty");
            }

            if (r.QuoteOrderQty is { } q)
            {
                if (!instrument.QuoteOrderQtyMarketAllowed)
                {
                    return EngineErrors.QuoteOrderQtyNotSupported;
                }

                if (q <= 0)
                {
                    return EngineErrors.InvalidQuantity;
                }
            }
        }
        else
        {
            if (r.QuoteOrderQty is not null)
            {
                return EngineErrors.ParameterNotRequired("quoteOrderQty");
            }

            if (r.Quantity is null)
            {
                return EngineErrors.MandatoryParameter("quantity");
            }
        }

        if (r.Quantity is { } quantity)
        {
            if (quantity <= 0)
            {
                return EngineErrors.InvalidQuantity;
            }

            qty = quantity;
        }

        // price
        var price = 0m;
        if (limitPriced)
        {
            if (r.Price is not { } p)
            {
                return EngineErrors.MandatoryParameter("price");
            }

            if (p <= 0)
            {
                return EngineErrors.InvalidPrice;
            }

            price = p;
        }
        else if (r.Price is not null)
        {
            return EngineErrors.ParameterNotRequired("price");
        }

        // stop price / trailing delta
        var stopPrice = 0m;
        if (stopType)
        {
            if (r.StopPrice is null && r.TrailingDelta is null)
            {
                return EngineErrors.MandatoryParameter("stopPrice");
            }

            if (r.StopPrice is { } sp)
            {
                if (sp <= 0)
                {
                    return new EngineError(-1013, "Stop price less than zero.");
                }

                stopPrice = sp;
            }

            if (r.TrailingDelta is not null && !instrument.AllowTrailingStop)
            {
                return EngineErrors.TrailingNotSupported;
            }
        }
        else
        {
            if (r.StopPrice is not null)
            {
                return EngineErrors.ParameterNotRequired("stopPrice");
            }

            if (r.TrailingDelta is not null)
            {
                return EngineErrors.ParameterNotRequired("trailingDelta");
            }
        }

        // iceberg
        var iceberg = 0m;
        if (r.IcebergQty is { } ice)
        {
            if (!limitPriced)
            {
                return EngineErrors.ParameterNotRequired("icebergQty");
            }

            if (!instrument.IcebergAllowed)
            {
                return EngineErrors.IcebergNotSupported;
            }

            if (tif != TimeInForce.Gtc)
            {
                return EngineErrors.UnsupportedOrderCombination;
            }

            if (ice <= 0)
            {
                return EngineErrors.InvalidQuantity;
            }

            if (ice >= qty)
            {
                return EngineErrors.IcebergExceedsQty;
            }

            iceberg = ice;
        }

        if (r.StrategyType is < 1_000_000)
        {
            return new EngineError(-1134, "`strategyType` was less than 1000000.");
        }

        // client order id
        var state = account.SpotState(market.Symbol);
        if (r.NewClientOrderId is { } cid)
        {
            if (!IsValidClientId(cid))
            {
                return EngineErrors.IllegalChars("newClientOrderId");
            }

            if (state.OpenByClientId.TryGetValue(cid, out var existing) && !ReferenceEquals(existing, exclude))
            {
                return EngineErrors.DuplicateOrder;
            }
        }

        // self-trade prevention
        var stp = r.SelfTradePreventionMode ?? instrument.DefaultSelfTradePreventionMode;
        if (!instrument.AllowedSelfTradePreventionModes.Contains(stp))
        {
            return EngineErrors.StpModeNotAllowed;
        }

        var filterError = CheckSpotFilters(market, account, state, r, type, qty, price, stopPrice, iceberg, exclude);
        if (filterError is not null)
        {
            return filterError;
        }

        return new SpotPlan(market, account, r, tif, qty, price, stopPrice, iceberg, stp, r.NewClientOrderId);
    }

    private EngineError? CheckSpotFilters(
        SpotMarket market,
        AccountState account,
        SpotSymbolState state,
        SpotOrderRequest r,
        SpotOrderType type,
        decimal qty,
        decimal price,
        decimal stopPrice,
        decimal iceberg,
        SpotOrder? exclude)
    {
        var f = market.Instrument.Filters;
        var marketExecution = IsMarketExecution(type);

        if (f.Price is { } pf)
        {
            foreach (var p in (ReadOnlySpan<decimal>)[price, stopPrice])
            {
                if (p == 0)
                {
                    continue;
                }

                if ((pf.MinPrice > 0 && p < pf.MinPrice) || (pf.MaxPrice > 0 && p > pf.MaxPrice) || !IsMultiple(p, pf.TickSize))
                {
                    return EngineErrors.FilterFailure("PRICE_FILTER");
                }
            }
        }

        if (price > 0 && f.PercentPriceBySide is { } ppbs)
        {
            var avg = AveragePrice(market, ppbs.AvgPriceMins);
            var (up, down) = r.Side == OrderSide.Buy ? (ppbs.BidMultiplierUp, ppbs.BidMultiplierDown) : (ppbs.AskMultiplierUp, ppbs.AskMultiplierDown);
            if (avg > 0 && (price > avg * up || price < avg * down))
            {
                return EngineErrors.FilterFailure("PERCENT_PRICE_BY_SIDE");
            }
        }

        if (price > 0 && f.PercentPrice is { } pp)
        {
            var avg = AveragePrice(market, pp.AvgPriceMins);
            if (avg > 0 && (price > avg * pp.MultiplierUp || price < avg * pp.MultiplierDown))
            {
                return EngineErrors.FilterFailure("PERCENT_PRICE");
            }
        }

        if (qty > 0)
        {
            if (f.LotSize is { } lot && !PassesLot(lot, qty))
            {
                return EngineErrors.FilterFailure("LOT_SIZE");
            }

            if (marketExecution && f.MarketLotSize is { } mlot && !PassesLot(mlot, qty))
            {
                return EngineErrors.FilterFailure("MARKET_LOT_SIZE");
            }
        }

        if (iceberg > 0)
        {
            if (f.LotSize is { } lot && !PassesLot(lot, iceberg))
            {
                return EngineErrors.FilterFailure("LOT_SIZE");
            }

            if (f.IcebergParts is { } parts && Math.Ceiling(qty / iceberg) > parts.Limit)
            {
                return EngineErrors.FilterFailure("ICEBERG_PARTS");
            }
        }

        // notional
        decimal notional;
        if (r.QuoteOrderQty is { } quoteQty)
        {
            notional = quoteQty;
        }
        else if (price > 0)
        {
            notional = price * qty;
        }
        else
        {
            var mins = f.Notional?.AvgPriceMins ?? f.MinNotional?.AvgPriceMins ?? 5;
            notional = (stopPrice > 0 ? stopPrice : AveragePrice(market, mins)) * qty;
        }

        if (f.MinNotional is { } mn && (!marketExecution || mn.ApplyToMarket) && notional < mn.MinNotional)
        {
            return EngineErrors.FilterFailure("MIN_NOTIONAL");
        }

        if (f.Notional is { } nf)
        {
            if ((!marketExecution || nf.ApplyMinToMarket) && notional < nf.MinNotional)
            {
                return EngineErrors.FilterFailure("NOTIONAL");
            }

            if ((!marketExecution || nf.ApplyMaxToMarket) && nf.MaxNotional > 0 && notional > nf.MaxNotional)
            {
                return EngineErrors.FilterFailure("NOTIONAL");
            }
        }

        if (r.TrailingDelta is { } delta)
        {
            var above = (type is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit && r.Side == OrderSide.Buy)
                || (type is SpotOrderType.TakeProfit or SpotOrderType.TakeProfitLimit && r.Side == OrderSide.Sell);
            if (delta <= 0)
            {
                return EngineErrors.FilterFailure("TRAILING_DELTA");
            }

            if (f.TrailingDelta is { } td)
            {
                var (min, max) = above ? (td.MinTrailingAboveDelta, td.MaxTrailingAboveDelta) : (td.MinTrailingBelowDelta, td.MaxTrailingBelowDelta);
                if (delta < min || delta > max)
                {
                    return EngineErrors.FilterFailure("TRAILING_DELTA");
                }
            }
        }

        var open = state.Open.Count - (exclude is not null && state.Open.ContainsKey(exclude.OrderId) ? 1 : 0);
        if (f.MaxNumOrders is { } mno && open + 1 > mno.MaxNumOrders)
        {
            return EngineErrors.FilterFailure("MAX_NUM_ORDERS");
        }

        if (IsStopType(type) && f.MaxNumAlgoOrders is { } mna)
        {
            var algos = 0;
            foreach (var o in state.Open.Values)
            {
                if (o.IsStopType && !ReferenceEquals(o, exclude))
                {
                    algos++;
                }
            }

            if (algos + 1 > mna.MaxNumAlgoOrders)
            {
                return EngineErrors.FilterFailure("MAX_NUM_ALGO_ORDERS");
            }
        }

        if (iceberg > 0 && f.MaxNumIcebergOrders is { } mni)
        {
            var icebergs = 0;
            foreach (var o in state.Open.Values)
            {
                if (o.IcebergQty > 0 && !ReferenceEquals(o, exclude))
                {
                    icebergs++;
                }
            }

            if (icebergs + 1 > mni.MaxNumIcebergOrders)
            {
                return EngineErrors.FilterFailure("MAX_NUM_ICEBERG_ORDERS");
            }
        }

        if (r.Side == OrderSide.Buy && f.MaxPosition is { } mp && qty > 0)
        {
            var b = account.Balance(market.Instrument.BaseAsset);
            var openBuys = 0m;
            foreach (var o in state.Open.Values)
            {
                if (o.Side == OrderSide.Buy && !ReferenceEquals(o, exclude))
                {
                    openBuys += o.Leaves;
                }
            }

            if (b.Free + b.Locked + openBuys + qty > mp.MaxPosition)
            {
                return EngineErrors.FilterFailure("MAX_POSITION");
            }
        }

        return null;
    }

    private static bool PassesLot(LotSizeFilter lot, decimal qty) =>
        !(lot.MinQty > 0 && qty < lot.MinQty) && !(lot.MaxQty > 0 && qty > lot.MaxQty) && IsMultiple(qty - lot.MinQty, lot.StepSize);

    private static bool StopConditionMet(SpotOrderType type, OrderSide side, decimal stopPrice, decimal last) =>
        type is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit
            ? (side == OrderSide.Buy ? last >= stopPrice : last <= stopPrice)
            : (side == OrderSide.Buy ? last <= stopPrice : last >= stopPrice);

    /// <summary>Engine-side checks (trigger, post-only, balance), then creation and execution.</summary>
    private EngineResult<SpotOrderResult> ExecuteSpotPlacement(SpotPlan plan)
    {
        var market = plan.Market;
        var account = plan.Account;
        var r = plan.Request;
        var instrument = market.Instrument;
        var last = market.LastPrice;

        if (IsStopType(r.Type) && r.TrailingDelta is null && StopConditionMet(r.Type, r.Side, plan.StopPrice, last))
        {
            return EngineErrors.WouldTriggerImmediately;
        }

        if (r.Type == SpotOrderType.LimitMaker)
        {
            var best = market.Book.Opposite(r.Side).Best;
            if (best is not null && (r.Side == OrderSide.Buy ? best.Price <= plan.Price : best.Price >= plan.Price))
            {
                return EngineErrors.WouldMatchAndTake;
            }
        }

        var qty = plan.Quantity;
        decimal lockAmount;
        string lockAsset;
        if (r.QuoteOrderQty is { } quoteQty)
        {
            if (market.Book.Opposite(r.Side).Best is null)
            {
                return EngineErrors.NoLiquidityForQuoteOrder;
            }

            qty = WalkBook(market, r.Side, null, quoteQty).Qty;
            var min = instrument.Filters.MarketLotSize?.MinQty ?? instrument.Filters.LotSize?.MinQty ?? 0m;
            if (qty <= 0 || qty < min)
            {
                return EngineErrors.FilterFailure(instrument.Filters.MarketLotSize is not null ? "MARKET_LOT_SIZE" : "LOT_SIZE");
            }
        }

        if (r.Side == OrderSide.Sell)
        {
            lockAsset = instrument.BaseAsset;
            lockAmount = qty;
        }
        else
        {
            lockAsset = instrument.QuoteAsset;
            if (IsLimitPriced(r.Type))
            {
                lockAmount = plan.Price * qty;
            }
            else if (r.Type == SpotOrderType.Market)
            {
                lockAmount = r.QuoteOrderQty ?? WalkBook(market, OrderSide.Buy, qty, null).Quote;
            }
            else
            {
                lockAmount = (plan.StopPrice > 0 ? plan.StopPrice : last) * qty;
            }
        }

        var balance = account.Balance(lockAsset);
        if (balance.Free < lockAmount)
        {
            return EngineErrors.InsufficientBalance;
        }

        _opFills.Clear();
        _opPrevented.Clear();
        var order = CreateSpotOrder(plan, qty, lockAsset, lockAmount);
        _opTaker = order;
        EmitSpotReport(order, ExecutionType.New);
        if (order.IsStopType)
        {
            ArmSpotStop(market, order);
        }
        else
        {
            ExecuteSpotOrder(market, order);
        }

        _opTaker = null;
        return new SpotOrderResult(order.ToView(), _opFills.ToArray(), _opPrevented.ToArray(), _now);
    }

    private SpotOrder CreateSpotOrder(SpotPlan plan, decimal qty, string lockAsset, decimal lockAmount)
    {
        var r = plan.Request;
        var account = plan.Account;
        var order = new SpotOrder
        {
            Market = plan.Market,
            OrderId = _nextSpotOrderId++,
            Account = account,
            ClientOrderId = plan.ClientOrderId ?? NewClientId("web_"),
            Side = r.Side,
            Type = r.Type,
            TimeInForce = plan.TimeInForce,
            Price = plan.Price,
            OrigQty = qty,
            Leaves = qty,
            Visible = qty,
            OrigQuoteOrderQty = r.QuoteOrderQty ?? 0m,
            IsQuoteOrder = r.QuoteOrderQty is not null,
            StopPrice = plan.StopPrice,
            IcebergQty = plan.IcebergQty,
            DisplayQty = plan.IcebergQty,
            Stp = plan.Stp,
            TrailingDelta = r.TrailingDelta,
            StrategyId = r.StrategyId,
            StrategyType = r.StrategyType,
            Time = _now,
            UpdateTime = _now,
            LockAsset = lockAsset,
            Locked = lockAmount,
        };
        account.Balance(lockAsset).Lock(lockAmount);
        TouchSpotAsset(account, lockAsset);
        RegisterSpotOrder(order);
        return order;
    }

    private void RegisterSpotOrder(SpotOrder order)
    {
        if (order.Account.IsInternal)
        {
            return;
        }

        var state = order.Account.SpotState(order.Market.Symbol);
        state.Open[order.OrderId] = order;
        state.OpenByClientId[order.ClientOrderId] = order;
        state.ById[order.OrderId] = order;
        state.LatestByClientId[order.ClientOrderId] = order;
        state.All.Add(order);
        if (state.All.Count > Options.HistoryLimit * 2)
        {
            var drop = state.All.Count - Options.HistoryLimit;
            for (var i = 0; i < drop; i++)
            {
                var old = state.All[i];
                if (old.IsFinal)
                {
                    state.ById.Remove(old.OrderId);
                }
            }

            state.All.RemoveRange(0, drop);
        }
    }

    private void ArmSpotStop(SpotMarket market, SpotOrder order)
    {
        order.AwaitingTrigger = true;
        order.IsWorking = false;
        order.WorkingTime = -1;
        if (order.TrailingDelta is not null && order.StopPrice == 0)
        {
            order.TrailActive = true;
            order.TrailExtreme = market.LastPrice;
            order.TrailingTime = _now;
        }

        market.Stops.Add(order);
    }

    /// <summary>Puts a working order to work: FOK check, matching, then expiry or resting.</summary>
    private void ExecuteSpotOrder(SpotMarket market, SpotOrder order)
    {
        order.IsWorking = true;
        if (order.WorkingTime < 0)
        {
            order.WorkingTime = _now;
        }

        decimal? limit = order.IsMarketExecution ? null : order.Price;
        if (order.TimeInForce == TimeInForce.Fok && !order.IsMarketExecution)
        {
            var exclude = order.Stp == SelfTradePreventionMode.None ? null : order.Account;
            if (CrossingQuantity(market, order.Side, limit, exclude) < order.Leaves)
            {
                ExpireSpotOrder(order, SpotExpiryReason.UnfilledFokOrderExpired);
                return;
            }
        }

        if (order.Type != SpotOrderType.LimitMaker)
        {
            Match(market, order, limit);
        }

        if (order.IsFinal || order.Leaves == 0)
        {
            return;
        }

        if (order.IsMarketExecution)
        {
            ExpireSpotOrder(order, SpotExpiryReason.InsufficientLiquidity);
            return;
        }

        if (order.TimeInForce == TimeInForce.Ioc)
        {
            ExpireSpotOrder(order, SpotExpiryReason.UnfilledIocQuantityExpired);
            return;
        }

        order.Visible = order.DisplayQty > 0 ? Math.Min(order.DisplayQty, order.Leaves) : order.Leaves;
        market.Book.Add(order);
        TouchMarket(market);
        if (order.Account.IsInternal)
        {
            market.MakerOrders.Add(order);
        }
    }

    private void ExpireSpotOrder(SpotOrder order, SpotExpiryReason reason)
    {
        order.Status = OrderStatus.Expired;
        order.ExpiryReason = reason;
        order.UpdateTime = _now;
        order.Leaves = 0;
        FinishSpotOrder(order);
        EmitSpotReport(order, ExecutionType.Expired);
    }

    /// <summary>Takes a final order off the book and stop list, releases its lock and drops it from the open maps.</summary>
    private void FinishSpotOrder(SpotOrder order)
    {
        var market = order.Market;
        if (order.OnBook)
        {
            market.Book.Remove(order);
            TouchMarket(market);
        }

        if (order.AwaitingTrigger)
        {
            order.AwaitingTrigger = false;
            market.Stops.Remove(order);
        }

        if (order.Locked != 0)
        {
            order.Account.Balance(order.LockAsset).Unlock(order.Locked);
            order.Locked = 0;
            TouchSpotAsset(order.Account, order.LockAsset);
        }

        if (order.Account.IsInternal)
        {
            return;
        }

        var state = order.Account.SpotState(market.Symbol);
        state.Open.Remove(order.OrderId);
        if (state.OpenByClientId.TryGetValue(order.ClientOrderId, out var o) && ReferenceEquals(o, order))
        {
            state.OpenByClientId.Remove(order.ClientOrderId);
        }
    }

    private static decimal RoundFee(decimal value, int precision) => Math.Round(value, precision, MidpointRounding.AwayFromZero);

    private void SettleSpotFill(SpotMarket market, SpotOrder taker, SpotOrder maker, decimal price, decimal qty, long tradeId)
    {
        var instrument = market.Instrument;
        var quote = Math.Round(price * qty, instrument.QuoteAssetPrecision, MidpointRounding.AwayFromZero);
        var (buyer, seller) = taker.Side == OrderSide.Buy ? (taker, maker) : (maker, taker);
        foreach (var order in (ReadOnlySpan<SpotOrder>)[taker, maker])
        {
            if (order.List is { IsDone: false } activeList)
            {
                TakeOcoLock(activeList, order);
            }
        }

        PayFromLock(buyer, instrument.QuoteAsset, quote);
        PayFromLock(seller, instrument.BaseAsset, qty);

        var buyerRate = ReferenceEquals(buyer, maker) ? buyer.Account.SpotFees.Maker : buyer.Account.SpotFees.Taker;
        var buyerFee = RoundFee(qty * buyerRate, instrument.BaseCommissionPrecision);
        buyer.Account.Balance(instrument.BaseAsset).Free += qty - buyerFee;
        AddFee(_spotFeesCollected, instrument.BaseAsset, buyerFee);
        TouchSpotAsset(buyer.Account, instrument.BaseAsset);

        var sellerRate = ReferenceEquals(seller, maker) ? seller.Account.SpotFees.Maker : seller.Account.SpotFees.Taker;
        var sellerFee = RoundFee(quote * sellerRate, instrument.QuoteCommissionPrecision);
        seller.Account.Balance(instrument.QuoteAsset).Free += quote - sellerFee;
        AddFee(_spotFeesCollected, instrument.QuoteAsset, sellerFee);
        TouchSpotAsset(seller.Account, instrument.QuoteAsset);

        foreach (var order in (ReadOnlySpan<SpotOrder>)[taker, maker])
        {
            var isMaker = ReferenceEquals(order, maker);
            var isBuyer = ReferenceEquals(order, buyer);
            var fee = isBuyer ? buyerFee : sellerFee;
            var feeAsset = isBuyer ? instrument.BaseAsset : instrument.QuoteAsset;
            order.ExecutedQty += qty;
            order.CumQuote += quote;
            order.UpdateTime = _now;
            order.Status = order.Leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
            if (!order.Account.IsInternal)
            {
                var trades = order.Account.SpotState(market.Symbol).Trades;
                trades.Add(new SpotTradeView(market.Symbol, tradeId, order.OrderId, order.OrderListId, price, qty, quote, fee, feeAsset, _now, isBuyer, isMaker, true));
                if (trades.Count > Options.HistoryLimit * 2)
                {
                    trades.RemoveRange(0, trades.Count - Options.HistoryLimit);
                }
            }

            if (ReferenceEquals(order, _opTaker))
            {
                _opFills.Add(new SpotFill(price, qty, fee, feeAsset, tradeId));
            }

            EmitSpotReport(order, ExecutionType.Trade, lastQty: qty, lastPrice: price, lastQuote: quote, commission: fee, commissionAsset: feeAsset, tradeId: tradeId, isMaker: isMaker);
        }

        foreach (var order in (ReadOnlySpan<SpotOrder>)[taker, maker])
        {
            if (order.List is { IsDone: false } list)
            {
                OcoLegActivated(list, order);
            }

            if (order.Leaves == 0)
            {
                FinishSpotOrder(order);
            }
        }
    }

    private void PayFromLock(SpotOrder order, string asset, decimal amount)
    {
        var balance = order.Account.Balance(asset);
        var fromLock = order.LockAsset == asset ? Math.Min(order.Locked, amount) : 0m;
        order.Locked -= fromLock;
        balance.Locked -= fromLock;
        balance.Free -= amount - fromLock;
        TouchSpotAsset(order.Account, asset);
    }

    private void OnSpotPrevented(SpotMarket market, SpotOrder taker, SpotOrder maker, decimal price, long id, decimal takerPrevented, decimal makerPrevented)
    {
        if (ReferenceEquals(taker, _opTaker))
        {
            _opPrevented.Add(new SpotPreventedMatch(id, maker.OrderId, price, takerPrevented > 0 ? takerPrevented : null, makerPrevented > 0 ? makerPrevented : null));
        }

        if (makerPrevented > 0)
        {
            maker.UpdateTime = _now;
            if (maker.Leaves == 0)
            {
                maker.Status = OrderStatus.ExpiredInMatch;
                FinishSpotOrder(maker);
            }
            else if (maker.Side == OrderSide.Sell)
            {
                ReleaseLock(maker, makerPrevented);
            }
            else
            {
                ReleaseLock(maker, makerPrevented * maker.Price);
            }

            EmitSpotReport(maker, ExecutionType.TradePrevention, lastPrevented: makerPrevented, counterOrderId: taker.OrderId);
        }

        if (takerPrevented > 0)
        {
            taker.UpdateTime = _now;
            if (taker.Leaves == 0)
            {
                taker.Status = OrderStatus.ExpiredInMatch;
                FinishSpotOrder(taker);
            }

            EmitSpotReport(taker, ExecutionType.TradePrevention, lastPrevented: takerPrevented, counterOrderId: maker.OrderId);
        }

        TouchMarket(market);
    }

    private void ReleaseLock(SpotOrder order, decimal amount)
    {
        amount = Math.Min(amount, order.Locked);
        if (amount <= 0)
        {
            return;
        }

        order.Account.Balance(order.LockAsset).Unlock(amount);
        order.Locked -= amount;
        TouchSpotAsset(order.Account, order.LockAsset);
    }

    private void EmitSpotReport(
        SpotOrder o,
        ExecutionType x,
        string? clientOrderId = null,
        string origClientOrderId = "",
        decimal lastQty = 0m,
        decimal lastPrice = 0m,
        decimal lastQuote = 0m,
        decimal commission = 0m,
        string? commissionAsset = null,
        long tradeId = -1,
        bool isMaker = false,
        decimal? lastPrevented = null,
        long? counterOrderId = null)
    {
        if (o.Account.IsInternal)
        {
            return;
        }

        Emit(new SpotExecutionReport
        {
            AccountId = o.Account.Id,
            Symbol = o.Market.Symbol,
            ClientOrderId = clientOrderId ?? o.ClientOrderId,
            Side = o.Side,
            OrderType = o.Type,
            TimeInForce = o.TimeInForce,
            Quantity = o.OrigQty,
            Price = o.Price,
            StopPrice = o.StopPrice,
            IcebergQty = o.IcebergQty,
            OrderListId = o.OrderListId,
            OrigClientOrderId = origClientOrderId,
            ExecutionType = x,
            OrderStatus = o.Status,
            RejectReason = OrderRejectReason.None,
            OrderId = o.OrderId,
            LastExecutedQty = lastQty,
            CumulativeFilledQty = o.ExecutedQty,
            LastExecutedPrice = lastPrice,
            Commission = commission,
            CommissionAsset = commissionAsset,
            TransactionTime = _now,
            TradeId = tradeId,
            ExecutionId = _nextExecutionId++,
            IsWorking = o.IsWorking,
            IsMaker = isMaker,
            OrderCreationTime = o.Time,
            CumulativeQuoteQty = o.CumQuote,
            LastQuoteQty = lastQuote,
            QuoteOrderQty = o.OrigQuoteOrderQty,
            WorkingTime = o.IsWorking ? o.WorkingTime : null,
            SelfTradePreventionMode = o.Stp,
            TrailingDelta = o.TrailingDelta,
            TrailingTime = o.TrailingTime,
            StrategyId = o.StrategyId,
            StrategyType = o.StrategyType,
            PreventedMatchId = o.PreventedMatchId,
            PreventedQuantity = o.PreventedMatchId is null ? null : o.PreventedQty,
            LastPreventedQuantity = lastPrevented,
            CounterOrderId = counterOrderId,
            CounterSymbol = counterOrderId is null ? null : o.Market.Symbol,
            ExpiryReason = o.ExpiryReason,
        });
    }

    // ------------------------------------------------------------------ stops

    private bool ProcessSpotTriggers(SpotMarket market)
    {
        if (market.PendingTradePrices.Count == 0)
        {
            return false;
        }

        var prices = market.PendingTradePrices.ToArray();
        market.PendingTradePrices.Clear();
        if (market.Stops.Count == 0)
        {
            return false;
        }

        List<SpotOrder>? triggered = null;
        foreach (var price in prices)
        {
            foreach (var stop in market.Stops)
            {
                if (triggered is not null && triggered.Contains(stop))
                {
                    continue;
                }

                if (EvaluateSpotStop(stop, price))
                {
                    (triggered ??= []).Add(stop);
                }
            }
        }

        if (triggered is null)
        {
            return false;
        }

        foreach (var order in triggered)
        {
            if (order.AwaitingTrigger && !order.IsFinal)
            {
                TriggerSpotStop(market, order);
            }
        }

        return true;
    }

    private bool EvaluateSpotStop(SpotOrder o, decimal price)
    {
        if (o.TrailingDelta is not { } delta)
        {
            return StopConditionMet(o.Type, o.Side, o.StopPrice, price);
        }

        if (!o.TrailActive)
        {
            if (o.StopPrice > 0 && StopConditionMet(o.Type, o.Side, o.StopPrice, price))
            {
                o.TrailActive = true;
                o.TrailExtreme = price;
                o.TrailingTime = _now;
            }

            return false;
        }

        var rate = delta / 10_000m;
        if (o.Side == OrderSide.Sell)
        {
            o.TrailExtreme = Math.Max(o.TrailExtreme, price);
            return price <= o.TrailExtreme * (1 - rate);
        }

        o.TrailExtreme = Math.Min(o.TrailExtreme, price);
        return price >= o.TrailExtreme * (1 + rate);
    }

    private void TriggerSpotStop(SpotMarket market, SpotOrder order)
    {
        order.AwaitingTrigger = false;
        market.Stops.Remove(order);
        if (order.List is { IsDone: false } list)
        {
            OcoLegActivated(list, order);
        }

        order.IsWorking = true;
        order.WorkingTime = _now;
        order.UpdateTime = _now;
        EmitSpotReport(order, ExecutionType.New);
        ExecuteSpotOrder(market, order);
    }

    // ------------------------------------------------------------------ cancel

    private EngineResult<SpotOrder> FindSpotOrderForCancel(AccountState account, SpotMarket market, long? orderId, string? origClientOrderId)
    {
        if (orderId is null && string.IsNullOrEmpty(origClientOrderId))
        {
            return EngineErrors.EitherParameter("origClientOrderId", "orderId");
        }

        var state = account.SpotState(market.Symbol);
        var order = FindByIdOrClientId(orderId, origClientOrderId, state.ById, state.OpenByClientId, state.LatestByClientId);
        if (orderId is not null && order is not null && !string.IsNullOrEmpty(origClientOrderId) && order.ClientOrderId != origClientOrderId)
        {
            // Both ids sent: they must name the same order.
            order = null;
        }

        if (order is null || order.IsFinal)
        {
            return EngineErrors.UnknownOrderSent;
        }

        return order;
    }

    private EngineResult<SpotCancelResult> CancelSpotOrderCore(string accountId, SpotCancelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryFind(accountId, FindSpot(request.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (request.NewClientOrderId is { } cancelId && !IsValidClientId(cancelId))
        {
            return EngineErrors.IllegalChars("newClientOrderId");
        }

        var found = FindSpotOrderForCancel(account, market, request.OrderId, request.OrigClientOrderId);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return CancelSpotOrderFound(found.Value, request.NewClientOrderId, request.CancelRestrictions);
    }

    private EngineResult<SpotCancelResult> CancelSpotOrderFound(SpotOrder order, string? cancelClientId, CancelRestrictions? restrictions)
    {
        if ((restrictions == CancelRestrictions.OnlyNew && order.Status != OrderStatus.New)
            || (restrictions == CancelRestrictions.OnlyPartiallyFilled && order.Status != OrderStatus.PartiallyFilled))
        {
            return EngineErrors.CancelRestrictionsNotMet;
        }

        var cancelId = cancelClientId ?? NewClientId("web_");
        if (order.List is { IsDone: false } list)
        {
            CancelSpotList(list, cancelId);
            return new SpotCancelResult(order.ToView(), cancelId, _now, list.ToResult());
        }

        CancelSpotOrderInternal(order, cancelId);
        return new SpotCancelResult(order.ToView(), cancelId, _now, null);
    }

    private void CancelSpotOrderInternal(SpotOrder order, string cancelClientId)
    {
        order.Status = OrderStatus.Canceled;
        order.UpdateTime = _now;
        order.Leaves = 0;
        FinishSpotOrder(order);
        EmitSpotReport(order, ExecutionType.Canceled, clientOrderId: cancelClientId, origClientOrderId: order.ClientOrderId);
    }

    private EngineResult<SpotCancelAllResult> CancelAllSpotOrdersCore(string accountId, string symbol)
    {
        if (!TryFind(accountId, FindSpot(symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        var state = account.SpotState(symbol);
        if (state.Open.Count == 0)
        {
            return EngineErrors.UnknownOrderSent;
        }

        var orders = new List<SpotCancelResult>();
        var lists = new List<SpotOrderListResult>();
        foreach (var order in state.Open.Values.ToArray())
        {
            if (order.IsFinal)
            {
                continue;
            }

            var cancelId = NewClientId("web_");
            if (order.List is { IsDone: false } list)
            {
                CancelSpotList(list, cancelId);
                lists.Add(list.ToResult());
                continue;
            }

            CancelSpotOrderInternal(order, cancelId);
            orders.Add(new SpotCancelResult(order.ToView(), cancelId, _now, null));
        }

        return new SpotCancelAllResult(orders, lists);
    }

    // ------------------------------------------------------------------ cancel-replace and amend

    private EngineResult<SpotCancelReplaceResult> CancelReplaceSpotOrderCore(string accountId, SpotCancelReplaceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryFind(accountId, FindSpot(request.NewOrder.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (!market.Instrument.CancelReplaceAllowed)
        {
            return EngineErrors.CancelReplaceNotSupported;
        }

        if (request.CancelOrderId is null && string.IsNullOrEmpty(request.CancelOrigClientOrderId))
        {
            return EngineErrors.EitherParameter("cancelOrigClientOrderId", "cancelOrderId");
        }

        if (request.CancelNewClientOrderId is { } cid && !IsValidClientId(cid))
        {
            return EngineErrors.IllegalChars("cancelNewClientOrderId");
        }

        var target = FindSpotOrderForCancel(account, market, request.CancelOrderId, request.CancelOrigClientOrderId);
        var plan = ValidateSpotOrder(account, request.NewOrder, target.IsSuccess ? target.Value : null);
        if (!plan.IsSuccess)
        {
            return plan.Error;
        }

        SpotCancelResult? cancelResponse = null;
        EngineError? cancelError;
        if (target.IsSuccess)
        {
            var cancelled = CancelSpotOrderFound(target.Value, request.CancelNewClientOrderId, request.CancelRestrictions);
            cancelError = cancelled.Error;
            if (cancelled.IsSuccess)
            {
                cancelResponse = cancelled.Value;
            }
        }
        else
        {
            cancelError = target.Error;
        }

        if (cancelError is not null && request.Mode == CancelReplaceMode.StopOnFailure)
        {
            return new SpotCancelReplaceResult
            {
                CancelResult = CancelReplaceLegResult.Failure,
                NewOrderResult = CancelReplaceLegResult.NotAttempted,
                CancelError = cancelError,
                Error = EngineErrors.CancelReplaceFailed,
            };
        }

        var placed = ExecuteSpotPlacement(plan.Value);
        var cancelOk = cancelError is null;
        EngineError? error = (cancelOk, placed.IsSuccess) switch
        {
            (true, true) => null,
            (false, false) => EngineErrors.CancelReplaceFailed,
            _ => EngineErrors.CancelReplacePartiallyFailed,
        };

        return new SpotCancelReplaceResult
        {
            CancelResult = cancelOk ? CancelReplaceLegResult.Success : CancelReplaceLegResult.Failure,
            NewOrderResult = placed.IsSuccess ? CancelReplaceLegResult.Success : CancelReplaceLegResult.Failure,
            CancelResponse = cancelResponse,
            CancelError = cancelError,
            NewOrderResponse = placed.IsSuccess ? placed.Value : null,
            NewOrderError = placed.Error,
            Error = error,
        };
    }

    private EngineResult<SpotOrderView> AmendSpotOrderCore(string accountId, SpotAmendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryFind(accountId, FindSpot(request.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (!market.Instrument.AmendAllowed)
        {
            return EngineErrors.AmendNotSupported;
        }

        if (request.NewClientOrderId is { } cid && !IsValidClientId(cid))
        {
            return EngineErrors.IllegalChars("newClientOrderId");
        }

        var found = FindSpotOrderForCancel(account, market, request.OrderId, request.OrigClientOrderId);
        if (!found.IsSuccess)
        {
            return found.Error == EngineErrors.UnknownOrderSent ? EngineErrors.OrderDoesNotExist : found.Error;
        }

        var order = found.Value;
        var newQty = request.NewQty;
        if (newQty <= 0 || newQty <= order.ExecutedQty + order.PreventedQty)
        {
            return EngineErrors.InvalidQuantity;
        }

        if (newQty >= order.OrigQty)
        {
            return EngineErrors.AmendQuantityNotDecreased;
        }

        if (market.Instrument.Filters.LotSize is { } lot && !PassesLot(lot, newQty))
        {
            return EngineErrors.FilterFailure("LOT_SIZE");
        }

        var state = account.SpotState(market.Symbol);
        var newClientId = request.NewClientOrderId ?? NewClientId("web_");
        if (state.OpenByClientId.TryGetValue(newClientId, out var other) && !ReferenceEquals(other, order))
        {
            return EngineErrors.DuplicateOrder;
        }

        var delta = order.OrigQty - newQty;
        order.OrigQty = newQty;
        order.Leaves -= delta;
        if (order.OnBook)
        {
            market.Book.SetVisibleInPlace(order, order.DisplayQty > 0 ? Math.Min(order.Visible, order.Leaves) : order.Leaves);
            TouchMarket(market);
        }

        if (order.Side == OrderSide.Sell)
        {
            ReleaseLock(order, delta);
        }
        else if (IsLimitPriced(order.Type))
        {
            ReleaseLock(order, delta * order.Price);
        }

        var origClientId = order.ClientOrderId;
        state.OpenByClientId.Remove(origClientId);
        order.ClientOrderId = newClientId;
        state.OpenByClientId[newClientId] = order;
        state.LatestByClientId[newClientId] = order;
        order.UpdateTime = _now;
        EmitSpotReport(order, ExecutionType.Replaced, origClientOrderId: origClientId);
        return order.ToView();
    }
}
