using System.Globalization;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>USD-M order status on the wire (REFERENCE §5.4).</summary>
internal enum UsdMOrderStatus
{
    Unknown = 0,
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Rejected,
    Expired,
    ExpiredInMatch,
}

/// <summary>USD-M execution type (<c>x</c> in <c>ORDER_TRADE_UPDATE</c>).</summary>
internal enum UsdMExecutionType
{
    Unknown = 0,
    New,
    Canceled,
    /// <summary>Liquidation execution.</summary>
    Calculated,
    Expired,
    Trade,
    /// <summary>The order was modified.</summary>
    Amendment,
}

/// <summary>Status of a USD-M algo (conditional) order (REFERENCE §5.5).</summary>
public enum AlgoOrderStatus
{
    Unknown = 0,
    /// <summary>Accepted, not triggered.</summary>
    New = 1,
    Canceled = 2,
    /// <summary>Triggered, being sent to the matching engine.</summary>
    Triggering = 3,
    /// <summary>Placed in the matching engine as a normal order (<c>actualOrderId</c>), which reports its own updates.</summary>
    Triggered = 4,
    /// <summary>The triggered order is done (filled or cancelled).</summary>
    Finished = 5,
    /// <summary>Refused at trigger time (e.g. the margin check).</summary>
    Rejected = 6,
    /// <summary>Cancelled by the system (e.g. GTE_GTC with no position).</summary>
    Expired = 7,
}

/// <summary>USD-M contract status (<c>exchangeInfo.symbols[].status</c>).</summary>
public enum UsdMContractStatus
{
    Unknown = 0,
    Trading = 1,
    PendingTrading = 2,
    PreDelivering = 3,
    Delivering = 4,
    Delivered = 5,
    PreSettle = 6,
    Settling = 7,
    Close = 8,
}

/// <summary>USD-M contract type (<c>contractType</c>).</summary>
public enum UsdMContractType
{
    Unknown = 0,
    Perpetual = 1,
    CurrentMonth = 2,
    NextMonth = 3,
    CurrentQuarter = 4,
    NextQuarter = 5,
    PerpetualDelivering = 6,
    TradifiPerpetual = 7,
}

/// <summary>USD-M income types (<c>/fapi/v1/income</c> <c>incomeType</c>).</summary>
public enum UsdMIncomeType
{
    /// <summary>A type this connector does not know; see the raw text.</summary>
    Other = 0,
    Transfer = 1,
    WelcomeBonus = 2,
    RealizedPnl = 3,
    FundingFee = 4,
    Commission = 5,
    InsuranceClear = 6,
    ReferralKickback = 7,
    CommissionRebate = 8,
    ApiRebate = 9,
    ContestReward = 10,
    CrossCollateralTransfer = 11,
    OptionsPremiumFee = 12,
    OptionsSettleProfit = 13,
    InternalTransfer = 14,
    AutoExchange = 15,
    DeliveredSettlement = 16,
    CoinSwapDeposit = 17,
    CoinSwapWithdraw = 18,
    PositionLimitIncreaseFee = 19,
    StrategyUmFuturesTransfer = 20,
    FeeReturn = 21,
    BfusdReward = 22,
}

/// <summary>Wire text ↔ enums for USD-M, and the mapping to domain enums.</summary>
internal static class UsdMEnums
{
    public static UsdMOrderStatus ParseStatus(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("NEW"u8) => UsdMOrderStatus.New,
        _ when text.SequenceEqual("PARTIALLY_FILLED"u8) => UsdMOrderStatus.PartiallyFilled,
        _ when text.SequenceEqual("FILLED"u8) => UsdMOrderStatus.Filled,
        _ when text.SequenceEqual("CANCELED"u8) => UsdMOrderStatus.Canceled,
        _ when text.SequenceEqual("REJECTED"u8) => UsdMOrderStatus.Rejected,
        _ when text.SequenceEqual("EXPIRED"u8) => UsdMOrderStatus.Expired,
        _ when text.SequenceEqual("EXPIRED_IN_MATCH"u8) => UsdMOrderStatus.ExpiredInMatch,
        _ => UsdMOrderStatus.Unknown,
    };

