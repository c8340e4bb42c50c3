using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Spot;

namespace Oms.Simulator.Tests.Engine;

public sealed class SpotMatchingTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public SpotMatchingTests()
    {
        _x = Exchange(out _);
        Account(_x, "maker");
        Account(_x, "taker");
        _log = new EventLog(_x);
    }

    [Fact]
    public void Limit_gtc_rests_then_partial_then_full_fill_with_fees_in_the_right_assets()
    {
        var ask = Place(_x, "maker", Limit(OrderSide.Sell, 2m, 100m));
        Assert.Equal(OrderStatus.New, ask.Order.Status);
        Assert.True(ask.Order.IsWorking);
        Assert.Equal(2m, Balance(_x, "maker", "BTC").Locked);

        var first = Place(_x, "taker", Limit(OrderSide.Buy, 0.5m, 101m));
        Assert.Equal(OrderStatus.Filled, first.Order.Status);
        var fill = Assert.Single(first.Fills);
        Assert.Equal(100m, fill.Price);                        // maker's price
        Assert.Equal(0.5m, fill.Qty);
        Assert.Equal(0.0005m, fill.Commission);                // buyer pays base
        Assert.Equal("BTC", fill.CommissionAsset);
        Assert.Equal(50m, first.Order.CummulativeQuoteQty);

        var makerView = _x.GetSpotOrder("maker", Symbol, ask.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.PartiallyFilled, makerView.Status);
        Assert.Equal(0.5m, makerView.ExecutedQty);

        Place(_x, "taker", Limit(OrderSide.Buy, 1.5m, 100m));
        Assert.Equal(OrderStatus.Filled, _x.GetSpotOrder("maker", Symbol, ask.Order.OrderId, null).Value.Status);

        // maker sold 2 BTC at 100 and paid 0.1 % of 200 USDT in USDT
        Assert.Equal(new SpotBalanceView("BTC", 8m, 0m), Balance(_x, "maker", "BTC"));
        Assert.Equal(new SpotBalanceView("USDT", 100_199.8m, 0m), Balance(_x, "maker", "USDT"));
        Assert.Equal(new SpotBalanceView("BTC", 11.998m, 0m), Balance(_x, "taker", "BTC"));
        Assert.Equal(new SpotBalanceView("USDT", 99_800m, 0m), Balance(_x, "taker", "USDT"));
        var fees = _x.GetCollectedFees(MarketKind.Spot);
        Assert.Equal(0.002m, fees["BTC"]);
        Assert.Equal(0.2m, fees["USDT"]);

        var trades = _x.GetSpotTrades("maker", new TradeHistoryQuery { Symbol = Symbol }).Value;
        Assert.Equal(2, trades.Count);
        Assert.All(trades, t => Assert.True(t.IsMaker && !t.IsBuyer && t.CommissionAsset == "USDT"));
    }

    [Fact]
    public void Execution_reports_carry_trade_fields()
    {
        var ask = Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m, clientId: "ask-1"));
        _log.Clear();
        var bid = Place(_x, "taker", Limit(OrderSide.Buy, 0.4m, 100m, clientId: "bid-1"));

        var takerReports = _log.Of<SpotExecutionReport>("taker");
        Assert.Equal([ExecutionType.New, ExecutionType.Trade], takerReports.Select(r => r.ExecutionType));
        var trade = takerReports[1];
        Assert.Equal("bid-1", trade.ClientOrderId);
        Assert.Equal(OrderStatus.Filled, trade.OrderStatus);
        Assert.Equal(0.4m, trade.LastExecutedQty);
        Assert.Equal(0.4m, trade.CumulativeFilledQty);
        Assert.Equal(100m, trade.LastExecutedPrice);
        Assert.Equal(40m, trade.LastQuoteQty);
        Assert.Equal(40m, trade.CumulativeQuoteQty);
        Assert.Equal(0.0004m, trade.Commission);
        Assert.Equal("BTC", trade.CommissionAsset);
        Assert.False(trade.IsMaker);
        Assert.Equal(bid.Fills[0].TradeId, trade.TradeId);
        Assert.Null(takerReports[0].CommissionAsset);
        Assert.Equal(-1, takerReports[0].TradeId);

        var makerTrade = Assert.Single(_log.Of<SpotExecutionReport>("maker"));
        Assert.True(makerTrade.IsMaker);
        Assert.Equal(OrderStatus.PartiallyFilled, makerTrade.OrderStatus);
        Assert.Equal(ask.Order.OrderId, makerTrade.OrderId);
        Assert.Equal("USDT", makerTrade.CommissionAsset);

        var positions = _log.Of<SpotAccountPosition>("taker");
        var last = positions[^1];
        Assert.Contains(last.Balances, b => b.Asset == "BTC" && b.Free == 10.3996m);

        var publicTrade = Assert.Single(_log.Of<TradeEvent>());
        Assert.False(publicTrade.IsBuyerMaker);
        var agg = Assert.Single(_log.Of<AggTradeEvent>());
        Assert.Equal(publicTrade.TradeId, agg.FirstTradeId);

        var seq = _log.All.Select(e => e.Sequence).ToArray();
        Assert.Equal(seq.Order().ToArray(), seq);
        Assert.Equal(seq.Distinct().Count(), seq.Length);
    }

    [Fact]
    public void Price_time_priority_fills_better_price_first_then_older_order()
    {
        var a1 = Place(_x, "maker", Limit(OrderSide.Sell, 1m, 101m));
        var a2 = Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        var a3 = Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));

        var result = Place(_x, "taker", Limit(OrderSide.Buy, 2.5m, 101m));
        Assert.Equal([100m, 100m, 101m], result.Fills.Select(f => f.Price));
        Assert.Equal(OrderStatus.Filled, _x.GetSpotOrder("maker", Symbol, a2.Order.OrderId, null).Value.Status);
        Assert.Equal(OrderStatus.Filled, _x.GetSpotOrder("maker", Symbol, a3.Order.OrderId, null).Value.Status);
        Assert.Equal(0.5m, _x.GetSpotOrder("maker", Symbol, a1.Order.OrderId, null).Value.ExecutedQty);
        Assert.Equal(2, _log.Of<AggTradeEvent>().Count);     // one agg at 100 (two trades), one at 101
    }

    [Fact]
    public void Ioc_expires_the_unfilled_remainder()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        var ioc = Place(_x, "taker", Limit(OrderSide.Buy, 3m, 100m, TimeInForce.Ioc));
        Assert.Equal(OrderStatus.Expired, ioc.Order.Status);
        Assert.Equal(1m, ioc.Order.ExecutedQty);
        Assert.Equal(SpotExpiryReason.UnfilledIocQuantityExpired, ioc.Order.ExpiryReason);
        Assert.Equal(0m, Balance(_x, "taker", "USDT").Locked);
        Assert.Empty(_x.GetOpenSpotOrders("taker").Value);
    }

    [Fact]
    public void Fok_is_all_or_nothing()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100.5m));

        var tooBig = Place(_x, "taker", Limit(OrderSide.Buy, 2.5m, 101m, TimeInForce.Fok));
        Assert.Equal(OrderStatus.Expired, tooBig.Order.Status);
        Assert.Equal(SpotExpiryReason.UnfilledFokOrderExpired, tooBig.Order.ExpiryReason);
        Assert.Empty(tooBig.Fills);
        Assert.Equal(2m, _x.GetOrderBook(MarketKind.Spot, Symbol).Value.Asks.Sum(l => l.Quantity));

        var exact = Place(_x, "taker", Limit(OrderSide.Buy, 2m, 101m, TimeInForce.Fok));
        Assert.Equal(OrderStatus.Filled, exact.Order.Status);
        Assert.Equal(2, exact.Fills.Count);
    }

    [Fact]
    public void Market_by_quantity_walks_the_book_and_expires_what_it_cannot_fill()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 102m));
        var buy = Place(_x, "taker", Market(OrderSide.Buy, qty: 1.5m));
        Assert.Equal(OrderStatus.Filled, buy.Order.Status);
        Assert.Equal(151m, buy.Order.CummulativeQuoteQty);
        Assert.Equal(0m, Balance(_x, "taker", "USDT").Locked);

        var tooMuch = Place(_x, "taker", Market(OrderSide.Buy, qty: 2m));
        Assert.Equal(OrderStatus.Expired, tooMuch.Order.Status);
        Assert.Equal(0.5m, tooMuch.Order.ExecutedQty);
        Assert.Equal(SpotExpiryReason.InsufficientLiquidity, tooMuch.Order.ExpiryReason);
        Assert.Equal(TimeInForce.Gtc, tooMuch.Order.TimeInForce);
    }

    [Fact]
    public void Market_by_quote_order_qty_spends_at_most_the_quote_on_both_sides()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 200m));
        var buy = Place(_x, "taker", Market(OrderSide.Buy, quote: 150m));
        Assert.Equal(OrderStatus.Filled, buy.Order.Status);
        Assert.Equal(150m, buy.Order.OrigQuoteOrderQty);
        Assert.Equal(1.25m, buy.Order.ExecutedQty);               // 1 @100 + 0.25 @200
        Assert.Equal(150m, buy.Order.CummulativeQuoteQty);
        Assert.Equal(100_000m - 150m, Balance(_x, "taker", "USDT").Free);

        Place(_x, "maker", Limit(OrderSide.Buy, 3m, 90m));
        var sell = Place(_x, "taker", Market(OrderSide.Sell, quote: 100m));
        Assert.Equal(1.111m, sell.Order.ExecutedQty);               // floor(100/90 to step 0.001)
        Assert.Equal(99.99m, sell.Order.CummulativeQuoteQty);
    }

    [Fact]
    public void Quote_order_on_an_empty_book_is_rejected()
    {
        Spot.AssertError(_x.PlaceSpotOrder("taker", Market(OrderSide.Buy, quote: 100m)).Error, -2010, "Order book liquidity is less than symbol minimum quantity.");
    }

    [Fact]
    public void Limit_maker_rests_or_is_rejected_when_it_would_take()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        var request = new SpotOrderRequest { Symbol = Symbol, Side = OrderSide.Buy, Type = SpotOrderType.LimitMaker, Quantity = 1m, Price = 100m };
        Spot.AssertError(_x.PlaceSpotOrder("taker", request).Error, -2010, "Order would immediately match and take.");
        var rests = Place(_x, "taker", request with { Price = 99.99m });
        Assert.Equal(OrderStatus.New, rests.Order.Status);
        Assert.Equal(99.99m, _x.GetBookTicker(MarketKind.Spot, Symbol).Value.BidPrice);
    }

    [Fact]
    public void Iceberg_shows_only_the_visible_slice_and_refreshes_to_the_back_of_the_queue()
    {
        var iceberg = Place(_x, "maker", Limit(OrderSide.Sell, 3m, 100m) with { IcebergQty = 1m });
        Account(_x, "other");
        var plain = Place(_x, "other", Limit(OrderSide.Sell, 1m, 100m));
        var book = _x.GetOrderBook(MarketKind.Spot, Symbol).Value;
        Assert.Equal(2m, book.Asks.Single().Quantity);               // 1 visible + 1 plain

        // takes the visible slice; the refresh goes behind the plain order
        var first = Place(_x, "taker", Limit(OrderSide.Buy, 1.5m, 100m));
        Assert.Equal(2, first.Fills.Count);
        Assert.Equal(1m, _x.GetSpotOrder("maker", Symbol, iceberg.Order.OrderId, null).Value.ExecutedQty);
        Assert.Equal(0.5m, _x.GetSpotOrder("other", Symbol, plain.Order.OrderId, null).Value.ExecutedQty);
        Assert.Equal(1.5m, _x.GetOrderBook(MarketKind.Spot, Symbol).Value.Asks.Single().Quantity); // 0.5 plain + 1 refreshed

        var rest = Place(_x, "taker", Limit(OrderSide.Buy, 10m, 100m, TimeInForce.Ioc));
        Assert.Equal(2.5m, rest.Order.ExecutedQty);
        Assert.Equal(OrderStatus.Filled, _x.GetSpotOrder("maker", Symbol, iceberg.Order.OrderId, null).Value.Status);
    }

    [Fact]
    public void Cancel_releases_the_lock_and_reports_the_cancel_client_id()
    {
        var bid = Place(_x, "taker", Limit(OrderSide.Buy, 1m, 90m, clientId: "my-bid"));
        Assert.Equal(90m, Balance(_x, "taker", "USDT").Locked);
        _log.Clear();
        var cancel = _x.CancelSpotOrder("taker", new SpotCancelRequest { Symbol = Symbol, OrigClientOrderId = "my-bid", NewClientOrderId = "cxl-1" });
        Assert.True(cancel.IsSuccess);
        Assert.Equal("cxl-1", cancel.Value.CancelClientOrderId);
        Assert.Equal("my-bid", cancel.Value.Order.ClientOrderId);
        Assert.Equal(OrderStatus.Canceled, cancel.Value.Order.Status);
        Assert.Equal(0m, Balance(_x, "taker", "USDT").Locked);
        var report = Assert.Single(_log.Of<SpotExecutionReport>("taker"));
        Assert.Equal(("cxl-1", "my-bid", ExecutionType.Canceled), (report.ClientOrderId, report.OrigClientOrderId, report.ExecutionType));

        Spot.AssertError(_x.CancelSpotOrder("taker", new SpotCancelRequest { Symbol = Symbol, OrderId = bid.Order.OrderId }).Error, -2011, "Unknown order sent.");
        Spot.AssertError(_x.GetSpotOrder("taker", Symbol, 999_999, null).Error, -2013, "Order does not exist.");
    }

    [Fact]
    public void Cancel_restrictions_are_enforced()
    {
        Place(_x, "maker", Limit(OrderSide.Sell, 0.5m, 100m));
        var bid = Place(_x, "taker", Limit(OrderSide.Buy, 1m, 100m));
        Assert.Equal(OrderStatus.PartiallyFilled, bid.Order.Status);
        var onlyNew = new SpotCancelRequest { Symbol = Symbol, OrderId = bid.Order.OrderId, CancelRestrictions = CancelRestrictions.OnlyNew };
        Spot.AssertError(_x.CancelSpotOrder("taker", onlyNew).Error, -2011, "Order was not canceled due to cancel restrictions.");
        Assert.True(_x.CancelSpotOrder("taker", onlyNew with { CancelRestrictions = CancelRestrictions.OnlyPartiallyFilled }).IsSuccess);
    }

    [Fact]
    public void Insufficient_balance_and_duplicate_client_ids_are_rejected()
    {
        Spot.AssertError(_x.PlaceSpotOrder("taker", Limit(OrderSide.Buy, 2000m, 100m)).Error, -2010, "Account has insufficient balance for requested action.");
        Spot.AssertError(_x.PlaceSpotOrder("taker", Limit(OrderSide.Sell, 11m, 100m)).Error, -2010, "Account has insufficient balance for requested action.");
        Place(_x, "taker", Limit(OrderSide.Buy, 1m, 90m, clientId: "dup"));
        Spot.AssertError(_x.PlaceSpotOrder("taker", Limit(OrderSide.Buy, 1m, 91m, clientId: "dup")).Error, -2010, "Duplicate order sent.");
        Spot.AssertError(
            _x.PlaceSpotOrder("taker", Limit(OrderSide.Buy, 1m, 91m, clientId: "bad id!")).Error,
            -1100,
            "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");

        // once cancelled, the id can be reused
        Assert.True(_x.CancelSpotOrder("taker", new SpotCancelRequest { Symbol = Symbol, OrigClientOrderId = "dup" }).IsSuccess);
        Place(_x, "taker", Limit(OrderSide.Buy, 1m, 91m, clientId: "dup"));
    }

    [Fact]
    public void Generated_client_ids_are_legal()
    {
        var order = Place(_x, "taker", Limit(OrderSide.Buy, 1m, 90m) with { NewClientOrderId = null });
        Assert.StartsWith("web_", order.Order.ClientOrderId, StringComparison.Ordinal);
        Assert.Matches(EngineErrors.ClientOrderIdPattern, order.Order.ClientOrderId);
    }

    [Fact]
    public void Cancel_all_cancels_every_open_order_on_the_symbol()
    {
        Place(_x, "taker", Limit(OrderSide.Buy, 1m, 90m));
        Place(_x, "taker", Limit(OrderSide.Sell, 1m, 110m));
        var result = _x.CancelAllSpotOrders("taker", Symbol).Value;
        Assert.Equal(2, result.Orders.Count);
        Assert.Empty(_x.GetOpenSpotOrders("taker", Symbol).Value);
        Assert.Equal(new SpotBalanceView("BTC", 10m, 0m), Balance(_x, "taker", "BTC"));
    }

    [Fact]
    public void Amend_keep_priority_lowers_quantity_without_losing_the_queue_position()
    {
        var first = Place(_x, "maker", Limit(OrderSide.Sell, 2m, 100m, clientId: "first"));
        Account(_x, "second");
        Place(_x, "second", Limit(OrderSide.Sell, 1m, 100m));
        var amended = _x.AmendSpotOrder("maker", new SpotAmendRequest { Symbol = Symbol, OrderId = first.Order.OrderId, NewQty = 1m, NewClientOrderId = "first-amended" });
        Assert.True(amended.IsSuccess, amended.Error?.ToString());
        Assert.Equal(1m, amended.Value.OrigQty);
        Assert.Equal(1m, Balance(_x, "maker", "BTC").Locked);
        Assert.Equal(ExecutionType.Replaced, _log.Of<SpotExecutionReport>("maker")[^1].ExecutionType);

        var take = Place(_x, "taker", Limit(OrderSide.Buy, 1m, 100m));
        Assert.Equal(first.Order.OrderId, _x.GetSpotTrades("maker", new TradeHistoryQuery { Symbol = Symbol }).Value.Single().OrderId);
        Assert.Equal(OrderStatus.Filled, take.Order.Status);
        Spot.AssertError(
            _x.AmendSpotOrder("maker", new SpotAmendRequest { Symbol = Symbol, OrderId = first.Order.OrderId, NewQty = 0.5m }).Error,
            -2013,
            "Order does not exist.");
    }

    [Fact]
    public void Balances_are_conserved_across_many_trades()
    {
        Account(_x, "c");
        var rnd = new Random(5);
        string[] accounts = ["maker", "taker", "c"];
        for (var i = 0; i < 300; i++)
        {
            var account = accounts[rnd.Next(3)];
            var side = rnd.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
            var price = 95m + rnd.Next(0, 1000) / 100m;
            var qty = rnd.Next(1, 500) / 1000m;
            var request = rnd.Next(5) == 0 ? Market(side, qty: qty) : Limit(side, qty, price, rnd.Next(4) == 0 ? TimeInForce.Ioc : TimeInForce.Gtc);
            _x.PlaceSpotOrder(account, request);
            if (rnd.Next(6) == 0)
            {
                _x.CancelAllSpotOrders(account, Symbol);
            }
        }

        Assert.True(_x.GetSpotTrades("c", new TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value.Count > 10);
        var fees = _x.GetCollectedFees(MarketKind.Spot);
        foreach (var (asset, initial) in new[] { ("BTC", 30m), ("USDT", 300_000m) })
        {
            var total = accounts.Sum(a => Balance(_x, a, asset).Free + Balance(_x, a, asset).Locked) + fees.GetValueOrDefault(asset);
            Assert.Equal(initial, total);
        }

        foreach (var a in accounts)
        {
            var open = _x.GetOpenSpotOrders(a).Value;
            var lockedUsdt = open.Where(o => o.Side == OrderSide.Buy).Sum(o => (o.OrigQty - o.ExecutedQty) * o.Price);
            var lockedBtc = open.Where(o => o.Side == OrderSide.Sell).Sum(o => o.OrigQty - o.ExecutedQty);
            Assert.Equal(lockedBtc, Balance(_x, a, "BTC").Locked);
            Assert.True(Balance(_x, a, "USDT").Locked >= lockedUsdt);
        }
    }

    [Fact]
    public void Depth_updates_are_contiguous_and_match_the_snapshot()
    {
        var book = new SortedDictionary<decimal, decimal>();
        long lastU = _x.GetOrderBook(MarketKind.Spot, Symbol).Value.LastUpdateId;
        _log.Clear();
        Place(_x, "maker", Limit(OrderSide.Sell, 1m, 100m));
        Place(_x, "maker", Limit(OrderSide.Sell, 2m, 101m));
        Place(_x, "taker", Limit(OrderSide.Buy, 1.5m, 101m));
        foreach (var d in _log.Of<DepthUpdateEvent>())
        {
            Assert.Equal(lastU + 1, d.FirstUpdateId);
            Assert.Equal(lastU, d.PreviousFinalUpdateId);
            lastU = d.FinalUpdateId;
            foreach (var level in d.Asks)
            {
                if (level.Quantity == 0)
                {
                    book.Remove(level.Price);
                }
                else
                {
                    book[level.Price] = level.Quantity;
                }
            }
        }

        var snapshot = _x.GetOrderBook(MarketKind.Spot, Symbol).Value;
        Assert.Equal(lastU, snapshot.LastUpdateId);
        Assert.Equal(snapshot.Asks.Select(l => (l.Price, l.Quantity)), book.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(new PriceLevel(101m, 1.5m), snapshot.Asks.Single());
        var ticker = _log.Of<BookTickerEvent>()[^1];
        Assert.Equal((101m, 1.5m), (ticker.AskPrice, ticker.AskQty));
    }
}
