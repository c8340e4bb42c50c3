namespace Oms.Contracts;

/// <summary>
/// The futures side of an account (implemented by the account grain, same key and activation as
/// <see cref="IAccountGrain"/>): leverage, margin type and position mode, checked against the account's orders and
/// positions and then set at the venue through the connector that hosts the account's sessions; margin monitoring;
/// income (funding, commissions, realized PnL) reconciled from the venue. These calls interleave with the account's
/// order flow: they wait for the venue without holding it up.
/// </summary>
public interface IFuturesAccountGrain : IGrainWithStringKey
{
    /// <summary>Sets the leverage of one futures instrument (1 to the instrument's maximum).</summary>
    [AlwaysInterleave]
    Task<FuturesSettingResult> SetLeverageAsync(InstrumentId instrument, int leverage, string changedBy);

    /// <summary>Switches one instrument between cross and isolated margin; denied while the account has a position or open orders in it.</summary>
    [AlwaysInterleave]
    Task<FuturesSettingResult> SetMarginTypeAsync(InstrumentId instrument, VenueMarginType marginType, string changedBy);

    /// <summary>Switches the account's futures between one-way and hedge mode; denied while it has any futures position or open futures order.</summary>
    [AlwaysInterleave]
    Task<FuturesSettingResult> SetPositionModeAsync(Venue venue, MarketType market, PositionMode mode, string changedBy);

    /// <summary>Reads the venue's settings: position mode and one instrument's (or every listed instrument's) leverage and margin type.</summary>
    [AlwaysInterleave]
    Task<FuturesSettingsView> GetSettingsAsync(Venue venue, MarketType market, InstrumentId? instrument);

    /// <summary>
    /// The account's margin: wallet, unrealized PnL at mark, maintenance margin and margin ratio, computed by the OMS
    /// from the positions, mark prices and the venue's brackets (read fresh when <paramref name="refresh"/>), the
    /// alert threshold and the recent alerts.
    /// </summary>
    [AlwaysInterleave]
    Task<FuturesMarginStatus> GetMarginStatusAsync(bool refresh);

    /// <summary>Reads the venue's income history since the last read and books the new rows (idempotent by transaction id); returns the totals.</summary>
    [AlwaysInterleave]
    Task<FuturesIncomeSummary> SyncIncomeAsync();

    /// <summary>The booked income per instrument, next to the OMS's own realized PnL and fees.</summary>
    [AlwaysInterleave]
    Task<FuturesIncomeSummary> GetIncomeAsync();
}

/// <summary>Why a futures setting call failed.</summary>
public enum FuturesSettingError
{
    None = 0,
    /// <summary>The request is wrong (unknown or non-futures instrument, leverage out of range, unknown value); nothing changed.</summary>
    InvalidArgument = 1,
    /// <summary>The account's state forbids it now (open position or orders, margin); nothing changed.</summary>
    FailedPrecondition = 2,
    /// <summary>The account does not exist (not provisioned).</summary>
    AccountNotFound = 3,
    /// <summary>No connector for the market, or the venue did not answer; for a change, the outcome may be unknown.</summary>
    VenueUnavailable = 4,
    /// <summary>The account has no key or permission at the venue.</summary>
    Unauthorized = 5,
}

/// <summary>The outcome of a futures setting change.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesSettingResult")]
public sealed record FuturesSettingResult
{
    [Id(0)] public FuturesSettingError Error { get; init; }
    /// <summary>What failed, for what (names the instrument, the value and the limit or the blocking positions/orders).</summary>
    [Id(1)] public string? Message { get; init; }
    /// <summary>The venue's error code, when the venue refused.</summary>
    [Id(2)] public string? VenueCode { get; init; }
    /// <summary>Whether the venue's setting changed (false when it already had the value).</summary>
    [Id(3)] public bool Changed { get; init; }
    /// <summary>The instrument's settings after the call (leverage calls, and margin type calls when read back).</summary>
    [Id(4)] public DerivativesSymbolSettings? Instrument { get; init; }
    [Id(5)] public PositionMode? PositionMode { get; init; }
    /// <summary>For a failed change: whether the venue may have applied it anyway (read the settings to know).</summary>
    [Id(6)] public bool OutcomeUnknown { get; init; }

    public bool Succeeded => Error == FuturesSettingError.None;

