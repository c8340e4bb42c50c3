using System.Text;
using System.Text.Json;
using Oms.Connectors.Binance.Internal;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Orders;

/// <summary>How much a USD-M placement response says (<c>newOrderRespType</c>).</summary>
public enum UsdMOrderResponseType
{
    /// <summary>Ids and the order as accepted (default).</summary>
    Ack = 1,
    /// <summary>MARKET, IOC and FOK orders answer with their final state.</summary>
    Result = 2,
}

/// <summary>USD-M self-trade prevention (<c>selfTradePreventionMode</c>).</summary>
public enum UsdMSelfTradePrevention
{
    ExpireTaker = 1,
    ExpireMaker = 2,
    ExpireBoth = 3,
}

/// <summary>Where a USD-M order goes since the algo migration (REFERENCE §5.4, §5.5).</summary>
public enum UsdMOrderRoute
{
    /// <summary><c>/fapi/v1/order</c> / <c>order.place</c>: MARKET and LIMIT (GTX for post-only).</summary>
    Order = 1,
    /// <summary><c>/fapi/v1/algoOrder</c> / <c>algoOrder.place</c>: every conditional type (<c>-4120</c> on the order endpoint).</summary>
    Algo = 2,
}

/// <summary>USD-M terms an <see cref="OrderSpec"/> has no room for.</summary>
public sealed record UsdMOrderOptions
{
    /// <summary>STOP_MARKET / TAKE_PROFIT_MARKET only: close the whole position at trigger (no quantity, no reduce-only).</summary>
    public bool ClosePosition { get; init; }

    /// <summary>Conditional orders: trigger only while mark and last price are within the symbol's <c>triggerProtect</c>.</summary>
    public bool PriceProtect { get; init; }

    public UsdMSelfTradePrevention? SelfTradePrevention { get; init; }

    /// <summary>Good-till-date (sends <c>timeInForce=GTD</c>): more than 600 s ahead, whole seconds.</summary>
    public DateTimeOffset? GoodTillDate { get; init; }
}

/// <summary>Which service an order spec needs on USD-M.</summary>
public static class UsdMOrderRouting
{
    /// <summary>Conditional types (stop, take-profit, trailing) go to the Algo Service; MARKET and LIMIT to the order endpoint.</summary>
    public static UsdMOrderRoute RouteOf(OrderType type) => type switch
    {
        OrderType.Market or OrderType.Limit or OrderType.LimitMaker => UsdMOrderRoute.Order,
        OrderType.StopMarket or OrderType.StopLimit or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit or OrderType.TrailingStopMarket => UsdMOrderRoute.Algo,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown order type"),
    };
}

/// <summary>
/// Builds the parameters of USD-M trading requests from domain types; the same parameters go over REST (query string)
/// and the WebSocket API (JSON params, decimals as strings). The transport adds <c>timestamp</c>, <c>recvWindow</c>,
/// <c>apiKey</c> and <c>signature</c>. String booleans (<c>reduceOnly</c>, <c>closePosition</c>) are sent as the
/// documented text.
/// </summary>
internal static class UsdMRequests
{
    /// <summary><c>POST /fapi/v1/order</c> / <c>order.place</c> for MARKET, LIMIT and post-only LIMIT (GTX); returns the reason when the spec cannot go there.</summary>
    public static string? TryBuildNewOrder(string symbol, OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderResponseType responseType,
        UsdMOrderOptions? options, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(14);
        var error = AddOrderTerms(parameters, symbol, spec, options, forBatch: false);
        if (error is not null) return error;
        parameters.Add("newClientOrderId", clientOrderId.Value);
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return null;
    }

