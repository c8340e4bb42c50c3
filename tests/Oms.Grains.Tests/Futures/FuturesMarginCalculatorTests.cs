using Oms.Grains.Futures;

namespace Oms.Grains.Tests.Futures;

public sealed class FuturesMarginCalculatorTests
{
    private static readonly InstrumentId Btc = TestInstruments.BtcPerp;
    private static readonly InstrumentId Eth = new(Venue.Binance, MarketType.UsdMFutures, "ETHUSDT");

    // Binance's BTCUSDT tiers (first three): 0.4 % below 50k, 0.5 % − 50 up to 600k, 0.65 % − 950 above.
    private static readonly IReadOnlyList<MaintenanceBracket> Brackets =
    [
        new() { NotionalFloor = 0m, NotionalCap = 50_000m, MaintenanceMarginRate = 0.004m, Cumulative = 0m, InitialLeverage = 125 },
        new() { NotionalFloor = 50_000m, NotionalCap = 600_000m, MaintenanceMarginRate = 0.005m, Cumulative = 50m, InitialLeverage = 100 },
        new() { NotionalFloor = 600_000m, NotionalCap = 3_000_000m, MaintenanceMarginRate = 0.0065m, Cumulative = 950m, InitialLeverage = 75 },
    ];

    [Theory]
    [InlineData("10000", "40", "0.004")]
    [InlineData("49999.99", "199.99996", "0.004")]
    [InlineData("50000", "200", "0.005")]
    [InlineData("100000", "450", "0.005")]
    [InlineData("700000", "3600", "0.0065")]
    [InlineData("5000000", "31550", "0.0065")]
    public void Maintenance_margin_uses_the_bracket_that_holds_the_notional(string notional, string expected, string rate)
    {
        var (margin, used) = FuturesMarginCalculator.MaintenanceMargin(Brackets, D(notional));
        Assert.Equal(D(expected), margin);
        Assert.Equal(D(rate), used);
    }

    [Fact]
    public void Without_brackets_or_notional_there_is_no_maintenance_margin()
    {
        Assert.Equal((0m, 0m), FuturesMarginCalculator.MaintenanceMargin([], 10_000m));
        Assert.Equal((0m, 0m), FuturesMarginCalculator.MaintenanceMargin(Brackets, 0m));
    }

    [Fact]
    public void The_ratio_is_maintenance_over_wallet_plus_unrealized_with_stream_marks_first()
    {
        var inputs = Inputs(1_000m,
            new MarginPositionInput { Instrument = Btc, PositionSide = PositionSide.Both, Quantity = 0.5m, EntryPrice = 60_000m, MarkPrice = 59_000m },
            new MarginPositionInput { Instrument = Eth, PositionSide = PositionSide.Short, Quantity = -2m, EntryPrice = 3_000m, MarkPrice = 3_100m });
        // BTC marked by the stream at 59,500 (preferred over the venue's 59,000); ETH has no stream price.
        var result = FuturesMarginCalculator.Compute(inputs, i => i == Btc ? 59_500m : null);

        var btc = result.Positions.Single(p => p.Instrument == Btc);
        Assert.Equal("stream", btc.MarkSource);
        Assert.Equal(29_750m, btc.Notional);
        Assert.Equal(-250m, btc.UnrealizedPnl);
        Assert.Equal(119m, btc.MaintenanceMargin);
        var eth = result.Positions.Single(p => p.Instrument == Eth);
        Assert.Equal("venue", eth.MarkSource);
        Assert.Equal(-200m, eth.UnrealizedPnl);
        Assert.Equal(24.8m, eth.MaintenanceMargin);

        Assert.Equal(-450m, result.UnrealizedPnl);
        Assert.Equal(550m, result.MarginBalance);
        Assert.Equal(143.8m, result.MaintenanceMargin);
        Assert.Equal(143.8m / 550m, result.MarginRatio);
        Assert.False(result.IsAtOrAbove(0.8m));
        Assert.True(result.IsAtOrAbove(0.25m));
    }

    [Fact]
    public void A_margin_balance_at_or_below_zero_has_no_ratio_and_counts_as_above_any_threshold()
    {
        var inputs = Inputs(100m, new MarginPositionInput { Instrument = Btc, PositionSide = PositionSide.Both, Quantity = 1m, EntryPrice = 60_000m, MarkPrice = 59_800m });
        var result = FuturesMarginCalculator.Compute(inputs, _ => null);
        Assert.Equal(-100m, result.MarginBalance);
        Assert.Null(result.MarginRatio);
        Assert.True(result.IsAtOrAbove(1m));
    }

    [Fact]
    public void Flat_accounts_have_no_ratio_and_are_never_above()
    {
        var result = FuturesMarginCalculator.Compute(Inputs(500m, new MarginPositionInput
        {
            Instrument = Btc, PositionSide = PositionSide.Both, Quantity = 0m, EntryPrice = 0m,
        }), _ => 60_000m);
        Assert.Empty(result.Positions);
        Assert.Null(result.MarginRatio);
        Assert.False(result.IsAtOrAbove(0.01m));
        Assert.Equal(500m, result.MarginBalance);
    }

    [Fact]
    public void Options_are_validated_with_the_setting_named()
    {
        Assert.Empty(new FuturesMonitorOptions().Validate());
        var errors = new FuturesMonitorOptions { MarginAlertThreshold = 1.5m, MarginInterval = TimeSpan.Zero, IncomeLookback = TimeSpan.FromDays(100) }.Validate();
        Assert.Contains(errors, e => e.Contains(nameof(FuturesMonitorOptions.MarginAlertThreshold), StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(nameof(FuturesMonitorOptions.MarginInterval), StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(nameof(FuturesMonitorOptions.IncomeLookback), StringComparison.Ordinal));
    }

    private static DerivativesMarginInputs Inputs(decimal wallet, params MarginPositionInput[] positions) => new()
    {
        Asset = "USDT",
        WalletBalance = wallet,
        Positions = positions,
        Brackets = new Dictionary<InstrumentId, IReadOnlyList<MaintenanceBracket>> { [Btc] = Brackets, [Eth] = Brackets },
        ReadAt = TestEnvironment.Start,
    };

    private static decimal D(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
