using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Futures;

namespace Oms.Simulator.Tests.Engine;

public sealed class FuturesPositionTests
{
    private readonly SimExchange _x;
    private readonly EventLog _log;

    public FuturesPositionTests()
    {
        _x = Exchange(out _);
        Account(_x, "me");
        Account(_x, "cp", usdt: 10_000_000m);
        _log = new EventLog(_x);
    }

    /// <summary>The counterparty rests an order at <paramref name="price"/>; "me" takes it.</summary>
    private FuturesOrderView Take(OrderSide side, decimal qty, decimal price, string account = "me", PositionSide? ps = null, bool? reduceOnly = null)
    {
        Place(_x, "cp", Limit(side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy, qty, price));
        return Place(_x, account, Market(side, qty, ps, reduceOnly));
    }

    [Fact]
    public void Open_add_partial_close_flip_close_realizes_pnl_to_the_last_decimal()
    {
        Take(OrderSide.Buy, 1m, 100m);
        var p = Position(_x, "me");
        Assert.Equal((1m, 100m), (p.PositionAmt, p.EntryPrice));

        Take(OrderSide.Buy, 1m, 110m);
        p = Position(_x, "me");
        Assert.Equal((2m, 105m), (p.PositionAmt, p.EntryPrice));

        Take(OrderSide.Sell, 0.5m, 120m);
        p = Position(_x, "me");
        Assert.Equal((1.5m, 105m, 7.5m), (p.PositionAmt, p.EntryPrice, p.AccumulatedRealized));

        Take(OrderSide.Sell, 2.5m, 90m);
        p = Position(_x, "me");
        Assert.Equal((-1m, 90m), (p.PositionAmt, p.EntryPrice));

        Take(OrderSide.Buy, 1m, 80m);
        p = Position(_x, "me");
        Assert.Equal((0m, 0m), (p.PositionAmt, p.EntryPrice));

        var rp = _log.Of<FuturesOrderTradeUpdate>("me").Where(u => u.ExecutionType == ExecutionType.Trade).Select(u => u.RealizedProfit).ToArray();
        Assert.Equal([0m, 0m, 7.5m, -22.5m, 10m], rp);
        var commissions = _log.Of<FuturesOrderTradeUpdate>("me").Where(u => u.ExecutionType == ExecutionType.Trade).Select(u => u.Commission).ToArray();
        Assert.Equal([0.05m, 0.055m, 0.03m, 0.1125m, 0.04m], commissions);
        Assert.Equal(99_994.7125m, Wallet(_x, "me"));

        var income = _x.GetIncomeHistory("me", new IncomeQuery { Limit = 1000 }).Value;
        Assert.Equal(-5m, income.Where(i => i.IncomeType == IncomeType.RealizedPnl).Sum(i => i.Income));
        Assert.Equal(-0.2875m, income.Where(i => i.IncomeType == IncomeType.Commission).Sum(i => i.Income));
        var trades = _x.GetFuturesTrades("me", new TradeHistoryQuery { Symbol = Symbol }).Value;
        Assert.Equal([0m, 0m, 7.5m, -22.5m, 10m], trades.Select(t => t.RealizedPnl));
        Assert.All(trades, t => Assert.False(t.Maker));

        var update = _log.Of<FuturesAccountUpdate>("me")[^1];
        Assert.Equal(AccountUpdateReason.Order, update.Reason);
        Assert.Equal(99_994.7125m, update.Balances.Single().WalletBalance);
        Assert.Equal(0m, update.Positions.Single().PositionAmt);
        Assert.Equal(-5m, update.Positions.Single().AccumulatedRealized);
    }

    [Fact]
    public void Maker_side_gets_maker_fee_and_mirror_position()
    {
        Take(OrderSide.Buy, 2m, 100m);
        var cp = Position(_x, "cp");
        Assert.Equal((-2m, 100m), (cp.PositionAmt, cp.EntryPrice));
        var makerFill = _log.Of<FuturesOrderTradeUpdate>("cp").Single(u => u.ExecutionType == ExecutionType.Trade);
        Assert.True(makerFill.IsMaker);
        Assert.Equal(0.04m, makerFill.Commission);                  // 200 * 0.0002
        Assert.Equal("USDT", makerFill.CommissionAsset);
    }

