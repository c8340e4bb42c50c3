using System.Globalization;
using System.Text;
using System.Text.Json;
using Oms.Simulator.Engine;

namespace Oms.Simulator.Wire;

/// <summary>
/// The parameters of one request, whatever the transport: REST query string and/or form body (decoded),
/// or a WS API <c>params</c> object. Tracks which parameters an operation read so that unread extras are
/// rejected with <c>-1104</c> as Binance does, and validates values with Binance's exact error codes.
/// </summary>
public sealed class RequestParameters
{
    private const string UnsignedIntRange = "^[0-9]{1,20}$";
    private const string SignedIntRange = "^-?[0-9]{1,20}$";
    private const string DecimalRange = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";

    private readonly List<Parameter> items = [];

    private RequestParameters()
    {
    }

    /// <summary>Number of distinct parameters sent.</summary>
    public int Count => items.Count;

    /// <summary>Names in the order they were first sent.</summary>
    public IEnumerable<string> Names => items.Select(p => p.Name);

    /// <summary>An empty parameter set (WS API requests without <c>params</c>).</summary>
    public static RequestParameters Empty() => new();

    /// <summary>
    /// Parses a REST request: the raw (still percent-encoded) query string without its leading <c>?</c>
    /// and the raw form body. A name repeated within one source is <c>-1101</c>; a name present in both
    /// takes the query value (Binance rule).
    /// </summary>
    public static RequestParameters FromForm(string? rawQuery, string? rawBody)
    {
        var result = new RequestParameters();
        var fromQuery = ParseForm(rawQuery);
        var fromBody = ParseForm(rawBody);
        foreach (var (name, value) in fromQuery)
        {
            result.items.Add(new Parameter(name, value, IsJsonNumber: false));
        }

        foreach (var (name, value) in fromBody)
        {
            if (result.Find(name) is null)
            {
                result.items.Add(new Parameter(name, value, IsJsonNumber: false));
            }
        }

        return result;
    }

    /// <summary>
    /// Parses a WS API <c>params</c> object. Strings keep their text, numbers their raw JSON text,
    /// booleans become <c>true</c>/<c>false</c>, arrays and objects their raw JSON; <c>null</c> counts as
    /// not sent.
    /// </summary>
    public static RequestParameters FromJson(JsonElement parameters)
    {
        var result = new RequestParameters();
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new ApiErrorException(ApiErrors.InvalidJsonRequest());
        }

