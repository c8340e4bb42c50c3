using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// The liquidity process (seeded market maker + outside flow), the clock, market controls and market data.
public sealed partial class SimExchange
{
    private const int MaxCatchUpSteps = 1000;

    // ------------------------------------------------------------------ internal participants

    private void PlaceInternal(MarketState market, AccountState account, OrderSide side, decimal price, decimal qty, bool ioc)
    {
        if (market is SpotMarket spot)
        {
            var instrument = spot.Instrument;
            var lockAsset = side == OrderSide.Buy ? instrument.QuoteAsset : instrument.BaseAsset;
            var lockAmount = side == OrderSide.Buy ? price * qty : qty;
            var order = new SpotOrder
            {
                Market = spot,
                OrderId = _nextSpotOrderId++,
                Account = account,
                ClientOrderId = account.Id,
                Side = side,
                Type = SpotOrderType.Limit,
                TimeInForce = ioc ? TimeInForce.Ioc : TimeInForce.Gtc,
                Price = price,
                OrigQty = qty,
                Leaves = qty,
                Visible = qty,
                Stp = SelfTradePreventionMode.None,
                Time = _now,
                UpdateTime = _now,
                LockAsset = lockAsset,
                Locked = lockAmount,
            };
            account.Balance(lockAsset).Lock(lockAmount);
            ExecuteSpotOrder(spot, order);
            return;
        }

        var futures = (FuturesMarket)market;
        var fo = new FuturesOrder
        {
            Market = futures,
            OrderId = _nextFuturesOrderId++,
            Account = account,
            ClientOrderId = account.Id,
            Side = side,
            Type = FuturesOrderType.Limit,
            OrigType = FuturesOrderType.Limit,
            TimeInForce = ioc ? TimeInForce.Ioc : TimeInForce.Gtc,
            PositionSide = PositionSide.Both,
            Price = price,
            OrigQty = qty,
            Leaves = qty,
            Visible = qty,
            Stp = SelfTradePreventionMode.None,
            Time = _now,
            UpdateTime = _now,
        };
        ExecuteFuturesOrder(futures, fo);
    }

    private void CancelInternalOrders(MarketState market)
    {
        foreach (var order in market.MakerOrders)
        {
            if (!order.OnBook)
            {
                continue;
            }

            if (order is SpotOrder so && !so.IsFinal)
            {
                so.Status = OrderStatus.Canceled;
                so.Leaves = 0;
                FinishSpotOrder(so);
            }
            else if (order is FuturesOrder fo && !fo.IsFinal)
            {
                fo.Status = OrderStatus.Canceled;
                fo.Leaves = 0;
                FinishFuturesOrder(fo);
            }
        }

        market.MakerOrders.Clear();
        TouchMarket(market);
    }

    private decimal MinInternalQty(MarketState market) => Math.Max(market.MinQty, market.StepSize);

    /// <summary>Places the maker's ladder around the mid.</summary>
    private void Requote(MarketState market)
    {
        var options = market.Liquidity;
        var tick = market.TickSize;
        var mid = market.RoundToTick(market.Mid);
        var minQty = MinInternalQty(market);
        for (var i = 0; i < options.Levels; i++)
        {
            var offset = (Math.Max(1, options.HalfSpreadTicks) + (i * Math.Max(1, options.LevelSpacingTicks))) * tick;
            foreach (var side in (ReadOnlySpan<OrderSide>)[OrderSide.Buy, OrderSide.Sell])
            {
                var jitter = (decimal)(0.5 + market.Rng.NextDouble());
                var qty = Math.Max(minQty, market.FloorToStep(options.QuantityPerLevel * jitter));
                var price = side == OrderSide.Buy ? mid - offset : mid + offset;
                if (price <= 0)
                {
                    continue;
                }

                PlaceInternal(market, _maker, side, price, qty, ioc: false);
            }
        }
    }

