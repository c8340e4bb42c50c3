using System.Globalization;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Orders;

/// <summary>How much a placement response says (<c>newOrderRespType</c>).</summary>
public enum SpotOrderResponseType
{
    /// <summary>Ids only.</summary>
    Ack = 1,
    /// <summary>The order's state after matching.</summary>
    Result = 2,
    /// <summary>The state plus the fills of the matching.</summary>
    Full = 3,
}

/// <summary><c>cancelReplaceMode</c>.</summary>
public enum CancelReplaceMode
{
    /// <summary>Place the new order only if the cancel succeeded.</summary>
    StopOnFailure = 1,
    /// <summary>Place the new order whatever the cancel did.</summary>
    AllowFailure = 2,
}

/// <summary>One leg of a spot OCO (<c>orderList/oco</c>): a limit-maker or take-profit leg and a stop-loss leg.</summary>
public sealed record SpotOcoLeg
{
    /// <summary>LimitMaker, TakeProfitMarket, TakeProfitLimit, StopMarket or StopLimit.</summary>
    public required OrderType Type { get; init; }
    public required ClientOrderId ClientOrderId { get; init; }
    public decimal? Price { get; init; }
    public decimal? StopPrice { get; init; }
    /// <summary>Trailing distance in BIPS.</summary>
    public long? TrailingDelta { get; init; }
    /// <summary>Required for limit-type stop and take-profit legs.</summary>
    public TimeInForce? TimeInForce { get; init; }
    public decimal? IcebergQuantity { get; init; }
}

/// <summary>A spot OCO order list: both legs share side and quantity.</summary>
public sealed record SpotOcoRequest
{
    public required InstrumentId Instrument { get; init; }
    public required OrderSide Side { get; init; }
    public required decimal Quantity { get; init; }
    public string? ListClientOrderId { get; init; }
    public required SpotOcoLeg Above { get; init; }
    public required SpotOcoLeg Below { get; init; }
}

/// <summary>
/// Builds the parameters of spot trading requests from domain types. The same parameters go over REST (query string)
/// and the WebSocket API (JSON params); the transport adds <c>timestamp</c>, <c>recvWindow</c>, <c>apiKey</c> and
/// <c>signature</c>. Quantities and prices are written as plain decimal text without exponent or trailing zeros.
/// </summary>
internal static class SpotRequests
{
    /// <summary>Maps an order to <c>order.place</c> / <c>POST /api/v3/order</c> parameters; returns the reason when it cannot be expressed on spot.</summary>
    public static string? TryBuildNewOrder(string symbol, OrderSpec spec, ClientOrderId clientOrderId, SpotOrderResponseType responseType, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(14);
        var error = AddOrderTerms(parameters, symbol, spec);
        if (error is not null) return error;
        parameters.Add("newClientOrderId", clientOrderId.Value);
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return null;
    }

