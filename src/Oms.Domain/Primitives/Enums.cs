namespace Oms.Domain;

/// <summary>The exchanges the OMS can trade on.</summary>
public enum Venue
{
    Binance = 1,
    Bybit = 2,
    Okx = 3,
}

/// <summary>The product family of an instrument on its venue.</summary>
public enum MarketType
{
    Spot = 1,
    /// <summary>USDⓈ-margined perpetual and delivery futures.</summary>
    UsdMFutures = 2,
}

public enum OrderSide
{
    Buy = 1,
    Sell = 2,
}

public enum OrderType
{
    Market = 1,
    Limit = 2,
    /// <summary>Post-only limit: rejected by the venue if it would take liquidity.</summary>
    LimitMaker = 3,
    StopMarket = 4,
    StopLimit = 5,
    TakeProfitMarket = 6,
    TakeProfitLimit = 7,
    TrailingStopMarket = 8,
}

public enum TimeInForce
{
    Gtc = 1,
    Ioc = 2,
    Fok = 3,
    /// <summary>Good-till-crossing (post-only) on futures venues.</summary>
    Gtx = 4,
}

/// <summary>The lifecycle status of an order as the OMS knows it.</summary>
public enum OrderStatus
{
    /// <summary>Intent persisted and handed to the venue; no acknowledgement yet.</summary>
    PendingNew = 1,
    /// <summary>Acknowledged by the venue and working, nothing filled.</summary>
    New = 2,
    PartiallyFilled = 3,
    Filled = 4,
    /// <summary>A cancel was sent; the venue has not confirmed it.</summary>
    PendingCancel = 5,
    /// <summary>An amend or cancel-replace was sent; the venue has not confirmed it.</summary>
    PendingReplace = 6,
    Canceled = 7,
    /// <summary>The venue refused the order.</summary>
    Rejected = 8,
    /// <summary>The OMS refused the order (risk, validation, trading state); it never left.</summary>
    Denied = 9,
    Expired = 10,
}

/// <summary>What an account (or the firm) may do right now.</summary>
public enum TradingState
{
    /// <summary>Normal trading.</summary>
    Active = 1,
    /// <summary>Only orders that reduce exposure, and cancels.</summary>
    Reducing = 2,
    /// <summary>Cancels only.</summary>
    Halted = 3,
}

public enum PositionSide
{
    /// <summary>One-way (netting) mode: a single signed position.</summary>
    Both = 1,
    Long = 2,
    Short = 3,
}

public enum PositionMode
{
    OneWay = 1,
    Hedge = 2,
}

public enum LiquiditySide
{
    None = 0,
    Maker = 1,
    Taker = 2,
}

/// <summary>Which price a conditional order watches.</summary>
public enum TriggerPriceType
{
    LastPrice = 1,
    MarkPrice = 2,
}
