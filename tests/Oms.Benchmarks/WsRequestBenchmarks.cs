using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Signing;

namespace Oms.Benchmarks;

/// <summary>
/// Building one WebSocket API <c>order.place</c> frame the way <c>BinanceWsApiSession.WriteRequest</c> does: the
/// order's parameters (<c>SpotRequests.TryBuildNewOrder</c>), then <c>apiKey</c>, <c>recvWindow</c>, <c>timestamp</c>,
/// then <c>WsRequestWriter.Write</c> (sort by name, JSON, signature payload, signature). The baseline is a minimal
/// <see cref="Utf8JsonWriter"/> writing the same frame (same fields, already sorted, same values) unsigned.
/// </summary>
[Config(typeof(MicroConfig))]
public class WsRequestBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private OrderSpec _spec = null!;
    private HmacSha256Signer _hmac = null!;
    private Ed25519Signer _ed25519 = null!;
    private Utf8JsonWriter _baselineWriter = null!;
    private long _id;

    [GlobalSetup]
    public void Setup()
    {
        BinanceInternals.EnsureAvailable();
        _spec = Realistic.LimitBuy();
        _hmac = new HmacSha256Signer(Realistic.HmacSecret);
        _ed25519 = Ed25519Signer.FromSeed(Realistic.Ed25519Seed());
        _baselineWriter = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmac.Dispose();
        _ed25519.Dispose();
        _baselineWriter.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Utf8JsonWriter, same fields, unsigned")]
    public int MinimalWriterUnsigned()
    {
        _output.ResetWrittenCount();
        var writer = _baselineWriter;
        writer.Reset(_output);
        Span<byte> number = stackalloc byte[32];
        writer.WriteStartObject();
        writer.WriteNumber("id"u8, ++_id);
        writer.WriteString("method"u8, "order.place"u8);
        writer.WriteStartObject("params"u8);
        writer.WriteString("apiKey"u8, Realistic.ApiKey);
        writer.WriteString("newClientOrderId"u8, Realistic.ClientOrderId.Value);
        writer.WriteString("newOrderRespType"u8, "RESULT"u8);
        _spec.LimitPrice!.Value.TryFormat(number, out var written, default, CultureInfo.InvariantCulture);
        writer.WriteString("price"u8, number[..written]);
        _spec.Quantity.TryFormat(number, out written, default, CultureInfo.InvariantCulture);
        writer.WriteString("quantity"u8, number[..written]);
        writer.WriteNumber("recvWindow"u8, 5000);
        writer.WriteString("side"u8, "BUY"u8);
        writer.WriteString("symbol"u8, "BTCUSDT"u8);
        writer.WriteString("timeInForce"u8, "GTC"u8);
        writer.WriteNumber("timestamp"u8, Realistic.TimestampMs);
        writer.WriteString("type"u8, "LIMIT"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark(Description = "order.place, HMAC-signed")]
    public int OrderPlaceHmac() => Build(_hmac, withApiKey: true);

    [Benchmark(Description = "order.place, Ed25519-signed")]
    public int OrderPlaceEd25519() => Build(_ed25519, withApiKey: true);

    [Benchmark(Description = "order.place, logged-on session (unsigned)")]
    public int OrderPlaceLoggedOn() => Build(null, withApiKey: false);

    private int Build(IBinanceSigner? signer, bool withApiKey)
    {
        _output.ResetWrittenCount();
        if (BinanceInternals.TryBuildNewOrder(null, "BTCUSDT", _spec, Realistic.ClientOrderId, SpotOrderResponseType.Result, out var parameters) is { } error)
            throw new InvalidOperationException(error);
        if (withApiKey) BinanceInternals.Add(parameters, "apiKey", Realistic.ApiKey);
        BinanceInternals.Add(parameters, "recvWindow", 5000L);
        BinanceInternals.Add(parameters, "timestamp", Realistic.TimestampMs);
        BinanceInternals.WriteWsRequest(null, _output, ++_id, "order.place", parameters, signer);
        return _output.WrittenCount;
    }
}
