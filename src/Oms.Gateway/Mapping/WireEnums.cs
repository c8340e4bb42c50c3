using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>
/// Converts between domain enums and oms.v1 proto enums. The proto enums are numbered like the domain enums on
/// purpose (UNSPECIFIED = 0 has no domain counterpart), so conversion is a checked cast; a test pins every name.
/// </summary>
public static class WireEnums
{
    public static Wire.Venue ToWire(this Venue value) => (Wire.Venue)(int)value;
    public static Wire.MarketType ToWire(this MarketType value) => (Wire.MarketType)(int)value;
    public static Wire.OrderSide ToWire(this OrderSide value) => (Wire.OrderSide)(int)value;
    public static Wire.OrderType ToWire(this OrderType value) => (Wire.OrderType)(int)value;
    public static Wire.TimeInForce ToWire(this TimeInForce value) => (Wire.TimeInForce)(int)value;
    public static Wire.OrderStatus ToWire(this OrderStatus value) => (Wire.OrderStatus)(int)value;
    public static Wire.PositionSide ToWire(this PositionSide value) => (Wire.PositionSide)(int)value;
    public static Wire.PositionMode ToWire(this PositionMode value) => (Wire.PositionMode)(int)value;
    public static Wire.TradingState ToWire(this TradingState value) => (Wire.TradingState)(int)value;
    public static Wire.LiquiditySide ToWire(this LiquiditySide value) => (Wire.LiquiditySide)(int)value;
    public static Wire.TriggerPriceType ToWire(this TriggerPriceType value) => (Wire.TriggerPriceType)(int)value;

    /// <summary>
    /// Reads a required enum: UNSPECIFIED (0) and values this server does not know are violations naming
    /// <paramref name="field"/>. Returns default when invalid (the caller throws the collected violations).
    /// </summary>
    public static TDomain ReadRequired<TWire, TDomain>(TWire value, string field, RequestViolations violations)
        where TWire : struct, Enum
        where TDomain : struct, Enum
    {
        var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        if (number == 0)
        {
            violations.Add(field, $"is required ({UnspecifiedName<TWire>()} is not allowed)");
            return default;
        }
        return ReadKnown<TWire, TDomain>(number, field, violations);
    }

    /// <summary>Reads an optional enum: UNSPECIFIED (0) gives <paramref name="fallback"/>; unknown values are violations.</summary>
    public static TDomain ReadOptional<TWire, TDomain>(TWire value, TDomain fallback, string field, RequestViolations violations)
        where TWire : struct, Enum
        where TDomain : struct, Enum
    {
        var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        return number == 0 ? fallback : ReadKnown<TWire, TDomain>(number, field, violations);
    }

    private static TDomain ReadKnown<TWire, TDomain>(int number, string field, RequestViolations violations)
        where TWire : struct, Enum
        where TDomain : struct, Enum
    {
        var domain = (TDomain)Enum.ToObject(typeof(TDomain), number);
        if (!Enum.IsDefined(domain) || !Enum.IsDefined((TWire)Enum.ToObject(typeof(TWire), number)))
        {
            violations.Add(field, $"{number} is not a known {typeof(TWire).Name} value");
            return default;
        }
        return domain;
    }

    private static string UnspecifiedName<TWire>() where TWire : struct, Enum
    {
        // Proto enum C# names drop the prefix; rebuild the proto spelling for the message (e.g. ORDER_SIDE_UNSPECIFIED).
        var name = typeof(TWire).Name;
        var builder = new System.Text.StringBuilder(name.Length + 16);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) builder.Append('_');
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return builder.Append("_UNSPECIFIED").ToString();
    }
}
