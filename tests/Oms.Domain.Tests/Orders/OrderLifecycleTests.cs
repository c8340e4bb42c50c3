namespace Oms.Domain.Tests.Orders;

/// <summary>The real-world edges of the order lifecycle, each as a named scenario through the aggregate API.</summary>
public sealed class OrderLifecycleTests
{
    [Fact]
    public void Submit_creates_a_pending_new_order_and_an_order_submitted_event()
    {
        var spec = OrderFactory.LimitBuy(2m, 100.5m);
        var (order, submitted) = Order.Submit(TestIds.Account, TestIds.ClientOrderId, spec, TestIds.T0);

        Assert.Equal(OrderStatus.PendingNew, order.Status);
        Assert.True(order.IsOpen);
        Assert.Equal(2m, order.Quantity);
        Assert.Equal(100.5m, order.LimitPrice);
        Assert.Equal(2m, order.LeavesQuantity);
        Assert.Equal(0m, order.FilledQuantity);
        Assert.Equal(0m, order.AveragePrice);
        Assert.Null(order.VenueOrderId);
        Assert.Equal(TestIds.T0, order.CreatedAt);
        Assert.Equal(TestIds.T0, order.UpdatedAt);
        Assert.Equal(OrderStatus.PendingNew, submitted.Status);
        Assert.Same(spec, submitted.Spec);
        Assert.Equal(TestIds.ClientOrderId, submitted.ClientOrderId);
    }

    [Fact]
    public void Deny_keeps_the_denial_and_the_order_never_opens()
    {
        var (order, denied) = Order.Deny(TestIds.Account, TestIds.ClientOrderId, OrderFactory.LimitBuy(),
            new Denial(DenialCode.TradingHalted, "account acc-1 is halted"), TestIds.T0);

        Assert.Equal(OrderStatus.Denied, order.Status);
        Assert.False(order.IsOpen);
        Assert.Equal(0m, order.LeavesQuantity);
        Assert.Equal(DenialCode.TradingHalted, order.Denial!.Code);
        Assert.Equal(OrderStatus.Denied, denied.Status);
        Assert.Same(order.Denial, denied.Denial);
    }

    [Fact]
    public void Ack_moves_to_new_and_teaches_the_venue_order_id()
    {
        var order = OrderFactory.Submitted();
        var update = order.Accept(TestIds.VenueId1, TestIds.At(1));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var accepted = Assert.IsType<OrderAccepted>(update.Event);
        Assert.Equal(TestIds.VenueId1, accepted.VenueOrderId);
        Assert.Equal(OrderStatus.New, order.Status);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
        Assert.Equal(TestIds.At(1), order.UpdatedAt);
    }