    /// <summary>Moves the market to <paramref name="target"/>: trade through resting orders beyond it, print, re-quote.</summary>
    private void MoveMarket(MarketState market, decimal target, bool print, bool requote)
    {
        CancelInternalOrders(market);
        var tick = market.TickSize;

        var askQty = CrossingQuantity(market, OrderSide.Buy, target - tick, null);
        if (askQty > 0)
        {
            PlaceInternal(market, _flow, OrderSide.Buy, target - tick, askQty, ioc: true);
        }

        var bidQty = CrossingQuantity(market, OrderSide.Sell, target + tick, null);
        if (bidQty > 0)
        {
            PlaceInternal(market, _flow, OrderSide.Sell, target + tick, bidQty, ioc: true);
        }

        if (print)
        {
            var qty = MinInternalQty(market);
            var aggressor = target >= market.LastPrice ? OrderSide.Buy : OrderSide.Sell;
            var passive = aggressor == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
            PlaceInternal(market, _flow, passive, target, qty, ioc: false);
            PlaceInternal(market, _flow, aggressor, target, qty, ioc: true);
            CancelInternalOrders(market);
        }

        market.Mid = target;
        if (requote && market.LiquidityEnabled)
        {
            Requote(market);
        }

        TouchMarket(market);
    }

    private decimal RandomWalk(MarketState market)
    {
        var u1 = 1.0 - market.Rng.NextDouble();
        var u2 = market.Rng.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        var change = (decimal)((double)market.VolatilityBps / 10_000.0 * z);
        var next = market.RoundToTick(market.Mid * (1 + change));
        return Math.Max(market.TickSize, next);
    }

    private void StepMarket(MarketState market)
    {
        if (!market.LiquidityEnabled)
        {
            return;
        }

        var walk = !market.Held && market.VolatilityBps > 0;
        var target = walk ? RandomWalk(market) : market.RoundToTick(market.Mid);
        MoveMarket(market, target, print: walk && market.Liquidity.PrintTradeOnStep, requote: true);
    }

    private void StepAllCore()
    {
        foreach (var market in AllMarkets())
        {
            StepMarket(market);
        }
    }

