using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Http;

/// <summary>
/// Binance USDⓈ-M futures REST (<c>/fapi</c>) for one account: the fallback when the WebSocket API is down, the calls the
/// socket does not offer, and the calls reconciliation makes. Every method draws rate budget first (futures weights and
/// the account's 10 s and 1 min order counters) and returns a <see cref="BinanceResult{T}"/>; a timeout, broken
/// connection, 5xx or <c>-1007</c> on a trading call is <see cref="VenueErrorKind.UnknownOutcome"/>.
/// </summary>
public sealed partial class BinanceUsdMRestClient : IBinanceDepthSource
{
    private readonly BinanceApiContext _context;
    private readonly BinanceRestTransport _transport;

    /// <param name="http">An <see cref="HttpClient"/> (from IHttpClientFactory in the host); its base address is ignored.</param>
    /// <param name="context">The USD-M API context shared by every account.</param>
    /// <param name="credentials">The account's key; null for a public-data-only client.</param>
    /// <param name="account">The account whose order counters the calls draw on; null for public data.</param>
    public BinanceUsdMRestClient(HttpClient http, BinanceApiContext context, BinanceCredentials? credentials, string? account)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the context is not the USD-M API context", nameof(context));
        _context = context;
        _transport = new BinanceRestTransport(http, context, context.Options.UsdMRestBaseAddress, "/fapi/v1/time", credentials, account);
    }

    /// <summary>The budget scopes this client draws on.</summary>
    public BinanceRateScopes Scopes => _transport.Scopes;

    /// <summary>Reads the server time and updates the shared clock.</summary>
    public ValueTask<BinanceResult<DateTimeOffset>> SyncTimeAsync(CancellationToken cancellationToken = default) =>
        _transport.SyncTimeAsync(onlyIfStale: false, cancellationToken);

    /// <summary>Reads the order book (<c>GET /fapi/v1/depth</c>, public); <paramref name="limit"/> is 5, 10, 20, 50, 100, 500 or 1000.</summary>
    public ValueTask<BinanceResult<DepthSnapshot>> GetDepthAsync(InstrumentId instrument, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var operation = $"read the order book of {instrument} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<DepthSnapshot>(invalid);
        if (limit is not (5 or 10 or 20 or 50 or 100 or 500 or 1000))
            return Failed<DepthSnapshot>(InvalidError(operation, $"depth limit {limit} must be one of 5, 10, 20, 50, 100, 500, 1000"));
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/depth", new BinanceParameters(2).Add("symbol", symbol).Add("limit", limit), RestSecurity.None,
            UsdMEndpointCosts.Depth(limit), RatePriority.Normal, "depth", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => MarketStreamParser.ParseDepthSnapshot(body.Span, instrument), null, cancellationToken);
    }

    /// <summary>Reads contracts and rate limits (<c>GET /fapi/v1/exchangeInfo</c>); the limits are applied to the rate budget.</summary>
    public async ValueTask<BinanceResult<UsdMExchangeInfo>> GetExchangeInfoAsync(CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/exchangeInfo", new BinanceParameters(0), RestSecurity.None, UsdMEndpointCosts.ExchangeInfo,
            RatePriority.Normal, "exchangeInfo", "read the exchange info of Binance USD-M", ReadOnly: true);
        var result = await _transport.SendAsync(call, body => UsdMReferenceParsers.ParseExchangeInfo(body.Span, _context.Symbols), null, cancellationToken)
            .ConfigureAwait(false);
        if (result.TryGetValue(out var info)) BinanceSpotRestClient.ApplyRateLimits(_context.Budget, info.RateLimits);
        return result;
    }

    /// <summary>
    /// Places a MARKET or LIMIT order (post-only: <see cref="OrderType.LimitMaker"/> or GTX) on <c>/fapi/v1/order</c>.
    /// Conditional types are refused locally (they go to <see cref="PlaceAlgoOrderAsync"/>; the venue would answer -4120).
    /// </summary>
    public ValueTask<BinanceResult<OrderReport>> PlaceOrderAsync(OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderOptions? options = null,
        UsdMOrderResponseType responseType = UsdMOrderResponseType.Result, CancellationToken cancellationToken = default)
    {
        var operation = $"place order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var error = UsdMRequests.TryBuildNewOrder(symbol, spec, clientOrderId, responseType, options, out var parameters);
        if (error is not null) return Failed<OrderReport>(InvalidError(operation, error));
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/order", parameters, RestSecurity.Signed, UsdMEndpointCosts.PlaceOrder,
            spec.ReduceOnly ? RatePriority.RiskReducing : RatePriority.Normal, "order.place", operation, ReadOnly: false);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>
    /// Places up to 5 plain orders in one call (<c>POST /fapi/v1/batchOrders</c>). The venue processes them
    /// concurrently and answers one result per order, in request order.
    /// </summary>
    public ValueTask<BinanceResult<IReadOnlyList<BinanceResult<OrderReport>>>> PlaceBatchAsync(IReadOnlyList<(OrderSpec Spec, ClientOrderId ClientOrderId)> orders,
        UsdMOrderResponseType responseType = UsdMOrderResponseType.Result, CancellationToken cancellationToken = default)
    {
        var operation = $"place batch {string.Join(',', orders.Select(o => o.ClientOrderId.Value))} on Binance USD-M";
        var error = UsdMRequests.TryBuildBatch(i => _context.Symbols.TryToSymbol(i, out var s) ? s : null, orders, responseType, out var parameters);
        if (error is not null) return Failed<IReadOnlyList<BinanceResult<OrderReport>>>(InvalidError(operation, error));
        var operations = orders.Select(o => $"place order {o.ClientOrderId} on Binance USD-M").ToArray();
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/batchOrders", parameters, RestSecurity.Signed, UsdMEndpointCosts.BatchOrders(orders.Count),
            orders.All(o => o.Spec.ReduceOnly) ? RatePriority.RiskReducing : RatePriority.Normal, "batchOrders", operation, ReadOnly: false);
        return _transport.SendAsync(call, body => UsdMOrderParser.ParseBatch(body.Span, _context.Symbols, operations), null, cancellationToken);
    }

    /// <summary>Changes the quantity and price of a LIMIT order (<c>PUT /fapi/v1/order</c>); untriggered algo orders cannot be modified.</summary>
    public ValueTask<BinanceResult<OrderReport>> ModifyOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId, OrderSide side,
        decimal quantity, decimal price, CancellationToken cancellationToken = default)
    {
        var operation = $"modify order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var error = UsdMRequests.TryBuildModify(symbol, clientOrderId, venueOrderId, side, quantity, price, out var parameters);
        if (error is not null) return Failed<OrderReport>(InvalidError(operation, error));
        var call = new RestCall(HttpMethod.Put, "/fapi/v1/order", parameters, RestSecurity.Signed, UsdMEndpointCosts.ModifyOrder, RatePriority.Normal,
            "order.modify", operation, ReadOnly: false);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Cancels an engine order by <c>origClientOrderId</c> (or <c>orderId</c> when the venue id is known).</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        if (UsdMOrderIds.IsAlgo(venueOrderId)) return Failed<OrderReport>(InvalidError(operation, $"{venueOrderId} is an algo order: use CancelAlgoOrderAsync"));
        var call = new RestCall(HttpMethod.Delete, "/fapi/v1/order", UsdMRequests.OrderById(symbol, clientOrderId, venueOrderId), RestSecurity.Signed,
            UsdMEndpointCosts.CancelOrder, RatePriority.RiskReducing, "order.cancel", operation, ReadOnly: false);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Queries an engine order by <c>origClientOrderId</c> (or <c>orderId</c>); an unknown order is <see cref="VenueErrorKind.UnknownOrder"/>.</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"query order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        if (UsdMOrderIds.IsAlgo(venueOrderId)) return Failed<OrderReport>(InvalidError(operation, $"{venueOrderId} is an algo order: use QueryAlgoOrderAsync"));
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/order", UsdMRequests.OrderById(symbol, clientOrderId, venueOrderId), RestSecurity.Signed,
            UsdMEndpointCosts.QueryOrder, RatePriority.RiskReducing, "order.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Lists open engine orders of one instrument (weight 1) or all (40). Algo orders are not listed (see <see cref="GetOpenAlgoOrdersAsync"/>).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<OrderReport>>> GetOpenOrdersAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"list open orders of {i} on Binance USD-M" : "list open orders on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<OrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/openOrders", new BinanceParameters(3).AddIfPresent("symbol", symbol), RestSecurity.Signed,
            UsdMEndpointCosts.OpenOrders(symbol is not null), RatePriority.RiskReducing, "openOrders.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrders, null, cancellationToken);
    }

    /// <summary>Lists engine orders of one instrument (<c>GET /fapi/v1/allOrders</c>, at most 7 days between start and end).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<OrderReport>>> GetAllOrdersAsync(InstrumentId instrument, long? fromOrderId = null, DateTimeOffset? startTime = null,
        DateTimeOffset? endTime = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var operation = $"list orders of {instrument} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<IReadOnlyList<OrderReport>>(invalid);
        var parameters = new BinanceParameters(7)
            .Add("symbol", symbol)
            .AddIfPresent("orderId", fromOrderId)
            .AddIfPresent("startTime", startTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("endTime", endTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("limit", limit);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/allOrders", parameters, RestSecurity.Signed, UsdMEndpointCosts.AllOrders, RatePriority.Normal,
            "allOrders", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrders, null, cancellationToken);
    }

    /// <summary>
    /// Lists the account's trades of one instrument from trade id <paramref name="fromId"/> (<c>GET /fapi/v1/userTrades</c>)
    /// as fills with the venue's realized PnL. Rows carry the venue order id only: <paramref name="clientOrderIds"/> maps
    /// them to client order ids; rows of other orders are reported in <paramref name="unmatchedOrderIds"/>.
    /// </summary>
    public ValueTask<BinanceResult<IReadOnlyList<Fill>>> GetUserTradesAsync(InstrumentId instrument, IReadOnlyDictionary<long, ClientOrderId> clientOrderIds,
        long? fromId = null, long? orderId = null, DateTimeOffset? startTime = null, DateTimeOffset? endTime = null, int? limit = null,
        ICollection<long>? unmatchedOrderIds = null, CancellationToken cancellationToken = default)
    {
        var operation = $"list trades of {instrument} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<IReadOnlyList<Fill>>(invalid);
        var parameters = new BinanceParameters(8)
            .Add("symbol", symbol)
            .AddIfPresent("orderId", orderId)
            .AddIfPresent("startTime", startTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("endTime", endTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("fromId", fromId)
            .AddIfPresent("limit", limit);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/userTrades", parameters, RestSecurity.Signed, UsdMEndpointCosts.UserTrades, RatePriority.Normal,
            "userTrades", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMReferenceParsers.ParseUserTrades(body.Span, _context.Symbols, clientOrderIds, unmatchedOrderIds), null,
            cancellationToken);
    }

    /// <summary>
    /// Places a conditional order on the Algo Service (<c>POST /fapi/v1/algoOrder</c>, <c>algoType=CONDITIONAL</c>,
    /// <c>clientAlgoId</c> = the OMS client order id). Plain types are refused locally.
    /// </summary>
    public ValueTask<BinanceResult<AlgoOrderReport>> PlaceAlgoOrderAsync(OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderOptions? options = null,
        UsdMOrderResponseType responseType = UsdMOrderResponseType.Result, CancellationToken cancellationToken = default)
    {
        var operation = $"place algo order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<AlgoOrderReport>(invalid);
        var error = UsdMRequests.TryBuildAlgoOrder(symbol, spec, clientOrderId, responseType, options, out var parameters);
        if (error is not null) return Failed<AlgoOrderReport>(InvalidError(operation, error));
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/algoOrder", parameters, RestSecurity.Signed, UsdMEndpointCosts.PlaceAlgoOrder,
            spec.ReduceOnly || options?.ClosePosition == true ? RatePriority.RiskReducing : RatePriority.Normal, "algoOrder.place", operation, ReadOnly: false);
        return _transport.SendAsync(call, ParseAlgo, null, cancellationToken);
    }

    /// <summary>Cancels an untriggered algo order by <c>algoId</c> (from an <c>algo-</c> venue id) or <c>clientAlgoId</c>.</summary>
    public ValueTask<BinanceResult<AlgoOrderCancel>> CancelAlgoOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel algo order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out _, out var invalid)) return Failed<AlgoOrderCancel>(invalid);
        var call = new RestCall(HttpMethod.Delete, "/fapi/v1/algoOrder", UsdMRequests.AlgoById(clientOrderId, venueOrderId), RestSecurity.Signed,
            UsdMEndpointCosts.CancelAlgoOrder, RatePriority.RiskReducing, "algoOrder.cancel", operation, ReadOnly: false);
        return _transport.SendAsync(call, body => AlgoOrderCancel.Parse(body.Span, instrument), null, cancellationToken);
    }

    /// <summary>Queries an algo order by <c>algoId</c> or <c>clientAlgoId</c>; the answer names the triggered engine order (<c>actualOrderId</c>).</summary>
    public ValueTask<BinanceResult<AlgoOrderReport>> QueryAlgoOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"query algo order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out _, out var invalid)) return Failed<AlgoOrderReport>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/algoOrder", UsdMRequests.AlgoById(clientOrderId, venueOrderId), RestSecurity.Signed,
            UsdMEndpointCosts.QueryAlgoOrder, RatePriority.RiskReducing, "algoOrder.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseAlgo, null, cancellationToken);
    }

    /// <summary>Lists open (untriggered) algo orders of one instrument (weight 1) or all (40).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<AlgoOrderReport>>> GetOpenAlgoOrdersAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"list open algo orders of {i} on Binance USD-M" : "list open algo orders on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<AlgoOrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/openAlgoOrders", new BinanceParameters(3).AddIfPresent("symbol", symbol), RestSecurity.Signed,
            UsdMEndpointCosts.OpenAlgoOrders(symbol is not null), RatePriority.RiskReducing, "openAlgoOrders", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMOrderParser.ParseAlgoOrders(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>
    /// Cancels an order whatever service holds it: an <c>algo-</c> venue id goes to the Algo Service, a numeric one to
    /// the order endpoint; without a venue id the order endpoint is tried by client order id first and, when it knows no
    /// such order, the Algo Service by <c>clientAlgoId</c>.
    /// </summary>
    public async ValueTask<BinanceResult<IReadOnlyList<VenueEvent>>> CancelAnyAsync(AccountId account, InstrumentId instrument, ClientOrderId clientOrderId,
        VenueOrderId? venueOrderId = null, CancellationToken cancellationToken = default)
    {
        var now = _context.Time.GetUtcNow();
        if (!UsdMOrderIds.IsAlgo(venueOrderId))
        {
            var order = await CancelOrderAsync(instrument, clientOrderId, venueOrderId, cancellationToken).ConfigureAwait(false);
            if (order.TryGetValue(out var report)) return BinanceResult<IReadOnlyList<VenueEvent>>.Ok(report.ToEvents(account, VenueEventSource.Response, now));
            if (venueOrderId is not null || order.ErrorKind != VenueErrorKind.UnknownOrder) return order.Error!;
        }
        var algo = await CancelAlgoOrderAsync(instrument, clientOrderId, venueOrderId, cancellationToken).ConfigureAwait(false);
        return algo.Map(c => (IReadOnlyList<VenueEvent>)[c.ToEvent(account, now)]);
    }

    /// <summary>Changes the leverage of one instrument (1-125).</summary>
    public ValueTask<BinanceResult<UsdMLeverage>> SetLeverageAsync(InstrumentId instrument, int leverage, CancellationToken cancellationToken = default)
    {
        var operation = $"set the leverage of {instrument} to {leverage} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<UsdMLeverage>(invalid);
        if (leverage is < 1 or > 125) return Failed<UsdMLeverage>(InvalidError(operation, $"leverage {leverage} must be in [1, 125]"));
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/leverage", new BinanceParameters(4).Add("symbol", symbol).Add("leverage", leverage), RestSecurity.Signed,
            UsdMEndpointCosts.Leverage, RatePriority.Normal, "leverage", operation, ReadOnly: false);
        return _transport.SendAsync(call, body => UsdMReferenceParsers.ParseLeverage(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>
    /// Sets the margin type of one instrument. True when it changed, false when it was already set (-4046); -4047/-4048
    /// (open orders or a position exist) are <see cref="VenueErrorKind.Rejected"/> errors.
    /// </summary>
    public async ValueTask<BinanceResult<bool>> SetMarginTypeAsync(InstrumentId instrument, VenueMarginType marginType, CancellationToken cancellationToken = default)
    {
        var operation = $"set the margin type of {instrument} to {marginType} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return invalid;
        var wire = marginType switch
        {
            VenueMarginType.Isolated => "ISOLATED",
            VenueMarginType.Cross => "CROSSED",
            _ => null,
        };
        if (wire is null) return InvalidError(operation, $"margin type {marginType} is not known");
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/marginType", new BinanceParameters(4).Add("symbol", symbol).Add("marginType", wire), RestSecurity.Signed,
            UsdMEndpointCosts.MarginType, RatePriority.Normal, "marginType", operation, ReadOnly: false);
        var result = await _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseAcknowledgement(body.Span), null, cancellationToken).ConfigureAwait(false);
        return result.Error?.Code == -4046 ? BinanceResult<bool>.Ok(false) : result;
    }

    /// <summary>
    /// Switches every symbol between one-way and hedge mode (<c>POST /fapi/v1/positionSide/dual</c>). True when it
    /// changed, false when it was already set (-4059); -4067/-4068 (open orders or positions exist) are errors.
    /// </summary>
    public async ValueTask<BinanceResult<bool>> SetPositionModeAsync(PositionMode mode, CancellationToken cancellationToken = default)
    {
        var operation = $"set the position mode to {mode} on Binance USD-M";
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/positionSide/dual",
            new BinanceParameters(3).Add("dualSidePosition", mode == PositionMode.Hedge ? "true" : "false"), RestSecurity.Signed,
            UsdMEndpointCosts.ChangePositionMode, RatePriority.Normal, "positionSide.dual", operation, ReadOnly: false);
        var result = await _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseAcknowledgement(body.Span), null, cancellationToken).ConfigureAwait(false);
        return result.Error?.Code == -4059 ? BinanceResult<bool>.Ok(false) : result;
    }

    /// <summary>Reads whether the account is in one-way or hedge mode.</summary>
    public ValueTask<BinanceResult<PositionMode>> GetPositionModeAsync(CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/positionSide/dual", new BinanceParameters(2), RestSecurity.Signed, UsdMEndpointCosts.GetPositionMode,
            RatePriority.Normal, "positionSide.dual.status", "read the position mode on Binance USD-M", ReadOnly: true);
        return _transport.SendAsync(call, static body => UsdMReferenceParsers.ParsePositionMode(body.Span), null, cancellationToken);
    }

    /// <summary>Reads positions (<c>GET /fapi/v3/positionRisk</c>): only symbols with a position or open orders.</summary>
    public ValueTask<BinanceResult<IReadOnlyList<UsdMPosition>>> GetPositionsAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"read the positions of {i} on Binance USD-M" : "read the positions on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<UsdMPosition>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v3/positionRisk", new BinanceParameters(3).AddIfPresent("symbol", symbol), RestSecurity.Signed,
            UsdMEndpointCosts.PositionRisk, RatePriority.Normal, "positionRisk", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMReferenceParsers.ParsePositionRisk(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>Reads the account (<c>GET /fapi/v3/account</c>): totals, assets and positions.</summary>
    public ValueTask<BinanceResult<UsdMAccount>> GetAccountAsync(CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Get, "/fapi/v3/account", new BinanceParameters(2), RestSecurity.Signed, UsdMEndpointCosts.Account, RatePriority.Normal,
            "account.status", "read the account on Binance USD-M", ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMReferenceParsers.ParseAccount(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>Reads the balances (<c>GET /fapi/v3/balance</c>).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<UsdMBalance>>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Get, "/fapi/v3/balance", new BinanceParameters(2), RestSecurity.Signed, UsdMEndpointCosts.Balance, RatePriority.Normal,
            "account.balance", "read the balances on Binance USD-M", ReadOnly: true);
        return _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseBalances(body.Span), null, cancellationToken);
    }

    /// <summary>Reads the income history (<c>GET /fapi/v1/income</c>; default the last 7 days, 3 months at most).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<UsdMIncome>>> GetIncomeAsync(InstrumentId? instrument = null, UsdMIncomeType? type = null,
        DateTimeOffset? startTime = null, DateTimeOffset? endTime = null, int? page = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var operation = "read the income history on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<UsdMIncome>>(invalid);
        if (type == UsdMIncomeType.Other) return Failed<IReadOnlyList<UsdMIncome>>(InvalidError(operation, "income type Other cannot be requested"));
        var parameters = new BinanceParameters(8)
            .AddIfPresent("symbol", symbol)
            .AddIfPresent("incomeType", type is { } t ? UsdMEnums.ToWire(t) : null)
            .AddIfPresent("startTime", startTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("endTime", endTime?.ToUnixTimeMilliseconds())
            .AddIfPresent("page", page)
            .AddIfPresent("limit", limit);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/income", parameters, RestSecurity.Signed, UsdMEndpointCosts.Income, RatePriority.Normal,
            "income", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMReferenceParsers.ParseIncome(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>
    /// Arms the dead-man switch of one instrument (<c>POST /fapi/v1/countdownCancelAll</c>): its open orders are
    /// cancelled unless this is called again within <paramref name="countdown"/>; <see cref="TimeSpan.Zero"/> disarms it.
    /// </summary>
    public ValueTask<BinanceResult<TimeSpan>> SetCountdownCancelAllAsync(InstrumentId instrument, TimeSpan countdown, CancellationToken cancellationToken = default)
    {
        var operation = $"set the cancel-all countdown of {instrument} to {countdown.TotalMilliseconds:0} ms on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<TimeSpan>(invalid);
        if (countdown < TimeSpan.Zero || countdown.Ticks % TimeSpan.TicksPerMillisecond != 0)
            return Failed<TimeSpan>(InvalidError(operation, "the countdown must be a non-negative whole number of milliseconds"));
        var call = new RestCall(HttpMethod.Post, "/fapi/v1/countdownCancelAll",
            new BinanceParameters(4).Add("symbol", symbol).Add("countdownTime", (long)countdown.TotalMilliseconds), RestSecurity.Signed,
            UsdMEndpointCosts.CountdownCancelAll, RatePriority.RiskReducing, "countdownCancelAll", operation, ReadOnly: false);
        return _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseCountdown(body.Span), null, cancellationToken);
    }

    /// <summary>Cancels every open engine order of one instrument (<c>DELETE /fapi/v1/allOpenOrders</c>).</summary>
    public ValueTask<BinanceResult<bool>> CancelAllOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        var operation = $"cancel all open orders of {instrument} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<bool>(invalid);
        var call = new RestCall(HttpMethod.Delete, "/fapi/v1/allOpenOrders", new BinanceParameters(3).Add("symbol", symbol), RestSecurity.Signed,
            UsdMEndpointCosts.CancelAllOpenOrders, RatePriority.RiskReducing, "openOrders.cancelAll", operation, ReadOnly: false);
        return _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseAcknowledgement(body.Span), null, cancellationToken);
    }

    /// <summary>Creates (or returns the active) listenKey and extends it by 60 min (<c>POST /fapi/v1/listenKey</c>, API key only).</summary>
    public ValueTask<BinanceResult<string>> StartUserDataStreamAsync(CancellationToken cancellationToken = default) =>
        ListenKeyAsync(HttpMethod.Post, "listenKey.start", "create the user-data listenKey on Binance USD-M", cancellationToken);

    /// <summary>Extends the listenKey by 60 min (<c>PUT /fapi/v1/listenKey</c>); -1125 means it expired: create a new one.</summary>
    public ValueTask<BinanceResult<string>> KeepAliveUserDataStreamAsync(CancellationToken cancellationToken = default) =>
        ListenKeyAsync(HttpMethod.Put, "listenKey.keepalive", "keep the user-data listenKey alive on Binance USD-M", cancellationToken);

    /// <summary>Closes the user-data stream (<c>DELETE /fapi/v1/listenKey</c>).</summary>
    public ValueTask<BinanceResult<bool>> CloseUserDataStreamAsync(CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Delete, "/fapi/v1/listenKey", new BinanceParameters(0), RestSecurity.ApiKey, UsdMEndpointCosts.ListenKey,
            RatePriority.RiskReducing, "listenKey.close", "close the user-data listenKey on Binance USD-M", ReadOnly: false);
        return _transport.SendAsync(call, static _ => true, null, cancellationToken);
    }

    private ValueTask<BinanceResult<string>> ListenKeyAsync(HttpMethod method, string metric, string operation, CancellationToken cancellationToken)
    {
        var call = new RestCall(method, "/fapi/v1/listenKey", new BinanceParameters(0), RestSecurity.ApiKey, UsdMEndpointCosts.ListenKey, RatePriority.RiskReducing,
            metric, operation, ReadOnly: true);
        return _transport.SendAsync(call, static body => UsdMReferenceParsers.ParseListenKey(body.Span), null, cancellationToken);
    }

    private OrderReport ParseOrder(ReadOnlyMemory<byte> body) => UsdMOrderParser.ParseOrder(body.Span, _context.Symbols);

    private IReadOnlyList<OrderReport> ParseOrders(ReadOnlyMemory<byte> body) => UsdMOrderParser.ParseOrders(body.Span, _context.Symbols);

    private AlgoOrderReport ParseAlgo(ReadOnlyMemory<byte> body) => UsdMOrderParser.ParseAlgoOrder(body.Span, _context.Symbols);

    private bool TrySymbol(InstrumentId instrument, string operation, out string symbol, out BinanceError error)
    {
        if (_context.Symbols.TryToSymbol(instrument, out symbol))
        {
            error = null!;
            return true;
        }
        error = InvalidError(operation, $"instrument {instrument} is not a Binance USD-M instrument");
        return false;
    }

    private static ValueTask<BinanceResult<T>> Failed<T>(BinanceError error) => ValueTask.FromResult(BinanceResult<T>.Fail(error));

    private static BinanceError InvalidError(string operation, string reason) => new()
    {
        Kind = VenueErrorKind.InvalidRequest,
        Operation = operation,
        Reason = reason,
        Sent = false,
    };
}
