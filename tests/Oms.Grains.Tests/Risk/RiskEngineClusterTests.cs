using static Oms.Grains.Tests.Infrastructure.TestInstruments;

namespace Oms.Grains.Tests.Risk;

/// <summary>
/// The risk engine on a running cluster: limits raced by concurrent submits (one account, and two accounts against a
/// firm limit), the kill switch, limits changed while orders flow, the drawdown halt by the reminder alone, automatic
/// stop-loss, dry-run checks, sizing and balances.
/// </summary>
[Collection(RiskClusterCollection.Name)]
public sealed class RiskEngineClusterTests(RiskClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly RiskDriver _d = new(fixture.Grains);

    private static OrderSpec Buy(decimal quantity, decimal price) => Specs.Limit(BtcPerp, OrderSide.Buy, quantity, price);

    private static void AssertDenied(SubmitOrderResult result, DenialCode code, decimal? limit = null, decimal? wouldBe = null, string? reason = null)
    {
        Assert.Equal(OrderStatus.Denied, result.Order.Status);
        var denial = Assert.IsType<Denial>(result.Order.Denial);
        Assert.Equal(code, denial.Code);
        if (limit is not null) Assert.Equal(limit, denial.Limit);
        if (wouldBe is not null) Assert.Equal(wouldBe, denial.WouldBe);
        if (reason is not null) Assert.Contains(reason, denial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_submits_never_jointly_pass_an_account_exposure_limit()
    {
        var (id, account) = await _d.NewAccountAsync("race-acct");
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        await _d.SetLimitsAsync(id, new RiskLimits { MaxGrossExposure = 50000m });

        // 20 orders of 6000 USDT at once: the single-writer account lets exactly 8 through (48000 ≤ 50000 < 54000).
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => account.SubmitOrderAsync(Specs.Submit(Buy(0.1m, 60000m)))));

        Assert.Equal(8, results.Count(r => r.Order.Status == OrderStatus.PendingNew));
        Assert.All(results.Where(r => r.Order.Status == OrderStatus.Denied),
            r => AssertDenied(r, DenialCode.MaxGrossExposureExceeded, 50000m, 54000m, "account gross exposure would be 54000 USDT with this order (now 48000 USDT)"));
        Assert.Equal(8, RiskEnvironment.Venue.Commands<PlaceOrderCommand>(id).Count);
        Assert.Equal(48000m, (await _grains.GetAccountRisk(id).GetExposureAsync()).Gross);
        // The denials are in the order history with their code and numbers.
        var denied = await account.ListOrdersAsync(new OrderQuery());
        Assert.Equal(12, denied.Count(o => o.Denial?.Code == DenialCode.MaxGrossExposureExceeded && o.Denial.WouldBe == 54000m));
    }

    [Fact]
    public async Task Two_accounts_racing_one_firm_limit_never_jointly_pass_it()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (a, accountA) = await _d.NewAccountAsync("firm-a");
        var (b, accountB) = await _d.NewAccountAsync("firm-b");
        var firmRisk = _grains.GetFirmRisk();

        // Other tests' accounts are firm members too: measure what they hold, then allow 50 000 on top of it.
        await using (await _d.FirmLimitsAsync(new RiskLimits { MaxGrossExposure = 1_000_000_000m }))
        {
            var settled = await Eventually.Until(firmRisk.GetExposureAsync, v => v.Accounts.Count == v.MemberCount, "every member to report its exposure");
            var baseline = settled.Gross;
            await using var firm = await _d.FirmLimitsAsync(new RiskLimits { MaxGrossExposure = baseline + 50000m });

            var submits = Enumerable.Range(0, 10).SelectMany(_ => new[] { accountA, accountB })
                .Select(account => account.SubmitOrderAsync(Specs.Submit(Buy(0.1m, 60000m))));
            var results = await Task.WhenAll(submits);

            Assert.Equal(8, results.Count(r => r.Order.Status == OrderStatus.PendingNew));
            Assert.All(results.Where(r => r.Order.Status == OrderStatus.Denied),
                r => AssertDenied(r, DenialCode.FirmMaxGrossExposureExceeded, baseline + 50000m, baseline + 54000m, "firm gross exposure would be"));
            var placed = RiskEnvironment.Venue.Commands<PlaceOrderCommand>(a).Count + RiskEnvironment.Venue.Commands<PlaceOrderCommand>(b).Count;
            Assert.Equal(8, placed);
            var view = await firmRisk.GetExposureAsync();
            Assert.Equal(baseline + 48000m, view.Gross);
            Assert.Equal(48000m, view.Accounts.Where(c => c.Account == a || c.Account == b).Sum(c => c.Gross));
        }
    }

    [Fact]
    public async Task The_firm_kill_switch_halts_every_account_and_cancels_still_pass()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (a, accountA) = await _d.NewAccountAsync("firm-kill-a");
        var (_, accountB) = await _d.NewAccountAsync("firm-kill-b");
        var working = (await accountA.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 59000m)))).Order;
        var firm = _grains.GetFirmRiskLimit();

        var halted = await firm.SetTradingStateAsync(TradingState.Halted, "firm kill switch drill", "cro");
        try
        {
            Assert.Equal(TradingState.Halted, halted.TradingState);
            AssertDenied(await accountA.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 59000m))), DenialCode.FirmTradingHalted, reason: "(firm kill switch drill)");
            AssertDenied(await accountB.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 59000m))), DenialCode.FirmTradingHalted);
            Assert.True((await accountA.CancelOrderAsync(new CancelOrder { ClientOrderId = working.ClientOrderId })).Accepted);
            Assert.Contains(RiskEnvironment.Venue.Commands<CancelOrderCommand>(a), c => c.ClientOrderId == working.ClientOrderId);
        }
        finally
        {
            await firm.SetTradingStateAsync(TradingState.Active, "drill over", "cro");
        }
        Assert.Equal(OrderStatus.PendingNew, (await accountB.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 59000m)))).Order.Status);
        var audit = await firm.GetAuditAsync(2);
        Assert.Equal([("Active", "Halted", "firm kill switch drill"), ("Halted", "Active", "drill over")], audit.Select(e => (e.OldValue, e.NewValue, e.Reason)));
    }

    [Fact]
    public async Task A_limit_change_applies_to_every_order_submitted_after_it_returned_while_orders_flow()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("flow");
        var changed = 0;
        var afterChange = new List<SubmitOrderResult>();
        var accepted = 0;
        using var stop = new CancellationTokenSource();

        var flow = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var startedAfterChange = Volatile.Read(ref changed) == 1;
                var result = await account.SubmitOrderAsync(Specs.Submit(Buy(0.1m, 60000m)));
                if (result.Order.Status == OrderStatus.PendingNew) Interlocked.Increment(ref accepted);
                if (startedAfterChange)
                {
                    lock (afterChange) afterChange.Add(result);
                    if (afterChange.Count >= 10) return;
                }
            }
        });
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref accepted)), n => n >= 5, "orders to flow");
        await _d.SetLimitsAsync(id, new RiskLimits { MaxOrderNotional = 5000m });
        Volatile.Write(ref changed, 1);
        await flow.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();

        Assert.Equal(10, afterChange.Count);
        Assert.All(afterChange, r => AssertDenied(r, DenialCode.NotionalExceedsMaxPerOrder, 5000m, 6000m));
    }

    [Fact]
    public async Task The_reminder_alone_halts_an_account_whose_position_loses_while_nothing_trades_then_cancels_and_flattens()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("dd-reminder");
        var risk = _grains.GetRiskLimit(id);
        await _d.BalancesAsync(id, new VenueBalance("USDT", 10000m, 0m));
        await _d.SetLimitsAsync(id, new RiskLimits { MaxDrawdownPercent = 10m, CancelOrdersOnBreach = true, FlattenOnBreach = true, Leverage = 10m });
        await _d.FilledAsync(id, Buy(1m, 60000m));
        var resting = (await account.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 55000m)))).Order;
        Assert.Equal(TradingState.Active, (await risk.GetPolicyAsync()).TradingState);

        // The price falls 2.5 %: 1 BTC loses 1500 of 10000 equity (15 % drawdown). No fill, no order, no call: only the reminder looks.
        RiskEnvironment.Prices.Set(BtcPerp, 58500m);
        var policy = await Eventually.Until(risk.GetPolicyAsync, p => p.TradingState == TradingState.Halted, "the equity reminder to halt the account", TimeSpan.FromSeconds(60));

        Assert.StartsWith("MAX_DRAWDOWN_REACHED: drawdown 15% from the high-water mark 10000 USDT (equity 8500 USDT)", policy.TradingStateReason, StringComparison.Ordinal);
        var entry = (await risk.GetAuditAsync(1)).Single();
        Assert.Equal((RiskLimitGrain.RiskEngine, "trading_state", "Active", "Halted"), (entry.ChangedBy, entry.Setting, entry.OldValue, entry.NewValue));
        Assert.EndsWith("(found by reminder)", entry.Reason, StringComparison.Ordinal);
        // Cancel-all and flatten (a reduce-only market sell of the whole position) reached the venue.
        await Eventually.Until(() => Task.FromResult(RiskEnvironment.Venue.Commands<CancelOrderCommand>(id)), c => c.Any(x => x.ClientOrderId == resting.ClientOrderId), "the cancel of the resting order");
        var flatten = await Eventually.Until(() => Task.FromResult(RiskDriver.Places(id).Where(p => p.Spec.Type == OrderType.Market).ToArray()), p => p.Length == 1, "the flatten order");
        Assert.Equal((OrderSide.Sell, 1m, true), (flatten[0].Spec.Side, flatten[0].Spec.Quantity, flatten[0].Spec.ReduceOnly));
        AssertDenied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 58500m))), DenialCode.TradingHalted, reason: "MAX_DRAWDOWN_REACHED: drawdown 15%");

        var status = await risk.CheckEquityAsync();
        Assert.Equal((8500m, 10000m, 15m), (status.Equity!.Equity, status.Watermark.HighWaterMark!.Value, status.DrawdownPercent));
        Assert.True(status.PeriodicCheckActive);
        Assert.Equal(DenialCode.MaxDrawdownReached, status.Breach?.Code);

        // Resuming re-bases the watch at the current equity (audited), so the same loss does not halt again.
        await risk.SetTradingStateAsync(TradingState.Active, "reviewed the loss", "cro");
        var rebased = await risk.GetAuditAsync(2);
        Assert.Contains(rebased, e => e.Setting == "equity_high_water_mark" && e.OldValue == "10000" && e.NewValue == "8500");
        var after = await risk.CheckEquityAsync();
        Assert.Equal(TradingState.Active, after.TradingState);
        Assert.Null(after.Breach);
    }

    [Fact]
    public async Task A_daily_loss_moves_the_account_to_reducing_where_only_reducing_orders_pass()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("daily-loss");
        await _d.BalancesAsync(id, new VenueBalance("USDT", 50000m, 0m));
        await _d.SetLimitsAsync(id, new RiskLimits { MaxDailyLoss = 500m, BreachAction = TradingState.Reducing });
        await _d.FilledAsync(id, Buy(0.5m, 60000m));

        RiskEnvironment.Prices.Set(BtcPerp, 58900m); // -550
        var policy = await Eventually.Until(_grains.GetRiskLimit(id).GetPolicyAsync, p => p.TradingState == TradingState.Reducing, "the reminder to move the account to Reducing", TimeSpan.FromSeconds(60));

        Assert.StartsWith("DAILY_LOSS_LIMIT_REACHED: loss today 550 USDT", policy.TradingStateReason, StringComparison.Ordinal);
        // The risk grain pushes its new policy to the account: judge orders once the account has it.
        await Eventually.Until(account.GetInfoAsync, i => i.TradingState == TradingState.Reducing, "the account to apply the Reducing state");
        AssertDenied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 58900m))), DenialCode.TradingReducingOnly);
        Assert.Equal(OrderStatus.PendingNew, (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 0.2m, 58900m)))).Order.Status);
    }

    [Fact]
    public async Task The_stop_loss_policy_protects_each_new_position_and_follows_it_until_it_closes()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, _) = await _d.NewAccountAsync("stop-loss");
        await _d.SetLimitsAsync(id, new RiskLimits { StopLoss = new ProtectiveStopPolicy { Kind = StopDistanceKind.Percent, Distance = 2m } });

        await _d.FilledAsync(id, Buy(0.5m, 60000m));
        var first = RiskDriver.Places(id).Last();
        Assert.Equal((OrderType.StopMarket, OrderSide.Sell, 0.5m, 58800m, true), (first.Spec.Type, first.Spec.Side, first.Spec.Quantity, first.Spec.StopPrice!.Value, first.Spec.ReduceOnly));

        // The position grows to 1 BTC at an average 60 500: the stop is replaced for 1 BTC at 59 290.
        await _d.FilledAsync(id, Buy(0.5m, 61000m));
        var second = RiskDriver.Places(id).Last();
        Assert.Contains(RiskEnvironment.Venue.Commands<CancelOrderCommand>(id), c => c.ClientOrderId == first.ClientOrderId);
        Assert.Equal((OrderType.StopMarket, 1m, 59290m), (second.Spec.Type, second.Spec.Quantity, second.Spec.StopPrice!.Value));

        // Closed: the stop is cancelled and no new one is placed.
        var placesBefore = RiskDriver.Places(id).Count;
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Sell, 1m, 61000m, reduceOnly: true));
        Assert.Contains(RiskEnvironment.Venue.Commands<CancelOrderCommand>(id), c => c.ClientOrderId == second.ClientOrderId);
        Assert.Equal(placesBefore + 1, RiskDriver.Places(id).Count);
    }

    [Fact]
    public async Task A_dry_run_check_and_a_sizing_send_nothing_and_name_the_binding_limit()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("dry-run");
        await _d.SetLimitsAsync(id, new RiskLimits { MaxGrossExposure = 50000m, MaxPositionQuantity = 0.5m });
        var risk = _grains.GetAccountRisk(id);

        var refused = await risk.CheckOrderAsync(Buy(1m, 60000m));
        var passes = await risk.CheckOrderAsync(Buy(0.1m, 60000m));
        var size = await risk.CalculatePositionSizeAsync(new SizingRequest { Instrument = BtcPerp, Side = OrderSide.Buy, Method = SizingMethod.FixedNotional, Notional = 60000m });

        Assert.Equal((DenialCode.MaxPositionExceeded, 0.5m, 1m), (refused.Denial!.Code, refused.Denial.Limit!.Value, refused.Denial.WouldBe!.Value));
        Assert.True(passes.Passed);
        Assert.Equal((0m, 6000m, 6000m), (passes.Before!.Gross, passes.After!.Gross, passes.Notional!.Value));
        Assert.Equal((0.5m, "MAX_POSITION_EXCEEDED"), (size.Quantity, size.BindingConstraint));
        Assert.Empty(RiskEnvironment.Venue.Commands(id));
        Assert.Empty(await account.ListOrdersAsync(new OrderQuery()));
    }

    [Fact]
    public async Task Reduce_only_orders_are_judged_against_the_position_the_fills_built()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("reduce-only");
        await _d.FilledAsync(id, Buy(0.3m, 60000m));

        var flip = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 0.5m, 60000m, reduceOnly: true)));
        var wrongSide = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(BtcPerp, OrderSide.Buy, 0.1m, reduceOnly: true)));
        var close = await account.SubmitOrderAsync(Specs.Submit(Specs.Market(BtcPerp, OrderSide.Sell, 0.3m, reduceOnly: true)));

        AssertDenied(flip, DenialCode.ReduceOnlyWouldIncrease, 0.3m, 0.5m, "would flip it beyond zero");
        AssertDenied(wrongSide, DenialCode.ReduceOnlyWouldIncrease, 0m, 0.1m, "nothing to reduce");
        Assert.Equal(OrderStatus.PendingNew, close.Order.Status);
    }

    [Fact]
    public async Task Spot_buys_are_limited_by_the_quote_balance_less_what_open_orders_lock()
    {
        RiskEnvironment.Prices.Set(BtcSpot, 60000m);
        var (id, account) = await _d.NewAccountAsync("balance");
        await _d.BalancesAsync(id, new VenueBalance("USDT", 1000m, 0m), new VenueBalance("BTC", 0.001m, 0m));

        var first = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcSpot, OrderSide.Buy, 0.01m, 60000m)));
        var second = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcSpot, OrderSide.Buy, 0.01m, 50000m)));
        var oversell = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcSpot, OrderSide.Sell, 0.002m, 60000m)));

        Assert.Equal(OrderStatus.PendingNew, first.Order.Status);
        // 600 + 0.1 % is locked by the first order: 399.4 of 1000 is left; the second needs 500.5.
        AssertDenied(second, DenialCode.InsufficientBalance, 399.4m, 500.5m, "buying needs 500.5 USDT");
        AssertDenied(oversell, DenialCode.InsufficientBalance, 0.001m, 0.002m, "selling 0.002 BTC");
    }

    [Fact]
    public async Task A_strategy_tag_is_limited_on_the_position_its_own_fills_built()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("strategy");
        await _d.SetLimitsAsync(id, new RiskLimits { Strategies = [new StrategyRiskLimits { Tag = "alpha", MaxPositionQuantity = 0.2m }] });
        await _d.FilledAsync(id, Buy(0.15m, 60000m) with { StrategyTag = "alpha" });

        var alpha = await account.SubmitOrderAsync(Specs.Submit(Buy(0.1m, 60000m) with { StrategyTag = "alpha" }));
        var untagged = await account.SubmitOrderAsync(Specs.Submit(Buy(0.1m, 60000m)));

        AssertDenied(alpha, DenialCode.MaxPositionExceeded, 0.2m, 0.25m, "position of strategy 'alpha' in");
        Assert.Contains("(strategy 'alpha' limit)", alpha.Order.Denial!.Reason, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.PendingNew, untagged.Order.Status);
    }

    [Fact]
    public async Task Flatten_closes_every_position_with_reduce_only_market_orders_even_when_halted()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, _) = await _d.NewAccountAsync("flatten");
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Sell, 0.25m, 60000m));
        await _grains.GetRiskLimit(id).SetTradingStateAsync(TradingState.Halted, "desk closed", "ops");

        var result = await _grains.GetAccountRisk(id).FlattenAsync("end of day", "ops");

        var order = Assert.Single(result.Submitted);
        Assert.Empty(result.Skipped);
        Assert.Equal((OrderType.Market, OrderSide.Buy, 0.25m, true, OrderStatus.PendingNew),
            (order.Spec.Type, order.Spec.Side, order.Spec.Quantity, order.Spec.ReduceOnly, order.Status));
    }
}
