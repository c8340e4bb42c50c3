namespace Oms.Connectors.Abstractions;

/// <summary>
/// Derivatives account settings and figures that only the venue holds: leverage and margin type per instrument,
/// position mode, the inputs of the margin computation and the income history. Unlike <see cref="IVenueOrderRouter"/>
/// these calls wait for the venue's answer (they are rare, and the caller needs the outcome). Implemented by the
/// connector of a derivatives market in the silo that hosts the account's sessions; the caller keeps these calls out
/// of the account's order flow.
/// </summary>
public interface IDerivativesAccountPort
{
    /// <summary>Whether this port serves the (venue, market).</summary>
    bool Serves(Venue venue, MarketType market);

    /// <summary>Sets the leverage of one instrument; the answer carries the venue's resulting settings.</summary>
    Task<DerivativesPortResult<DerivativesSymbolSettings>> SetLeverageAsync(AccountId account, InstrumentId instrument, int leverage,
        CancellationToken cancellationToken = default);

    /// <summary>Sets the margin type of one instrument: true when it changed, false when it already was.</summary>
    Task<DerivativesPortResult<bool>> SetMarginTypeAsync(AccountId account, InstrumentId instrument, VenueMarginType marginType,
        CancellationToken cancellationToken = default);

    /// <summary>Switches the account between one-way and hedge mode: true when it changed, false when it already was.</summary>
    Task<DerivativesPortResult<bool>> SetPositionModeAsync(AccountId account, Venue venue, MarketType market, PositionMode mode,
        CancellationToken cancellationToken = default);

    /// <summary>Reads the position mode and the settings of one instrument (or of every instrument the venue lists).</summary>
    Task<DerivativesPortResult<DerivativesAccountSettings>> GetSettingsAsync(AccountId account, Venue venue, MarketType market, InstrumentId? instrument,
        CancellationToken cancellationToken = default);

    /// <summary>Reads what the margin computation needs: the wallet, the open positions with their mark prices and the maintenance brackets.</summary>
    Task<DerivativesPortResult<DerivativesMarginInputs>> GetMarginInputsAsync(AccountId account, Venue venue, MarketType market,
        CancellationToken cancellationToken = default);

    /// <summary>Reads the income history (realized PnL, funding, commissions...) from <paramref name="since"/> on, oldest first (bounded).</summary>
    Task<DerivativesPortResult<IReadOnlyList<VenueIncome>>> GetIncomeAsync(AccountId account, Venue venue, MarketType market, DateTimeOffset since,
        CancellationToken cancellationToken = default);
}

/// <summary>Why a derivatives port call failed.</summary>
public enum DerivativesPortError
{
    None = 0,
    /// <summary>The request was invalid (unknown symbol, leverage out of range...); nothing changed.</summary>
    InvalidRequest = 1,
    /// <summary>The venue refused because of the account's state (open orders or positions, margin...); nothing changed.</summary>
    Rejected = 2,
    /// <summary>The venue could not be reached or did not answer in time; for a change, its outcome is unknown.</summary>
    Unavailable = 3,
    /// <summary>The account has no key or no sessions for the venue.</summary>
    Unauthorized = 4,
}

/// <summary>The answer of a derivatives port call: a value, or an error that says what failed and the venue's code.</summary>
[GenerateSerializer, Immutable, Alias("oms.DerivativesPortResult`1")]
public sealed record DerivativesPortResult<T>
{
    [Id(0)] public T? Value { get; init; }
    [Id(1)] public DerivativesPortError Error { get; init; }
    [Id(2)] public string? Message { get; init; }
    /// <summary>The venue's error code, when it answered with one (e.g. <c>-4048</c>).</summary>
    [Id(3)] public string? VenueCode { get; init; }
    /// <summary>For a failed change: whether the request may have reached the venue (its outcome is unknown).</summary>
    [Id(4)] public bool OutcomeUnknown { get; init; }

    public bool Succeeded => Error == DerivativesPortError.None;

    public static DerivativesPortResult<T> Ok(T value) => new() { Value = value };

    public static DerivativesPortResult<T> Failed(DerivativesPortError error, string message, string? venueCode = null, bool outcomeUnknown = false) =>
        new() { Error = error, Message = message, VenueCode = venueCode, OutcomeUnknown = outcomeUnknown };
}

/// <summary>The venue's settings of one derivatives instrument.</summary>
[GenerateSerializer, Immutable, Alias("oms.DerivativesSymbolSettings")]
public sealed record DerivativesSymbolSettings
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required int Leverage { get; init; }
    /// <summary>The margin type, when the answer reports it.</summary>
    [Id(2)] public VenueMarginType? MarginType { get; init; }
    /// <summary>The largest position notional allowed at this leverage, when reported.</summary>
    [Id(3)] public decimal? MaxNotional { get; init; }
}

