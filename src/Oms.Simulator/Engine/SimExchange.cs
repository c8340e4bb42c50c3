namespace Oms.Simulator.Engine;

/// <summary>
/// The exchange core: spot and USDⓈ-M order books, accounts, matching, conditional orders and a seeded
/// liquidity process. Thread-safe (one lock); deterministic for a given seed, call sequence and clock.
/// Events are raised synchronously after each call's state change is complete, outside the state lock,
/// in <see cref="SimEvent.Sequence"/> order (see API.md).
/// </summary>
public sealed partial class SimExchange
{
    private readonly object _sync = new();

    public SimExchange(SimExchangeOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options;
        TimeProvider = timeProvider;
        Initialize();
    }

    public SimExchangeOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Current server time in ms since the Unix epoch (from the TimeProvider).</summary>
    public long ServerTime => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    partial void Initialize();
}
