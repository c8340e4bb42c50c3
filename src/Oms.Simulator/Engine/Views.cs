namespace Oms.Simulator.Engine;

// Immutable snapshots returned by the engine. Field names follow the Binance JSON names; the wire layer
// formats decimals and renders enums with WireNames.

/// <summary>A spot order as GET /api/v3/order shows it (plus response-only fields).</summary>
public sealed record SpotOrderView
{
    public required string Symbol { get; init; }
    public required long OrderId { get; init; }
    public long OrderListId { get; init; } = -1;
    public required string ClientOrderId { get; init; }
    public decimal Price { get; init; }
    public decimal OrigQty { get; init; }
    public decimal ExecutedQty { get; init; }
    public decimal CummulativeQuoteQty { get; init; }
    public decimal OrigQuoteOrderQty { get; init; }
    public OrderStatus Status { get; init; }
    public TimeInForce TimeInForce { get; init; }
    public SpotOrderType Type { get; init; }
    public OrderSide Side { get; init; }
    public decimal StopPrice { get; init; }
    public decimal IcebergQty { get; init; }
    /// <summary>Creation time.</summary>
    public long Time { get; init; }
    public long UpdateTime { get; init; }
    /// <summary>True once the order is on the book (untriggered stops are not working).</summary>
    public bool IsWorking { get; init; }
    /// <summary>Time the order went on the book; -1 while not working.</summary>
    public long WorkingTime { get; init; }
    public SelfTradePreventionMode SelfTradePreventionMode { get; init; }
    public long? PreventedMatchId { get; init; }
    public decimal? PreventedQuantity { get; init; }
    public long? TrailingDelta { get; init; }
    /// <summary>Time trailing started tracking; null when not a trailing order or not yet activated.</summary>
    public long? TrailingTime { get; init; }
    public long? StrategyId { get; init; }
    public int? StrategyType { get; init; }
    public SpotExpiryReason ExpiryReason { get; init; }
}

/// <summary>One fill of a spot order response (<c>fills[]</c>).</summary>
public sealed record SpotFill(decimal Price, decimal Qty, decimal Commission, string CommissionAsset, long TradeId);

/// <summary>One entry of <c>preventedMatches[]</c> in a spot order response.</summary>
public sealed record SpotPreventedMatch(
    long PreventedMatchId,
    long MakerOrderId,
    decimal Price,
    decimal? TakerPreventedQuantity,
    decimal? MakerPreventedQuantity);

/// <summary>Result of a spot placement: the order after immediate matching, its fills and prevented matches.</summary>
public sealed record SpotOrderResult(
    SpotOrderView Order,
    IReadOnlyList<SpotFill> Fills,
    IReadOnlyList<SpotPreventedMatch> PreventedMatches,
    long TransactTime);

/// <summary>Result of a spot cancel. <see cref="CancelClientOrderId"/> is the response's clientOrderId.</summary>
public sealed record SpotCancelResult(
    SpotOrderView Order,
    string CancelClientOrderId,
    long TransactTime,
    SpotOrderListResult? OrderList);

/// <summary>Result of a spot cancel-replace: either leg may have failed (see REFERENCE §1.10).</summary>
public sealed record SpotCancelReplaceResult
{
    public required CancelReplaceLegResult CancelResult { get; init; }
    public required CancelReplaceLegResult NewOrderResult { get; init; }
    public SpotCancelResult? CancelResponse { get; init; }
    public EngineError? CancelError { get; init; }
    public SpotOrderResult? NewOrderResponse { get; init; }
    public EngineError? NewOrderError { get; init; }

    /// <summary>Null on full success; otherwise -2021 (partial, HTTP 409) or -2022 (total, HTTP 400).</summary>
    public EngineError? Error { get; init; }
}

/// <summary>An order list (OCO) as the orderList endpoints and listStatus show it.</summary>
public sealed record SpotOrderListResult(
    long OrderListId,
    ContingencyType ContingencyType,
    ListStatusType ListStatusType,
    ListOrderStatus ListOrderStatus,
    string ListClientOrderId,
    long TransactionTime,
    string Symbol,
    IReadOnlyList<SpotOrderView> Orders,
    IReadOnlyList<SpotFill> Fills);

/// <summary>Cancel-all result: single orders and whole order lists cancelled.</summary>
public sealed record SpotCancelAllResult(IReadOnlyList<SpotCancelResult> Orders, IReadOnlyList<SpotOrderListResult> OrderLists);

/// <summary>A row of myTrades (spot) — also used for the account's own fills.</summary>
public sealed record SpotTradeView(
    string Symbol,
    long Id,
    long OrderId,
    long OrderListId,
    decimal Price,
    decimal Qty,
    decimal QuoteQty,
    decimal Commission,
    string CommissionAsset,
    long Time,
    bool IsBuyer,
    bool IsMaker,
    bool IsBestMatch);

public sealed record SpotBalanceView(string Asset, decimal Free, decimal Locked);