        foreach (var property in parameters.EnumerateObject())
        {
            if (result.Find(property.Name) is not null)
            {
                throw new ApiErrorException(ApiErrors.DuplicateParameter());
            }

            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                case JsonValueKind.Undefined:
                    continue;
                case JsonValueKind.String:
                    result.items.Add(new Parameter(property.Name, value.GetString()!, IsJsonNumber: false));
                    break;
                case JsonValueKind.Number:
                    result.items.Add(new Parameter(property.Name, value.GetRawText(), IsJsonNumber: true));
                    break;
                case JsonValueKind.True:
                    result.items.Add(new Parameter(property.Name, "true", IsJsonNumber: false));
                    break;
                case JsonValueKind.False:
                    result.items.Add(new Parameter(property.Name, "false", IsJsonNumber: false));
                    break;
                default:
                    result.items.Add(new Parameter(property.Name, value.GetRawText(), IsJsonNumber: false));
                    break;
            }
        }

        return result;
    }

    /// <summary>Whether a parameter was sent (does not mark it read).</summary>
    public bool Has(string name) => Find(name) is not null;

    /// <summary>Marks a parameter as consumed without reading it (e.g. <c>signature</c>).</summary>
    public void MarkRead(string name)
    {
        var parameter = Find(name);
        if (parameter is not null)
        {
            parameter.Read = true;
        }
    }

    /// <summary>The raw value if sent (marks it read); empty values are returned as empty.</summary>
    public string? Raw(string name)
    {
        var parameter = Find(name);
        if (parameter is null)
        {
            return null;
        }

        parameter.Read = true;
        return parameter.Value;
    }

    /// <summary>An optional string; an empty value is <c>-1105</c>.</summary>
    public string? GetString(string name)
    {
        var value = Raw(name);
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0)
        {
            throw new ApiErrorException(ApiErrors.EmptyParameter(name));
        }

        return value;
    }

    /// <summary>A mandatory string; missing or empty is <c>-1102</c>.</summary>
    public string RequireString(string name)
    {
        var value = Raw(name);
        if (string.IsNullOrEmpty(value))
        {
            throw new ApiErrorException(ApiErrors.MandatoryParameter(name));
        }

        return value;
    }

    public long? GetLong(string name, bool allowNegative = false)
    {
        var value = GetString(name);
        return value is null ? null : ParseLong(name, value, allowNegative);
    }

    public long RequireLong(string name, bool allowNegative = false) => ParseLong(name, RequireString(name), allowNegative);

    public int? GetInt(string name)
    {
        var value = GetLong(name);
        if (value is null)
        {
            return null;
        }

        if (value > int.MaxValue)
        {
            throw new ApiErrorException(new ApiError(400, -1108, $"Parameter '{name}' overflowed."));
        }

        return (int)value.Value;
    }

    public decimal? GetDecimal(string name)
    {
        var value = GetString(name);
        return value is null ? null : ParseDecimal(name, value);
    }

    public decimal RequireDecimal(string name) => ParseDecimal(name, RequireString(name));

    /// <summary>An optional boolean sent as <c>true</c>/<c>false</c> (any case); anything else is <c>-1130</c>.</summary>
    public bool? GetBool(string name)
    {
        var value = GetString(name);
        if (value is null)
        {
            return null;
        }

        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new ApiErrorException(ApiErrors.InvalidParameterData(name));
    }

    /// <summary>An optional enum by its Binance wire name; unknown values produce <paramref name="invalid"/>.</summary>
    public TEnum? GetEnum<TEnum>(string name, Func<ApiError> invalid)
        where TEnum : struct, Enum
    {
        var value = GetString(name);
        if (value is null)
        {
            return null;
        }

        return WireNames.TryParse<TEnum>(value, out var parsed) ? parsed : throw new ApiErrorException(invalid());
    }

    /// <summary>A mandatory enum by its Binance wire name; unknown values produce <paramref name="invalid"/>.</summary>
    public TEnum RequireEnum<TEnum>(string name, Func<ApiError> invalid)
        where TEnum : struct, Enum
    {
        var value = RequireString(name);
        return WireNames.TryParse<TEnum>(value, out var parsed) ? parsed : throw new ApiErrorException(invalid());
    }

    /// <summary>Rejects the request with <c>-1104</c> when parameters were sent that the operation did not read.</summary>
    public void EnsureAllRead()
    {
        var read = 0;
        foreach (var parameter in items)
        {
            if (parameter.Read)
            {
                read++;
            }
        }

        if (read != items.Count)
        {
            throw new ApiErrorException(ApiErrors.UnreadParameters(read, items.Count));
        }
    }

    /// <summary>
    /// The WS API signature payload: every parameter except <c>signature</c>, sorted by name (ordinal),
    /// joined as <c>name=value</c> with <c>&amp;</c>, values as sent (not percent-encoded).
    /// </summary>
    public string SortedPayload()
    {
        var sorted = items.Where(p => p.Name != "signature").OrderBy(p => p.Name, StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var parameter in sorted)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(parameter.Name).Append('=').Append(parameter.Value);
        }

        return builder.ToString();
    }

    /// <summary>A compact <c>name=value&amp;…</c> rendering for the request log (signature omitted).</summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        foreach (var parameter in items)
        {
            if (parameter.Name == "signature")
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(parameter.Name).Append('=').Append(parameter.Value);
        }

        return builder.ToString();
    }

    /// <summary>Snapshot of the parameters as a dictionary (for the admin request log).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() =>
        items.Where(p => p.Name != "signature").ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    internal static long ParseLong(string name, string value, bool allowNegative)
    {
        if (!IsInteger(value, allowNegative) ||
            !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new ApiErrorException(ApiErrors.IllegalChars(name, allowNegative ? SignedIntRange : UnsignedIntRange));
        }

        return parsed;
    }

    internal static decimal ParseDecimal(string name, string value)
    {
        if (!IsDecimal(value) ||
            !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new ApiErrorException(ApiErrors.IllegalChars(name, DecimalRange));
        }

        return parsed;
    }

    private static bool IsInteger(string value, bool allowNegative)
    {
        var start = allowNegative && value.Length > 0 && value[0] == '-' ? 1 : 0;
        var digits = value.Length - start;
        if (digits is < 1 or > 20)
        {
            return false;
        }

        for (var i = start; i < value.Length; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDecimal(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? value : value[..dot];
        if (integerPart.Length is < 1 or > 20 || !integerPart.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (dot < 0)
        {
            return true;
        }

        var fraction = value[(dot + 1)..];
        return fraction.Length is >= 1 and <= 20 && fraction.All(char.IsAsciiDigit);
    }

    private static List<(string Name, string Value)> ParseForm(string? raw)
    {
        var result = new List<(string, string)>();
        if (string.IsNullOrEmpty(raw))
        {
            return result;
        }

        if (raw[0] == '?')
        {
            raw = raw[1..];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in raw.Split('&'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? segment : segment[..eq]);
            var value = eq < 0 ? string.Empty : Decode(segment[(eq + 1)..]);
            if (!seen.Add(name))
            {
                throw new ApiErrorException(ApiErrors.DuplicateParameter());
            }

            result.Add((name, value));
        }

        return result;
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));

    private Parameter? Find(string name)
    {
        foreach (var parameter in items)
        {
            if (string.Equals(parameter.Name, name, StringComparison.Ordinal))
            {
                return parameter;
            }
        }

        return null;
    }

    private sealed record Parameter(string Name, string Value, bool IsJsonNumber)
    {
        public bool Read { get; set; }
    }
}