/// <summary>The venue's settings of a derivatives account: position mode and per-instrument settings.</summary>
[GenerateSerializer, Immutable, Alias("oms.DerivativesAccountSettings")]
public sealed record DerivativesAccountSettings
{
    [Id(0)] public required PositionMode PositionMode { get; init; }
    [Id(1)] public required IReadOnlyList<DerivativesSymbolSettings> Instruments { get; init; }
}

/// <summary>One maintenance-margin tier of an instrument: positions whose notional is below the cap use this rate.</summary>
[GenerateSerializer, Immutable, Alias("oms.MaintenanceBracket")]
public sealed record MaintenanceBracket
{
    /// <summary>Notional from which the tier applies (inclusive).</summary>
    [Id(0)] public required decimal NotionalFloor { get; init; }
    /// <summary>Notional up to which the tier applies (exclusive).</summary>
    [Id(1)] public required decimal NotionalCap { get; init; }
    /// <summary>Maintenance margin rate of the tier (0.004 = 0.4 %).</summary>
    [Id(2)] public required decimal MaintenanceMarginRate { get; init; }
    /// <summary>Maintenance amount deducted in the tier (makes the tiers continuous).</summary>
    [Id(3)] public required decimal Cumulative { get; init; }
    /// <summary>The highest leverage allowed in the tier.</summary>
    [Id(4)] public int InitialLeverage { get; init; }
}

/// <summary>One open position with the figures the margin computation needs.</summary>
[GenerateSerializer, Immutable, Alias("oms.MarginPositionInput")]
public sealed record MarginPositionInput
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required PositionSide PositionSide { get; init; }
    /// <summary>Signed size (negative = short).</summary>
    [Id(2)] public required decimal Quantity { get; init; }
    [Id(3)] public required decimal EntryPrice { get; init; }
    /// <summary>The venue's mark price when it was read (the caller may use a fresher one).</summary>
    [Id(4)] public decimal? MarkPrice { get; init; }
    [Id(5)] public VenueMarginType? MarginType { get; init; }
    [Id(6)] public decimal? IsolatedWallet { get; init; }
    /// <summary>The venue's own maintenance margin of the position, for cross-checking.</summary>
    [Id(7)] public decimal? VenueMaintenanceMargin { get; init; }
}

/// <summary>What the margin computation of a derivatives account needs, read from the venue.</summary>
[GenerateSerializer, Immutable, Alias("oms.DerivativesMarginInputs")]
public sealed record DerivativesMarginInputs
{
    /// <summary>The margin asset (e.g. USDT).</summary>
    [Id(0)] public required string Asset { get; init; }
    /// <summary>Wallet balance of the margin asset (cross and isolated parts).</summary>
    [Id(1)] public required decimal WalletBalance { get; init; }
    [Id(2)] public required IReadOnlyList<MarginPositionInput> Positions { get; init; }
    /// <summary>Maintenance brackets of every instrument with a position.</summary>
    [Id(3)] public required IReadOnlyDictionary<InstrumentId, IReadOnlyList<MaintenanceBracket>> Brackets { get; init; }
    [Id(4)] public required DateTimeOffset ReadAt { get; init; }
}

/// <summary>Kinds of income a derivatives account books.</summary>
public enum VenueIncomeType
{
    Other = 0,
    RealizedPnl = 1,
    FundingFee = 2,
    Commission = 3,
    Transfer = 4,
    InsuranceClear = 5,
}

/// <summary>One income row of the venue (Binance USD-M <c>GET /fapi/v1/income</c>); unique by <see cref="TransactionId"/> and <see cref="Type"/>.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueIncome")]
public sealed record VenueIncome
{
    /// <summary>The instrument, or null for account-wide income (transfers).</summary>
    [Id(0)] public InstrumentId? Instrument { get; init; }
    [Id(1)] public required VenueIncomeType Type { get; init; }
    /// <summary>The venue's own name of the type.</summary>
    [Id(2)] public required string TypeText { get; init; }
    /// <summary>Signed amount (negative = paid).</summary>
    [Id(3)] public required decimal Amount { get; init; }
    [Id(4)] public required string Asset { get; init; }
    [Id(5)] public required DateTimeOffset Time { get; init; }
    [Id(6)] public required long TransactionId { get; init; }
    [Id(7)] public string? TradeId { get; init; }
}