/// <summary>GET /api/v3/account.</summary>
public sealed record SpotAccountView(
    long Uid,
    FeeRates Commission,
    bool CanTrade,
    long UpdateTime,
    IReadOnlyList<SpotBalanceView> Balances);

/// <summary>A USDⓈ-M order as GET /fapi/v1/order shows it.</summary>
public sealed record FuturesOrderView
{
    public required string Symbol { get; init; }
    public required long OrderId { get; init; }
    public required string ClientOrderId { get; init; }
    public decimal Price { get; init; }
    public decimal AvgPrice { get; init; }
    public decimal OrigQty { get; init; }
    public decimal ExecutedQty { get; init; }
    /// <summary>Cumulative quote (USDT) filled.</summary>
    public decimal CumQuote { get; init; }
    public OrderStatus Status { get; init; }
    public TimeInForce TimeInForce { get; init; }
    public FuturesOrderType Type { get; init; }
    public FuturesOrderType OrigType { get; init; }
    public OrderSide Side { get; init; }
    public PositionSide PositionSide { get; init; }
    public bool ReduceOnly { get; init; }
    public bool ClosePosition { get; init; }
    public decimal StopPrice { get; init; }
    public WorkingType WorkingType { get; init; } = WorkingType.ContractPrice;
    public bool PriceProtect { get; init; }
    public PriceMatch PriceMatch { get; init; }
    public SelfTradePreventionMode SelfTradePreventionMode { get; init; }
    public long GoodTillDate { get; init; }
    public long Time { get; init; }
    public long UpdateTime { get; init; }
    public decimal? ActivatePrice { get; init; }
    public decimal? PriceRate { get; init; }
    public FuturesExpiryReason ExpiryReason { get; init; }
    /// <summary>Algo order that placed this order when triggered; null for direct orders.</summary>
    public long? AlgoId { get; init; }
}

/// <summary>A USDⓈ-M fill row (GET /fapi/v1/userTrades).</summary>
public sealed record FuturesTradeView(
    string Symbol,
    long Id,
    long OrderId,
    OrderSide Side,
    PositionSide PositionSide,
    decimal Price,
    decimal Qty,
    decimal QuoteQty,
    decimal RealizedPnl,
    decimal Commission,
    string CommissionAsset,
    long Time,
    bool Buyer,
    bool Maker);

/// <summary>A USDⓈ-M conditional order (algo service).</summary>
public sealed record AlgoOrderView
{
    public required long AlgoId { get; init; }
    public required string ClientAlgoId { get; init; }
    /// <summary>Always "CONDITIONAL".</summary>
    public string AlgoType { get; init; } = "CONDITIONAL";
    public required FuturesOrderType OrderType { get; init; }
    public required string Symbol { get; init; }
    public OrderSide Side { get; init; }
    public PositionSide PositionSide { get; init; }
    public TimeInForce TimeInForce { get; init; }
    public decimal Quantity { get; init; }
    public AlgoStatus AlgoStatus { get; init; }
    public decimal TriggerPrice { get; init; }
    public decimal Price { get; init; }
    public SelfTradePreventionMode SelfTradePreventionMode { get; init; }
    public WorkingType WorkingType { get; init; }
    public PriceMatch PriceMatch { get; init; }
    public bool ClosePosition { get; init; }
    public bool PriceProtect { get; init; }
    public bool ReduceOnly { get; init; }
    public decimal? ActivatePrice { get; init; }
    public decimal? CallbackRate { get; init; }
    /// <summary>True once a trailing order's activation condition was met (ALGO_UPDATE <c>ia</c>).</summary>
    public bool IsActivated { get; init; }
    public long CreateTime { get; init; }
    public long UpdateTime { get; init; }
    /// <summary>0 until triggered.</summary>
    public long TriggerTime { get; init; }
    public long GoodTillDate { get; init; }
    /// <summary>Engine order placed at trigger; null before.</summary>
    public long? ActualOrderId { get; init; }
    /// <summary>Order type of the placed order (MARKET or LIMIT); null before trigger.</summary>
    public FuturesOrderType? ActualOrderType { get; init; }
    /// <summary>Average fill price of the placed order (0 before).</summary>
    public decimal ActualPrice { get; init; }
    /// <summary>Executed quantity of the placed order.</summary>
    public decimal ExecutedQty { get; init; }
    /// <summary>Reason for REJECTED/EXPIRED (ALGO_UPDATE <c>rm</c>), empty otherwise.</summary>
    public string FailureReason { get; init; } = "";
}

