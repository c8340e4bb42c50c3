using System.Globalization;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.Operations;

namespace Oms.Simulator.Wire.Futures;

/// <summary>USDⓈ-M REST routes (<c>/fapi/v1|v2|v3/…</c>) and WS API methods (<c>/ws-fapi/v1</c>).</summary>
public static class FuturesOperations
{
    private const int MaxBatchOrders = 5;

    private const string CancelAllDone = "The operation of cancel all open order is done.";

    private static readonly string[] NotForLimitOrMarket = ["stopPrice", "closePosition", "activationPrice", "callbackRate", "workingType", "priceProtect"];

    public static OperationCatalog Build()
    {
        var catalog = new OperationCatalog();
        var ping = MarketOperations.Ping(1);
        var time = MarketOperations.Time(1);
        var exchangeInfo = MarketOperations.ExchangeInfo(1);
        var depth = MarketOperations.Depth(MarketOperations.FuturesDepthWeight);
        var trades = MarketOperations.RecentTrades(5);
        var aggTrades = MarketOperations.AggTrades(20);
        var bookTicker = MarketOperations.BookTicker(2, 5);
        var priceTicker = MarketOperations.PriceTicker(1, 2);
        var premiumIndex = MarketOperations.PremiumIndex();

        var newOrder = new Operation("order.place", Security.Signed, Operation.Fixed(0), PlaceOrder) { OrderCount = static _ => 1, IsOrderRequest = true };
        var testOrder = new Operation("order.test", Security.Signed, Operation.Fixed(1), TestOrder) { IsOrderRequest = true };
        var modify = new Operation("order.modify", Security.Signed, Operation.Fixed(0), ModifyOrder) { OrderCount = static _ => 1, IsOrderRequest = true };
        var batch = new Operation("batchOrders", Security.Signed, Operation.Fixed(5), BatchOrders) { OrderCount = BatchSize, IsOrderRequest = true };
        var cancel = new Operation("order.cancel", Security.Signed, Operation.Fixed(1), CancelOrder) { IsOrderRequest = true };
        var cancelAll = new Operation("allOpenOrders.cancel", Security.Signed, Operation.Fixed(1), CancelAll) { IsOrderRequest = true };
        var countdown = new Operation("countdownCancelAll", Security.Signed, Operation.Fixed(10), CountdownCancelAll) { IsOrderRequest = true };
        var query = new Operation("order.status", Security.Signed, Operation.Fixed(1), QueryOrder);
        var openOrders = new Operation("openOrders.status", Security.Signed, p => p.Has("symbol") ? 1 : 40, OpenOrders);
        var allOrders = new Operation("allOrders", Security.Signed, Operation.Fixed(5), AllOrders);
        var algoPlace = new Operation("algoOrder.place", Security.Signed, Operation.Fixed(0), PlaceAlgo) { OrderCount = static _ => 1, IsOrderRequest = true };
        var algoCancel = new Operation("algoOrder.cancel", Security.Signed, Operation.Fixed(1), CancelAlgo) { IsOrderRequest = true };
        var algoCancelAll = new Operation("algoOpenOrders.cancel", Security.Signed, Operation.Fixed(1), CancelAllAlgo) { IsOrderRequest = true };
        var algoQuery = new Operation("algoOrder.status", Security.Signed, Operation.Fixed(1), QueryAlgo);
        var openAlgo = new Operation("openAlgoOrders", Security.Signed, p => p.Has("symbol") ? 1 : 40, OpenAlgo);
        var allAlgo = new Operation("allAlgoOrders", Security.Signed, Operation.Fixed(5), AllAlgo);
        var leverage = new Operation("leverage", Security.Signed, Operation.Fixed(1), ChangeLeverage);
        var marginType = new Operation("marginType", Security.Signed, Operation.Fixed(1), ChangeMarginType);
        var dualSet = new Operation("positionSide.dual.set", Security.Signed, Operation.Fixed(1), SetDualSide);
        var dualGet = new Operation("positionSide.dual", Security.Signed, Operation.Fixed(30), GetDualSide);
        var positionRiskV2 = new Operation("account.position.v2", Security.Signed, Operation.Fixed(5), ctx => PositionRisk(ctx, v3: false));
        var positionRiskV3 = new Operation("account.position", Security.Signed, Operation.Fixed(5), ctx => PositionRisk(ctx, v3: true));
        var accountV2 = new Operation("account.status.v2", Security.Signed, Operation.Fixed(5), ctx => Account(ctx, v3: false));
        var accountV3 = new Operation("account.status", Security.Signed, Operation.Fixed(5), ctx => Account(ctx, v3: true));
        var balance = new Operation("account.balance", Security.Signed, Operation.Fixed(5), Balance);
        var income = new Operation("income", Security.Signed, Operation.Fixed(30), Income);
        var userTrades = new Operation("userTrades", Security.Signed, Operation.Fixed(5), UserTrades);
        var commission = new Operation("commissionRate", Security.Signed, Operation.Fixed(20), CommissionRate);
        var symbolConfig = new Operation("symbolConfig", Security.Signed, Operation.Fixed(5), SymbolConfig);
        var accountConfig = new Operation("accountConfig", Security.Signed, Operation.Fixed(5), AccountConfig);
        var rateLimitOrder = new Operation("rateLimit.order", Security.Signed, Operation.Fixed(1), RateLimitOrder);
        var brackets = new Operation("leverageBracket", Security.Signed, Operation.Fixed(1), LeverageBrackets);
        var listenKeyStart = new Operation("userDataStream.start", Security.ApiKey, Operation.Fixed(1), ListenKeyStart);
        var listenKeyPing = new Operation("userDataStream.ping", Security.ApiKey, Operation.Fixed(1), ListenKeyPing);
        var listenKeyStop = new Operation("userDataStream.stop", Security.ApiKey, Operation.Fixed(1), ListenKeyStop);

        catalog
            .Route("GET", "/fapi/v1/ping", ping).Method("ping", ping)
            .Route("GET", "/fapi/v1/time", time).Method("time", time)
            .Route("GET", "/fapi/v1/exchangeInfo", exchangeInfo).Method("exchangeInfo", exchangeInfo)
            .Route("GET", "/fapi/v1/depth", depth).Method("depth", depth)
            .Route("GET", "/fapi/v1/trades", trades)
            .Route("GET", "/fapi/v1/aggTrades", aggTrades)
            .Route("GET", "/fapi/v1/ticker/bookTicker", bookTicker).Method("ticker.book", bookTicker)
            .Route("GET", "/fapi/v1/ticker/price", priceTicker).Route("GET", "/fapi/v2/ticker/price", priceTicker).Method("ticker.price", priceTicker)
            .Route("GET", "/fapi/v1/premiumIndex", premiumIndex)
            .Route("POST", "/fapi/v1/order", newOrder).Method("order.place", newOrder)
            .Route("POST", "/fapi/v1/order/test", testOrder)
            .Route("PUT", "/fapi/v1/order", modify).Method("order.modify", modify)
            .Route("POST", "/fapi/v1/batchOrders", batch)
            .Route("DELETE", "/fapi/v1/order", cancel).Method("order.cancel", cancel)
            .Route("DELETE", "/fapi/v1/allOpenOrders", cancelAll)
            .Route("POST", "/fapi/v1/countdownCancelAll", countdown)
            .Route("GET", "/fapi/v1/order", query).Method("order.status", query)
            .Route("GET", "/fapi/v1/openOrders", openOrders)
            .Route("GET", "/fapi/v1/allOrders", allOrders)
            .Route("POST", "/fapi/v1/algoOrder", algoPlace).Method("algoOrder.place", algoPlace)
            .Route("DELETE", "/fapi/v1/algoOrder", algoCancel).Method("algoOrder.cancel", algoCancel)
            .Route("DELETE", "/fapi/v1/algoOpenOrders", algoCancelAll)
            .Route("GET", "/fapi/v1/algoOrder", algoQuery)
            .Route("GET", "/fapi/v1/openAlgoOrders", openAlgo)
            .Route("GET", "/fapi/v1/allAlgoOrders", allAlgo)
            .Route("POST", "/fapi/v1/leverage", leverage)
            .Route("POST", "/fapi/v1/marginType", marginType)
            .Route("POST", "/fapi/v1/positionSide/dual", dualSet)
            .Route("GET", "/fapi/v1/positionSide/dual", dualGet)
            .Route("GET", "/fapi/v2/positionRisk", positionRiskV2).Method("v2/account.position", positionRiskV2)
            .Route("GET", "/fapi/v3/positionRisk", positionRiskV3).Method("account.position", positionRiskV3)
            .Route("GET", "/fapi/v2/account", accountV2).Method("v2/account.status", accountV2)
            .Route("GET", "/fapi/v3/account", accountV3).Method("account.status", accountV3)
            .Route("GET", "/fapi/v2/balance", balance).Route("GET", "/fapi/v3/balance", balance).Method("account.balance", balance)
            .Route("GET", "/fapi/v1/income", income)
            .Route("GET", "/fapi/v1/userTrades", userTrades)
            .Route("GET", "/fapi/v1/commissionRate", commission)
            .Route("GET", "/fapi/v1/symbolConfig", symbolConfig)
            .Route("GET", "/fapi/v1/accountConfig", accountConfig)
            .Route("GET", "/fapi/v1/rateLimit/order", rateLimitOrder)
            .Route("GET", "/fapi/v1/leverageBracket", brackets)
            .Route("POST", "/fapi/v1/listenKey", listenKeyStart).Method("userDataStream.start", listenKeyStart)
            .Route("PUT", "/fapi/v1/listenKey", listenKeyPing).Method("userDataStream.ping", listenKeyPing)
            .Route("DELETE", "/fapi/v1/listenKey", listenKeyStop).Method("userDataStream.stop", listenKeyStop);
        return catalog;
    }