    public static UsdMExecutionType ParseExecutionType(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("NEW"u8) => UsdMExecutionType.New,
        _ when text.SequenceEqual("TRADE"u8) => UsdMExecutionType.Trade,
        _ when text.SequenceEqual("CANCELED"u8) => UsdMExecutionType.Canceled,
        _ when text.SequenceEqual("EXPIRED"u8) => UsdMExecutionType.Expired,
        _ when text.SequenceEqual("CALCULATED"u8) => UsdMExecutionType.Calculated,
        _ when text.SequenceEqual("AMENDMENT"u8) => UsdMExecutionType.Amendment,
        _ => UsdMExecutionType.Unknown,
    };

    public static AlgoOrderStatus ParseAlgoStatus(string? text) => text switch
    {
        "NEW" => AlgoOrderStatus.New,
        "CANCELED" => AlgoOrderStatus.Canceled,
        "TRIGGERING" => AlgoOrderStatus.Triggering,
        "TRIGGERED" => AlgoOrderStatus.Triggered,
        "FINISHED" => AlgoOrderStatus.Finished,
        "REJECTED" => AlgoOrderStatus.Rejected,
        "EXPIRED" => AlgoOrderStatus.Expired,
        _ => AlgoOrderStatus.Unknown,
    };

    /// <summary>Order types of <c>/fapi/v1/order</c> and the algo service; <c>LIQUIDATION</c> and unknown types are null.</summary>
    public static OrderType? ParseOrderType(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("LIMIT"u8) => OrderType.Limit,
        _ when text.SequenceEqual("MARKET"u8) => OrderType.Market,
        _ when text.SequenceEqual("STOP"u8) => OrderType.StopLimit,
        _ when text.SequenceEqual("STOP_MARKET"u8) => OrderType.StopMarket,
        _ when text.SequenceEqual("TAKE_PROFIT"u8) => OrderType.TakeProfitLimit,
        _ when text.SequenceEqual("TAKE_PROFIT_MARKET"u8) => OrderType.TakeProfitMarket,
        _ when text.SequenceEqual("TRAILING_STOP_MARKET"u8) => OrderType.TrailingStopMarket,
        _ => null,
    };

    public static OrderType? ParseOrderType(string? text) => text is null ? null : ParseOrderType(System.Text.Encoding.ASCII.GetBytes(text));

    /// <summary>GTD and RPI have no domain equivalent (null).</summary>
    public static TimeInForce? ParseTimeInForce(ReadOnlySpan<byte> text) => SpotEnums.ParseTimeInForce(text);

    public static TimeInForce? ParseTimeInForce(string? text) => text is null ? null : SpotEnums.ParseTimeInForce(System.Text.Encoding.ASCII.GetBytes(text));

    public static PositionSide? ParsePositionSide(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("BOTH"u8) => PositionSide.Both,
        _ when text.SequenceEqual("LONG"u8) => PositionSide.Long,
        _ when text.SequenceEqual("SHORT"u8) => PositionSide.Short,
        _ => null,
    };

    public static PositionSide? ParsePositionSide(string? text) => text switch
    {
        "BOTH" => PositionSide.Both,
        "LONG" => PositionSide.Long,
        "SHORT" => PositionSide.Short,
        _ => null,
    };

