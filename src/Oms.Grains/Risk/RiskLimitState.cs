namespace Oms.Grains;

/// <summary>The persisted state of one <see cref="RiskLimitGrain"/>.</summary>
[GenerateSerializer, Alias("oms.grains.RiskLimitState")]
public sealed class RiskLimitState
{
    [Id(0)] public RiskLimits Limits { get; set; } = RiskLimits.None;
    [Id(1)] public TradingState TradingState { get; set; } = TradingState.Active;
    /// <summary>Increases by one on every change; accounts ignore older versions.</summary>
    [Id(2)] public long Version { get; set; }
    /// <summary>Who changed what, newest last (bounded by <see cref="OmsGrainOptions.RiskAuditCapacity"/>).</summary>
    [Id(3)] public List<RiskAuditEntry> Audit { get; set; } = [];
}