    // ------------------------------------------------------------------ orders

    private static OperationResult PlaceOrder(OperationContext ctx)
    {
        var (request, result) = ParseOrder(ctx);
        ctx.Params.EnsureAllRead();
        var order = ctx.Exchange.PlaceFuturesOrder(ctx.AccountId, request).Unwrap();
        return RenderPlacement(ctx, order, result);
    }

    private static OperationResult TestOrder(OperationContext ctx)
    {
        var (request, _) = ParseOrder(ctx);
        ctx.Params.EnsureAllRead();
        ctx.Exchange.TestFuturesOrder(ctx.AccountId, request).Unwrap();
        return OperationResult.EmptyObject;
    }

    private static OperationResult RenderPlacement(OperationContext ctx, FuturesOrderView order, bool resultType)
    {
        var shown = AsAnswered(order, resultType);
        var format = ctx.Venue.Format(order.Symbol);
        return OperationResult.Ok(w => FuturesJson.WriteOrder(w, shown, FuturesOrderLayout.Placement, format));
    }

    /// <summary>The order as a placement answers it: RESULT shows it after matching; ACK answers before matching, as accepted.</summary>
    private static FuturesOrderView AsAnswered(FuturesOrderView order, bool resultType) =>
        resultType || order.Status == OrderStatus.New
            ? order
            : order with { Status = OrderStatus.New, ExecutedQty = 0, CumQuote = 0, AvgPrice = 0, UpdateTime = order.Time };

