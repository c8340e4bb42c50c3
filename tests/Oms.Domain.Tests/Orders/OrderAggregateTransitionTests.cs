namespace Oms.Domain.Tests.Orders;

/// <summary>
/// Every (status, trigger) pair again, this time through the <see cref="Order"/> API: the order is driven into the
/// status by real calls and the trigger applied by the method a grain would call. Checks the outcome, the status, the
/// event type and that refused or no-op calls leave every public property untouched.
/// </summary>
public sealed class OrderAggregateTransitionTests
{
    /// <summary>Statuses that can also be reached with 0.4 of 1 already filled.</summary>
    private static readonly OrderStatus[] ReachableWithFill =
        [OrderStatus.PendingCancel, OrderStatus.PendingReplace, OrderStatus.Canceled, OrderStatus.Expired];

    public static TheoryData<OrderStatus, OrderTrigger, bool> AllPairs()
    {
        var data = new TheoryData<OrderStatus, OrderTrigger, bool>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
            {
                data.Add(status, trigger, false);
                if (ReachableWithFill.Contains(status)) data.Add(status, trigger, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Aggregate_follows_the_table(OrderStatus from, OrderTrigger trigger, bool priorFill)
    {
        var order = OrderFactory.InStatus(from, priorFill);
        var before = Snapshot.Of(order);
        var filledBefore = order.FilledQuantity;
        var transition = OrderStateMachine.Lookup(from, trigger);

        var update = Apply(order, trigger);

        switch (transition.Kind)
        {
            case TransitionKind.Invalid:
                Assert.Equal(OrderUpdateOutcome.Invalid, update.Outcome);
                Assert.False(string.IsNullOrWhiteSpace(update.Error));
                Assert.Null(update.Event);
                Assert.Equal(before, Snapshot.Of(order));
                break;
            case TransitionKind.Stay:
                Assert.NotEqual(OrderUpdateOutcome.Invalid, update.Outcome);
                Assert.Equal(from, order.Status);
                if (update.Outcome == OrderUpdateOutcome.Unchanged) Assert.Equal(before, Snapshot.Of(order));
                break;
            default:
                Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
                var expected = transition.Kind == TransitionKind.Working
                    ? order.FilledQuantity > 0m ? OrderStatus.PartiallyFilled : OrderStatus.New
                    : transition.To;
                Assert.Equal(expected, order.Status);
                break;
        }

        if (update.Outcome == OrderUpdateOutcome.Applied)
        {
            Assert.NotNull(update.Event);
            Assert.IsType(ExpectedEventType(trigger), update.Event);
            Assert.Equal(order.Status, update.Event.Status);
            Assert.Equal(order.ClientOrderId, update.Event.ClientOrderId);
            Assert.Equal(order.Account, update.Event.Account);
        }

        var fillApplied = trigger is OrderTrigger.PartialFill or OrderTrigger.FullFill && update.Outcome == OrderUpdateOutcome.Applied;
        Assert.Equal(fillApplied, order.FilledQuantity > filledBefore);
        if (OrderStateMachine.IsTerminal(order.Status)) Assert.Equal(0m, order.LeavesQuantity);
    }

    private static OrderUpdate Apply(Order order, OrderTrigger trigger)
    {
        var at = TestIds.At(60);
        return trigger switch
        {
            OrderTrigger.Accept => order.Accept(null, at),
            OrderTrigger.Reject => order.Reject("Account has insufficient balance for requested action.", "-2010", at),
            // 0.1 never completes an order of 1 with at most 0.4 filled.
            OrderTrigger.PartialFill => order.ApplyFill(OrderFactory.FillFor(order, 0.1m, atSecond: 60)),
            OrderTrigger.FullFill => order.ApplyFill(OrderFactory.FillFor(order,
                order.Quantity > order.FilledQuantity ? order.Quantity - order.FilledQuantity : 0.1m, atSecond: 60)),
            OrderTrigger.CancelRequest => order.RequestCancel(at),
            OrderTrigger.CancelReject => order.RejectCancel("Unknown order sent.", "-2011", at),
            OrderTrigger.Cancel => order.Cancel("canceled by user", at),
            OrderTrigger.ReplaceRequest => order.RequestReplace(null, 99m, at),
            OrderTrigger.ReplaceReject => order.RejectReplace("Order amend rejected.", "-2038", at),
            OrderTrigger.Replace => order.Replace(null, null, null, at),
            OrderTrigger.Expire => order.Expire("expired", at),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, null),
        };
    }

    private static Type ExpectedEventType(OrderTrigger trigger) => trigger switch
    {
        OrderTrigger.Accept => typeof(OrderAccepted),
        OrderTrigger.Reject => typeof(OrderRejected),
        OrderTrigger.PartialFill or OrderTrigger.FullFill => typeof(OrderFilled),
        OrderTrigger.CancelRequest => typeof(OrderPendingCancel),
        OrderTrigger.CancelReject => typeof(OrderCancelRejected),
        OrderTrigger.Cancel => typeof(OrderCanceled),
        OrderTrigger.ReplaceRequest => typeof(OrderPendingReplace),
        OrderTrigger.ReplaceReject => typeof(OrderReplaceRejected),
        OrderTrigger.Replace => typeof(OrderReplaced),
        OrderTrigger.Expire => typeof(OrderExpired),
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, null),
    };
}
