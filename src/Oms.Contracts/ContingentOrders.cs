using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Oms.Contracts;

/// <summary>
/// The id of a contingent-order strategy (bracket, iceberg, trailing stop) within its account: 1-20 letters or digits.
/// Child orders get ids derived from it (<see cref="ContingentOrderIds.Child"/>), which stay legal on every venue.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.StrategyId")]
public readonly partial record struct StrategyId
{
    public const int MaxLength = 20;

    public StrategyId(string value)
    {
        if (!IsValid(value))
        {
            throw new DomainException(DomainErrorCode.InvalidIdentifier,
                $"strategy id '{value}' is invalid: use 1-{MaxLength} letters or digits");
        }
        Value = value;
    }

    [Id(0)] public string Value { get; }

    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9]{1,20}$")]
    private static partial Regex Pattern();
}

/// <summary>What kind of contingent order a strategy is.</summary>
public enum StrategyKind
{
    /// <summary>An entry with a stop-loss and/or take-profit placed for what the entry filled.</summary>
    Bracket = 1,
    /// <summary>A large limit order shown one slice at a time.</summary>
    Iceberg = 2,
    /// <summary>A stop that follows the market by a percentage.</summary>
    TrailingStop = 3,
}

/// <summary>Who does the work: the venue (one native order) or the OMS (child orders it manages).</summary>
public enum ExecutionMode
{
    /// <summary>One native venue order (spot <c>icebergQty</c>, venue trailing stop).</summary>
    Native = 1,
    /// <summary>The OMS manages child orders (iceberg slices, a re-priced stop, protective legs).</summary>
    OmsManaged = 2,
}

public enum StrategyStatus
{
    /// <summary>Accepted and working: children are being placed, resized or watched.</summary>
    Working = 1,
    /// <summary>A cancel was requested; waiting for the open children to end.</summary>
    Cancelling = 2,
    /// <summary>Done: everything that was to be traded traded (or the entry ended and every leg settled).</summary>
    Completed = 3,
    /// <summary>Ended by a cancel (of the strategy, or of its child outside the strategy).</summary>
    Cancelled = 4,
    /// <summary>Ended because a child was denied or rejected; see the reason.</summary>
    Failed = 5,
}

/// <summary>What a child order is for.</summary>
public enum ChildRole
{
    /// <summary>The bracket's entry.</summary>
    Entry = 1,
    StopLoss = 2,
    TakeProfit = 3,
    /// <summary>One visible slice of an iceberg (or the single native iceberg order).</summary>
    Slice = 4,
    /// <summary>The order of a trailing stop: the native trailing order, or the stop (or market order) the OMS placed.</summary>
    Stop = 5,
}

/// <summary>
/// The terms of one protective leg of a bracket. The side is the opposite of the entry's, the quantity what the entry
/// filled (less what the legs already closed); on futures in one-way mode the leg is reduce-only.
/// <list type="bullet">
/// <item>Stop-loss: <see cref="OrderType.StopMarket"/> or <see cref="OrderType.StopLimit"/> (<see cref="StopPrice"/>, plus
/// <see cref="LimitPrice"/> for stop-limit), or <see cref="OrderType.TrailingStopMarket"/> (<see cref="TrailingPercent"/>,
/// optional <see cref="ActivationPrice"/>).</item>
/// <item>Take-profit: <see cref="OrderType.Limit"/> (<see cref="LimitPrice"/>), <see cref="OrderType.TakeProfitMarket"/>
/// (<see cref="StopPrice"/>) or <see cref="OrderType.TakeProfitLimit"/> (both).</item>
/// </list>
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.ProtectiveLeg")]
public sealed record ProtectiveLeg
{
    [Id(0)] public required OrderType Type { get; init; }
    [Id(1)] public decimal? StopPrice { get; init; }
    [Id(2)] public decimal? LimitPrice { get; init; }
    [Id(3)] public decimal? TrailingPercent { get; init; }
    [Id(4)] public decimal? ActivationPrice { get; init; }
    [Id(5)] public TriggerPriceType TriggerPriceType { get; init; } = TriggerPriceType.LastPrice;
    /// <summary>For limit legs: GTC (default) or GTX.</summary>
    [Id(6)] public TimeInForce TimeInForce { get; init; } = TimeInForce.Gtc;

    /// <summary>The price that fires the leg: the stop price, or the limit price of a plain limit take-profit.</summary>
    public decimal? TriggerPrice => Type == OrderType.Limit ? LimitPrice : StopPrice;
}

/// <summary>Submits an entry with protective legs. A resubmission under the same strategy id returns the existing strategy.</summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitBracket")]
public sealed record SubmitBracket
{
    [Id(0)] public required OrderSpec Entry { get; init; }
    [Id(1)] public ProtectiveLeg? StopLoss { get; init; }
    [Id(2)] public ProtectiveLeg? TakeProfit { get; init; }
    [Id(3)] public string? RequestedBy { get; init; }
}

