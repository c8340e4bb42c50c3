using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Oms.Domain.Tests.Orders;

/// <summary>
/// Random sequences of everything a venue and the OMS can do to one order (including malformed and foreign fills),
/// checked step by step against invariants that must hold whatever the order of events.
/// </summary>
public sealed class OrderPropertyTests
{
    private enum Step
    {
        Accept, AcceptWithId, Reject, Fill, ForeignFill, MalformedFill, RequestCancel, RejectCancel, Cancel,
        RequestReplace, RejectReplace, Replace, Expire, Trigger,
    }

    /// <summary>One step with its parameters: fill quantity and price on the venue grid, amend terms.</summary>
    private sealed record Act(Step Step, decimal Quantity, decimal Price, bool WithQuantity, bool WithPrice)
    {
        public override string ToString() => $"{Step}(q={Quantity}, p={Price}, q?={WithQuantity}, p?={WithPrice})";
    }

    private sealed record Scenario(bool Denied, bool Conditional, IReadOnlyList<Act> Actions)
    {
        public override string ToString() => $"denied={Denied} conditional={Conditional} [{string.Join(", ", Actions)}]";
    }

    private static readonly Gen<Act> ActionGen =
        from step in Gen.Elements(Enum.GetValues<Step>())
        from lots in Gen.Choose(1, 700)              // quantity step 0.001: 0.001 .. 0.700
        from ticks in Gen.Choose(9_000, 11_000)      // tick 0.01: 90.00 .. 110.00
        from withQuantity in Gen.Elements(true, false)
        from withPrice in Gen.Elements(true, false)
        select new Act(step, lots * 0.001m, ticks * 0.01m, withQuantity, withPrice);

