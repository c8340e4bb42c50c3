using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>Thrown when a venue payload does not have the shape the protocol documents.</summary>
public sealed class BinanceProtocolException : Exception
{
    public BinanceProtocolException(string message) : base(message)
    {
    }

    public BinanceProtocolException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Allocation-light reads of Binance JSON values. Decimals arrive as strings and are parsed exactly.</summary>
internal static class JsonReading
{
    /// <summary>The raw bytes of the current string or number token (unescaped when needed).</summary>
    public static ReadOnlySpan<byte> ValueBytes(in Utf8JsonReader reader, Span<byte> scratch)
    {
        if (reader.HasValueSequence)
        {
            var sequence = reader.ValueSequence;
            if (sequence.Length > scratch.Length) throw new BinanceProtocolException("a JSON value is unexpectedly long");
            sequence.CopyTo(scratch);
            return scratch[..(int)sequence.Length];
        }
        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
        {
            var written = reader.CopyString(scratch);
            return scratch[..written];
        }
        return reader.ValueSpan;
    }

    /// <summary>Reads a decimal from a string (<c>"0.001"</c>) or number token; null for JSON null.</summary>
    public static decimal? ReadDecimalOrNull(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        return ReadDecimal(ref reader, field);
    }

    public static decimal ReadDecimal(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
            throw new BinanceProtocolException($"field '{field}' should be a decimal string, not {reader.TokenType}");
        Span<byte> scratch = stackalloc byte[64];
        var bytes = ValueBytes(in reader, scratch);
        if (!BinanceDecimal.TryParse(bytes, out var value))
            throw new BinanceProtocolException($"field '{field}' is not a decimal: '{System.Text.Encoding.UTF8.GetString(bytes)}'");
        return value;
    }

    public static long ReadInt64(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number)) return number;
        if (reader.TokenType == JsonTokenType.String)
        {
            Span<byte> scratch = stackalloc byte[32];
            var bytes = ValueBytes(in reader, scratch);
            if (Utf8Parser.TryParse(bytes, out long parsed, out var consumed) && consumed == bytes.Length) return parsed;
        }
        throw new BinanceProtocolException($"field '{field}' should be an integer, not {reader.TokenType}");
    }

    public static long? ReadInt64OrNull(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.Null ? null : ReadInt64(ref reader, field);

    public static string? ReadStringOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    public static bool ReadBool(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new BinanceProtocolException($"field '{field}' should be a boolean, not {reader.TokenType}"),
    };

    /// <summary>Reads the next token, failing on truncated input.</summary>
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new BinanceProtocolException("the JSON payload ended unexpectedly");
    }

    public static void ExpectStartObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType == JsonTokenType.None) Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new BinanceProtocolException($"{what} should be a JSON object, not {reader.TokenType}");
    }

    public static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>Parses decimal text from a <see cref="JsonElement"/> (string or number).</summary>
    public static decimal GetDecimal(this JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value))
            throw new BinanceProtocolException($"field '{property}' is missing");
        return value.ValueKind switch
        {
            JsonValueKind.String when BinanceDecimal.TryParse(value.GetString(), out var d) => d,
            JsonValueKind.Number => value.GetDecimal(),
            _ => throw new BinanceProtocolException($"field '{property}' is not a decimal: {value.GetRawText()}"),
        };
    }

    public static decimal? GetDecimalOrNull(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? element.GetDecimal(property) : null;

    public static string GetRequiredString(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BinanceProtocolException($"field '{property}' is missing or not a string");

    public static long GetRequiredInt64(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new BinanceProtocolException($"field '{property}' is missing or not an integer");

    public static bool GetBoolOrDefault(this JsonElement element, string property, bool fallback) =>
        element.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;
}