    [Fact]
    public void Unrealized_pnl_break_even_and_margin_follow_the_mark_price()
    {
        Take(OrderSide.Buy, 2m, 100m);
        Assert.True(_x.SetMarkPrice(Symbol, 110m).IsSuccess);
        var p = Position(_x, "me");
        Assert.Equal(110m, p.MarkPrice);
        Assert.Equal(20m, p.UnRealizedProfit);
        Assert.Equal(220m, p.Notional);
        Assert.Equal(11m, p.PositionInitialMargin);                 // 220 / 20x
        Assert.Equal(0.88m, p.MaintMargin);                         // 220 * 0.4 %
        Assert.True(p.BreakEvenPrice > 100m);
        var account = _x.GetFuturesAccount("me").Value;
        Assert.Equal(20m, account.TotalUnrealizedProfit);
        Assert.Equal(account.TotalWalletBalance + 20m, account.TotalMarginBalance);
        Assert.Equal(account.TotalWalletBalance + 20m - 11m, account.AvailableBalance);
    }

    [Fact]
    public void Reduce_only_rules()
    {
        Spot.AssertError(_x.PlaceFuturesOrder("me", Market(OrderSide.Sell, 1m, reduceOnly: true)).Error, -2022, "ReduceOnly Order is rejected.");
        Take(OrderSide.Buy, 1m, 100m);
        Spot.AssertError(_x.PlaceFuturesOrder("me", Market(OrderSide.Buy, 1m, reduceOnly: true)).Error, -2022, "ReduceOnly Order is rejected.");
        Place(_x, "cp", Limit(OrderSide.Buy, 5m, 99m));
        var reduce = Place(_x, "me", Market(OrderSide.Sell, 3m, reduceOnly: true));
        Assert.Equal(1m, reduce.ExecutedQty);
        Assert.Equal(OrderStatus.Expired, reduce.Status);
        Assert.Equal(FuturesExpiryReason.ReduceOnlyKnockedOut, reduce.ExpiryReason);
        Assert.Equal(0m, Position(_x, "me").PositionAmt);
    }

