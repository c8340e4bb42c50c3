namespace Oms.Contracts;

/// <summary>
/// One account's position in one instrument (one leg in one-way mode, long and short legs in hedge mode):
/// quantity, average entry, realized PnL with fees, unrealized PnL against a mark, and history.
/// </summary>
public interface IPositionGrain : IGrainWithStringKey
{
    /// <summary>Applies fills exactly once by trade id and returns the position legs after them.</summary>
    Task<IReadOnlyList<PositionSnapshot>> ApplyFillsAsync(IReadOnlyList<Fill> fills);

    /// <summary>Returns the position legs, marked to <paramref name="markPrice"/> when given.</summary>
    [ReadOnly]
    Task<IReadOnlyList<PositionSnapshot>> GetAsync(decimal? markPrice);

    /// <summary>Returns the most recent history entries, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<PositionHistoryEntry>> GetHistoryAsync(int maxCount);
}

/// <summary>
/// An account's risk limits and trading state (or the firm's, under <see cref="GrainKeys.Firm"/>). Changes are
/// audited and pushed to the account before the call returns, so they take effect immediately.
/// </summary>
public interface IRiskLimitGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<RiskPolicy> GetPolicyAsync();

    /// <summary>Replaces the limits.</summary>
    Task<RiskPolicy> SetLimitsAsync(RiskLimits limits, string changedBy);

    /// <summary>Moves the trading state (kill switch: Halted; resume: Active). Returns the resulting policy.</summary>
    Task<RiskPolicy> SetTradingStateAsync(TradingState state, string reason, string changedBy);

    [ReadOnly]
    Task<IReadOnlyList<RiskAuditEntry>> GetAuditAsync(int maxCount);

    /// <summary>
    /// Checks the account's equity now (asks the account, updates the high-water mark and the day's start, acts on a
    /// breach) and returns the equity watch. The periodic reminder runs the same check.
    /// </summary>
    Task<EquityStatus> CheckEquityAsync();

    /// <summary>Takes an equity observation the account made after fills (one-way: the account never waits for it).</summary>
    [OneWay]
    Task ObserveEquityAsync(AccountEquity equity);

    /// <summary>Sets the drawdown and daily-loss limits and the breach action, keeping every other limit (audited, pushed).</summary>
    Task<RiskPolicy> SetDrawdownAsync(DrawdownSettings settings, string changedBy);

    /// <summary>Sets the gross and net exposure limits (null removes one), keeping every other limit (audited, pushed).</summary>
    Task<RiskPolicy> SetExposureLimitsAsync(decimal? maxGrossExposure, decimal? maxNetExposure, string changedBy);

    /// <summary>Sets or (with null) removes the automatic stop-loss policy, keeping every limit (audited, pushed).</summary>
    Task<RiskPolicy> SetStopLossAsync(ProtectiveStopPolicy? policy, string changedBy);
}
