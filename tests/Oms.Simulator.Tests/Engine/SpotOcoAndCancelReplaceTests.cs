using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Spot;

namespace Oms.Simulator.Tests.Engine;

public sealed class SpotOcoTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public SpotOcoTests()
    {
        _x = Exchange(out _);
        Account(_x, "me");
        Account(_x, "other", btc: 1000m, usdt: 10_000_000m);
        Account(_x, "flow", btc: 1000m, usdt: 10_000_000m);
        _log = new EventLog(_x);
    }

    private void Print(decimal price)
    {
        Place(_x, "other", Limit(OrderSide.Sell, 0.2m, price));
        Place(_x, "flow", Limit(OrderSide.Buy, 0.2m, price));
    }

    private static SpotOcoRequest SellOco(decimal qty = 1m) => new()
    {
        Symbol = Symbol,
        Side = OrderSide.Sell,
        Quantity = qty,
        ListClientOrderId = "list-1",
        Above = new SpotOcoLeg { Type = SpotOrderType.LimitMaker, Price = 110m, ClientOrderId = "tp" },
        Below = new SpotOcoLeg { Type = SpotOrderType.StopLossLimit, StopPrice = 90m, Price = 89m, TimeInForce = TimeInForce.Gtc, ClientOrderId = "sl" },
    };

    [Fact]
    public void Placement_locks_the_quantity_once_and_reports_the_list()
    {
        Print(100m);
        _log.Clear();
        var list = _x.PlaceSpotOco("me", SellOco());
        Assert.True(list.IsSuccess, list.Error?.ToString());
        Assert.Equal((ListStatusType.ExecStarted, ListOrderStatus.Executing), (list.Value.ListStatusType, list.Value.ListOrderStatus));
        Assert.Equal("list-1", list.Value.ListClientOrderId);
        Assert.Equal(2, list.Value.Orders.Count);
        Assert.All(list.Value.Orders, o => Assert.Equal(list.Value.OrderListId, o.OrderListId));
        Assert.Equal(1m, Balance(_x, "me", "BTC").Locked);
        Assert.Equal(2, _log.Of<SpotExecutionReport>("me").Count(r => r.ExecutionType == ExecutionType.New));
        var status = Assert.Single(_log.Of<SpotListStatus>("me"));
        Assert.Equal(ListStatusType.ExecStarted, status.ListStatusType);
        Assert.Equal(["sl", "tp"], status.Orders.Select(o => o.ClientOrderId));
        Assert.Single(_x.GetOpenSpotOrderLists("me").Value);
    }

    [Fact]
    public void Limit_leg_fill_expires_the_stop_leg()
    {
        Print(100m);
        var list = _x.PlaceSpotOco("me", SellOco()).Value;
        Place(_x, "other", Limit(OrderSide.Buy, 0.4m, 110m));
        var orders = _x.GetSpotOrderList("me", list.OrderListId, null).Value;
        Assert.Equal(ListOrderStatus.AllDone, orders.ListOrderStatus);
        var stop = orders.Orders.Single(o => o.ClientOrderId == "sl");
        Assert.Equal((OrderStatus.Expired, SpotExpiryReason.OcoTrigger), (stop.Status, stop.ExpiryReason));
        Assert.Equal(OrderStatus.PartiallyFilled, orders.Orders.Single(o => o.ClientOrderId == "tp").Status);
        Assert.Equal(0.6m, Balance(_x, "me", "BTC").Locked);           // the working leg keeps its remainder locked
        Assert.Equal(ListStatusType.AllDone, _log.Of<SpotListStatus>("me")[^1].ListStatusType);
        Assert.Empty(_x.GetOpenSpotOrderLists("me").Value);
    }

    [Fact]
    public void Stop_leg_trigger_expires_the_limit_leg_and_keeps_the_lock()
    {
        Print(100m);
        var list = _x.PlaceSpotOco("me", SellOco()).Value;
        Print(90m);
        var orders = _x.GetSpotOrderList("me", list.OrderListId, null).Value;
        var tp = orders.Orders.Single(o => o.ClientOrderId == "tp");
        var sl = orders.Orders.Single(o => o.ClientOrderId == "sl");
        Assert.Equal(OrderStatus.Expired, tp.Status);
        Assert.True(sl.IsWorking);
        Assert.Equal(1m, Balance(_x, "me", "BTC").Locked);
        Assert.Equal(89m, _x.GetBookTicker(MarketKind.Spot, Symbol).Value.AskPrice);
    }

    [Fact]
    public void Cancelling_one_leg_cancels_the_list()
    {
        Print(100m);
        var list = _x.PlaceSpotOco("me", SellOco()).Value;
        var cancel = _x.CancelSpotOrder("me", new SpotCancelRequest { Symbol = Symbol, OrigClientOrderId = "tp" }).Value;
        Assert.NotNull(cancel.OrderList);
        Assert.All(cancel.OrderList.Orders, o => Assert.Equal(OrderStatus.Canceled, o.Status));
        Assert.Equal(new SpotBalanceView("BTC", 10m, 0m), Balance(_x, "me", "BTC"));
        Assert.True(_x.CancelSpotOrderList("me", new SpotCancelOrderListRequest { Symbol = Symbol, OrderListId = list.OrderListId }).Error is { Code: -2011 });
    }

    [Fact]
    public void Buy_oco_locks_the_larger_leg_and_releases_on_completion()
    {
        Print(100m);
        var request = new SpotOcoRequest
        {
            Symbol = Symbol,
            Side = OrderSide.Buy,
            Quantity = 1m,
            Above = new SpotOcoLeg { Type = SpotOrderType.StopLoss, StopPrice = 110m },
            Below = new SpotOcoLeg { Type = SpotOrderType.LimitMaker, Price = 90m },
        };
        Assert.True(_x.PlaceSpotOco("me", request).IsSuccess);
        Assert.Equal(110m, Balance(_x, "me", "USDT").Locked);
        Place(_x, "other", Limit(OrderSide.Sell, 1m, 90m));
        Assert.Equal(0m, Balance(_x, "me", "USDT").Locked);
        Assert.Equal(100_000m - 90m, Balance(_x, "me", "USDT").Free);
    }

    [Fact]
    public void Leg_placement_rules_use_the_binance_codes()
    {
        Print(100m);
        var bad = SellOco() with { Above = new SpotOcoLeg { Type = SpotOrderType.StopLoss, StopPrice = 110m } };
        Spot.AssertError(_x.PlaceSpotOco("me", bad).Error, -1197, "A stop loss order in a sell OCO must be below.");
        bad = SellOco() with
        {
            Above = new SpotOcoLeg { Type = SpotOrderType.TakeProfit, StopPrice = 110m },
            Below = new SpotOcoLeg { Type = SpotOrderType.LimitMaker, Price = 90m },
        };
        Spot.AssertError(_x.PlaceSpotOco("me", bad).Error, -1166, "A limit order in a sell OCO must be above.");
        bad = SellOco() with { Above = new SpotOcoLeg { Type = SpotOrderType.LimitMaker, Price = 95m } };
        Spot.AssertError(_x.PlaceSpotOco("me", bad).Error, -2010, "The relationship of the prices for the orders is not correct.");
        var buy = new SpotOcoRequest
        {
            Symbol = Symbol, Side = OrderSide.Buy, Quantity = 1m,
            Above = new SpotOcoLeg { Type = SpotOrderType.LimitMaker, Price = 110m },
            Below = new SpotOcoLeg { Type = SpotOrderType.StopLoss, StopPrice = 90m },
        };
        Spot.AssertError(_x.PlaceSpotOco("me", buy).Error, -1165, "A limit order in a buy OCO must be below.");
        Spot.AssertError(_x.PlaceSpotOco("me", SellOco(qty: 50m)).Error, -2010, "Account has insufficient balance for requested action.");
    }
}

