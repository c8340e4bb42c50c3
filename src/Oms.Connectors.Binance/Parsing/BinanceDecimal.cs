using System.Globalization;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>Exact decimal text for the wire: plain digits, no exponent, no trailing zeros ("0.00100000" → "0.001", 100m → "100").</summary>
public static class BinanceDecimal
{
    /// <summary>Longest text a decimal can format to (29 digits, sign, point).</summary>
    public const int MaxLength = 32;

    public static string Format(decimal value)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        var written = Format(value, buffer);
        return new string(buffer[..written]);
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> chars) and returns the length.</summary>
    public static int Format(decimal value, Span<char> destination)
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("destination is too small for a decimal", nameof(destination));
        return Trim(destination, written);
    }

    /// <summary>UTF-8 variant of <see cref="Format(decimal, Span{char})"/>.</summary>
    public static int Format(decimal value, Span<byte> destination)
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("destination is too small for a decimal", nameof(destination));
        var point = destination[..written].IndexOf((byte)'.');
        if (point < 0) return written;
        while (written > point + 1 && destination[written - 1] == (byte)'0') written--;
        if (written == point + 1) written--;
        return written;
    }

    private static int Trim(Span<char> text, int written)
    {
        var point = text[..written].IndexOf('.');
        if (point < 0) return written;
        while (written > point + 1 && text[written - 1] == '0') written--;
        if (written == point + 1) written--;
        return written;
    }

    /// <summary>Parses Binance decimal text ("0.00847000", "-1.5") exactly; false when it is not a plain decimal.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out decimal value) =>
        decimal.TryParse(utf8, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParse(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
