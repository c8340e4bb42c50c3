using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Spot;

namespace Oms.Simulator.Tests.Engine;

public sealed class SpotSelfTradePreventionTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public SpotSelfTradePreventionTests()
    {
        _x = Exchange(out _);
        Account(_x, "me");
        Account(_x, "other");
        _log = new EventLog(_x);
    }

    private SpotOrderResult RestBids()
    {
        Place(_x, "me", Limit(OrderSide.Buy, 1.2m, 102m));
        return Place(_x, "me", Limit(OrderSide.Buy, 1.3m, 101m));
    }

    [Fact]
    public void None_lets_the_account_trade_with_itself()
    {
        Place(_x, "me", Limit(OrderSide.Buy, 1m, 100m));
        var sell = Place(_x, "me", Limit(OrderSide.Sell, 1m, 100m));
        Assert.Equal(OrderStatus.Filled, sell.Order.Status);
    }

    [Fact]
    public void Expire_taker_expires_the_incoming_order_and_keeps_the_book()
    {
        RestBids();
        var taker = Place(_x, "me", Limit(OrderSide.Sell, 3m, 100m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireTaker });
        Assert.Equal(OrderStatus.ExpiredInMatch, taker.Order.Status);
        Assert.Equal(3m, taker.Order.PreventedQuantity);
        var prevented = Assert.Single(taker.PreventedMatches);
        Assert.Equal(3m, prevented.TakerPreventedQuantity);
        Assert.Null(prevented.MakerPreventedQuantity);
        Assert.Equal(2, _x.GetOpenSpotOrders("me").Value.Count);
        Assert.Equal(0m, Balance(_x, "me", "BTC").Locked);
        var report = _log.Of<SpotExecutionReport>("me")[^1];
        Assert.Equal((ExecutionType.TradePrevention, OrderStatus.ExpiredInMatch), (report.ExecutionType, report.OrderStatus));
        Assert.Equal(3m, report.LastPreventedQuantity);
        Assert.Equal(prevented.PreventedMatchId, report.PreventedMatchId);
    }

    [Fact]
    public void Expire_maker_expires_resting_orders_and_the_taker_rests()
    {
        RestBids();
        var taker = Place(_x, "me", Limit(OrderSide.Sell, 3m, 100m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireMaker });
        Assert.Equal(OrderStatus.New, taker.Order.Status);
        Assert.Equal(2, taker.PreventedMatches.Count);
        Assert.Equal([1.2m, 1.3m], taker.PreventedMatches.Select(p => p.MakerPreventedQuantity!.Value));
        var open = Assert.Single(_x.GetOpenSpotOrders("me").Value);
        Assert.Equal(taker.Order.OrderId, open.OrderId);
        var makers = _x.GetAllSpotOrders("me", new OrderHistoryQuery { Symbol = Symbol }).Value.Where(o => o.Side == OrderSide.Buy).ToArray();
        Assert.All(makers, m => Assert.Equal(OrderStatus.ExpiredInMatch, m.Status));
        Assert.Equal(0m, Balance(_x, "me", "USDT").Locked);
    }

    [Fact]
    public void Expire_both_expires_both_sides()
    {
        Place(_x, "me", Limit(OrderSide.Buy, 1m, 100m));
        var taker = Place(_x, "me", Limit(OrderSide.Sell, 3m, 100m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireBoth });
        Assert.Equal(OrderStatus.ExpiredInMatch, taker.Order.Status);
        var p = Assert.Single(taker.PreventedMatches);
        Assert.Equal((3m, 1m), (p.TakerPreventedQuantity, p.MakerPreventedQuantity));
        Assert.Empty(_x.GetOpenSpotOrders("me").Value);
    }

    [Fact]
    public void Decrement_reduces_both_and_expires_the_smaller()
    {
        var maker = Place(_x, "me", Limit(OrderSide.Buy, 6m, 100m));
        var taker = Place(_x, "me", Limit(OrderSide.Sell, 2m, 100m) with { SelfTradePreventionMode = SelfTradePreventionMode.Decrement });
        Assert.Equal(OrderStatus.ExpiredInMatch, taker.Order.Status);
        var m = _x.GetSpotOrder("me", Symbol, maker.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.New, m.Status);
        Assert.Equal(2m, m.PreventedQuantity);
        Assert.Equal(400m, Balance(_x, "me", "USDT").Locked);        // 4 left at 100
        Assert.Equal(4m, _x.GetOrderBook(MarketKind.Spot, Symbol).Value.Bids.Single().Quantity);
    }

    [Fact]
    public void Stp_skips_other_accounts_and_the_market_taker_expires_for_liquidity()
    {
        Place(_x, "me", Limit(OrderSide.Buy, 1m, 100m));
        var sell = Place(_x, "me", Market(OrderSide.Sell, qty: 1m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireMaker });
        Assert.Equal(OrderStatus.Expired, sell.Order.Status);    // scenario F of the STP FAQ
        Assert.Single(sell.PreventedMatches);

        Place(_x, "other", Limit(OrderSide.Buy, 1m, 100m));
        var sell2 = Place(_x, "me", Market(OrderSide.Sell, qty: 1m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireBoth });
        Assert.Equal(OrderStatus.Filled, sell2.Order.Status);
    }

    [Fact]
    public void Stp_mode_not_allowed_by_the_symbol_is_rejected()
    {
        var x = Exchange(out _, Instrument() with { AllowedSelfTradePreventionModes = [SelfTradePreventionMode.None, SelfTradePreventionMode.ExpireTaker] });
        Account(x, "a");
        Spot.AssertError(
            x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 90m) with { SelfTradePreventionMode = SelfTradePreventionMode.ExpireMaker }).Error,
            -1013,
            "This symbol does not allow the specified self-trade prevention mode.");
    }
}

