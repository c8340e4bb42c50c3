using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Sdk;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>Small helpers to read SDK results and simulator state the same way on both sides.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>A property by dotted path with <c>[n]</c> indexes (<c>"fills[0].price"</c>); fails with the path when absent.</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? part[..bracket] : part;
            if (name.Length > 0)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    throw new XunitException($"no '{path}' (missing '{name}') in {Short(element)}");
                }
            }

            while (bracket >= 0)
            {
                var close = part.IndexOf(']', bracket);
                var index = int.Parse(part[(bracket + 1)..close], CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || current.GetArrayLength() <= index)
                {
                    throw new XunitException($"no '{path}' (index {index}) in {Short(element)}");
                }

                current = current[index];
                bracket = part.IndexOf('[', close);
            }
        }

        return current;
    }

    public static bool Has(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A string or number as text (Binance sends decimals as strings and ids as numbers; SDKs may stringify).</summary>
    public static string Text(this JsonElement element, string path)
    {
        var value = element.At(path);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw new XunitException($"'{path}' is {value.ValueKind}, not a scalar, in {Short(element)}"),
        };
    }

    public static long Long(this JsonElement element, string path) => long.Parse(element.Text(path), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static decimal Dec(this JsonElement element, string path) =>
        decimal.Parse(element.Text(path), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static bool Bool(this JsonElement element, string path)
    {
        var value = element.At(path);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => bool.Parse(value.GetString()!),
            _ => throw new XunitException($"'{path}' is {value.ValueKind}, not a boolean, in {Short(element)}"),
        };
    }

    public static IReadOnlyList<JsonElement> Items(this JsonElement element, string? path = null)
    {
        var value = path is null ? element : element.At(path);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToList()
            : throw new XunitException($"'{path}' is {value.ValueKind}, not an array, in {Short(element)}");
    }

    /// <summary>
    /// An enum as the simulator's admin API renders it (<c>PartiallyFilled</c>, <c>StopLossLimit</c>) turned into its
    /// Binance wire name (<c>PARTIALLY_FILLED</c>, <c>STOP_LOSS_LIMIT</c>); wire names pass through.
    /// </summary>
    public static string Wire(string value)
    {
        if (value.Length == 0 || value.All(c => !char.IsLower(c)))
        {
            return value;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(value[i - 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    public static string WireText(this JsonElement element, string path) => Wire(element.Text(path));

    public static string Short(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 1500 ? text : text[..1500] + "…";
    }
}
