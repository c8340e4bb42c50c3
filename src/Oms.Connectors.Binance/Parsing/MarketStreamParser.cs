using System.Text.Json;
using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>
/// Parses market-stream messages (REFERENCE §4, §5.9) with <see cref="Utf8JsonReader"/>: combined
/// <c>{"stream","data"}</c> wrappers and bare events, <c>bookTicker</c> (spot without <c>e</c>), <c>trade</c>,
/// <c>aggTrade</c>, <c>depthUpdate</c>, <c>markPriceUpdate</c>, <c>serverShutdown</c> and control responses.
/// Prices and quantities are parsed exactly; symbols map to cached <see cref="InstrumentId"/>s (no allocation per
/// event for book tickers, trades and mark prices).
/// </summary>
public sealed class MarketStreamParser
{
    private readonly BinanceSymbolMapper _symbols;

    public MarketStreamParser(BinanceSymbolMapper symbols) => _symbols = symbols;

    /// <summary>
    /// Parses one message and hands the event to <paramref name="sink"/>; returns what it was. Control responses,
    /// <c>serverShutdown</c> and unknown events are returned without calling the sink. Throws
    /// <see cref="BinanceProtocolException"/> when a recognised event is malformed.
    /// </summary>
    public MarketStreamEventType Dispatch(ReadOnlySpan<byte> message, IMarketDataEventSink sink)
    {
        var type = Classify(message, out var range);
        var payload = message[range];
        switch (type)
        {
            case MarketStreamEventType.BookTicker:
                var ticker = ParseBookTicker(payload);
                sink.OnBookTicker(in ticker);
                break;
            case MarketStreamEventType.Trade or MarketStreamEventType.AggTrade:
                var trade = ParseTrade(payload);
                sink.OnTrade(in trade);
                break;
            case MarketStreamEventType.MarkPrice:
                var mark = ParseMarkPrice(payload);
                sink.OnMarkPrice(in mark);
                break;
            case MarketStreamEventType.DepthUpdate:
                sink.OnDepthUpdate(ParseDepthUpdate(payload));
                break;
        }
        return type;
    }

    /// <summary>
    /// Finds what a message is and where its event object is (<paramref name="eventRange"/>: the <c>data</c> of a
    /// combined wrapper, otherwise the whole message).
    /// </summary>
    public static MarketStreamEventType Classify(ReadOnlySpan<byte> message, out Range eventRange)
    {
        eventRange = Range.All;
        var reader = new Utf8JsonReader(message);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return MarketStreamEventType.Unknown;
        bool hasId = false, hasResult = false, hasUpdateId = false, hasBid = false, hasAsk = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (!reader.Read()) return MarketStreamEventType.Unknown;
            if (name.SequenceEqual("e"u8))
            {
                return reader.TokenType == JsonTokenType.String ? TypeOf(reader.ValueSpan) : MarketStreamEventType.Unknown;
            }
            if (name.SequenceEqual("data"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                var inner = Classify(message[start..end], out var innerRange);
                var (offset, length) = innerRange.GetOffsetAndLength(end - start);
                eventRange = new Range(start + offset, start + offset + length);
                return inner;
            }
            if (name.SequenceEqual("id"u8)) hasId = true;
            else if (name.SequenceEqual("result"u8) || name.SequenceEqual("code"u8)) hasResult = true;
            else if (name.SequenceEqual("u"u8)) hasUpdateId = true;
            else if (name.SequenceEqual("b"u8)) hasBid = reader.TokenType == JsonTokenType.String;
            else if (name.SequenceEqual("a"u8)) hasAsk = reader.TokenType == JsonTokenType.String;
            reader.Skip();
        }
        if (hasId && hasResult) return MarketStreamEventType.ControlResponse;
        // Spot book tickers carry no event type: u, s, b, B, a, A.
        if (hasUpdateId && hasBid && hasAsk) return MarketStreamEventType.BookTicker;
        return MarketStreamEventType.Unknown;
    }

