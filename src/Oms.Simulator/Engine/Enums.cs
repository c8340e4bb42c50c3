namespace Oms.Simulator.Engine;

// Every enum renders to its Binance wire name with WireNames.ToWire(): PascalCase becomes UPPER_SNAKE_CASE
// (PartiallyFilled → PARTIALLY_FILLED, Opponent5 → OPPONENT_5). Exceptions are listed in WireNames.

/// <summary>The two venues the simulator runs. Each has its own books, ids and wallets.</summary>
public enum MarketKind
{
    Spot,
    UsdM,
}

public enum OrderSide
{
    Buy,
    Sell,
}

public enum SymbolStatus
{
    Trading,
    EndOfDay,
    Halt,
    Break,
    CancelOnly,
}

/// <summary>Spot order types (REFERENCE §1.8).</summary>
public enum SpotOrderType
{
    Limit,
    Market,
    StopLoss,
    StopLossLimit,
    TakeProfit,
    TakeProfitLimit,
    LimitMaker,
}

/// <summary>USDⓈ-M order types. The conditional ones are accepted only by the algo service (§5.5).</summary>
public enum FuturesOrderType
{
    Limit,
    Market,
    Stop,
    StopMarket,
    TakeProfit,
    TakeProfitMarket,
    TrailingStopMarket,
}

public enum TimeInForce
{
    Gtc,
    Ioc,
    Fok,
    /// <summary>Futures post-only.</summary>
    Gtx,
    /// <summary>Futures good-till-date.</summary>
    Gtd,
}

public enum OrderStatus
{
    New,
    PendingNew,
    PartiallyFilled,
    Filled,
    Canceled,
    PendingCancel,
    Rejected,
    Expired,
    ExpiredInMatch,
}

/// <summary>Execution type of one order event (spot <c>x</c>, futures <c>o.x</c>).</summary>
public enum ExecutionType
{
    New,
    Canceled,
    Replaced,
    Rejected,
    Trade,
    Expired,
    TradePrevention,
    /// <summary>Futures: order modified (order.modify).</summary>
    Amendment,
    Calculated,
}

public enum SelfTradePreventionMode
{
    None,
    ExpireTaker,
    ExpireMaker,
    ExpireBoth,
    Decrement,
}

/// <summary>Spot executionReport reject reason (<c>r</c>).</summary>
public enum OrderRejectReason
{
    None,
    InsufficientBalances,
    StopPriceWouldTriggerImmediately,
    WouldMatchImmediately,
    OcoBadPrices,
}

/// <summary>Spot <c>expiryReason</c> / <c>eR</c> (§1.9).</summary>
public enum SpotExpiryReason
{
    None,
    Rejected,
    ExchangeCanceled,
    OcoTrigger,
    UnfilledIocQuantityExpired,
    UnfilledFokOrderExpired,
    InsufficientLiquidity,
}

/// <summary>USDⓈ-M <c>er</c> expiry reason; the wire value is the number (§5.8).</summary>
public enum FuturesExpiryReason
{
    None = 0,
    SelfTradePrevention = 1,
    IocRemainder = 2,
    IocRemainderDueToStp = 3,
    ReduceOnlyKnockedOut = 4,
    Liquidation = 5,
    GteConditionUnmet = 6,
    SymbolDelisted = 7,
    StopTriggeredInitialExpired = 8,
    MarketRemainder = 9,
}

public enum CancelRestrictions
{
    OnlyNew,
    OnlyPartiallyFilled,
}

public enum CancelReplaceMode
{
    StopOnFailure,
    AllowFailure,
}

/// <summary><c>cancelResult</c> / <c>newOrderResult</c> of a cancel-replace.</summary>
public enum CancelReplaceLegResult
{
    Success,
    Failure,
    NotAttempted,
}

public enum ContingencyType
{
    Oco,
}

public enum ListStatusType
{
    Response,
    ExecStarted,
    Updated,
    AllDone,
}

public enum ListOrderStatus
{
    Executing,
    AllDone,
    Reject,
}

public enum PositionSide
{
    Both,
    Long,
    Short,
}

/// <summary>REST spelling CROSSED/ISOLATED; user-data events use "cross"/"isolated" (wire's job).</summary>
public enum MarginType
{
    Crossed,
    Isolated,
}

public enum WorkingType
{
    MarkPrice,
    ContractPrice,
}

public enum PriceMatch
{
    None,
    Opponent,
    Opponent5,
    Opponent10,
    Opponent20,
    Queue,
    Queue5,
    Queue10,
    Queue20,
}

public enum AlgoStatus
{
    New,
    Canceled,
    Triggering,
    Triggered,
    Finished,
    Rejected,
    Expired,
}

public enum IncomeType
{
    Transfer,
    RealizedPnl,
    FundingFee,
    Commission,
}

/// <summary>ACCOUNT_UPDATE <c>a.m</c>.</summary>
public enum AccountUpdateReason
{
    Deposit,
    Withdraw,
    Order,
    FundingFee,
    Adjustment,
    MarginTransfer,
    MarginTypeChange,
}

/// <summary>How an exchangeInfo filter field is rendered in JSON.</summary>
public enum FilterValueKind
{
    /// <summary>A JSON string (decimals).</summary>
    String,
    /// <summary>A JSON number (counts, limits, avgPriceMins).</summary>
    Number,
    /// <summary>A JSON boolean (applyToMarket…).</summary>
    Boolean,
}
