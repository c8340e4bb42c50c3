namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RiskLimitGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Every_change_is_audited_with_who_when_old_new_and_why()
    {
        var accountId = TestAccounts.New("audit");
        await _grains.Provision(accountId);
        var risk = _grains.GetRiskLimit(accountId);
        var t0 = TestEnvironment.Clock.GetUtcNow();

        await risk.SetLimitsAsync(new RiskLimits { MaxOrderNotional = 50000m, MaxOpenOrders = 20 }, "alice");
        TestEnvironment.Clock.Advance(TimeSpan.FromMinutes(1));
        await risk.SetTradingStateAsync(TradingState.Halted, "drawdown 12% > 10%", "bob");
        // No-ops change nothing and are not audited.
        await risk.SetTradingStateAsync(TradingState.Halted, "again", "bob");
        await risk.SetLimitsAsync(new RiskLimits { MaxOrderNotional = 50000m, MaxOpenOrders = 20 }, "alice");
        var policy = await risk.SetTradingStateAsync(TradingState.Active, "reviewed", "carol");

        var audit = await risk.GetAuditAsync(10);
        Assert.Equal(3, policy.Version);
        Assert.Collection(audit,
            e => Assert.Equal(new RiskAuditEntry(t0, "alice", "limits", "none", "max_order_notional=50000, max_open_orders=20", null), e),
            e => Assert.Equal(new RiskAuditEntry(t0.AddMinutes(1), "bob", "trading_state", "Active", "Halted", "drawdown 12% > 10%"), e),
            e => Assert.Equal(new RiskAuditEntry(t0.AddMinutes(1), "carol", "trading_state", "Halted", "Active", "reviewed"), e));
        Assert.Equal(audit.TakeLast(2), await risk.GetAuditAsync(2));
        Assert.Equal(policy, await risk.GetPolicyAsync());
    }

    [Fact]
    public async Task Invalid_limits_and_anonymous_changes_are_refused()
    {
        var risk = _grains.GetRiskLimit(TestAccounts.New("bad-limits"));

        var negative = await Assert.ThrowsAsync<ArgumentException>(() => risk.SetLimitsAsync(new RiskLimits { MaxOrderNotional = -1m, PriceBandPercent = 150m }, "alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => risk.SetTradingStateAsync(TradingState.Halted, "x", " "));
        await Assert.ThrowsAsync<ArgumentException>(() => risk.SetTradingStateAsync((TradingState)42, "x", "alice"));

        Assert.Contains("max_order_notional must be positive", negative.Message, StringComparison.Ordinal);
        Assert.Contains("price_band_percent must be in (0, 100]", negative.Message, StringComparison.Ordinal);
        Assert.Equal(RiskPolicy.Default, await risk.GetPolicyAsync());
        Assert.Empty(await risk.GetAuditAsync(10));
    }

    [Fact]
    public async Task The_firm_grain_keeps_firm_wide_limits_without_an_account()
    {
        var firm = _grains.GetGrain<IRiskLimitGrain>(GrainKeys.Firm);
        var before = await firm.GetPolicyAsync();

        var policy = await firm.SetLimitsAsync(new RiskLimits { MaxGrossExposure = 5_000_000m + before.Version }, "cro");

        Assert.Equal(before.Version + 1, policy.Version);
        Assert.Equal("cro", (await firm.GetAuditAsync(1))[0].ChangedBy);
    }

    [Fact]
    public async Task Risk_state_survives_deactivation()
    {
        var accountId = TestAccounts.New("risk-persist");
        var risk = _grains.GetRiskLimit(accountId);
        var policy = await risk.SetLimitsAsync(new RiskLimits { MaxOrdersPerSecond = 7 }, "alice");

        await fixture.Cluster.DeactivateAsync(risk);

        Assert.Equal(policy, await risk.GetPolicyAsync());
        Assert.Single(await risk.GetAuditAsync(10));
    }
}
