namespace Oms.Simulator.Engine.Internal;

internal sealed class SpotOrder : BookOrder
{
    public required SpotMarket Market;
    public required string ClientOrderId;
    public long OrderListId = -1;
    public SpotOrderList? List;
    public SpotOrderType Type;
    public TimeInForce TimeInForce = TimeInForce.Gtc;
    public decimal OrigQty;
    public decimal ExecutedQty;
    public decimal CumQuote;
    public decimal OrigQuoteOrderQty;
    /// <summary>Quote still to spend/receive for quoteOrderQty MARKET orders.</summary>
    public decimal QuoteLeaves;
    public bool IsQuoteOrder;
    public OrderStatus Status = OrderStatus.New;
    public decimal StopPrice;
    public decimal IcebergQty;
    public long Time;
    public long UpdateTime;
    public long WorkingTime = -1;
    public bool IsWorking;
    public long? TrailingDelta;
    public long? TrailingTime;
    /// <summary>Best price seen since trailing activation (high for sells, low for buys).</summary>
    public decimal TrailExtreme;
    public bool TrailActive;
    public long? StrategyId;
    public int? StrategyType;
    public SpotExpiryReason ExpiryReason;
    /// <summary>Asset locked for this order and the amount still locked.</summary>
    public string LockAsset = "";
    public decimal Locked;
    /// <summary>True for STOP_LOSS*/TAKE_PROFIT* orders until triggered.</summary>
    public bool AwaitingTrigger;

    public bool IsFinal => Status is OrderStatus.Filled or OrderStatus.Canceled or OrderStatus.Expired
        or OrderStatus.ExpiredInMatch or OrderStatus.Rejected;

    public bool IsStopType => Type is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit
        or SpotOrderType.TakeProfit or SpotOrderType.TakeProfitLimit;

    /// <summary>Whether the order executes as MARKET once triggered (or immediately).</summary>
    public bool IsMarketExecution => Type is SpotOrderType.Market or SpotOrderType.StopLoss or SpotOrderType.TakeProfit;

    public SpotOrderView ToView() => new()
    {
        Symbol = Market.Symbol,
        OrderId = OrderId,
        OrderListId = OrderListId,
        ClientOrderId = ClientOrderId,
        Price = Price,
        OrigQty = OrigQty,
        ExecutedQty = ExecutedQty,
        CummulativeQuoteQty = CumQuote,
        OrigQuoteOrderQty = OrigQuoteOrderQty,
        Status = Status,
        TimeInForce = TimeInForce,
        Type = Type,
        Side = Side,
        StopPrice = StopPrice,
        IcebergQty = IcebergQty,
        Time = Time,
        UpdateTime = UpdateTime,
        IsWorking = IsWorking,
        WorkingTime = WorkingTime,
        SelfTradePreventionMode = Stp,
        PreventedMatchId = PreventedMatchId,
        PreventedQuantity = PreventedMatchId is null ? null : PreventedQty,
        TrailingDelta = TrailingDelta,
        TrailingTime = TrailingTime,
        StrategyId = StrategyId,
        StrategyType = StrategyType,
        ExpiryReason = ExpiryReason,
    };
}

internal sealed class SpotOrderList
{
    public long OrderListId;
    public required string ListClientOrderId;
    public required SpotMarket Market;
    public required AccountState Account;
    public ListStatusType ListStatusType = ListStatusType.ExecStarted;
    public ListOrderStatus ListOrderStatus = ListOrderStatus.Executing;
    public long TransactionTime;
    public List<SpotOrder> Orders = [];

    public bool IsDone => ListOrderStatus == ListOrderStatus.AllDone;

    public SpotOrderListResult ToResult(IReadOnlyList<SpotFill>? fills = null) => new(
        OrderListId,
        ContingencyType.Oco,
        ListStatusType,
        ListOrderStatus,
        ListClientOrderId,
        TransactionTime,
        Market.Symbol,
        Orders.ConvertAll(o => o.ToView()),
        fills ?? []);
}

internal sealed class FuturesOrder : BookOrder
{
    public required FuturesMarket Market;
    public required string ClientOrderId;
    public FuturesOrderType Type;
    public FuturesOrderType OrigType;
    public TimeInForce TimeInForce = TimeInForce.Gtc;
    public PositionSide PositionSide;
    public bool ReduceOnly;
    public bool ClosePosition;
    public decimal OrigQty;
    public decimal ExecutedQty;
    public decimal CumQuote;
    public OrderStatus Status = OrderStatus.New;
    public decimal StopPrice;
    public WorkingType WorkingType = WorkingType.ContractPrice;
    public bool PriceProtect;
    public PriceMatch PriceMatch;
    public long GoodTillDate;
    public long Time;
    public long UpdateTime;
    public decimal? ActivatePrice;
    public decimal? PriceRate;
    public FuturesExpiryReason ExpiryReason;
    public AlgoOrder? Algo;
    public int Modifications;

