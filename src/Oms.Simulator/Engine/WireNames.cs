using System.Collections.Frozen;
using System.Text;

namespace Oms.Simulator.Engine;

/// <summary>
/// Maps engine enums to and from their Binance wire names (UPPER_SNAKE_CASE derived from the member name:
/// <c>OrderStatus.PartiallyFilled</c> ⇄ <c>"PARTIALLY_FILLED"</c>, <c>PriceMatch.Opponent5</c> ⇄ <c>"OPPONENT_5"</c>).
/// <see cref="FuturesExpiryReason"/> is rendered on the wire as its number, not its name.
/// </summary>
public static class WireNames
{
    /// <summary>Returns the Binance wire name of <paramref name="value"/>.</summary>
    public static string ToWire<T>(this T value)
        where T : struct, Enum => Cache<T>.ToName.TryGetValue(value, out var name) ? name : value.ToString();

    /// <summary>Parses a Binance wire name (case-sensitive, as Binance is).</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        if (text is not null && Cache<T>.FromName.TryGetValue(text, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    internal static string ToUpperSnake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (i > 0)
            {
                var prev = pascal[i - 1];
                var boundary = (char.IsUpper(c) && (char.IsLower(prev) || char.IsDigit(prev)))
                    || (char.IsDigit(c) && char.IsLetter(prev));
                if (boundary)
                {
                    sb.Append('_');
                }
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    private static class Cache<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToName =
            Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => ToUpperSnake(v.ToString()));

        public static readonly FrozenDictionary<string, T> FromName =
            ToName.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
    }
}
