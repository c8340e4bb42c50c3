using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

public sealed class EquityWatermarkTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 2, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_high_water_mark_rises_with_equity_and_drawdown_is_measured_from_it()
    {
        var w = EquityWatermark.Empty.Observe(10_000m, Day1).Observe(12_000m, Day1.AddMinutes(1)).Observe(10_500m, Day1.AddMinutes(2));

        Assert.Equal(12_000m, w.HighWaterMark);
        Assert.Equal(Day1.AddMinutes(1), w.HighWaterMarkAt);
        Assert.Equal(12.5m, w.DrawdownPercent);
        Assert.Equal(0m, w.DailyLoss); // the day started at 10 000
    }

    [Fact]
    public void A_new_utc_day_starts_at_its_first_observation_and_late_observations_are_ignored()
    {
        var w = EquityWatermark.Empty.Observe(10_000m, Day1).Observe(9_000m, Day1.AddHours(1));
        Assert.Equal(1_000m, w.DailyLoss);

        var nextDay = w.Observe(9_200m, Day1.AddHours(2.5)); // 00:30 UTC
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), nextDay.Day);
        Assert.Equal(9_200m, nextDay.DayStartEquity);
        Assert.Equal(0m, nextDay.DailyLoss);
        Assert.Same(nextDay, nextDay.Observe(1m, Day1.AddHours(2)));
    }

    [Fact]
    public void Breaches_are_reached_at_the_limit_with_the_numbers()
    {
        var w = EquityWatermark.Empty.Observe(10_000m, Day1).Observe(9_000m, Day1.AddMinutes(5));

        var drawdown = DrawdownRules.Evaluate(w, new RiskLimits { MaxDrawdownPercent = 10m }, "USDT");
        var daily = DrawdownRules.Evaluate(w, new RiskLimits { MaxDailyLoss = 900m }, "USDT");
        var none = DrawdownRules.Evaluate(w, new RiskLimits { MaxDrawdownPercent = 10.5m, MaxDailyLoss = 1_500m }, "USDT");

        Assert.Equal(new EquityBreach(DenialCode.MaxDrawdownReached,
            "drawdown 10% from the high-water mark 10000 USDT (equity 9000 USDT) reached the maximum 10%", 10m, 10m, "%"), drawdown);
        Assert.Equal(DenialCode.DailyLossLimitReached, daily?.Code);
        Assert.Equal(1_000m, daily?.Value);
        Assert.Contains("loss today 1000 USDT (from 10000 to 9000 USDT) reached the maximum daily loss 900 USDT", daily!.Reason, StringComparison.Ordinal);
        Assert.Null(none);
    }

    [Fact]
    public void Rebase_starts_the_watch_over_from_the_current_equity()
    {
        var w = EquityWatermark.Empty.Observe(10_000m, Day1).Observe(8_000m, Day1.AddMinutes(5)).Rebase(8_000m, Day1.AddMinutes(6));

        Assert.Equal(8_000m, w.HighWaterMark);
        Assert.Equal(0m, w.DrawdownPercent);
        Assert.Equal(0m, w.DailyLoss);
        Assert.Null(DrawdownRules.Evaluate(w, new RiskLimits { MaxDrawdownPercent = 5m, MaxDailyLoss = 100m }, "USDT"));
    }

    [Fact]
    public void Equity_values_balances_at_reference_prices_and_adds_derivatives_pnl()
    {
        var long1 = new Position();
        long1.ApplyFill(OrderSide.Buy, 1m, 60_000m);
        var flat = new Position();
        var prices = new Dictionary<string, decimal> { ["BTC"] = 59_000m };

        var equity = EquityCalculator.Compute("USDT",
            [new("USDT", 10_000m), new("BTC", 0.5m), new("DOGE", 100m)],
            asset => prices.TryGetValue(asset, out var p) ? p : null,
            [new EquityLeg(BtcPerp, long1, 58_500m, 1m), new EquityLeg(EthPerp, flat, null, 1m)],
            Day1);

        Assert.Equal(10_000m + 29_500m, equity.BalanceValue);
        Assert.Equal(-1_500m, equity.UnrealizedPnl);
        Assert.Equal(38_000m, equity.Equity);
        Assert.Equal(["DOGE"], equity.UnvaluedAssets);
        Assert.Empty(equity.UnmarkedInstruments);
        Assert.True(equity.HasBalances);
    }

    private static readonly Arbitrary<List<(int Equity, int Minutes)>> Paths =
        Gen.ListOf(from equity in Gen.Choose(1, 100_000) from minutes in Gen.Choose(0, 600) select (equity, minutes)).Select(l => l.ToList()).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property The_mark_is_the_highest_equity_seen_and_drawdown_stays_between_0_and_100() => Prop.ForAll(Paths, path =>
    {
        var w = EquityWatermark.Empty;
        var at = Day1;
        var seen = new List<decimal>();
        foreach (var (equity, minutes) in path)
        {
            at = at.AddMinutes(minutes);
            w = w.Observe(equity, at);
            seen.Add(equity);
            Assert.Equal(seen.Max(), w.HighWaterMark);
            Assert.InRange(w.DrawdownPercent, 0m, 100m);
            Assert.True(w.DailyLoss >= 0m);
            Assert.Equal(EquityWatermark.DayOf(at), w.Day);
            var breach = DrawdownRules.Evaluate(w, new RiskLimits { MaxDrawdownPercent = 20m }, "USDT");
            Assert.Equal(w.DrawdownPercent >= 20m, breach is not null);
        }
    });
}
