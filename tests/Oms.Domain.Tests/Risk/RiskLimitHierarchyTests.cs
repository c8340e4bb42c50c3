using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

public sealed class RiskLimitHierarchyTests
{
    [Fact]
    public void Per_instrument_entries_replace_the_level_value_and_the_tightest_level_wins()
    {
        var firm = new RiskLimits { MaxOrderNotional = 100_000m, MaxPositionQuantity = 10m, MaxOpenOrders = 50, MaxGrossExposure = 1_000_000m };
        var account = new RiskLimits
        {
            MaxOrderNotional = 20_000m,
            MaxPositionQuantity = 1m,
            MaxOpenOrders = 100,
            MaxGrossExposure = 200_000m,
            Instruments = [new InstrumentRiskLimits { Instrument = BtcPerp, MaxOrderNotional = 150_000m, MaxPositionQuantity = 2m }],
            Strategies = [new StrategyRiskLimits { Tag = "alpha", MaxOrderNotional = 5_000m, MaxGrossExposure = 50_000m }],
        };

        var btc = RiskLimitHierarchy.Resolve(firm, account, BtcPerp, null);
        var eth = RiskLimitHierarchy.Resolve(firm, account, EthPerp, "alpha");

        // BTC: the account's override (150k) is looser than its general 20k, but the firm's 100k still caps it.
        Assert.Equal(new LimitBound(100_000m, RiskLevel.Firm), btc.MaxOrderNotional);
        Assert.Equal(new LimitBound(2m, RiskLevel.Account), btc.MaxPositionQuantity);
        Assert.Equal(new LimitBound(50m, RiskLevel.Firm), btc.MaxOpenOrders);
        Assert.Equal(200_000m, btc.MaxGrossExposure);
        Assert.Equal(1_000_000m, btc.FirmMaxGrossExposure);
        Assert.Null(btc.Strategy);
        Assert.Equal(new LimitBound(5_000m, RiskLevel.Strategy, "alpha"), eth.MaxOrderNotional);
        Assert.Equal(new LimitBound(1m, RiskLevel.Account), eth.MaxPositionQuantity);
        Assert.Equal(50_000m, eth.Strategy?.MaxGrossExposure);
        Assert.Equal(" (strategy 'alpha' limit)", eth.MaxOrderNotional!.Value.Suffix);
        Assert.Equal(string.Empty, btc.MaxPositionQuantity!.Value.Suffix);
    }

    [Fact]
    public void Limits_with_the_same_content_are_equal_whatever_list_instances_they_hold()
    {
        RiskLimits Make() => new()
        {
            MaxGrossExposure = 1m,
            Instruments = [new InstrumentRiskLimits { Instrument = BtcPerp, MaxOrderQuantity = 2m }],
            Strategies = [new StrategyRiskLimits { Tag = "a", MaxOpenOrders = 3 }],
            StopLoss = new ProtectiveStopPolicy { Kind = StopDistanceKind.Percent, Distance = 2m },
        };

        Assert.Equal(Make(), Make());
        Assert.Equal(Make().GetHashCode(), Make().GetHashCode());
        Assert.NotEqual(Make(), Make() with { Strategies = [new StrategyRiskLimits { Tag = "a", MaxOpenOrders = 4 }] });
    }

    private static readonly Gen<decimal?> Value = Gen.Frequency((1, Gen.Constant<decimal?>(null)), (2, Gen.Choose(1, 1000).Select(v => (decimal?)v)));

    private static readonly Arbitrary<(decimal? Firm, decimal? Account, decimal? Override, decimal? Strategy)> Levels =
        (from firm in Value from account in Value from over in Value from strategy in Value select (firm, account, over, strategy)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property The_resolved_value_is_the_minimum_of_the_levels_that_set_one() => Prop.ForAll(Levels, levels =>
    {
        var firm = new RiskLimits { MaxOrderNotional = levels.Firm };
        var account = new RiskLimits
        {
            MaxOrderNotional = levels.Account,
            Instruments = levels.Override is null ? [] : [new InstrumentRiskLimits { Instrument = BtcPerp, MaxOrderNotional = levels.Override }],
            Strategies = [new StrategyRiskLimits { Tag = "s", MaxOrderNotional = levels.Strategy }],
        };
        var resolved = RiskLimitHierarchy.Resolve(firm, account, BtcPerp, "s").MaxOrderNotional;
        var candidates = new[] { levels.Firm, levels.Override ?? levels.Account, levels.Strategy }.Where(v => v is not null).Select(v => v!.Value).ToArray();
        Assert.Equal(candidates.Length == 0 ? null : candidates.Min(), resolved?.Value);
    });
}
