using System.Text.Json;
using System.Text.Json.Nodes;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Abstractions;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Benchmarks;

/// <summary>
/// USDⓈ-M <c>ORDER_TRADE_UPDATE</c> → port events (<see cref="UsdMUserDataParser"/>, Utf8JsonReader based), from the
/// recorded sample <c>../shared/protocol/binance/samples/usdm-user-data/ORDER_TRADE_UPDATE.json</c> (a NEW trailing
/// stop on the LONG leg) and a TRADE variant of it (partial fill with commission, trade id and realized PnL
/// <c>rp</c>). Baseline: <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> of the same bytes.
/// A class of its own (not a parameter of <see cref="ExecutionReportParsingBenchmarks"/>) because the futures parser
/// landed after the spot figures were measured.
/// </summary>
[Config(typeof(MicroConfig))]
public class FuturesUserDataParsingBenchmarks
{
    public enum Sample
    {
        New,
        Trade,
    }

    private readonly List<VenueEvent> _events = new(4);
    private UsdMUserDataParser _parser = null!;
    private byte[] _json = null!;

    [ParamsAllValues]
    public Sample Event { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var update = JsonNode.Parse(SharedSamples.ReadBytes("protocol", "binance", "samples", "usdm-user-data", "ORDER_TRADE_UPDATE.json"))!.AsObject();
        if (Event == Sample.Trade)
        {
            // The same order, partially filled by one trade: the fields a TRADE update carries.
            var order = update["o"]!.AsObject();
            order["x"] = "TRADE";
            order["X"] = "PARTIALLY_FILLED";
            order["l"] = "0.0005";
            order["z"] = "0.0005";
            order["L"] = "7103.04";
            order["ap"] = "7103.04";
            order["n"] = "0.00177576";
            order["N"] = "USDT";
            order["t"] = 1_224_913_381;
            order["m"] = false;
            order["rp"] = "0.21500000";
        }
        _json = JsonSerializer.SerializeToUtf8Bytes(update);
        _parser = new UsdMUserDataParser(new BinanceSymbolMapper(BinanceApi.UsdM));

        // Sanity: the parser understands the bytes (and warms the symbol cache, as a running stream would).
        _events.Clear();
        _parser.Parse(_json, Realistic.Account, _events);
        var fills = _events.Count(e => e is VenueFill);
        if (_events.Count == 0 || fills != (Event == Sample.Trade ? 1 : 0))
            throw new InvalidOperationException($"{Event}: unexpected port events ({_events.Count}, {fills} fills)");
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    public JsonValueKind JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_json);
        return document.RootElement.ValueKind;
    }

    [Benchmark(Description = "UsdMUserDataParser.Parse → port events")]
    public int UsdMParser()
    {
        _events.Clear();
        _parser.Parse(_json, Realistic.Account, _events);
        return _events.Count;
    }
}