/// <summary>A row of GET /fapi/v3/positionRisk.</summary>
public sealed record PositionView
{
    public required string Symbol { get; init; }
    public PositionSide PositionSide { get; init; }
    public decimal PositionAmt { get; init; }
    public decimal EntryPrice { get; init; }
    public decimal BreakEvenPrice { get; init; }
    public decimal MarkPrice { get; init; }
    public decimal UnRealizedProfit { get; init; }
    /// <summary>Always 0: liquidation is not simulated.</summary>
    public decimal LiquidationPrice { get; init; }
    public decimal IsolatedMargin { get; init; }
    public decimal Notional { get; init; }
    public string MarginAsset { get; init; } = "USDT";
    public decimal IsolatedWallet { get; init; }
    public decimal InitialMargin { get; init; }
    public decimal MaintMargin { get; init; }
    public decimal PositionInitialMargin { get; init; }
    public decimal OpenOrderInitialMargin { get; init; }
    public int Adl { get; init; }
    public decimal BidNotional { get; init; }
    public decimal AskNotional { get; init; }
    public MarginType MarginType { get; init; }
    public int Leverage { get; init; }
    /// <summary>Accumulated realized PnL of this position (ACCOUNT_UPDATE <c>cr</c>).</summary>
    public decimal AccumulatedRealized { get; init; }
    public long UpdateTime { get; init; }
}

/// <summary>A USDⓈ-M wallet asset (balance / account assets).</summary>
public sealed record FuturesAssetView
{
    public required string Asset { get; init; }
    public decimal WalletBalance { get; init; }
    public decimal UnrealizedProfit { get; init; }
    public decimal MarginBalance { get; init; }
    public decimal MaintMargin { get; init; }
    public decimal InitialMargin { get; init; }
    public decimal PositionInitialMargin { get; init; }
    public decimal OpenOrderInitialMargin { get; init; }
    public decimal CrossWalletBalance { get; init; }
    public decimal CrossUnPnl { get; init; }
    public decimal AvailableBalance { get; init; }
    public decimal MaxWithdrawAmount { get; init; }
    public long UpdateTime { get; init; }
}

/// <summary>GET /fapi/v3/account (single-asset mode).</summary>
public sealed record FuturesAccountView
{
    public decimal TotalInitialMargin { get; init; }
    public decimal TotalMaintMargin { get; init; }
    public decimal TotalWalletBalance { get; init; }
    public decimal TotalUnrealizedProfit { get; init; }
    public decimal TotalMarginBalance { get; init; }
    public decimal TotalPositionInitialMargin { get; init; }
    public decimal TotalOpenOrderInitialMargin { get; init; }
    public decimal TotalCrossWalletBalance { get; init; }
    public decimal TotalCrossUnPnl { get; init; }
    public decimal AvailableBalance { get; init; }
    public decimal MaxWithdrawAmount { get; init; }
    /// <summary>Maintenance margin / margin balance (0 when nothing is open).</summary>
    public decimal MarginRatio { get; init; }
    public bool CanTrade { get; init; }
    public bool DualSidePosition { get; init; }
    public FeeRates Commission { get; init; } = new(0, 0);
    public required IReadOnlyList<FuturesAssetView> Assets { get; init; }
    public required IReadOnlyList<PositionView> Positions { get; init; }
}

/// <summary>A row of GET /fapi/v1/income.</summary>
public sealed record IncomeView(
    string Symbol,
    IncomeType IncomeType,
    decimal Income,
    string Asset,
    string Info,
    long Time,
    long TranId,
    string TradeId);

/// <summary>POST /fapi/v1/leverage result.</summary>
public sealed record LeverageView(string Symbol, int Leverage, decimal MaxNotionalValue);

/// <summary>GET /fapi/v1/symbolConfig row.</summary>
public sealed record SymbolConfigView(string Symbol, MarginType MarginType, bool IsAutoAddMargin, int Leverage, decimal MaxNotionalValue);

/// <summary>POST /fapi/v1/countdownCancelAll result.</summary>
public sealed record CountdownView(string Symbol, long CountdownTime);

/// <summary>One price level (price, total visible quantity).</summary>
public readonly record struct PriceLevel(decimal Price, decimal Quantity);

/// <summary>Order book snapshot (GET depth).</summary>
public sealed record OrderBookSnapshot(
    long LastUpdateId,
    long EventTime,
    long TransactionTime,
    IReadOnlyList<PriceLevel> Bids,
    IReadOnlyList<PriceLevel> Asks);

/// <summary>A public trade (GET trades / trade stream).</summary>
public sealed record PublicTrade(long Id, decimal Price, decimal Qty, decimal QuoteQty, long Time, bool IsBuyerMaker, bool IsBestMatch);

/// <summary>An aggregate trade (one taker, one price).</summary>
public sealed record AggregateTrade(long AggTradeId, decimal Price, decimal Qty, long FirstTradeId, long LastTradeId, long Time, bool IsBuyerMaker);

/// <summary>Best bid/ask (ticker/bookTicker). Prices are 0 and quantities 0 when a side is empty.</summary>
public sealed record BookTicker(string Symbol, decimal BidPrice, decimal BidQty, decimal AskPrice, decimal AskQty, long UpdateId, long Time);

/// <summary>Spot GET /api/v3/avgPrice.</summary>
public sealed record AvgPriceView(int Mins, decimal Price, long CloseTime);

/// <summary>USDⓈ-M premiumIndex / markPrice stream.</summary>
public sealed record MarkPriceView(
    string Symbol,
    decimal MarkPrice,
    decimal IndexPrice,
    decimal EstimatedSettlePrice,
    decimal LastFundingRate,
    long NextFundingTime,
    decimal InterestRate,
    long Time);
