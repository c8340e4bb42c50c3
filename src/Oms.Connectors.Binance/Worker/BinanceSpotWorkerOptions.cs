namespace Oms.Connectors.Binance.Worker;

/// <summary>Settings of the Binance spot connector worker (section <see cref="SectionName"/>), validated at start-up.</summary>
public sealed class BinanceSpotWorkerOptions
{
    public const string SectionName = "Connectors:Binance:Worker";

    /// <summary>Most commands waiting per account; a full queue refuses new commands (nothing is sent).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most requests of one account in flight at once (pipelined on its WebSocket API session).</summary>
    public int MaxInFlightPerAccount { get; set; } = 32;

    /// <summary>How long a command waits for the account's first session before it goes over REST.</summary>
    public TimeSpan SessionWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A stream silent this long while the account has open orders is probed (and resubscribed when it missed something).</summary>
    public TimeSpan WatchdogSilence { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the watchdog looks.</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after an order was created a "not found" answer still leaves room for it to appear at the venue.</summary>
    public TimeSpan NotFoundPatience { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Trades re-read before each instrument's cursor during reconciliation (duplicates are harmless, gaps are not).</summary>
    public int TradeLookback { get; set; } = 50;

    /// <summary>How long a detached account's queued commands and events may take to drain before its sessions close.</summary>
    public TimeSpan DetachDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay between failed reconciliation attempts (doubles up to 30 s).</summary>
    public TimeSpan ReconcileRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often <c>exchangeInfo</c> is re-read into the instrument catalog.</summary>
    public TimeSpan ExchangeInfoRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (QueueCapacity < 1) errors.Add($"{nameof(QueueCapacity)} {QueueCapacity} must be at least 1");
        if (MaxInFlightPerAccount < 1) errors.Add($"{nameof(MaxInFlightPerAccount)} {MaxInFlightPerAccount} must be at least 1");
        if (TradeLookback < 0) errors.Add($"{nameof(TradeLookback)} {TradeLookback} must not be negative");
        foreach (var (name, value) in new[]
                 {
                     (nameof(SessionWait), SessionWait), (nameof(WatchdogSilence), WatchdogSilence), (nameof(WatchdogInterval), WatchdogInterval),
                     (nameof(NotFoundPatience), NotFoundPatience), (nameof(DetachDrainTimeout), DetachDrainTimeout),
                     (nameof(ReconcileRetryDelay), ReconcileRetryDelay), (nameof(ExchangeInfoRefreshInterval), ExchangeInfoRefreshInterval),
                 })
        {
            if (value <= TimeSpan.Zero) errors.Add($"{name} {value} must be positive");
        }
        return errors;
    }
}