    private EngineResult StepCore(MarketKind kind, string symbol)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        StepMarket(market);
        return EngineResult.Ok;
    }

    // ------------------------------------------------------------------ clock

    private void TickCore()
    {
        foreach (var market in AllMarkets())
        {
            var interval = Math.Max(1, (long)market.Liquidity.StepInterval.TotalMilliseconds);
            if (!market.LiquidityEnabled)
            {
                market.NextStepTime = _now + interval;
                continue;
            }

            var steps = 0;
            while (market.NextStepTime <= _now && steps < MaxCatchUpSteps)
            {
                StepMarket(market);
                market.NextStepTime += interval;
                steps++;
            }

            if (market.NextStepTime <= _now)
            {
                market.NextStepTime = _now + interval;
            }
        }

        var fundingInterval = Math.Max(1, (long)Options.FundingInterval.TotalMilliseconds);
        foreach (var market in _futuresList)
        {
            if (_now >= market.NextMarkTime)
            {
                EmitMarkPrice(market);
                market.NextMarkTime = _now + 1000;
            }

            while (_now >= market.NextFundingTime)
            {
                SettleFundingInternal(market);
                market.NextFundingTime += fundingInterval;
            }
        }

        foreach (var account in _accountList)
        {
            if (account.IsInternal)
            {
                continue;
            }

            foreach (var (symbol, state) in account.Futures)
            {
                var market = _futures[symbol];
                if (state.CountdownDeadline is { } deadline && deadline <= _now)
                {
                    state.CountdownDeadline = null;
                    CancelAllFuturesOrdersInternal(account, market);
                    foreach (var algo in state.OpenAlgos.Values.ToArray())
                    {
                        CancelAlgoInternal(algo, AlgoStatus.Canceled, "");
                    }
                }

                foreach (var order in state.Open.Values.ToArray())
                {
                    if (order.TimeInForce == TimeInForce.Gtd && order.GoodTillDate > 0 && order.GoodTillDate <= _now && !order.IsFinal)
                    {
                        ExpireFuturesOrder(order, FuturesExpiryReason.None);
                    }
                }

                foreach (var algo in state.OpenAlgos.Values.ToArray())
                {
                    if (algo.GoodTillDate > 0 && algo.GoodTillDate <= _now)
                    {
                        CancelAlgoInternal(algo, AlgoStatus.Expired, "GTD expired");
                    }
                }
            }
        }
    }

    private void EmitMarkPrice(FuturesMarket market)
    {
        var mark = market.MarkPrice;
        market.LastPublishedMark = mark;
        Emit(new MarkPriceEvent
        {
            Market = MarketKind.UsdM,
            Symbol = market.Symbol,
            MarkPrice = mark,
            IndexPrice = mark,
            EstimatedSettlePrice = mark,
            FundingRate = market.FundingRate,
            NextFundingTime = market.NextFundingTime,
        });
        TouchMarket(market);
    }

    private void SettleFundingInternal(FuturesMarket market)
    {
        var mark = market.MarkPrice;
        var rate = market.FundingRate;
        var asset = market.Instrument.MarginAsset;
        foreach (var account in _accountList)
        {
            if (!account.Futures.TryGetValue(market.Symbol, out var state))
            {
                continue;
            }

            foreach (var position in state.Positions)
            {
                if (position.Amount == 0)
                {
                    continue;
                }

                var fee = Math.Round(-position.Amount * mark * rate, 8, MidpointRounding.AwayFromZero);
                if (fee == 0)
                {
                    continue;
                }

                account.FuturesWallet[asset] = account.Wallet(asset) + fee;
                if (state.MarginType == MarginType.Isolated)
                {
                    position.IsolatedWallet += fee;
                    account.TouchPosition(market.Symbol, position);
                }

                if (!account.IsInternal)
                {
                    AddIncome(account, market.Symbol, IncomeType.FundingFee, fee, asset, "FUNDING_FEE", "");
                    EmitFuturesAccountUpdate(account, AccountUpdateReason.FundingFee, fee, asset);
                }
            }
        }

        TouchMarket(market);
    }

    // ------------------------------------------------------------------ controls

    private EngineResult SetPriceCore(MarketKind kind, string symbol, decimal price)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (price <= 0)
        {
            return EngineErrors.InvalidPrice;
        }

        MoveMarket(market, market.RoundToTick(price), print: true, requote: true);
        return EngineResult.Ok;
    }

    private EngineResult SweepBookCore(MarketKind kind, string symbol, OrderSide aggressorSide, decimal limitPrice)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (limitPrice <= 0)
        {
            return EngineErrors.InvalidPrice;
        }

        var qty = CrossingQuantity(market, aggressorSide, limitPrice, null);
        if (qty > 0)
        {
            PlaceInternal(market, _flow, aggressorSide, limitPrice, qty, ioc: true);
        }

        market.Mid = market.LastPrice;
        return EngineResult.Ok;
    }

    private EngineResult SetMarketHeldCore(MarketKind kind, string symbol, bool held)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        market.Held = held;
        return EngineResult.Ok;
    }

    private EngineResult SetLiquidityEnabledCore(MarketKind kind, string symbol, bool enabled)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (market.LiquidityEnabled == enabled)
        {
            return EngineResult.Ok;
        }

        market.LiquidityEnabled = enabled;
        if (enabled)
        {
            MoveMarket(market, market.RoundToTick(market.Mid), print: false, requote: true);
        }
        else
        {
            CancelInternalOrders(market);
        }

        return EngineResult.Ok;
    }

    private EngineResult SetVolatilityCore(MarketKind kind, string symbol, decimal volatilityBps)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (volatilityBps < 0)
        {
            return EngineErrors.InvalidParameter("volatility");
        }

        market.VolatilityBps = volatilityBps;
        return EngineResult.Ok;
    }

    private EngineResult SetMarkPriceCore(string symbol, decimal? markPrice)
    {
        var market = FindFutures(symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (markPrice is <= 0)
        {
            return EngineErrors.InvalidPrice;
        }

        market.MarkOverride = markPrice;
        EmitMarkPrice(market);
        return EngineResult.Ok;
    }

    private EngineResult SetFundingRateCore(string symbol, decimal fundingRate)
    {
        var market = FindFutures(symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        market.FundingRate = fundingRate;
        EmitMarkPrice(market);
        return EngineResult.Ok;
    }

    private EngineResult SettleFundingCore(string symbol)
    {
        var market = FindFutures(symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        SettleFundingInternal(market);
        return EngineResult.Ok;
    }

    private EngineResult SetSymbolStatusCore(MarketKind kind, string symbol, SymbolStatus status)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        market.Status = status;
        return EngineResult.Ok;
    }

    // ------------------------------------------------------------------ market data

    private EngineResult<OrderBookSnapshot> GetOrderBookCore(MarketKind kind, string symbol, int limit)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (limit <= 0)
        {
            return EngineErrors.InvalidParameter("limit");
        }

        return new OrderBookSnapshot(
            market.Book.UpdateId,
            _now,
            _now,
            market.Book.Snapshot(market.Book.Bids, limit),
            market.Book.Snapshot(market.Book.Asks, limit));
    }

    private EngineResult<IReadOnlyList<PublicTrade>> GetRecentTradesCore(MarketKind kind, string symbol, int limit)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        var n = Math.Clamp(limit, 0, market.Trades.Count);
        var result = new PublicTrade[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = market.Trades[market.Trades.Count - n + i];
        }

        return result;
    }

    private EngineResult<IReadOnlyList<AggregateTrade>> GetAggTradesCore(MarketKind kind, string symbol, long? fromId, long? startTime, long? endTime, int limit)
    {
        var market = FindMarket(kind, symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (startTime > endTime)
        {
            return EngineErrors.StartTimeAfterEndTime;
        }

        var all = market.AggTrades;
        var result = new List<AggregateTrade>();
        if (fromId is null && startTime is null && endTime is null)
        {
            var n = Math.Clamp(limit, 0, all.Count);
            for (var i = all.Count - n; i < all.Count; i++)
            {
                result.Add(all[i]);
            }

            return result;
        }

        for (var i = 0; i < all.Count && result.Count < limit; i++)
        {
            var t = all[i];
            if ((fromId is null || t.AggTradeId >= fromId) && (startTime is null || t.Time >= startTime) && (endTime is null || t.Time <= endTime))
            {
                result.Add(t);
            }
        }

        return result;
    }

    private static BookTicker TickerOf(MarketState market, long now)
    {
        var bid = market.Book.Bids.Best;
        var ask = market.Book.Asks.Best;
        return new BookTicker(market.Symbol, bid?.Price ?? 0m, bid?.Total ?? 0m, ask?.Price ?? 0m, ask?.Total ?? 0m, market.Book.UpdateId, now);
    }

    private EngineResult<BookTicker> GetBookTickerCore(MarketKind kind, string symbol)
    {
        var market = FindMarket(kind, symbol);
        return market is null ? EngineErrors.BadSymbol : TickerOf(market, _now);
    }

    private IReadOnlyList<BookTicker> GetBookTickersCore(MarketKind kind) =>
        (kind == MarketKind.Spot ? _spotList.Cast<MarketState>() : _futuresList).Select(m => TickerOf(m, _now)).ToArray();

    private EngineResult<decimal> GetLastPriceCore(MarketKind kind, string symbol)
    {
        var market = FindMarket(kind, symbol);
        return market is null ? EngineErrors.BadSymbol : market.LastPrice;
    }

    /// <summary>Volume-weighted price of the trades of the last <paramref name="mins"/> minutes; the last price when none.</summary>
    private decimal AveragePrice(MarketState market, int mins)
    {
        var from = _now - (Math.Max(1, mins) * 60_000L);
        decimal qty = 0, quote = 0;
        for (var i = market.Trades.Count - 1; i >= 0; i--)
        {
            var t = market.Trades[i];
            if (t.Time < from)
            {
                break;
            }

            qty += t.Qty;
            quote += t.QuoteQty;
        }

        return qty > 0 ? Math.Round(quote / qty, 8, MidpointRounding.AwayFromZero) : market.LastPrice;
    }

    private EngineResult<AvgPriceView> GetAvgPriceCore(string symbol)
    {
        var market = FindSpot(symbol);
        if (market is null)
        {
            return EngineErrors.BadSymbol;
        }

        var mins = market.Instrument.Filters.PercentPriceBySide?.AvgPriceMins ?? market.Instrument.Filters.Notional?.AvgPriceMins ?? 5;
        return new AvgPriceView(mins, AveragePrice(market, mins), _now);
    }

    private MarkPriceView MarkViewOf(FuturesMarket market)
    {
        var mark = market.MarkPrice;
        return new MarkPriceView(market.Symbol, mark, mark, mark, market.FundingRate, market.NextFundingTime, 0.0001m, _now);
    }

    private EngineResult<MarkPriceView> GetMarkPriceCore(string symbol)
    {
        var market = FindFutures(symbol);
        return market is null ? EngineErrors.BadSymbol : MarkViewOf(market);
    }

    private IReadOnlyList<MarkPriceView> GetMarkPricesCore() => _futuresList.Select(MarkViewOf).ToArray();

    private EngineResult<IReadOnlyList<LeverageBracket>> GetLeverageBracketsCore(string symbol)
    {
        var market = FindFutures(symbol);
        return market is null ? EngineErrors.BadSymbol : EngineResult<IReadOnlyList<LeverageBracket>>.Ok(market.Instrument.Brackets);
    }
}