    /// <summary>The terms of one plain order (also one entry of <c>batchOrders</c>).</summary>
    private static string? AddOrderTerms(BinanceParameters parameters, string symbol, OrderSpec spec, UsdMOrderOptions? options, bool forBatch)
    {
        var common = CheckCommon(spec);
        if (common is not null) return common;
        if (UsdMOrderRouting.RouteOf(spec.Type) != UsdMOrderRoute.Order)
            return $"order type {spec.Type} is conditional and goes to the USD-M Algo Service (/fapi/v1/algoOrder), not /fapi/v1/order (-4120)";
        if (spec.TriggerPriceType != TriggerPriceType.LastPrice) return $"trigger price type {spec.TriggerPriceType} applies to conditional orders only";
        if (options is { ClosePosition: true }) return "closePosition applies to STOP_MARKET and TAKE_PROFIT_MARKET orders only";
        if (options is { PriceProtect: true }) return "priceProtect applies to conditional orders only";

        parameters.Add("symbol", symbol);
        parameters.Add("side", SpotEnums.ToWire(spec.Side));
        parameters.Add("positionSide", UsdMEnums.ToWire(spec.PositionSide));
        var isLimit = spec.Type is OrderType.Limit or OrderType.LimitMaker;
        parameters.Add("type", isLimit ? "LIMIT" : "MARKET");
        if (isLimit)
        {
            var tif = spec.Type == OrderType.LimitMaker ? TimeInForce.Gtx : spec.TimeInForce;
            if (options?.GoodTillDate is not null)
            {
                if (spec.Type == OrderType.LimitMaker || spec.TimeInForce != TimeInForce.Gtc) return "a good-till-date order cannot also be post-only, IOC or FOK";
                parameters.Add("timeInForce", "GTD");
            }
            else
            {
                parameters.Add("timeInForce", UsdMEnums.ToWire(tif));
            }
        }
        else if (options?.GoodTillDate is not null)
        {
            return "good-till-date applies to LIMIT orders only";
        }
        parameters.Add("quantity", spec.Quantity);
        if (isLimit)
        {
            if (spec.LimitPrice is not > 0m) return $"a {spec.Type} order needs a positive limit price";
            parameters.Add("price", spec.LimitPrice.Value);
        }
        else if (spec.LimitPrice is not null)
        {
            return "a MARKET order takes no limit price";
        }
        if (spec.ReduceOnly) parameters.Add("reduceOnly", "true");
        return AddOptions(parameters, options, forBatch);
    }