    private static readonly Arbitrary<Scenario> Scenarios =
        (from denied in Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false)))
         from conditional in Gen.Elements(true, false)
         from actions in Gen.ListOf(ActionGen)
         select new Scenario(denied, conditional, actions.ToList())).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Refused_and_no_op_steps_leave_the_order_byte_for_byte_unchanged() =>
        Prop.ForAll(Scenarios, scenario => Run(scenario, (order, _, before, update, after) =>
        {
            if (update.Outcome == OrderUpdateOutcome.Applied)
            {
                Assert.NotNull(update.Event);
                Assert.Equal(order.Status, update.Event.Status);
                Assert.Null(update.Error);
            }
            else
            {
                Assert.Null(update.Event);
                Assert.Equal(before, after);
                if (update.Outcome == OrderUpdateOutcome.Invalid) Assert.False(string.IsNullOrWhiteSpace(update.Error));
            }
        }));

    [Property(MaxTest = 300)]
    public Property A_denied_order_never_changes() =>
        Prop.ForAll(Scenarios, scenario =>
        {
            var order = Create(scenario with { Denied = true });
            var initial = Snapshot.Of(order);
            foreach (var action in scenario.Actions)
            {
                Assert.NotEqual(OrderUpdateOutcome.Applied, Apply(order, action, TestIds.At(1)).Outcome);
            }
            Assert.Equal(initial, Snapshot.Of(order));
        });

    [Property(MaxTest = 300)]
    public Property Filled_quantity_never_decreases_and_equals_the_sum_of_applied_fills() =>
        Prop.ForAll(Scenarios, scenario =>
        {
            decimal quantity = 0m, quote = 0m, fees = 0m;
            var count = 0;
            Run(scenario, (order, action, _, update, _) =>
            {
                if (update.Event is OrderFilled filled)
                {
                    quantity += filled.Fill.Quantity;
                    quote += filled.Fill.Notional;
                    fees += filled.Fill.Fee;
                    count++;
                    Assert.Equal(order.FilledQuantity, filled.FilledQuantity);
                    Assert.Equal(order.LeavesQuantity, filled.LeavesQuantity);
                    Assert.Equal(order.AveragePrice, filled.AveragePrice);
                }
                Assert.Equal(quantity, order.FilledQuantity);
                Assert.Equal(quote, order.FilledQuoteQuantity);
                Assert.Equal(fees, order.Fees.Values.Sum());
                Assert.Equal(count, order.FillCount);
                Assert.True(order.LeavesQuantity >= 0m);
                if (OrderStateMachine.IsTerminal(order.Status)) Assert.Equal(0m, order.LeavesQuantity);
                if (order.FilledQuantity > 0m)
                {
                    // Every fill price lies in [90, 110], so the average does too.
                    Assert.InRange(order.AveragePrice, 90m, 110m);
                }
            }, monotonic: true);
        });

    [Property(MaxTest = 300)]
    public Property Terminal_statuses_stay_terminal_except_for_the_documented_late_fills() =>
        Prop.ForAll(Scenarios, scenario => Run(scenario, (order, action, before, update, _) =>
        {
            var from = Enum.Parse<OrderStatus>(Value(before, nameof(Order.Status)));
            if (!OrderStateMachine.IsTerminal(from) || order.Status == from) return;
            Assert.Equal(Step.Fill, action.Step);
            Assert.True(
                (from is OrderStatus.Canceled or OrderStatus.Expired && order.Status == OrderStatus.Filled)
                || (from == OrderStatus.Rejected && order.Status is OrderStatus.PartiallyFilled or OrderStatus.Filled),
                $"{from} moved to {order.Status} on {action}");
        }));

    [Property(MaxTest = 300)]
    public Property Every_status_change_is_one_the_table_allows() =>
        Prop.ForAll(Scenarios, scenario => Run(scenario, (order, action, before, update, _) =>
        {
            var from = Enum.Parse<OrderStatus>(Value(before, nameof(Order.Status)));
            if (TriggerOf(action, order, before) is not { } trigger) return;
            var transition = OrderStateMachine.Lookup(from, trigger);
            if (transition.Kind == TransitionKind.Invalid)
            {
                Assert.Equal(OrderUpdateOutcome.Invalid, update.Outcome);
                return;
            }
            if (update.Outcome == OrderUpdateOutcome.Invalid) return; // refused by validation before the table
            var allowed = transition.Resolve(from, order.FilledQuantity > 0m);
            // Replace and RejectReplace settle an order whose fills already cover the quantity that holds.
            Assert.True(order.Status == allowed || (order.Status == OrderStatus.Filled && trigger is OrderTrigger.Replace or OrderTrigger.ReplaceReject),
                $"{from} + {trigger} gave {order.Status}, table says {allowed}");
        }));

    /// <summary>Runs the scenario, calling <paramref name="check"/> after each step with the snapshots around it.</summary>
    private static void Run(Scenario scenario, Action<Order, Act, IReadOnlyList<string>, OrderUpdate, IReadOnlyList<string>> check, bool monotonic = false)
    {
        var order = Create(scenario);
        var second = 1;
        foreach (var action in scenario.Actions)
        {
            var before = Snapshot.Of(order);
            var filledBefore = order.FilledQuantity;
            var update = Apply(order, action, TestIds.At(second++));
            check(order, action, before, update, Snapshot.Of(order));
            if (monotonic) Assert.True(order.FilledQuantity >= filledBefore, $"filled quantity decreased on {action}");
        }
    }

    private static Order Create(Scenario scenario)
    {
        var spec = scenario.Conditional
            ? new OrderSpec { Instrument = TestIds.BtcUsdtPerp, Side = OrderSide.Buy, Type = OrderType.StopLimit, Quantity = 1m, LimitPrice = 100m, StopPrice = 99m }
            : OrderFactory.LimitBuy(1m, 100m);
        return scenario.Denied ? OrderFactory.Denied(spec) : OrderFactory.Submitted(spec);
    }

    private static OrderUpdate Apply(Order order, Act action, DateTimeOffset at)
    {
        var fill = OrderFactory.FillFor(order, action.Quantity, action.Price, fee: action.Quantity / 1000m, feeAsset: "BTC",
            venueOrderId: TestIds.VenueId1);
        return action.Step switch
        {
            Step.Accept => order.Accept(null, at),
            Step.AcceptWithId => order.Accept(TestIds.VenueId1, at),
            Step.Reject => order.Reject("rejected", "-2010", at),
            Step.Fill => order.ApplyFill(fill),
            Step.ForeignFill => order.ApplyFill(fill with { ClientOrderId = new ClientOrderId("someone-else") }),
            Step.MalformedFill => order.ApplyFill(fill with { Price = 0m }),
            Step.RequestCancel => order.RequestCancel(at),
            Step.RejectCancel => order.RejectCancel("Unknown order sent.", "-2011", at),
            Step.Cancel => order.Cancel(null, at),
            Step.RequestReplace => order.RequestReplace(
                action.WithQuantity ? action.Quantity * 2m : null, action.WithPrice ? action.Price : null, at),
            Step.RejectReplace => order.RejectReplace("amend rejected", null, at),
            Step.Replace => order.Replace(action.WithQuantity ? action.Quantity * 2m : null, action.WithPrice ? action.Price : null, null, at),
            Step.Expire => order.Expire(null, at),
            Step.Trigger => order.MarkTriggered(TestIds.VenueId2, at),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Step, null),
        };
    }

    /// <summary>The table trigger a step corresponds to, or null for steps outside the table.</summary>
    private static OrderTrigger? TriggerOf(Act action, Order order, IReadOnlyList<string> before) => action.Step switch
    {
        Step.Accept or Step.AcceptWithId => OrderTrigger.Accept,
        Step.Reject => OrderTrigger.Reject,
        Step.Fill => CompletesOrder(action, before) ? OrderTrigger.FullFill : OrderTrigger.PartialFill,
        Step.RequestCancel => OrderTrigger.CancelRequest,
        Step.RejectCancel => OrderTrigger.CancelReject,
        Step.Cancel => OrderTrigger.Cancel,
        Step.RequestReplace => OrderTrigger.ReplaceRequest,
        Step.RejectReplace => OrderTrigger.ReplaceReject,
        Step.Replace => OrderTrigger.Replace,
        Step.Expire => OrderTrigger.Expire,
        _ => null,
    };

    private static bool CompletesOrder(Act action, IReadOnlyList<string> before)
    {
        var quantity = decimal.Parse(Value(before, nameof(Order.Quantity)), System.Globalization.CultureInfo.InvariantCulture);
        var pendingText = Value(before, nameof(Order.PendingQuantity));
        var pending = pendingText == "<null>" ? 0m : decimal.Parse(pendingText, System.Globalization.CultureInfo.InvariantCulture);
        var filled = decimal.Parse(Value(before, nameof(Order.FilledQuantity)), System.Globalization.CultureInfo.InvariantCulture);
        return filled + action.Quantity >= Math.Max(quantity, pending);
    }

    private static string Value(IReadOnlyList<string> snapshot, string property) =>
        snapshot.Single(line => line.StartsWith(property + "=", StringComparison.Ordinal))[(property.Length + 1)..];
}
