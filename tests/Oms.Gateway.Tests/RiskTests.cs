using Oms.Gateway.Tests.Infrastructure;
using static Oms.Gateway.Tests.Infrastructure.Orders;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class RiskTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);
    private readonly Wire.RiskService.RiskServiceClient risk = new(silo.Channel);

    [Fact]
    public async Task A_risk_denial_is_a_denied_order_carrying_its_code_and_numbers()
    {
        var account = await silo.ProvisionAccountAsync("deny");
        var policy = await risk.SetLimitsAsync(new Wire.SetLimitsRequest
        {
            AccountId = account,
            Limits = new Wire.RiskLimits { MaxOrderNotional = "1000" },
        }, SiloFixture.As(silo.RiskToken));
        Assert.Equal(1000m, Dec(policy.Limits.MaxOrderNotional));

        var response = await orders.SubmitOrderAsync(Submit(account, Limit("0.10000", "50000.00"), "too-big"), SiloFixture.As(silo.TraderToken));

        Assert.Equal(Wire.OrderStatus.Denied, response.Order.Status);
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER", response.Order.Denial.Code);
        Assert.Equal(1000m, Dec(response.Order.Denial.Limit));
        Assert.Equal(5000m, Dec(response.Order.Denial.WouldBe));
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }

    [Fact]
    public async Task An_instrument_filter_failure_is_a_denial()
    {
        var account = await silo.ProvisionAccountAsync("tick");
        var response = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000.005"), "off-tick"), SiloFixture.As(silo.TraderToken));
        Assert.Equal(Wire.OrderStatus.Denied, response.Order.Status);
        Assert.Equal("PRICE_NOT_ON_TICK", response.Order.Denial.Code);
    }

    [Fact]
    public async Task Halt_denies_new_orders_until_resume_and_both_are_audited()
    {
        var account = await silo.ProvisionAccountAsync("halt");
        var halted = await risk.HaltAsync(new Wire.HaltRequest { AccountId = account, Reason = "desk closed" }, SiloFixture.As(silo.RiskToken));
        Assert.Equal(Wire.TradingState.Halted, halted.TradingState);

        var denied = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), "while-halted"), SiloFixture.As(silo.TraderToken));
        Assert.Equal(Wire.OrderStatus.Denied, denied.Order.Status);
        Assert.Equal("TRADING_HALTED", denied.Order.Denial.Code);

        var resumed = await risk.ResumeAsync(new Wire.ResumeRequest { AccountId = account, Reason = "desk open" }, SiloFixture.As(silo.RiskToken));
        Assert.Equal(Wire.TradingState.Active, resumed.TradingState);
        Assert.True(resumed.Version > halted.Version);
        var accepted = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), "after-resume"), SiloFixture.As(silo.TraderToken));
        Assert.NotEqual(Wire.OrderStatus.Denied, accepted.Order.Status);

        var audit = await risk.GetRiskAuditAsync(new Wire.GetRiskAuditRequest { AccountId = account }, SiloFixture.As(silo.ReaderToken));
        Assert.Contains(audit.Entries, e => e.ChangedBy == "risk-officer" && e.Reason == "desk closed");
        Assert.Contains(audit.Entries, e => e.ChangedBy == "risk-officer" && e.Reason == "desk open");
        var read = await risk.GetRiskPolicyAsync(new Wire.GetRiskPolicyRequest { AccountId = account }, SiloFixture.As(silo.ReaderToken));
        Assert.Equal(resumed.Version, read.Version);
    }

    [Fact]
    public async Task Malformed_limits_are_invalid_arguments_naming_the_field()
    {
        var account = await silo.ProvisionAccountAsync("limits");
        var error = await Assert.ThrowsAsync<RpcException>(async () => await risk.SetLimitsAsync(new Wire.SetLimitsRequest
        {
            AccountId = account,
            Limits = new Wire.RiskLimits { MaxDrawdownPercent = "ten" },
        }, SiloFixture.As(silo.RiskToken)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("limits.max_drawdown_percent:", error.Status.Detail, StringComparison.Ordinal);
    }
}
