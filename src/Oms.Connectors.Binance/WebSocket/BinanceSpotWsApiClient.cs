using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>
/// Binance spot trading over the WebSocket API (<c>/ws-api/v3</c>) for one account, on a <see cref="BinanceWsApiSessionPool"/>.
/// Same methods and results as <see cref="Http.BinanceSpotRestClient"/>; a <see cref="VenueErrorKind.Network"/> error with
/// <c>Sent = false</c> means no session was open and the caller may use REST instead.
/// </summary>
public sealed class BinanceSpotWsApiClient
{
    private readonly BinanceApiContext _context;
    private readonly BinanceWsApiSessionPool _pool;

    public BinanceSpotWsApiClient(BinanceApiContext context, BinanceWsApiSessionPool pool)
    {
        if (context.Api != BinanceApi.Spot) throw new ArgumentException("the context is not the spot API context", nameof(context));
        _context = context;
        _pool = pool;
    }

    public BinanceWsApiSessionPool Pool => _pool;

    /// <summary><c>order.place</c>. RESULT or FULL responses become port events via <see cref="OrderReport.ToEvents"/>.</summary>
    public ValueTask<BinanceResult<OrderReport>> PlaceOrderAsync(OrderSpec spec, ClientOrderId clientOrderId,
        SpotOrderResponseType responseType = SpotOrderResponseType.Full, CancellationToken cancellationToken = default)
    {
        var operation = $"place order {clientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var error = SpotRequests.TryBuildNewOrder(symbol, spec, clientOrderId, responseType, out var parameters);
        if (error is not null) return Failed<OrderReport>(Invalid(operation, error));
        var call = new WsCall("order.place", parameters, WsSecurity.Signed, SpotEndpointCosts.PlaceOrder,
            spec.ReduceOnly ? RatePriority.RiskReducing : RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>order.cancel</c> by client order id (and venue id when known), with cancel priority.</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {clientOrderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var call = new WsCall("order.cancel", SpotRequests.Cancel(symbol, clientOrderId, venueOrderId), WsSecurity.Signed, SpotEndpointCosts.CancelOrder,
            RatePriority.RiskReducing, operation, ReadOnly: false);
        return _pool.SendAsync(call, result => SpotCancelResponses.Parse(result, _context.Symbols, clientOrderId, null), null, cancellationToken);
    }

    /// <summary><c>order.cancelReplace</c>; 400/409 answers with leg details come back as a successful <see cref="CancelReplaceReport"/>.</summary>
    public ValueTask<BinanceResult<CancelReplaceReport>> CancelReplaceAsync(ClientOrderId cancelClientOrderId, OrderSpec spec, ClientOrderId newClientOrderId,
        CancelReplaceMode mode = CancelReplaceMode.StopOnFailure, CancellationToken cancellationToken = default)
    {
        var operation = $"replace order {cancelClientOrderId} with {newClientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<CancelReplaceReport>(invalid);
        var error = SpotRequests.TryBuildCancelReplace(symbol, cancelClientOrderId, spec, newClientOrderId, mode, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return Failed<CancelReplaceReport>(Invalid(operation, error));
        var call = new WsCall("order.cancelReplace", parameters, WsSecurity.Signed, SpotEndpointCosts.CancelReplace, RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call,
            result =>
            {
                using var document = JsonDocument.Parse(result.ToArray());
                return SpotOrderParser.ParseCancelReplace(document.RootElement, _context.Symbols, operation);
            },
            (code, _, data) => code is -2021 or -2022 ? SpotOrderParser.ParseCancelReplace(data, _context.Symbols, operation) : null,
            cancellationToken);
    }

    /// <summary><c>order.cancelReplace</c> of a lineage step: cancels venue order <paramref name="cancelOrderId"/> and places <paramref name="spec"/> as <paramref name="newClientOrderId"/> (ids from <see cref="SpotClientOrderIds"/>).</summary>
    public ValueTask<BinanceResult<CancelReplaceReport>> CancelReplaceAsync(long cancelOrderId, string cancelNewClientOrderId, OrderSpec spec, string newClientOrderId,
        CancelReplaceMode mode = CancelReplaceMode.StopOnFailure, CancellationToken cancellationToken = default)
    {
        var operation = $"replace order {cancelOrderId} with {newClientOrderId} on Binance spot";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<CancelReplaceReport>(invalid);
        var error = SpotRequests.TryBuildCancelReplace(symbol, cancelOrderId, cancelNewClientOrderId, spec, newClientOrderId, mode, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return Failed<CancelReplaceReport>(Invalid(operation, error));
        var call = new WsCall("order.cancelReplace", parameters, WsSecurity.Signed, SpotEndpointCosts.CancelReplace, RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call,
            result =>
            {
                using var document = JsonDocument.Parse(result.ToArray());
                return SpotOrderParser.ParseCancelReplace(document.RootElement, _context.Symbols, operation);
            },
            (code, _, data) => code is -2021 or -2022 ? SpotOrderParser.ParseCancelReplace(data, _context.Symbols, operation) : null,
            cancellationToken);
    }

    /// <summary><c>order.cancel</c> by venue order id alone, with cancel priority.</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderByIdAsync(InstrumentId instrument, long orderId, CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {orderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var call = new WsCall("order.cancel", SpotRequests.CancelById(symbol, orderId), WsSecurity.Signed, SpotEndpointCosts.CancelOrder,
            RatePriority.RiskReducing, operation, ReadOnly: false);
        return _pool.SendAsync(call, result => SpotCancelResponses.Parse(result, _context.Symbols, null, orderId), null, cancellationToken);
    }

    /// <summary><c>order.status</c> by venue order id, else by the client order id as the venue holds it.</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, long? orderId, string? venueClientOrderId, CancellationToken cancellationToken = default)
    {
        var operation = $"query order {(orderId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : venueClientOrderId)} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var call = new WsCall("order.status", SpotRequests.QueryOrder(symbol, orderId, venueClientOrderId), WsSecurity.Signed, SpotEndpointCosts.QueryOrder,
            RatePriority.RiskReducing, operation, ReadOnly: true);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>order.status</c> by client order id.</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        var operation = $"query order {clientOrderId} on Binance spot";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var call = new WsCall("order.status", SpotRequests.QueryOrder(symbol, clientOrderId), WsSecurity.Signed, SpotEndpointCosts.QueryOrder,
            RatePriority.RiskReducing, operation, ReadOnly: true);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>openOrders.status</c> for one instrument (weight 6) or all (80).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<OrderReport>>> GetOpenOrdersAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"list open orders of {i} on Binance spot" : "list open orders on Binance spot";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<OrderReport>>(invalid);
        var call = new WsCall("openOrders.status", SpotRequests.OpenOrders(symbol), WsSecurity.Signed, SpotEndpointCosts.OpenOrders(symbol is not null),
            RatePriority.RiskReducing, operation, ReadOnly: true);
        return _pool.SendAsync(call, result => (IReadOnlyList<OrderReport>)SpotOrderParser.ParseOrders(result, _context.Symbols), null, cancellationToken);
    }

    /// <summary><c>account.status</c>.</summary>
    public ValueTask<BinanceResult<AccountSnapshot>> GetAccountAsync(bool omitZeroBalances = true, CancellationToken cancellationToken = default)
    {
        var call = new WsCall("account.status", SpotRequests.Account(omitZeroBalances), WsSecurity.Signed, SpotEndpointCosts.Account,
            RatePriority.Normal, "read the account on Binance spot", ReadOnly: true);
        return _pool.SendAsync(call, static result => SpotReferenceParsers.ParseAccount(result), null, cancellationToken);
    }

    /// <summary><c>orderList.place.oco</c> (counts as two orders).</summary>
    public ValueTask<BinanceResult<OrderListReport>> PlaceOcoAsync(SpotOcoRequest request, CancellationToken cancellationToken = default)
    {
        var operation = $"place OCO {request.Above.ClientOrderId}/{request.Below.ClientOrderId} on Binance spot";
        if (!TrySymbol(request.Instrument, operation, out var symbol, out var invalid)) return Failed<OrderListReport>(invalid);
        var error = SpotRequests.TryBuildOco(symbol, request, SpotOrderResponseType.Full, out var parameters);
        if (error is not null) return Failed<OrderListReport>(Invalid(operation, error));
        var call = new WsCall("orderList.place.oco", parameters, WsSecurity.Signed, SpotEndpointCosts.PlaceOco, RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call, result => SpotOrderParser.ParseOrderList(result, _context.Symbols), null, cancellationToken);
    }

    /// <summary><c>orderList.status</c> by venue list id, else by the list's client id (weight 4, as <c>order.status</c>). An unknown list is <see cref="VenueErrorKind.UnknownOrder"/>.</summary>
    public ValueTask<BinanceResult<OrderListReport>> QueryOrderListAsync(long? orderListId, ClientOrderId? listClientOrderId = null, CancellationToken cancellationToken = default)
    {
        var operation = $"query order list {(orderListId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : listClientOrderId?.Value)} on Binance spot";
        var call = new WsCall("orderList.status", SpotRequests.QueryOrderList(orderListId, listClientOrderId), WsSecurity.Signed, SpotEndpointCosts.QueryOrder,
            RatePriority.RiskReducing, operation, ReadOnly: true);
        return _pool.SendAsync(call, result => SpotOrderParser.ParseOrderList(result, _context.Symbols), null, cancellationToken);
    }

    private OrderReport ParseOrder(ReadOnlySpan<byte> result) => SpotOrderParser.ParseOrder(result, _context.Symbols);

    private bool TrySymbol(InstrumentId instrument, string operation, out string symbol, out BinanceError error)
    {
        if (_context.Symbols.TryToSymbol(instrument, out symbol))
        {
            error = null!;
            return true;
        }
        error = Invalid(operation, $"instrument {instrument} is not a Binance spot instrument");
        return false;
    }

    private static BinanceError Invalid(string operation, string reason) => new()
    {
        Kind = VenueErrorKind.InvalidRequest,
        Operation = operation,
        Reason = reason,
        Sent = false,
    };

    private static ValueTask<BinanceResult<T>> Failed<T>(BinanceError error) => ValueTask.FromResult(BinanceResult<T>.Fail(error));
}

/// <summary>
/// Reads a spot <c>order.cancel</c> answer. Cancelling a leg of an order list (OCO) cancels the whole list, and Binance
/// then answers with the list (<c>orderListId</c>, <c>contingencyType</c>, <c>orders</c>, <c>orderReports</c>) instead of
/// the order: the report of the leg that was asked for is returned (the other leg's cancel and the list's end follow on
/// the user-data stream as for any list).
/// </summary>
internal static class SpotCancelResponses
{
    public static OrderReport Parse(ReadOnlySpan<byte> json, Symbols.BinanceSymbolMapper symbols, ClientOrderId? clientOrderId, long? orderId)
    {
        if (json.IndexOf("\"contingencyType\""u8) < 0) return SpotOrderParser.ParseOrder(json, symbols);
        var list = SpotOrderParser.ParseOrderList(json, symbols);
        if (list.OrderReports.Count == 0)
            throw new BinanceProtocolException($"the cancel answer for order list {list.OrderListId} has no order reports");
        var wantedId = orderId?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return list.OrderReports.FirstOrDefault(r => clientOrderId is { } id && r.ClientOrderId == id)
            ?? list.OrderReports.FirstOrDefault(r => wantedId is not null && r.VenueOrderId.Value == wantedId)
            ?? throw new BinanceProtocolException(
                $"the cancel answer for order list {list.OrderListId} does not report the order asked for ({clientOrderId?.Value ?? wantedId})");
    }
}

/// <summary>Receives one account's parsed spot user-data stream. Called on a receive loop: hand the events on, do not block.</summary>
public interface ISpotUserDataListener
{
    /// <summary>Port events of one venue event (possibly none, e.g. for <c>balanceUpdate</c>), with what the event was.</summary>
    void OnEvents(IReadOnlyList<VenueEvent> events, SpotUserDataMessage message);