public sealed class SpotCancelReplaceTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public SpotCancelReplaceTests()
    {
        _x = Exchange(out _);
        Account(_x, "me", btc: 1m, usdt: 1000m);
        _log = new EventLog(_x);
    }

    private SpotCancelReplaceRequest Request(CancelReplaceMode mode, long? cancelOrderId, SpotOrderRequest newOrder) =>
        new() { Mode = mode, CancelOrderId = cancelOrderId, NewOrder = newOrder };

    [Fact]
    public void Success_cancels_then_places()
    {
        var old = Place(_x, "me", Limit(OrderSide.Buy, 5m, 90m));
        _log.Clear();
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.StopOnFailure, old.Order.OrderId, Limit(OrderSide.Buy, 5m, 95m)));
        Assert.True(result.IsSuccess);
        var value = result.Value;
        Assert.Null(value.Error);
        Assert.Equal((CancelReplaceLegResult.Success, CancelReplaceLegResult.Success), (value.CancelResult, value.NewOrderResult));
        Assert.Equal(OrderStatus.Canceled, value.CancelResponse!.Order.Status);
        Assert.Equal(95m, value.NewOrderResponse!.Order.Price);
        Assert.Equal(475m, Balance(_x, "me", "USDT").Locked);    // needs the released 450 to fit in 1000
        Assert.Equal([ExecutionType.Canceled, ExecutionType.New], _log.Of<SpotExecutionReport>("me").Select(r => r.ExecutionType));
    }

    [Fact]
    public void Stop_on_failure_with_a_failed_cancel_does_not_place()
    {
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.StopOnFailure, 424242, Limit(OrderSide.Buy, 1m, 95m))).Value;
        Spot.AssertError(result.Error, -2022, "Order cancel-replace failed.");
        Spot.AssertError(result.CancelError, -2011, "Unknown order sent.");
        Assert.Equal((CancelReplaceLegResult.Failure, CancelReplaceLegResult.NotAttempted), (result.CancelResult, result.NewOrderResult));
        Assert.Empty(_x.GetOpenSpotOrders("me").Value);
    }

    [Fact]
    public void Allow_failure_places_even_when_the_cancel_fails()
    {
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.AllowFailure, 424242, Limit(OrderSide.Buy, 1m, 95m))).Value;
        Spot.AssertError(result.Error, -2021, "Order cancel-replace partially failed.");
        Assert.Equal((CancelReplaceLegResult.Failure, CancelReplaceLegResult.Success), (result.CancelResult, result.NewOrderResult));
        Assert.Single(_x.GetOpenSpotOrders("me").Value);
    }

    [Fact]
    public void Cancel_ok_new_order_failed_is_a_partial_failure()
    {
        var old = Place(_x, "me", Limit(OrderSide.Buy, 5m, 90m));
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.StopOnFailure, old.Order.OrderId, Limit(OrderSide.Buy, 20m, 95m))).Value;
        Spot.AssertError(result.Error, -2021, "Order cancel-replace partially failed.");
        Spot.AssertError(result.NewOrderError, -2010, "Account has insufficient balance for requested action.");
        Assert.Equal((CancelReplaceLegResult.Success, CancelReplaceLegResult.Failure), (result.CancelResult, result.NewOrderResult));
        Assert.Empty(_x.GetOpenSpotOrders("me").Value);
    }

    [Fact]
    public void Allow_failure_with_both_legs_failing_is_a_total_failure()
    {
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.AllowFailure, 424242, Limit(OrderSide.Buy, 20m, 95m))).Value;
        Spot.AssertError(result.Error, -2022, "Order cancel-replace failed.");
        Assert.Equal((CancelReplaceLegResult.Failure, CancelReplaceLegResult.Failure), (result.CancelResult, result.NewOrderResult));
    }

    [Fact]
    public void A_filter_failure_of_the_new_order_refuses_the_whole_request()
    {
        var old = Place(_x, "me", Limit(OrderSide.Buy, 5m, 90m));
        var result = _x.CancelReplaceSpotOrder("me", Request(CancelReplaceMode.AllowFailure, old.Order.OrderId, Limit(OrderSide.Buy, 5m, 95.001m)));
        Spot.AssertError(result.Error, -1013, "Filter failure: PRICE_FILTER");
        Assert.Single(_x.GetOpenSpotOrders("me").Value);
    }
}
