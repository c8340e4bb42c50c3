namespace Oms.Grains;

/// <summary>
/// The persisted state of one <see cref="ContingentOrderGrain"/>. Written before every child submit (so a child id is
/// never reused for different terms and a failover resubmits the same id) and after every step.
/// </summary>
[GenerateSerializer, Alias("oms.grains.ContingentOrderState")]
public sealed class ContingentOrderState
{
    /// <summary>False until a submit was accepted under this id.</summary>
    [Id(0)] public bool Submitted { get; set; }
    [Id(1)] public StrategyKind Kind { get; set; }
    [Id(2)] public ExecutionMode Mode { get; set; }
    [Id(3)] public StrategyStatus Status { get; set; }
    [Id(4)] public string? Reason { get; set; }
    /// <summary>The parent order: the bracket entry, the whole iceberg, or the trailing stop.</summary>
    [Id(5)] public OrderSpec Order { get; set; } = null!;
    [Id(6)] public ProtectiveLeg? StopLoss { get; set; }
    [Id(7)] public ProtectiveLeg? TakeProfit { get; set; }
    /// <summary>Every child ever placed, in placement order (children are never removed).</summary>
    [Id(8)] public List<ChildOrderState> Children { get; set; } = [];
    [Id(9)] public bool CancelRequested { get; set; }
    [Id(10)] public string? RequestedBy { get; set; }
    [Id(11)] public DateTimeOffset CreatedAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bracket legs the strategy stopped managing (ended outside the strategy), with the reason.</summary>
    [Id(13)] public Dictionary<ChildRole, string> StoppedLegs { get; set; } = [];
    /// <summary>
    /// Bracket on spot with both legs: the leg that rests at the venue now (spot has no reduce-only, so both legs would
    /// each lock the whole quantity). The other leg is watched against the reference price.
    /// </summary>
    [Id(14)] public ChildRole? RestingLeg { get; set; }
    /// <summary>OMS-managed trailing stop: whether the activation price was reached.</summary>
    [Id(15)] public bool TrailingActivated { get; set; }
    /// <summary>OMS-managed trailing stop: the best price since activation (highest for a sell stop, lowest for a buy stop).</summary>
    [Id(16)] public decimal? ExtremePrice { get; set; }
    /// <summary>OMS-managed trailing stop: the stop level the extreme price gives.</summary>
    [Id(17)] public decimal? TrailingStopPrice { get; set; }
    [Id(18)] public decimal? LastReferencePrice { get; set; }
    /// <summary>Who requested the cancel of the strategy.</summary>
    [Id(19)] public string? CancelledBy { get; set; }

    public bool IsTerminal => Status is StrategyStatus.Completed or StrategyStatus.Cancelled or StrategyStatus.Failed;
}

/// <summary>Why the strategy asked to cancel a child (a child that ends without such a request ended outside the strategy).</summary>
public enum ChildCancelReason
{
    /// <summary>The strategy was cancelled.</summary>
    StrategyCancelled = 1,
    /// <summary>To replace it with an order of another quantity (the venue cannot amend it).</summary>
    Resize = 2,
    /// <summary>Nothing is left to protect: the sibling leg closed the position.</summary>
    NothingToProtect = 3,
    /// <summary>A protective leg filled while the entry was still working.</summary>
    ExitFilled = 4,
    /// <summary>Spot bracket: the other leg's price was reached, so that leg takes the quantity.</summary>
    Swap = 5,
    /// <summary>To replace a trailing stop with one at a better price.</summary>
    Reprice = 6,
}

/// <summary>What a strategy made of a notification about one of its children.</summary>
public enum ChildNotification
{
    /// <summary>Older than, or the same as, what the strategy knows.</summary>
    Ignored = 0,
    /// <summary>Provably newer: taken.</summary>
    Taken = 1,
    /// <summary>Different, but not provably newer: the strategy reads the order from the account instead.</summary>
    ReadNeeded = 2,
}

