using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Oms.Connectors.Binance.Parsing;

namespace Oms.Connectors.Binance.Signing;

internal enum ParameterKind : byte
{
    Text = 1,
    Decimal = 2,
    Integer = 3,
    Boolean = 4,
}

/// <summary>One request parameter, typed so it can be written as a query string (REST) or JSON (WebSocket API).</summary>
internal readonly struct BinanceParameter
{
    public BinanceParameter(string name, string text)
    {
        Name = name;
        Kind = ParameterKind.Text;
        Text = text;
    }

    public BinanceParameter(string name, decimal value)
    {
        Name = name;
        Kind = ParameterKind.Decimal;
        Decimal = value;
    }

    public BinanceParameter(string name, long value)
    {
        Name = name;
        Kind = ParameterKind.Integer;
        Integer = value;
    }

    public BinanceParameter(string name, bool value)
    {
        Name = name;
        Kind = ParameterKind.Boolean;
        Integer = value ? 1 : 0;
    }

    public string Name { get; }
    public ParameterKind Kind { get; }
    public string? Text { get; }
    public decimal Decimal { get; }
    public long Integer { get; }

    /// <summary>Writes the value as raw UTF-8 text (what is signed on the WebSocket API, and percent-encoded for REST).</summary>
    public void WriteUtf8(IBufferWriter<byte> writer)
    {
        switch (Kind)
        {
            case ParameterKind.Text:
                var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(Text!.Length));
                writer.Advance(Encoding.UTF8.GetBytes(Text, span));
                break;
            case ParameterKind.Decimal:
                var decimalSpan = writer.GetSpan(BinanceDecimal.MaxLength);
                writer.Advance(BinanceDecimal.Format(Decimal, decimalSpan));
                break;
            case ParameterKind.Integer:
                var intSpan = writer.GetSpan(24);
                Utf8Formatter.TryFormat(Integer, intSpan, out var written);
                writer.Advance(written);
                break;
            case ParameterKind.Boolean:
                var boolText = Integer != 0 ? "true"u8 : "false"u8;
                boolText.CopyTo(writer.GetSpan(boolText.Length));
                writer.Advance(boolText.Length);
                break;
            default:
                throw new InvalidOperationException($"parameter {Name} has no value");
        }
    }

    /// <summary>Writes the value as a JSON value: decimals as strings (exact), integers as numbers, booleans as booleans.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ParameterKind.Text:
                writer.WriteString(Name, Text);
                break;
            case ParameterKind.Decimal:
                Span<byte> buffer = stackalloc byte[BinanceDecimal.MaxLength];
                var written = BinanceDecimal.Format(Decimal, buffer);
                writer.WriteString(Name, buffer[..written]);
                break;
            case ParameterKind.Integer:
                writer.WriteNumber(Name, Integer);
                break;
            case ParameterKind.Boolean:
                writer.WriteBoolean(Name, Integer != 0);
                break;
            default:
                throw new InvalidOperationException($"parameter {Name} has no value");
        }
    }

    public override string ToString()
    {
        using var buffer = new Internal.PooledBufferWriter(64);
        WriteUtf8(buffer);
        return $"{Name}={Encoding.UTF8.GetString(buffer.WrittenSpan)}";
    }
}

/// <summary>
/// The parameters of one request, in the order they are added. REST writes them in this order; the WebSocket API
/// sorts them by name for signing (REFERENCE §2.3). Names are ASCII.
/// </summary>
internal sealed class BinanceParameters
{
    private readonly List<BinanceParameter> _items;

    public BinanceParameters(int capacity = 12) => _items = new List<BinanceParameter>(capacity);

    public int Count => _items.Count;

    public BinanceParameter this[int index] => _items[index];

    public BinanceParameters Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _items.Add(new BinanceParameter(name, value));
        return this;
    }

    public BinanceParameters Add(string name, decimal value)
    {
        _items.Add(new BinanceParameter(name, value));
        return this;
    }

    public BinanceParameters Add(string name, long value)
    {
        _items.Add(new BinanceParameter(name, value));
        return this;
    }

    public BinanceParameters Add(string name, bool value)
    {
        _items.Add(new BinanceParameter(name, value));
        return this;
    }

    public BinanceParameters AddIfPresent(string name, string? value) => value is null ? this : Add(name, value);

    public BinanceParameters AddIfPresent(string name, decimal? value) => value is { } v ? Add(name, v) : this;

    public BinanceParameters AddIfPresent(string name, long? value) => value is { } v ? Add(name, v) : this;

    public bool Contains(string name)
    {
        foreach (var item in _items)
        {
            if (item.Name == name) return true;
        }
        return false;
    }

    /// <summary>Writes <c>name=value&amp;...</c> with every value percent-encoded (RFC 3986 unreserved characters kept).</summary>
    public void WriteQueryString(Internal.PooledBufferWriter scratch, IBufferWriter<byte> output)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (i > 0) Write(output, (byte)'&');
            PercentEncoding.Encode(_items[i].Name.AsSpan(), output);
            Write(output, (byte)'=');
            scratch.Clear();
            _items[i].WriteUtf8(scratch);
            PercentEncoding.Encode(scratch.WrittenSpan, output);
        }
    }

    /// <summary>Fills <paramref name="indices"/> with the parameter indices sorted by name (ordinal), for WebSocket API signing and framing.</summary>
    public void SortIndices(Span<int> indices)
    {
        for (var i = 0; i < indices.Length; i++) indices[i] = i;
        indices.Sort(new NameOrder(_items));
    }

    public int[] SortedIndices()
    {
        var indices = new int[_items.Count];
        SortIndices(indices);
        return indices;
    }

    private readonly struct NameOrder(List<BinanceParameter> items) : IComparer<int>
    {
        public int Compare(int x, int y) => string.CompareOrdinal(items[x].Name, items[y].Name);
    }

    /// <summary>Writes the WebSocket API signature payload: sorted <c>name=value</c> pairs joined by <c>&amp;</c>, raw UTF-8.</summary>
    public void WriteSortedPayload(ReadOnlySpan<int> sorted, IBufferWriter<byte> output)
    {
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0) Write(output, (byte)'&');
            var item = _items[sorted[i]];
            var nameSpan = output.GetSpan(item.Name.Length);
            output.Advance(Encoding.ASCII.GetBytes(item.Name, nameSpan));
            Write(output, (byte)'=');
            item.WriteUtf8(output);
        }
    }

    public override string ToString() => string.Join('&', _items.Select(i => i.ToString()));

    private static void Write(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}

/// <summary>RFC 3986 percent-encoding of UTF-8 bytes: unreserved characters (<c>A-Z a-z 0-9 - _ . ~</c>) stay, the rest become <c>%XX</c>.</summary>
internal static class PercentEncoding
{
    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;

    public static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    public static void Encode(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(utf8.Length * 3);
        var n = 0;
        foreach (var b in utf8)
        {
            if (IsUnreserved(b))
            {
                span[n++] = b;
            }
            else
            {
                span[n++] = (byte)'%';
                span[n++] = Hex[b >> 4];
                span[n++] = Hex[b & 0xF];
            }
        }
        output.Advance(n);
    }

    public static void Encode(ReadOnlySpan<char> ascii, IBufferWriter<byte> output)
    {
        Span<byte> bytes = ascii.Length <= 256 ? stackalloc byte[ascii.Length] : new byte[ascii.Length];
        var count = Encoding.ASCII.GetBytes(ascii, bytes);
        Encode(bytes[..count], output);
    }
}
