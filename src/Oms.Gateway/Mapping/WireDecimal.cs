using System.Globalization;
using System.Text.RegularExpressions;
using Oms.Gateway.Errors;

namespace Oms.Gateway.Mapping;

/// <summary>
/// Decimals on the wire are strings in invariant culture: an optional minus sign, digits, and an optional fraction
/// (e.g. <c>"0.00100000"</c>). Exponents, thousands separators, surrounding spaces and a leading plus are rejected.
/// Formatting keeps the value's scale, so <c>0.00100000m</c> goes out as <c>"0.00100000"</c>.
/// </summary>
public static partial class WireDecimal
{
    /// <summary>Formats a decimal for the wire.</summary>
    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats an optional decimal; null becomes the empty string.</summary>
    public static string Format(decimal? value) => value is { } v ? Format(v) : string.Empty;

    /// <summary>Parses strictly; returns false for anything that is not a plain decimal literal.</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0m;
        return text is not null
            && Literal().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Reads an optional decimal field: empty means absent (null). A malformed value, or one outside the allowed sign,
    /// is recorded as a violation naming <paramref name="field"/>.
    /// </summary>
    public static decimal? ReadOptional(string? text, string field, RequestViolations violations, DecimalSign sign = DecimalSign.Positive)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!TryParse(text, out var value))
        {
            violations.Add(field, $"'{Truncate(text)}' is not a decimal number (expected digits with an optional '.' fraction, e.g. \"0.001\")");
            return null;
        }
        switch (sign)
        {
            case DecimalSign.Positive when value <= 0m:
                violations.Add(field, $"must be positive (was {text})");
                return null;
            case DecimalSign.NonNegative when value < 0m:
                violations.Add(field, $"must not be negative (was {text})");
                return null;
            default:
                return value;
        }
    }

    /// <summary>Reads a required decimal field; empty is a violation.</summary>
    public static decimal ReadRequired(string? text, string field, RequestViolations violations, DecimalSign sign = DecimalSign.Positive)
    {
        if (string.IsNullOrEmpty(text))
        {
            violations.Add(field, "is required");
            return 0m;
        }
        return ReadOptional(text, field, violations, sign) ?? 0m;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    // At most 28 digits in total keeps the value inside decimal's precision; the parser checks the range.
    [GeneratedRegex(@"^-?[0-9]{1,29}(\.[0-9]{1,28})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();
}

/// <summary>Which signs a decimal field accepts.</summary>
public enum DecimalSign
{
    Positive = 1,
    NonNegative = 2,
    Any = 3,
}
