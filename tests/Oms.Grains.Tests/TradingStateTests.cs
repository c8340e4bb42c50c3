namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TradingStateTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Halted_denies_every_order_but_cancels_pass()
    {
        var accountId = TestAccounts.New("halt");
        var account = await _grains.Provision(accountId);
        var working = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)))).Order;
        await _venue.Ack(accountId, working);

        var policy = await _grains.GetRiskLimit(accountId).SetTradingStateAsync(TradingState.Halted, "kill switch", "ops");
        var denied = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 60000m)));
        var cancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = working.ClientOrderId });

        Assert.Equal(TradingState.Halted, policy.TradingState);
        Assert.Equal(TradingState.Halted, (await account.GetInfoAsync()).TradingState);
        Assert.Equal(DenialCode.TradingHalted, denied.Order.Denial?.Code);
        Assert.True(cancel.Accepted);
        Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));

        await _grains.GetRiskLimit(accountId).SetTradingStateAsync(TradingState.Active, "resume", "ops");
        var resumed = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.001m, 60000m)));
        Assert.Equal(OrderStatus.PendingNew, resumed.Order.Status);
    }

    [Fact]
    public async Task Reducing_accepts_only_orders_that_reduce_the_position()
    {
        var accountId = TestAccounts.New("reduce");
        var account = await _grains.Provision(accountId);
        var buy = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)))).Order;
        await _venue.Send(accountId, VenueDriver.Fill(accountId, buy, 0.01m, 60000m));
        await _grains.GetRiskLimit(accountId).SetTradingStateAsync(TradingState.Reducing, "drawdown warning", "ops");

        var increase = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)));
        var flip = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.02m, 61000m)));
        var partClose = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.006m, 61000m)));
        // 0.006 is already working to close: another 0.006 would go through zero.
        var tooMuchWithWorking = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.006m, 61000m)));
        var reduceOnly = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.006m, 61000m, reduceOnly: true)));

        Assert.Equal(DenialCode.TradingReducingOnly, increase.Order.Denial?.Code);
        Assert.Equal(DenialCode.TradingReducingOnly, flip.Order.Denial?.Code);
        Assert.Equal(OrderStatus.PendingNew, partClose.Order.Status);
        Assert.Equal(DenialCode.TradingReducingOnly, tooMuchWithWorking.Order.Denial?.Code);
        Assert.Equal(OrderStatus.PendingNew, reduceOnly.Order.Status);
    }

    [Fact]
    public async Task Reducing_on_spot_uses_the_free_base_balance()
    {
        var accountId = TestAccounts.New("reduce-spot");
        var account = await _grains.Provision(accountId);
        await _venue.Send(accountId, new VenueBalanceUpdate { Account = accountId, Timestamp = TestEnvironment.Clock.GetUtcNow(), IsSnapshot = true, Balances = [new("BTC", 0.5m, 0m), new("USDT", 10000m, 0m)] });
        await _grains.GetRiskLimit(accountId).SetTradingStateAsync(TradingState.Reducing, "wind down", "ops");

        var sell = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.5m, 60000m)));
        var oversell = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Sell, 0.50001m, 60000m)));
        var buy = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m)));

        Assert.Equal(OrderStatus.PendingNew, sell.Order.Status);
        Assert.Equal(DenialCode.TradingReducingOnly, oversell.Order.Denial?.Code);
        Assert.Equal(DenialCode.TradingReducingOnly, buy.Order.Denial?.Code);
    }

    [Fact]
    public async Task Reconciling_denies_risk_increasing_orders_until_it_ends()
    {
        var accountId = TestAccounts.New("recon");
        var account = await _grains.Provision(accountId);
        var buy = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)))).Order;
        await _venue.Send(accountId, VenueDriver.Fill(accountId, buy, 0.005m, 60000m));

        await account.BeginReconciliationAsync("user-data stream reconnected");
        var info = await account.GetInfoAsync();
        var increase = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)));
        var reduce = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.005m, 61000m)));
        var cancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = buy.ClientOrderId });
        await account.EndReconciliationAsync();
        var after = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)));

        Assert.True(info.Reconciling);
        Assert.Equal(DenialCode.AccountReconciling, increase.Order.Denial?.Code);
        Assert.Equal(OrderStatus.PendingNew, reduce.Order.Status);
        Assert.True(cancel.Accepted);
        Assert.False((await account.GetInfoAsync()).Reconciling);
        Assert.Equal(OrderStatus.PendingNew, after.Order.Status);
    }

    [Fact]
    public async Task A_limit_change_takes_effect_on_the_next_submit()
    {
        var accountId = TestAccounts.New("policy");
        var account = await _grains.Provision(accountId);
        var risk = _grains.GetRiskLimit(accountId);
        var spec = Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.03m, 60000m);

        var before = await account.SubmitOrderAsync(Specs.Submit(spec));
        var tightened = await risk.SetLimitsAsync(new RiskLimits { MaxOrderNotional = 1000m }, "risk-desk");
        var denied = await account.SubmitOrderAsync(Specs.Submit(spec));
        await risk.SetLimitsAsync(RiskLimits.None, "risk-desk");
        var after = await account.SubmitOrderAsync(Specs.Submit(spec));

        Assert.Equal(OrderStatus.PendingNew, before.Order.Status);
        Assert.Equal(1, tightened.Version);
        Assert.Equal(DenialCode.NotionalExceedsMaxPerOrder, denied.Order.Denial?.Code);
        Assert.Equal(1000m, denied.Order.Denial!.Limit);
        Assert.Equal(1800m, denied.Order.Denial.WouldBe);
        Assert.Equal(OrderStatus.PendingNew, after.Order.Status);
    }

    [Fact]
    public async Task Limits_set_before_provisioning_apply_from_the_first_order_and_stale_pushes_are_ignored()
    {
        var accountId = TestAccounts.New("early-limits");
        var risk = _grains.GetRiskLimit(accountId);
        await risk.SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.01m }, "risk-desk");
        var account = await _grains.Provision(accountId);

        var denied = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.02m, 60000m)));
        await account.ApplyRiskPolicyAsync(new RiskPolicy(RiskLimits.None, TradingState.Active, 1));
        var stillDenied = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.02m, 60000m)));

        Assert.Equal(DenialCode.QuantityExceedsMaxPerOrder, denied.Order.Denial?.Code);
        Assert.Equal(DenialCode.QuantityExceedsMaxPerOrder, stillDenied.Order.Denial?.Code);
    }

    [Fact]
    public async Task Amends_are_checked_on_their_new_terms_but_reductions_always_pass()
    {
        var accountId = TestAccounts.New("amend");
        var account = await _grains.Provision(accountId);
        var order = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.02m, 60000m)))).Order;
        await _venue.Ack(accountId, order);
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxOrderQuantity = 0.03m }, "risk-desk");

        var tooBig = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = order.ClientOrderId, NewQuantity = 0.05m });
        var offTick = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = order.ClientOrderId, NewLimitPrice = 60000.05m });
        await _grains.GetRiskLimit(accountId).SetTradingStateAsync(TradingState.Halted, "stop", "ops");
        var reprice = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = order.ClientOrderId, NewLimitPrice = 59000m });
        var shrink = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = order.ClientOrderId, NewQuantity = 0.01m });

        Assert.Equal(DenialCode.QuantityExceedsMaxPerOrder, tooBig.Denial?.Code);
        Assert.StartsWith($"amend of order {order.ClientOrderId} refused", tooBig.Denial!.Reason, StringComparison.Ordinal);
        Assert.Equal(DenialCode.PriceNotOnTick, offTick.Denial?.Code);
        Assert.Equal(DenialCode.TradingHalted, reprice.Denial?.Code);
        Assert.True(shrink.Accepted);
        Assert.Equal(OrderStatus.PendingReplace, shrink.Order!.Status);
        var amend = Assert.Single(TestEnvironment.Venue.Commands<AmendOrderCommand>(accountId));
        Assert.Equal(0.01m, amend.NewQuantity);
    }
}
