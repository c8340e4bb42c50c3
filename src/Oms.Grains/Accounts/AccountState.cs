namespace Oms.Grains;

/// <summary>
/// The persisted (hot) state of one <see cref="AccountGrain"/>. Written once per command or venue-event batch; nothing
/// is acknowledged or sent before the write returned.
/// <para>
/// It holds what the next event needs — open orders, balances, positions, sequence numbers, the de-duplication window,
/// the outboxes — and nothing that grows with the account's history, so a write costs in proportion to the open orders.
/// Closed orders, the execution-report history and the keys of old fills live in the <see cref="IExecutionReportJournal"/>
/// (cold): a closed order stays here only until the journal took it, a report only until it is journaled.
/// </para>
/// </summary>
[GenerateSerializer, Alias("oms.grains.AccountState")]
public sealed class AccountState
{
    [Id(0)] public bool Provisioned { get; set; }
    [Id(1)] public AccountConfig? Config { get; set; }
    [Id(2)] public DateTimeOffset ProvisionedAt { get; set; }

    /// <summary>Open orders, and closed ones the journal has not taken yet (<see cref="ClosedOrders"/>), by client order id.</summary>
    [Id(3)] public Dictionary<ClientOrderId, OrderRecord> Orders { get; set; } = [];

    /// <summary>Closed (terminal) orders still in <see cref="Orders"/> because the journal has not archived them yet, oldest first.</summary>
    [Id(4)] public List<ClientOrderId> ClosedOrders { get; set; } = [];

    /// <summary>Legacy (states written before the hot/cold split): trade keys, moved into <see cref="RecentFills"/> on activation.</summary>
    [Id(5)] public List<FillKey> RecentTradeKeys { get; set; } = [];

    /// <summary>The latest applied trade per instrument (by venue timestamp), where reconciliation resumes.</summary>
    [Id(6)] public Dictionary<InstrumentId, LastTrade> LastTrades { get; set; } = [];

    [Id(7)] public Dictionary<string, BalanceEntry> Balances { get; set; } = [];

    /// <summary>The sequence of the last execution report (0 before the first).</summary>
    [Id(8)] public long LastSequence { get; set; }

    /// <summary>
    /// Execution reports not yet in the journal (sequence above <see cref="JournaledThrough"/>), ascending and contiguous:
    /// normally only the last batch. Bounded by <see cref="OmsGrainOptions.ExecutionReportRingCapacity"/> while the
    /// journal is unreachable (older ones are dropped with a logged gap).
    /// </summary>
    [Id(9)] public List<ExecutionReport> RecentReports { get; set; } = [];

    [Id(10)] public RiskPolicy Policy { get; set; } = RiskPolicy.Default;

    [Id(11)] public bool Reconciling { get; set; }
    [Id(12)] public string? ReconcilingReason { get; set; }
    [Id(13)] public DateTimeOffset? ReconcilingSince { get; set; }

    /// <summary>Applied fills not yet acknowledged by their position grain.</summary>
    [Id(14)] public List<Fill> Outbox { get; set; } = [];

    [Id(15)] public HashSet<InstrumentId> TradedInstruments { get; set; } = [];

    /// <summary>Signed position per (instrument, leg) as the account's own fills add up; used for reduce checks.</summary>
    [Id(16)] public Dictionary<PositionLegKey, decimal> NetPositions { get; set; } = [];

    /// <summary>The counter behind OMS-generated client order ids.</summary>
    [Id(17)] public long NextClientOrderNumber { get; set; } = 1;

    /// <summary>The last sequence known to be in the execution-report journal.</summary>
    [Id(18)] public long JournaledThrough { get; set; }

    /// <summary>
    /// Keys of fills no open order holds any more (its order was archived, or the order is unknown), newest last, with
    /// their venue time: the hot de-duplication window (<see cref="OmsGrainOptions.RecentTradeKeyRetention"/>).
    /// </summary>
    [Id(19)] public RingBuffer<FillTrace> RecentFills { get; set; } = new(1);

    /// <summary>
    /// The latest venue time of any fill key that left <see cref="RecentFills"/>. A fill at or before it that the hot
    /// state does not know is looked up in the journal before it is applied; a later one cannot be a replay of a key
    /// that left (a trade keeps its venue time), so the journal is not asked.
    /// </summary>
    [Id(20)] public DateTimeOffset? DedupeHorizon { get; set; }

    /// <summary>Keys of applied fills of unknown orders that the journal's fill index has not taken yet.</summary>
    [Id(21)] public List<FillTrace> UnarchivedFills { get; set; } = [];