    /// <summary>Adds side, type and the type-specific terms (REFERENCE §1.8).</summary>
    private static string? AddOrderTerms(BinanceParameters parameters, string symbol, OrderSpec spec)
    {
        if (spec.Instrument.Market != MarketType.Spot) return $"instrument {spec.Instrument} is not a spot instrument";
        if (spec.ReduceOnly) return "reduce-only orders do not exist on Binance spot";
        if (spec.PositionSide != PositionSide.Both) return $"position side {spec.PositionSide} does not exist on Binance spot";
        if (spec.TriggerPriceType != TriggerPriceType.LastPrice) return $"trigger price type {spec.TriggerPriceType} is not available on Binance spot (last price only)";
        if (spec.TimeInForce == TimeInForce.Gtx) return "time in force GTX does not exist on Binance spot (use LimitMaker for post-only)";

        parameters.Add("symbol", symbol);
        parameters.Add("side", SpotEnums.ToWire(spec.Side));
        var (type, needsTimeInForce, needsPrice, needsStop) = spec.Type switch
        {
            OrderType.Market => ("MARKET", false, false, false),
            OrderType.Limit => ("LIMIT", true, true, false),
            OrderType.LimitMaker => ("LIMIT_MAKER", false, true, false),
            OrderType.StopMarket => ("STOP_LOSS", false, false, true),
            OrderType.StopLimit => ("STOP_LOSS_LIMIT", true, true, true),
            OrderType.TakeProfitMarket => ("TAKE_PROFIT", false, false, true),
            OrderType.TakeProfitLimit => ("TAKE_PROFIT_LIMIT", true, true, true),
            // Spot trailing stops are STOP_LOSS orders with trailingDelta (BIPS); the activation price is stopPrice.
            OrderType.TrailingStopMarket => ("STOP_LOSS", false, false, false),
            _ => (null, false, false, false),
        };
        if (type is null) return $"order type {spec.Type} has no Binance spot equivalent";
        parameters.Add("type", type);
        if (needsTimeInForce) parameters.Add("timeInForce", SpotEnums.ToWire(spec.TimeInForce));
        else if (spec.TimeInForce != TimeInForce.Gtc && spec.Type != OrderType.Market)
            return $"time in force {spec.TimeInForce} cannot be set on a {type} order on Binance spot";

        if (spec.QuoteQuantity is { } quote)
        {
            if (spec.Type != OrderType.Market) return "quote quantity is only allowed on MARKET orders";
            parameters.Add("quoteOrderQty", quote);
        }
        else
        {
            if (spec.Quantity <= 0m) return $"quantity {spec.Quantity} must be positive";
            parameters.Add("quantity", spec.Quantity);
        }

        if (needsPrice)
        {
            if (spec.LimitPrice is not { } limit || limit <= 0m) return $"a {type} order needs a positive limit price";
            parameters.Add("price", limit);
        }
        else if (spec.LimitPrice is not null)
        {
            return $"a {type} order takes no limit price";
        }

        if (needsStop)
        {
            if (spec.StopPrice is not { } stop || stop <= 0m) return $"a {type} order needs a positive stop price";
            parameters.Add("stopPrice", stop);
        }

        if (spec.Type == OrderType.TrailingStopMarket)
        {
            if (spec.TrailingPercent is not { } percent || percent <= 0m) return "a trailing stop needs a positive trailing percent";
            var bips = percent * 100m;
            if (bips != decimal.Truncate(bips)) return $"trailing percent {percent} is finer than 1 BIPS (0.01 %), which Binance spot cannot express";
            if (spec.ActivationPrice is { } activation) parameters.Add("stopPrice", activation);
            parameters.Add("trailingDelta", (long)bips);
        }

        if (spec.DisplayQuantity is { } display)
        {
            if (spec.Type is not (OrderType.Limit or OrderType.LimitMaker or OrderType.StopLimit or OrderType.TakeProfitLimit))
                return $"iceberg quantity is not allowed on {type} orders";
            if (needsTimeInForce && spec.TimeInForce != TimeInForce.Gtc) return "iceberg orders must be GTC on Binance spot";
            parameters.Add("icebergQty", display);
        }
        return null;
    }

    /// <summary><c>order.cancel</c> / <c>DELETE /api/v3/order</c> by the OMS client order id (or the venue id when known).</summary>
    public static BinanceParameters Cancel(string symbol, ClientOrderId clientOrderId, VenueOrderId? venueOrderId)
    {
        var parameters = new BinanceParameters(6).Add("symbol", symbol);
        // orderId is the fastest lookup; origClientOrderId must then match it, which guards against a wrong id.
        if (venueOrderId is { } id && long.TryParse(id.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId))
            parameters.Add("orderId", orderId);
        parameters.Add("origClientOrderId", clientOrderId.Value);
        return parameters;
    }

    /// <summary><c>order.cancelReplace</c>: cancels <paramref name="cancelClientOrderId"/> and places <paramref name="spec"/> as <paramref name="newClientOrderId"/>.</summary>
    public static string? TryBuildCancelReplace(string symbol, ClientOrderId cancelClientOrderId, OrderSpec spec, ClientOrderId newClientOrderId,
        CancelReplaceMode mode, SpotOrderResponseType responseType, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(16);
        var error = AddOrderTerms(parameters, symbol, spec);
        if (error is not null) return error;
        parameters.Add("cancelReplaceMode", mode == CancelReplaceMode.StopOnFailure ? "STOP_ON_FAILURE" : "ALLOW_FAILURE");
        parameters.Add("cancelOrigClientOrderId", cancelClientOrderId.Value);
        parameters.Add("newClientOrderId", newClientOrderId.Value);
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return null;
    }

    /// <summary>
    /// <c>order.cancelReplace</c> of a lineage step: cancels venue order <paramref name="cancelOrderId"/> (its cancel
    /// requested as <paramref name="cancelNewClientOrderId"/>) and places <paramref name="spec"/> as
    /// <paramref name="newClientOrderId"/> (ids from <see cref="SpotClientOrderIds"/>).
    /// </summary>
    public static string? TryBuildCancelReplace(string symbol, long cancelOrderId, string cancelNewClientOrderId, OrderSpec spec, string newClientOrderId,
        CancelReplaceMode mode, SpotOrderResponseType responseType, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(18);
        var error = AddOrderTerms(parameters, symbol, spec);
        if (error is not null) return error;
        parameters.Add("cancelReplaceMode", mode == CancelReplaceMode.StopOnFailure ? "STOP_ON_FAILURE" : "ALLOW_FAILURE");
        parameters.Add("cancelOrderId", cancelOrderId);
        parameters.Add("cancelNewClientOrderId", cancelNewClientOrderId);
        parameters.Add("newClientOrderId", newClientOrderId);
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return null;
    }

