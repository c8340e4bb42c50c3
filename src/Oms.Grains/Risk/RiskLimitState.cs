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
    /// <summary>Why the trading state is what it is (operator's reason or the breach).</summary>
    [Id(4)] public string? TradingStateReason { get; set; }
    /// <summary>The account's equity high-water mark and the start of its UTC day.</summary>
    [Id(5)] public EquityWatermark Watermark { get; set; } = EquityWatermark.Empty;
    /// <summary>The last drawdown or daily-loss breach acted upon.</summary>
    [Id(6)] public EquityBreach? LastBreach { get; set; }
    /// <summary>The period of the registered equity reminder (null when none is registered).</summary>
    [Id(7)] public TimeSpan? ReminderPeriod { get; set; }
}