    /// <summary>Quantity and price currently counted in the symbol state's open-order totals.</summary>
    public decimal AccountedLeaves;
    public decimal AccountedPrice;

    public bool IsFinal => Status is OrderStatus.Filled or OrderStatus.Canceled or OrderStatus.Expired
        or OrderStatus.ExpiredInMatch or OrderStatus.Rejected;

    public decimal AvgPrice => ExecutedQty == 0 ? 0 : CumQuote / ExecutedQty;

    public FuturesOrderView ToView() => new()
    {
        Symbol = Market.Symbol,
        OrderId = OrderId,
        ClientOrderId = ClientOrderId,
        Price = Price,
        AvgPrice = Market.RoundPriceDisplay(AvgPrice),
        OrigQty = OrigQty,
        ExecutedQty = ExecutedQty,
        CumQuote = CumQuote,
        Status = Status,
        TimeInForce = TimeInForce,
        Type = Type,
        OrigType = OrigType,
        Side = Side,
        PositionSide = PositionSide,
        ReduceOnly = ReduceOnly,
        ClosePosition = ClosePosition,
        StopPrice = StopPrice,
        WorkingType = WorkingType,
        PriceProtect = PriceProtect,
        PriceMatch = PriceMatch,
        SelfTradePreventionMode = Stp,
        GoodTillDate = GoodTillDate,
        Time = Time,
        UpdateTime = UpdateTime,
        ActivatePrice = ActivatePrice,
        PriceRate = PriceRate,
        ExpiryReason = ExpiryReason,
        AlgoId = Algo?.AlgoId,
    };
}

internal sealed class AlgoOrder
{
    public long AlgoId;
    public required string ClientAlgoId;
    public required FuturesMarket Market;
    public required AccountState Account;
    public FuturesOrderType Type;
    public OrderSide Side;
    public PositionSide PositionSide;
    public TimeInForce TimeInForce = TimeInForce.Gtc;
    public decimal Quantity;
    public AlgoStatus Status = AlgoStatus.New;
    public decimal TriggerPrice;
    public decimal Price;
    public SelfTradePreventionMode Stp;
    public WorkingType WorkingType = WorkingType.ContractPrice;
    public PriceMatch PriceMatch;
    public bool ClosePosition;
    public bool PriceProtect;
    public bool ReduceOnly;
    public decimal? ActivatePrice;
    public decimal? CallbackRate;
    public bool Activated;
    public decimal Extreme;
    public long CreateTime;
    public long UpdateTime;
    public long TriggerTime;
    public long GoodTillDate;
    public FuturesOrder? ActualOrder;
    public string FailureReason = "";

    public bool IsOpen => Status is AlgoStatus.New or AlgoStatus.Triggering;

    public bool IsTrailing => Type == FuturesOrderType.TrailingStopMarket;

    public AlgoOrderView ToView() => new()
    {
        AlgoId = AlgoId,
        ClientAlgoId = ClientAlgoId,
        OrderType = Type,
        Symbol = Market.Symbol,
        Side = Side,
        PositionSide = PositionSide,
        TimeInForce = TimeInForce,
        Quantity = Quantity,
        AlgoStatus = Status,
        TriggerPrice = TriggerPrice,
        Price = Price,
        SelfTradePreventionMode = Stp,
        WorkingType = WorkingType,
        PriceMatch = PriceMatch,
        ClosePosition = ClosePosition,
        PriceProtect = PriceProtect,
        ReduceOnly = ReduceOnly,
        ActivatePrice = ActivatePrice,
        CallbackRate = CallbackRate,
        IsActivated = Activated,
        CreateTime = CreateTime,
        UpdateTime = UpdateTime,
        TriggerTime = TriggerTime,
        GoodTillDate = GoodTillDate,
        ActualOrderId = ActualOrder?.OrderId,
        ActualOrderType = ActualOrder?.Type,
        ActualPrice = ActualOrder is null ? 0 : Market.RoundPriceDisplay(ActualOrder.AvgPrice),
        ExecutedQty = ActualOrder?.ExecutedQty ?? 0,
        FailureReason = FailureReason,
    };
}