    public static FuturesSettingResult Fail(FuturesSettingError error, string message, string? venueCode = null, bool outcomeUnknown = false) =>
        new() { Error = error, Message = message, VenueCode = venueCode, OutcomeUnknown = outcomeUnknown };
}

/// <summary>The venue's futures settings of an account, or why they could not be read.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesSettingsView")]
public sealed record FuturesSettingsView
{
    [Id(0)] public FuturesSettingError Error { get; init; }
    [Id(1)] public string? Message { get; init; }
    [Id(2)] public DerivativesAccountSettings? Settings { get; init; }
}

/// <summary>What kind of margin alert was raised.</summary>
public enum FuturesMarginAlertKind
{
    /// <summary>The margin ratio rose to or above the configured threshold.</summary>
    ThresholdCrossed = 1,
    /// <summary>The margin ratio fell back below the threshold.</summary>
    Recovered = 2,
    /// <summary>The venue sent a margin call (liquidation may follow).</summary>
    VenueMarginCall = 3,
}

/// <summary>One margin alert of an account.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesMarginAlert")]
public sealed record FuturesMarginAlert
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required FuturesMarginAlertKind Kind { get; init; }
    [Id(2)] public decimal? MarginRatio { get; init; }
    [Id(3)] public required decimal Threshold { get; init; }
    [Id(4)] public required string Message { get; init; }
}

/// <summary>One position's part of the margin computation.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesMarginPosition")]
public sealed record FuturesMarginPosition
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required PositionSide PositionSide { get; init; }
    [Id(2)] public required decimal Quantity { get; init; }
    [Id(3)] public required decimal EntryPrice { get; init; }
    [Id(4)] public required decimal MarkPrice { get; init; }
    /// <summary>|quantity| × mark.</summary>
    [Id(5)] public required decimal Notional { get; init; }
    [Id(6)] public required decimal UnrealizedPnl { get; init; }
    /// <summary>Maintenance margin: notional × the bracket's rate − the bracket's cumulative amount.</summary>
    [Id(7)] public required decimal MaintenanceMargin { get; init; }
    [Id(8)] public required decimal MaintenanceMarginRate { get; init; }
    /// <summary>The venue's own maintenance margin for the position, when it reported one.</summary>
    [Id(9)] public decimal? VenueMaintenanceMargin { get; init; }
    /// <summary>Where the mark came from: <c>stream</c> (the silo's mark-price feed) or <c>venue</c> (the positions read).</summary>
    [Id(10)] public required string MarkSource { get; init; }
}

/// <summary>The margin of a futures account.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesMarginStatus")]
public sealed record FuturesMarginStatus
{
    [Id(0)] public required AccountId Account { get; init; }
    /// <summary>Set when the margin could not be computed (no connector, venue unavailable...).</summary>
    [Id(1)] public FuturesSettingError Error { get; init; }
    [Id(2)] public string? Message { get; init; }
    [Id(3)] public string Asset { get; init; } = "USDT";
    [Id(4)] public decimal WalletBalance { get; init; }
    [Id(5)] public decimal UnrealizedPnl { get; init; }
    /// <summary>Wallet balance + unrealized PnL.</summary>
    [Id(6)] public decimal MarginBalance { get; init; }
    [Id(7)] public decimal MaintenanceMargin { get; init; }
    /// <summary>Maintenance margin / margin balance (1 = liquidation); null without positions or with a margin balance ≤ 0.</summary>
    [Id(8)] public decimal? MarginRatio { get; init; }
    [Id(9)] public decimal AlertThreshold { get; init; }
    [Id(10)] public bool AboveThreshold { get; init; }
    [Id(11)] public DateTimeOffset? ComputedAt { get; init; }
    [Id(12)] public IReadOnlyList<FuturesMarginPosition> Positions { get; init; } = [];
    [Id(13)] public IReadOnlyList<FuturesMarginAlert> RecentAlerts { get; init; } = [];
}

