using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.Operations;

namespace Oms.Simulator.Wire.Spot;

/// <summary>Spot REST routes (<c>/api/v3/…</c>) and WS API methods, parsed into engine requests and rendered back.</summary>
public static class SpotOperations
{
    public static OperationCatalog Build()
    {
        var catalog = new OperationCatalog();
        var ping = MarketOperations.Ping(1);
        var time = MarketOperations.Time(1);
        var exchangeInfo = MarketOperations.ExchangeInfo(20);
        var depth = MarketOperations.Depth(MarketOperations.SpotDepthWeight);
        var trades = MarketOperations.RecentTrades(25);
        var aggTrades = MarketOperations.AggTrades(4);
        var bookTicker = MarketOperations.BookTicker(2, 4);
        var priceTicker = MarketOperations.PriceTicker(2, 4);
        var avgPrice = MarketOperations.AvgPrice();

        var newOrder = new Operation("order.place", Security.Signed, Operation.Fixed(1), PlaceOrder)
        {
            OrderCount = static _ => 1, FreeWhenSuccessful = true, IsOrderRequest = true,
        };
        var testOrder = new Operation("order.test", Security.Signed, p => p.Raw("computeCommissionRates") == "true" ? 20 : 1, TestOrder)
        {
            IsOrderRequest = true,
        };
        var cancelOrder = new Operation("order.cancel", Security.Signed, Operation.Fixed(1), CancelOrder) { FreeWhenSuccessful = true, IsOrderRequest = true };
        var queryOrder = new Operation("order.status", Security.Signed, Operation.Fixed(4), QueryOrder);
        var cancelReplace = new Operation("order.cancelReplace", Security.Signed, Operation.Fixed(1), CancelReplace) { IsOrderRequest = true };
        var amend = new Operation("order.amend.keepPriority", Security.Signed, Operation.Fixed(4), AmendKeepPriority) { IsOrderRequest = true };
        var openOrders = new Operation("openOrders.status", Security.Signed, p => p.Has("symbol") ? 6 : 80, OpenOrders);
        var cancelAll = new Operation("openOrders.cancelAll", Security.Signed, Operation.Fixed(1), CancelAll) { IsOrderRequest = true };
        var allOrders = new Operation("allOrders", Security.Signed, Operation.Fixed(20), AllOrders);
        var myTrades = new Operation("myTrades", Security.Signed, p => p.Has("orderId") ? 5 : 20, MyTrades);
        var account = new Operation("account.status", Security.Signed, Operation.Fixed(20), Account);
        var orderRateLimits = new Operation("account.rateLimits.orders", Security.Signed, Operation.Fixed(40), OrderRateLimits);
        var oco = new Operation("orderList.place.oco", Security.Signed, Operation.Fixed(1), PlaceOco)
        {
            OrderCount = static _ => 2, FreeWhenSuccessful = true, IsOrderRequest = true,
        };
        var cancelList = new Operation("orderList.cancel", Security.Signed, Operation.Fixed(1), CancelOrderList) { IsOrderRequest = true };
        var queryList = new Operation("orderList.status", Security.Signed, Operation.Fixed(4), QueryOrderList);
        var openLists = new Operation("openOrderLists.status", Security.Signed, Operation.Fixed(6), OpenOrderLists);
        var allLists = new Operation("allOrderLists", Security.Signed, Operation.Fixed(20), AllOrderLists);

        catalog
            .Route("GET", "/api/v3/ping", ping).Method("ping", ping)
            .Route("GET", "/api/v3/time", time).Method("time", time)
            .Route("GET", "/api/v3/exchangeInfo", exchangeInfo).Method("exchangeInfo", exchangeInfo)
            .Route("GET", "/api/v3/depth", depth).Method("depth", depth)
            .Route("GET", "/api/v3/trades", trades).Method("trades.recent", trades)
            .Route("GET", "/api/v3/aggTrades", aggTrades).Method("trades.aggregate", aggTrades)
            .Route("GET", "/api/v3/ticker/bookTicker", bookTicker).Method("ticker.book", bookTicker)
            .Route("GET", "/api/v3/ticker/price", priceTicker).Method("ticker.price", priceTicker)
            .Route("GET", "/api/v3/avgPrice", avgPrice).Method("avgPrice", avgPrice)
            .Route("POST", "/api/v3/order", newOrder).Method("order.place", newOrder)
            .Route("POST", "/api/v3/order/test", testOrder).Method("order.test", testOrder)
            .Route("DELETE", "/api/v3/order", cancelOrder).Method("order.cancel", cancelOrder)
            .Route("GET", "/api/v3/order", queryOrder).Method("order.status", queryOrder)
            .Route("POST", "/api/v3/order/cancelReplace", cancelReplace).Method("order.cancelReplace", cancelReplace)
            .Route("PUT", "/api/v3/order/amend/keepPriority", amend).Method("order.amend.keepPriority", amend)
            .Route("GET", "/api/v3/openOrders", openOrders).Method("openOrders.status", openOrders)
            .Route("DELETE", "/api/v3/openOrders", cancelAll).Method("openOrders.cancelAll", cancelAll)
            .Route("GET", "/api/v3/allOrders", allOrders).Method("allOrders", allOrders)
            .Route("GET", "/api/v3/myTrades", myTrades).Method("myTrades", myTrades)
            .Route("GET", "/api/v3/account", account).Method("account.status", account)
            .Route("GET", "/api/v3/rateLimit/order", orderRateLimits).Method("account.rateLimits.orders", orderRateLimits)
            .Route("POST", "/api/v3/orderList/oco", oco).Method("orderList.place.oco", oco)
            .Route("DELETE", "/api/v3/orderList", cancelList).Method("orderList.cancel", cancelList)
            .Route("GET", "/api/v3/orderList", queryList).Method("orderList.status", queryList)
            .Route("GET", "/api/v3/openOrderList", openLists).Method("openOrderLists.status", openLists)
            .Route("GET", "/api/v3/allOrderList", allLists).Method("allOrderLists", allLists);

        // ccxt's loadMarkets() with keys also asks for margin pairs and (unless disabled) currencies: a spot-only
        // venue has none, so these signed endpoints answer an empty list.
        foreach (var path in new[] { "/sapi/v1/margin/allPairs", "/sapi/v1/margin/isolated/allPairs", "/sapi/v1/capital/config/getall" })
        {
            catalog.Route("GET", path, new Operation(path, Security.Signed, Operation.Fixed(1), EmptyList));
        }

        return catalog;
    }

