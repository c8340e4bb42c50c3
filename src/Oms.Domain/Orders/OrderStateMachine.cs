namespace Oms.Domain;

/// <summary>What happened to an order, as input to the transition table.</summary>
public enum OrderTrigger
{
    /// <summary>The venue acknowledged the order.</summary>
    Accept = 1,
    /// <summary>The venue refused the order.</summary>
    Reject = 2,
    /// <summary>A fill that leaves quantity open.</summary>
    PartialFill = 3,
    /// <summary>A fill that completes the order.</summary>
    FullFill = 4,
    /// <summary>The OMS sent a cancel.</summary>
    CancelRequest = 5,
    /// <summary>The venue refused the cancel.</summary>
    CancelReject = 6,
    /// <summary>The venue cancelled the order (by request, self-trade prevention, IOC remainder, dead-man's switch...).</summary>
    Cancel = 7,
    /// <summary>The OMS sent an amend or cancel-replace.</summary>
    ReplaceRequest = 8,
    /// <summary>The venue refused the amend.</summary>
    ReplaceReject = 9,
    /// <summary>The venue confirmed the amend.</summary>
    Replace = 10,
    /// <summary>The venue expired the order (time in force, expiry, trigger rejection).</summary>
    Expire = 11,
}

/// <summary>The kind of result a transition has.</summary>
public enum TransitionKind
{
    /// <summary>The trigger is not legal from this status; nothing changes.</summary>
    Invalid = 0,
    /// <summary>The trigger is legal and leaves the status as it is (late or duplicate information).</summary>
    Stay = 1,
    /// <summary>The status moves to <see cref="Transition.To"/>.</summary>
    Move = 2,
    /// <summary>The status returns to the working status: New when nothing is filled, else PartiallyFilled.</summary>
    Working = 3,
}

/// <summary>One cell of the transition table.</summary>
public readonly record struct Transition(TransitionKind Kind, OrderStatus To)
{
    public static Transition Invalid => new(TransitionKind.Invalid, default);
    public static Transition Stay => new(TransitionKind.Stay, default);
    public static Transition Working => new(TransitionKind.Working, default);
    public static Transition Move(OrderStatus to) => new(TransitionKind.Move, to);

    /// <summary>The status after this transition from <paramref name="from"/> given the filled quantity.</summary>
    public OrderStatus Resolve(OrderStatus from, bool anyFilled) => Kind switch
    {
        TransitionKind.Move => To,
        TransitionKind.Working => anyFilled ? OrderStatus.PartiallyFilled : OrderStatus.New,
        _ => from,
    };
}

/// <summary>
/// The order status transition table. Every (status, trigger) pair has an explicit entry; the table is the
/// single source of truth for the order lifecycle and is tested exhaustively.
/// Real-world edges it encodes: fills arriving before the acknowledgement, fills arriving after a cancel or an
/// expiry (they apply; the status stays unless the order becomes fully filled), a cancel racing a fill, late and
/// duplicate acknowledgements, a cancel-replace whose cancel succeeded and whose new order failed.
/// </summary>
public static class OrderStateMachine
{
    private static readonly Transition[,] Table = Build();

    public static Transition Lookup(OrderStatus from, OrderTrigger trigger) => Table[(int)from, (int)trigger];

    /// <summary>Terminal statuses accept no new requests; only late venue information (fills) may still apply.</summary>
    public static bool IsTerminal(OrderStatus status) => status is OrderStatus.Filled or OrderStatus.Canceled
        or OrderStatus.Rejected or OrderStatus.Denied or OrderStatus.Expired;

    /// <summary>Open orders may still trade at the venue (including those whose outcome is in flight).</summary>
    public static bool IsOpen(OrderStatus status) => !IsTerminal(status);

