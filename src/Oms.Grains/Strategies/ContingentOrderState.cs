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

    public bool IsOpen => Last is null || OrderStateMachine.IsOpen(Last.Status);

    public decimal Filled => Last?.FilledQuantity ?? 0m;

    /// <summary>What the child may still fill: its quantity less its fills while open, else 0.</summary>
    public decimal Leaves => Last is null ? Spec.Quantity : Last.LeavesQuantity;

    public OrderStatus? Status => Last?.Status;

    /// <summary>Ended with less than its quantity filled, without the strategy asking.</summary>
    public bool EndedOutsideStrategy => !IsOpen && CancelReason is null && Last!.Status != OrderStatus.Filled;

    /// <summary>
    /// Takes <paramref name="incoming"/> when it is not older than what is known: more filled, or newly terminal, or (as far
    /// as fills and status go) the same and updated no earlier. Out-of-order and duplicate notifications are harmless.
    /// </summary>
    public bool Merge(OrderSnapshot incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.ClientOrderId != Id) return false;
        var current = Last;
        if (current is not null)
        {
            if (incoming.FilledQuantity != current.FilledQuantity)
            {
                if (incoming.FilledQuantity < current.FilledQuantity) return false;
            }
            else
            {
                var incomingTerminal = OrderStateMachine.IsTerminal(incoming.Status);
                var currentTerminal = OrderStateMachine.IsTerminal(current.Status);
                if (currentTerminal && !incomingTerminal) return false;
                if (incomingTerminal == currentTerminal && incoming.UpdatedAt < current.UpdatedAt) return false;
                if (incoming.Status == current.Status && incoming.Quantity == current.Quantity
                    && incoming.UpdatedAt == current.UpdatedAt && incoming.Triggered == current.Triggered) return false;
            }
        }
        Last = incoming;
        if (AmendRequested is { } requested && incoming.Status != OrderStatus.PendingReplace)
        {
            // The amend settled: when the order did not take the new quantity, the venue refused it.
            if (incoming.Quantity != requested && OrderStateMachine.IsOpen(incoming.Status)) AmendRefused = true;
            AmendRequested = null;
        }
        return true;
    }

    public StrategyChild ToContract() => new() { ClientOrderId = Id, Role = Role, Generation = Generation, Spec = Spec, Order = Last };
}