    [Fact]
    public void Duplicate_ack_is_unchanged()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        var before = Snapshot.Of(order);

        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Accept(TestIds.VenueId1, TestIds.At(5)).Outcome);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Accept(null, TestIds.At(5)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Late_ack_after_a_cancel_was_sent_keeps_pending_cancel_but_teaches_the_venue_id()
    {
        var order = OrderFactory.Submitted();
        Assert.Equal(OrderUpdateOutcome.Applied, order.RequestCancel(TestIds.At(1)).Outcome);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);

        var update = order.Accept(TestIds.VenueId1, TestIds.At(2));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var accepted = Assert.IsType<OrderAccepted>(update.Event);
        Assert.Equal(TestIds.VenueId1, accepted.VenueOrderId);
        Assert.Equal(OrderStatus.PendingCancel, accepted.Status);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
    }

    [Fact]
    public void Late_ack_after_the_order_was_cancelled_teaches_the_venue_id_and_stays_cancelled()
    {
        var order = OrderFactory.Submitted();
        order.Cancel("IOC remainder", TestIds.At(1));

        var update = order.Accept(TestIds.VenueId2, TestIds.At(2));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Equal(TestIds.VenueId2, order.VenueOrderId);
    }

    [Fact]
    public void Late_ack_does_not_overwrite_a_known_venue_id()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Accept(TestIds.VenueId2, TestIds.At(5)).Outcome);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
    }

    [Fact]
    public void Fill_before_ack_applies_and_the_late_ack_changes_nothing()
    {
        var order = OrderFactory.Submitted();
        var fill = OrderFactory.FillFor(order, 0.4m, 100m, venueOrderId: TestIds.VenueId1);

        var update = order.ApplyFill(fill);

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
        Assert.Equal(0.4m, order.FilledQuantity);

        var before = Snapshot.Of(order);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Accept(TestIds.VenueId1, TestIds.At(20)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Full_fill_before_ack_fills_the_order()
    {
        var order = OrderFactory.Submitted();
        order.ApplyFill(OrderFactory.FillFor(order, 1m));

        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Null(order.VenueOrderId);

        // The late ack keeps the order filled; it is reported only because it teaches the venue id.
        var update = order.Accept(TestIds.VenueId1, TestIds.At(20));
        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.Filled, update.Event!.Status);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(TestIds.VenueId1, order.VenueOrderId);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Accept(TestIds.VenueId1, TestIds.At(21)).Outcome);
    }

    [Fact]
    public void Fill_after_cancel_applies_and_the_order_stays_cancelled()
    {
        var order = OrderFactory.InStatus(OrderStatus.Canceled);

        var update = order.ApplyFill(OrderFactory.FillFor(order, 0.3m, 99m));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var filled = Assert.IsType<OrderFilled>(update.Event);
        Assert.Equal(OrderStatus.Canceled, filled.Status);
        Assert.Equal(0.3m, filled.FilledQuantity);
        Assert.Equal(0m, filled.LeavesQuantity);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Equal(0.3m, order.FilledQuantity);
        Assert.Equal(99m, order.AveragePrice);
        Assert.Equal(0m, order.LeavesQuantity);
    }

    [Fact]
    public void Late_fills_that_complete_a_cancelled_order_make_it_filled()
    {
        var order = OrderFactory.InStatus(OrderStatus.Canceled, priorFill: true);

        var update = order.ApplyFill(OrderFactory.FillFor(order, 0.6m));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(1m, order.FilledQuantity);
    }

    [Fact]
    public void Late_fills_after_expiry_apply_like_after_a_cancel()
    {
        var order = OrderFactory.InStatus(OrderStatus.Expired);
        order.ApplyFill(OrderFactory.FillFor(order, 0.5m));
        Assert.Equal(OrderStatus.Expired, order.Status);
        order.ApplyFill(OrderFactory.FillFor(order, 0.5m));
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void Cancel_racing_a_partial_fill_then_confirmed_ends_cancelled_with_the_fill()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingCancel);

        Assert.Equal(OrderUpdateOutcome.Applied, order.ApplyFill(OrderFactory.FillFor(order, 0.25m)).Outcome);
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        Assert.Equal(0.75m, order.LeavesQuantity);

        Assert.Equal(OrderUpdateOutcome.Applied, order.Cancel(null, TestIds.At(30)).Outcome);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Equal(0.25m, order.FilledQuantity);
    }

    [Fact]
    public void Cancel_racing_a_partial_fill_then_rejected_returns_to_partially_filled()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingCancel);
        order.ApplyFill(OrderFactory.FillFor(order, 0.25m));

        var update = order.RejectCancel("Order would trigger immediately.", "-2021", TestIds.At(30));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.IsType<OrderCancelRejected>(update.Event);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal("-2021: Order would trigger immediately.", order.LastVenueError);
    }

    [Fact]
    public void Cancel_losing_the_race_to_the_final_fill_ends_filled_and_the_cancel_answer_changes_nothing()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingCancel, priorFill: true);

        order.ApplyFill(OrderFactory.FillFor(order, 0.6m));
        Assert.Equal(OrderStatus.Filled, order.Status);

        var before = Snapshot.Of(order);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.RejectCancel("Unknown order sent.", "-2011", TestIds.At(40)).Outcome);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Cancel(null, TestIds.At(41)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Cancel_sent_before_ack_then_the_venue_rejects_the_order()
    {
        var order = OrderFactory.Submitted();
        order.RequestCancel(TestIds.At(1));

        var update = order.Reject("Filter failure: PRICE_FILTER", "-1013", TestIds.At(2));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var rejected = Assert.IsType<OrderRejected>(update.Event);
        Assert.Equal("-1013", rejected.VenueCode);
        Assert.Equal(OrderStatus.Rejected, order.Status);
        Assert.Equal("-1013: Filter failure: PRICE_FILTER", order.LastVenueError);
        // The cancel's own answer (unknown order) arrives afterwards and changes nothing.
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.RejectCancel("Unknown order sent.", "-2011", TestIds.At(3)).Outcome);
        Assert.Equal(OrderStatus.Rejected, order.Status);
    }

    [Fact]
    public void Duplicate_reject_is_unchanged()
    {
        var order = OrderFactory.InStatus(OrderStatus.Rejected);
        var before = Snapshot.Of(order);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.Reject("again", null, TestIds.At(9)).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Fills_after_a_rejection_apply_because_the_venue_traded()
    {
        var order = OrderFactory.InStatus(OrderStatus.Rejected);

        order.ApplyFill(OrderFactory.FillFor(order, 0.4m));
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.True(order.IsOpen);

        order.ApplyFill(OrderFactory.FillFor(order, 0.6m));
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(1m, order.FilledQuantity);
    }

    [Fact]
    public void Cancel_replace_whose_cancel_succeeded_and_whose_new_order_failed_ends_cancelled()
    {
        var order = OrderFactory.InStatus(OrderStatus.PendingReplace, priorFill: true);
        Assert.Equal(101m, order.PendingLimitPrice);

        Assert.Equal(OrderUpdateOutcome.Applied, order.Cancel("cancel leg of cancelReplace succeeded", TestIds.At(10)).Outcome);
        Assert.Equal(OrderStatus.Canceled, order.Status);

        // The new-order leg failed: the amend is refused and forgotten; the order stays cancelled with its fill.
        var update = order.RejectReplace("Filter failure: PRICE_FILTER", "-1013", TestIds.At(11));
        Assert.NotEqual(OrderUpdateOutcome.Invalid, update.Outcome);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Null(order.PendingLimitPrice);
        Assert.Null(order.PendingQuantity);
        Assert.Equal(100m, order.LimitPrice);
        Assert.Equal(0.4m, order.FilledQuantity);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.Replace(null, 101m, null, TestIds.At(12)).Outcome);
    }

    [Fact]
    public void Nothing_applies_to_a_denied_order()
    {
        var order = OrderFactory.Denied(OrderFactory.StopMarketSellPerp());
        var before = Snapshot.Of(order);
        var at = TestIds.At(5);
        var fill = OrderFactory.FillFor(order, 0.5m);

        Assert.Equal(OrderUpdateOutcome.Invalid, order.Accept(TestIds.VenueId1, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.Reject("x", null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.ApplyFill(fill).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.ApplyFill(fill with { Quantity = 1m }).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RequestCancel(at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RejectCancel("x", null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.Cancel(null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.Expire(null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RequestReplace(0.5m, null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RejectReplace("x", null, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.Replace(0.5m, null, TestIds.VenueId1, at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Unchanged, order.MarkTriggered(TestIds.VenueId2, at).Outcome);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Theory]
    [InlineData(OrderStatus.Filled)]
    [InlineData(OrderStatus.Canceled)]
    [InlineData(OrderStatus.Rejected)]
    [InlineData(OrderStatus.Denied)]
    [InlineData(OrderStatus.Expired)]
    public void Terminal_orders_refuse_cancel_and_amend_requests(OrderStatus status)
    {
        var order = OrderFactory.InStatus(status);
        var before = Snapshot.Of(order);

        Assert.Equal(OrderUpdateOutcome.Invalid, order.RequestCancel(TestIds.At(50)).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RequestReplace(null, 99m, TestIds.At(50)).Outcome);
        Assert.Equal(OrderUpdateOutcome.Invalid, order.RequestReplace(2m, null, TestIds.At(50)).Outcome);
        Assert.False(order.IsOpen);
        Assert.Equal(0m, order.LeavesQuantity);
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void Fill_beyond_the_quantity_of_a_filled_order_still_applies_and_the_order_stays_filled()
    {
        var order = OrderFactory.InStatus(OrderStatus.Filled);
        var filledBefore = order.FilledQuantity;

        var update = order.ApplyFill(OrderFactory.FillFor(order, 0.1m));

        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(filledBefore + 0.1m, order.FilledQuantity);
        Assert.Equal(0m, order.LeavesQuantity);
        var filled = Assert.IsType<OrderFilled>(update.Event);
        Assert.Equal(OrderStatus.Filled, filled.Status);
    }

    [Fact]
    public void Cancel_refused_before_the_ack_then_the_venue_rejects_the_order_ends_rejected()
    {
        var order = OrderFactory.Submitted();
        var at = DateTimeOffset.UnixEpoch;

        Assert.Equal(OrderUpdateOutcome.Applied, order.RequestCancel(at).Outcome);
        Assert.Equal(OrderUpdateOutcome.Applied, order.RejectCancel("Unknown order sent.", "-2011", at).Outcome);
        Assert.Equal(OrderStatus.New, order.Status);

        var rejected = order.Reject("Account has insufficient balance for requested action.", "-2010", at);

        Assert.Equal(OrderUpdateOutcome.Applied, rejected.Outcome);
        Assert.Equal(OrderStatus.Rejected, order.Status);
    }

    [Fact]
    public void Fills_accumulate_quantity_quote_average_fees_and_count()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);

        var first = order.ApplyFill(OrderFactory.FillFor(order, 0.3m, 100m, fee: 0.0003m, feeAsset: "BTC", atSecond: 20));
        var second = order.ApplyFill(OrderFactory.FillFor(order, 0.2m, 101m, fee: 0.01m, feeAsset: "BNB", atSecond: 21));
        var third = order.ApplyFill(OrderFactory.FillFor(order, 0.1m, 102.5m, fee: 0.0001m, feeAsset: "BTC", atSecond: 19));

        Assert.All(new[] { first, second, third }, u => Assert.Equal(OrderUpdateOutcome.Applied, u.Outcome));
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(0.6m, order.FilledQuantity);
        Assert.Equal(30m + 20.2m + 10.25m, order.FilledQuoteQuantity);
        Assert.Equal(60.45m / 0.6m, order.AveragePrice);
        Assert.Equal(100.75m, order.AveragePrice);
        Assert.Equal(0.4m, order.LeavesQuantity);
        Assert.Equal(3, order.FillCount);
        Assert.Equal(2, order.Fees.Count);
        Assert.Equal(0.0004m, order.Fees["BTC"]);
        Assert.Equal(0.01m, order.Fees["BNB"]);
        // UpdatedAt never goes backwards when fills arrive out of order.
        Assert.Equal(TestIds.At(21), order.UpdatedAt);

        var filled = Assert.IsType<OrderFilled>(third.Event);
        Assert.Equal(0.6m, filled.FilledQuantity);
        Assert.Equal(0.4m, filled.LeavesQuantity);
        Assert.Equal(100.75m, filled.AveragePrice);
        Assert.Equal(OrderStatus.PartiallyFilled, filled.Status);

        order.ApplyFill(OrderFactory.FillFor(order, 0.4m, 99m));
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(0m, order.LeavesQuantity);
        Assert.Equal(100.05m, order.AveragePrice);
    }

    [Fact]
    public void A_fill_for_another_order_instrument_or_side_or_a_malformed_fill_is_refused()
    {
        var order = OrderFactory.InStatus(OrderStatus.New);
        var good = OrderFactory.FillFor(order, 0.1m);
        var before = Snapshot.Of(order);

        Fill[] bad =
        [
            good with { ClientOrderId = new ClientOrderId("other") },
            good with { Instrument = TestIds.BtcUsdtPerp },
            good with { Side = OrderSide.Sell },
            good with { Quantity = 0m },
            good with { Quantity = -0.1m },
            good with { Price = 0m },
            good with { Fee = 0.1m, FeeAsset = "" },
            good with { TradeId = new TradeId("") },
        ];
        foreach (var fill in bad)
        {
            var update = order.ApplyFill(fill);
            Assert.Equal(OrderUpdateOutcome.Invalid, update.Outcome);
            Assert.False(string.IsNullOrWhiteSpace(update.Error));
        }
        Assert.Equal(before, Snapshot.Of(order));
    }

    [Fact]
    public void A_quote_sized_market_order_never_completes_on_quantity_alone()
    {
        var spec = new OrderSpec
        {
            Instrument = TestIds.BtcUsdtSpot, Side = OrderSide.Buy, Type = OrderType.Market, Quantity = 0m, QuoteQuantity = 1000m,
        };
        Assert.Null(spec.Validate());
        var order = OrderFactory.Submitted(spec);

        order.ApplyFill(OrderFactory.FillFor(order, 5m, 150m));
        order.ApplyFill(OrderFactory.FillFor(order, 1.6m, 156.25m));

        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Equal(1000m, order.FilledQuoteQuantity);
        Assert.Equal(6.6m, order.FilledQuantity);
        // The venue ends such an order with an expiry of the unfilled rest (or a final fill status, see the report).
        Assert.Equal(OrderUpdateOutcome.Applied, order.Expire("market order done", TestIds.At(30)).Outcome);
        Assert.Equal(6.6m, order.FilledQuantity);
    }

    [Fact]
    public void Trigger_is_recorded_once_for_conditional_orders_only()
    {
        var stop = OrderFactory.Submitted(OrderFactory.StopMarketSellPerp());
        stop.Accept(TestIds.VenueId1, TestIds.At(1));

        var update = stop.MarkTriggered(TestIds.VenueId2, TestIds.At(2));
        Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
        var triggered = Assert.IsType<OrderTriggered>(update.Event);
        Assert.Equal(TestIds.VenueId2, triggered.TriggeredVenueOrderId);
        Assert.Equal(OrderStatus.New, stop.Status);
        Assert.True(stop.Triggered);
        Assert.Equal(OrderUpdateOutcome.Unchanged, stop.MarkTriggered(TestIds.VenueId2, TestIds.At(3)).Outcome);

        var limit = OrderFactory.InStatus(OrderStatus.New);
        Assert.Equal(OrderUpdateOutcome.Invalid, limit.MarkTriggered(null, TestIds.At(2)).Outcome);
        Assert.False(limit.Triggered);
    }

    [Fact]
    public void Cancel_and_expire_record_their_reasons_in_the_events()
    {
        var canceled = OrderFactory.InStatus(OrderStatus.New);
        var cancel = Assert.IsType<OrderCanceled>(canceled.Cancel("STP expire maker", TestIds.At(5)).Event);
        Assert.Equal("STP expire maker", cancel.Reason);
        Assert.Equal(TestIds.At(5), canceled.UpdatedAt);

        var expired = OrderFactory.InStatus(OrderStatus.New);
        var expire = Assert.IsType<OrderExpired>(expired.Expire("IOC", TestIds.At(6)).Event);
        Assert.Equal("IOC", expire.Reason);
        Assert.Equal(OrderStatus.Expired, expire.Status);
    }
}