    private static Transition[,] Build()
    {
        var statuses = Enum.GetValues<OrderStatus>();
        var triggers = Enum.GetValues<OrderTrigger>();
        var table = new Transition[statuses.Max(s => (int)s) + 1, triggers.Max(t => (int)t) + 1];

        void Row(OrderStatus from, params (OrderTrigger Trigger, Transition To)[] cells)
        {
            foreach (var trigger in triggers) table[(int)from, (int)trigger] = Transition.Invalid;
            foreach (var (trigger, to) in cells) table[(int)from, (int)trigger] = to;
        }

        var filled = Transition.Move(OrderStatus.Filled);
        var partially = Transition.Move(OrderStatus.PartiallyFilled);

        Row(OrderStatus.PendingNew,
            (OrderTrigger.Accept, Transition.Move(OrderStatus.New)),
            (OrderTrigger.Reject, Transition.Move(OrderStatus.Rejected)),
            (OrderTrigger.PartialFill, partially),
            (OrderTrigger.FullFill, filled),
            (OrderTrigger.CancelRequest, Transition.Move(OrderStatus.PendingCancel)),
            (OrderTrigger.Cancel, Transition.Move(OrderStatus.Canceled)),
            (OrderTrigger.Expire, Transition.Move(OrderStatus.Expired)));

        foreach (var working in new[] { OrderStatus.New, OrderStatus.PartiallyFilled })
        {
            Row(working,
                (OrderTrigger.Accept, Transition.Stay),
                // New without fills can still be refused: a cancel sent before the acknowledgement was refused (back to
                // New), then the venue rejects the order itself. Once anything traded, a rejection cannot be true.
                (OrderTrigger.Reject, working == OrderStatus.New ? Transition.Move(OrderStatus.Rejected) : Transition.Invalid),
                (OrderTrigger.PartialFill, partially),
                (OrderTrigger.FullFill, filled),
                (OrderTrigger.CancelRequest, Transition.Move(OrderStatus.PendingCancel)),
                (OrderTrigger.CancelReject, Transition.Stay),
                (OrderTrigger.Cancel, Transition.Move(OrderStatus.Canceled)),
                (OrderTrigger.ReplaceRequest, Transition.Move(OrderStatus.PendingReplace)),
                (OrderTrigger.ReplaceReject, Transition.Stay),
                (OrderTrigger.Replace, Transition.Working),
                (OrderTrigger.Expire, Transition.Move(OrderStatus.Expired)));
        }

        Row(OrderStatus.PendingCancel,
            (OrderTrigger.Accept, Transition.Stay),
            // A cancel sent before the acknowledgement, then the venue refuses the order itself.
            (OrderTrigger.Reject, Transition.Move(OrderStatus.Rejected)),
            (OrderTrigger.PartialFill, Transition.Stay),
            (OrderTrigger.FullFill, filled),
            (OrderTrigger.CancelRequest, Transition.Stay),
            (OrderTrigger.CancelReject, Transition.Working),
            (OrderTrigger.Cancel, Transition.Move(OrderStatus.Canceled)),
            (OrderTrigger.ReplaceReject, Transition.Stay),
            (OrderTrigger.Replace, Transition.Stay),
            (OrderTrigger.Expire, Transition.Move(OrderStatus.Expired)));

        Row(OrderStatus.PendingReplace,
            (OrderTrigger.Accept, Transition.Stay),
            (OrderTrigger.PartialFill, Transition.Stay),
            (OrderTrigger.FullFill, filled),
            (OrderTrigger.CancelRequest, Transition.Move(OrderStatus.PendingCancel)),
            (OrderTrigger.CancelReject, Transition.Stay),
            // Cancel-replace whose cancel succeeded and whose new order failed leaves the order cancelled.
            (OrderTrigger.Cancel, Transition.Move(OrderStatus.Canceled)),
            (OrderTrigger.ReplaceReject, Transition.Working),
            (OrderTrigger.Replace, Transition.Working),
            (OrderTrigger.Expire, Transition.Move(OrderStatus.Expired)));

        Row(OrderStatus.Filled,
            (OrderTrigger.Accept, Transition.Stay),
            // Fills beyond the quantity (an amend down raced a fill, or venue over-fill) are still what the venue
            // traded: they apply and the order stays Filled.
            (OrderTrigger.PartialFill, Transition.Stay),
            (OrderTrigger.FullFill, Transition.Stay),
            (OrderTrigger.CancelReject, Transition.Stay),
            (OrderTrigger.Cancel, Transition.Stay),
            (OrderTrigger.ReplaceReject, Transition.Stay),
            (OrderTrigger.Expire, Transition.Stay));

        foreach (var closed in new[] { OrderStatus.Canceled, OrderStatus.Expired })
        {
            Row(closed,
                (OrderTrigger.Accept, Transition.Stay),
                // The venue traded before it cancelled; the fill is real and applies.
                (OrderTrigger.PartialFill, Transition.Stay),
                (OrderTrigger.FullFill, filled),
                (OrderTrigger.CancelReject, Transition.Stay),
                (OrderTrigger.Cancel, Transition.Stay),
                (OrderTrigger.ReplaceReject, Transition.Stay),
                (OrderTrigger.Expire, Transition.Stay));
        }

        Row(OrderStatus.Rejected,
            (OrderTrigger.Reject, Transition.Stay),
            (OrderTrigger.CancelReject, Transition.Stay),
            // What the venue says traded is the truth, even after it reported a rejection.
            (OrderTrigger.PartialFill, partially),
            (OrderTrigger.FullFill, filled));

        // A denied order never left the OMS: nothing the venue says can refer to it.
        Row(OrderStatus.Denied);

        return table;
    }
}