    public static TriggerPriceType? ParseWorkingType(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("MARK_PRICE"u8) ? TriggerPriceType.MarkPrice : text.SequenceEqual("CONTRACT_PRICE"u8) ? TriggerPriceType.LastPrice : null;

    public static TriggerPriceType? ParseWorkingType(string? text) => text switch
    {
        "MARK_PRICE" => TriggerPriceType.MarkPrice,
        "CONTRACT_PRICE" => TriggerPriceType.LastPrice,
        _ => null,
    };

    /// <summary><c>isolated</c> / <c>ISOLATED</c> and <c>cross</c> / <c>crossed</c> / <c>CROSSED</c>.</summary>
    public static VenueMarginType? ParseMarginType(string? text) => text?.ToUpperInvariant() switch
    {
        "ISOLATED" => VenueMarginType.Isolated,
        "CROSS" or "CROSSED" => VenueMarginType.Cross,
        _ => null,
    };

    public static UsdMContractStatus ParseContractStatus(string? text) => text switch
    {
        "TRADING" => UsdMContractStatus.Trading,
        "PENDING_TRADING" => UsdMContractStatus.PendingTrading,
        "PRE_DELIVERING" => UsdMContractStatus.PreDelivering,
        "DELIVERING" => UsdMContractStatus.Delivering,
        "DELIVERED" => UsdMContractStatus.Delivered,
        "PRE_SETTLE" => UsdMContractStatus.PreSettle,
        "SETTLING" => UsdMContractStatus.Settling,
        "CLOSE" => UsdMContractStatus.Close,
        _ => UsdMContractStatus.Unknown,
    };

    public static UsdMContractType ParseContractType(string? text) => text switch
    {
        "PERPETUAL" => UsdMContractType.Perpetual,
        "CURRENT_MONTH" => UsdMContractType.CurrentMonth,
        "NEXT_MONTH" => UsdMContractType.NextMonth,
        "CURRENT_QUARTER" => UsdMContractType.CurrentQuarter,
        "NEXT_QUARTER" => UsdMContractType.NextQuarter,
        "PERPETUAL_DELIVERING" => UsdMContractType.PerpetualDelivering,
        "TRADIFI_PERPETUAL" => UsdMContractType.TradifiPerpetual,
        _ => UsdMContractType.Unknown,
    };

    public static UsdMIncomeType ParseIncomeType(string? text) => text switch
    {
        "TRANSFER" => UsdMIncomeType.Transfer,
        "WELCOME_BONUS" => UsdMIncomeType.WelcomeBonus,
        "REALIZED_PNL" => UsdMIncomeType.RealizedPnl,
        "FUNDING_FEE" => UsdMIncomeType.FundingFee,
        "COMMISSION" => UsdMIncomeType.Commission,
        "INSURANCE_CLEAR" => UsdMIncomeType.InsuranceClear,
        "REFERRAL_KICKBACK" => UsdMIncomeType.ReferralKickback,
        "COMMISSION_REBATE" => UsdMIncomeType.CommissionRebate,
        "API_REBATE" => UsdMIncomeType.ApiRebate,
        "CONTEST_REWARD" => UsdMIncomeType.ContestReward,
        "CROSS_COLLATERAL_TRANSFER" => UsdMIncomeType.CrossCollateralTransfer,
        "OPTIONS_PREMIUM_FEE" => UsdMIncomeType.OptionsPremiumFee,
        "OPTIONS_SETTLE_PROFIT" => UsdMIncomeType.OptionsSettleProfit,
        "INTERNAL_TRANSFER" => UsdMIncomeType.InternalTransfer,
        "AUTO_EXCHANGE" => UsdMIncomeType.AutoExchange,
        "DELIVERED_SETTELMENT" or "DELIVERED_SETTLEMENT" => UsdMIncomeType.DeliveredSettlement,
        "COIN_SWAP_DEPOSIT" => UsdMIncomeType.CoinSwapDeposit,
        "COIN_SWAP_WITHDRAW" => UsdMIncomeType.CoinSwapWithdraw,
        "POSITION_LIMIT_INCREASE_FEE" => UsdMIncomeType.PositionLimitIncreaseFee,
        "STRATEGY_UMFUTURES_TRANSFER" => UsdMIncomeType.StrategyUmFuturesTransfer,
        "FEE_RETURN" => UsdMIncomeType.FeeReturn,
        "BFUSD_REWARD" => UsdMIncomeType.BfusdReward,
        _ => UsdMIncomeType.Other,
    };

    public static string ToWire(UsdMIncomeType type) => type switch
    {
        UsdMIncomeType.Transfer => "TRANSFER",
        UsdMIncomeType.WelcomeBonus => "WELCOME_BONUS",
        UsdMIncomeType.RealizedPnl => "REALIZED_PNL",
        UsdMIncomeType.FundingFee => "FUNDING_FEE",
        UsdMIncomeType.Commission => "COMMISSION",
        UsdMIncomeType.InsuranceClear => "INSURANCE_CLEAR",
        UsdMIncomeType.ReferralKickback => "REFERRAL_KICKBACK",
        UsdMIncomeType.CommissionRebate => "COMMISSION_REBATE",
        UsdMIncomeType.ApiRebate => "API_REBATE",
        UsdMIncomeType.ContestReward => "CONTEST_REWARD",
        UsdMIncomeType.CrossCollateralTransfer => "CROSS_COLLATERAL_TRANSFER",
        UsdMIncomeType.OptionsPremiumFee => "OPTIONS_PREMIUM_FEE",
        UsdMIncomeType.OptionsSettleProfit => "OPTIONS_SETTLE_PROFIT",
        UsdMIncomeType.InternalTransfer => "INTERNAL_TRANSFER",
        UsdMIncomeType.AutoExchange => "AUTO_EXCHANGE",
        UsdMIncomeType.DeliveredSettlement => "DELIVERED_SETTELMENT",
        UsdMIncomeType.CoinSwapDeposit => "COIN_SWAP_DEPOSIT",
        UsdMIncomeType.CoinSwapWithdraw => "COIN_SWAP_WITHDRAW",
        UsdMIncomeType.PositionLimitIncreaseFee => "POSITION_LIMIT_INCREASE_FEE",
        UsdMIncomeType.StrategyUmFuturesTransfer => "STRATEGY_UMFUTURES_TRANSFER",
        UsdMIncomeType.FeeReturn => "FEE_RETURN",
        UsdMIncomeType.BfusdReward => "BFUSD_REWARD",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no wire name for this income type"),
    };

    public static OrderStatus? ToDomain(UsdMOrderStatus status) => status switch
    {
        UsdMOrderStatus.New => OrderStatus.New,
        UsdMOrderStatus.PartiallyFilled => OrderStatus.PartiallyFilled,
        UsdMOrderStatus.Filled => OrderStatus.Filled,
        UsdMOrderStatus.Canceled => OrderStatus.Canceled,
        UsdMOrderStatus.Rejected => OrderStatus.Rejected,
        UsdMOrderStatus.Expired or UsdMOrderStatus.ExpiredInMatch => OrderStatus.Expired,
        _ => null,
    };

    public static string ToWire(PositionSide side) => side switch
    {
        PositionSide.Both => "BOTH",
        PositionSide.Long => "LONG",
        PositionSide.Short => "SHORT",
        _ => throw new ArgumentOutOfRangeException(nameof(side), side, "unknown position side"),
    };

    public static string ToWire(TimeInForce timeInForce) => timeInForce switch
    {
        TimeInForce.Gtc => "GTC",
        TimeInForce.Ioc => "IOC",
        TimeInForce.Fok => "FOK",
        TimeInForce.Gtx => "GTX",
        _ => throw new ArgumentOutOfRangeException(nameof(timeInForce), timeInForce, "unknown time in force"),
    };

    public static string ToWire(TriggerPriceType type) => type switch
    {
        TriggerPriceType.MarkPrice => "MARK_PRICE",
        TriggerPriceType.LastPrice => "CONTRACT_PRICE",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown trigger price type"),
    };

    /// <summary>The text of an <c>ORDER_TRADE_UPDATE</c> expiry reason code (<c>er</c>), or null for 0 / none.</summary>
    public static string? ExpiryReason(string? code) => code switch
    {
        null or "" or "0" => null,
        "1" => "self-trade prevention",
        "2" => "IOC remainder",
        "3" => "IOC remainder after self-trade prevention",
        "4" => "knocked out by a higher-priority reduce-only order or would reverse the position",
        "5" => "account liquidation",
        "6" => "GTE condition not met",
        "7" => "symbol delisted",
        "8" => "initial order expired after its stop triggered",
        "9" => "MARKET remainder",
        _ => string.Create(CultureInfo.InvariantCulture, $"expiry reason {code}"),
    };
}

/// <summary>
/// How USD-M venue order ids are written into <see cref="VenueOrderId"/>: engine orders by their numeric
/// <c>orderId</c>, algo (conditional) orders as <c>algo-&lt;algoId&gt;</c> so the two id spaces never collide and a
/// cancel or query can be routed to the right service from the id alone.
/// </summary>
public static class UsdMOrderIds
{
    private const string AlgoPrefix = "algo-";

    /// <summary>The venue id of an algo order.</summary>
    public static VenueOrderId Algo(long algoId) => new(AlgoPrefix + algoId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The venue id of an engine order.</summary>
    public static VenueOrderId Order(long orderId) => new(orderId.ToString(CultureInfo.InvariantCulture));

    public static bool IsAlgo(VenueOrderId? id) => id is { Value: { } value } && value.StartsWith(AlgoPrefix, StringComparison.Ordinal);

    public static bool TryGetAlgoId(VenueOrderId? id, out long algoId)
    {
        algoId = 0;
        return IsAlgo(id) && long.TryParse(id!.Value.Value.AsSpan(AlgoPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out algoId);
    }

    public static bool TryGetOrderId(VenueOrderId? id, out long orderId)
    {
        orderId = 0;
        return id is { Value: { } value } && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out orderId);
    }
}
