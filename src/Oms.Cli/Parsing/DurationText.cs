using System.Globalization;

namespace Oms.Cli.Parsing;

/// <summary>Durations on the command line: <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, <c>00:00:30</c> or a number of seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().ToLowerInvariant();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(t[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return Positive(TimeSpan.FromSeconds((double)amount * scale), out value);
            }
        }
        if (decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return Positive(TimeSpan.FromSeconds((double)seconds), out value);
        }
        return TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && Positive(span, out value);
    }

    private static bool Positive(TimeSpan span, out TimeSpan value)
    {
        value = span;
        return span > TimeSpan.Zero;
    }
}