    /// <summary><c>order.cancel</c> / <c>DELETE /api/v3/order</c> by the venue order id alone (an order living under a lineage id).</summary>
    public static BinanceParameters CancelById(string symbol, long orderId) => new BinanceParameters(4).Add("symbol", symbol).Add("orderId", orderId);

    /// <summary><c>order.status</c> / <c>GET /api/v3/order</c> by venue order id, else by the client order id as the venue holds it.</summary>
    public static BinanceParameters QueryOrder(string symbol, long? orderId, string? venueClientOrderId)
    {
        var parameters = new BinanceParameters(4).Add("symbol", symbol);
        if (orderId is { } id) return parameters.Add("orderId", id);
        return parameters.Add("origClientOrderId", venueClientOrderId ?? throw new ArgumentNullException(nameof(venueClientOrderId)));
    }

    /// <summary><c>order.status</c> / <c>GET /api/v3/order</c> by client order id.</summary>
    public static BinanceParameters QueryOrder(string symbol, ClientOrderId clientOrderId) =>
        new BinanceParameters(4).Add("symbol", symbol).Add("origClientOrderId", clientOrderId.Value);

    public static BinanceParameters OpenOrders(string? symbol) => new BinanceParameters(3).AddIfPresent("symbol", symbol);

    public static BinanceParameters AllOrders(string symbol, long? fromOrderId, DateTimeOffset? startTime, DateTimeOffset? endTime, int? limit) =>
        new BinanceParameters(7)
            .Add("symbol", symbol)
            .AddIfPresent("orderId", fromOrderId)
            .AddIfPresent("startTime", startTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("endTime", endTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("limit", limit);

    public static BinanceParameters MyTrades(string symbol, long? fromId, long? orderId, DateTimeOffset? startTime, int? limit) =>
        new BinanceParameters(7)
            .Add("symbol", symbol)
            .AddIfPresent("orderId", orderId)
            .AddIfPresent("fromId", fromId)
            .AddIfPresent("startTime", startTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("limit", limit);

    public static BinanceParameters Account(bool omitZeroBalances) => new BinanceParameters(3).Add("omitZeroBalances", omitZeroBalances);

    /// <summary>
    /// Maps an OMS one-cancels-the-other pair to a spot OCO (<c>orderList.place.oco</c>); returns what cannot be
    /// expressed as one (nothing is sent then). Both legs trade the list's instrument with one side and one quantity.
    /// On a sell the above leg takes profit (LimitMaker, TakeProfitMarket, TakeProfitLimit) and the below leg stops
    /// the loss (StopMarket, StopLimit, TrailingStopMarket); on a buy it is the other way round. Price relations to
    /// the market are the venue's to judge.
    /// </summary>
    public static string? TryMapOco(PlaceOrderListCommand command, out SpotOcoRequest? request)
    {
        request = null;
        var above = command.Above;
        var below = command.Below;
        if (command.Instrument.Market != MarketType.Spot)
            return $"order list {command.ClientOrderId}: instrument {command.Instrument} is not a spot instrument (Binance order lists are spot only)";
        if (above.ClientOrderId == below.ClientOrderId)
            return $"order list {command.ClientOrderId}: both legs have client order id {above.ClientOrderId}; each leg needs its own";
        foreach (var (position, leg) in new[] { ("above", above), ("below", below) })
        {
            var spec = leg.Spec;
            if (spec.Instrument != command.Instrument)
                return $"order list {command.ClientOrderId}: the {position} leg {leg.ClientOrderId} trades {spec.Instrument}, not the list's {command.Instrument}";
            if (spec.ReduceOnly) return $"order list {command.ClientOrderId}: the {position} leg {leg.ClientOrderId} is reduce-only, which does not exist on Binance spot";
            if (spec.PositionSide != PositionSide.Both)
                return $"order list {command.ClientOrderId}: the {position} leg {leg.ClientOrderId} has position side {spec.PositionSide}, which does not exist on Binance spot";
            if (spec.TriggerPriceType != TriggerPriceType.LastPrice)
                return $"order list {command.ClientOrderId}: the {position} leg {leg.ClientOrderId} triggers on {spec.TriggerPriceType}; Binance spot triggers on the last price only";
            if (spec.QuoteQuantity is not null)
                return $"order list {command.ClientOrderId}: the {position} leg {leg.ClientOrderId} is sized in quote currency; OCO legs are sized in base quantity";
            if (SpotClientOrderIds.LooksLikeLineage(leg.ClientOrderId))
                return $"order list {command.ClientOrderId}: the {position} leg's client order id {leg.ClientOrderId} has the shape the connector reserves for replacements ('…__R…'/'…__C…')";
        }
        if (above.Spec.Side != below.Spec.Side)
            return $"order list {command.ClientOrderId}: OCO legs share one side, but the above leg {above.ClientOrderId} is {above.Spec.Side} and the below leg {below.ClientOrderId} is {below.Spec.Side}";
        if (above.Spec.Quantity != below.Spec.Quantity)
            return $"order list {command.ClientOrderId}: OCO legs share one quantity, but the above leg {above.ClientOrderId} has {above.Spec.Quantity} and the below leg {below.ClientOrderId} has {below.Spec.Quantity}";
        if (above.Spec.Quantity <= 0m) return $"order list {command.ClientOrderId}: quantity {above.Spec.Quantity} must be positive";

        var side = above.Spec.Side;
        var (aboveTakesProfit, belowTakesProfit) = side == OrderSide.Sell ? (true, false) : (false, true);
        SpotOcoLeg? belowLeg = null;
        var error = TryMapOcoLeg(command.ClientOrderId, "above", above, aboveTakesProfit, side, out var aboveLeg)
            ?? TryMapOcoLeg(command.ClientOrderId, "below", below, belowTakesProfit, side, out belowLeg);
        if (error is not null) return error;
        request = new SpotOcoRequest
        {
            Instrument = command.Instrument,
            Side = side,
            Quantity = above.Spec.Quantity,
            ListClientOrderId = command.ClientOrderId.Value,
            Above = aboveLeg!,
            Below = belowLeg!,
        };
        return null;
    }

    private static string? TryMapOcoLeg(ClientOrderId list, string position, OrderListLeg leg, bool takesProfit, OrderSide side, out SpotOcoLeg? mapped)
    {
        mapped = null;
        var spec = leg.Spec;
        var name = $"order list {list}: the {position} leg {leg.ClientOrderId}";
        var allowed = takesProfit
            ? spec.Type is OrderType.LimitMaker or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit
            : spec.Type is OrderType.StopMarket or OrderType.StopLimit or OrderType.TrailingStopMarket;
        if (!allowed)
        {
            var expected = takesProfit ? "LimitMaker, TakeProfitMarket or TakeProfitLimit" : "StopMarket, StopLimit or TrailingStopMarket";
            return $"{name} is {spec.Type}; the {position} leg of a {side} OCO on Binance spot must be {expected}";
        }
        var hasLimit = spec.Type is OrderType.LimitMaker or OrderType.StopLimit or OrderType.TakeProfitLimit;
        if (hasLimit && spec.LimitPrice is not > 0m) return $"{name} ({spec.Type}) needs a positive limit price";
        if (!hasLimit && spec.LimitPrice is not null) return $"{name} ({spec.Type}) takes no limit price";

        long? trailingDelta = null;
        decimal? stopPrice;
        if (spec.Type == OrderType.TrailingStopMarket)
        {
            if (spec.TrailingPercent is not { } percent || percent <= 0m) return $"{name} is a trailing stop and needs a positive trailing percent";
            var bips = percent * 100m;
            if (bips != decimal.Truncate(bips)) return $"{name}: trailing percent {percent} is finer than 1 BIPS (0.01 %), which Binance spot cannot express";
            trailingDelta = (long)bips;
            stopPrice = spec.ActivationPrice;
        }
        else if (spec.Type == OrderType.LimitMaker)
        {
            if (spec.StopPrice is not null) return $"{name} (LimitMaker) takes no stop price";
            stopPrice = null;
        }
        else
        {
            if (spec.StopPrice is not > 0m) return $"{name} ({spec.Type}) needs a positive stop price";
            stopPrice = spec.StopPrice;
        }
        if (spec.Type != OrderType.TrailingStopMarket && spec.TrailingPercent is not null)
            return $"{name} ({spec.Type}) takes no trailing percent (only a TrailingStopMarket leg trails)";

        TimeInForce? timeInForce = null;
        if (spec.Type is OrderType.StopLimit or OrderType.TakeProfitLimit)
        {
            if (spec.TimeInForce == TimeInForce.Gtx) return $"{name}: time in force GTX does not exist on Binance spot";
            timeInForce = spec.TimeInForce;
        }
        else if (spec.TimeInForce != TimeInForce.Gtc)
        {
            return $"{name}: time in force {spec.TimeInForce} cannot be set on a {spec.Type} leg on Binance spot";
        }
        if (spec.DisplayQuantity is not null)
        {
            if (!hasLimit) return $"{name}: iceberg quantity is not allowed on a {spec.Type} leg";
            if (timeInForce is { } tif && tif != TimeInForce.Gtc) return $"{name}: iceberg legs must be GTC on Binance spot";
        }
        mapped = new SpotOcoLeg
        {
            Type = spec.Type == OrderType.TrailingStopMarket ? OrderType.StopMarket : spec.Type,
            ClientOrderId = leg.ClientOrderId,
            Price = hasLimit ? spec.LimitPrice : null,
            StopPrice = stopPrice,
            TrailingDelta = trailingDelta,
            TimeInForce = timeInForce,
            IcebergQuantity = spec.DisplayQuantity,
        };
        return null;
    }

    /// <summary><c>orderList.status</c> / <c>GET /api/v3/orderList</c> by venue list id, else by the list's client id (no symbol: list ids are account-wide).</summary>
    public static BinanceParameters QueryOrderList(long? orderListId, ClientOrderId? listClientOrderId)
    {
        var parameters = new BinanceParameters(2);
        if (orderListId is { } id) return parameters.Add("orderListId", id);
        return parameters.Add("origClientOrderId", (listClientOrderId ?? throw new ArgumentNullException(nameof(listClientOrderId))).Value);
    }

    /// <summary><c>orderList.place.oco</c> / <c>POST /api/v3/orderList/oco</c>.</summary>
    public static string? TryBuildOco(string symbol, SpotOcoRequest request, SpotOrderResponseType responseType, out BinanceParameters parameters)
    {
        parameters = new BinanceParameters(24)
            .Add("symbol", symbol)
            .Add("side", SpotEnums.ToWire(request.Side))
            .Add("quantity", request.Quantity)
            .AddIfPresent("listClientOrderId", request.ListClientOrderId);
        if (request.Quantity <= 0m) return $"OCO quantity {request.Quantity} must be positive";
        var error = AddLeg(parameters, "above", request.Above) ?? AddLeg(parameters, "below", request.Below);
        if (error is not null) return error;
        parameters.Add("newOrderRespType", ResponseType(responseType));
        return null;
    }

    private static string? AddLeg(BinanceParameters parameters, string prefix, SpotOcoLeg leg)
    {
        var (type, needsPrice, needsTimeInForce) = leg.Type switch
        {
            OrderType.LimitMaker => ("LIMIT_MAKER", true, false),
            OrderType.StopMarket => ("STOP_LOSS", false, false),
            OrderType.StopLimit => ("STOP_LOSS_LIMIT", true, true),
            OrderType.TakeProfitMarket => ("TAKE_PROFIT", false, false),
            OrderType.TakeProfitLimit => ("TAKE_PROFIT_LIMIT", true, true),
            _ => (null, false, false),
        };
        if (type is null) return $"OCO {prefix} leg type {leg.Type} is not allowed (LimitMaker, StopMarket, StopLimit, TakeProfitMarket, TakeProfitLimit)";
        parameters.Add(prefix + "Type", type);
        parameters.Add(prefix + "ClientOrderId", leg.ClientOrderId.Value);
        if (needsPrice)
        {
            if (leg.Price is not > 0m) return $"OCO {prefix} leg ({type}) needs a positive price";
            parameters.Add(prefix + "Price", leg.Price.Value);
        }
        var isStop = leg.Type is not OrderType.LimitMaker;
        if (isStop)
        {
            if (leg.StopPrice is null && leg.TrailingDelta is null) return $"OCO {prefix} leg ({type}) needs a stop price or a trailing delta";
            parameters.AddIfPresent(prefix + "StopPrice", leg.StopPrice);
            parameters.AddIfPresent(prefix + "TrailingDelta", leg.TrailingDelta);
        }
        if (needsTimeInForce) parameters.Add(prefix + "TimeInForce", SpotEnums.ToWire(leg.TimeInForce ?? TimeInForce.Gtc));
        parameters.AddIfPresent(prefix + "IcebergQty", leg.IcebergQuantity);
        return null;
    }

    private static string ResponseType(SpotOrderResponseType type) => type switch
    {
        SpotOrderResponseType.Ack => "ACK",
        SpotOrderResponseType.Result => "RESULT",
        SpotOrderResponseType.Full => "FULL",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown response type"),
    };
}
