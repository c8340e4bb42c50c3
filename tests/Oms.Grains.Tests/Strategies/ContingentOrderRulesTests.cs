using Oms.Grains.Tests.Strategies.Infrastructure;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

/// <summary>The pure rules behind the strategies: request validation, leg terms, child ids, snapshot merging, amendability.</summary>
public sealed class ContingentOrderRulesTests
{
    private static readonly InstrumentId Perp = TestInstruments.BtcPerp;
    private static readonly OrderSpec BuyEntry = LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m);

    private static readonly Dictionary<string, (SubmitBracket Command, string Field)> BadBrackets = new()
    {
        ["no legs"] = (Bracket(BuyEntry, null, null), "stop_loss"),
        ["stop above a buy entry"] = (Bracket(BuyEntry, StopMarket(50100m), null), "stop_loss.stop_price"),
        ["take-profit below a buy entry"] = (Bracket(BuyEntry, null, LimitTakeProfit(49000m)), "take_profit.limit_price"),
        ["limit as stop-loss"] = (Bracket(BuyEntry, LimitTakeProfit(49000m), null), "stop_loss.type"),
        ["stop as take-profit"] = (Bracket(BuyEntry, null, StopMarket(52000m)), "take_profit.type"),
        ["stop-limit without limit"] = (Bracket(BuyEntry, new ProtectiveLeg { Type = OrderType.StopLimit, StopPrice = 49000m }, null), "stop_loss.limit_price"),
        ["immediate-or-cancel leg"] = (Bracket(BuyEntry, StopMarket(49000m) with { TimeInForce = TimeInForce.Ioc }, null), "stop_loss.time_in_force"),
        ["trailing leg with a stop price"] = (Bracket(BuyEntry, new ProtectiveLeg { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m, StopPrice = 49000m }, null), "stop_loss.stop_price"),
        ["reduce-only entry"] = (Bracket(BuyEntry with { ReduceOnly = true }, StopMarket(49000m), null), "entry.reduce_only"),
        ["entry without a price"] = (Bracket(BuyEntry with { LimitPrice = null }, StopMarket(49000m), null), "entry.limit_price"),
        ["spot trailing stop-loss with a take-profit"] = (Bracket(LimitEntry(TestInstruments.BtcSpot, OrderSide.Buy, 0.01m, 60000m),
            new ProtectiveLeg { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m }, LimitTakeProfit(61000m)), "stop_loss.type"),
        ["take-profit below the stop of a sell"] = (Bracket(LimitEntry(Perp, OrderSide.Sell, 0.01m, 50000m), StopMarket(51000m), new ProtectiveLeg { Type = OrderType.TakeProfitMarket, StopPrice = 50500m }), "take_profit.stop_price"),
    };

    public static TheoryData<string> BadBracketNames => new(BadBrackets.Keys);

    [Theory]
    [MemberData(nameof(BadBracketNames))]
    public void A_malformed_bracket_names_the_field(string name)
    {
        var (command, field) = BadBrackets[name];
        var problems = ContingentOrderValidation.Validate(command);
        Assert.Contains(problems, p => p.Field == field && p.Denial.Code == DenialCode.InvalidOrder && p.Denial.Reason.Length > 0);
    }

    [Fact]
    public void Well_formed_brackets_pass()
    {
        Assert.Empty(ContingentOrderValidation.Validate(Bracket(BuyEntry, StopMarket(49000m), LimitTakeProfit(52000m))));
        Assert.Empty(ContingentOrderValidation.Validate(Bracket(BuyEntry with { Type = OrderType.Market, LimitPrice = null }, new ProtectiveLeg { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m }, null)));
        Assert.Empty(ContingentOrderValidation.Validate(Bracket(LimitEntry(Perp, OrderSide.Sell, 0.01m, 50000m),
            new ProtectiveLeg { Type = OrderType.StopLimit, StopPrice = 51000m, LimitPrice = 51100m },
            new ProtectiveLeg { Type = OrderType.TakeProfitLimit, StopPrice = 48000m, LimitPrice = 47900m })));
    }

    [Theory]
    [InlineData("market", "order.type")]
    [InlineData("no display", "order.display_quantity")]
    [InlineData("display above quantity", "order.display_quantity")]
    [InlineData("ioc", "order.time_in_force")]
    [InlineData("native on futures", "mode")]
    public void A_malformed_iceberg_names_the_field(string corruption, string field)
    {
        var order = LimitEntry(Perp, OrderSide.Buy, 0.010m, 50000m) with { DisplayQuantity = 0.004m };
        ExecutionMode? mode = null;
        switch (corruption)
        {
            case "market": order = order with { Type = OrderType.Market, LimitPrice = null }; break;
            case "no display": order = order with { DisplayQuantity = null }; break;
            case "display above quantity": order = order with { DisplayQuantity = 0.02m }; break;
            case "ioc": order = order with { TimeInForce = TimeInForce.Ioc }; break;
            case "native on futures": mode = ExecutionMode.Native; break;
        }
        Assert.Contains(ContingentOrderValidation.Validate(new SubmitIceberg { Order = order, Mode = mode }), p => p.Field == field);
    }

    [Theory]
    [InlineData("stop market", "order.type")]
    [InlineData("percent too large", "order.trailing_percent")]
    [InlineData("native on bybit", "mode")]
    public void A_malformed_trailing_stop_names_the_field(string corruption, string field)
    {
        var order = new OrderSpec { Instrument = Perp, Side = OrderSide.Sell, Type = OrderType.TrailingStopMarket, Quantity = 0.01m, TrailingPercent = 1m };
        ExecutionMode? mode = null;
        switch (corruption)
        {
            case "stop market": order = order with { Type = OrderType.StopMarket, TrailingPercent = null, StopPrice = 49000m }; break;
            case "percent too large": order = order with { TrailingPercent = 25m }; break;
            case "native on bybit": order = order with { Instrument = TestInstruments.BybitBtcSpot }; mode = ExecutionMode.Native; break;
        }
        Assert.Contains(ContingentOrderValidation.Validate(new SubmitTrailingStop { Order = order, Mode = mode }), p => p.Field == field);
    }

    [Fact]
    public void Legs_close_the_entry_reduce_only_on_futures_one_way_and_by_side_elsewhere()
    {
        var futures = ContingentOrderValidation.LegSpec(BuyEntry, StopMarket(49000m), 0.004m);
        Assert.Equal((OrderSide.Sell, OrderType.StopMarket, 0.004m, true, PositionSide.Both), (futures.Side, futures.Type, futures.Quantity, futures.ReduceOnly, futures.PositionSide));

        var hedge = ContingentOrderValidation.LegSpec(BuyEntry with { PositionSide = PositionSide.Long }, StopMarket(49000m), 0.004m);
        Assert.Equal((false, PositionSide.Long), (hedge.ReduceOnly, hedge.PositionSide));

        var spot = ContingentOrderValidation.LegSpec(LimitEntry(TestInstruments.BtcSpot, OrderSide.Buy, 0.01m, 60000m), StopMarket(59000m), 0.01m);
        Assert.False(spot.ReduceOnly);
        Assert.Null(spot.Validate());

        var fired = ContingentOrderValidation.LegSpec(BuyEntry, new ProtectiveLeg { Type = OrderType.StopLimit, StopPrice = 49000m, LimitPrice = 48900m }, 0.004m, triggered: true);
        Assert.Equal((OrderType.Limit, (decimal?)48900m, (decimal?)null), (fired.Type, fired.LimitPrice, fired.StopPrice));
        Assert.Equal(OrderType.Market, ContingentOrderValidation.LegSpec(BuyEntry, StopMarket(49000m), 0.004m, triggered: true).Type);
    }

    [Fact]
    public void Child_ids_are_deterministic_and_legal_on_every_venue()
    {
        var strategy = new StrategyId(new string('z', StrategyId.MaxLength));
        foreach (var venue in Enum.GetValues<Venue>())
        {
            var id = ContingentOrderIds.Child(venue, strategy, ChildRole.TakeProfit, 9_999_999);
            Assert.True(id.IsLegalOn(venue), $"{id} on {venue}");
            Assert.Equal(id, ContingentOrderIds.Child(venue, strategy, ChildRole.TakeProfit, 9_999_999));
        }
        Assert.Equal("abc-sl-2", ContingentOrderIds.Child(Venue.Binance, new StrategyId("abc"), ChildRole.StopLoss, 2).Value);
        Assert.Equal("abcsl2", ContingentOrderIds.Child(Venue.Okx, new StrategyId("abc"), ChildRole.StopLoss, 2).Value);

        var account = new AccountId("desk-1.a");
        Assert.Equal((account, new StrategyId("abc")), ContingentOrderIds.ParseGrainKey(ContingentOrderIds.GrainKey(account, new StrategyId("abc"))));
        Assert.Throws<ArgumentException>(() => ContingentOrderIds.ParseGrainKey("no-separator"));
        Assert.False(StrategyId.IsValid("has-dash"));
        Assert.True(StrategyId.IsValid(ContingentOrderIds.NewStrategyId().Value));
    }

    [Fact]
    public void Snapshots_merge_forward_only()
    {
        var t0 = TestEnvironment.Start;
        var child = new ChildOrderState { Id = new ClientOrderId("s-sl-1"), Role = ChildRole.StopLoss, Generation = 1, Spec = BuyEntry };
        OrderSnapshot Snap(OrderStatus status, decimal filled, int seconds, decimal quantity = 0.010m) => new()
        {
            Account = new AccountId("a"),
            ClientOrderId = child.Id,
            Spec = BuyEntry,
            Status = status,
            Quantity = quantity,
            FilledQuantity = filled,
            AveragePrice = 0m,
            Fees = [],
            CreatedAt = t0,
            UpdatedAt = t0.AddSeconds(seconds),
        };

        Assert.True(child.Merge(Snap(OrderStatus.New, 0m, 1)));
        Assert.False(child.Merge(Snap(OrderStatus.New, 0m, 1)));
        Assert.True(child.Merge(Snap(OrderStatus.PartiallyFilled, 0.004m, 2)));
        Assert.False(child.Merge(Snap(OrderStatus.New, 0m, 3)));
        Assert.True(child.Merge(Snap(OrderStatus.Canceled, 0.004m, 4)));
        Assert.False(child.Merge(Snap(OrderStatus.PartiallyFilled, 0.004m, 5)));
        // A fill after the cancel is venue truth.
        Assert.True(child.Merge(Snap(OrderStatus.Canceled, 0.005m, 3)));
        Assert.False(child.Merge(Snap(OrderStatus.New, 0m, 1) with { ClientOrderId = new ClientOrderId("other") }));
        Assert.Equal((OrderStatus.Canceled, 0.005m), (child.Status, child.Filled));

        // An amend that settles on the old quantity was refused.
        var leg = new ChildOrderState { Id = child.Id, Role = ChildRole.TakeProfit, Generation = 1, Spec = BuyEntry };
        leg.Merge(Snap(OrderStatus.New, 0m, 1));
        leg.AmendRequested = 0.007m;
        leg.Merge(Snap(OrderStatus.PendingReplace, 0m, 2));
        Assert.False(leg.AmendRefused);
        leg.Merge(Snap(OrderStatus.New, 0m, 3));
        Assert.True(leg.AmendRefused);
    }

    [Fact]
    public void Notifications_are_taken_only_when_provably_newer_and_anything_else_is_read_from_the_account()
    {
        var spec = ContingentOrderValidation.LegSpec(BuyEntry, LimitTakeProfit(52000m), 0.004m);
        var leg = new ChildOrderState { Id = new ClientOrderId("s-tp-1"), Role = ChildRole.TakeProfit, Generation = 1, Spec = spec };
        var t0 = TestEnvironment.Start;
        OrderSnapshot Snap(OrderStatus status, decimal quantity, decimal filled = 0m) => new()
        {
            Account = new AccountId("a"), ClientOrderId = leg.Id, Spec = spec, Status = status, Quantity = quantity,
            FilledQuantity = filled, AveragePrice = filled > 0m ? 52000m : 0m, Fees = [], CreatedAt = t0, UpdatedAt = t0,
        };

        // Nothing known yet: even a notification is read from the account.
        Assert.Equal(ChildNotification.ReadNeeded, leg.MergeNotification(Snap(OrderStatus.New, 0.004m)));
        Assert.True(leg.Merge(Snap(OrderStatus.New, 0.004m)));
        leg.AmendRequested = 0.007m;
        Assert.True(leg.Merge(Snap(OrderStatus.PendingReplace, 0.004m)));
        Assert.True(leg.AmendPending);

        // The acknowledgement's notification arriving late, with the same time as the pending amend: nothing in it says
        // which came first, so it is not taken (and the amend is not judged refused by it).
        Assert.Equal(ChildNotification.ReadNeeded, leg.MergeNotification(Snap(OrderStatus.New, 0.004m)));
        Assert.Equal(ChildNotification.ReadNeeded, leg.MergeNotification(Snap(OrderStatus.PendingNew, 0.004m)));
        Assert.Equal((OrderStatus.PendingReplace, 0.007m, false), (leg.Status!.Value, leg.AmendRequested!.Value, leg.AmendRefused));
        Assert.True(StrategyPlanner.CanAmend(leg, 0.007m));
        // A duplicate is ignored; a fill is provably newer (fills only grow) and is taken; an older fill count is ignored.
        Assert.Equal(ChildNotification.Ignored, leg.MergeNotification(Snap(OrderStatus.PendingReplace, 0.004m)));
        Assert.Equal(ChildNotification.Taken, leg.MergeNotification(Snap(OrderStatus.PendingReplace, 0.004m, 0.001m)));
        Assert.Equal(ChildNotification.Ignored, leg.MergeNotification(Snap(OrderStatus.New, 0.004m)));
        Assert.Equal(0.007m, leg.AmendRequested);

        // The account's answer (a read) shows the amend confirmed.
        Assert.True(leg.Merge(Snap(OrderStatus.PartiallyFilled, 0.007m, 0.001m)));
        Assert.Equal((0.006m, (decimal?)null, false), (leg.Leaves, leg.AmendRequested, leg.AmendRefused));
        // Late news of the old quantity with the same fills cannot shrink it back.
        Assert.Equal(ChildNotification.ReadNeeded, leg.MergeNotification(Snap(OrderStatus.PendingReplace, 0.004m, 0.001m)));
        Assert.Equal(0.007m, leg.Last!.Quantity);

        // An end with the same fills is final: taken, and nothing with those fills comes after it.
        Assert.Equal(ChildNotification.Taken, leg.MergeNotification(Snap(OrderStatus.Canceled, 0.007m, 0.001m)));
        Assert.Equal(ChildNotification.Ignored, leg.MergeNotification(Snap(OrderStatus.PartiallyFilled, 0.007m, 0.001m)));
        Assert.False(leg.Merge(Snap(OrderStatus.PartiallyFilled, 0.007m, 0.001m)));
        // A fill the venue reports after the cancel is venue truth.
        Assert.Equal(ChildNotification.Taken, leg.MergeNotification(Snap(OrderStatus.Canceled, 0.007m, 0.002m)));
        Assert.Equal(ChildNotification.Ignored, leg.MergeNotification(Snap(OrderStatus.Canceled, 0.007m, 0.002m) with { ClientOrderId = new ClientOrderId("other") }));
    }

    [Fact]
    public void An_amend_is_judged_refused_only_by_a_snapshot_after_the_account_showed_it_pending()
    {
        var spec = ContingentOrderValidation.LegSpec(BuyEntry, LimitTakeProfit(52000m), 0.004m);
        var leg = new ChildOrderState { Id = new ClientOrderId("s-tp-1"), Role = ChildRole.TakeProfit, Generation = 1, Spec = spec };
        var t0 = TestEnvironment.Start;
        OrderSnapshot Snap(OrderStatus status, decimal quantity, int seconds, string? venueError = null) => new()
        {
            Account = new AccountId("a"), ClientOrderId = leg.Id, Spec = spec, Status = status, Quantity = quantity, FilledQuantity = 0m,
            AveragePrice = 0m, Fees = [], CreatedAt = t0, UpdatedAt = t0.AddSeconds(seconds), LastVenueError = venueError,
        };
        leg.Merge(Snap(OrderStatus.New, 0.004m, 1));

        // The amend's answer was lost (after a failover, say) and the order shows its old quantity: the amend may never
        // have reached the account, so nothing is concluded and the planner may amend again.
        leg.AmendRequested = 0.007m;
        Assert.True(leg.Merge(Snap(OrderStatus.New, 0.004m, 2)));
        Assert.Equal(((decimal?)null, false), (leg.AmendRequested, leg.AmendRefused));
        Assert.True(StrategyPlanner.CanAmend(leg, 0.007m));

        // Pending, then back on the old quantity: the venue refused it; resizes go by cancel and replace from now on.
        leg.AmendRequested = 0.007m;
        leg.Merge(Snap(OrderStatus.PendingReplace, 0.004m, 3));
        Assert.True(leg.Merge(Snap(OrderStatus.New, 0.004m, 4, "-4028: amend refused")));
        Assert.Equal(((decimal?)null, false, true), (leg.AmendRequested, leg.AmendPending, leg.AmendRefused));
        Assert.False(StrategyPlanner.CanAmend(leg, 0.007m));
    }

    [Fact]
    public void Only_limit_legs_are_amended_and_on_spot_only_downwards()
    {
        static ChildOrderState Leg(OrderSpec spec) => new() { Id = new ClientOrderId("s-tp-1"), Role = ChildRole.TakeProfit, Generation = 1, Spec = spec };
        static OrderSnapshot Working(OrderSpec spec) => new()
        {
            Account = new AccountId("a"), ClientOrderId = new ClientOrderId("s-tp-1"), Spec = spec, Status = OrderStatus.New,
            Quantity = spec.Quantity, FilledQuantity = 0m, AveragePrice = 0m, Fees = [], CreatedAt = TestEnvironment.Start, UpdatedAt = TestEnvironment.Start,
        };
        var futuresLimit = Leg(ContingentOrderValidation.LegSpec(BuyEntry, LimitTakeProfit(52000m), 0.004m));
        futuresLimit.Merge(Working(futuresLimit.Spec));
        Assert.True(StrategyPlanner.CanAmend(futuresLimit, 0.007m));
        Assert.True(StrategyPlanner.CanAmend(futuresLimit, 0.002m));

        var spotEntry = LimitEntry(TestInstruments.BtcSpot, OrderSide.Buy, 0.01m, 60000m);
        var spotLimit = Leg(ContingentOrderValidation.LegSpec(spotEntry, LimitTakeProfit(61000m), 0.004m));
        spotLimit.Merge(Working(spotLimit.Spec));
        Assert.False(StrategyPlanner.CanAmend(spotLimit, 0.007m));
        Assert.True(StrategyPlanner.CanAmend(spotLimit, 0.002m));

        var stop = Leg(ContingentOrderValidation.LegSpec(BuyEntry, StopMarket(49000m), 0.004m));
        stop.Merge(Working(stop.Spec));
        Assert.False(StrategyPlanner.CanAmend(stop, 0.002m));
    }

    [Theory]
    [InlineData(OrderSide.Sell, 50321.7, 1, 49818.4)]
    [InlineData(OrderSide.Buy, 50321.7, 1, 50825.0)]
    [InlineData(OrderSide.Sell, 50000, 0.5, 49750.0)]
    public void A_trailing_level_sits_on_the_tick_never_closer_than_the_percentage(OrderSide side, double extreme, double percent, double expected)
    {
        var level = StrategyPlanner.TrailingStop(side, (decimal)extreme, (decimal)percent, TestInstruments.BtcPerpSpec);
        Assert.Equal((decimal)expected, level);
    }
}
