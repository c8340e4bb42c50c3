using System.Globalization;
using System.Text.RegularExpressions;
using Oms.Cli.Errors;

namespace Oms.Cli.Parsing;

/// <summary>
/// Decimal amounts typed on the command line. They travel to the gateway as the exact text typed (never through
/// <see cref="double"/>), after a check against the wire format: an optional minus sign, digits, an optional fraction.
/// </summary>
internal static partial class DecimalText
{
    /// <summary>Checks <paramref name="text"/> is a positive decimal literal and returns it trimmed; a usage error names <paramref name="what"/>.</summary>
    public static string Positive(string text, string what)
    {
        var trimmed = text.Trim();
        if (!Literal().IsMatch(trimmed) || !decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw CliException.Usage($"{what} '{text}' is not a decimal number (digits with an optional '.' fraction, e.g. 0.001)");
        }
        if (value <= 0m) throw CliException.Usage($"{what} must be positive (was {text})");
        return trimmed;
    }

    /// <summary>As <see cref="Positive"/> for an optional value: null or empty stays empty (absent on the wire).</summary>
    public static string OptionalPositive(string? text, string what) => string.IsNullOrWhiteSpace(text) ? string.Empty : Positive(text, what);

    [GeneratedRegex(@"^-?[0-9]{1,29}(\.[0-9]{1,28})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();
}