/// <summary>Booked income of one instrument (or account-wide when <see cref="Instrument"/> is null), next to the OMS's own figures.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesIncomeLine")]
public sealed record FuturesIncomeLine
{
    [Id(0)] public InstrumentId? Instrument { get; init; }
    [Id(1)] public required string Asset { get; init; }
    /// <summary>Sum of the venue's funding fees (negative = paid).</summary>
    [Id(2)] public decimal FundingFees { get; init; }
    /// <summary>Sum of the venue's commissions (negative = paid).</summary>
    [Id(3)] public decimal Commissions { get; init; }
    /// <summary>Sum of the venue's realized PnL rows (before fees).</summary>
    [Id(4)] public decimal VenueRealizedPnl { get; init; }
    [Id(5)] public decimal Other { get; init; }
    [Id(6)] public int Rows { get; init; }
    /// <summary>The OMS's realized PnL of the instrument (net of its fees), from its positions.</summary>
    [Id(7)] public decimal? OmsRealizedPnl { get; init; }
    /// <summary>The fees the OMS booked from fills.</summary>
    [Id(8)] public decimal? OmsFees { get; init; }
    /// <summary>Venue (realized + commissions) − OMS realized: 0 when the OMS's realized PnL matches the venue's.</summary>
    [Id(9)] public decimal? RealizedDifference { get; init; }
    /// <summary>Realized PnL net of fees plus funding: what the position earned at the venue.</summary>
    [Id(10)] public decimal NetIncome { get; init; }
}

/// <summary>The account's booked futures income.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesIncomeSummary")]
public sealed record FuturesIncomeSummary
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public FuturesSettingError Error { get; init; }
    [Id(2)] public string? Message { get; init; }
    [Id(3)] public IReadOnlyList<FuturesIncomeLine> Lines { get; init; } = [];
    /// <summary>Rows booked by this call (a sync), 0 for a read.</summary>
    [Id(4)] public int NewRows { get; init; }
    /// <summary>Rows booked in total.</summary>
    [Id(5)] public long TotalRows { get; init; }
    /// <summary>The venue time up to which income was read.</summary>
    [Id(6)] public DateTimeOffset? SyncedThrough { get; init; }
}

/// <summary>
/// The persisted futures book of one account (key: the account id), kept apart from the account's order state:
/// income rows booked once by (transaction id, type) with per-instrument totals, and the audit of position
/// corrections made from the venue's positions.
/// </summary>
public interface IFuturesLedgerGrain : IGrainWithStringKey
{
    /// <summary>Books income rows; rows already booked are skipped. Returns how many were new.</summary>
    Task<int> BookIncomeAsync(IReadOnlyList<VenueIncome> rows, DateTimeOffset readThrough);

    /// <summary>Where the next income read starts (an overlap before the last row booked), or null before the first read.</summary>
    [ReadOnly]
    Task<DateTimeOffset?> GetIncomeCursorAsync();

    [ReadOnly]
    Task<FuturesLedgerView> GetAsync();

    /// <summary>Records a position the OMS corrected to the venue's quantity.</summary>
    Task RecordCorrectionAsync(FuturesPositionCorrection correction);
}

/// <summary>Totals of one (instrument, asset) in the ledger.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesLedgerTotals")]
public sealed record FuturesLedgerTotals
{
    [Id(0)] public InstrumentId? Instrument { get; init; }
    [Id(1)] public required string Asset { get; init; }
    [Id(2)] public decimal FundingFees { get; init; }
    [Id(3)] public decimal Commissions { get; init; }
    [Id(4)] public decimal RealizedPnl { get; init; }
    [Id(5)] public decimal Other { get; init; }
    [Id(6)] public int Rows { get; init; }
}

/// <summary>A position leg the OMS set to the venue's quantity after reconciliation (its fills did not add up to it).</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesPositionCorrection")]
public sealed record FuturesPositionCorrection
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required InstrumentId Instrument { get; init; }
    [Id(2)] public required PositionSide PositionSide { get; init; }
    [Id(3)] public required decimal OmsQuantity { get; init; }
    [Id(4)] public required decimal VenueQuantity { get; init; }
    [Id(5)] public required string Reason { get; init; }
}

/// <summary>What the ledger holds.</summary>
[GenerateSerializer, Immutable, Alias("oms.FuturesLedgerView")]
public sealed record FuturesLedgerView
{
    [Id(0)] public required IReadOnlyList<FuturesLedgerTotals> Totals { get; init; }
    [Id(1)] public required long TotalRows { get; init; }
    [Id(2)] public DateTimeOffset? SyncedThrough { get; init; }
    [Id(3)] public required IReadOnlyList<FuturesPositionCorrection> Corrections { get; init; }
    /// <summary>The most recent rows booked (bounded), oldest first.</summary>
    [Id(4)] public required IReadOnlyList<VenueIncome> RecentRows { get; init; }
}