    /// <summary>
    /// Order lists (OCO) by list client id, while either leg is in <see cref="Orders"/>; once both legs are archived the
    /// list leaves too (each archived leg keeps its list id, see <see cref="OrderRecord.OrderListId"/>).
    /// </summary>
    [Id(22)] public Dictionary<ClientOrderId, OrderListRecord> OrderLists { get; set; } = [];

    /// <summary>The risk engine's part: firm policy, own-fill legs and marks, strategy positions, protective stops.</summary>
    [Id(30)] public AccountRiskState Risk { get; set; } = new();
}

/// <summary>One order the account keeps, with the keys of the fills applied to it.</summary>
[GenerateSerializer, Alias("oms.grains.OrderRecord")]
public sealed class OrderRecord
{
    [Id(0)] public required Order Order { get; set; }
    /// <summary>The execution-report sequence that created the order (orders list newest first by this).</summary>
    [Id(1)] public long CreatedSequence { get; set; }
    [Id(2)] public List<FillKey> FillKeys { get; set; } = [];
    [Id(3)] public string? RequestedBy { get; set; }
    /// <summary>The last unknown outcome the venue side reported (timeout, dropped socket...); the order stays in flight.</summary>
    [Id(4)] public string? LastUnknownOutcome { get; set; }
    [Id(5)] public DateTimeOffset? LastUnknownOutcomeAt { get; set; }
    /// <summary>When the venue last answered that it has no such order.</summary>
    [Id(6)] public DateTimeOffset? NotFoundAt { get; set; }
    /// <summary>The contingent-order strategy the order is a child of; it is notified of every change.</summary>
    [Id(7)] public StrategyId? ParentStrategyId { get; set; }
    /// <summary>The latest venue time of the fills applied to the order (their keys' time in the de-duplication window).</summary>
    [Id(8)] public DateTimeOffset? LastFillAt { get; set; }
    /// <summary>The account's last sequence when the record was archived; the journal keeps the latest archive of an order.</summary>
    [Id(9)] public long ArchivedAtSequence { get; set; }
    /// <summary>The client id of the order list (OCO) the order is a leg of.</summary>
    [Id(10)] public ClientOrderId? OrderListId { get; set; }
    /// <summary>The venue's id of that list, once known.</summary>
    [Id(11)] public string? VenueOrderListId { get; set; }
}

/// <summary>One order list (OCO): two leg orders in <see cref="AccountState.Orders"/> sent to the venue as one list.</summary>
[GenerateSerializer, Alias("oms.grains.OrderListRecord")]
public sealed class OrderListRecord
{
    [Id(0)] public required ClientOrderId ListClientOrderId { get; set; }
    [Id(1)] public required InstrumentId Instrument { get; set; }
    [Id(2)] public required OrderSide Side { get; set; }
    [Id(3)] public required decimal Quantity { get; set; }
    [Id(4)] public required ClientOrderId Above { get; set; }
    [Id(5)] public required ClientOrderId Below { get; set; }
    /// <summary>What the OMS or the venue last said about the list as a whole (legs refine it, see the grain's snapshot).</summary>
    [Id(6)] public OrderListStatus Status { get; set; }
    [Id(7)] public string? VenueOrderListId { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public string? Reason { get; set; }
    [Id(11)] public Denial? Denial { get; set; }
    [Id(12)] public string? RequestedBy { get; set; }

    public ClientOrderId Sibling(ClientOrderId leg) => leg == Above ? Below : Above;
}

/// <summary>An applied fill's key with its venue time.</summary>
[GenerateSerializer, Immutable, Alias("oms.grains.FillTrace")]
public sealed record FillTrace([property: Id(0)] FillKey Key, [property: Id(1)] DateTimeOffset Timestamp);

[GenerateSerializer, Immutable, Alias("oms.grains.LastTrade")]
public sealed record LastTrade([property: Id(0)] TradeId TradeId, [property: Id(1)] DateTimeOffset Timestamp);

[GenerateSerializer, Immutable, Alias("oms.grains.BalanceEntry")]
public sealed record BalanceEntry([property: Id(0)] decimal Free, [property: Id(1)] decimal Locked, [property: Id(2)] DateTimeOffset UpdatedAt);

/// <summary>One position leg of one instrument: <see cref="PositionSide.Both"/> in one-way mode, Long/Short in hedge mode.</summary>
[GenerateSerializer, Immutable, Alias("oms.grains.PositionLegKey")]
public readonly record struct PositionLegKey([property: Id(0)] InstrumentId Instrument, [property: Id(1)] PositionSide Side);