    private static MarketStreamEventType TypeOf(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("bookTicker"u8) => MarketStreamEventType.BookTicker,
        _ when type.SequenceEqual("trade"u8) => MarketStreamEventType.Trade,
        _ when type.SequenceEqual("aggTrade"u8) => MarketStreamEventType.AggTrade,
        _ when type.SequenceEqual("depthUpdate"u8) => MarketStreamEventType.DepthUpdate,
        _ when type.SequenceEqual("markPriceUpdate"u8) => MarketStreamEventType.MarkPrice,
        _ when type.SequenceEqual("serverShutdown"u8) => MarketStreamEventType.ServerShutdown,
        _ => MarketStreamEventType.Unknown,
    };

    /// <summary>Parses a <c>bookTicker</c> event object.</summary>
    public BookTickerUpdate ParseBookTicker(ReadOnlySpan<byte> json)
    {
        var reader = Start(json, "a bookTicker event");
        InstrumentId? instrument = null;
        long updateId = -1;
        long? eventTime = null;
        decimal? bid = null, bidQty = null, ask = null, askQty = null;
        while (NextProperty(ref reader, out var name))
        {
            if (name.Length != 1)
            {
                reader.Skip();
                continue;
            }
            switch (name[0])
            {
                case (byte)'s': instrument = Symbol(ref reader); break;
                case (byte)'u': updateId = JsonReading.ReadInt64(ref reader, "u"); break;
                case (byte)'E': eventTime = JsonReading.ReadInt64(ref reader, "E"); break;
                case (byte)'b': bid = JsonReading.ReadDecimal(ref reader, "b"); break;
                case (byte)'B': bidQty = JsonReading.ReadDecimal(ref reader, "B"); break;
                case (byte)'a': ask = JsonReading.ReadDecimal(ref reader, "a"); break;
                case (byte)'A': askQty = JsonReading.ReadDecimal(ref reader, "A"); break;
                default: reader.Skip(); break;
            }
        }
        var id = instrument ?? throw new BinanceProtocolException("bookTicker has no symbol 's'");
        if (bid is not { } b || bidQty is not { } bq || ask is not { } a || askQty is not { } aq)
            throw new BinanceProtocolException($"bookTicker for {id} lacks one of 'b', 'B', 'a', 'A'");
        if (updateId < 0) throw new BinanceProtocolException($"bookTicker for {id} has no update id 'u'");
        return new BookTickerUpdate(id, updateId, b, bq, a, aq, eventTime is { } e ? JsonReading.FromMilliseconds(e) : null);
    }

    /// <summary>Parses a <c>trade</c> or <c>aggTrade</c> event object.</summary>
    public TradeUpdate ParseTrade(ReadOnlySpan<byte> json)
    {
        var reader = Start(json, "a trade event");
        InstrumentId? instrument = null;
        long? tradeId = null, aggregateId = null, tradeTime = null;
        decimal? price = null, quantity = null;
        var buyerIsMaker = false;
        var aggregate = false;
        Span<byte> scratch = stackalloc byte[32];
        while (NextProperty(ref reader, out var name))
        {
            if (name.Length != 1)
            {
                reader.Skip();
                continue;
            }
            switch (name[0])
            {
                case (byte)'e': aggregate = JsonReading.ValueBytes(in reader, scratch).SequenceEqual("aggTrade"u8); break;
                case (byte)'s': instrument = Symbol(ref reader); break;
                case (byte)'t': tradeId = JsonReading.ReadInt64(ref reader, "t"); break;
                case (byte)'a': aggregateId = JsonReading.ReadInt64(ref reader, "a"); break;
                case (byte)'p': price = JsonReading.ReadDecimal(ref reader, "p"); break;
                case (byte)'q': quantity = JsonReading.ReadDecimal(ref reader, "q"); break;
                case (byte)'T': tradeTime = JsonReading.ReadInt64(ref reader, "T"); break;
                case (byte)'m': buyerIsMaker = JsonReading.ReadBool(ref reader, "m"); break;
                default: reader.Skip(); break;
            }
        }
        var id = instrument ?? throw new BinanceProtocolException("trade event has no symbol 's'");
        var tradeKey = aggregate ? aggregateId : tradeId;
        if (tradeKey is not { } key) throw new BinanceProtocolException($"trade event for {id} has no trade id ('{(aggregate ? "a" : "t")}')");
        if (price is not { } p || quantity is not { } q) throw new BinanceProtocolException($"trade {key} on {id} lacks price 'p' or quantity 'q'");
        if (tradeTime is not { } time) throw new BinanceProtocolException($"trade {key} on {id} has no trade time 'T'");
        return new TradeUpdate(id, key, p, q, JsonReading.FromMilliseconds(time), buyerIsMaker, aggregate);
    }

