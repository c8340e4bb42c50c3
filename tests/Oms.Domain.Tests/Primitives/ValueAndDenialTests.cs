using System.Text.RegularExpressions;

namespace Oms.Domain.Tests.Primitives;

/// <summary>Price, Quantity and Money values; denial codes and their stable wire names.</summary>
public sealed partial class ValueAndDenialTests
{
    [Theory]
    [InlineData(DenialCode.NotionalExceedsMaxPerOrder, "NOTIONAL_EXCEEDS_MAX_PER_ORDER")]
    [InlineData(DenialCode.TradingHalted, "TRADING_HALTED")]
    [InlineData(DenialCode.RateLimitExceeded, "RATE_LIMIT_EXCEEDED")]
    [InlineData(DenialCode.PriceNotOnTick, "PRICE_NOT_ON_TICK")]
    [InlineData(DenialCode.ReduceOnlyWouldIncrease, "REDUCE_ONLY_WOULD_INCREASE")]
    [InlineData(DenialCode.FirmMaxGrossExposureExceeded, "FIRM_MAX_GROSS_EXPOSURE_EXCEEDED")]
    [InlineData(DenialCode.Unspecified, "UNSPECIFIED")]
    public void Denial_code_names_are_screaming_snake_case(DenialCode code, string name)
    {
        Assert.Equal(name, code.Name());
    }

    [Fact]
    public void Every_denial_code_has_a_distinct_well_formed_name()
    {
        var names = Enum.GetValues<DenialCode>().Select(c => c.Name()).ToList();
        Assert.All(names, n => Assert.Matches(WireName(), n));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        // Reading the name back (PascalCase without underscores) gives the same code.
        Assert.All(Enum.GetValues<DenialCode>(), c =>
            Assert.Equal(c, Enum.Parse<DenialCode>(c.Name().Replace("_", "", StringComparison.Ordinal), ignoreCase: true)));
    }

    [Fact]
    public void Denial_codes_keep_their_numbers()
    {
        // Persisted and on the wire: a renumbering must fail here.
        Assert.Equal(1, (int)DenialCode.InvalidOrder);
        Assert.Equal(11, (int)DenialCode.DuplicateClientOrderId);
        Assert.Equal(20, (int)DenialCode.NotionalExceedsMaxPerOrder);
        Assert.Equal(35, (int)DenialCode.DailyLossLimitReached);
        Assert.Equal(40, (int)DenialCode.TradingHalted);
        Assert.Equal(44, (int)DenialCode.RateLimitExceeded);
        Assert.Equal(49, (int)DenialCode.OrderNotAmendable);
    }

    [Fact]
    public void Denial_prints_its_wire_name_and_reason()
    {
        var denial = new Denial(DenialCode.NotionalExceedsMaxPerOrder, "notional 60000 USDT is above 50000 USDT", 50000m, 60000m, "USDT");
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER: notional 60000 USDT is above 50000 USDT", denial.ToString());
        Assert.Equal(50000m, denial.Limit);
        Assert.Equal(60000m, denial.WouldBe);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("-1")]
    public void Negative_price_and_quantity_are_refused(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DomainErrorCode.InvalidPrice, Assert.Throws<DomainException>(() => new Price(value)).Code);
        Assert.Equal(DomainErrorCode.InvalidQuantity, Assert.Throws<DomainException>(() => new Quantity(value)).Code);
        Assert.Throws<DomainException>(() => Price.Parse(text));
        Assert.Throws<DomainException>(() => Quantity.Parse(text));
    }

    [Fact]
    public void Price_and_quantity_parse_and_print_invariantly_and_compare_by_value()
    {
        Assert.Equal(30000.01m, Price.Parse("30000.01").Value);
        Assert.Equal("30000.01", Price.Parse("30000.01").ToString());
        Assert.Equal("0.00100000", Quantity.Parse("0.00100000").ToString());
        Assert.Equal(Quantity.Parse("0.001"), Quantity.Parse("0.00100000"));
        Assert.True(Price.Zero.IsZero);
        Assert.True(Quantity.Zero.IsZero);
        Assert.True(new Price(1m) < new Price(2m));
        Assert.True(new Price(2m) >= new Price(2.0m));
        Assert.Equal(-1, new Price(1m).CompareTo(new Price(1.5m)));
    }

    [Fact]
    public void Quantity_arithmetic_never_goes_negative()
    {
        var a = new Quantity(0.3m);
        var b = new Quantity(0.2m);
        Assert.Equal(new Quantity(0.5m), a + b);
        Assert.Equal(new Quantity(0.1m), a - b);
        Assert.Equal(b, Quantity.Min(a, b));
        Assert.Equal(DomainErrorCode.InvalidQuantity, Assert.Throws<DomainException>(() => b - a).Code);
    }

    [Fact]
    public void Money_prints_amount_and_asset()
    {
        Assert.Equal("-12.5 USDT", new Money(-12.5m, "USDT").ToString());
    }

    [Fact]
    public void Fill_validation_names_the_problem()
    {
        var order = OrderFactory.Submitted();
        var fill = OrderFactory.FillFor(order, 0.5m, 100m, fee: 0.05m, feeAsset: "USDT");

        Assert.Null(fill.Validate());
        Assert.Equal(50m, fill.Notional);
        Assert.Equal(new FillKey(order.Instrument, fill.TradeId), fill.Key);
        Assert.Contains("quantity", (fill with { Quantity = 0m }).Validate(), StringComparison.Ordinal);
        Assert.Contains("price", (fill with { Price = -1m }).Validate(), StringComparison.Ordinal);
        Assert.Contains("fee asset", (fill with { FeeAsset = "" }).Validate(), StringComparison.Ordinal);
        Assert.Contains("trade id", (fill with { TradeId = new TradeId("") }).Validate(), StringComparison.Ordinal);
        Assert.Null((fill with { Fee = -0.01m }).Validate()); // a maker rebate is a negative fee
    }

    [GeneratedRegex("^[A-Z]+(_[A-Z]+)*$")]
    private static partial Regex WireName();
}
