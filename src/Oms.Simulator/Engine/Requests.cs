namespace Oms.Simulator.Engine;

// Commands as the wire layer parses them. Optional parameters are null when not sent; the engine applies
// Binance's defaults and validation (missing mandatory → -1102, etc.).

/// <summary>Spot new order (POST /api/v3/order, order.place, order.test).</summary>
public sealed record SpotOrderRequest
{
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public required SpotOrderType Type { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public decimal? Quantity { get; init; }
    public decimal? QuoteOrderQty { get; init; }
    public decimal? Price { get; init; }
    public string? NewClientOrderId { get; init; }
    public decimal? StopPrice { get; init; }
    /// <summary>Trailing delta in BIPS.</summary>
    public long? TrailingDelta { get; init; }
    public decimal? IcebergQty { get; init; }
    public long? StrategyId { get; init; }
    public int? StrategyType { get; init; }
    public SelfTradePreventionMode? SelfTradePreventionMode { get; init; }
}

/// <summary>Spot cancel (DELETE /api/v3/order, order.cancel).</summary>
public sealed record SpotCancelRequest
{
    public required string Symbol { get; init; }
    public long? OrderId { get; init; }
    public string? OrigClientOrderId { get; init; }
    /// <summary>Client id of the cancel itself (becomes <c>clientOrderId</c> of the response / <c>c</c> of the event).</summary>
    public string? NewClientOrderId { get; init; }
    public CancelRestrictions? CancelRestrictions { get; init; }
}

/// <summary>Spot cancel-replace (POST /api/v3/order/cancelReplace, order.cancelReplace).</summary>
public sealed record SpotCancelReplaceRequest
{
    public required CancelReplaceMode Mode { get; init; }
    public long? CancelOrderId { get; init; }
    public string? CancelOrigClientOrderId { get; init; }
    public string? CancelNewClientOrderId { get; init; }
    public CancelRestrictions? CancelRestrictions { get; init; }
    /// <summary>The replacement order; its Symbol is the symbol of the cancel too.</summary>
    public required SpotOrderRequest NewOrder { get; init; }
}

/// <summary>Spot order.amend.keepPriority: reduce the quantity of an open order, keeping its queue position.</summary>
public sealed record SpotAmendRequest
{
    public required string Symbol { get; init; }
    public long? OrderId { get; init; }
    public string? OrigClientOrderId { get; init; }
    public string? NewClientOrderId { get; init; }
    public required decimal NewQty { get; init; }
}

/// <summary>One leg of a spot OCO (aboveType/belowType + leg parameters).</summary>
public sealed record SpotOcoLeg
{
    public required SpotOrderType Type { get; init; }
    public string? ClientOrderId { get; init; }
    public decimal? Price { get; init; }
    public decimal? StopPrice { get; init; }
    public long? TrailingDelta { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public decimal? IcebergQty { get; init; }
    public long? StrategyId { get; init; }
    public int? StrategyType { get; init; }
}

/// <summary>Spot OCO (POST /api/v3/orderList/oco, orderList.place.oco). The deprecated form maps onto this.</summary>
public sealed record SpotOcoRequest
{
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public required decimal Quantity { get; init; }
    public string? ListClientOrderId { get; init; }
    public required SpotOcoLeg Above { get; init; }
    public required SpotOcoLeg Below { get; init; }
    public SelfTradePreventionMode? SelfTradePreventionMode { get; init; }
}

/// <summary>Spot order-list cancel (DELETE /api/v3/orderList).</summary>
public sealed record SpotCancelOrderListRequest
{
    public required string Symbol { get; init; }
    public long? OrderListId { get; init; }
    public string? ListClientOrderId { get; init; }
    public string? NewClientOrderId { get; init; }
}

/// <summary>Filter of allOrders-style history queries.</summary>
public sealed record OrderHistoryQuery
{
    public string? Symbol { get; init; }
    /// <summary>Return orders with id ≥ this.</summary>
    public long? OrderId { get; init; }
    public long? StartTime { get; init; }
    public long? EndTime { get; init; }
    public int Limit { get; init; } = 500;
}

/// <summary>Filter of myTrades / userTrades.</summary>
public sealed record TradeHistoryQuery
{
    public required string Symbol { get; init; }
    public long? OrderId { get; init; }
    public long? FromId { get; init; }
    public long? StartTime { get; init; }
    public long? EndTime { get; init; }
    public int Limit { get; init; } = 500;
}

/// <summary>USDⓈ-M new order (POST /fapi/v1/order, order.place). Only LIMIT and MARKET; conditional types → -4120.</summary>
public sealed record FuturesOrderRequest
{
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public required FuturesOrderType Type { get; init; }
    public PositionSide? PositionSide { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public decimal? Quantity { get; init; }
    public decimal? Price { get; init; }
    public bool? ReduceOnly { get; init; }
    public string? NewClientOrderId { get; init; }
    public SelfTradePreventionMode? SelfTradePreventionMode { get; init; }
    public long? GoodTillDate { get; init; }
    public PriceMatch? PriceMatch { get; init; }
}

/// <summary>USDⓈ-M order.modify / PUT /fapi/v1/order (LIMIT orders only).</summary>
public sealed record FuturesModifyRequest
{
    public required string Symbol { get; init; }
    public long? OrderId { get; init; }
    public string? OrigClientOrderId { get; init; }
    public required OrderSide Side { get; init; }
    public required decimal Quantity { get; init; }
    public decimal? Price { get; init; }
    public PriceMatch? PriceMatch { get; init; }
}

/// <summary>USDⓈ-M conditional order (POST /fapi/v1/algoOrder, algoOrder.place; algoType=CONDITIONAL).</summary>
public sealed record FuturesAlgoOrderRequest
{
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    /// <summary>STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET or TRAILING_STOP_MARKET.</summary>
    public required FuturesOrderType Type { get; init; }
    public PositionSide? PositionSide { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public decimal? Quantity { get; init; }
    public decimal? Price { get; init; }
    public decimal? TriggerPrice { get; init; }
    public WorkingType? WorkingType { get; init; }
    public PriceMatch? PriceMatch { get; init; }
    public bool? ClosePosition { get; init; }
    public bool? PriceProtect { get; init; }
    public bool? ReduceOnly { get; init; }
    public decimal? ActivatePrice { get; init; }
    /// <summary>Percent, 0.1 … 20.</summary>
    public decimal? CallbackRate { get; init; }
    public string? ClientAlgoId { get; init; }
    public SelfTradePreventionMode? SelfTradePreventionMode { get; init; }
    public long? GoodTillDate { get; init; }
}

/// <summary>Filter of GET /fapi/v1/income.</summary>
public sealed record IncomeQuery
{
    public string? Symbol { get; init; }
    public IncomeType? IncomeType { get; init; }
    public long? StartTime { get; init; }
    public long? EndTime { get; init; }
    public int Limit { get; init; } = 100;
}