    /// <summary>Parses a USD-M <c>markPriceUpdate</c> event object.</summary>
    public MarkPriceUpdate ParseMarkPrice(ReadOnlySpan<byte> json)
    {
        var reader = Start(json, "a markPriceUpdate event");
        InstrumentId? instrument = null;
        long? eventTime = null, nextFunding = null;
        decimal? mark = null, index = null, settle = null, funding = null;
        while (NextProperty(ref reader, out var name))
        {
            if (name.Length != 1)
            {
                reader.Skip();
                continue;
            }
            switch (name[0])
            {
                case (byte)'s': instrument = Symbol(ref reader); break;
                case (byte)'E': eventTime = JsonReading.ReadInt64(ref reader, "E"); break;
                case (byte)'p': mark = JsonReading.ReadDecimal(ref reader, "p"); break;
                case (byte)'i': index = OptionalDecimal(ref reader, "i"); break;
                case (byte)'P': settle = OptionalDecimal(ref reader, "P"); break;
                case (byte)'r': funding = OptionalDecimal(ref reader, "r"); break;
                case (byte)'T': nextFunding = JsonReading.ReadInt64(ref reader, "T"); break;
                default: reader.Skip(); break;
            }
        }
        var id = instrument ?? throw new BinanceProtocolException("markPriceUpdate has no symbol 's'");
        if (mark is not { } m) throw new BinanceProtocolException($"markPriceUpdate for {id} has no mark price 'p'");
        if (eventTime is not { } e) throw new BinanceProtocolException($"markPriceUpdate for {id} has no event time 'E'");
        return new MarkPriceUpdate(id, m, index, settle, funding, nextFunding is > 0 ? JsonReading.FromMilliseconds(nextFunding.Value) : null,
            JsonReading.FromMilliseconds(e));
    }

    /// <summary>Parses a <c>depthUpdate</c> event object (spot diff depth; USD-M diff and partial depth with <c>pu</c>).</summary>
    public DepthUpdate ParseDepthUpdate(ReadOnlySpan<byte> json)
    {
        var reader = Start(json, "a depthUpdate event");
        InstrumentId? instrument = null;
        long? first = null, final = null, previous = null, eventTime = null;
        IReadOnlyList<PriceLevel> bids = [], asks = [];
        while (NextProperty(ref reader, out var name))
        {
            if (name.SequenceEqual("pu"u8))
            {
                previous = JsonReading.ReadInt64(ref reader, "pu");
                continue;
            }
            if (name.Length != 1)
            {
                reader.Skip();
                continue;
            }
            switch (name[0])
            {
                case (byte)'s': instrument = Symbol(ref reader); break;
                case (byte)'E': eventTime = JsonReading.ReadInt64(ref reader, "E"); break;
                case (byte)'U': first = JsonReading.ReadInt64(ref reader, "U"); break;
                case (byte)'u': final = JsonReading.ReadInt64(ref reader, "u"); break;
                case (byte)'b': bids = ReadLevels(ref reader, "b"); break;
                case (byte)'a': asks = ReadLevels(ref reader, "a"); break;
                default: reader.Skip(); break;
            }
        }
        var id = instrument ?? throw new BinanceProtocolException("depthUpdate has no symbol 's'");
        if (first is not { } firstId || final is not { } finalId) throw new BinanceProtocolException($"depthUpdate for {id} lacks update ids 'U' or 'u'");
        if (firstId > finalId) throw new BinanceProtocolException($"depthUpdate for {id} has first update id {firstId} after final {finalId}");
        return new DepthUpdate(id, firstId, finalId, previous, bids, asks, eventTime is { } e ? JsonReading.FromMilliseconds(e) : DateTimeOffset.UnixEpoch);
    }