public sealed class SpotStopOrderTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public SpotStopOrderTests()
    {
        _x = Exchange(out _);
        Account(_x, "mm", btc: 1000m, usdt: 10_000_000m);
        Account(_x, "me");
        Account(_x, "flow", btc: 1000m, usdt: 10_000_000m);
        _log = new EventLog(_x);
    }

    /// <summary>Prints a trade at <paramref name="price"/> between two other accounts.</summary>
    private void Print(decimal price)
    {
        Place(_x, "mm", Limit(OrderSide.Sell, 0.2m, price));
        Place(_x, "flow", Limit(OrderSide.Buy, 0.2m, price));
        Assert.Contains(_x.GetRecentTrades(MarketKind.Spot, Symbol, 5).Value, t => t.Price == price);
    }

    private static SpotOrderRequest Stop(SpotOrderType type, OrderSide side, decimal qty, decimal? stop, decimal? price = null, long? trailing = null) => new()
    {
        Symbol = Symbol, Side = side, Type = type, Quantity = qty, StopPrice = stop, Price = price, TrailingDelta = trailing,
        TimeInForce = price is null ? null : TimeInForce.Gtc,
    };

    [Theory]
    [InlineData(SpotOrderType.StopLoss, OrderSide.Sell, 95, 96)]
    [InlineData(SpotOrderType.StopLoss, OrderSide.Buy, 105, 104)]
    [InlineData(SpotOrderType.TakeProfit, OrderSide.Sell, 105, 104)]
    [InlineData(SpotOrderType.TakeProfit, OrderSide.Buy, 95, 96)]
    public void Market_stops_trigger_on_the_last_price_and_fill(SpotOrderType type, OrderSide side, int stop, int nearMiss)
    {
        Print(100m);
        var placed = Place(_x, "me", Stop(type, side, 1m, stop));
        Assert.Equal(OrderStatus.New, placed.Order.Status);
        Assert.False(placed.Order.IsWorking);
        Assert.Equal(-1, placed.Order.WorkingTime);

        Print(nearMiss);
        Assert.Equal(OrderStatus.New, _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value.Status);

        // liquidity for the triggered market order on the other side
        Place(_x, "mm", Limit(side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy, 5m, stop));
        Print(stop);
        var after = _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.Filled, after.Status);
        Assert.True(after.IsWorking);
        var reports = _log.Of<SpotExecutionReport>("me").Where(r => r.OrderId == placed.Order.OrderId).Select(r => r.ExecutionType).ToArray();
        Assert.Equal([ExecutionType.New, ExecutionType.New, ExecutionType.Trade], reports);
    }

    [Fact]
    public void Stop_limit_triggers_into_a_resting_limit_order()
    {
        Print(100m);
        var placed = Place(_x, "me", Stop(SpotOrderType.StopLossLimit, OrderSide.Sell, 1m, 95m, price: 94m));
        Assert.Equal(1m, Balance(_x, "me", "BTC").Locked);
        Print(95m);
        var after = _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.New, after.Status);
        Assert.True(after.IsWorking);
        Assert.Equal(94m, _x.GetBookTicker(MarketKind.Spot, Symbol).Value.AskPrice);
    }

    [Theory]
    [InlineData(SpotOrderType.StopLoss, OrderSide.Sell, 100)]
    [InlineData(SpotOrderType.StopLoss, OrderSide.Buy, 99)]
    [InlineData(SpotOrderType.TakeProfit, OrderSide.Sell, 99)]
    [InlineData(SpotOrderType.TakeProfitLimit, OrderSide.Buy, 101)]
    public void Stops_that_would_trigger_immediately_are_rejected(SpotOrderType type, OrderSide side, int stop)
    {
        Print(100m);
        decimal? price = type == SpotOrderType.TakeProfitLimit ? 101m : null;
        Spot.AssertError(_x.PlaceSpotOrder("me", Stop(type, side, 1m, stop, price)).Error, -2010, "Order would trigger immediately.");
    }

    [Fact]
    public void Trailing_stop_sell_without_stop_price_tracks_the_high_and_fires_on_the_delta()
    {
        Print(100m);
        var placed = Place(_x, "me", Stop(SpotOrderType.StopLoss, OrderSide.Sell, 1m, null, trailing: 500));  // 5 %
        Assert.NotNull(placed.Order.TrailingTime);
        Print(110m);                            // new high: fires at 104.5
        Print(105m);
        Assert.Equal(OrderStatus.New, _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value.Status);
        Place(_x, "mm", Limit(OrderSide.Buy, 5m, 104m));
        Print(104.5m);
        var after = _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.Filled, after.Status);
        Assert.Equal(500, _log.Of<SpotExecutionReport>("me")[^1].TrailingDelta);
    }

    [Fact]
    public void Trailing_stop_buy_with_stop_price_starts_tracking_once_the_stop_is_reached()
    {
        // Scenario A of the trailing-stop FAQ, scaled: stop 44, delta 5 %, limit 45
        Print(40m);
        var placed = Place(_x, "me", Stop(SpotOrderType.StopLossLimit, OrderSide.Buy, 1m, 44m, price: 45m, trailing: 500));
        Assert.Null(placed.Order.TrailingTime);
        Print(37m);                              // ignored: not tracking yet
        Print(44m);                              // starts tracking, low = 44
        Print(46m);                              // +4.5 %: no trigger
        Print(42m);                              // new low
        Assert.Equal(OrderStatus.New, _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value.Status);
        Print(44.1m);                            // 42 * 1.05 = 44.1 → triggers, rests at 45 limit? (no asks ≤ 45 remain)
        var after = _x.GetSpotOrder("me", Symbol, placed.Order.OrderId, null).Value;
        Assert.True(after.IsWorking);
        Assert.NotNull(after.TrailingTime);
    }

    [Fact]
    public void Trailing_delta_outside_the_filter_is_rejected()
    {
        Print(100m);
        Spot.AssertError(_x.PlaceSpotOrder("me", Stop(SpotOrderType.StopLoss, OrderSide.Sell, 1m, null, trailing: 5)).Error, -1013, "Filter failure: TRAILING_DELTA");
        Spot.AssertError(_x.PlaceSpotOrder("me", Stop(SpotOrderType.StopLoss, OrderSide.Sell, 1m, null, trailing: 2001)).Error, -1013, "Filter failure: TRAILING_DELTA");
    }

    [Fact]
    public void Max_num_algo_orders_limits_open_stops()
    {
        Print(100m);
        for (var i = 0; i < 5; i++)
        {
            Place(_x, "me", Stop(SpotOrderType.StopLoss, OrderSide.Sell, 0.1m, 90m - i));
        }

        Spot.AssertError(_x.PlaceSpotOrder("me", Stop(SpotOrderType.StopLoss, OrderSide.Sell, 0.1m, 80m)).Error, -1013, "Filter failure: MAX_NUM_ALGO_ORDERS");
    }
}
