using System.Security.Cryptography;
using System.Text;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Signing;

namespace Oms.Benchmarks;

/// <summary>
/// Request signing (src/Oms.Connectors.Binance/Signing). Every benchmark signs the same bytes: the percent-encoded
/// query of a BTCUSDT limit order (symbol, side, type, timeInForce, quantity, price, newClientOrderId,
/// newOrderRespType, recvWindow, timestamp) as <c>RestRequestWriter</c> writes it. The baseline is the bare
/// <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, so the ratio is our overhead.
/// </summary>
[Config(typeof(MicroConfig))]
public class SigningBenchmarks
{
    private readonly byte[] _mac = new byte[32];
    private readonly byte[] _signature = new byte[128];
    private byte[] _key = null!;
    private byte[] _payload = null!;
    private HmacSha256Signer _hmac = null!;
    private Ed25519Signer _ed25519 = null!;
    private object _parameters = null!;
    private object _query = null!;

    [GlobalSetup]
    public void Setup()
    {
        BinanceInternals.EnsureAvailable();
        _key = Encoding.ASCII.GetBytes(Realistic.HmacSecret);
        _hmac = new HmacSha256Signer(Realistic.HmacSecret);
        _ed25519 = Ed25519Signer.FromSeed(Realistic.Ed25519Seed());

        if (BinanceInternals.TryBuildNewOrder(null, "BTCUSDT", Realistic.LimitBuy(), Realistic.ClientOrderId, SpotOrderResponseType.Result, out _parameters) is { } error)
            throw new InvalidOperationException(error);
        BinanceInternals.Add(_parameters, "recvWindow", 5000L);
        BinanceInternals.Add(_parameters, "timestamp", Realistic.TimestampMs);

        // The exact bytes the REST writer signs: its own unsigned output.
        var unsigned = BinanceInternals.NewPooledWriter(512);
        BinanceInternals.WriteRestQuery(null, _parameters, null, unsigned);
        _payload = BinanceInternals.PooledWrittenMemory(unsigned).ToArray();
        _query = BinanceInternals.NewPooledWriter(512);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmac.Dispose();
        _ed25519.Dispose();
    }

    [Benchmark(Baseline = true, Description = "HMACSHA256.HashData (raw)")]
    public byte RawHmacHashData()
    {
        HMACSHA256.HashData(_key, _payload, _mac);
        return _mac[0];
    }

    [Benchmark(Description = "HmacSha256Signer.Sign (hex)")]
    public int HmacSign() => _hmac.Sign(_payload, _signature);

    [Benchmark(Description = "Ed25519Signer.Sign (base64)")]
    public int Ed25519Sign() => _ed25519.Sign(_payload, _signature);

    [Benchmark(Description = "REST query encode + HMAC sign")]
    public int RestQueryEncodeAndSign()
    {
        BinanceInternals.ClearPooledWriter(_query);
        BinanceInternals.WriteRestQuery(null, _parameters, _hmac, _query);
        return BinanceInternals.PooledWrittenCount(_query);
    }
}
