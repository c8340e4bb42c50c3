using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// The matching loop shared by spot and USDⓈ-M: price-time priority, iceberg refresh, self-trade prevention.
// Settlement (balances or positions) and order events are market specific.
public sealed partial class SimExchange
{
    /// <summary>Matches <paramref name="taker"/> against the opposite side up to <paramref name="limit"/> (null = market).</summary>
    private void Match(MarketState market, BookOrder taker, decimal? limit)
    {
        var book = market.Book;
        var opposite = book.Opposite(taker.Side);
        while (taker.Leaves > 0)
        {
            var level = opposite.Best;
            if (level is null)
            {
                break;
            }

            if (limit is { } px && (taker.Side == OrderSide.Buy ? level.Price > px : level.Price < px))
            {
                break;
            }

            var maker = level.Head!;
            var price = level.Price;
            if (taker.Stp != SelfTradePreventionMode.None && ReferenceEquals(maker.Account, taker.Account))
            {
                if (!PreventSelfTrade(market, taker, maker, price))
                {
                    break;
                }

                continue;
            }

            var qty = Math.Min(taker.Leaves, maker.Visible);
            var makerCap = MakerCap(market, maker, qty);
            if (makerCap <= 0)
            {
                KnockOutMaker(market, maker);
                continue;
            }

            qty = TakerCap(market, taker, price, Math.Min(qty, makerCap));
            if (qty <= 0)
            {
                break;
            }

            book.ReduceVisible(maker, qty);
            maker.Leaves -= qty;
            taker.Leaves -= qty;
            var tradeId = market.NextTradeId++;
            RecordPublicTrade(market, taker, price, qty, tradeId);
            if (market is SpotMarket spot)
            {
                SettleSpotFill(spot, (SpotOrder)taker, (SpotOrder)maker, price, qty, tradeId);
            }
            else
            {
                SettleFuturesFill((FuturesMarket)market, (FuturesOrder)taker, (FuturesOrder)maker, price, qty, tradeId);
            }

            if (maker.Leaves == 0)
            {
                if (maker.OnBook)
                {
                    book.Remove(maker);
                }
            }
            else if (maker.Visible == 0 && maker.OnBook)
            {
                book.Refresh(maker, Math.Min(maker.DisplayQty > 0 ? maker.DisplayQty : maker.Leaves, maker.Leaves));
            }
        }

        CloseAgg(market);
        TouchMarket(market);
    }

    /// <summary>Quantity resting within <paramref name="limit"/> on the side opposite to <paramref name="side"/> (hidden iceberg quantity included).</summary>
    private static decimal CrossingQuantity(MarketState market, OrderSide side, decimal? limit, AccountState? excludeAccount)
    {
        var opposite = market.Book.Opposite(side);
        var total = 0m;
        for (var i = 0; i < opposite.LevelCount; i++)
        {
            var level = opposite.LevelFromBest(i);
            if (limit is { } px && (side == OrderSide.Buy ? level.Price > px : level.Price < px))
            {
                break;
            }

            for (var o = level.Head; o is not null; o = o.Next)
            {
                if (excludeAccount is null || !ReferenceEquals(o.Account, excludeAccount))
                {
                    total += o.Leaves;
                }
            }
        }

        return total;
    }

    /// <summary>Walks the book: the quantity and cost of taking up to <paramref name="qty"/> (or spending <paramref name="quote"/>).</summary>
    private static (decimal Qty, decimal Quote) WalkBook(MarketState market, OrderSide side, decimal? qty, decimal? quote)
    {
        var opposite = market.Book.Opposite(side);
        decimal filled = 0m, cost = 0m;
        for (var i = 0; i < opposite.LevelCount; i++)
        {
            var level = opposite.LevelFromBest(i);
            var available = 0m;
            for (var o = level.Head; o is not null; o = o.Next)
            {
                available += o.Leaves;
            }

            var take = available;
            if (qty is { } q)
            {
                take = Math.Min(take, q - filled);
            }

            if (quote is { } budget)
            {
                take = Math.Min(take, market.FloorToStep((budget - cost) / level.Price));
            }

            if (take <= 0)
            {
                break;
            }

            filled += take;
            cost += take * level.Price;
            if (take < available)
            {
                break;
            }
        }

        return (filled, cost);
    }

