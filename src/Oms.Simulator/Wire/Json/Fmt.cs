using System.Globalization;
using System.Text.Json;

namespace Oms.Simulator.Wire.Json;

/// <summary>Decimal formatting as Binance prints it: fixed scale (<c>"0.00100000"</c>) or plain (<c>"0.001"</c>, <c>"0"</c>).</summary>
public static class Fmt
{
    private static readonly string[] FixedFormats = Enumerable.Range(0, 29).Select(i => "F" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Fixed number of decimals, e.g. <c>Fixed(0.001m, 8)</c> → <c>"0.00100000"</c>. Rounds half away from zero beyond the scale.</summary>
    public static string Fixed(decimal value, int scale) =>
        decimal.Round(value, scale, MidpointRounding.AwayFromZero).ToString(FixedFormats[Math.Clamp(scale, 0, 28)], CultureInfo.InvariantCulture);

    /// <summary>Shortest exact text without trailing zeros, never an exponent: <c>0.0010m</c> → <c>"0.001"</c>, <c>0m</c> → <c>"0"</c>.</summary>
    public static string Plain(decimal value)
    {
        var normalized = value / 1.000000000000000000000000000000000m;
        var text = normalized.ToString(CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>Writes a decimal as a JSON string with a fixed scale.</summary>
    public static void WriteFixed(this Utf8JsonWriter writer, string name, decimal value, int scale) =>
        writer.WriteString(name, Fixed(value, scale));

    /// <summary>Writes a decimal as a JSON string in plain form.</summary>
    public static void WritePlain(this Utf8JsonWriter writer, string name, decimal value) =>
        writer.WriteString(name, Plain(value));

    /// <summary>Writes a nullable long as a number or null.</summary>
    public static void WriteNullableNumber(this Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