    private static OperationResult EmptyList(OperationContext ctx)
    {
        ctx.Params.GetString("symbol");
        ctx.Params.EnsureAllRead();
        return OperationResult.EmptyArray;
    }

    // ------------------------------------------------------------------ order entry

    private static OperationResult PlaceOrder(OperationContext ctx)
    {
        var (request, responseType) = ParseOrder(ctx);
        ctx.Params.EnsureAllRead();
        var result = ctx.Exchange.PlaceSpotOrder(ctx.AccountId, request).Unwrap();
        var format = ctx.Venue.Format(request.Symbol);
        return OperationResult.Ok(w => SpotJson.WriteNewOrder(w, result, responseType, format));
    }

    private static OperationResult TestOrder(OperationContext ctx)
    {
        var (request, _) = ParseOrder(ctx);
        var computeCommission = ctx.Params.GetBool("computeCommissionRates") ?? false;
        ctx.Params.EnsureAllRead();
        var rates = ctx.Exchange.TestSpotOrder(ctx.AccountId, request).Unwrap();
        if (!computeCommission)
        {
            return OperationResult.EmptyObject;
        }

        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            WriteRates(w, "standardCommissionForOrder", rates);
            WriteRates(w, "specialCommissionForOrder", new FeeRates(0, 0));
            WriteRates(w, "taxCommissionForOrder", new FeeRates(0, 0));
            w.WriteStartObject("discount");
            w.WriteBoolean("enabledForAccount", false);
            w.WriteBoolean("enabledForSymbol", false);
            w.WriteString("discountAsset", "BNB");
            w.WriteFixed("discount", 0m, 8);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static OperationResult CancelOrder(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        p.RequireEither("orderId", "origClientOrderId");
        var request = new SpotCancelRequest
        {
            Symbol = symbol,
            OrderId = p.GetLong("orderId"),
            OrigClientOrderId = OrigClientOrderId(p, "origClientOrderId"),
            NewClientOrderId = NewClientOrderId(p, "newClientOrderId"),
            CancelRestrictions = ParseCancelRestrictions(p),
        };
        p.EnsureAllRead();
        var result = ctx.Exchange.CancelSpotOrder(ctx.AccountId, request).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w => SpotJson.WriteCancel(w, result, format));
    }

