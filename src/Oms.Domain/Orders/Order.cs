namespace Oms.Domain;

/// <summary>The result of applying something to an order.</summary>
public enum OrderUpdateOutcome
{
    /// <summary>The order changed; <see cref="OrderUpdate.Event"/> says how.</summary>
    Applied = 1,
    /// <summary>Legal but nothing to change (duplicate or late information).</summary>
    Unchanged = 2,
    /// <summary>Not legal from the current status; the order is untouched and <see cref="OrderUpdate.Error"/> says why.</summary>
    Invalid = 3,
}

public readonly record struct OrderUpdate(OrderUpdateOutcome Outcome, OrderEvent? Event, string? Error)
{
    public static OrderUpdate Unchanged => new(OrderUpdateOutcome.Unchanged, null, null);
    public static OrderUpdate Applied(OrderEvent e) => new(OrderUpdateOutcome.Applied, e, null);
    public static OrderUpdate Invalid(string error) => new(OrderUpdateOutcome.Invalid, null, error);
}

/// <summary>
/// The order aggregate. All status changes go through <see cref="OrderStateMachine"/>. Mutated only by its
/// owning account (single writer); persisted as part of the account's state.
/// </summary>
[GenerateSerializer, Alias("oms.Order")]
public sealed class Order
{
    [Id(0)] public AccountId Account { get; private set; }
    [Id(1)] public ClientOrderId ClientOrderId { get; private set; }
    [Id(2)] public OrderSpec Spec { get; private set; } = null!;
    [Id(3)] public OrderStatus Status { get; private set; }
    [Id(4)] public VenueOrderId? VenueOrderId { get; private set; }
    /// <summary>Current quantity (changes on amend).</summary>
    [Id(5)] public decimal Quantity { get; private set; }
    /// <summary>Current limit price (changes on amend).</summary>
    [Id(6)] public decimal? LimitPrice { get; private set; }
    [Id(7)] public decimal FilledQuantity { get; private set; }
    [Id(8)] public decimal FilledQuoteQuantity { get; private set; }
    /// <summary>Fees paid, one entry per asset.</summary>
    [Id(9)] public Dictionary<string, decimal> Fees { get; private set; } = new(StringComparer.Ordinal);
    [Id(10)] public DateTimeOffset CreatedAt { get; private set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; private set; }
    [Id(12)] public Denial? Denial { get; private set; }
    /// <summary>The venue's reason for the last rejection (order, cancel or amend), if any.</summary>
    [Id(13)] public string? LastVenueError { get; private set; }
    [Id(14)] public decimal? PendingQuantity { get; private set; }
    [Id(15)] public decimal? PendingLimitPrice { get; private set; }
    [Id(16)] public int FillCount { get; private set; }
    [Id(17)] public bool Triggered { get; private set; }

    public decimal LeavesQuantity => OrderStateMachine.IsTerminal(Status) ? 0m : Math.Max(0m, Quantity - FilledQuantity);

    public decimal AveragePrice => FilledQuantity == 0m ? 0m : FilledQuoteQuantity / FilledQuantity;

    public bool IsOpen => OrderStateMachine.IsOpen(Status);

    public InstrumentId Instrument => Spec.Instrument;

    /// <summary>Creates an order whose intent is about to be persisted and sent (status PendingNew).</summary>
    public static (Order Order, OrderSubmitted Event) Submit(AccountId account, ClientOrderId id, OrderSpec spec, DateTimeOffset now)
    {
        var order = New(account, id, spec, now, OrderStatus.PendingNew);
        return (order, new OrderSubmitted { Account = account, ClientOrderId = id, Timestamp = now, Status = order.Status, Spec = spec });
    }

    /// <summary>Creates an order the OMS refused; it is kept for the order history and idempotency.</summary>
    public static (Order Order, OrderDenied Event) Deny(AccountId account, ClientOrderId id, OrderSpec spec, Denial denial, DateTimeOffset now)
    {
        var order = New(account, id, spec, now, OrderStatus.Denied);
        order.Denial = denial;
        return (order, new OrderDenied { Account = account, ClientOrderId = id, Timestamp = now, Status = order.Status, Spec = spec, Denial = denial });
    }

