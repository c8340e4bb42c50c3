namespace Oms.Connectors.Binance.Parsing;

/// <summary>Spot order status on the wire (REFERENCE §1.9).</summary>
internal enum SpotOrderStatus
{
    Unknown = 0,
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

/// <summary>Spot execution type (<c>x</c> in <c>executionReport</c>).</summary>
internal enum SpotExecutionType
{
    Unknown = 0,
    New,
    Canceled,
    Replaced,
    Rejected,
    Trade,
    Expired,
    TradePrevention,
}

/// <summary>Wire text ↔ enums for spot, and the mapping to domain enums.</summary>
internal static class SpotEnums
{
    public static SpotOrderStatus ParseStatus(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("NEW"u8) => SpotOrderStatus.New,
        _ when text.SequenceEqual("PARTIALLY_FILLED"u8) => SpotOrderStatus.PartiallyFilled,
        _ when text.SequenceEqual("FILLED"u8) => SpotOrderStatus.Filled,
        _ when text.SequenceEqual("CANCELED"u8) => SpotOrderStatus.Canceled,
        _ when text.SequenceEqual("EXPIRED"u8) => SpotOrderStatus.Expired,
        _ when text.SequenceEqual("EXPIRED_IN_MATCH"u8) => SpotOrderStatus.ExpiredInMatch,
        _ when text.SequenceEqual("REJECTED"u8) => SpotOrderStatus.Rejected,
        _ when text.SequenceEqual("PENDING_NEW"u8) => SpotOrderStatus.PendingNew,
        _ when text.SequenceEqual("PENDING_CANCEL"u8) => SpotOrderStatus.PendingCancel,
        _ => SpotOrderStatus.Unknown,
    };

    public static SpotExecutionType ParseExecutionType(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("NEW"u8) => SpotExecutionType.New,
        _ when text.SequenceEqual("TRADE"u8) => SpotExecutionType.Trade,
        _ when text.SequenceEqual("CANCELED"u8) => SpotExecutionType.Canceled,
        _ when text.SequenceEqual("EXPIRED"u8) => SpotExecutionType.Expired,
        _ when text.SequenceEqual("REPLACED"u8) => SpotExecutionType.Replaced,
        _ when text.SequenceEqual("REJECTED"u8) => SpotExecutionType.Rejected,
        _ when text.SequenceEqual("TRADE_PREVENTION"u8) => SpotExecutionType.TradePrevention,
        _ => SpotExecutionType.Unknown,
    };

    public static OrderSide? ParseSide(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("BUY"u8) ? OrderSide.Buy : text.SequenceEqual("SELL"u8) ? OrderSide.Sell : null;

    public static OrderType? ParseOrderType(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("LIMIT"u8) => OrderType.Limit,
        _ when text.SequenceEqual("MARKET"u8) => OrderType.Market,
        _ when text.SequenceEqual("LIMIT_MAKER"u8) => OrderType.LimitMaker,
        _ when text.SequenceEqual("STOP_LOSS"u8) => OrderType.StopMarket,
        _ when text.SequenceEqual("STOP_LOSS_LIMIT"u8) => OrderType.StopLimit,
        _ when text.SequenceEqual("TAKE_PROFIT"u8) => OrderType.TakeProfitMarket,
        _ when text.SequenceEqual("TAKE_PROFIT_LIMIT"u8) => OrderType.TakeProfitLimit,
        _ => null,
    };

    public static TimeInForce? ParseTimeInForce(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("GTC"u8) => TimeInForce.Gtc,
        _ when text.SequenceEqual("IOC"u8) => TimeInForce.Ioc,
        _ when text.SequenceEqual("FOK"u8) => TimeInForce.Fok,
        _ when text.SequenceEqual("GTX"u8) => TimeInForce.Gtx,
        _ => null,
    };

    public static OrderStatus? ToDomain(SpotOrderStatus status) => status switch
    {
        SpotOrderStatus.New => OrderStatus.New,
        SpotOrderStatus.PendingNew => OrderStatus.PendingNew,
        SpotOrderStatus.PartiallyFilled => OrderStatus.PartiallyFilled,
        SpotOrderStatus.Filled => OrderStatus.Filled,
        SpotOrderStatus.Canceled => OrderStatus.Canceled,
        SpotOrderStatus.PendingCancel => OrderStatus.PendingCancel,
        SpotOrderStatus.Rejected => OrderStatus.Rejected,
        SpotOrderStatus.Expired or SpotOrderStatus.ExpiredInMatch => OrderStatus.Expired,
        _ => null,
    };

    public static string ToWire(OrderSide side) => side switch
    {
        OrderSide.Buy => "BUY",
        OrderSide.Sell => "SELL",
        _ => throw new ArgumentOutOfRangeException(nameof(side), side, "unknown order side"),
    };

    public static string ToWire(TimeInForce timeInForce) => timeInForce switch
    {
        TimeInForce.Gtc => "GTC",
        TimeInForce.Ioc => "IOC",
        TimeInForce.Fok => "FOK",
        _ => throw new ArgumentOutOfRangeException(nameof(timeInForce), timeInForce, "time in force not available on Binance spot"),
    };
}
