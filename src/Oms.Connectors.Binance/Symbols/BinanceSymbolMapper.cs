using System.Collections.Concurrent;

namespace Oms.Connectors.Binance.Symbols;

/// <summary>
/// Maps <see cref="InstrumentId"/> to the Binance symbol and back for one API family. Binance symbols are the
/// upper-case pair (<c>BTCUSDT</c>); the market type comes from the API the symbol was seen on. Parsed symbols are
/// cached so hot-path parsing does not allocate an id per event.
/// </summary>
public sealed class BinanceSymbolMapper
{
    private readonly ConcurrentDictionary<string, InstrumentId> _bySymbol = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InstrumentId>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public BinanceSymbolMapper(BinanceApi api)
    {
        Api = api;
        Market = api == BinanceApi.Spot ? MarketType.Spot : MarketType.UsdMFutures;
        _lookup = _bySymbol.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public BinanceApi Api { get; }

    public MarketType Market { get; }

    /// <summary>The Binance symbol of <paramref name="instrument"/>; throws when the instrument is not on this API.</summary>
    public string ToSymbol(InstrumentId instrument)
    {
        if (!TryToSymbol(instrument, out var symbol))
            throw new ArgumentException($"instrument {instrument} is not a Binance {Market} instrument", nameof(instrument));
        return symbol;
    }

    public bool TryToSymbol(InstrumentId instrument, out string symbol)
    {
        symbol = instrument.Symbol;
        return instrument.Venue == Venue.Binance && instrument.Market == Market && !string.IsNullOrEmpty(symbol);
    }

    /// <summary>The instrument a Binance symbol names on this API.</summary>
    public InstrumentId ToInstrument(string symbol)
    {
        if (_bySymbol.TryGetValue(symbol, out var id)) return id;
        id = new InstrumentId(Venue.Binance, Market, symbol);
        _bySymbol.TryAdd(symbol, id);
        return id;
    }

    /// <summary>Span variant of <see cref="ToInstrument(string)"/>: allocates only the first time a symbol is seen.</summary>
    public InstrumentId ToInstrument(ReadOnlySpan<char> symbol)
    {
        if (_lookup.TryGetValue(symbol, out var id)) return id;
        return ToInstrument(symbol.ToString());
    }
}