/// <summary>
/// Submits an iceberg: a limit order whose <see cref="OrderSpec.DisplayQuantity"/> is the visible part. Spot venues
/// take it natively; on futures the OMS shows one slice at a time.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitIceberg")]
public sealed record SubmitIceberg
{
    [Id(0)] public required OrderSpec Order { get; init; }
    /// <summary>Null chooses: native where the venue supports it, else OMS-managed.</summary>
    [Id(1)] public ExecutionMode? Mode { get; init; }
    [Id(2)] public string? RequestedBy { get; init; }
}

/// <summary>Submits a trailing stop (an order of type <see cref="OrderType.TrailingStopMarket"/>).</summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitTrailingStop")]
public sealed record SubmitTrailingStop
{
    [Id(0)] public required OrderSpec Order { get; init; }
    /// <summary>Null chooses: native where the venue supports it, else OMS-managed.</summary>
    [Id(1)] public ExecutionMode? Mode { get; init; }
    [Id(2)] public string? RequestedBy { get; init; }
}

/// <summary>One child order of a strategy.</summary>
[GenerateSerializer, Immutable, Alias("oms.StrategyChild")]
public sealed record StrategyChild
{
    [Id(0)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(1)] public required ChildRole Role { get; init; }
    /// <summary>1 for the first order of a role, then one more per replacement (resize, re-price).</summary>
    [Id(2)] public required int Generation { get; init; }
    /// <summary>The terms the strategy submitted.</summary>
    [Id(3)] public required OrderSpec Spec { get; init; }
    /// <summary>The order as the account last reported it; null until the account confirmed the submit.</summary>
    [Id(4)] public OrderSnapshot? Order { get; init; }
}

/// <summary>An immutable view of a strategy and its children.</summary>
[GenerateSerializer, Immutable, Alias("oms.StrategySnapshot")]
public sealed record StrategySnapshot
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required StrategyId StrategyId { get; init; }
    [Id(2)] public required StrategyKind Kind { get; init; }
    [Id(3)] public required ExecutionMode Mode { get; init; }
    [Id(4)] public required StrategyStatus Status { get; init; }
    /// <summary>Why the strategy ended as it did, or what it could not do (a leg it stopped managing).</summary>
    [Id(5)] public string? Reason { get; init; }
    /// <summary>The parent order: the entry, the whole iceberg, or the trailing stop.</summary>
    [Id(6)] public required OrderSpec Order { get; init; }
    [Id(7)] public ProtectiveLeg? StopLoss { get; init; }
    [Id(8)] public ProtectiveLeg? TakeProfit { get; init; }
    /// <summary>Filled quantity of the parent: the entry's fills, the slices' fills, the stop's fills.</summary>
    [Id(9)] public required decimal FilledQuantity { get; init; }
    /// <summary>Bracket: what the entry filled less what the legs closed (what the legs protect).</summary>
    [Id(10)] public decimal? OpenQuantity { get; init; }
    /// <summary>OMS-managed trailing stop: the stop level now (null before activation).</summary>
    [Id(11)] public decimal? TrailingStopPrice { get; init; }
    /// <summary>OMS-managed trailing stop: the best price since activation.</summary>
    [Id(12)] public decimal? TrailingExtremePrice { get; init; }
    [Id(13)] public required IReadOnlyList<StrategyChild> Children { get; init; }
    [Id(14)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(15)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(16)] public string? RequestedBy { get; init; }

    public bool IsTerminal => Status is StrategyStatus.Completed or StrategyStatus.Cancelled or StrategyStatus.Failed;
}

/// <summary>The answer to a strategy submit: the strategy (new or existing) and whether this call created it, or why not.</summary>
[GenerateSerializer, Immutable, Alias("oms.StrategySubmitResult")]
public sealed record StrategySubmitResult(
    [property: Id(0)] StrategySnapshot? Strategy,
    [property: Id(1)] bool Created,
    [property: Id(2)] StrategyProblem? Problem);

/// <summary>The answer to a strategy cancel: the strategy as it now stands, or why nothing was done.</summary>
[GenerateSerializer, Immutable, Alias("oms.StrategyCommandResult")]
public sealed record StrategyCommandResult(
    [property: Id(0)] StrategySnapshot? Strategy,
    [property: Id(1)] Denial? Denial)
{
    public bool Accepted => Denial is null;
}

/// <summary>
/// Why a strategy request cannot be served: the field it is about (its oms.v1 path, e.g. <c>stop_loss.stop_price</c>)
/// and a denial with the reason.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.StrategyProblem")]
public sealed record StrategyProblem(
    [property: Id(0)] string Field,
    [property: Id(1)] Denial Denial)
{
    public override string ToString() => $"{Field}: {Denial.Reason}";
}
