using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>
/// Binance USDⓈ-M trading over the WebSocket API (<c>/ws-fapi/v1</c>) for one account, on a
/// <see cref="BinanceWsApiSessionPool"/> (Ed25519 keys log on with <c>session.logon</c>). Offers what the socket offers
/// (REFERENCE §5.7): <c>order.place</c>, <c>order.modify</c>, <c>order.cancel</c>, <c>order.status</c>,
/// <c>algoOrder.place</c> and <c>algoOrder.cancel</c>. There is no algo query, open-orders list, leverage, margin type,
/// batch or listenKey-free user data on the socket: those go over <see cref="Http.BinanceUsdMRestClient"/>, as does
/// everything when a <see cref="VenueErrorKind.Network"/> error with <c>Sent = false</c> says no session was open.
/// User data is not pushed on this connection (see <see cref="UserData.BinanceUsdMUserDataStream"/>).
/// </summary>
public sealed class BinanceUsdMWsApiClient
{
    private readonly BinanceApiContext _context;
    private readonly BinanceWsApiSessionPool _pool;

    public BinanceUsdMWsApiClient(BinanceApiContext context, BinanceWsApiSessionPool pool)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the context is not the USD-M API context", nameof(context));
        _context = context;
        _pool = pool;
    }

    public BinanceWsApiSessionPool Pool => _pool;

    /// <summary><c>order.place</c> for MARKET and LIMIT (post-only as GTX); conditional types are refused locally (use <see cref="PlaceAlgoOrderAsync"/>).</summary>
    public ValueTask<BinanceResult<OrderReport>> PlaceOrderAsync(OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderOptions? options = null,
        UsdMOrderResponseType responseType = UsdMOrderResponseType.Result, CancellationToken cancellationToken = default)
    {
        var operation = $"place order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var error = UsdMRequests.TryBuildNewOrder(symbol, spec, clientOrderId, responseType, options, out var parameters);
        if (error is not null) return Failed<OrderReport>(Invalid(operation, error));
        var call = new WsCall("order.place", parameters, WsSecurity.Signed, UsdMEndpointCosts.PlaceOrder,
            spec.ReduceOnly ? RatePriority.RiskReducing : RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>order.modify</c>: new quantity and price of a LIMIT order (side required by the venue).</summary>
    public ValueTask<BinanceResult<OrderReport>> ModifyOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId, OrderSide side,
        decimal quantity, decimal price, CancellationToken cancellationToken = default)
    {
        var operation = $"modify order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        var error = UsdMRequests.TryBuildModify(symbol, clientOrderId, venueOrderId, side, quantity, price, out var parameters);
        if (error is not null) return Failed<OrderReport>(Invalid(operation, error));
        var call = new WsCall("order.modify", parameters, WsSecurity.Signed, UsdMEndpointCosts.ModifyOrder, RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>order.cancel</c> by client order id (or engine order id when known), with cancel priority.</summary>
    public ValueTask<BinanceResult<OrderReport>> CancelOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        if (UsdMOrderIds.IsAlgo(venueOrderId)) return Failed<OrderReport>(Invalid(operation, $"{venueOrderId} is an algo order: use CancelAlgoOrderAsync"));
        var call = new WsCall("order.cancel", UsdMRequests.OrderById(symbol, clientOrderId, venueOrderId), WsSecurity.Signed, UsdMEndpointCosts.CancelOrder,
            RatePriority.RiskReducing, operation, ReadOnly: false);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>order.status</c> by client order id (or engine order id).</summary>
    public ValueTask<BinanceResult<OrderReport>> QueryOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"query order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<OrderReport>(invalid);
        if (UsdMOrderIds.IsAlgo(venueOrderId)) return Failed<OrderReport>(Invalid(operation, $"{venueOrderId} is an algo order: query it over REST"));
        var call = new WsCall("order.status", UsdMRequests.OrderById(symbol, clientOrderId, venueOrderId), WsSecurity.Signed, UsdMEndpointCosts.QueryOrder,
            RatePriority.RiskReducing, operation, ReadOnly: true);
        return _pool.SendAsync(call, ParseOrder, null, cancellationToken);
    }

    /// <summary><c>algoOrder.place</c>: a conditional order on the Algo Service (same parameters as REST).</summary>
    public ValueTask<BinanceResult<AlgoOrderReport>> PlaceAlgoOrderAsync(OrderSpec spec, ClientOrderId clientOrderId, UsdMOrderOptions? options = null,
        UsdMOrderResponseType responseType = UsdMOrderResponseType.Result, CancellationToken cancellationToken = default)
    {
        var operation = $"place algo order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(spec.Instrument, operation, out var symbol, out var invalid)) return Failed<AlgoOrderReport>(invalid);
        var error = UsdMRequests.TryBuildAlgoOrder(symbol, spec, clientOrderId, responseType, options, out var parameters);
        if (error is not null) return Failed<AlgoOrderReport>(Invalid(operation, error));
        var call = new WsCall("algoOrder.place", parameters, WsSecurity.Signed, UsdMEndpointCosts.PlaceAlgoOrder,
            spec.ReduceOnly || options?.ClosePosition == true ? RatePriority.RiskReducing : RatePriority.Normal, operation, ReadOnly: false);
        return _pool.SendAsync(call, result => UsdMOrderParser.ParseAlgoOrder(result, _context.Symbols), null, cancellationToken);
    }

    /// <summary><c>algoOrder.cancel</c> by <c>algoId</c> (from an <c>algo-</c> venue id) or <c>clientAlgoId</c>.</summary>
    public ValueTask<BinanceResult<AlgoOrderCancel>> CancelAlgoOrderAsync(InstrumentId instrument, ClientOrderId clientOrderId, VenueOrderId? venueOrderId = null,
        CancellationToken cancellationToken = default)
    {
        var operation = $"cancel algo order {clientOrderId} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out _, out var invalid)) return Failed<AlgoOrderCancel>(invalid);
        var call = new WsCall("algoOrder.cancel", UsdMRequests.AlgoById(clientOrderId, venueOrderId), WsSecurity.Signed, UsdMEndpointCosts.CancelAlgoOrder,
            RatePriority.RiskReducing, operation, ReadOnly: false);
        return _pool.SendAsync(call, result => AlgoOrderCancel.Parse(result, instrument), null, cancellationToken);
    }

    private OrderReport ParseOrder(ReadOnlySpan<byte> result) => UsdMOrderParser.ParseOrder(result, _context.Symbols);

    private bool TrySymbol(InstrumentId instrument, string operation, out string symbol, out BinanceError error)
    {
        if (_context.Symbols.TryToSymbol(instrument, out symbol))
        {
            error = null!;
            return true;
        }
        error = Invalid(operation, $"instrument {instrument} is not a Binance USD-M instrument");
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
