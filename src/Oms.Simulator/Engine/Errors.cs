using System.Globalization;

namespace Oms.Simulator.Engine;

/// <summary>The Binance error codes and message texts the engine returns (spot errors.md, usdm-errors.tsv).</summary>
public static class EngineErrors
{
    public const string ClientOrderIdPattern = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$";

    // ---- shared / request level ----
    public static EngineError BadSymbol { get; } = new(-1121, "Invalid symbol.");
    public static EngineError UnknownAccount(string accountId) => new(-2015, $"Invalid API-key, IP, or permissions for action. (unknown account '{accountId}')");
    public static EngineError MandatoryParameter(string name) => new(-1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");
    public static EngineError EitherParameter(string first, string second) => new(-1102, $"Param '{first}' or '{second}' must be sent, but both were empty/null!");
    public static EngineError ParameterNotRequired(string name) => new(-1106, $"Parameter '{name}' sent when not required.");
    public static EngineError InvalidParameter(string name) => new(-1130, $"Data sent for parameter '{name}' is not valid.");
    public static EngineError IllegalChars(string name) => new(-1100, $"Illegal characters found in parameter '{name}'; legal range is '{ClientOrderIdPattern}'.");
    public static EngineError InvalidTimeInForce { get; } = new(-1115, "Invalid timeInForce.");
    public static EngineError InvalidOrderType { get; } = new(-1116, "Invalid orderType.");
    public static EngineError UnsupportedOrderCombination { get; } = new(-1014, "Unsupported order combination.");
    public static EngineError InvalidPrice { get; } = new(-1013, "Invalid price.");
    public static EngineError InvalidQuantity { get; } = new(-1013, "Invalid quantity.");
    public static EngineError StartTimeAfterEndTime { get; } = new(-1023, "Start time is greater than end time.");

    // ---- spot ----
    public static EngineError FilterFailure(string filterType) => new(-1013, "Filter failure: " + filterType);
    public static EngineError StpModeNotAllowed { get; } = new(-1013, "This symbol does not allow the specified self-trade prevention mode.");
    public static EngineError InsufficientBalance { get; } = new(-2010, "Account has insufficient balance for requested action.");
    public static EngineError DuplicateOrder { get; } = new(-2010, "Duplicate order sent.");
    public static EngineError WouldMatchAndTake { get; } = new(-2010, "Order would immediately match and take.");
    public static EngineError WouldTriggerImmediately { get; } = new(-2010, "Order would trigger immediately.");
    public static EngineError MarketClosed { get; } = new(-2010, "Market is closed.");
    public static EngineError AccountCannotTrade { get; } = new(-2010, "This account may not place or cancel orders.");
    public static EngineError IcebergNotSupported { get; } = new(-2010, "Iceberg orders are not supported for this symbol.");
    public static EngineError IcebergExceedsQty { get; } = new(-2010, "IcebergQty exceeds QTY.");
    public static EngineError OcoNotSupported { get; } = new(-2010, "OCO orders are not supported for this symbol");
    public static EngineError QuoteOrderQtyNotSupported { get; } = new(-2010, "Quote order qty market orders are not support for this symbol.");
    public static EngineError TrailingNotSupported { get; } = new(-2010, "Trailing stop orders are not supported for this symbol.");
    public static EngineError CancelReplaceNotSupported { get; } = new(-2010, "Order cancel-replace is not supported for this symbol.");
    public static EngineError NoLiquidityForQuoteOrder { get; } = new(-2010, "Order book liquidity is less than symbol minimum quantity.");
    public static EngineError PriceQtyZero { get; } = new(-2010, "Price * QTY is zero or less.");
    public static EngineError OcoBadPrices { get; } = new(-2010, "The relationship of the prices for the orders is not correct.");

    public static EngineError OrderTypeNotSupported(SpotOrderType type) => type switch
    {
        SpotOrderType.Market => new(-2010, "Market orders are not supported for this symbol."),
        SpotOrderType.StopLoss => new(-2010, "Stop loss orders are not supported for this symbol."),
        SpotOrderType.StopLossLimit => new(-2010, "Stop loss limit orders are not supported for this symbol."),
        SpotOrderType.TakeProfit => new(-2010, "Take profit orders are not supported for this symbol."),
        SpotOrderType.TakeProfitLimit => new(-2010, "Take profit limit orders are not supported for this symbol."),
        _ => UnsupportedOrderCombination,
    };

    public static EngineError OcoOrderTypeRejected { get; } = new(-1158, "Order type not supported in OCO.");
    public static EngineError OcoBothLimit { get; } = new(-1168, "At least one OCO order must be contingent.");
    public static EngineError BuyOcoLimitMustBeBelow { get; } = new(-1165, "A limit order in a buy OCO must be below.");
    public static EngineError SellOcoLimitMustBeAbove { get; } = new(-1166, "A limit order in a sell OCO must be above.");
    public static EngineError BuyOcoStopLossMustBeAbove { get; } = new(-1196, "A stop loss order in a buy OCO must be above.");
    public static EngineError SellOcoStopLossMustBeBelow { get; } = new(-1197, "A stop loss order in a sell OCO must be below.");
    public static EngineError BuyOcoTakeProfitMustBeBelow { get; } = new(-1198, "A take profit order in a buy OCO must be below.");
    public static EngineError SellOcoTakeProfitMustBeAbove { get; } = new(-1199, "A take profit order in a sell OCO must be above.");

    public static EngineError UnknownOrderSent { get; } = new(-2011, "Unknown order sent.");
    public static EngineError CancelRestrictionsNotMet { get; } = new(-2011, "Order was not canceled due to cancel restrictions.");
    public static EngineError OrderDoesNotExist { get; } = new(-2013, "Order does not exist.");
    public static EngineError OrderListDoesNotExist { get; } = new(-2011, "Order list does not exist.");
    public static EngineError ClientOrderIdMismatch { get; } = new(-2039, "Client order ID is not correct for this order ID.");
    public static EngineError CancelReplacePartiallyFailed { get; } = new(-2021, "Order cancel-replace partially failed.");
    public static EngineError CancelReplaceFailed { get; } = new(-2022, "Order cancel-replace failed.");
    public static EngineError AmendNotSupported { get; } = new(-2010, "Order amend is not supported for this symbol.");
    public static EngineError AmendQuantityNotDecreased { get; } = new(-2038, "The requested quantity must be less than the order's current quantity.");

    // ---- USDⓈ-M futures ----
    public static EngineError StopOrderSwitchAlgo { get; } = new(-4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.");
    public static EngineError MarginInsufficient { get; } = new(-2019, "Margin is insufficient.");
    public static EngineError FuturesWouldImmediatelyTrigger { get; } = new(-2021, "Order would immediately trigger.");
    public static EngineError ReduceOnlyRejected { get; } = new(-2022, "ReduceOnly Order is rejected.");
    public static EngineError MaxOpenOrdersExceeded { get; } = new(-2025, "Reach max open order limit.");
    public static EngineError MaxStopOrdersExceeded { get; } = new(-4045, "Reach max stop order limit.");
    public static EngineError FuturesPriceLessThanZero { get; } = new(-4001, "Price less than 0.");
    public static EngineError FuturesPriceGreaterThanMax { get; } = new(-4002, "Price greater than max price.");
    public static EngineError FuturesQtyLessThanZero { get; } = new(-4003, "Quantity less than or equal to zero.");
    public static EngineError FuturesQtyLessThanMin { get; } = new(-4004, "Quantity less than min quantity.");
    public static EngineError FuturesQtyGreaterThanMax { get; } = new(-4005, "Quantity greater than max quantity.");
    public static EngineError FuturesStopPriceLessThanZero { get; } = new(-4006, "Stop price less than zero.");
    public static EngineError FuturesStopPriceGreaterThanMax { get; } = new(-4007, "Stop price greater than max price.");
    public static EngineError FuturesPriceLessThanMin { get; } = new(-4013, "Price less than min price.");
    public static EngineError FuturesPriceNotIncreasedByTick { get; } = new(-4014, "Price not increased by tick size.");
    public static EngineError FuturesClientOrderIdInvalid { get; } = new(-4015, "Client order id is not valid.");
    public static EngineError FuturesPriceAboveMultiplierUp { get; } = new(-4016, "Price is higher than mark price multiplier cap.");
    public static EngineError FuturesQtyNotIncreasedByStep { get; } = new(-4023, "Qty not increased by step size.");
    public static EngineError FuturesPriceBelowMultiplierDown { get; } = new(-4024, "Price is lower than mark price multiplier floor.");
    public static EngineError InvalidLeverage(int leverage) => new(-4028, $"Leverage {leverage.ToString(CultureInfo.InvariantCulture)} is not valid");
    public static EngineError NoNeedToChangeMarginType { get; } = new(-4046, "No need to change margin type.");
    public static EngineError MarginTypeOpenOrders { get; } = new(-4047, "Margin type cannot be changed if there exists open orders.");
    public static EngineError MarginTypePositionExists { get; } = new(-4048, "Margin type cannot be changed if there exists position.");
    public static EngineError NoNeedToChangePositionSide { get; } = new(-4059, "No need to change position side.");
    public static EngineError InvalidPositionSide { get; } = new(-4060, "Invalid position side.");
    public static EngineError PositionSideNotMatch { get; } = new(-4061, "Order's position side does not match user's setting.");
    public static EngineError ReduceOnlyConflict { get; } = new(-4062, "Invalid or improper reduceOnly value.");
    public static EngineError PositionSideChangeOpenOrders { get; } = new(-4067, "Position side cannot be changed if there exists open orders.");
    public static EngineError PositionSideChangePositionExists { get; } = new(-4068, "Position side cannot be changed if there exists position.");
    public static EngineError DuplicatedClientOrderId { get; } = new(-4116, "clientOrderId is duplicated.");
    public static EngineError ReduceOnlyMarginCheckFailed { get; } = new(-4118, "ReduceOnly Order Failed. Please check your existing position and open orders");
    public static EngineError MarketOrderPercentPriceReject { get; } = new(-4131, "The counterparty's best price does not meet the PERCENT_PRICE filter limit");
    public static EngineError InvalidActivationPrice { get; } = new(-4135, "Invalid activation price");
    public static EngineError QuantityWithClosePosition { get; } = new(-4137, "Quantity must be zero with closePosition equals true");
    public static EngineError ClosePositionSideNotAllowed { get; } = new(-4138, "Reduce only must be true with closePosition equals true");
    public static EngineError SymbolClosed { get; } = new(-4141, "Symbol is closed");
    public static EngineError FuturesMinNotional(string notional) => new(-4164, $"Order's notional must be no smaller than {notional} (unless you choose reduce only).");
    public static EngineError FokRejected { get; } = new(-5021, "Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history");
    public static EngineError GtxRejected { get; } = new(-5022, "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history");
    public static EngineError LimitOrderOnly { get; } = new(-5025, "Only limit order is supported.");
    public static EngineError SameOrder { get; } = new(-5027, "No need to modify the order.");
    public static EngineError InvalidGoodTillDate { get; } = new(-5040, "The goodTillDate timestamp must be greater than the current time plus 600 seconds and smaller than 253402300799000 (UTC 9999-12-31 23:59:59)");
    public static EngineError FuturesOrderDoesNotExist { get; } = new(-2013, "Order does not exist.");
    public static EngineError FuturesUnknownOrder { get; } = new(-2011, "Unknown order sent.");
}