    private static Order New(AccountId account, ClientOrderId id, OrderSpec spec, DateTimeOffset now, OrderStatus status) => new()
    {
        Account = account,
        ClientOrderId = id,
        Spec = spec,
        Status = status,
        Quantity = spec.Quantity,
        LimitPrice = spec.LimitPrice,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public OrderUpdate Accept(VenueOrderId? venueOrderId, DateTimeOffset at)
    {
        var update = Move(OrderTrigger.Accept, at, s => new OrderAccepted { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, VenueOrderId = venueOrderId ?? VenueOrderId });
        if (venueOrderId is not null && update.Outcome != OrderUpdateOutcome.Invalid && VenueOrderId is null)
        {
            VenueOrderId = venueOrderId;
            if (update.Outcome == OrderUpdateOutcome.Unchanged)
            {
                // A late ack still teaches us the venue id; report it so observers learn it too.
                return OrderUpdate.Applied(new OrderAccepted { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = Status, VenueOrderId = venueOrderId });
            }
        }
        return update;
    }

    public OrderUpdate Reject(string reason, string? venueCode, DateTimeOffset at)
    {
        var update = Move(OrderTrigger.Reject, at, s => new OrderRejected { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, Reason = reason, VenueCode = venueCode });
        if (update.Outcome == OrderUpdateOutcome.Applied) LastVenueError = venueCode is null ? reason : $"{venueCode}: {reason}";
        return update;
    }

    /// <summary>
    /// Applies a fill. The caller de-duplicates by <see cref="Fill.Key"/> before calling; this method checks the fill
    /// belongs to this order and moves the status by the transition table.
    /// </summary>
    public OrderUpdate ApplyFill(Fill fill)
    {
        if (fill.ClientOrderId != ClientOrderId) return OrderUpdate.Invalid($"fill {fill.Key} is for order {fill.ClientOrderId}, not {ClientOrderId}");
        if (fill.Instrument != Spec.Instrument) return OrderUpdate.Invalid($"fill {fill.Key} is for {fill.Instrument}, but order {ClientOrderId} trades {Spec.Instrument}");
        if (fill.Side != Spec.Side) return OrderUpdate.Invalid($"fill {fill.Key} is a {fill.Side}, but order {ClientOrderId} is a {Spec.Side}");
        if (fill.Validate() is { } problem) return OrderUpdate.Invalid(problem);

        var filledAfter = FilledQuantity + fill.Quantity;
        // A quote-sized market order completes when the venue says so (its quantity is unknown up front).
        // While an amend is in flight the venue may already work the larger quantity, so completion is judged against
        // the larger of the current and the pending quantity: judging it against the old, smaller quantity would mark
        // the order Filled too early, and the venue's further fills would then be refused. Replace and RejectReplace
        // settle the status once the venue has said which terms hold.
        var target = Math.Max(Quantity, PendingQuantity ?? 0m);
        var complete = target > 0m && filledAfter >= target;
        var trigger = complete ? OrderTrigger.FullFill : OrderTrigger.PartialFill;
        var transition = OrderStateMachine.Lookup(Status, trigger);
        if (transition.Kind == TransitionKind.Invalid)
            return OrderUpdate.Invalid($"fill {fill.Key} cannot apply to order {ClientOrderId} in status {Status}");

        FilledQuantity = filledAfter;
        FilledQuoteQuantity += fill.Notional;
        FillCount++;
        if (fill.Fee != 0m) Fees[fill.FeeAsset] = Fees.GetValueOrDefault(fill.FeeAsset) + fill.Fee;
        if (fill.VenueOrderId is not null) VenueOrderId ??= fill.VenueOrderId;
        Status = transition.Resolve(Status, anyFilled: true);
        UpdatedAt = fill.Timestamp > UpdatedAt ? fill.Timestamp : UpdatedAt;
        return OrderUpdate.Applied(new OrderFilled
        {
            Account = Account,
            ClientOrderId = ClientOrderId,
            Timestamp = fill.Timestamp,
            Status = Status,
            Fill = fill,
            FilledQuantity = FilledQuantity,
            LeavesQuantity = LeavesQuantity,
            AveragePrice = AveragePrice,
        });
    }

    public OrderUpdate RequestCancel(DateTimeOffset at) =>
        Move(OrderTrigger.CancelRequest, at, s => new OrderPendingCancel { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s });

    public OrderUpdate RejectCancel(string reason, string? venueCode, DateTimeOffset at)
    {
        var update = Move(OrderTrigger.CancelReject, at, s => new OrderCancelRejected { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, Reason = reason, VenueCode = venueCode });
        if (update.Outcome == OrderUpdateOutcome.Applied) LastVenueError = venueCode is null ? reason : $"{venueCode}: {reason}";
        return update;
    }

    public OrderUpdate Cancel(string? reason, DateTimeOffset at) =>
        Move(OrderTrigger.Cancel, at, s => new OrderCanceled { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, Reason = reason });

    public OrderUpdate Expire(string? reason, DateTimeOffset at) =>
        Move(OrderTrigger.Expire, at, s => new OrderExpired { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, Reason = reason });

    /// <summary>Records that an amend was sent. New values must keep the order valid (quantity above what is filled).</summary>
    public OrderUpdate RequestReplace(decimal? newQuantity, decimal? newLimitPrice, DateTimeOffset at)
    {
        if (newQuantity is null && newLimitPrice is null) return OrderUpdate.Invalid($"amend of order {ClientOrderId} changes nothing");
        if (newQuantity is { } q && q <= FilledQuantity)
            return OrderUpdate.Invalid($"amend of order {ClientOrderId} to quantity {q} is not above the filled quantity {FilledQuantity}");
        if (newLimitPrice is not null && LimitPrice is null)
            return OrderUpdate.Invalid($"order {ClientOrderId} is a {Spec.Type} order and has no limit price to amend");
        if (newLimitPrice is <= 0m) return OrderUpdate.Invalid($"amend of order {ClientOrderId} to price {newLimitPrice} is not positive");
        var update = Move(OrderTrigger.ReplaceRequest, at, s => new OrderPendingReplace { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = s, NewQuantity = newQuantity, NewLimitPrice = newLimitPrice });
        if (update.Outcome == OrderUpdateOutcome.Applied)
        {
            PendingQuantity = newQuantity;
            PendingLimitPrice = newLimitPrice;
        }
        return update;
    }

    /// <summary>
    /// The venue refused an amend; the order keeps its terms. Where the table keeps the status (for example a cancel was
    /// sent while the amend was in flight) an amend still pending is forgotten all the same, so its terms can never be
    /// applied later by mistake.
    /// </summary>
    public OrderUpdate RejectReplace(string reason, string? venueCode, DateTimeOffset at)
    {
        var transition = OrderStateMachine.Lookup(Status, OrderTrigger.ReplaceReject);
        if (transition.Kind == TransitionKind.Invalid) return OrderUpdate.Invalid($"order {ClientOrderId} in status {Status} cannot take {OrderTrigger.ReplaceReject}");
        var amendPending = PendingQuantity is not null || PendingLimitPrice is not null;
        if (transition.Kind == TransitionKind.Stay && !amendPending) return OrderUpdate.Unchanged;
        PendingQuantity = null;
        PendingLimitPrice = null;
        LastVenueError = venueCode is null ? reason : $"{venueCode}: {reason}";
        // Fills that arrived while an amend up was pending may already cover the quantity that still holds.
        Status = SettleFilled(transition.Resolve(Status, FilledQuantity > 0m));
        UpdatedAt = at;
        return OrderUpdate.Applied(new OrderReplaceRejected { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = Status, Reason = reason, VenueCode = venueCode });
    }

    /// <summary>
    /// The venue confirmed an amend to the given terms (null keeps the pending, else the current value). Where the table
    /// keeps the status (a cancel is in flight) the confirmed terms still apply: they are venue truth and decide when the
    /// order is complete. A confirmation that changes nothing is <see cref="OrderUpdateOutcome.Unchanged"/> there.
    /// </summary>
    public OrderUpdate Replace(decimal? quantity, decimal? limitPrice, VenueOrderId? venueOrderId, DateTimeOffset at)
    {
        var transition = OrderStateMachine.Lookup(Status, OrderTrigger.Replace);
        if (transition.Kind == TransitionKind.Invalid) return OrderUpdate.Invalid($"order {ClientOrderId} in status {Status} cannot be replaced");
        var newQuantity = quantity ?? PendingQuantity ?? Quantity;
        var newLimitPrice = limitPrice ?? PendingLimitPrice ?? LimitPrice;
        var newVenueOrderId = venueOrderId ?? VenueOrderId;
        if (transition.Kind == TransitionKind.Stay && newQuantity == Quantity && newLimitPrice == LimitPrice
            && newVenueOrderId == VenueOrderId && PendingQuantity is null && PendingLimitPrice is null)
        {
            return OrderUpdate.Unchanged;
        }
        Quantity = newQuantity;
        LimitPrice = newLimitPrice;
        VenueOrderId = newVenueOrderId;
        PendingQuantity = null;
        PendingLimitPrice = null;
        Status = SettleFilled(transition.Resolve(Status, FilledQuantity > 0m));
        UpdatedAt = at;
        return OrderUpdate.Applied(new OrderReplaced { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = Status, Quantity = Quantity, LimitPrice = LimitPrice, VenueOrderId = VenueOrderId });
    }

    /// <summary>Once the terms are settled, an open order whose fills cover its quantity is filled.</summary>
    private OrderStatus SettleFilled(OrderStatus status) =>
        !OrderStateMachine.IsTerminal(status) && Quantity > 0m && FilledQuantity >= Quantity ? OrderStatus.Filled : status;

    /// <summary>A conditional order's trigger fired; the status does not change.</summary>
    public OrderUpdate MarkTriggered(VenueOrderId? triggeredOrderId, DateTimeOffset at)
    {
        if (!Spec.IsConditional) return OrderUpdate.Invalid($"order {ClientOrderId} is a {Spec.Type} order and has no trigger");
        if (Triggered || OrderStateMachine.IsTerminal(Status)) return OrderUpdate.Unchanged;
        Triggered = true;
        UpdatedAt = at;
        return OrderUpdate.Applied(new OrderTriggered { Account = Account, ClientOrderId = ClientOrderId, Timestamp = at, Status = Status, TriggeredVenueOrderId = triggeredOrderId });
    }

    private OrderUpdate Move(OrderTrigger trigger, DateTimeOffset at, Func<OrderStatus, OrderEvent> makeEvent)
    {
        var transition = OrderStateMachine.Lookup(Status, trigger);
        switch (transition.Kind)
        {
            case TransitionKind.Invalid:
                return OrderUpdate.Invalid($"order {ClientOrderId} in status {Status} cannot take {trigger}");
            case TransitionKind.Stay:
                return OrderUpdate.Unchanged;
            default:
                Status = transition.Resolve(Status, FilledQuantity > 0m);
                UpdatedAt = at;
                return OrderUpdate.Applied(makeEvent(Status));
        }
    }
}