    private static OperationResult ModifyOrder(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        var format = ctx.Venue.Format(symbol);
        p.RequireEither("orderId", "origClientOrderId");
        var request = new FuturesModifyRequest
        {
            Symbol = symbol,
            OrderId = p.GetLong("orderId"),
            OrigClientOrderId = p.GetString("origClientOrderId"),
            Side = p.RequireEnum<OrderSide>("side", ApiErrors.InvalidSide),
            Quantity = ctx.GetDecimal("quantity", format.QtyScale) ?? throw new ApiErrorException(ApiErrors.MandatoryParameter("quantity")),
            Price = ctx.GetDecimal("price", format.PriceScale),
            PriceMatch = ParsePriceMatch(p),
        };
        if (p.GetEnum<FuturesOrderType>("origType", ApiErrors.InvalidOrderType) is { } origType && origType != FuturesOrderType.Limit)
        {
            throw new ApiErrorException(new ApiError(400, -5025, "Only limit order is supported."));
        }

        ParsePositionSide(p);
        p.EnsureAllRead();
        var order = ctx.Exchange.ModifyFuturesOrder(ctx.AccountId, request).Unwrap();
        return OperationResult.Ok(w => FuturesJson.WriteOrder(w, order, FuturesOrderLayout.Placement, format));
    }

    private static int BatchSize(RequestParameters p)
    {
        var raw = p.Has("batchOrders") ? p.Raw("batchOrders") : null;
        if (raw is null)
        {
            return 1;
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Array ? Math.Max(1, document.RootElement.GetArrayLength()) : 1;
        }
        catch (JsonException)
        {
            return 1;
        }
    }

    private static OperationResult BatchOrders(OperationContext ctx)
    {
        var raw = ctx.Params.RequireString("batchOrders");
        ctx.Params.EnsureAllRead();
        List<JsonElement> items;
        try
        {
            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ApiErrors.InvalidJson("batchOrders");
            }

            items = document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }
        catch (JsonException)
        {
            return ApiErrors.InvalidJson("batchOrders");
        }