    /// <summary>The stream is (again) active; reconcile the account first when <paramref name="gapPossible"/>.</summary>
    void OnStreamActive(bool gapPossible);

    /// <summary>The stream ended; a new subscription follows on another session. Treat the account as possibly stale.</summary>
    void OnStreamLost(string reason);
}

/// <summary>Turns the raw user-data stream of a pool into port events for a listener. Malformed events are logged and skipped.</summary>
public sealed class SpotUserDataDispatcher : IUserDataStreamHandler
{
    private readonly AccountId _account;
    private readonly SpotUserDataParser _parser;
    private readonly ISpotUserDataListener _listener;
    private readonly ILogger _logger;

    public SpotUserDataDispatcher(BinanceApiContext context, AccountId account, ISpotUserDataListener listener)
    {
        _account = account;
        _parser = new SpotUserDataParser(context.Symbols);
        _listener = listener;
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.UserData");
    }

    /// <summary>Events that could not be parsed (each is logged with its text).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformed);

    private long _malformed;

    public void OnEvent(ReadOnlySpan<byte> eventJson)
    {
        var events = new List<VenueEvent>(2);
        SpotUserDataMessage message;
        try
        {
            message = _parser.Parse(eventJson, _account, events);
        }
        catch (Exception ex) when (ex is BinanceProtocolException or JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            Interlocked.Increment(ref _malformed);
            _logger.LogError(ex, "Account {Account}: skipped a malformed user-data event: {Event}", _account, Encoding.UTF8.GetString(eventJson));
            return;
        }
        _listener.OnEvents(events, message);
    }

    public void OnSubscribed(long subscriptionId, bool gapPossible) => _listener.OnStreamActive(gapPossible);

    public void OnSubscriptionLost(string reason) => _listener.OnStreamLost(reason);
}