    private static OperationResult CancelReplace(OperationContext ctx)
    {
        var p = ctx.Params;
        var mode = p.RequireEnum<CancelReplaceMode>("cancelReplaceMode", () => ApiErrors.InvalidParameterData("cancelReplaceMode"));
        var (order, responseType) = ParseOrder(ctx);
        p.RequireEither("cancelOrderId", "cancelOrigClientOrderId");
        var request = new SpotCancelReplaceRequest
        {
            Mode = mode,
            CancelOrderId = p.GetLong("cancelOrderId"),
            CancelOrigClientOrderId = OrigClientOrderId(p, "cancelOrigClientOrderId"),
            CancelNewClientOrderId = NewClientOrderId(p, "cancelNewClientOrderId"),
            CancelRestrictions = ParseCancelRestrictions(p),
            NewOrder = order,
        };
        var rateLimitMode = p.GetString("orderRateLimitExceededMode") ?? "DO_NOTHING";
        if (rateLimitMode is not ("DO_NOTHING" or "CANCEL_ONLY"))
        {
            throw new ApiErrorException(ApiErrors.InvalidParameterData("orderRateLimitExceededMode"));
        }

        p.EnsureAllRead();
        var format = ctx.Venue.Format(order.Symbol);

        // The order count is checked here, not by the pipeline, because CANCEL_ONLY still performs the cancel.
        var orderLimitError = ctx.Venue.Limiter.TryConsumeOrders(ctx.AccountId, 1, ctx.NowMs);
        ctx.OrderUsage = ctx.Venue.Limiter.OrderUsage(ctx.AccountId, ctx.NowMs);
        if (orderLimitError is not null)
        {
            if (rateLimitMode == "DO_NOTHING")
            {
                return orderLimitError;
            }

            var cancel = ctx.Exchange.CancelSpotOrder(ctx.AccountId, new SpotCancelRequest
            {
                Symbol = order.Symbol,
                OrderId = request.CancelOrderId,
                OrigClientOrderId = request.CancelOrigClientOrderId,
                NewClientOrderId = request.CancelNewClientOrderId,
                CancelRestrictions = request.CancelRestrictions,
            });
            var partial = new SpotCancelReplaceResult
            {
                CancelResult = cancel.IsSuccess ? CancelReplaceLegResult.Success : CancelReplaceLegResult.Failure,
                NewOrderResult = CancelReplaceLegResult.Failure,
                CancelResponse = cancel.IsSuccess ? cancel.Value : null,
                CancelError = cancel.IsSuccess ? null : cancel.Error,
                NewOrderError = new EngineError(orderLimitError.Code, orderLimitError.Message),
                Error = cancel.IsSuccess ? EngineErrors.CancelReplacePartiallyFailed : EngineErrors.CancelReplaceFailed,
            };
            return CancelReplaceError(partial, responseType, format, cancel.IsSuccess ? 409 : 400);
        }

        var result = ctx.Exchange.CancelReplaceSpotOrder(ctx.AccountId, request).Unwrap();
        if (result.Error is { } error)
        {
            return CancelReplaceError(result, responseType, format, error.Code == -2021 ? 409 : 400);
        }

        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            SpotJson.WriteCancelReplaceBody(w, result, responseType, format);
            w.WriteEndObject();
        });
    }

    private static OperationResult CancelReplaceError(SpotCancelReplaceResult result, SpotResponseType responseType, SymbolFormat format, int status)
    {
        var error = result.Error!;
        return new ApiError(status, error.Code, error.Message)
        {
            Data = w => SpotJson.WriteCancelReplaceBody(w, result, responseType, format),
        };
    }

    private static OperationResult AmendKeepPriority(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        p.RequireEither("orderId", "origClientOrderId");
        var format = ctx.Venue.Format(symbol);
        var request = new SpotAmendRequest
        {
            Symbol = symbol,
            OrderId = p.GetLong("orderId"),
            OrigClientOrderId = OrigClientOrderId(p, "origClientOrderId"),
            NewClientOrderId = NewClientOrderId(p, "newClientOrderId"),
            NewQty = ctx.GetDecimal("newQty", format.QtyScale) ?? throw new ApiErrorException(ApiErrors.MandatoryParameter("newQty")),
        };
        p.EnsureAllRead();
        var before = ctx.Exchange.GetSpotOrder(ctx.AccountId, symbol, request.OrderId, request.OrigClientOrderId).Unwrap();

        // The response carries the executionId of the REPLACED report; the engine raises it synchronously within the call.
        long executionId = 0;
        SpotOrderView order;
        var accountId = ctx.AccountId;
        using (ctx.Exchange.Subscribe(e =>
               {
                   if (e is SpotExecutionReport { ExecutionType: ExecutionType.Replaced } r && r.AccountId == accountId && r.OrderId == before.OrderId)
                   {
                       executionId = r.ExecutionId;
                   }
               }))
        {
            order = ctx.Exchange.AmendSpotOrder(ctx.AccountId, request).Unwrap();
        }

        SpotOrderListResult? list = null;
        if (order.OrderListId >= 0 && ctx.Exchange.GetSpotOrderList(ctx.AccountId, order.OrderListId, null) is { IsSuccess: true } found)
        {
            list = found.Value;
        }

        var origClientOrderId = before.ClientOrderId;
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("transactTime", order.UpdateTime);
            w.WriteNumber("executionId", executionId);
            w.WritePropertyName("amendedOrder");
            SpotJson.WriteAmendedOrder(w, order, origClientOrderId, format);
            if (list is not null)
            {
                w.WritePropertyName("listStatus");
                SpotJson.WriteOrderList(w, list, format, includeReports: false);
            }

            w.WriteEndObject();
        });
    }

    private static OperationResult PlaceOco(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        var format = ctx.Venue.Format(symbol);
        var request = new SpotOcoRequest
        {
            Symbol = symbol,
            Side = p.RequireEnum<OrderSide>("side", ApiErrors.InvalidSide),
            Quantity = ctx.GetDecimal("quantity", format.QtyScale) ?? throw new ApiErrorException(ApiErrors.MandatoryParameter("quantity")),
            ListClientOrderId = NewClientOrderId(p, "listClientOrderId"),
            Above = ParseLeg(ctx, "above", format),
            Below = ParseLeg(ctx, "below", format),
            SelfTradePreventionMode = p.GetEnum<SelfTradePreventionMode>("selfTradePreventionMode", () => ApiErrors.InvalidParameterData("selfTradePreventionMode")),
        };
        var responseType = ParseResponseType(p) ?? SpotResponseType.Full;
        p.EnsureAllRead();
        var list = ctx.Exchange.PlaceSpotOco(ctx.AccountId, request).Unwrap();
        return OperationResult.Ok(w => SpotJson.WriteOrderList(w, list, format, responseType: responseType));
    }

    private static SpotOcoLeg ParseLeg(OperationContext ctx, string prefix, SymbolFormat format)
    {
        var p = ctx.Params;
        return new SpotOcoLeg
        {
            Type = p.RequireEnum<SpotOrderType>(prefix + "Type", ApiErrors.InvalidOrderType),
            ClientOrderId = NewClientOrderId(p, prefix + "ClientOrderId"),
            Price = ctx.GetDecimal(prefix + "Price", format.PriceScale),
            StopPrice = ctx.GetDecimal(prefix + "StopPrice", format.PriceScale),
            TrailingDelta = p.GetLong(prefix + "TrailingDelta"),
            TimeInForce = ParseTimeInForce(p, prefix + "TimeInForce"),
            IcebergQty = ctx.GetDecimal(prefix + "IcebergQty", format.QtyScale),
            StrategyId = p.GetLong(prefix + "StrategyId", allowNegative: true),
            StrategyType = ParseStrategyType(p, prefix + "StrategyType"),
        };
    }

    private static OperationResult CancelOrderList(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        p.RequireEither("orderListId", "listClientOrderId");
        var request = new SpotCancelOrderListRequest
        {
            Symbol = symbol,
            OrderListId = p.GetLong("orderListId"),
            ListClientOrderId = OrigClientOrderId(p, "listClientOrderId"),
            NewClientOrderId = NewClientOrderId(p, "newClientOrderId"),
        };
        p.EnsureAllRead();
        var list = ctx.Exchange.CancelSpotOrderList(ctx.AccountId, request).Unwrap();
        var format = ctx.Venue.Format(symbol);
        var cancelId = request.NewClientOrderId ?? list.ListClientOrderId;
        return OperationResult.Ok(w => SpotJson.WriteOrderList(w, list, format, cancelClientOrderId: cancelId));
    }

    private static OperationResult CancelAll(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        ctx.Params.EnsureAllRead();
        var result = ctx.Exchange.CancelAllSpotOrders(ctx.AccountId, symbol).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w =>
        {
            w.WriteStartArray();
            foreach (var cancel in result.Orders)
            {
                SpotJson.WriteCancel(w, cancel, format);
            }

            foreach (var list in result.OrderLists)
            {
                SpotJson.WriteOrderList(w, list, format, cancelClientOrderId: list.ListClientOrderId);
            }

            w.WriteEndArray();
        });
    }

    // ------------------------------------------------------------------ queries

    private static OperationResult QueryOrder(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        p.RequireEither("orderId", "origClientOrderId");
        var orderId = p.GetLong("orderId");
        var clientId = OrigClientOrderId(p, "origClientOrderId");
        p.EnsureAllRead();
        var order = ctx.Exchange.GetSpotOrder(ctx.AccountId, symbol, orderId, clientId).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w => SpotJson.WriteOrder(w, order, format));
    }

    private static OperationResult OpenOrders(OperationContext ctx)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        var orders = ctx.Exchange.GetOpenSpotOrders(ctx.AccountId, symbol).Unwrap();
        return OrderArray(ctx, orders);
    }

    private static OperationResult AllOrders(OperationContext ctx)
    {
        var query = ctx.GetOrderHistory(symbolRequired: true);
        CheckSpan(query.StartTime, query.EndTime, 24);
        ctx.Params.EnsureAllRead();
        var orders = ctx.Exchange.GetAllSpotOrders(ctx.AccountId, query).Unwrap();
        return OrderArray(ctx, orders);
    }

    private static OperationResult MyTrades(OperationContext ctx)
    {
        var query = ctx.GetTradeHistory();
        CheckSpan(query.StartTime, query.EndTime, 24);
        ctx.Params.EnsureAllRead();
        var trades = ctx.Exchange.GetSpotTrades(ctx.AccountId, query).Unwrap();
        var format = ctx.Venue.Format(query.Symbol);
        return OperationResult.OkArray(trades, (w, trade) => SpotJson.WriteTrade(w, trade, format));
    }

    private static OperationResult Account(OperationContext ctx)
    {
        var omitZero = ctx.Params.GetBool("omitZeroBalances") ?? false;
        ctx.Params.EnsureAllRead();
        var account = ctx.Exchange.GetSpotAccount(ctx.AccountId).Unwrap();
        return OperationResult.Ok(w => SpotJson.WriteAccount(w, account, omitZero));
    }

    private static OperationResult OrderRateLimits(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var usage = ctx.Venue.Limiter.OrderUsage(ctx.AccountId, ctx.NowMs);
        return OperationResult.OkArray(usage, (w, u) => MarketJson.WriteRateLimit(w, u.Rule, u.Count));
    }

    private static OperationResult QueryOrderList(OperationContext ctx)
    {
        var p = ctx.Params;
        p.RequireEither("orderListId", "origClientOrderId");
        var id = p.GetLong("orderListId");
        var clientId = OrigClientOrderId(p, "origClientOrderId");
        p.EnsureAllRead();
        var list = ctx.Exchange.GetSpotOrderList(ctx.AccountId, id, clientId).Unwrap();
        var format = ctx.Venue.Format(list.Symbol);
        return OperationResult.Ok(w => SpotJson.WriteOrderList(w, list, format, includeReports: false));
    }

    private static OperationResult OpenOrderLists(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var lists = ctx.Exchange.GetOpenSpotOrderLists(ctx.AccountId).Unwrap();
        return OrderListArray(ctx, lists);
    }

    private static OperationResult AllOrderLists(OperationContext ctx)
    {
        var p = ctx.Params;
        var fromId = p.GetLong("fromId");
        var startTime = p.GetLong("startTime");
        var endTime = p.GetLong("endTime");
        var limit = p.GetLimit(500, 1000);
        p.EnsureAllRead();
        var lists = ctx.Exchange.GetAllSpotOrderLists(ctx.AccountId, fromId, startTime, endTime, limit).Unwrap();
        return OrderListArray(ctx, lists);
    }

    private static OperationResult OrderArray(OperationContext ctx, IReadOnlyList<SpotOrderView> orders)
    {
        var venue = ctx.Venue;
        return OperationResult.OkArray(orders, (w, order) => SpotJson.WriteOrder(w, order, venue.Format(order.Symbol), listLayout: true));
    }

    private static OperationResult OrderListArray(OperationContext ctx, IReadOnlyList<SpotOrderListResult> lists)
    {
        var venue = ctx.Venue;
        return OperationResult.OkArray(lists, (w, list) => SpotJson.WriteOrderList(w, list, venue.Format(list.Symbol), includeReports: false));
    }

    // ------------------------------------------------------------------ parsing

    /// <summary>Parses the new-order parameters (also used by order.test and cancel-replace).</summary>
    public static (SpotOrderRequest Request, SpotResponseType ResponseType) ParseOrder(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        var format = ctx.Venue.Format(symbol);
        var side = p.RequireEnum<OrderSide>("side", ApiErrors.InvalidSide);
        var type = p.RequireEnum<SpotOrderType>("type", ApiErrors.InvalidOrderType);
        var request = new SpotOrderRequest
        {
            Symbol = symbol,
            Side = side,
            Type = type,
            TimeInForce = ParseTimeInForce(p, "timeInForce"),
            Quantity = ctx.GetDecimal("quantity", format.QtyScale),
            QuoteOrderQty = ctx.GetDecimal("quoteOrderQty", format.QuoteScale),
            Price = ctx.GetDecimal("price", format.PriceScale),
            NewClientOrderId = NewClientOrderId(p, "newClientOrderId"),
            StopPrice = ctx.GetDecimal("stopPrice", format.PriceScale),
            TrailingDelta = p.GetLong("trailingDelta"),
            IcebergQty = ctx.GetDecimal("icebergQty", format.QtyScale),
            StrategyId = p.GetLong("strategyId", allowNegative: true),
            StrategyType = ParseStrategyType(p, "strategyType"),
            SelfTradePreventionMode = p.GetEnum<SelfTradePreventionMode>("selfTradePreventionMode", () => ApiErrors.InvalidParameterData("selfTradePreventionMode")),
        };
        var responseType = ParseResponseType(p) ?? SpotJson.DefaultResponseType(type);
        return (request, responseType);
    }

    private static SpotResponseType? ParseResponseType(RequestParameters p) => p.GetString("newOrderRespType") switch
    {
        null => null,
        "ACK" => SpotResponseType.Ack,
        "RESULT" => SpotResponseType.Result,
        "FULL" => SpotResponseType.Full,
        _ => throw new ApiErrorException(ApiErrors.InvalidNewOrderRespType()),
    };

    private static TimeInForce? ParseTimeInForce(RequestParameters p, string name)
    {
        var tif = p.GetEnum<TimeInForce>(name, ApiErrors.InvalidTimeInForce);
        return tif is TimeInForce.Gtx or TimeInForce.Gtd ? throw new ApiErrorException(ApiErrors.InvalidTimeInForce()) : tif;
    }

    private static int? ParseStrategyType(RequestParameters p, string name)
    {
        var value = p.GetInt(name);
        if (value is < 1_000_000)
        {
            throw new ApiErrorException(new ApiError(400, -1134, "`strategyType` was less than 1000000."));
        }

        return value;
    }

    private static CancelRestrictions? ParseCancelRestrictions(RequestParameters p) =>
        p.GetEnum<CancelRestrictions>("cancelRestrictions", ApiErrors.InvalidCancelRestrictions);

    private static string? NewClientOrderId(RequestParameters p, string name)
    {
        var value = p.Raw(name);
        return value is { Length: 0 } ? throw new ApiErrorException(ApiErrors.EmptyNewClientOrderId()) : value;
    }

    private static string? OrigClientOrderId(RequestParameters p, string name)
    {
        var value = p.Raw(name);
        return value is { Length: 0 } ? throw new ApiErrorException(ApiErrors.EmptyOrigClientOrderId()) : value;
    }

    private static void CheckSpan(long? startTime, long? endTime, int maxHours)
    {
        if (startTime is { } start && endTime is { } end)
        {
            if (start > end)
            {
                throw new ApiErrorException(new ApiError(400, -1023, "Start time is greater than end time."));
            }

            if (end - start > maxHours * 3_600_000L)
            {
                throw new ApiErrorException(new ApiError(400, -1127, $"More than {maxHours} hours between startTime and endTime."));
            }
        }
    }

    private static void WriteRates(Utf8JsonWriter w, string name, FeeRates rates)
    {
        w.WriteStartObject(name);
        w.WriteFixed("maker", rates.Maker, 8);
        w.WriteFixed("taker", rates.Taker, 8);
        w.WriteEndObject();
    }
}