        if (items.Count is 0 or > MaxBatchOrders)
        {
            return new ApiError(400, -4082, string.Create(CultureInfo.InvariantCulture, $"Invalid number of batch place orders: {items.Count}"));
        }

        var results = new List<(FuturesOrderView? Order, ApiError? Error, bool Result)>();
        foreach (var item in items)
        {
            try
            {
                var itemContext = new OperationContext
                {
                    Venue = ctx.Venue,
                    Params = item.ValueKind == JsonValueKind.Object ? RequestParameters.FromJson(item) : throw new ApiErrorException(ApiErrors.InvalidJson("batchOrders")),
                    ClientIp = ctx.ClientIp,
                    Transport = ctx.Transport,
                    NowMs = ctx.NowMs,
                    Credential = ctx.Credential,
                };
                var (request, resultType) = ParseOrder(itemContext);
                itemContext.Params.EnsureAllRead();
                var placed = ctx.Exchange.PlaceFuturesOrder(ctx.AccountId, request);
                results.Add(placed.IsSuccess ? (placed.Value, null, resultType) : (null, placed.Error.ToApi(), false));
            }
            catch (ApiErrorException ex)
            {
                results.Add((null, ex.Error, false));
            }
        }

        var venue = ctx.Venue;
        return OperationResult.OkArray(results, (w, item) =>
        {
            if (item.Order is { } order)
            {
                FuturesJson.WriteOrder(w, AsAnswered(order, item.Result), FuturesOrderLayout.Placement, venue.Format(order.Symbol));
            }
            else
            {
                w.WriteCodeMsg(item.Error!.Code, item.Error.Message);
            }
        });
    }

    private static OperationResult CancelOrder(OperationContext ctx)
    {
        var (symbol, orderId, clientId) = ParseOrderReference(ctx);
        var order = ctx.Exchange.CancelFuturesOrder(ctx.AccountId, symbol, orderId, clientId).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w => FuturesJson.WriteOrder(w, order, FuturesOrderLayout.Cancel, format));
    }

    private static OperationResult CancelAll(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        ctx.Params.EnsureAllRead();
        ctx.Exchange.CancelAllFuturesOrders(ctx.AccountId, symbol).Unwrap();
        return OperationResult.Ok(static w => FuturesJson.WriteCodeMsg(w, CancelAllDone));
    }

    private static OperationResult CountdownCancelAll(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        var countdown = ctx.Params.RequireLong("countdownTime");
        ctx.Params.EnsureAllRead();
        var view = ctx.Exchange.SetCountdownCancelAll(ctx.AccountId, symbol, countdown).Unwrap();
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("symbol", view.Symbol);
            w.WriteString("countdownTime", view.CountdownTime.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    private static OperationResult QueryOrder(OperationContext ctx)
    {
        var (symbol, orderId, clientId) = ParseOrderReference(ctx);
        var order = ctx.Exchange.GetFuturesOrder(ctx.AccountId, symbol, orderId, clientId).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w => FuturesJson.WriteOrder(w, order, FuturesOrderLayout.Query, format));
    }

    private static OperationResult OpenOrders(OperationContext ctx)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        return OrderArray(ctx, ctx.Exchange.GetOpenFuturesOrders(ctx.AccountId, symbol).Unwrap());
    }

    private static OperationResult AllOrders(OperationContext ctx)
    {
        var query = ctx.GetOrderHistory(symbolRequired: false);
        ctx.Params.EnsureAllRead();
        return OrderArray(ctx, ctx.Exchange.GetAllFuturesOrders(ctx.AccountId, query).Unwrap());
    }

    private static OperationResult OrderArray(OperationContext ctx, IReadOnlyList<FuturesOrderView> orders)
    {
        var venue = ctx.Venue;
        return OperationResult.OkArray(orders, (w, order) => FuturesJson.WriteOrder(w, order, FuturesOrderLayout.Query, venue.Format(order.Symbol)));
    }

    // ------------------------------------------------------------------ algo orders

    private static OperationResult PlaceAlgo(OperationContext ctx)
    {
        var p = ctx.Params;
        var algoType = p.RequireString("algoType");
        if (algoType != "CONDITIONAL")
        {
            throw new ApiErrorException(ApiErrors.InvalidParameterData("algoType"));
        }

        var symbol = ctx.RequireSymbol();
        var format = ctx.Venue.Format(symbol);
        var request = new FuturesAlgoOrderRequest
        {
            Symbol = symbol,
            Side = p.RequireEnum<OrderSide>("side", ApiErrors.InvalidSide),
            Type = p.RequireEnum<FuturesOrderType>("type", ApiErrors.InvalidOrderType),
            PositionSide = ParsePositionSide(p),
            TimeInForce = p.GetEnum<TimeInForce>("timeInForce", ApiErrors.InvalidTimeInForce),
            Quantity = ctx.GetDecimal("quantity", format.QtyScale),
            Price = ctx.GetDecimal("price", format.PriceScale),
            TriggerPrice = ctx.GetDecimal("triggerPrice", format.PriceScale),
            WorkingType = p.GetEnum<WorkingType>("workingType", () => new ApiError(400, -4031, $"Invalid parameter working type: `{p.Raw("workingType")}`")),
            PriceMatch = ParsePriceMatch(p),
            ClosePosition = p.GetBool("closePosition"),
            PriceProtect = p.GetBool("priceProtect"),
            ReduceOnly = p.GetBool("reduceOnly"),
            ActivatePrice = ctx.GetDecimal("activatePrice", format.PriceScale),
            CallbackRate = p.GetDecimal("callbackRate"),
            ClientAlgoId = p.GetString("clientAlgoId"),
            SelfTradePreventionMode = ParseStp(p),
            GoodTillDate = p.GetLong("goodTillDate"),
        };
        ParseResponseType(p);
        p.EnsureAllRead();
        var algo = ctx.Exchange.PlaceAlgoOrder(ctx.AccountId, request).Unwrap();
        return OperationResult.Ok(w => FuturesJson.WriteAlgoOrder(w, algo, query: false, format));
    }

    private static OperationResult CancelAlgo(OperationContext ctx)
    {
        var (algoId, clientAlgoId) = ParseAlgoReference(ctx);
        var algo = ctx.Exchange.CancelAlgoOrder(ctx.AccountId, algoId, clientAlgoId).Unwrap();
        return OperationResult.Ok(w => FuturesJson.WriteAlgoCancel(w, algo));
    }

    private static OperationResult CancelAllAlgo(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        ctx.Params.EnsureAllRead();
        ctx.Exchange.CancelAllAlgoOrders(ctx.AccountId, symbol).Unwrap();
        return OperationResult.Ok(static w => FuturesJson.WriteCodeMsg(w, CancelAllDone));
    }

    private static OperationResult QueryAlgo(OperationContext ctx)
    {
        var (algoId, clientAlgoId) = ParseAlgoReference(ctx);
        var algo = ctx.Exchange.GetAlgoOrder(ctx.AccountId, algoId, clientAlgoId).Unwrap();
        var format = ctx.Venue.Format(algo.Symbol);
        return OperationResult.Ok(w => FuturesJson.WriteAlgoOrder(w, algo, query: true, format));
    }

    private static OperationResult OpenAlgo(OperationContext ctx)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.GetLong("algoId");
        ctx.Params.EnsureAllRead();
        return AlgoArray(ctx, ctx.Exchange.GetOpenAlgoOrders(ctx.AccountId, symbol).Unwrap());
    }

    private static OperationResult AllAlgo(OperationContext ctx)
    {
        var query = ctx.GetOrderHistory(symbolRequired: true, idName: "algoId");
        ctx.Params.GetInt("page");
        ctx.Params.EnsureAllRead();
        return AlgoArray(ctx, ctx.Exchange.GetAllAlgoOrders(ctx.AccountId, query).Unwrap());
    }

    private static OperationResult AlgoArray(OperationContext ctx, IReadOnlyList<AlgoOrderView> algos)
    {
        var venue = ctx.Venue;
        return OperationResult.OkArray(algos, (w, algo) => FuturesJson.WriteAlgoOrder(w, algo, query: true, venue.Format(algo.Symbol)));
    }

    // ------------------------------------------------------------------ account configuration

    private static OperationResult ChangeLeverage(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        var leverage = ctx.Params.GetInt("leverage") ?? throw new ApiErrorException(ApiErrors.MandatoryParameter("leverage"));
        ctx.Params.EnsureAllRead();
        var view = ctx.Exchange.ChangeLeverage(ctx.AccountId, symbol, leverage).Unwrap();
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("leverage", view.Leverage);
            w.WritePlain("maxNotionalValue", view.MaxNotionalValue);
            w.WriteString("symbol", view.Symbol);
            w.WriteEndObject();
        });
    }

    private static OperationResult ChangeMarginType(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        var marginType = ctx.Params.RequireEnum<MarginType>("marginType", () => ApiErrors.InvalidParameterData("marginType"));
        ctx.Params.EnsureAllRead();
        ctx.Exchange.ChangeMarginType(ctx.AccountId, symbol, marginType).Unwrap();
        return OperationResult.Ok(static w => FuturesJson.WriteCodeMsg(w, "success"));
    }

    private static OperationResult SetDualSide(OperationContext ctx)
    {
        var dual = ctx.Params.GetBool("dualSidePosition") ?? throw new ApiErrorException(ApiErrors.MandatoryParameter("dualSidePosition"));
        ctx.Params.EnsureAllRead();
        ctx.Exchange.ChangePositionMode(ctx.AccountId, dual).Unwrap();
        return OperationResult.Ok(static w => FuturesJson.WriteCodeMsg(w, "success"));
    }

    private static OperationResult GetDualSide(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var dual = ctx.Exchange.GetPositionMode(ctx.AccountId).Unwrap();
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("dualSidePosition", dual);
            w.WriteEndObject();
        });
    }

    private static OperationResult PositionRisk(OperationContext ctx, bool v3)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        var positions = ctx.Exchange.GetPositionRisk(ctx.AccountId, symbol).Unwrap();
        var venue = ctx.Venue;
        var maxNotional = v3
            ? null
            : ctx.Exchange.GetSymbolConfig(ctx.AccountId, symbol).Unwrap().ToDictionary(c => c.Symbol, c => c.MaxNotionalValue, StringComparer.Ordinal);
        return OperationResult.OkArray(positions, (w, position) =>
        {
            if (v3)
            {
                FuturesJson.WritePositionRiskV3(w, position, venue.Format(position.Symbol));
            }
            else
            {
                FuturesJson.WritePositionRiskV2(w, position, maxNotional!.GetValueOrDefault(position.Symbol), venue.Format(position.Symbol));
            }
        });
    }

    private static OperationResult Account(OperationContext ctx, bool v3)
    {
        ctx.Params.EnsureAllRead();
        var account = ctx.Exchange.GetFuturesAccount(ctx.AccountId).Unwrap();
        var venue = ctx.Venue;
        return v3
            ? OperationResult.Ok(w => FuturesJson.WriteAccountV3(w, account, venue.Format))
            : OperationResult.Ok(w => FuturesJson.WriteAccountV2(w, account, venue.Format, 0));
    }

    private static OperationResult Balance(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var balances = ctx.Exchange.GetFuturesBalances(ctx.AccountId).Unwrap();
        var alias = AccountAlias(ctx.AccountId);
        return OperationResult.OkArray(balances, (w, balance) => FuturesJson.WriteBalance(w, balance, alias));
    }

    private static OperationResult Income(OperationContext ctx)
    {
        var p = ctx.Params;
        var query = new IncomeQuery
        {
            Symbol = ctx.GetSymbol(),
            IncomeType = p.GetEnum<IncomeType>("incomeType", () => ApiErrors.InvalidParameterData("incomeType")),
            StartTime = p.GetLong("startTime"),
            EndTime = p.GetLong("endTime"),
            Limit = p.GetLimit(100, 1000),
        };
        p.GetInt("page");
        p.EnsureAllRead();
        var rows = ctx.Exchange.GetIncomeHistory(ctx.AccountId, query).Unwrap();
        return OperationResult.OkArray(rows, FuturesJson.WriteIncome);
    }

    private static OperationResult UserTrades(OperationContext ctx)
    {
        var query = ctx.GetTradeHistory();
        ctx.Params.EnsureAllRead();
        var trades = ctx.Exchange.GetFuturesTrades(ctx.AccountId, query).Unwrap();
        var format = ctx.Venue.Format(query.Symbol);
        return OperationResult.OkArray(trades, (w, trade) => FuturesJson.WriteUserTrade(w, trade, format));
    }

    private static OperationResult CommissionRate(OperationContext ctx)
    {
        var symbol = ctx.RequireSymbol();
        ctx.Params.EnsureAllRead();
        var rates = ctx.Exchange.GetFuturesCommissionRate(ctx.AccountId, symbol).Unwrap();
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("symbol", symbol);
            w.WritePlain("makerCommissionRate", rates.Maker);
            w.WritePlain("takerCommissionRate", rates.Taker);
            w.WriteEndObject();
        });
    }

    private static OperationResult SymbolConfig(OperationContext ctx)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        var configs = ctx.Exchange.GetSymbolConfig(ctx.AccountId, symbol).Unwrap();
        return OperationResult.OkArray(configs, static (w, config) =>
        {
            w.WriteStartObject();
            w.WriteString("symbol", config.Symbol);
            w.WriteString("marginType", config.MarginType.ToWire());
            w.WriteString("isAutoAddMargin", config.IsAutoAddMargin ? "true" : "false");
            w.WriteNumber("leverage", config.Leverage);
            w.WritePlain("maxNotionalValue", config.MaxNotionalValue);
            w.WriteEndObject();
        });
    }

    private static OperationResult AccountConfig(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var account = ctx.Exchange.GetFuturesAccount(ctx.AccountId).Unwrap();
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("feeTier", 0);
            w.WriteBoolean("canTrade", account.CanTrade);
            w.WriteBoolean("canDeposit", true);
            w.WriteBoolean("canWithdraw", true);
            w.WriteBoolean("dualSidePosition", account.DualSidePosition);
            w.WriteNumber("updateTime", 0);
            w.WriteBoolean("multiAssetsMargin", false);
            w.WriteNumber("tradeGroupId", -1);
            w.WriteEndObject();
        });
    }

    private static OperationResult RateLimitOrder(OperationContext ctx)
    {
        ctx.Params.EnsureAllRead();
        var rules = ctx.Venue.Limiter.Settings.OrderRules;
        return OperationResult.OkArray(rules, static (w, rule) => MarketJson.WriteRateLimit(w, rule));
    }

    private static OperationResult LeverageBrackets(OperationContext ctx)
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        var symbols = symbol is not null
            ? [symbol]
            : ctx.Exchange.GetExchangeInfo(MarketKind.UsdM).Symbols.Select(s => s.Symbol).ToList();
        var rows = symbols.Select(s => (Symbol: s, Brackets: ctx.Exchange.GetLeverageBrackets(s).Unwrap())).ToList();
        return OperationResult.Ok(w =>
        {
            if (symbol is null)
            {
                w.WriteStartArray();
            }

            foreach (var (s, brackets) in rows)
            {
                w.WriteStartObject();
                w.WriteString("symbol", s);
                w.WriteStartArray("brackets");
                foreach (var b in brackets)
                {
                    w.WriteStartObject();
                    w.WriteNumber("bracket", b.Bracket);
                    w.WriteNumber("initialLeverage", b.InitialLeverage);
                    w.WriteNumber("notionalCap", b.NotionalCap);
                    w.WriteNumber("notionalFloor", b.NotionalFloor);
                    w.WriteNumber("maintMarginRatio", b.MaintMarginRatio);
                    w.WriteNumber("cum", b.Cum);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            if (symbol is null)
            {
                w.WriteEndArray();
            }
        });
    }

    // ------------------------------------------------------------------ listenKey

    private static OperationResult ListenKeyStart(OperationContext ctx)
    {
        IgnoreUnsignedExtras(ctx.Params);
        var key = ctx.Venue.ListenKeys!.CreateOrExtend(ctx.AccountId);
        return ListenKeyResult(key);
    }

    private static OperationResult ListenKeyPing(OperationContext ctx)
    {
        IgnoreUnsignedExtras(ctx.Params);
        ctx.Params.GetString("listenKey");
        ctx.Params.EnsureAllRead();
        var key = ctx.Venue.ListenKeys!.Extend(ctx.AccountId);
        if (key is null)
        {
            return new ApiError(400, -1125, "This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`");
        }

        return ListenKeyResult(key);
    }

    private static OperationResult ListenKeyResult(string key) => OperationResult.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteString("listenKey", key);
        w.WriteEndObject();
    });

    private static OperationResult ListenKeyStop(OperationContext ctx)
    {
        IgnoreUnsignedExtras(ctx.Params);
        ctx.Params.GetString("listenKey");
        ctx.Params.EnsureAllRead();
        ctx.Venue.ListenKeys!.Close(ctx.AccountId);
        return OperationResult.EmptyObject;
    }

    /// <summary>Clients often send timestamp/recvWindow (and even a signature) to USER_STREAM endpoints; Binance ignores them.</summary>
    private static void IgnoreUnsignedExtras(RequestParameters p)
    {
        p.MarkRead("timestamp");
        p.MarkRead("recvWindow");
        p.MarkRead("signature");
        p.EnsureAllRead();
    }

    // ------------------------------------------------------------------ parsing

    /// <summary>Parses POST /fapi/v1/order parameters; returns the request and whether RESULT was asked for.</summary>
    private static (FuturesOrderRequest Request, bool Result) ParseOrder(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        var format = ctx.Venue.Format(symbol);
        var side = p.RequireEnum<OrderSide>("side", ApiErrors.InvalidSide);
        var type = p.RequireEnum<FuturesOrderType>("type", ApiErrors.InvalidOrderType);
        if (type is not (FuturesOrderType.Limit or FuturesOrderType.Market))
        {
            foreach (var name in p.Names.ToList())
            {
                p.MarkRead(name);
            }

            throw new ApiErrorException(EngineErrors.StopOrderSwitchAlgo.ToApi());
        }

        foreach (var name in NotForLimitOrMarket)
        {
            if (p.Has(name))
            {
                throw new ApiErrorException(ApiErrors.ParameterNotRequired(name));
            }
        }

        var request = new FuturesOrderRequest
        {
            Symbol = symbol,
            Side = side,
            Type = type,
            PositionSide = ParsePositionSide(p),
            TimeInForce = p.GetEnum<TimeInForce>("timeInForce", ApiErrors.InvalidTimeInForce),
            Quantity = ctx.GetDecimal("quantity", format.QtyScale),
            Price = ctx.GetDecimal("price", format.PriceScale),
            ReduceOnly = p.GetBool("reduceOnly"),
            NewClientOrderId = p.GetString("newClientOrderId"),
            SelfTradePreventionMode = ParseStp(p),
            GoodTillDate = p.GetLong("goodTillDate"),
            PriceMatch = ParsePriceMatch(p),
        };
        var result = ParseResponseType(p);
        return (request, result);
    }

    private static bool ParseResponseType(RequestParameters p) => p.GetString("newOrderRespType") switch
    {
        null or "ACK" => false,
        "RESULT" => true,
        _ => throw new ApiErrorException(ApiErrors.InvalidNewOrderRespType()),
    };

    private static PositionSide? ParsePositionSide(RequestParameters p) =>
        p.GetEnum<PositionSide>("positionSide", () => new ApiError(400, -4060, "Invalid position side."));

    private static PriceMatch? ParsePriceMatch(RequestParameters p) =>
        p.GetEnum<PriceMatch>("priceMatch", () => new ApiError(400, -5037, "Invalid price match"));

    /// <summary>symbol plus orderId or origClientOrderId (cancel, query); all parameters read.</summary>
    private static (string Symbol, long? OrderId, string? OrigClientOrderId) ParseOrderReference(OperationContext ctx)
    {
        var p = ctx.Params;
        var symbol = ctx.RequireSymbol();
        p.RequireEither("orderId", "origClientOrderId");
        var orderId = p.GetLong("orderId");
        var clientId = p.GetString("origClientOrderId");
        p.EnsureAllRead();
        return (symbol, orderId, clientId);
    }

    /// <summary>
    /// algoId or clientAlgoId (algo cancel, query); all parameters read. Clients such as ccxt also send the symbol,
    /// which is accepted and checked.
    /// </summary>
    private static (long? AlgoId, string? ClientAlgoId) ParseAlgoReference(OperationContext ctx)
    {
        var p = ctx.Params;
        ctx.GetSymbol();
        p.RequireEither("algoId", "clientAlgoId");
        var algoId = p.GetLong("algoId");
        var clientAlgoId = p.GetString("clientAlgoId");
        p.EnsureAllRead();
        return (algoId, clientAlgoId);
    }

    private static SelfTradePreventionMode? ParseStp(RequestParameters p)
    {
        var mode = p.GetEnum<SelfTradePreventionMode>("selfTradePreventionMode", () => new ApiError(400, -5039, "Invalid self trade prevention mode"));
        return mode == SelfTradePreventionMode.Decrement ? throw new ApiErrorException(new ApiError(400, -5039, "Invalid self trade prevention mode")) : mode;
    }

    /// <summary>A stable 4-character alias derived from the account id (Binance shows a short random alias).</summary>
    private static string AccountAlias(string accountId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountId));
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Concat(hash.Take(4).Select(b => letters[b % letters.Length]));
    }
}
