using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Http;

/// <summary>
/// Binance spot REST (<c>/api/v3</c>) for one account: the fallback when the WebSocket API is down, and the calls
/// reconciliation makes. Every method draws rate budget first and returns a <see cref="BinanceResult{T}"/>; a timeout,
/// broken connection, 5xx or <c>-1007</c> on a trading call is <see cref="VenueErrorKind.UnknownOutcome"/>.
/// </summary>
public sealed class BinanceSpotRestClient : MarketData.IBinanceDepthSource
{
    private readonly BinanceApiContext _context;
    private readonly BinanceRestTransport _transport;

    /// <param name="http">An <see cref="HttpClient"/> (from IHttpClientFactory in the host); its base address is ignored.</param>
    /// <param name="context">The spot API context shared by every account.</param>
    /// <param name="credentials">The account's key; null for a public-data-only client.</param>
    /// <param name="account">The account whose order counters the calls draw on; null for public data.</param>
    public BinanceSpotRestClient(HttpClient http, BinanceApiContext context, BinanceCredentials? credentials, string? account)
    {
        if (context.Api != BinanceApi.Spot) throw new ArgumentException("the context is not the spot API context", nameof(context));
        _context = context;
        _transport = new BinanceRestTransport(http, context, context.Options.SpotRestBaseAddress, "/api/v3/time", credentials, account);
    }

    /// <summary>The budget scopes this client draws on.</summary>
    public BinanceRateScopes Scopes => _transport.Scopes;

    /// <summary>Reads the server time and updates the shared clock.</summary>
    public ValueTask<BinanceResult<DateTimeOffset>> SyncTimeAsync(CancellationToken cancellationToken = default) =>
        _transport.SyncTimeAsync(onlyIfStale: false, cancellationToken);

    /// <summary>Reads instruments and rate limits; the limits are applied to the rate budget.</summary>
    public async ValueTask<BinanceResult<BinanceExchangeInfo>> GetExchangeInfoAsync(IReadOnlyCollection<InstrumentId>? instruments = null,
        CancellationToken cancellationToken = default)
    {
        var parameters = new BinanceParameters(2);
        if (instruments is { Count: 1 }) parameters.Add("symbol", _context.Symbols.ToSymbol(instruments.First()));
        else if (instruments is { Count: > 1 })
            parameters.Add("symbols", "[" + string.Join(',', instruments.Select(i => $"\"{_context.Symbols.ToSymbol(i)}\"")) + "]");
        var call = new RestCall(HttpMethod.Get, "/api/v3/exchangeInfo", parameters, RestSecurity.None, SpotEndpointCosts.ExchangeInfo,
            RatePriority.Normal, "exchangeInfo", "read the exchange info of Binance spot", ReadOnly: true);
        var result = await _transport.SendAsync(call, body => SpotReferenceParsers.ParseExchangeInfo(body.Span, _context.Symbols), null, cancellationToken)
            .ConfigureAwait(false);
        if (result.TryGetValue(out var info)) ApplyRateLimits(_context.Budget, info.RateLimits);
        return result;
    }

    /// <summary>Reads the order book (<c>GET /api/v3/depth</c>, public) with up to <paramref name="limit"/> levels per side (max 5000).</summary>
    public ValueTask<BinanceResult<MarketData.DepthSnapshot>> GetDepthAsync(InstrumentId instrument, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var operation = $"read the order book of {instrument} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<MarketData.DepthSnapshot>>(invalid);
        if (limit is < 1 or > 5000) return ValueTask.FromResult(Invalid<MarketData.DepthSnapshot>(operation, $"depth limit {limit} must be in [1, 5000]"));
        var call = new RestCall(HttpMethod.Get, "/api/v3/depth", new BinanceParameters(2).Add("symbol", symbol).Add("limit", limit), RestSecurity.None,
            SpotEndpointCosts.Depth(limit), RatePriority.Normal, "depth", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => MarketStreamParser.ParseDepthSnapshot(body.Span, instrument), null, cancellationToken);
    }

