using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>
/// Parses USD-M order objects (REST bodies and WebSocket API <c>result</c>s share the shape: place, modify, cancel,
/// query, open orders, all orders, batch results) with <see cref="Utf8JsonReader"/>, and algo order objects.
/// </summary>
internal static class UsdMOrderParser
{
    /// <summary>Parses one order object from a complete JSON document.</summary>
    public static OrderReport ParseOrder(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        return ReadOrder(ref reader, symbols);
    }

    /// <summary>Parses an array of order objects.</summary>
    public static IReadOnlyList<OrderReport> ParseOrders(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray) throw new BinanceProtocolException($"an order list should be a JSON array, not {reader.TokenType}");
        var result = new List<OrderReport>();
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return result;
            result.Add(ReadOrder(ref reader, symbols));
        }
    }

    /// <summary>
    /// Parses a <c>batchOrders</c> answer: one entry per request, in request order, each an order or <c>{code, msg}</c>.
    /// </summary>
    public static IReadOnlyList<BinanceResult<OrderReport>> ParseBatch(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols, IReadOnlyList<string> operations)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new BinanceProtocolException("the batchOrders answer should be a JSON array");
        var results = new List<BinanceResult<OrderReport>>();
        var index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var operation = index < operations.Count ? operations[index] : $"batch order {index}";
            index++;
            if (item.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && !item.TryGetProperty("orderId", out _))
            {
                var value = code.GetInt32();
                var message = item.TryGetProperty("msg", out var msg) ? msg.GetString() ?? string.Empty : string.Empty;
                var kind = BinanceErrorClassifier.ClassifyCode(value, message, readOnly: false, BinanceApi.UsdM);
                results.Add(BinanceResult<OrderReport>.Fail(new BinanceError
                {
                    Kind = kind == VenueErrorKind.Other ? VenueErrorKind.Rejected : kind,
                    Operation = operation,
                    Code = value,
                    Reason = message,
                    HttpStatus = 200,
                }));
                continue;
            }
            results.Add(BinanceResult<OrderReport>.Ok(ParseOrder(System.Text.Encoding.UTF8.GetBytes(item.GetRawText()), symbols)));
        }
        if (results.Count != operations.Count)
            throw new BinanceProtocolException($"the batchOrders answer has {results.Count} entries for {operations.Count} orders");
        return results;
    }

    /// <summary>Reads the order object the reader is on (StartObject) and leaves the reader on its EndObject.</summary>
    public static OrderReport ReadOrder(ref Utf8JsonReader reader, BinanceSymbolMapper symbols)
    {
        JsonReading.ExpectStartObject(ref reader, "an order");
        InstrumentId? instrument = null;
        string? clientOrderId = null;
        long? orderId = null, updateTime = null, time = null, goodTillDate = null;
        OrderSide? side = null;
        OrderType? type = null;
        TimeInForce? tif = null;
        PositionSide? positionSide = null;
        TriggerPriceType? workingType = null;
        var status = UsdMOrderStatus.Unknown;
        var hasStatus = false;
        decimal? price = null, origQty = null, executedQty = null, cumQuote = null, stopPrice = null, avgPrice = null, activate = null, rate = null;
        bool? reduceOnly = null, closePosition = null;
        Span<char> symbolBuffer = stackalloc char[64];
        Span<byte> scratch = stackalloc byte[64];

        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) throw new BinanceProtocolException("an order object is malformed");
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            switch (name)
            {
                case var _ when name.SequenceEqual("symbol"u8):
                    var length = reader.CopyString(symbolBuffer);
                    instrument = symbols.ToInstrument(symbolBuffer[..length]);
                    break;
                case var _ when name.SequenceEqual("orderId"u8): orderId = JsonReading.ReadInt64(ref reader, "orderId"); break;
                case var _ when name.SequenceEqual("clientOrderId"u8): clientOrderId = reader.GetString(); break;
                case var _ when name.SequenceEqual("updateTime"u8): updateTime = JsonReading.ReadInt64(ref reader, "updateTime"); break;
                case var _ when name.SequenceEqual("time"u8): time = JsonReading.ReadInt64(ref reader, "time"); break;
                case var _ when name.SequenceEqual("goodTillDate"u8): goodTillDate = JsonReading.ReadInt64(ref reader, "goodTillDate"); break;
                case var _ when name.SequenceEqual("price"u8): price = JsonReading.ReadDecimal(ref reader, "price"); break;
                case var _ when name.SequenceEqual("origQty"u8): origQty = JsonReading.ReadDecimal(ref reader, "origQty"); break;
                case var _ when name.SequenceEqual("executedQty"u8): executedQty = JsonReading.ReadDecimal(ref reader, "executedQty"); break;
                case var _ when name.SequenceEqual("cumQuote"u8): cumQuote = JsonReading.ReadDecimal(ref reader, "cumQuote"); break;
                case var _ when name.SequenceEqual("avgPrice"u8): avgPrice = JsonReading.ReadDecimal(ref reader, "avgPrice"); break;
                case var _ when name.SequenceEqual("stopPrice"u8): stopPrice = JsonReading.ReadDecimal(ref reader, "stopPrice"); break;
                case var _ when name.SequenceEqual("activatePrice"u8): activate = OptionalDecimal(ref reader, "activatePrice"); break;
                case var _ when name.SequenceEqual("priceRate"u8): rate = OptionalDecimal(ref reader, "priceRate"); break;
                case var _ when name.SequenceEqual("reduceOnly"u8): reduceOnly = JsonReading.ReadBool(ref reader, "reduceOnly"); break;
                case var _ when name.SequenceEqual("closePosition"u8): closePosition = JsonReading.ReadBool(ref reader, "closePosition"); break;
                case var _ when name.SequenceEqual("status"u8):
                    status = UsdMEnums.ParseStatus(JsonReading.ValueBytes(in reader, scratch));
                    hasStatus = true;
                    break;
                case var _ when name.SequenceEqual("side"u8): side = SpotEnums.ParseSide(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("type"u8): type = UsdMEnums.ParseOrderType(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("timeInForce"u8): tif = UsdMEnums.ParseTimeInForce(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("positionSide"u8): positionSide = UsdMEnums.ParsePositionSide(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("workingType"u8): workingType = UsdMEnums.ParseWorkingType(JsonReading.ValueBytes(in reader, scratch)); break;
                default: reader.Skip(); break;
            }
        }

        if (instrument is not { } id) throw new BinanceProtocolException("an order object has no 'symbol'");
        if (orderId is not { } venueId) throw new BinanceProtocolException($"an order object for {id} has no 'orderId'");
        if (!ClientOrderId.IsValid(clientOrderId))
            throw new BinanceProtocolException($"order {venueId} on {id} has an invalid client order id '{clientOrderId}'");
        if (hasStatus && status == UsdMOrderStatus.Unknown)
            throw new BinanceProtocolException($"order {clientOrderId} on {id} has an unknown status");

        var timestamp = updateTime ?? time;
        return new OrderReport
        {
            Instrument = id,
            ClientOrderId = new ClientOrderId(clientOrderId),
            VenueOrderId = UsdMOrderIds.Order(venueId),
            Side = side,
            // A post-only limit (GTX) is the domain's LimitMaker.
            Type = type == OrderType.Limit && tif == TimeInForce.Gtx ? OrderType.LimitMaker : type,
            TimeInForce = tif,
            Status = hasStatus ? UsdMEnums.ToDomain(status) : null,
            Quantity = origQty,
            Price = price is > 0m ? price : null,
            StopPrice = stopPrice is > 0m ? stopPrice : null,
            ExecutedQuantity = executedQty,
            CumulativeQuoteQuantity = cumQuote,
            Timestamp = timestamp is { } ts ? JsonReading.FromMilliseconds(ts) : null,
            CreatedAt = time is { } created ? JsonReading.FromMilliseconds(created) : null,
            AveragePrice = avgPrice is > 0m ? avgPrice : null,
            ReduceOnly = reduceOnly,
            PositionSide = positionSide,
            ClosePosition = closePosition,
            TriggerPriceType = workingType,
            ActivationPrice = activate is > 0m ? activate : null,
            TrailingPercent = rate is > 0m ? rate : null,
            GoodTillDate = goodTillDate is > 0 ? JsonReading.FromMilliseconds(goodTillDate.Value) : null,
        };
    }

    /// <summary>Parses an algo order object (place, query, open algo orders).</summary>
    public static AlgoOrderReport ParseAlgoOrder(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return ReadAlgoOrder(document.RootElement, symbols);
    }

    public static IReadOnlyList<AlgoOrderReport> ParseAlgoOrders(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        // openAlgoOrders answers with an array; some versions wrap it as {"orders":[…]}.
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("orders", out var wrapped)) root = wrapped;
        if (root.ValueKind != JsonValueKind.Array) throw new BinanceProtocolException("the algo order list should be a JSON array");
        return [.. root.EnumerateArray().Select(o => ReadAlgoOrder(o, symbols))];
    }

    public static AlgoOrderReport ReadAlgoOrder(JsonElement root, BinanceSymbolMapper symbols)
    {
        var instrument = symbols.ToInstrument(root.GetRequiredString("symbol"));
        var clientAlgoId = root.GetRequiredString("clientAlgoId");
        if (!ClientOrderId.IsValid(clientAlgoId)) throw new BinanceProtocolException($"algo order on {instrument} has an invalid clientAlgoId '{clientAlgoId}'");
        var statusText = root.TryGetProperty("algoStatus", out var s) ? s.GetString() : null;
        var status = UsdMEnums.ParseAlgoStatus(statusText);
        if (status == AlgoOrderStatus.Unknown) throw new BinanceProtocolException($"algo order {clientAlgoId} on {instrument} has an unknown status '{statusText}'");
        long? actual = root.TryGetProperty("actualOrderId", out var a) ? ParseOptionalId(a, "actualOrderId") : null;
        return new AlgoOrderReport
        {
            Instrument = instrument,
            ClientOrderId = new ClientOrderId(clientAlgoId),
            AlgoId = root.GetRequiredInt64("algoId"),
            Status = status,
            Side = Text(root, "side") switch { "BUY" => OrderSide.Buy, "SELL" => OrderSide.Sell, _ => null },
            Type = UsdMEnums.ParseOrderType(Text(root, "orderType")),
            PositionSide = UsdMEnums.ParsePositionSide(Text(root, "positionSide")),
            TimeInForce = UsdMEnums.ParseTimeInForce(Text(root, "timeInForce")),
            Quantity = Optional(root, "quantity"),
            TriggerPrice = Positive(Optional(root, "triggerPrice")),
            Price = Positive(Optional(root, "price")),
            TriggerPriceType = UsdMEnums.ParseWorkingType(Text(root, "workingType")),
            ClosePosition = Bool(root, "closePosition"),
            PriceProtect = Bool(root, "priceProtect"),
            ReduceOnly = Bool(root, "reduceOnly"),
            ActivationPrice = Positive(Optional(root, "activatePrice")),
            TrailingPercent = Positive(Optional(root, "callbackRate")),
            CreatedAt = Time(root, "createTime"),
            UpdatedAt = Time(root, "updateTime"),
            TriggeredAt = Time(root, "triggerTime"),
            ActualOrderId = actual,
            AveragePrice = Positive(Optional(root, "actualPrice")),
        };
    }

    /// <summary>An id that may be a number, a numeric string, or "" (none yet).</summary>
    internal static long? ParseOptionalId(JsonElement element, string field) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt64(out var n) => n > 0 ? n : null,
        JsonValueKind.String when string.IsNullOrEmpty(element.GetString()) => null,
        JsonValueKind.String when long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed > 0 ? parsed : null,
        JsonValueKind.Null => null,
        _ => throw new BinanceProtocolException($"field '{field}' is not an order id: {element.GetRawText()}"),
    };

    private static string? Text(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static DateTimeOffset? Time(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt64() > 0 ? JsonReading.FromMilliseconds(value.GetInt64()) : null;

    /// <summary>A decimal that may be absent, null or "" (the algo service sends "" for unset prices).</summary>
    internal static decimal? Optional(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(value.GetString())) return null;
        return root.GetDecimal(property);
    }

    private static decimal? Positive(decimal? value) => value is > 0m ? value : null;

    private static decimal? OptionalDecimal(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.ValueSpan.IsEmpty)) return null;
        return JsonReading.ReadDecimal(ref reader, field);
    }
}
