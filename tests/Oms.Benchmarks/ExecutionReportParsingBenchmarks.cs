using System.Text.Json;
using System.Text.Json.Nodes;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Abstractions;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Benchmarks;

/// <summary>
/// Spot <c>executionReport</c> → port events (<see cref="SpotUserDataParser"/>, Utf8JsonReader based), from the
/// recorded sample <c>../shared/protocol/binance/samples/spot-user-data/executionReport_NEW.json</c> (the
/// <c>event</c> object of the WebSocket API frame) and a TRADE variant of it (partial fill with commission and trade
/// id). Baseline: <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> of the same bytes,
/// i.e. what merely tokenising the event costs with the DOM reader.
/// Futures <c>ORDER_TRADE_UPDATE</c> is in <see cref="FuturesUserDataParsingBenchmarks"/>.
/// </summary>
[Config(typeof(MicroConfig))]
public class ExecutionReportParsingBenchmarks
{
    public enum Sample
    {
        New,
        Trade,
    }

    private readonly List<VenueEvent> _events = new(4);
    private SpotUserDataParser _parser = null!;
    private byte[] _json = null!;

    [ParamsAllValues]
    public Sample Event { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var frame = JsonNode.Parse(SharedSamples.ReadBytes("protocol", "binance", "samples", "spot-user-data", "executionReport_NEW.json"))!;
        var report = frame["event"]!.AsObject();
        if (Event == Sample.Trade)
        {
            // The same order, partially filled by one trade: the fields a TRADE event carries.
            report["x"] = "TRADE";
            report["X"] = "PARTIALLY_FILLED";
            report["l"] = "0.25000000";
            report["z"] = "0.25000000";
            report["L"] = "0.10264410";
            report["n"] = "0.00025000";
            report["N"] = "ETH";
            report["t"] = 283579160;
            report["m"] = true;
            report["Z"] = "0.02566102";
            report["Y"] = "0.02566102";
        }
        _json = JsonSerializer.SerializeToUtf8Bytes(report);
        _parser = new SpotUserDataParser(new BinanceSymbolMapper(BinanceApi.Spot));

        // Sanity: the parser understands the bytes (and warms the symbol cache, as a running stream would).
        _events.Clear();
        _parser.Parse(_json, Realistic.Account, _events);
        var expected = Event == Sample.Trade ? 2 : 1;
        if (_events.Count != expected) throw new InvalidOperationException($"{Event}: expected {expected} port events, got {_events.Count}");
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    public JsonValueKind JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_json);
        return document.RootElement.ValueKind;
    }

    [Benchmark(Description = "SpotUserDataParser.Parse → port events")]
    public int SpotParser()
    {
        _events.Clear();
        _parser.Parse(_json, Realistic.Account, _events);
        return _events.Count;
    }
}
