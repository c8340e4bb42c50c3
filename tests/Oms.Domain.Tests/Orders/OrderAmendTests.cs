namespace Oms.Domain.Tests.Orders;

/// <summary>Amend (replace) rules: request validation, confirmation, refusal and races with fills and cancels.</summary>
public sealed class OrderAmendTests
{
    [Fact]
    public void An_amend_that_changes_nothing_is_refused()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        AssertRefused(order, o => o.RequestReplace(null, null, TestIds.At(5)), "changes nothing");
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(0.3)]
    [InlineData(0)]
    [InlineData(-1)]
    public void An_amend_to_a_quantity_not_above_the_filled_quantity_is_refused(double quantity)
    {
        var order = OrderFactory.InStatus(OrderStatus.PartiallyFilled);
        AssertRefused(order, o => o.RequestReplace((decimal)quantity, null, TestIds.At(5)), "filled quantity 0.4");
    }

    [Fact]
    public void A_price_amend_on_a_market_order_is_refused()
    {
        var order = OrderFactory.Submitted(OrderFactory.MarketSell());
        order.Accept(TestIds.VenueId1, TestIds.At(1));
        AssertRefused(order, o => o.RequestReplace(null, 100m, TestIds.At(5)), "no limit price");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_non_positive_price_amend_is_refused(double price)
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        AssertRefused(order, o => o.RequestReplace(null, (decimal)price, TestIds.At(5)), "not positive");
    }

    [Fact]
    public void An_amend_before_the_ack_is_refused_by_the_table()
    {
        var order = OrderFactory.Submitted();
        AssertRefused(order, o => o.RequestReplace(2m, null, TestIds.At(5)), "PendingNew");
    }

    [Fact]
    public void A_second_amend_while_one_is_in_flight_is_refused()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingReplace);
        AssertRefused(order, o => o.RequestReplace(2m, null, TestIds.At(5)), "PendingReplace");
    }

    [Fact]
    public void Amend_request_records_the_pending_terms_and_confirmation_applies_them()
    {
        var order = OrderFactory.InStatus(OrderStatus.PartiallyFilled);

        var request = order.RequestReplace(2m, 99.5m, TestIds.At(5));

        Assert.Equal(OrderUpdateOutcome.Applied, request.Outcome);
        var pending = Assert.IsType<OrderPendingReplace>(request.Event);
        Assert.Equal(2m, pending.NewQuantity);
        Assert.Equal(99.5m, pending.NewLimitPrice);
        Assert.Equal(OrderStatus.PendingReplace, order.Status);
        Assert.Equal(2m, order.PendingQuantity);
        Assert.Equal(99.5m, order.PendingLimitPrice);
        Assert.Equal(1m, order.Quantity);
        Assert.Equal(100m, order.LimitPrice);

        var confirm = order.Replace(null, null, TestIds.VenueId2, TestIds.At(6));

        Assert.Equal(OrderUpdateOutcome.Applied, confirm.Outcome);
        var replaced = Assert.IsType<OrderReplaced>(confirm.Event);
        Assert.Equal(2m, replaced.Quantity);
        Assert.Equal(99.5m, replaced.LimitPrice);
        Assert.Equal(TestIds.VenueId2, replaced.VenueOrderId);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(2m, order.Quantity);
        Assert.Equal(99.5m, order.LimitPrice);
        Assert.Equal(TestIds.VenueId2, order.VenueOrderId);
        Assert.Equal(1.6m, order.LeavesQuantity);
        Assert.Null(order.PendingQuantity);
        Assert.Null(order.PendingLimitPrice);
    }

    [Fact]
    public void The_venue_confirmed_terms_win_over_the_requested_ones()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(2m, 99.5m, TestIds.At(5));

        order.Replace(1.5m, 99.4m, null, TestIds.At(6));

        Assert.Equal(1.5m, order.Quantity);
        Assert.Equal(99.4m, order.LimitPrice);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
        Assert.Equal(OrderStatus.New, order.Status);
    }

    [Fact]
    public void Refused_amend_returns_to_working_keeps_the_terms_and_records_the_error()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingReplace, priorFill: true);

        var update = order.RejectReplace("Order amend (quantity increase) is not supported.", "-2038", TestIds.At(10));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var rejected = Assert.IsType<OrderReplaceRejected>(update.Event);
        Assert.Equal("-2038", rejected.VenueCode);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(100m, order.LimitPrice);
        Assert.Null(order.PendingLimitPrice);
        Assert.Equal("-2038: Order amend (quantity increase) is not supported.", order.LastVenueError);
    }

    [Fact]
    public void Amend_down_to_what_filled_while_in_flight_fills_the_order_on_confirmation()
    {
        var order = OrderFactory.InStatus(OrderStatus.PartiallyFilled);
        order.RequestReplace(0.6m, null, TestIds.At(5));
        order.ApplyFill(OrderFactory.FillFor(order, 0.2m));
        Assert.Equal(OrderStatus.PendingReplace, order.Status);

        order.Replace(null, null, null, TestIds.At(7));

        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(0.6m, order.Quantity);
        Assert.Equal(0m, order.LeavesQuantity);
    }

    // Bug fixed in Order.ApplyFill: judging completion against the old quantity while an amend up was in flight marked
    // the order Filled after 1 of 2, and the venue's further fills were then refused (lost from the order).
    [Fact]
    public void Fills_during_an_amend_up_do_not_fill_the_order_before_the_venue_answers()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(2m, null, TestIds.At(5));

        order.ApplyFill(OrderFactory.FillFor(order, 1m));
        Assert.Equal(OrderStatus.PendingReplace, order.Status);

        order.Replace(null, null, null, TestIds.At(7));
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(1m, order.LeavesQuantity);

        Assert.Equal(OrderUpdateOutcome.Applied, order.ApplyFill(OrderFactory.FillFor(order, 1m)).Outcome);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(2m, order.FilledQuantity);
    }

    [Fact]
    public void Refused_amend_up_after_the_old_quantity_filled_ends_filled()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(2m, null, TestIds.At(5));
        order.ApplyFill(OrderFactory.FillFor(order, 1m));

        var update = order.RejectReplace("Order was already filled.", "-2013", TestIds.At(7));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(OrderStatus.Filled, update.Event!.Status);
        Assert.Equal(1m, order.Quantity);
    }

    [Fact]
    public void A_full_fill_of_the_larger_pending_quantity_fills_the_order_at_once()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(2m, null, TestIds.At(5));

        order.ApplyFill(OrderFactory.FillFor(order, 2m));

        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    // Bug fixed in Order.Replace: in PendingCancel the table keeps the status, and the confirmed terms used to be dropped,
    // so after a refused cancel the order worked with the old quantity and never completed.
    [Fact]
    public void Amend_confirmed_while_a_cancel_is_in_flight_applies_its_terms()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(0.5m, 99m, TestIds.At(5));
        order.RequestCancel(TestIds.At(6));
        Assert.Equal(OrderStatus.PendingCancel, order.Status);

        var update = order.Replace(null, null, null, TestIds.At(7));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.IsType<OrderReplaced>(update.Event);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        Assert.Equal(0.5m, order.Quantity);
        Assert.Equal(99m, order.LimitPrice);
        Assert.Null(order.PendingQuantity);

        order.RejectCancel("Unknown order sent.", "-2011", TestIds.At(8));
        Assert.Equal(OrderStatus.New, order.Status);
        order.ApplyFill(OrderFactory.FillFor(order, 0.5m, 99m));
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void Duplicate_amend_confirmation_while_a_cancel_is_in_flight_is_unchanged()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(0.5m, null, TestIds.At(5));
        order.Replace(null, null, null, TestIds.At(6));
        order.RequestCancel(TestIds.At(7));
        var before = Snapshot.Of(order);

        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Replace(0.5m, 100m, TestIds.VenueId1, TestIds.At(8)).Outcome);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Replace(null, null, null, TestIds.At(8)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Amend_confirmed_down_to_the_filled_quantity_while_a_cancel_is_in_flight_fills_the_order()
    {
        var order = OrderFactory.InStatus(OrderStatus.PartiallyFilled);
        order.RequestReplace(0.5m, null, TestIds.At(5));
        order.RequestCancel(TestIds.At(6));
        order.ApplyFill(OrderFactory.FillFor(order, 0.1m));

        order.Replace(null, null, null, TestIds.At(7));

        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    // Bug fixed in Order.RejectReplace: in PendingCancel the refusal left the pending terms behind, and a later
    // confirmation without terms (or a venue-initiated replace) would have applied the refused amend.
    [Fact]
    public void Amend_refused_while_a_cancel_is_in_flight_forgets_the_pending_terms()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        order.RequestReplace(0.5m, 99m, TestIds.At(5));
        order.RequestCancel(TestIds.At(6));

        var update = order.RejectReplace("Order amend rejected.", "-2038", TestIds.At(7));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        Assert.Null(order.PendingQuantity);
        Assert.Null(order.PendingLimitPrice);
        Assert.Equal("-2038: Order amend rejected.", order.LastVenueError);

        order.RejectCancel("Unknown order sent.", "-2011", TestIds.At(8));
        order.Replace(null, null, null, TestIds.At(9));
        Assert.Equal(1m, order.Quantity);
        Assert.Equal(100m, order.LimitPrice);
    }

    [Fact]
    public void Amend_refusal_without_an_amend_in_flight_is_unchanged()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingCancel);
        var before = Snapshot.Of(order);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.RejectReplace("late", null, TestIds.At(9)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    private static void AssertRefused(Order order, Func<Order, OrderUpdate> act, string reasonContains)
    {
        var before = Snapshot.Of(order);
        var update = act(order);
        Assert.Equal(OrderUpdateOutcome.Invalid, update.Outcome);
        Assert.Contains(reasonContains, update.Error, StringComparison.Ordinal);
        Assert.Null(update.Event);
        Assert.Equal(before, Snapshot.Of(order));
    }
}
