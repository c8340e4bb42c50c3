namespace Oms.Grains;

/// <summary>
/// The risk engine's part of an account's persisted state (<see cref="AccountState.Risk"/>): the firm policy it
/// enforces, what its own fills built (positions with average entry, last fill prices, per-strategy positions), the
/// sequence of its firm exposure claims, the protective stops it keeps working and the venue's leverage per instrument.
/// </summary>
[GenerateSerializer, Alias("oms.grains.AccountRiskState")]
public sealed class AccountRiskState
{
    /// <summary>The firm's limits and trading state as last pushed (or pulled on activation).</summary>
    [Id(0)] public RiskPolicy FirmPolicy { get; set; } = RiskPolicy.Default;
    /// <summary>Each leg's position with its average entry, from the account's own fills (equity, stops).</summary>
    [Id(1)] public Dictionary<PositionLegKey, Position> Legs { get; set; } = [];
    /// <summary>The last fill price per instrument: the mark when market data has no reference price.</summary>
    [Id(2)] public Dictionary<InstrumentId, decimal> LastFillPrices { get; set; } = [];
    /// <summary>Signed position per strategy tag and leg, from the fills of orders carrying the tag.</summary>
    [Id(3)] public Dictionary<StrategyLegKey, decimal> StrategyPositions { get; set; } = [];
    /// <summary>The sequence of the last exposure claim sent to the firm (monotonic; the firm ignores older ones).</summary>
    [Id(4)] public long ClaimSequence { get; set; }
    /// <summary>The protective stop order working for each leg (automatic stop-loss).</summary>
    [Id(5)] public Dictionary<PositionLegKey, ClientOrderId> ProtectiveStops { get; set; } = [];
    /// <summary>
    /// The leverage the venue applies to each derivatives instrument of the account, as last learned from the venue
    /// (a leverage change through the OMS, a settings read, the venue's leverage event): the margin check's leverage,
    /// capped by the risk limits' maximum.
    /// </summary>
    [Id(6)] public Dictionary<InstrumentId, decimal> VenueLeverage { get; set; } = [];
}

/// <summary>One strategy tag's leg of one instrument.</summary>
[GenerateSerializer, Immutable, Alias("oms.grains.StrategyLegKey")]
public readonly record struct StrategyLegKey(
    [property: Id(0)] string Tag,
    [property: Id(1)] InstrumentId Instrument,
    [property: Id(2)] PositionSide Side);
