using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;

namespace Oms.Gateway.Tests;

public sealed class WireFormatTests
{
    [Theory]
    [InlineData("0.00100000", "0.00100000")]
    [InlineData("50000", "50000")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("0", "0")]
    public void Decimals_round_trip_with_their_scale(string text, string expected)
    {
        Assert.True(WireDecimal.TryParse(text, out var value));
        Assert.Equal(expected, WireDecimal.Format(value));
    }

    [Theory]
    [InlineData("1e-3")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("NaN")]
    [InlineData("1_000")]
    [InlineData("99999999999999999999999999999999")]
    public void Anything_but_a_plain_decimal_literal_is_rejected(string text)
    {
        Assert.False(WireDecimal.TryParse(text, out _));
        var violations = new RequestViolations();
        Assert.Null(WireDecimal.ReadOptional(text, "order.quantity", violations));
        var error = Assert.Throws<RequestValidationException>(violations.ThrowIfAny);
        Assert.StartsWith("order.quantity: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Proto_enums_mirror_the_domain_enums_name_for_name()
    {
        AssertMirrors<Venue, Wire.Venue>();
        AssertMirrors<MarketType, Wire.MarketType>(("UsdMFutures", "UsdmFutures"));
        AssertMirrors<OrderSide, Wire.OrderSide>();
        AssertMirrors<OrderType, Wire.OrderType>();
        AssertMirrors<TimeInForce, Wire.TimeInForce>();
        AssertMirrors<OrderStatus, Wire.OrderStatus>();
        AssertMirrors<PositionSide, Wire.PositionSide>();
        AssertMirrors<PositionMode, Wire.PositionMode>();
        AssertMirrors<TradingState, Wire.TradingState>();
        AssertMirrors<TriggerPriceType, Wire.TriggerPriceType>();
        AssertMirrors<LiquiditySide, Wire.LiquiditySide>(("None", "Unspecified"));
    }

    [Fact]
    public void Denial_codes_go_out_by_their_stable_name()
    {
        var wire = new Denial(DenialCode.NotionalExceedsMaxPerOrder, "too big", 1000m, 5000.50m, "USDT").ToWire();
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER", wire.Code);
        Assert.Equal("1000", wire.Limit);
        Assert.Equal("5000.50", wire.WouldBe);
        Assert.Equal("USDT", wire.Unit);
    }

    private static void AssertMirrors<TDomain, TWire>(params (string Domain, string Wire)[] renames)
        where TDomain : struct, Enum
        where TWire : struct, Enum
    {
        foreach (var value in Enum.GetValues<TDomain>())
        {
            var name = value.ToString();
            var expected = renames.FirstOrDefault(r => r.Domain == name).Wire ?? name;
            var wire = (TWire)Enum.ToObject(typeof(TWire), Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected, wire.ToString());
        }
    }
}
