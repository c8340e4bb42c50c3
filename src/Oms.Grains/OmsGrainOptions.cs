namespace Oms.Grains;

/// <summary>
/// Tuning of the OMS grains. Bind from configuration section <see cref="SectionName"/>; validated at start-up by
/// <see cref="OmsGrainOptionsValidator"/>. Defaults suit production; tests shrink the retention sizes.
/// </summary>
public sealed class OmsGrainOptions
{
    public const string SectionName = "Oms:Grains";

    /// <summary>
    /// No longer used: an account keeps no closed orders in its state (they move to the <see cref="IExecutionReportJournal"/>
    /// after the write that closed them, and stay queryable there). Kept so existing configuration still binds.
    /// </summary>
    public int ClosedOrderRetention { get; set; } = 2000;

    /// <summary>
    /// How many of the most recent execution reports an account keeps in memory for stream resume (older ones are read
    /// from the journal), and the most reports its state holds while the journal is unreachable.
    /// </summary>
    public int ExecutionReportRingCapacity { get; set; } = 512;

    /// <summary>
    /// The account's hot de-duplication window: keys of fills no open order holds any more (closed orders', unknown
    /// orders'), about 50 bytes each in every state write. A fill key that left the window is still recognised: a fill
    /// at or before the newest time that left it is checked against the journal's fill index before it is applied. So
    /// the window only saves journal look-ups for replays of recent fills; it does not bound correctness.
    /// </summary>
    public int RecentTradeKeyRetention { get; set; } = 256;

    /// <summary>How many applied trade ids a position remembers for de-duplication (the most recent ones).</summary>
    public int PositionTradeIdRetention { get; set; } = 10_000;

    /// <summary>How many history entries a position keeps (the most recent ones).</summary>
    public int PositionHistoryCapacity { get; set; } = 1000;

    /// <summary>How many audit entries a risk-limit grain keeps (the most recent ones).</summary>
    public int RiskAuditCapacity { get; set; } = 1000;

    /// <summary>The longest a <c>ReadExecutionReportsAsync</c> call may wait for new reports.</summary>
    public TimeSpan MaxReadWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most reports one read returns.</summary>
    public int MaxReadBatch { get; set; } = 1000;

    /// <summary>
    /// How old a PendingNew order must be before a venue "not found" answer marks it Rejected ("never reached the
    /// venue"). Younger orders may still be on their way; the answer is recorded and the order stays in flight.
    /// </summary>
    public TimeSpan PendingNewGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Period of the account's maintenance timer: retries the position outbox, journal appends and order queries
    /// that could not be routed.
    /// </summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many reports the in-memory journal keeps per account (the most recent ones).</summary>
    public int InMemoryJournalCapacityPerAccount { get; set; } = 100_000;

    /// <summary>
    /// The asset exposure and equity are measured in (account and firm limits, drawdown). Other assets are converted at
    /// the reference price of <c>{asset}{valuation asset}</c> on the account's venue.
    /// </summary>
    public string RiskValuationAsset { get; set; } = "USDT";

    /// <summary>
    /// Period of the drawdown reminder of an account with a drawdown or daily-loss limit: the equity check that runs even
    /// when nothing trades. Orleans refuses reminder periods below its <c>ReminderOptions.MinimumReminderPeriod</c>
    /// (1 minute by default); tests lower both.
    /// </summary>
    public TimeSpan EquityCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Checks <see cref="OmsGrainOptions"/> at start-up.</summary>
public sealed class OmsGrainOptionsValidator : IValidateOptions<OmsGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, OmsGrainOptions options)
    {
        var failures = new List<string>();
        void Positive(int value, string field)
        {
            if (value < 1) failures.Add($"{OmsGrainOptions.SectionName}:{field} must be at least 1 (was {value})");
        }
        void PositiveTime(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero) failures.Add($"{OmsGrainOptions.SectionName}:{field} must be positive (was {value})");
        }

        Positive(options.ClosedOrderRetention, nameof(options.ClosedOrderRetention));
        Positive(options.ExecutionReportRingCapacity, nameof(options.ExecutionReportRingCapacity));
        Positive(options.RecentTradeKeyRetention, nameof(options.RecentTradeKeyRetention));
        Positive(options.PositionTradeIdRetention, nameof(options.PositionTradeIdRetention));
        Positive(options.PositionHistoryCapacity, nameof(options.PositionHistoryCapacity));
        Positive(options.RiskAuditCapacity, nameof(options.RiskAuditCapacity));
        Positive(options.MaxReadBatch, nameof(options.MaxReadBatch));
        Positive(options.InMemoryJournalCapacityPerAccount, nameof(options.InMemoryJournalCapacityPerAccount));
        PositiveTime(options.MaxReadWait, nameof(options.MaxReadWait));
        PositiveTime(options.PendingNewGracePeriod, nameof(options.PendingNewGracePeriod));
        PositiveTime(options.MaintenanceInterval, nameof(options.MaintenanceInterval));
        PositiveTime(options.EquityCheckPeriod, nameof(options.EquityCheckPeriod));
        if (string.IsNullOrWhiteSpace(options.RiskValuationAsset))
        {
            failures.Add($"{OmsGrainOptions.SectionName}:{nameof(options.RiskValuationAsset)} must name an asset (e.g. USDT)");
        }
        if (options.MaxReadWait > TimeSpan.FromSeconds(25))
        {
            // Orleans' default response timeout is 30 s: a longer wait would turn an idle stream into a timeout error.
            failures.Add($"{OmsGrainOptions.SectionName}:{nameof(options.MaxReadWait)} must be at most 25 s (was {options.MaxReadWait})");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
