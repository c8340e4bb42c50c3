using Oms.Gateway.Tests.Infrastructure;
using static Oms.Gateway.Tests.Infrastructure.Orders;

namespace Oms.Gateway.Tests;

/// <summary>The risk API over real gRPC: dry-run checks, sizing, exposure and drawdown settings, equity, flatten, and the firm level.</summary>
[Collection(SiloCollection.Name)]
public sealed class RiskEngineApiTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);
    private readonly Wire.RiskService.RiskServiceClient risk = new(silo.Channel);

    private CallOptions RiskOfficer => SiloFixture.As(silo.RiskToken);
    private CallOptions Trader => SiloFixture.As(silo.TraderToken);
    private CallOptions Reader => SiloFixture.As(silo.ReaderToken);

    [Fact]
    public async Task An_order_over_the_exposure_limit_is_denied_with_its_code_and_numbers_and_reaches_no_venue()
    {
        var account = await silo.ProvisionAccountAsync("exposure");
        var policy = await risk.SetMaxExposureAsync(new Wire.SetMaxExposureRequest { AccountId = account, MaxGrossExposure = "50000" }, RiskOfficer);
        Assert.Equal("50000", policy.Limits.MaxGrossExposure);
        var spec = Limit("1.02469", "50000.00");

        var dryRun = await risk.CheckOrderAsync(new Wire.CheckOrderRequest { AccountId = account, Order = spec }, Reader);
        var submitted = await orders.SubmitOrderAsync(Submit(account, spec, "too-much"), Trader);

        Assert.False(dryRun.Passed);
        Assert.Equal("MAX_GROSS_EXPOSURE_EXCEEDED", dryRun.Denial.Code);
        Assert.Equal((50000m, 51234.5m, 51234.5m), (Dec(dryRun.Denial.Limit), Dec(dryRun.Denial.WouldBe), Dec(dryRun.After.Gross)));
        Assert.Equal(Wire.OrderStatus.Denied, submitted.Order.Status);
        Assert.Equal(("MAX_GROSS_EXPOSURE_EXCEEDED", 50000m, 51234.5m, "USDT"),
            (submitted.Order.Denial.Code, Dec(submitted.Order.Denial.Limit), Dec(submitted.Order.Denial.WouldBe), submitted.Order.Denial.Unit));
        Assert.Contains("gross exposure would be 51234.5 USDT with this order (now 0 USDT), above the maximum 50000 USDT", submitted.Order.Denial.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
        // In the order history too.
        var history = await orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = "too-much" }, Reader);
        Assert.Equal("MAX_GROSS_EXPOSURE_EXCEEDED", history.Denial.Code);
    }

    [Fact]
    public async Task A_position_size_is_clamped_to_the_limits_and_names_the_binding_one()
    {
        var account = await silo.ProvisionAccountAsync("sizing");
        var limits = new Wire.RiskLimits { MaxPositionQuantity = "0.5" };
        await risk.SetLimitsAsync(new Wire.SetLimitsRequest { AccountId = account, Limits = limits }, RiskOfficer);

        var size = await risk.CalculatePositionSizeAsync(new Wire.CalculatePositionSizeRequest
        {
            AccountId = account,
            Instrument = Instrument("BTCUSDT"),
            Side = Wire.OrderSide.Buy,
            Method = Wire.SizingMethod.FixedNotional,
            Notional = "60000",
            EntryPrice = "50000",
        }, Reader);
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await risk.CalculatePositionSizeAsync(new Wire.CalculatePositionSizeRequest
        {
            AccountId = account, Instrument = Instrument("BTCUSDT"), Side = Wire.OrderSide.Buy, Method = Wire.SizingMethod.FixedFractional, RiskPercent = "1",
        }, Reader));

        Assert.Equal((0.5m, 1.2m, "MAX_POSITION_EXCEEDED"), (Dec(size.Quantity), Dec(size.RawQuantity), size.BindingConstraint));
        Assert.Equal("0.5", size.BindingDenial.Limit);
        Assert.Equal(Dec("0.5"), Dec(size.Order.Quantity));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("stop_price", invalid.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drawdown_settings_stop_loss_and_the_new_limit_fields_round_trip_and_equity_is_reported()
    {
        var account = await silo.ProvisionAccountAsync("drawdown", MarketType.UsdMFutures);
        var limits = new Wire.RiskLimits
        {
            MaxOrderNotional = "100000",
            Leverage = "10",
            FeeEstimatePercent = "0.05",
            Instruments = { new Wire.InstrumentRiskLimits { Instrument = Instrument("BTCUSDT", Wire.MarketType.UsdmFutures), MaxPositionQuantity = "2" } },
            Strategies = { new Wire.StrategyRiskLimits { Tag = "alpha", MaxOpenOrders = 3, MaxGrossExposure = "20000" } },
        };
        await risk.SetLimitsAsync(new Wire.SetLimitsRequest { AccountId = account, Limits = limits }, RiskOfficer);
        await risk.SetMaxDrawdownAsync(new Wire.SetMaxDrawdownRequest
        {
            AccountId = account, MaxDrawdownPercent = "10", MaxDailyLoss = "1000", BreachAction = Wire.TradingState.Reducing, CancelOrdersOnBreach = true,
        }, RiskOfficer);
        var withStop = await risk.SetStopLossAsync(new Wire.SetStopLossRequest
        {
            AccountId = account,
            Policy = new Wire.StopLossPolicy { Kind = Wire.StopDistanceKind.Percent, Distance = "2", TriggerPrice = Wire.TriggerPriceType.MarkPrice },
        }, RiskOfficer);
        await silo.Grains.GetAccount(new AccountId(account)).ApplyVenueEventsAsync([new VenueBalanceUpdate
        {
            Account = new AccountId(account), Timestamp = DateTimeOffset.UtcNow, IsSnapshot = true, Balances = [new VenueBalance("USDT", 10000m, 0m)],
        }]);

        var read = await risk.GetRiskPolicyAsync(new Wire.GetRiskPolicyRequest { AccountId = account }, Reader);
        var equity = await risk.GetEquityAsync(new Wire.GetEquityRequest { AccountId = account }, Reader);

        Assert.Equal(withStop.Version, read.Version);
        Assert.Equal(("10", "1000", Wire.TradingState.Reducing, true), (read.Limits.MaxDrawdownPercent, read.Limits.MaxDailyLoss, read.Limits.BreachAction, read.Limits.CancelOrdersOnBreach));
        Assert.Equal(("100000", "10", "0.05"), (read.Limits.MaxOrderNotional, read.Limits.Leverage, read.Limits.FeeEstimatePercent));
        Assert.Equal("2", Assert.Single(read.Limits.Instruments).MaxPositionQuantity);
        Assert.Equal((3, "20000"), (Assert.Single(read.Limits.Strategies).MaxOpenOrders, read.Limits.Strategies[0].MaxGrossExposure));
        Assert.Equal((Wire.StopDistanceKind.Percent, "2", Wire.TriggerPriceType.MarkPrice), (read.Limits.StopLoss.Kind, read.Limits.StopLoss.Distance, read.Limits.StopLoss.TriggerPrice));
        Assert.Equal((10000m, 10000m, 0m, "USDT"), (Dec(equity.Equity), Dec(equity.HighWaterMark), Dec(equity.DrawdownPercent), equity.Asset));
        Assert.True(equity.PeriodicCheckActive);
        Assert.Equal(60, equity.PeriodicCheckSeconds);
        Assert.Null(equity.Breach);
        var audit = await risk.GetRiskAuditAsync(new Wire.GetRiskAuditRequest { AccountId = account }, Reader);
        Assert.Contains(audit.Entries, e => e.ChangedBy == "risk-officer" && e.NewValue.Contains("stop_loss=Percent:2%:MarkPrice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flatten_closes_the_position_with_a_market_order_and_is_refused_without_the_risk_permission()
    {
        var account = await silo.ProvisionAccountAsync("flatten");
        var bought = await orders.SubmitOrderAsync(Submit(account, Limit("0.01000", "50000.00"), "entry"), Trader);
        await WaitForOrderAsync(orders, silo.TraderToken, account, bought.Order.ClientOrderId, o => o.Status == Wire.OrderStatus.Filled);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await risk.FlattenAsync(new Wire.FlattenRequest { AccountId = account, Reason = "end of day" }, Trader));
        var flattened = await risk.FlattenAsync(new Wire.FlattenRequest { AccountId = account, Reason = "end of day" }, RiskOfficer);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var order = Assert.Single(flattened.Submitted);
        Assert.Empty(flattened.Skipped);
        Assert.Equal((Wire.OrderType.Market, Wire.OrderSide.Sell, 0.01m), (order.Spec.Type, order.Spec.Side, Dec(order.Spec.Quantity)));
        await WaitForOrderAsync(orders, silo.TraderToken, account, order.ClientOrderId, o => o.Status == Wire.OrderStatus.Filled);
        var exposure = await risk.GetExposureAsync(new Wire.GetExposureRequest { AccountId = account }, Reader);
        Assert.Equal(0m, Dec(exposure.Gross));
    }

    [Fact]
    public async Task The_firm_kill_switch_needs_risk_on_every_account_halts_all_accounts_and_is_audited()
    {
        var a = await silo.ProvisionAccountAsync("firm-a");
        var b = await silo.ProvisionAccountAsync("firm-b");

        var forbidden = await Assert.ThrowsAsync<RpcException>(async () =>
            await risk.HaltFirmAsync(new Wire.HaltFirmRequest { Reason = "drill" }, Trader));
        var halted = await risk.HaltFirmAsync(new Wire.HaltFirmRequest { Reason = "firm drill" }, RiskOfficer);
        try
        {
            Assert.Equal(StatusCode.PermissionDenied, forbidden.StatusCode);
            Assert.Equal((Wire.TradingState.Halted, "firm drill", ""), (halted.TradingState, halted.TradingStateReason, halted.AccountId));
            foreach (var account in new[] { a, b })
            {
                var denied = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000")), Trader);
                Assert.Equal("FIRM_TRADING_HALTED", denied.Order.Denial.Code);
                Assert.Contains("firm drill", denied.Order.Denial.Reason, StringComparison.Ordinal);
            }
            Assert.Equal(Wire.TradingState.Halted, (await risk.GetFirmPolicyAsync(new Wire.GetFirmPolicyRequest(), Reader)).TradingState);
        }
        finally
        {
            await risk.ResumeFirmAsync(new Wire.ResumeFirmRequest { Reason = "drill over" }, RiskOfficer);
        }
        var accepted = await orders.SubmitOrderAsync(Submit(a, Limit("0.001", "50000")), Trader);
        Assert.NotEqual(Wire.OrderStatus.Denied, accepted.Order.Status);
        var audit = await risk.GetFirmRiskAuditAsync(new Wire.GetFirmRiskAuditRequest { Limit = 2 }, Reader);
        Assert.Equal([("Halted", "firm drill"), ("Active", "drill over")], audit.Entries.Select(e => (e.NewValue, e.Reason)));
    }

    [Fact]
    public async Task A_firm_exposure_limit_is_reported_with_every_account_claim()
    {
        var account = await silo.ProvisionAccountAsync("firm-exposure");
        await risk.SetFirmLimitsAsync(new Wire.SetFirmLimitsRequest { Limits = new Wire.RiskLimits { MaxGrossExposure = "100000000" } }, RiskOfficer);
        try
        {
            var order = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "40000.00"), "claimed"), Trader);
            Assert.NotEqual(Wire.OrderStatus.Denied, order.Order.Status);
            var firm = await risk.GetFirmExposureAsync(new Wire.GetFirmExposureRequest(), Reader);
            Assert.Equal("100000000", firm.MaxGross);
            Assert.Contains(firm.Accounts, c => c.AccountId == account && Dec(c.Gross) >= 40m);
        }
        finally
        {
            await risk.SetFirmLimitsAsync(new Wire.SetFirmLimitsRequest { Limits = new Wire.RiskLimits() }, RiskOfficer);
        }
    }
}