    [Fact]
    public void Hedge_mode_keeps_long_and_short_apart()
    {
        Account(_x, "hedger", hedge: true);
        Spot.AssertError(_x.PlaceFuturesOrder("hedger", Market(OrderSide.Buy, 1m)).Error, -4061, "Order's position side does not match user's setting.");
        Spot.AssertError(_x.PlaceFuturesOrder("hedger", Market(OrderSide.Buy, 1m, PositionSide.Long, reduceOnly: true)).Error, -1106, "Parameter 'reduceOnly' sent when not required.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Market(OrderSide.Buy, 1m, PositionSide.Long)).Error, -4061, "Order's position side does not match user's setting.");

        Take(OrderSide.Buy, 2m, 100m, "hedger", PositionSide.Long);
        Take(OrderSide.Sell, 1m, 100m, "hedger", PositionSide.Short);
        Assert.Equal(2m, Position(_x, "hedger", PositionSide.Long).PositionAmt);
        Assert.Equal(-1m, Position(_x, "hedger", PositionSide.Short).PositionAmt);

        Take(OrderSide.Sell, 0.5m, 110m, "hedger", PositionSide.Long);           // closes long
        var longPos = Position(_x, "hedger", PositionSide.Long);
        Assert.Equal((1.5m, 5m), (longPos.PositionAmt, longPos.AccumulatedRealized));
        Take(OrderSide.Buy, 1m, 90m, "hedger", PositionSide.Short);              // closes short
        var shortPos = Position(_x, "hedger", PositionSide.Short);
        Assert.Equal((0m, 10m), (shortPos.PositionAmt, shortPos.AccumulatedRealized));
        Spot.AssertError(_x.PlaceFuturesOrder("hedger", Market(OrderSide.Buy, 1m, PositionSide.Short)).Error, -2022, "ReduceOnly Order is rejected.");
        Assert.Equal(2, _x.GetPositionRisk("hedger", Symbol).Value.Count);
    }

    [Fact]
    public void Leverage_margin_type_and_position_mode_switching_rules()
    {
        Spot.AssertError(_x.ChangeLeverage("me", Symbol, 0).Error, -4028, "Leverage 0 is not valid");
        Spot.AssertError(_x.ChangeLeverage("me", Symbol, 126).Error, -4028, "Leverage 126 is not valid");
        var lev = _x.ChangeLeverage("me", Symbol, 50).Value;
        Assert.Equal((50, 12_000_000m), (lev.Leverage, lev.MaxNotionalValue));   // brackets 1-4 allow 50x
        var config = _log.Of<FuturesAccountConfigUpdate>("me").Single();
        Assert.Equal((Symbol, 50), (config.Symbol, config.Leverage));

        Spot.AssertError(_x.ChangeMarginType("me", Symbol, MarginType.Crossed).Error, -4046, "No need to change margin type.");
        var resting = Place(_x, "me", Limit(OrderSide.Buy, 1m, 90m));
        Spot.AssertError(_x.ChangeMarginType("me", Symbol, MarginType.Isolated).Error, -4047, "Margin type cannot be changed if there exists open orders.");
        Spot.AssertError(_x.ChangePositionMode("me", true).Error, -4067, "Position side cannot be changed if there exists open orders.");
        Assert.True(_x.CancelFuturesOrder("me", Symbol, resting.OrderId, null).IsSuccess);

        Take(OrderSide.Buy, 1m, 100m);
        Spot.AssertError(_x.ChangeMarginType("me", Symbol, MarginType.Isolated).Error, -4048, "Margin type cannot be changed if there exists position.");
        Spot.AssertError(_x.ChangePositionMode("me", true).Error, -4068, "Position side cannot be changed if there exists position.");
        Spot.AssertError(_x.ChangePositionMode("me", false).Error, -4059, "No need to change position side.");
        Take(OrderSide.Sell, 1m, 100m);
        Assert.True(_x.ChangeMarginType("me", Symbol, MarginType.Isolated).IsSuccess);
        Assert.True(_x.ChangePositionMode("me", true).IsSuccess);
        Assert.True(_x.GetPositionMode("me").Value);
        Assert.Equal(MarginType.Isolated, _x.GetSymbolConfig("me", Symbol).Value.Single().MarginType);
    }

    [Fact]
    public void Isolated_position_moves_margin_into_its_wallet()
    {
        Assert.True(_x.ChangeMarginType("me", Symbol, MarginType.Isolated).IsSuccess);
        Assert.True(_x.ChangeLeverage("me", Symbol, 10).IsSuccess);
        Take(OrderSide.Buy, 2m, 100m);
        var p = Position(_x, "me");
        Assert.Equal(20m, p.IsolatedWallet);
        var balance = _x.GetFuturesBalances("me").Value.Single();
        Assert.Equal(balance.WalletBalance - 20m, balance.CrossWalletBalance);
        var position = _log.Of<FuturesAccountUpdate>("me")[^1].Positions.Single();
        Assert.Equal((MarginType.Isolated, 20m), (position.MarginType, position.IsolatedWallet));
    }

    [Fact]
    public void Margin_check_refuses_orders_the_wallet_cannot_carry()
    {
        Account(_x, "small", usdt: 100m);
        Place(_x, "cp", Limit(OrderSide.Sell, 50m, 100m));
        Spot.AssertError(_x.PlaceFuturesOrder("small", Market(OrderSide.Buy, 30m)).Error, -2019, "Margin is insufficient.");
        Assert.True(_x.PlaceFuturesOrder("small", Market(OrderSide.Buy, 19m)).IsSuccess);
    }

    [Fact]
    public void Order_entry_errors_use_the_usdm_codes()
    {
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 90m) with { Type = FuturesOrderType.StopMarket }).Error,
            -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 90.005m)).Error, -4014, "Price not increased by tick size.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1.0005m, 90m)).Error, -4023, "Qty not increased by step size.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 0.0001m, 90m)).Error, -4004, "Quantity less than min quantity.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 2000m, 90m)).Error, -4005, "Quantity greater than max quantity.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 151m)).Error, -4016, "Price is higher than mark price multiplier cap.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Sell, 1m, 49m)).Error, -4024, "Price is lower than mark price multiplier floor.");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 0.01m, 90m)).Error, -4164, "Order's notional must be no smaller than 5 (unless you choose reduce only).");
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 90m) with { NewClientOrderId = new string('a', 37) }).Error, -4015, "Client order id is not valid.");
        Place(_x, "me", Limit(OrderSide.Buy, 1m, 90m) with { NewClientOrderId = "dup" });
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 91m) with { NewClientOrderId = "dup" }).Error, -4116, "clientOrderId is duplicated.");
        Spot.AssertError(_x.CancelFuturesOrder("me", Symbol, 987654, null).Error, -2011, "Unknown order sent.");
        Spot.AssertError(_x.GetFuturesOrder("me", Symbol, 987654, null).Error, -2013, "Order does not exist.");
    }

    [Fact]
    public void Gtx_would_take_is_rejected_and_fok_is_all_or_nothing()
    {
        Place(_x, "cp", Limit(OrderSide.Sell, 1m, 100m));
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 1m, 100m, TimeInForce.Gtx)).Error, -5022,
            "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history");
        Assert.Equal(OrderStatus.New, Place(_x, "me", Limit(OrderSide.Buy, 1m, 99m, TimeInForce.Gtx)).Status);
        Spot.AssertError(_x.PlaceFuturesOrder("me", Limit(OrderSide.Buy, 2m, 100m, TimeInForce.Fok)).Error, -5021,
            "Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history");
        var ioc = Place(_x, "me", Limit(OrderSide.Buy, 2m, 100m, TimeInForce.Ioc));
        Assert.Equal((OrderStatus.Expired, 1m, FuturesExpiryReason.IocRemainder), (ioc.Status, ioc.ExecutedQty, ioc.ExpiryReason));
        var market = Place(_x, "me", Market(OrderSide.Buy, 1m));
        Assert.Equal((OrderStatus.Expired, FuturesExpiryReason.MarketRemainder), (market.Status, market.ExpiryReason));
    }

    [Fact]
    public void Modify_keeps_priority_on_quantity_decrease_and_requeues_on_price_change()
    {
        var first = Place(_x, "me", Limit(OrderSide.Buy, 2m, 99m));
        Account(_x, "other");
        var second = Place(_x, "other", Limit(OrderSide.Buy, 1m, 99m));
        var modified = _x.ModifyFuturesOrder("me", new FuturesModifyRequest { Symbol = Symbol, OrderId = first.OrderId, Side = OrderSide.Buy, Quantity = 1m, Price = 99m });
        Assert.True(modified.IsSuccess, modified.Error?.ToString());
        Assert.Equal(1m, modified.Value.OrigQty);
        Assert.Equal(ExecutionType.Amendment, _log.Of<FuturesOrderTradeUpdate>("me")[^1].ExecutionType);

        Place(_x, "cp", Market(OrderSide.Sell, 1m));
        Assert.Equal(OrderStatus.Filled, _x.GetFuturesOrder("me", Symbol, first.OrderId, null).Value.Status);
        Assert.Equal(OrderStatus.New, _x.GetFuturesOrder("other", Symbol, second.OrderId, null).Value.Status);

        var third = Place(_x, "me", Limit(OrderSide.Buy, 1m, 98m));
        Spot.AssertError(_x.ModifyFuturesOrder("me", new FuturesModifyRequest { Symbol = Symbol, OrderId = third.OrderId, Side = OrderSide.Buy, Quantity = 1m, Price = 98m }).Error,
            -5027, "No need to modify the order.");
        var moved = _x.ModifyFuturesOrder("me", new FuturesModifyRequest { Symbol = Symbol, OrderId = third.OrderId, Side = OrderSide.Buy, Quantity = 1m, Price = 99m }).Value;
        Assert.Equal(99m, moved.Price);
        Place(_x, "cp", Market(OrderSide.Sell, 1m));                   // "other" was first at 99
        Assert.Equal(OrderStatus.Filled, _x.GetFuturesOrder("other", Symbol, second.OrderId, null).Value.Status);
        Assert.Equal(OrderStatus.New, _x.GetFuturesOrder("me", Symbol, third.OrderId, null).Value.Status);

        Place(_x, "cp", Limit(OrderSide.Sell, 1m, 100m));
        var crossing = _x.ModifyFuturesOrder("me", new FuturesModifyRequest { Symbol = Symbol, OrderId = third.OrderId, Side = OrderSide.Buy, Quantity = 1m, Price = 100m }).Value;
        Assert.Equal(OrderStatus.Filled, crossing.Status);
    }

    [Fact]
    public void Funding_settles_into_income_and_account_update()
    {
        Take(OrderSide.Buy, 2m, 100m);
        Assert.True(_x.SetMarkPrice(Symbol, 100m).IsSuccess);
        Assert.True(_x.SetFundingRate(Symbol, 0.0001m).IsSuccess);
        var before = Wallet(_x, "me");
        Assert.True(_x.SettleFunding(Symbol).IsSuccess);
        Assert.Equal(before - 0.02m, Wallet(_x, "me"));
        Assert.Equal(0.02m, Wallet(_x, "cp") - (10_000_000m - 0.04m));
        var fee = _x.GetIncomeHistory("me", new IncomeQuery { IncomeType = IncomeType.FundingFee }).Value.Single();
        Assert.Equal(-0.02m, fee.Income);
        Assert.Equal(AccountUpdateReason.FundingFee, _log.Of<FuturesAccountUpdate>("me")[^1].Reason);
    }

    [Fact]
    public void Margin_call_is_raised_once_when_the_ratio_crosses_the_threshold()
    {
        Account(_x, "thin", usdt: 30m);
        Assert.True(_x.ChangeLeverage("thin", Symbol, 100).IsSuccess);
        Take(OrderSide.Buy, 20m, 100m, "thin");                      // 2000 notional on a 30 USDT wallet
        Assert.Empty(_log.Of<FuturesMarginCall>("thin"));
        Assert.True(_x.SetMarkPrice(Symbol, 98.9m).IsSuccess);         // margin balance 7, maint 7.9 → ratio > 0.8
        var call = Assert.Single(_log.Of<FuturesMarginCall>("thin"));
        var position = call.Positions.Single();
        Assert.Equal((20m, 98.9m, -22m), (position.PositionAmt, position.MarkPrice, position.UnrealizedPnl));
        Assert.True(_x.SetMarkPrice(Symbol, 98.8m).IsSuccess);
        Assert.Single(_log.Of<FuturesMarginCall>("thin"));
    }

    [Fact]
    public void Countdown_cancel_all_fires_on_the_clock()
    {
        var x = Exchange(out var clock);
        Account(x, "me");
        Place(x, "me", Limit(OrderSide.Buy, 1m, 90m));
        Place(x, "me", Limit(OrderSide.Buy, 1m, 91m));
        Assert.Equal(5000, x.SetCountdownCancelAll("me", Symbol, 5000).Value.CountdownTime);
        clock.Advance(TimeSpan.FromSeconds(4));
        x.Tick();
        Assert.Equal(2, x.GetOpenFuturesOrders("me", Symbol).Value.Count);
        clock.Advance(TimeSpan.FromSeconds(2));
        x.Tick();
        Assert.Empty(x.GetOpenFuturesOrders("me", Symbol).Value);

        Place(x, "me", Limit(OrderSide.Buy, 1m, 90m));
        x.SetCountdownCancelAll("me", Symbol, 5000);
        x.SetCountdownCancelAll("me", Symbol, 0);                      // disarmed
        clock.Advance(TimeSpan.FromSeconds(10));
        x.Tick();
        Assert.Single(x.GetOpenFuturesOrders("me", Symbol).Value);
    }

    [Fact]
    public void Futures_balances_are_conserved_when_positions_are_flat()
    {
        Account(_x, "b");
        var rnd = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var account = rnd.Next(2) == 0 ? "me" : "b";
            var side = rnd.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
            var price = 95m + rnd.Next(0, 1000) / 100m;
            _x.PlaceFuturesOrder(account, Limit(side, rnd.Next(1, 300) / 100m, price));
        }

        foreach (var a in new[] { "me", "b", "cp" })
        {
            _x.CancelAllFuturesOrders(a, Symbol);
        }

        // flatten everyone against "cp" at one price
        foreach (var a in new[] { "me", "b" })
        {
            var amt = Position(_x, a).PositionAmt;
            if (amt != 0)
            {
                Take(amt > 0 ? OrderSide.Sell : OrderSide.Buy, Math.Abs(amt), 100m, a);
            }
        }

        var cpAmt = Position(_x, "cp").PositionAmt;
        Assert.Equal(0m, cpAmt);
        var total = new[] { "me", "b", "cp" }.Sum(a => Wallet(_x, a)) + _x.GetCollectedFees(MarketKind.UsdM).GetValueOrDefault("USDT");
        Assert.Equal(100_000m + 100_000m + 10_000_000m, total);
    }
}
