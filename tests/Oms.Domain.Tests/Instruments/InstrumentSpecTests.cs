using System.Globalization;
using System.Text.Json;

namespace Oms.Domain.Tests.Instruments;

/// <summary>
/// Instrument filters built from Binance's recorded spot filter samples (<c>../shared/protocol/binance/samples/spot-filters</c>):
/// every filter failure gives its denial code with the limit and the offending number.
/// </summary>
public sealed class InstrumentSpecTests
{
    /// <summary>PRICE_FILTER + LOT_SIZE + MARKET_LOT_SIZE + NOTIONAL, as a venue connector would map them.</summary>
    private static readonly InstrumentSpec Spot = FromSamples(TestIds.BtcUsdtSpot, "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL");

    /// <summary>The same with the legacy MIN_NOTIONAL filter instead of NOTIONAL.</summary>
    private static readonly InstrumentSpec SpotMinNotional = FromSamples(TestIds.BtcUsdtSpot, "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "MIN_NOTIONAL");

    [Fact]
    public void Samples_map_to_the_expected_filters()
    {
        Assert.Equal(0.000001m, Spot.TickSize);
        Assert.Equal(0.000001m, Spot.MinPrice);
        Assert.Equal(100000m, Spot.MaxPrice);
        Assert.Equal(0.001m, Spot.StepSize);
        Assert.Equal(0.001m, Spot.MinQuantity);
        Assert.Equal(100000m, Spot.MaxQuantity);
        Assert.Equal(0.001m, Spot.MarketStepSize);
        Assert.Equal(10m, Spot.MinNotional);
        Assert.Equal(10000m, Spot.MaxNotional);
        Assert.False(Spot.ApplyMinNotionalToMarket);
        Assert.False(Spot.ApplyMaxNotionalToMarket);
        Assert.Equal(0.001m, SpotMinNotional.MinNotional);
        Assert.True(SpotMinNotional.ApplyMinNotionalToMarket);
        Assert.Equal(MarketType.Spot, Spot.Market);
    }

    [Theory]
    [InlineData("30000.01", "0.01")]
    [InlineData("0.000001", "100000")]      // min price and max quantity (notional 0.1, minimum notional off)
    [InlineData("100000", "0.1")]           // max price: notional 10 000 is exactly the maximum
    [InlineData("100", "0.1")]              // notional 10 is exactly the minimum
    public void Orders_inside_every_filter_pass(string price, string quantity)
    {
        var spec = price == "0.000001" ? Spot with { MinNotional = 0m } : Spot;
        Assert.Null(spec.Check(D(price), D(quantity), isMarket: false, referencePrice: null));
    }

    [Theory]
    [InlineData("0.0000005", "1", DenialCode.PriceBelowMin, "0.000001", "0.0000005")]
    [InlineData("100000.000001", "0.001", DenialCode.PriceAboveMax, "100000", "100000.000001")]
    [InlineData("30000.0000005", "0.01", DenialCode.PriceNotOnTick, "0.000001", "30000.0000005")]
    [InlineData("100", "0.0005", DenialCode.QuantityBelowMin, "0.001", "0.0005")]
    [InlineData("0.01", "100000.001", DenialCode.QuantityAboveMax, "100000", "100000.001")]
    [InlineData("100", "0.1505", DenialCode.QuantityNotOnStep, "0.001", "0.1505")]
    [InlineData("100", "0.05", DenialCode.NotionalBelowMin, "10", "5")]
    [InlineData("100", "100.001", DenialCode.NotionalAboveMax, "10000", "10000.1")]
    public void Each_filter_failure_gives_its_code_and_numbers(string price, string quantity, DenialCode code, string limit, string wouldBe)
    {
        var denial = Spot.Check(D(price), D(quantity), isMarket: false, referencePrice: null);

        Assert.NotNull(denial);
        Assert.Equal(code, denial.Code);
        Assert.Equal(D(limit), denial.Limit);
        Assert.Equal(D(wouldBe), denial.WouldBe);
        Assert.Contains(limit, denial.Reason, StringComparison.Ordinal);
        Assert.Contains(wouldBe, denial.Reason, StringComparison.Ordinal);
        Assert.Contains("BINANCE:SPOT:BTCUSDT", denial.Reason, StringComparison.Ordinal);
        if (code is DenialCode.NotionalBelowMin or DenialCode.NotionalAboveMax)
        {
            Assert.Equal("USDT", denial.Unit);
            Assert.Contains("USDT", denial.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("-0.001", false)]
    [InlineData("0", true)]
    public void Non_positive_quantity_is_an_invalid_order(string quantity, bool isMarket)
    {
        var denial = Spot.Check(100m, D(quantity), isMarket, referencePrice: 100m);
        Assert.Equal(DenialCode.InvalidOrder, denial?.Code);
        Assert.Contains("quantity", denial!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Non_positive_price_on_a_priced_order_is_an_invalid_order(string price)
    {
        var denial = Spot.Check(D(price), 1m, isMarket: false, referencePrice: null);
        Assert.Equal(DenialCode.InvalidOrder, denial?.Code);
        Assert.Contains("price", denial!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Market_orders_ignore_the_price_and_follow_notional_apply_to_market_flags_of_the_sample()
    {
        // NOTIONAL sample: applyMinToMarket = false and applyMaxToMarket = false.
        Assert.Null(Spot.Check(0m, 0.001m, isMarket: true, referencePrice: 100m));
        Assert.Null(Spot.Check(0m, 200m, isMarket: true, referencePrice: 100m));

        // MIN_NOTIONAL sample: applyToMarket = true, valued at the reference price.
        var denial = SpotMinNotional.Check(0m, 0.001m, isMarket: true, referencePrice: 0.5m);
        Assert.Equal(DenialCode.NotionalBelowMin, denial?.Code);
        Assert.Equal(0.001m, denial!.Limit);
        Assert.Equal(0.0005m, denial.WouldBe);
        Assert.Null(SpotMinNotional.Check(0m, 0.001m, isMarket: true, referencePrice: 1m));
        // Without a reference price the notional of a market order is not checked here.
        Assert.Null(SpotMinNotional.Check(0m, 0.001m, isMarket: true, referencePrice: null));
    }

    // Bug fixed in InstrumentSpec.Check: ApplyMinNotionalToMarket used to switch the maximum off (or on) for market
    // orders as well, so Binance's separate applyMaxToMarket could not be represented.
    [Fact]
    public void Min_and_max_notional_apply_to_market_orders_independently()
    {
        var onlyMax = Spot with { ApplyMinNotionalToMarket = false, ApplyMaxNotionalToMarket = true };
        Assert.Null(onlyMax.Check(0m, 0.05m, isMarket: true, referencePrice: 100m));
        Assert.Equal(DenialCode.NotionalAboveMax, onlyMax.Check(0m, 200m, isMarket: true, referencePrice: 100m)?.Code);

        var onlyMin = Spot with { ApplyMinNotionalToMarket = true, ApplyMaxNotionalToMarket = false };
        Assert.Equal(DenialCode.NotionalBelowMin, onlyMin.Check(0m, 0.05m, isMarket: true, referencePrice: 100m)?.Code);
        Assert.Null(onlyMin.Check(0m, 200m, isMarket: true, referencePrice: 100m));

        // Limit orders always get both checks.
        Assert.Equal(DenialCode.NotionalBelowMin, Spot.Check(100m, 0.05m, isMarket: false, referencePrice: null)?.Code);
        Assert.Equal(DenialCode.NotionalAboveMax, Spot.Check(100m, 200m, isMarket: false, referencePrice: null)?.Code);
    }

    [Fact]
    public void Defaults_apply_both_notional_limits_to_market_orders()
    {
        var spec = new InstrumentSpec { Id = TestIds.BtcUsdtSpot, BaseAsset = "BTC", QuoteAsset = "USDT", MinNotional = 5m, MaxNotional = 100m };
        Assert.Null(spec.ApplyMaxNotionalToMarket);
        Assert.Equal(DenialCode.NotionalBelowMin, spec.Check(0m, 1m, isMarket: true, referencePrice: 4m)?.Code);
        Assert.Equal(DenialCode.NotionalAboveMax, spec.Check(0m, 1m, isMarket: true, referencePrice: 101m)?.Code);

        // Without its own flag the maximum follows ApplyMinNotionalToMarket, as before the flag existed.
        var minOff = spec with { ApplyMinNotionalToMarket = false };
        Assert.Null(minOff.Check(0m, 1m, isMarket: true, referencePrice: 4m));
        Assert.Null(minOff.Check(0m, 1m, isMarket: true, referencePrice: 101m));
    }

    [Theory]
    [InlineData("0.005", DenialCode.QuantityBelowMin, "0.01")]
    [InlineData("60", DenialCode.QuantityAboveMax, "50")]
    [InlineData("0.015", DenialCode.QuantityNotOnStep, "0.01")]
    public void Market_orders_use_the_market_lot_size(string quantity, DenialCode code, string limit)
    {
        var spec = Spot with { MarketStepSize = 0.01m, MarketMinQuantity = 0.01m, MarketMaxQuantity = 50m, MinNotional = 0m };

        var denial = spec.Check(0m, D(quantity), isMarket: true, referencePrice: 100m);

        Assert.Equal(code, denial?.Code);
        Assert.Equal(D(limit), denial!.Limit);
        // The same quantity on a limit order follows LOT_SIZE (0.001 .. 100 000, step 0.001) and passes.
        Assert.Null(spec.Check(100m, D(quantity), isMarket: false, referencePrice: null));
    }

    [Fact]
    public void Market_lot_size_falls_back_to_lot_size_when_absent()
    {
        var spec = Spot with { MarketStepSize = 0m, MarketMinQuantity = 0m, MarketMaxQuantity = 0m, MinNotional = 0m, MaxNotional = 0m };
        Assert.Equal(DenialCode.QuantityNotOnStep, spec.Check(0m, 0.0015m, isMarket: true, referencePrice: null)?.Code);
        Assert.Equal(DenialCode.QuantityBelowMin, spec.Check(0m, 0.0005m, isMarket: true, referencePrice: null)?.Code);
        Assert.Equal(0.001m, spec.NormalizeQuantity(0.0019m, isMarket: true));
    }

    [Fact]
    public void Contract_size_multiplies_the_notional()
    {
        var spec = new InstrumentSpec
        {
            Id = TestIds.BtcUsdtPerp, BaseAsset = "BTC", QuoteAsset = "USDT", ContractSize = 0.001m, MinNotional = 100m,
        };
        var denial = spec.Check(60000m, 1m, isMarket: false, referencePrice: null);
        Assert.Equal(DenialCode.NotionalBelowMin, denial?.Code);
        Assert.Equal(60m, denial!.WouldBe);
        Assert.Null(spec.Check(60000m, 2m, isMarket: false, referencePrice: null));
    }

    [Fact]
    public void Zero_limits_disable_their_filters()
    {
        var spec = new InstrumentSpec { Id = TestIds.BtcUsdtSpot, BaseAsset = "BTC", QuoteAsset = "USDT" };
        Assert.Null(spec.Check(123.456789m, 0.123456789m, isMarket: false, referencePrice: null));
        Assert.Equal(123.456789m, spec.NormalizePrice(123.456789m, OrderSide.Buy));
        Assert.Equal(0.123456789m, spec.NormalizeQuantity(0.123456789m, isMarket: false));
    }

    [Theory]
    [InlineData("30000.0000015", OrderSide.Buy, "30000.000001")]
    [InlineData("30000.0000015", OrderSide.Sell, "30000.000002")]
    [InlineData("30000.000001", OrderSide.Buy, "30000.000001")]
    [InlineData("30000.000001", OrderSide.Sell, "30000.000001")]
    public void Sample_price_normalisation_never_makes_a_limit_more_aggressive(string price, OrderSide side, string expected)
    {
        Assert.Equal(D(expected), Spot.NormalizePrice(D(price), side));
    }

    [Theory]
    [InlineData("0.0019", "0.001")]
    [InlineData("1.2345", "1.234")]
    [InlineData("0.0009", "0")]
    public void Sample_quantity_normalisation_rounds_down_to_the_step(string quantity, string expected)
    {
        Assert.Equal(D(expected), Spot.NormalizeQuantity(D(quantity), isMarket: false));
    }

    // Bug fixed in InstrumentSpec: normalisation rounded on a grid from zero while Check measured the tick and step from
    // the minimum, so with a minimum off the grid a normalised order was denied. Binance anchors spot grids at zero and
    // USDⓈ-M grids at the minimum; both now use the same grid.
    [Fact]
    public void Futures_grids_start_at_the_minimum_and_spot_grids_at_zero()
    {
        var futures = new InstrumentSpec
        {
            Id = TestIds.BtcUsdtPerp, BaseAsset = "BTC", QuoteAsset = "USDT", TickSize = 0.1m, MinPrice = 0.05m, StepSize = 0.01m, MinQuantity = 0.005m,
        };
        Assert.Equal(100.05m, futures.NormalizePrice(100.09m, OrderSide.Buy));
        Assert.Equal(100.15m, futures.NormalizePrice(100.09m, OrderSide.Sell));
        Assert.Equal(0.125m, futures.NormalizeQuantity(0.129m, isMarket: false));
        Assert.Null(futures.Check(100.05m, 0.125m, isMarket: false, referencePrice: null));
        Assert.Equal(DenialCode.PriceNotOnTick, futures.Check(100.1m, 0.125m, isMarket: false, referencePrice: null)?.Code);
        Assert.Equal(DenialCode.QuantityNotOnStep, futures.Check(100.05m, 0.12m, isMarket: false, referencePrice: null)?.Code);

        var spot = futures with { Id = TestIds.BtcUsdtSpot };
        Assert.Equal(100.0m, spot.NormalizePrice(100.09m, OrderSide.Buy));
        Assert.Equal(100.1m, spot.NormalizePrice(100.09m, OrderSide.Sell));
        Assert.Equal(0.12m, spot.NormalizeQuantity(0.129m, isMarket: false));
        Assert.Null(spot.Check(100.1m, 0.12m, isMarket: false, referencePrice: null));
        Assert.Equal(DenialCode.PriceNotOnTick, spot.Check(100.05m, 0.12m, isMarket: false, referencePrice: null)?.Code);
    }

    private static decimal D(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>Maps recorded Binance filter objects onto an instrument spec the way a connector would.</summary>
    private static InstrumentSpec FromSamples(InstrumentId id, params string[] filterNames)
    {
        var spec = new InstrumentSpec { Id = id, BaseAsset = "BTC", QuoteAsset = "USDT" };
        foreach (var name in filterNames)
        {
            var path = SharedFolder.PathOf("protocol", "binance", "samples", "spot-filters", name + ".json");
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var filter = document.RootElement;
            Assert.Equal(name, filter.GetProperty("filterType").GetString());
            decimal Number(string property) => D(filter.GetProperty(property).GetString()!);
            bool Flag(string property) => filter.GetProperty(property).GetBoolean();
            spec = name switch
            {
                "PRICE_FILTER" => spec with { MinPrice = Number("minPrice"), MaxPrice = Number("maxPrice"), TickSize = Number("tickSize") },
                "LOT_SIZE" => spec with { MinQuantity = Number("minQty"), MaxQuantity = Number("maxQty"), StepSize = Number("stepSize") },
                "MARKET_LOT_SIZE" => spec with { MarketMinQuantity = Number("minQty"), MarketMaxQuantity = Number("maxQty"), MarketStepSize = Number("stepSize") },
                "NOTIONAL" => spec with
                {
                    MinNotional = Number("minNotional"),
                    MaxNotional = Number("maxNotional"),
                    ApplyMinNotionalToMarket = Flag("applyMinToMarket"),
                    ApplyMaxNotionalToMarket = Flag("applyMaxToMarket"),
                },
                "MIN_NOTIONAL" => spec with { MinNotional = Number("minNotional"), ApplyMinNotionalToMarket = Flag("applyToMarket") },
                _ => throw new ArgumentOutOfRangeException(nameof(filterNames), name, "no mapping for this filter"),
            };
        }
        return spec;
    }
}
