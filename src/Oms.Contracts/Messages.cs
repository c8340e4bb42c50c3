namespace Oms.Contracts;

/// <summary>How an account is set up: which venue account it is and how it trades.</summary>
[GenerateSerializer, Immutable, Alias("oms.AccountConfig")]
public sealed record AccountConfig
{
    [Id(0)] public required Venue Venue { get; init; }
    /// <summary>The market types this account trades (a Binance account can trade spot and USDⓈ-M futures).</summary>
    [Id(1)] public required IReadOnlyList<MarketType> Markets { get; init; }
    [Id(2)] public PositionMode PositionMode { get; init; } = PositionMode.OneWay;
    [Id(3)] public string? DisplayName { get; init; }
    /// <summary>Prefix for OMS-generated client order ids (venue-legal, at most 8 characters).</summary>
    [Id(4)] public string ClientOrderIdPrefix { get; init; } = "oms";
}

[GenerateSerializer, Immutable, Alias("oms.AccountInfo")]
public sealed record AccountInfo
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required AccountConfig Config { get; init; }
    [Id(2)] public required TradingState TradingState { get; init; }
    [Id(3)] public required bool Reconciling { get; init; }
    [Id(4)] public required long LastSequence { get; init; }
    [Id(5)] public required int OpenOrderCount { get; init; }
}