    private static string? AddOptions(BinanceParameters parameters, UsdMOrderOptions? options, bool forBatch)
    {
        if (options is null) return null;
        if (options.SelfTradePrevention is { } stp)
        {
            parameters.Add("selfTradePreventionMode", stp switch
            {
                UsdMSelfTradePrevention.ExpireTaker => "EXPIRE_TAKER",
                UsdMSelfTradePrevention.ExpireMaker => "EXPIRE_MAKER",
                UsdMSelfTradePrevention.ExpireBoth => "EXPIRE_BOTH",
                _ => throw new ArgumentOutOfRangeException(nameof(options), stp, "unknown self-trade prevention mode"),
            });
        }
        if (options.GoodTillDate is { } gtd)
        {
            var ms = gtd.ToUnixTimeMilliseconds();
            if (ms % 1000 != 0) return $"good-till-date {gtd:O} must be a whole second";
            if (forBatch) parameters.Add("goodTillDate", ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
            else parameters.Add("goodTillDate", ms);
        }
        return null;
    }

    private static string? CheckCommon(OrderSpec spec)
    {
        if (spec.Instrument.Market != MarketType.UsdMFutures) return $"instrument {spec.Instrument} is not a USD-M instrument";
        if (spec.QuoteQuantity is not null) return "quote quantity does not exist on Binance USD-M";
        if (spec.DisplayQuantity is not null) return "iceberg orders do not exist on Binance USD-M";
        if (spec.Quantity <= 0m) return $"quantity {spec.Quantity} must be positive";
        if (spec.ReduceOnly && spec.PositionSide != PositionSide.Both)
            return $"reduce-only is not allowed in hedge mode (position side {spec.PositionSide}); closing is implied by side";
        return null;
    }

    /// <summary>
    /// <c>POST /fapi/v1/algoOrder</c> / <c>algoOrder.place</c> for conditional types: <c>algoType=CONDITIONAL</c>, the OMS
    /// client order id as <c>clientAlgoId</c>, <c>triggerPrice</c> from the stop price, <c>workingType</c> from the
    /// trigger price type, trailing stops with <c>callbackRate</c> (percent) and optional <c>activatePrice</c>.
    /// </summary>
    public static string? TryBuildAlgoOrder(string symbol, OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderResponseType responseType,
        UsdMOrderOptions? options, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(20);
        var common = CheckCommon(spec);
        if (common is not null) return common;
        if (UsdMOrderRouting.RouteOf(spec.Type) != UsdMOrderRoute.Algo) return $"order type {spec.Type} is not conditional; it goes to /fapi/v1/order";
        var (type, isLimit) = spec.Type switch
        {
            OrderType.StopMarket => ("STOP_MARKET", false),
            OrderType.StopLimit => ("STOP", true),
            OrderType.TakeProfitMarket => ("TAKE_PROFIT_MARKET", false),
            OrderType.TakeProfitLimit => ("TAKE_PROFIT", true),
            _ => ("TRAILING_STOP_MARKET", false),
        };
        var trailing = spec.Type == OrderType.TrailingStopMarket;
        var closePosition = options?.ClosePosition == true;
        if (closePosition)
        {
            if (spec.Type is not (OrderType.StopMarket or OrderType.TakeProfitMarket)) return $"closePosition is allowed on STOP_MARKET and TAKE_PROFIT_MARKET only, not {type}";
            if (spec.ReduceOnly) return "closePosition cannot be combined with reduce-only (-4138)";
        }
        if (options?.GoodTillDate is not null && (!isLimit || spec.TimeInForce != TimeInForce.Gtc))
            return "good-till-date applies to GTC STOP and TAKE_PROFIT orders only";

        parameters.Add("algoType", "CONDITIONAL");
        parameters.Add("symbol", symbol);
        parameters.Add("side", SpotEnums.ToWire(spec.Side));
        parameters.Add("positionSide", UsdMEnums.ToWire(spec.PositionSide));
        parameters.Add("type", type);
        if (isLimit) parameters.Add("timeInForce", options?.GoodTillDate is not null ? "GTD" : UsdMEnums.ToWire(spec.TimeInForce));
        else if (spec.TimeInForce != TimeInForce.Gtc) return $"time in force {spec.TimeInForce} cannot be set on a {type} order";
        // closePosition closes whatever the position is: no quantity (-4137).
        if (!closePosition) parameters.Add("quantity", spec.Quantity);
        if (isLimit)
        {
            if (spec.LimitPrice is not > 0m) return $"a {type} order needs a positive limit price";
            parameters.Add("price", spec.LimitPrice.Value);
        }
        else if (spec.LimitPrice is not null)
        {
            return $"a {type} order takes no limit price";
        }
        if (trailing)
        {
            if (spec.StopPrice is not null) return "a TRAILING_STOP_MARKET order has no trigger price (use the activation price)";
            if (spec.TrailingPercent is not { } rate || rate < 0.1m || rate > 20m)
                return $"trailing percent {spec.TrailingPercent} must be in [0.1, 20] (USD-M callbackRate)";
        }
        else
        {
            if (spec.StopPrice is not > 0m) return $"a {type} order needs a positive stop (trigger) price";
            parameters.Add("triggerPrice", spec.StopPrice.Value);
        }
        parameters.Add("workingType", UsdMEnums.ToWire(spec.TriggerPriceType));
        if (options is { PriceProtect: true }) parameters.Add("priceProtect", "TRUE");
        if (spec.ReduceOnly) parameters.Add("reduceOnly", "true");
        if (closePosition) parameters.Add("closePosition", "true");
        if (trailing)
        {
            if (spec.ActivationPrice is { } activation) parameters.Add("activatePrice", activation);
            parameters.Add("callbackRate", spec.TrailingPercent!.Value);
        }
        parameters.Add("clientAlgoId", clientOrderId.Value);
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return AddOptions(parameters, options, forBatch: false);
    }

    /// <summary>
    /// <c>POST /fapi/v1/batchOrders</c>: up to 5 plain orders as one JSON array parameter (every value a string, as the
    /// official SDK sends them).
    /// </summary>
    public static string? TryBuildBatch(Func<InstrumentId, string?> symbolOf, IReadOnlyList<(OrderSpec Spec, ClientOrderId ClientOrderId)> orders,
        UsdMOrderResponseType responseType, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(3);
        if (orders.Count is < 1 or > 5) return $"a batch holds 1 to 5 orders, not {orders.Count}";
        using var buffer = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            using var value = new PooledBufferWriter(64);
            foreach (var (spec, clientOrderId) in orders)
            {
                if (symbolOf(spec.Instrument) is not { } symbol) return $"instrument {spec.Instrument} is not a Binance USD-M instrument";
                var one = new BinanceParameters(12);
                var error = AddOrderTerms(one, symbol, spec, null, forBatch: true);
                if (error is not null) return $"order {clientOrderId}: {error}";
                one.Add("newClientOrderId", clientOrderId.Value);
                one.Add("newOrderRespType", ResponseType(responseType));
                writer.WriteStartObject();
                for (var i = 0; i < one.Count; i++)
                {
                    value.Clear();
                    one[i].WriteUtf8(value);
                    writer.WriteString(one[i].Name, value.WrittenSpan);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        parameters.Add("batchOrders", Encoding.UTF8.GetString(buffer.WrittenSpan));
        return null;
    }

    /// <summary><c>PUT /fapi/v1/order</c> / <c>order.modify</c> (LIMIT orders): side, quantity and price are all required.</summary>
    public static string? TryBuildModify(string symbol, ClientOrderId clientOrderId, VenueOrderId? venueOrderId, OrderSide side, decimal quantity, decimal price,
        out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(8).Add("symbol", symbol);
        if (UsdMOrderIds.IsAlgo(venueOrderId)) return "an untriggered algo (conditional) order cannot be modified on USD-M; cancel it and place a new one";
        if (quantity <= 0m) return $"quantity {quantity} must be positive";
        if (price <= 0m) return $"price {price} must be positive";
        AddOrderId(parameters, clientOrderId, venueOrderId);
        parameters.Add("side", SpotEnums.ToWire(side));
        parameters.Add("quantity", quantity);
        parameters.Add("price", price);
        return null;
    }

    /// <summary>Cancel or query an engine order: by <c>orderId</c> when the numeric venue id is known, else by <c>origClientOrderId</c>.</summary>
    public static BinanceParameters OrderById(string symbol, ClientOrderId clientOrderId, VenueOrderId? venueOrderId)
    {
        var parameters = new BinanceParameters(5).Add("symbol", symbol);
        AddOrderId(parameters, clientOrderId, venueOrderId);
        return parameters;
    }

    private static void AddOrderId(BinanceParameters parameters, ClientOrderId clientOrderId, VenueOrderId? venueOrderId)
    {
        // Only one of them: a triggered conditional order's engine id and client id may not belong together.
        if (UsdMOrderIds.TryGetOrderId(venueOrderId, out var orderId)) parameters.Add("orderId", orderId);
        else parameters.Add("origClientOrderId", clientOrderId.Value);
    }

    /// <summary>Cancel or query an algo order: by <c>algoId</c> when known, else by <c>clientAlgoId</c>.</summary>
    public static BinanceParameters AlgoById(ClientOrderId clientOrderId, VenueOrderId? venueOrderId)
    {
        var parameters = new BinanceParameters(4);
        if (UsdMOrderIds.TryGetAlgoId(venueOrderId, out var algoId)) parameters.Add("algoId", algoId);
        else parameters.Add("clientAlgoId", clientOrderId.Value);
        return parameters;
    }

    public static string ResponseType(UsdMOrderResponseType type) => type switch
    {
        UsdMOrderResponseType.Ack => "ACK",
        UsdMOrderResponseType.Result => "RESULT",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown response type"),
    };
}