    /// <summary>Places an order; the client order id is the OMS one (idempotency key at the venue while the order is open).</summary>
    public ValueTask<BinanceResult<OrderReport>> PlaceOrderAsync(OrderSpec spec, ClientOrderId clientOrderId,
        SpotOrderResponseType responseType = SpotOrderResponseType.Full, CancellationToken cancellationToken = default)
    {
        var operation = $"place order {clientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderReport>>(invalid);
        var error = SpotRequests.TryBuildNewOrder(symbol, spec, clientOrderId, responseType, out var parameters);
        if (error is not null) return ValueTask.FromResult(Invalid<OrderReport>(operation, error));
        var call = new RestCall(HttpMethod.Post, "/api/v3/order", parameters, RestSecurity.Signed, SpotEndpointCosts.PlaceOrder,
            spec.ReduceOnly ? RatePriority.RiskReducing : RatePriority.Normal, "order.place", operation, ReadOnly: false);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Validates an order at the venue without placing it (<c>order/test</c>).</summary>
    public async ValueTask<BinanceResult<bool>> TestOrderAsync(OrderSpec spec, ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        var operation = $"test order {clientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return invalid;
        var error = SpotRequests.TryBuildNewOrder(symbol, spec, clientOrderId, SpotOrderResponseType.Ack, out var parameters);
        if (error is not null) return Invalid<bool>(operation, error);
        var call = new RestCall(HttpMethod.Post, "/api/v3/order/test", parameters, RestSecurity.Signed, SpotEndpointCosts.TestOrder(false),
            RatePriority.Normal, "order.test", operation, ReadOnly: true);
        return await _transport.SendAsync(call, static _ => true, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels an order by client order id (and venue id when known). Cancels use the priority share of the budget.</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {clientOrderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Delete, "/api/v3/order", SpotRequests.Cancel(symbol, clientOrderId, venueOrderId), RestSecurity.Signed,
            SpotEndpointCosts.CancelOrder, RatePriority.RiskReducing, "order.cancel", operation, ReadOnly: false);
        // Cancelling a leg of an order list cancels the list, and the answer is the list: the leg's report is taken from it.
        return _transport.SendAsync(call, body => WebSocket.SpotCancelResponses.Parse(body.Span, _context.Symbols, clientOrderId, null), null, cancellationToken);
    }

    /// <summary>Cancels <paramref name="cancelClientOrderId"/> and places <paramref name="spec"/> as <paramref name="newClientOrderId"/> in one call.</summary>
    public ValueTask<BinanceResult<CancelReplaceReport>> CancelReplaceAsync(ClientOrderId cancelClientOrderId, OrderSpec spec, ClientOrderId newClientOrderId,
        CancelReplaceMode mode = CancelReplaceMode.StopOnFailure, CancellationToken cancellationToken = default)
    {
        var operation = $"replace order {cancelClientOrderId} with {newClientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<CancelReplaceReport>>(invalid);
        var error = SpotRequests.TryBuildCancelReplace(symbol, cancelClientOrderId, spec, newClientOrderId, mode, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return ValueTask.FromResult(Invalid<CancelReplaceReport>(operation, error));
        var call = new RestCall(HttpMethod.Post, "/api/v3/order/cancelReplace", parameters, RestSecurity.Signed, SpotEndpointCosts.CancelReplace,
            RatePriority.Normal, "order.cancelReplace", operation, ReadOnly: false);
        return _transport.SendAsync(call,
            body =>
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                return SpotOrderParser.ParseCancelReplace(document.RootElement, _context.Symbols, operation);
            },
            (code, _, data) => code is -2021 or -2022 ? SpotOrderParser.ParseCancelReplace(data, _context.Symbols, operation) : null,
            cancellationToken);
    }

    /// <summary>Cancel-replace of a lineage step (ids from <see cref="SpotClientOrderIds"/>).</summary>
    public ValueTask<BinanceResult<CancelReplaceReport>> CancelReplaceAsync(long cancelOrderId, string cancelNewClientOrderId, OrderSpec spec, string newClientOrderId,
        CancelReplaceMode mode = CancelReplaceMode.StopOnFailure, CancellationToken cancellationToken = default)
    {
        var operation = $"replace order {cancelOrderId} with {newClientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<CancelReplaceReport>>(invalid);
        var error = SpotRequests.TryBuildCancelReplace(symbol, cancelOrderId, cancelNewClientOrderId, spec, newClientOrderId, mode, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return ValueTask.FromResult(Invalid<CancelReplaceReport>(operation, error));
        var call = new RestCall(HttpMethod.Post, "/api/v3/order/cancelReplace", parameters, RestSecurity.Signed, SpotEndpointCosts.CancelReplace,
            RatePriority.Normal, "order.cancelReplace", operation, ReadOnly: false);
        return _transport.SendAsync(call,
            body =>
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                return SpotOrderParser.ParseCancelReplace(document.RootElement, _context.Symbols, operation);
            },
            (code, _, data) => code is -2021 or -2022 ? SpotOrderParser.ParseCancelReplace(data, _context.Symbols, operation) : null,
            cancellationToken);
    }

    /// <summary>Cancels an order by venue order id alone (an order living under a lineage id), with cancel priority.</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderByIdAsync(InstrumentId instrument, long orderId, CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {orderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Delete, "/api/v3/order", SpotRequests.CancelById(symbol, orderId), RestSecurity.Signed,
            SpotEndpointCosts.CancelOrder, RatePriority.RiskReducing, "order.cancel", operation, ReadOnly: false);
        return _transport.SendAsync(call, body => WebSocket.SpotCancelResponses.Parse(body.Span, _context.Symbols, null, orderId), null, cancellationToken);
    }