/// <summary>Submits a new order. A resubmission with the same client order id returns the existing order.</summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitOrder")]
public sealed record SubmitOrder
{
    [Id(0)] public required OrderSpec Spec { get; init; }
    /// <summary>Idempotency key and the id the venue sees; the OMS generates one when absent.</summary>
    [Id(1)] public ClientOrderId? ClientOrderId { get; init; }
    /// <summary>Who asked (API client name), for audit.</summary>
    [Id(2)] public string? RequestedBy { get; init; }
    /// <summary>
    /// The contingent-order strategy (bracket, iceberg, trailing stop) this order is a child of; the account notifies it
    /// of every change of the order (see <see cref="IContingentOrderGrain.OnChildOrderChangedAsync"/>).
    /// </summary>
    [Id(3)] public StrategyId? ParentStrategyId { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.CancelOrder")]
public sealed record CancelOrder
{
    [Id(0)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(1)] public string? RequestedBy { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.CancelAllOrders")]
public sealed record CancelAllOrders
{
    /// <summary>Only orders on this instrument; all open orders when null.</summary>
    [Id(0)] public InstrumentId? Instrument { get; init; }
    [Id(1)] public string? RequestedBy { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.AmendOrder")]
public sealed record AmendOrder
{
    [Id(0)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(1)] public decimal? NewQuantity { get; init; }
    [Id(2)] public decimal? NewLimitPrice { get; init; }
    [Id(3)] public string? RequestedBy { get; init; }
}

/// <summary>An immutable view of an order for callers outside the account grain.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderSnapshot")]
public sealed record OrderSnapshot
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(2)] public VenueOrderId? VenueOrderId { get; init; }
    [Id(3)] public required OrderSpec Spec { get; init; }
    [Id(4)] public required OrderStatus Status { get; init; }
    [Id(5)] public required decimal Quantity { get; init; }
    [Id(6)] public decimal? LimitPrice { get; init; }
    [Id(7)] public required decimal FilledQuantity { get; init; }
    [Id(8)] public required decimal AveragePrice { get; init; }
    [Id(9)] public required IReadOnlyList<Money> Fees { get; init; }
    [Id(10)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(11)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(12)] public Denial? Denial { get; init; }
    [Id(13)] public string? LastVenueError { get; init; }
    [Id(14)] public bool Triggered { get; init; }
    /// <summary>The client id of the order list (OCO) the order is a leg of.</summary>
    [Id(15)] public ClientOrderId? OrderListId { get; init; }
    /// <summary>The venue's id of that order list, once known.</summary>
    [Id(16)] public string? VenueOrderListId { get; init; }

    public decimal LeavesQuantity => OrderStateMachine.IsTerminal(Status) ? 0m : Math.Max(0m, Quantity - FilledQuantity);

    public static OrderSnapshot From(Order order) => new()
    {
        Account = order.Account,
        ClientOrderId = order.ClientOrderId,
        VenueOrderId = order.VenueOrderId,
        Spec = order.Spec,
        Status = order.Status,
        Quantity = order.Quantity,
        LimitPrice = order.LimitPrice,
        FilledQuantity = order.FilledQuantity,
        AveragePrice = order.AveragePrice,
        Fees = order.Fees.Select(f => new Money(f.Value, f.Key)).ToArray(),
        CreatedAt = order.CreatedAt,
        UpdatedAt = order.UpdatedAt,
        Denial = order.Denial,
        LastVenueError = order.LastVenueError,
        Triggered = order.Triggered,
    };
}

/// <summary>The answer to a submit: the order (new or existing) and whether this call created it.</summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitOrderResult")]
public sealed record SubmitOrderResult(
    [property: Id(0)] OrderSnapshot Order,
    [property: Id(1)] bool Created);

/// <summary>The answer to a cancel or amend: the order as it now stands, or the reason nothing was sent.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderCommandResult")]
public sealed record OrderCommandResult(
    [property: Id(0)] OrderSnapshot? Order,
    [property: Id(1)] Denial? Denial)
{
    public bool Accepted => Denial is null;
}

[GenerateSerializer, Immutable, Alias("oms.CancelAllResult")]
public sealed record CancelAllResult(
    [property: Id(0)] IReadOnlyList<ClientOrderId> CancelRequested,
    [property: Id(1)] IReadOnlyList<OrderCommandResult> Refused);

[GenerateSerializer, Immutable, Alias("oms.OrderQuery")]
public sealed record OrderQuery
{
    [Id(0)] public bool OpenOnly { get; init; }
    [Id(1)] public InstrumentId? Instrument { get; init; }
    [Id(2)] public int Limit { get; init; } = 500;
}

/// <summary>One entry of an account's execution-report stream; sequences are gap-free and increase by one.</summary>
[GenerateSerializer, Immutable, Alias("oms.ExecutionReport")]
public sealed record ExecutionReport(
    [property: Id(0)] long Sequence,
    [property: Id(1)] OrderEvent Event,
    [property: Id(2)] OrderSnapshot Order);

[GenerateSerializer, Immutable, Alias("oms.ExecutionReportBatch")]
public sealed record ExecutionReportBatch
{
    [Id(0)] public required IReadOnlyList<ExecutionReport> Reports { get; init; }
    /// <summary>The account's latest sequence number at the time of the answer.</summary>
    [Id(1)] public required long LastSequence { get; init; }
    /// <summary>
    /// The oldest sequence still retained; when the caller asked for older ones the batch starts here and
    /// <see cref="Truncated"/> is true (the caller must re-read orders to resynchronise).
    /// </summary>
    [Id(2)] public required long FirstAvailableSequence { get; init; }
    [Id(3)] public bool Truncated { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.BalanceSnapshot")]
public sealed record BalanceSnapshot(
    [property: Id(0)] string Asset,
    [property: Id(1)] decimal Free,
    [property: Id(2)] decimal Locked,
    [property: Id(3)] DateTimeOffset UpdatedAt)
{
    public decimal Total => Free + Locked;
}

[GenerateSerializer, Immutable, Alias("oms.PositionSnapshot")]
public sealed record PositionSnapshot
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required InstrumentId Instrument { get; init; }
    [Id(2)] public required PositionSide Side { get; init; }
    /// <summary>Signed: long &gt; 0, short &lt; 0.</summary>
    [Id(3)] public required decimal Quantity { get; init; }
    [Id(4)] public required decimal AverageEntryPrice { get; init; }
    [Id(5)] public required decimal RealizedPnl { get; init; }
    [Id(6)] public required decimal Fees { get; init; }
    [Id(7)] public decimal? MarkPrice { get; init; }
    [Id(8)] public decimal? UnrealizedPnl { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(10)] public required long FillCount { get; init; }
}

/// <summary>One entry of a position's history: every open, change and close.</summary>
[GenerateSerializer, Immutable, Alias("oms.PositionHistoryEntry")]
public sealed record PositionHistoryEntry(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] PositionSide Side,
    [property: Id(2)] PositionChange Change,
    [property: Id(3)] TradeId TradeId,
    [property: Id(4)] decimal FillQuantity,
    [property: Id(5)] decimal FillPrice)
{
    /// <summary>
    /// A fee charged in an asset that could not be valued in the quote asset (no reference price for it): it was
    /// expensed as 0 and is recorded here so it can be accounted for later.
    /// </summary>
    [Id(6)] public Money? UnvaluedFee { get; init; }
}

/// <summary>What the account grain enforces: limits and trading state, versioned so stale pushes are ignored.</summary>
[GenerateSerializer, Immutable, Alias("oms.RiskPolicy")]
public sealed record RiskPolicy(
    [property: Id(0)] RiskLimits Limits,
    [property: Id(1)] TradingState TradingState,
    [property: Id(2)] long Version)
{
    public static RiskPolicy Default { get; } = new(RiskLimits.None, TradingState.Active, 0);

    /// <summary>Why the trading state is what it is (the operator's reason or the breach), shown in denials.</summary>
    [Id(3)] public string? TradingStateReason { get; init; }
}

/// <summary>Who changed a risk setting, when, from what to what.</summary>
[GenerateSerializer, Immutable, Alias("oms.RiskAuditEntry")]
public sealed record RiskAuditEntry(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] string ChangedBy,
    [property: Id(2)] string Setting,
    [property: Id(3)] string? OldValue,
    [property: Id(4)] string? NewValue,
    [property: Id(5)] string? Reason);