    /// <summary>Parses a REST depth snapshot <c>{lastUpdateId, bids, asks}</c> (USD-M adds <c>E</c>, <c>T</c>).</summary>
    public static DepthSnapshot ParseDepthSnapshot(ReadOnlySpan<byte> json, InstrumentId instrument)
    {
        var reader = Start(json, "a depth snapshot");
        long? lastUpdateId = null;
        IReadOnlyList<PriceLevel> bids = [], asks = [];
        while (NextProperty(ref reader, out var name))
        {
            if (name.SequenceEqual("lastUpdateId"u8)) lastUpdateId = JsonReading.ReadInt64(ref reader, "lastUpdateId");
            else if (name.SequenceEqual("bids"u8)) bids = ReadLevels(ref reader, "bids");
            else if (name.SequenceEqual("asks"u8)) asks = ReadLevels(ref reader, "asks");
            else reader.Skip();
        }
        if (lastUpdateId is not { } last) throw new BinanceProtocolException($"the depth snapshot of {instrument} has no 'lastUpdateId'");
        return new DepthSnapshot(instrument, last, bids, asks);
    }

    private static PriceLevel[] ReadLevels(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new BinanceProtocolException($"field '{field}' should be an array of [price, quantity]");
        var levels = new List<PriceLevel>();
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return [.. levels];
            if (reader.TokenType != JsonTokenType.StartArray) throw new BinanceProtocolException($"a level of '{field}' should be [price, quantity]");
            JsonReading.Next(ref reader);
            var price = JsonReading.ReadDecimal(ref reader, field + ".price");
            JsonReading.Next(ref reader);
            var quantity = JsonReading.ReadDecimal(ref reader, field + ".quantity");
            if (quantity < 0m || price <= 0m) throw new BinanceProtocolException($"a level of '{field}' has price {price} and quantity {quantity}");
            // Anything after the pair (older payloads carried an ignored third element) is skipped.
            while (true)
            {
                JsonReading.Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray) break;
                reader.Skip();
            }
            levels.Add(new PriceLevel(price, quantity));
        }
    }

    private static decimal? OptionalDecimal(ref Utf8JsonReader reader, string field)
    {
        // Delivery contracts send "" for the funding rate.
        if (reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.ValueSpan.IsEmpty)) return null;
        return JsonReading.ReadDecimal(ref reader, field);
    }

    private InstrumentId Symbol(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new BinanceProtocolException("field 's' should be a symbol string");
        Span<char> buffer = stackalloc char[64];
        var length = reader.CopyString(buffer);
        return _symbols.ToInstrument(buffer[..length]);
    }

    private static Utf8JsonReader Start(ReadOnlySpan<byte> json, string what)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        JsonReading.ExpectStartObject(ref reader, what);
        return reader;
    }

    private static bool NextProperty(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name)
    {
        JsonReading.Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = default;
            return false;
        }
        if (reader.TokenType != JsonTokenType.PropertyName) throw new BinanceProtocolException("a stream event is malformed");
        name = reader.ValueSpan;
        JsonReading.Next(ref reader);
        return true;
    }
}