    /// <summary>Queries an order by venue order id, else by the client order id as the venue holds it.</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, long? orderId, string? venueClientOrderId, CancellationToken cancellationToken = default)
    {
        var operation = $"query order {(orderId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : venueClientOrderId)} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/api/v3/order", SpotRequests.QueryOrder(symbol, orderId, venueClientOrderId), RestSecurity.Signed,
            SpotEndpointCosts.QueryOrder, RatePriority.RiskReducing, "order.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Queries an order by client order id (resolves unknown outcomes). An unknown order is <see cref="VenueErrorKind.UnknownOrder"/>.</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        var operation = $"query order {clientOrderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderReport>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/api/v3/order", SpotRequests.QueryOrder(symbol, clientOrderId), RestSecurity.Signed,
            SpotEndpointCosts.QueryOrder, RatePriority.RiskReducing, "order.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary>Lists open orders of one instrument (weight 6) or of all (weight 80).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<OrderReport>>> GetOpenOrdersAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"list open orders of {i} on Binance spot" : "list open orders on Binance spot";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<IReadOnlyList<OrderReport>>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/api/v3/openOrders", SpotRequests.OpenOrders(symbol), RestSecurity.Signed,
            SpotEndpointCosts.OpenOrders(symbol is not null), RatePriority.RiskReducing, "openOrders.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrders, null, cancellationToken);
    }

    /// <summary>Lists orders of one instrument (at most 24 h between start and end).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<OrderReport>>> GetAllOrdersAsync(InstrumentId instrument, long? fromOrderId = null,
        DateTimeOffset? startTime = null, DateTimeOffset? endTime = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var operation = $"list orders of {instrument} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<IReadOnlyList<OrderReport>>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/api/v3/allOrders", SpotRequests.AllOrders(symbol, fromOrderId, startTime, endTime, limit), RestSecurity.Signed,
            SpotEndpointCosts.AllOrders, RatePriority.Normal, "allOrders", operation, ReadOnly: true);
        return _transport.SendAsync(call, ParseOrders, null, cancellationToken);
    }

    /// <summary>
    /// Lists the account's trades of one instrument from trade id <paramref name="fromId"/>. Trade rows carry the venue
    /// order id only; <paramref name="clientOrderIds"/> maps them to client order ids, and rows of other orders are
    /// reported in <paramref name="unmatchedOrderIds"/>.
    /// </summary>
    public ValueTask<BinanceResult<IReadOnlyList<AccountTrade>>> GetMyTradesAsync(InstrumentId instrument, IReadOnlyDictionary<long, ClientOrderId> clientOrderIds,
        long? fromId = null, long? orderId = null, DateTimeOffset? startTime = null, int? limit = null, ICollection<long>? unmatchedOrderIds = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"list trades of {instrument} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<IReadOnlyList<AccountTrade>>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/api/v3/myTrades", SpotRequests.MyTrades(symbol, fromId, orderId, startTime, limit), RestSecurity.Signed,
            SpotEndpointCosts.MyTrades(orderId is not null), RatePriority.Normal, "myTrades", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => SpotReferenceParsers.ParseMyTrades(body.Span, _context.Symbols, clientOrderIds, unmatchedOrderIds), null,
            cancellationToken);
    }

    /// <summary>Reads balances and permissions.</summary>
    public ValueTask<BinanceResult<AccountSnapshot>> GetAccountAsync(bool omitZeroBalances = true, CancellationToken cancellationToken = default)
    {
        var call = new RestCall(HttpMethod.Get, "/api/v3/account", SpotRequests.Account(omitZeroBalances), RestSecurity.Signed, SpotEndpointCosts.Account,
            RatePriority.Normal, "account.status", "read the account on Binance spot", ReadOnly: true);
        return _transport.SendAsync(call, static body => SpotReferenceParsers.ParseAccount(body.Span), null, cancellationToken);
    }

    /// <summary>Places an OCO order list (counts as two orders).</summary>
    public ValueTask<BinanceResult<OrderListReport>> PlaceOcoAsync(SpotOcoRequest request, CancellationToken cancellationToken = default)
    {
        var operation = $"place OCO {request.Above.ClientOrderId}/{request.Below.ClientOrderId} on Binance spot";
        if (!TrySymbol(request.Instrument, operation, out var symbol, out var invalid)) return ValueTask.FromResult<BinanceResult<OrderListReport>>(invalid);
        var error = SpotRequests.TryBuildOco(symbol, request, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return ValueTask.FromResult(Invalid<OrderListReport>(operation, error));
        var call = new RestCall(HttpMethod.Post, "/api/v3/orderList/oco", parameters, RestSecurity.Signed, SpotEndpointCosts.PlaceOco,
            RatePriority.Normal, "orderList.place.oco", operation, ReadOnly: false);
        return _transport.SendAsync(call, body => SpotOrderParser.ParseOrderList(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>Queries an order list by venue list id, else by the list's client id (weight 4, as an order query). An unknown list is <see cref="VenueErrorKind.UnknownOrder"/>.</summary>
    public ValueTask<BinanceResult<OrderListReport>> QueryOrderListAsync(long? orderListId, ClientOrderId? listClientOrderId = null, CancellationToken cancellationToken = default)
    {
        var operation = $"query order list {(orderListId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : listClientOrderId?.Value)} on Binance spot";
        var call = new RestCall(HttpMethod.Get, "/api/v3/orderList", SpotRequests.QueryOrderList(orderListId, listClientOrderId), RestSecurity.Signed,
            SpotEndpointCosts.QueryOrder, RatePriority.RiskReducing, "orderList.status", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => SpotOrderParser.ParseOrderList(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>Applies <c>exchangeInfo</c> rate limits to a budget.</summary>
    public static void ApplyRateLimits(IRateBudget budget, IReadOnlyList<VenueRateLimit> limits)
    {
        foreach (var group in limits.GroupBy(l => l.Kind))
        {
            budget.SetLimits(group.Key, group.Select(l => l.Window).ToArray());
        }
    }

    private OrderReport ParseOrder(ReadOnlyMemory<byte> body) => SpotOrderParser.ParseOrder(body.Span, _context.Symbols);

    private IReadOnlyList<OrderReport> ParseOrders(ReadOnlyMemory<byte> body) => SpotOrderParser.ParseOrders(body.Span, _context.Symbols);

    private bool TrySymbol(InstrumentId instrument, string operation, out string symbol, out BinanceError error)
    {
        if (_context.Symbols.TryToSymbol(instrument, out symbol))
        {
            error = null!;
            return true;
        }
        error = InvalidError(operation, $"instrument {instrument} is not a Binance spot instrument");
        return false;
    }

    private static BinanceResult<T> Invalid<T>(string operation, string reason) => BinanceResult<T>.Fail(InvalidError(operation, reason));

    private static BinanceError InvalidError(string operation, string reason) => new()
    {
        Kind = VenueErrorKind.InvalidRequest,
        Operation = operation,
        Reason = reason,
        Sent = false,
    };
}
