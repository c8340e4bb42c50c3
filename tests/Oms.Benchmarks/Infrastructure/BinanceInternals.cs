using System.Buffers;
using System.Runtime.CompilerServices;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Signing;

namespace Oms.Benchmarks.Infrastructure;

/// <summary>
/// Reaches the Binance connector's internal request builders (<c>BinanceParameters</c>, <c>SpotRequests</c>,
/// <c>RestRequestWriter</c>, <c>WsRequestWriter</c>) through .NET 10 <see cref="UnsafeAccessorAttribute"/> with
/// <see cref="UnsafeAccessorTypeAttribute"/>: the connector grants <c>InternalsVisibleTo</c> to its tests only.
/// <para>
/// A stop-gap, checked once by <see cref="EnsureAvailable"/>: a rename in the connector fails the benchmark at start
/// (MissingMethodException), not at compile time. With <c>InternalsVisibleTo("Oms.Benchmarks")</c> in the connector
/// these become direct calls.
/// </para>
/// </summary>
internal static class BinanceInternals
{
    private const string ParametersType = "Oms.Connectors.Binance.Signing.BinanceParameters, Oms.Connectors.Binance";
    private const string SpotRequestsType = "Oms.Connectors.Binance.Orders.SpotRequests, Oms.Connectors.Binance";
    private const string RestWriterType = "Oms.Connectors.Binance.Signing.RestRequestWriter, Oms.Connectors.Binance";
    private const string WsWriterType = "Oms.Connectors.Binance.Signing.WsRequestWriter, Oms.Connectors.Binance";
    private const string ParametersByRef = "Oms.Connectors.Binance.Signing.BinanceParameters&, Oms.Connectors.Binance";
    private const string PooledWriterType = "Oms.Connectors.Binance.Internal.PooledBufferWriter, Oms.Connectors.Binance";

    /// <summary><c>new BinanceParameters(capacity)</c>.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    [return: UnsafeAccessorType(ParametersType)]
    public static extern object NewParameters(int capacity);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Add")]
    [return: UnsafeAccessorType(ParametersType)]
    public static extern object Add([UnsafeAccessorType(ParametersType)] object parameters, string name, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Add")]
    [return: UnsafeAccessorType(ParametersType)]
    public static extern object Add([UnsafeAccessorType(ParametersType)] object parameters, string name, decimal value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Add")]
    [return: UnsafeAccessorType(ParametersType)]
    public static extern object Add([UnsafeAccessorType(ParametersType)] object parameters, string name, long value);

    /// <summary><c>SpotRequests.TryBuildNewOrder</c>: the <c>order.place</c> / <c>POST /api/v3/order</c> parameters of a spec.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "TryBuildNewOrder")]
    public static extern string? TryBuildNewOrder([UnsafeAccessorType(SpotRequestsType)] object? type,
        string symbol, OrderSpec spec, ClientOrderId clientOrderId, SpotOrderResponseType responseType,
        [UnsafeAccessorType(ParametersByRef)] out object parameters);

    /// <summary><c>WsRequestWriter.Write</c>: the WebSocket API frame, params sorted, signed when a signer is given.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Write")]
    public static extern void WriteWsRequest([UnsafeAccessorType(WsWriterType)] object? type,
        IBufferWriter<byte> output, long id, string method, [UnsafeAccessorType(ParametersType)] object? parameters, IBinanceSigner? signer);

    /// <summary><c>new PooledBufferWriter(initialCapacity)</c>.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    [return: UnsafeAccessorType(PooledWriterType)]
    public static extern object NewPooledWriter(int initialCapacity);

    /// <summary><c>RestRequestWriter.WriteQuery</c>: the percent-encoded query, signed over exactly those bytes.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "WriteQuery")]
    public static extern void WriteRestQuery([UnsafeAccessorType(RestWriterType)] object? type,
        [UnsafeAccessorType(ParametersType)] object parameters, IBinanceSigner? signer, [UnsafeAccessorType(PooledWriterType)] object output);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Clear")]
    public static extern void ClearPooledWriter([UnsafeAccessorType(PooledWriterType)] object writer);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_WrittenCount")]
    public static extern int PooledWrittenCount([UnsafeAccessorType(PooledWriterType)] object writer);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_WrittenMemory")]
    public static extern ReadOnlyMemory<byte> PooledWrittenMemory([UnsafeAccessorType(PooledWriterType)] object writer);

    /// <summary>Calls every accessor once so a renamed internal fails here, with a message, not mid-run.</summary>
    public static void EnsureAvailable()
    {
        try
        {
            var spec = new OrderSpec
            {
                Instrument = new InstrumentId(Venue.Binance, MarketType.Spot, "BTCUSDT"),
                Side = OrderSide.Buy,
                Type = OrderType.Limit,
                Quantity = 0.01234m,
                LimitPrice = 65432.10m,
            };
            if (TryBuildNewOrder(null, "BTCUSDT", spec, new ClientOrderId("probe"), SpotOrderResponseType.Result, out var parameters) is { } error)
                throw new InvalidOperationException(error);
            Add(parameters, "timestamp", 1L);
            var output = new ArrayBufferWriter<byte>();
            WriteWsRequest(null, output, 1, "order.place", parameters, null);
            var pooled = NewPooledWriter(256);
            WriteRestQuery(null, parameters, null, pooled);
            if (output.WrittenCount == 0 || PooledWrittenCount(pooled) == 0) throw new InvalidOperationException("the request writers wrote nothing");
        }
        catch (Exception ex) when (ex is MissingMethodException or MissingMemberException or TypeLoadException)
        {
            throw new InvalidOperationException(
                "the Binance connector's internal request builders changed; update tests/Oms.Benchmarks/Infrastructure/BinanceInternals.cs " +
                "(or grant InternalsVisibleTo(\"Oms.Benchmarks\") and call them directly)", ex);
        }
    }
}