    private bool PreventSelfTrade(MarketState market, BookOrder taker, BookOrder maker, decimal price)
    {
        var id = market.NextPreventedMatchId++;
        decimal takerPrevented = 0m, makerPrevented = 0m;
        switch (taker.Stp)
        {
            case SelfTradePreventionMode.ExpireTaker:
                takerPrevented = taker.Leaves;
                break;
            case SelfTradePreventionMode.ExpireMaker:
                makerPrevented = maker.Leaves;
                break;
            case SelfTradePreventionMode.ExpireBoth:
                takerPrevented = taker.Leaves;
                makerPrevented = maker.Leaves;
                break;
            default: // Decrement
                takerPrevented = makerPrevented = Math.Min(taker.Leaves, maker.Leaves);
                break;
        }

        if (makerPrevented > 0)
        {
            maker.PreventedQty += makerPrevented;
            maker.PreventedMatchId = id;
            maker.Leaves -= makerPrevented;
            if (maker.Leaves == 0)
            {
                market.Book.Remove(maker);
            }
            else
            {
                var hide = Math.Min(makerPrevented, maker.Visible);
                market.Book.ReduceVisible(maker, hide);
                if (maker.Visible == 0)
                {
                    market.Book.Refresh(maker, Math.Min(maker.DisplayQty > 0 ? maker.DisplayQty : maker.Leaves, maker.Leaves));
                }
            }
        }

        if (takerPrevented > 0)
        {
            taker.PreventedQty += takerPrevented;
            taker.PreventedMatchId = id;
            taker.Leaves -= takerPrevented;
        }

        if (market is SpotMarket spot)
        {
            OnSpotPrevented(spot, (SpotOrder)taker, (SpotOrder)maker, price, id, takerPrevented, makerPrevented);
        }
        else
        {
            OnFuturesPrevented((FuturesMarket)market, (FuturesOrder)taker, (FuturesOrder)maker, takerPrevented, makerPrevented);
        }

        TouchMarket(market);
        return taker.Leaves > 0;
    }

    private decimal MakerCap(MarketState market, BookOrder maker, decimal qty) =>
        market is FuturesMarket fm ? FuturesReduceCap(fm, (FuturesOrder)maker, qty) : qty;

    private void KnockOutMaker(MarketState market, BookOrder maker)
    {
        market.Book.Remove(maker);
        if (maker is FuturesOrder fo)
        {
            ExpireFuturesOrder(fo, FuturesExpiryReason.ReduceOnlyKnockedOut);
        }
    }

    private decimal TakerCap(MarketState market, BookOrder taker, decimal price, decimal qty)
    {
        if (taker.Account.IsInternal)
        {
            return qty;
        }

        if (market is FuturesMarket fm)
        {
            return FuturesReduceCap(fm, (FuturesOrder)taker, qty);
        }

        var order = (SpotOrder)taker;
        var instrument = ((SpotMarket)market).Instrument;
        if (order.Side == OrderSide.Buy)
        {
            var available = order.Locked + order.Account.Balance(instrument.QuoteAsset).Free;
            if (available >= qty * price)
            {
                return qty;
            }

            return market.FloorToStep(available / price);
        }

        var baseAvailable = order.Locked + order.Account.Balance(instrument.BaseAsset).Free;
        return Math.Min(qty, market.FloorToStep(baseAvailable));
    }

    private void RecordPublicTrade(MarketState market, BookOrder taker, decimal price, decimal qty, long tradeId)
    {
        var isBuyerMaker = taker.Side == OrderSide.Sell;
        market.Trades.Add(new PublicTrade(tradeId, price, qty, price * qty, _now, isBuyerMaker, true));
        market.LastPrice = price;
        market.PendingTradePrices.Add(price);
        Emit(new TradeEvent
        {
            Market = market.Kind,
            Symbol = market.Symbol,
            TradeId = tradeId,
            Price = price,
            Quantity = qty,
            TradeTime = _now,
            IsBuyerMaker = isBuyerMaker,
        });

        var agg = market.Agg;
        if (agg.Active && agg.TakerOrderId == taker.OrderId && agg.Price == price && agg.IsBuyerMaker == isBuyerMaker)
        {
            agg.Qty += qty;
            agg.LastTradeId = tradeId;
            return;
        }

        CloseAgg(market);
        agg.Active = true;
        agg.TakerOrderId = taker.OrderId;
        agg.Price = price;
        agg.Qty = qty;
        agg.FirstTradeId = tradeId;
        agg.LastTradeId = tradeId;
        agg.Time = _now;
        agg.IsBuyerMaker = isBuyerMaker;
    }

    private void CloseAgg(MarketState market)
    {
        var agg = market.Agg;
        if (!agg.Active)
        {
            return;
        }

        agg.Active = false;
        var id = market.NextAggId++;
        market.AggTrades.Add(new AggregateTrade(id, agg.Price, agg.Qty, agg.FirstTradeId, agg.LastTradeId, agg.Time, agg.IsBuyerMaker));
        Emit(new AggTradeEvent
        {
            Market = market.Kind,
            Symbol = market.Symbol,
            AggTradeId = id,
            Price = agg.Price,
            Quantity = agg.Qty,
            FirstTradeId = agg.FirstTradeId,
            LastTradeId = agg.LastTradeId,
            TradeTime = agg.Time,
            IsBuyerMaker = agg.IsBuyerMaker,
        });
    }

    /// <summary>Runs stop / conditional triggers until nothing more fires.</summary>
    private void SettleTriggers()
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            var progressed = false;
            for (var i = 0; i < _touchedMarkets.Count; i++)
            {
                var market = _touchedMarkets[i];
                if (market is SpotMarket spot)
                {
                    progressed |= ProcessSpotTriggers(spot);
                }
                else
                {
                    progressed |= ProcessFuturesTriggers((FuturesMarket)market);
                }
            }

            if (!progressed)
            {
                return;
            }
        }

        throw new InvalidOperationException("trigger processing did not settle");
    }
}
