using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Futures;

namespace Oms.Simulator.Tests.Engine;

public sealed class FuturesAlgoTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public FuturesAlgoTests()
    {
        _x = Exchange(out _);
        Account(_x, "me");
        Account(_x, "cp", usdt: 10_000_000m);
        Account(_x, "flow", usdt: 10_000_000m);
        _log = new EventLog(_x);
        Print(100m);
    }

    /// <summary>A trade at <paramref name="price"/> between two other accounts (moves the contract price).</summary>
    private void Print(decimal price)
    {
        Place(_x, "cp", Limit(OrderSide.Sell, 0.1m, price));
        Place(_x, "flow", Limit(OrderSide.Buy, 0.1m, price));
    }

    private static FuturesAlgoOrderRequest Algo(FuturesOrderType type, OrderSide side, decimal? trigger, decimal? qty = 1m, decimal? price = null) => new()
    {
        Symbol = Symbol, Side = side, Type = type, TriggerPrice = trigger, Quantity = qty, Price = price,
        TimeInForce = price is null ? null : TimeInForce.Gtc,
    };

    private AlgoOrderView PlaceAlgo(FuturesAlgoOrderRequest request)
    {
        var result = _x.PlaceAlgoOrder("me", request);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    private AlgoStatus[] AlgoStatuses(long algoId) =>
        _log.Of<FuturesAlgoUpdate>("me").Where(u => u.Order.AlgoId == algoId).Select(u => u.Order.AlgoStatus).ToArray();

    [Theory]
    [InlineData(FuturesOrderType.StopMarket, OrderSide.Sell, 95, 96)]
    [InlineData(FuturesOrderType.StopMarket, OrderSide.Buy, 105, 104)]
    [InlineData(FuturesOrderType.TakeProfitMarket, OrderSide.Sell, 105, 104)]
    [InlineData(FuturesOrderType.TakeProfitMarket, OrderSide.Buy, 95, 96)]
    public void Market_conditionals_trigger_on_the_contract_price_and_place_a_real_order(FuturesOrderType type, OrderSide side, int trigger, int nearMiss)
    {
        var algo = PlaceAlgo(Algo(type, side, trigger));
        Assert.Equal(AlgoStatus.New, algo.AlgoStatus);
        Assert.Null(algo.ActualOrderId);
        Assert.Empty(_x.GetOpenFuturesOrders("me").Value);              // algo orders are not open orders
        Assert.Single(_x.GetOpenAlgoOrders("me").Value);

        Print(nearMiss);
        Assert.Equal(AlgoStatus.New, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);

        Place(_x, "cp", Limit(side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy, 5m, trigger));
        Print(trigger);
        var done = _x.GetAlgoOrder("me", algo.AlgoId, null).Value;
        Assert.Equal(AlgoStatus.Finished, done.AlgoStatus);
        Assert.NotNull(done.ActualOrderId);
        Assert.Equal(1m, done.ExecutedQty);
        Assert.Equal([AlgoStatus.New, AlgoStatus.Triggering, AlgoStatus.Triggered, AlgoStatus.Finished], AlgoStatuses(algo.AlgoId));

        var order = _x.GetFuturesOrder("me", Symbol, done.ActualOrderId, null).Value;
        Assert.Equal((FuturesOrderType.Market, type, OrderStatus.Filled), (order.Type, order.OrigType, order.Status));
        Assert.Equal(algo.AlgoId, order.AlgoId);
        Assert.Equal(trigger, order.StopPrice);
        Assert.Empty(_x.GetOpenAlgoOrders("me").Value);
    }

    [Theory]
    [InlineData(FuturesOrderType.Stop, OrderSide.Buy, 105, 106)]
    [InlineData(FuturesOrderType.TakeProfit, OrderSide.Sell, 105, 106)]
    [InlineData(FuturesOrderType.Stop, OrderSide.Sell, 95, 94)]
    [InlineData(FuturesOrderType.TakeProfit, OrderSide.Buy, 95, 94)]
    public void Limit_conditional_places_a_limit_order_at_its_price(FuturesOrderType type, OrderSide side, int trigger, int limit)
    {
        var algo = PlaceAlgo(Algo(type, side, trigger, price: limit));
        Print(trigger);
        var triggered = _x.GetAlgoOrder("me", algo.AlgoId, null).Value;
        Assert.Equal(AlgoStatus.Triggered, triggered.AlgoStatus);
        var order = _x.GetFuturesOrder("me", Symbol, triggered.ActualOrderId, null).Value;
        Assert.Equal((FuturesOrderType.Limit, limit, type), (order.Type, order.Price, order.OrigType));
        Assert.True(_x.CancelFuturesOrder("me", Symbol, order.OrderId, null).IsSuccess);
        Assert.Equal(AlgoStatus.Finished, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
    }

    [Fact]
    public void Conditionals_that_would_trigger_immediately_are_refused()
    {
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 100m)).Error, -2021, "Order would immediately trigger.");
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.TakeProfitMarket, OrderSide.Buy, 101m)).Error, -2021, "Order would immediately trigger.");
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.Limit, OrderSide.Buy, 101m)).Error, -1116, "Invalid orderType.");
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.StopMarket, OrderSide.Sell, null)).Error, -1102,
            "Mandatory parameter 'triggerPrice' was not sent, was empty/null, or malformed.");
    }

    [Fact]
    public void Close_position_closes_whatever_the_position_is_at_trigger_time()
    {
        Place(_x, "cp", Limit(OrderSide.Sell, 3m, 100m));
        Place(_x, "me", Market(OrderSide.Buy, 3m));
        var request = Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 95m, qty: null) with { ClosePosition = true };
        Spot.AssertError(_x.PlaceAlgoOrder("me", request with { Quantity = 1m }).Error, -4137, "Quantity must be zero with closePosition equals true");
        var algo = PlaceAlgo(request);
        Place(_x, "cp", Limit(OrderSide.Buy, 10m, 94m));
        Print(95m);
        Assert.Equal(AlgoStatus.Finished, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Assert.Equal(0m, Position(_x, "me").PositionAmt);
        var order = _x.GetAllFuturesOrders("me", new OrderHistoryQuery { Symbol = Symbol }).Value[^1];
        Assert.True(order.ClosePosition);
        Assert.True(order.ReduceOnly);
    }

    [Fact]
    public void Close_position_without_a_position_is_rejected_at_trigger()
    {
        var algo = PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 95m, qty: null) with { ClosePosition = true });
        Print(95m);
        var rejected = _x.GetAlgoOrder("me", algo.AlgoId, null).Value;
        Assert.Equal(AlgoStatus.Rejected, rejected.AlgoStatus);
        Assert.Equal("ReduceOnly Order is rejected.", rejected.FailureReason);
    }

    [Fact]
    public void Trailing_stop_follows_a_price_path_after_activation()
    {
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.TrailingStopMarket, OrderSide.Sell, null) with { CallbackRate = 5m, ActivatePrice = 99m }).Error,
            -2021, "Order would immediately trigger.");
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.TrailingStopMarket, OrderSide.Sell, null) with { CallbackRate = 25m }).Error,
            -1130, "Data sent for parameter 'callbackRate' is not valid.");

        var algo = PlaceAlgo(Algo(FuturesOrderType.TrailingStopMarket, OrderSide.Sell, null) with { CallbackRate = 5m, ActivatePrice = 110m });
        Assert.False(algo.IsActivated);
        Print(105m);
        Print(112m);                                                     // activates, high 112
        Assert.True(_x.GetAlgoOrder("me", algo.AlgoId, null).Value.IsActivated);
        Print(115m);                                                     // high 115 → fires at ≤ 109.25
        Print(110m);
        Assert.Equal(AlgoStatus.New, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Place(_x, "cp", Limit(OrderSide.Buy, 5m, 109m));
        Print(109.25m);
        var done = _x.GetAlgoOrder("me", algo.AlgoId, null).Value;
        Assert.Equal(AlgoStatus.Finished, done.AlgoStatus);
        var order = _x.GetFuturesOrder("me", Symbol, done.ActualOrderId, null).Value;
        Assert.Equal((FuturesOrderType.TrailingStopMarket, 110m, 5m), (order.OrigType, order.ActivatePrice, order.PriceRate));
        Assert.Equal(-1m, Position(_x, "me").PositionAmt);
    }

    [Fact]
    public void Trailing_buy_without_activation_price_tracks_from_placement()
    {
        var algo = PlaceAlgo(Algo(FuturesOrderType.TrailingStopMarket, OrderSide.Buy, null) with { CallbackRate = 1m });
        Assert.True(algo.IsActivated);
        Print(95m);                                                      // low 95 → fires at ≥ 95.95
        Print(95.9m);
        Assert.Equal(AlgoStatus.New, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Place(_x, "cp", Limit(OrderSide.Sell, 5m, 96m));
        Print(95.95m);
        Assert.Equal(AlgoStatus.Finished, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
    }

    [Fact]
    public void Mark_price_working_type_triggers_on_the_mark_not_the_last_trade()
    {
        var algo = PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 95m) with { WorkingType = WorkingType.MarkPrice });
        Assert.True(_x.SetMarkPrice(Symbol, 100m).IsSuccess);
        Place(_x, "cp", Limit(OrderSide.Buy, 5m, 94m));
        Print(95m);                                                     // contract price reaches 95 but the mark stays high
        Assert.Equal(AlgoStatus.New, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Assert.True(_x.SetMarkPrice(Symbol, 94.9m).IsSuccess);
        Assert.Equal(AlgoStatus.Finished, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Assert.Contains(_log.Of<MarkPriceEvent>(), e => e.MarkPrice == 94.9m);
    }

    [Fact]
    public void Price_protect_holds_the_trigger_while_mark_and_last_diverge()
    {
        var algo = PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 95m) with { PriceProtect = true });
        Assert.True(_x.SetMarkPrice(Symbol, 120m).IsSuccess);             // 20 % away from the last price, triggerProtect 5 %
        Place(_x, "cp", Limit(OrderSide.Buy, 5m, 94m));
        Print(95m);
        Assert.Equal(AlgoStatus.New, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
        Assert.True(_x.SetMarkPrice(Symbol, 95m).IsSuccess);
        Print(95m);
        Assert.Equal(AlgoStatus.Finished, _x.GetAlgoOrder("me", algo.AlgoId, null).Value.AlgoStatus);
    }

    [Fact]
    public void Cancel_and_cancel_all_algo_orders()
    {
        var a = PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 90m) with { ClientAlgoId = "algo-a" });
        PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 89m));
        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 88m) with { ClientAlgoId = "algo-a" }).Error, -4116, "clientOrderId is duplicated.");
        var cancelled = _x.CancelAlgoOrder("me", null, "algo-a").Value;
        Assert.Equal((a.AlgoId, AlgoStatus.Canceled), (cancelled.AlgoId, cancelled.AlgoStatus));
        Spot.AssertError(_x.CancelAlgoOrder("me", a.AlgoId, null).Error, -2011, "Unknown order sent.");
        Assert.Single(_x.CancelAllAlgoOrders("me", Symbol).Value);
        Assert.Empty(_x.GetOpenAlgoOrders("me").Value);
        Assert.Equal(2, _x.GetAllAlgoOrders("me", new OrderHistoryQuery { Symbol = Symbol }).Value.Count);
    }

    [Fact]
    public void Max_algo_orders_per_symbol()
    {
        for (var i = 0; i < 10; i++)
        {
            PlaceAlgo(Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 90m - i));
        }

        Spot.AssertError(_x.PlaceAlgoOrder("me", Algo(FuturesOrderType.StopMarket, OrderSide.Sell, 70m)).Error, -4045, "Reach max stop order limit.");
    }
}