/// <summary>One child order of a strategy and what the strategy knows and asked about it.</summary>
[GenerateSerializer, Alias("oms.grains.ChildOrderState")]
public sealed class ChildOrderState
{
    [Id(0)] public required ClientOrderId Id { get; init; }
    [Id(1)] public required ChildRole Role { get; init; }
    [Id(2)] public required int Generation { get; init; }
    /// <summary>The terms submitted.</summary>
    [Id(3)] public required OrderSpec Spec { get; init; }
    /// <summary>The latest snapshot the account reported; null until it confirmed the submit.</summary>
    [Id(4)] public OrderSnapshot? Last { get; set; }
    [Id(5)] public ChildCancelReason? CancelReason { get; set; }
    [Id(6)] public int CancelAttempts { get; set; }
    /// <summary>An amend was refused (by the OMS or the venue): resize by cancel and replace instead.</summary>
    [Id(7)] public bool AmendRefused { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The quantity of an amend in flight.</summary>
    [Id(9)] public decimal? AmendRequested { get; set; }
    /// <summary>
    /// The account showed the amend in <see cref="AmendRequested"/> as sent (the order pending replace): only a snapshot
    /// after that one can tell whether the venue took the new quantity.
    /// </summary>
    [Id(10)] public bool AmendPending { get; set; }

    public bool IsOpen => Last is null || OrderStateMachine.IsOpen(Last.Status);

    public decimal Filled => Last?.FilledQuantity ?? 0m;

    /// <summary>What the child may still fill: its quantity less its fills while open, else 0.</summary>
    public decimal Leaves => Last is null ? Spec.Quantity : Last.LeavesQuantity;

    public OrderStatus? Status => Last?.Status;

    /// <summary>Ended with less than its quantity filled, without the strategy asking.</summary>
    public bool EndedOutsideStrategy => !IsOpen && CancelReason is null && Last!.Status != OrderStatus.Filled;

    /// <summary>
    /// Denied by the account only because it was reconciling with the venue (a stream taken over after a silo loss, a
    /// gap, a key rotation): it never reached the venue, and the account accepts new risk again once the
    /// reconciliation ends, so the strategy places the same child again (as the next generation of its role) instead of
    /// failing: a bracket's entry or leg, an iceberg slice, a trailing stop's stop or market order.
    /// </summary>
    public bool DeniedWhileReconciling => Last is { Status: OrderStatus.Denied, Denial.Code: DenialCode.AccountReconciling };

    /// <summary>
    /// Takes <paramref name="incoming"/> from one of the strategy's own calls to the account (a submit, cancel or amend
    /// answer, or a read). The strategy awaits each call before it sends the next and the account handles one call at a
    /// time, so each such snapshot is at least as new as every one merged before it: it is taken whenever it differs,
    /// whatever its <see cref="OrderSnapshot.UpdatedAt"/> says (venue event times and the OMS clock do not order each
    /// other, and equal times order nothing). Fills never go back and an end is never undone, whatever the source.
    /// Returns whether anything changed.
    /// </summary>
    public bool Merge(OrderSnapshot incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.ClientOrderId != Id) return false;
        if (Last is { } current)
        {
            if (incoming.FilledQuantity < current.FilledQuantity) return false;
            if (incoming.FilledQuantity == current.FilledQuantity)
            {
                if (OrderStateMachine.IsTerminal(current.Status) && !OrderStateMachine.IsTerminal(incoming.Status)) return false;
                if (SameState(incoming, current)) return false;
            }
        }
        Take(incoming);
        return true;
    }

    /// <summary>
    /// Judges a snapshot the account pushed with a notification (not awaited by the account, and sent again when not
    /// acknowledged). Those may arrive in any order, twice, and after the strategy read a newer state itself (a
    /// notification can wait behind a turn that re-read the children), so a
    /// notification is taken only when it is provably newer than what is known: more filled (fills only grow), or
    /// newly ended with the same fills (an end is final). One that is provably older or equal is ignored. Any other
    /// difference (an acknowledgement, a pending or confirmed amend or cancel, a trigger) cannot be ordered from the
    /// snapshot alone: the caller reads the order from the account and merges that instead.
    /// </summary>
    public ChildNotification MergeNotification(OrderSnapshot incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.ClientOrderId != Id) return ChildNotification.Ignored;
        if (Last is not { } current) return ChildNotification.ReadNeeded;
        if (incoming.FilledQuantity < current.FilledQuantity) return ChildNotification.Ignored;
        if (incoming.FilledQuantity == current.FilledQuantity)
        {
            // Nothing with the same fills follows an end; a difference between two open states has no order.
            if (OrderStateMachine.IsTerminal(current.Status) || SameState(incoming, current)) return ChildNotification.Ignored;
            if (!OrderStateMachine.IsTerminal(incoming.Status)) return ChildNotification.ReadNeeded;
        }
        Take(incoming);
        return ChildNotification.Taken;
    }

    private void Take(OrderSnapshot incoming)
    {
        Last = incoming;
        if (AmendRequested is not { } requested) return;
        if (incoming.Status == OrderStatus.PendingReplace)
        {
            AmendPending = true;
            return;
        }
        // The amend settled. Only after the account showed it pending does an open order on another quantity mean the
        // venue refused it; without that (the amend's answer was lost, say) nothing is concluded and the planner may
        // try again, which the account answers either way.
        if (AmendPending && OrderStateMachine.IsOpen(incoming.Status) && incoming.Quantity != requested) AmendRefused = true;
        AmendRequested = null;
        AmendPending = false;
    }

    private static bool SameState(OrderSnapshot a, OrderSnapshot b) =>
        a.Status == b.Status && a.Quantity == b.Quantity && a.FilledQuantity == b.FilledQuantity && a.LimitPrice == b.LimitPrice
        && a.Triggered == b.Triggered && a.UpdatedAt == b.UpdatedAt && a.VenueOrderId == b.VenueOrderId && a.Denial == b.Denial
        && string.Equals(a.LastVenueError, b.LastVenueError, StringComparison.Ordinal);

    public StrategyChild ToContract() => new() { ClientOrderId = Id, Role = Role, Generation = Generation, Spec = Spec, Order = Last };
}
