namespace Oms.Connectors.Abstractions;

/// <summary>How a derivatives position is margined.</summary>
public enum VenueMarginType
{
    /// <summary>Margin shared across positions (Binance <c>cross</c> / <c>CROSSED</c>).</summary>
    Cross = 1,
    /// <summary>Margin set aside for this position (Binance <c>isolated</c> / <c>ISOLATED</c>).</summary>
    Isolated = 2,
}

/// <summary>One derivatives position as the venue reports it.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenuePosition")]
public sealed record VenuePosition
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    /// <summary><see cref="PositionSide.Both"/> in one-way mode; <see cref="PositionSide.Long"/> or <see cref="PositionSide.Short"/> in hedge mode.</summary>
    [Id(1)] public required PositionSide PositionSide { get; init; }
    /// <summary>Signed position size (negative = short); 0 when the position was closed.</summary>
    [Id(2)] public required decimal Quantity { get; init; }
    [Id(3)] public required decimal EntryPrice { get; init; }
    [Id(4)] public decimal? BreakEvenPrice { get; init; }
    [Id(5)] public decimal? UnrealizedPnl { get; init; }
    /// <summary>Realized PnL accumulated on the position before fees (Binance <c>cr</c>), when reported.</summary>
    [Id(6)] public decimal? AccumulatedRealizedPnl { get; init; }
    [Id(7)] public VenueMarginType? MarginType { get; init; }
    /// <summary>Wallet balance set aside for an isolated position.</summary>
    [Id(8)] public decimal? IsolatedWallet { get; init; }
    [Id(9)] public decimal? MarkPrice { get; init; }
    [Id(10)] public decimal? LiquidationPrice { get; init; }
    /// <summary>The asset the position is margined in, when reported.</summary>
    [Id(11)] public string? MarginAsset { get; init; }
}

/// <summary>
/// Positions as the venue reports them (Binance USD-M <c>ACCOUNT_UPDATE</c> <c>P[]</c>, or a <c>positionRisk</c>
/// query). A snapshot lists every open position (others are flat); otherwise only the listed positions changed.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.VenuePositionUpdate")]
public sealed record VenuePositionUpdate : VenueEvent
{
    [Id(0)] public required IReadOnlyList<VenuePosition> Positions { get; init; }
    [Id(1)] public bool IsSnapshot { get; init; }
    /// <summary>Why the venue says the account changed (its own text, e.g. <c>ORDER</c>, <c>FUNDING_FEE</c>), for audit.</summary>
    [Id(2)] public string? VenueReason { get; init; }
}

/// <summary>An account or instrument setting the venue changed (Binance USD-M <c>ACCOUNT_CONFIG_UPDATE</c>).</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueAccountConfigUpdate")]
public sealed record VenueAccountConfigUpdate : VenueEvent
{
    /// <summary>The instrument a leverage change applies to; null for account-wide settings.</summary>
    [Id(0)] public InstrumentId? Instrument { get; init; }
    /// <summary>The new leverage of <see cref="Instrument"/>, when it changed.</summary>
    [Id(1)] public int? Leverage { get; init; }
    /// <summary>Whether multi-assets margin mode is now on, when it changed.</summary>
    [Id(2)] public bool? MultiAssetsMargin { get; init; }
    /// <summary>One-way or hedge mode, when it changed.</summary>
    [Id(3)] public PositionMode? PositionMode { get; init; }
}

/// <summary>One position named in a margin call.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueMarginCallPosition")]
public sealed record VenueMarginCallPosition
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required PositionSide PositionSide { get; init; }
    [Id(2)] public required decimal Quantity { get; init; }
    [Id(3)] public VenueMarginType? MarginType { get; init; }
    [Id(4)] public decimal? IsolatedWallet { get; init; }
    [Id(5)] public required decimal MarkPrice { get; init; }
    [Id(6)] public decimal? UnrealizedPnl { get; init; }
    /// <summary>Maintenance margin required for the position.</summary>
    [Id(7)] public decimal? MaintenanceMargin { get; init; }
}

/// <summary>
/// The venue warns that the account's margin ratio is critical (Binance USD-M <c>MARGIN_CALL</c>). Informational:
/// liquidation may already be under way; positions change only through fills and position updates.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.VenueMarginCall")]
public sealed record VenueMarginCall : VenueEvent
{
    /// <summary>Cross wallet balance (cross margin only).</summary>
    [Id(0)] public decimal? CrossWalletBalance { get; init; }
    [Id(1)] public required IReadOnlyList<VenueMarginCallPosition> Positions { get; init; }
}
