namespace Oms.Connectors.Binance.Worker.UsdM;

/// <summary>
/// Settings specific to the Binance USDⓈ-M connector worker (section <see cref="SectionName"/>), validated at start-up.
/// Queueing, session wait, watchdog, follow-up and reconciliation settings are shared with the spot worker
/// (<see cref="BinanceSpotWorkerOptions"/>).
/// </summary>
public sealed class BinanceUsdMWorkerOptions
{
    public const string SectionName = "Connectors:Binance:UsdMWorker";

    /// <summary>Runs the dead-man's switch (<c>countdownCancelAll</c>) for every symbol with open orders. Default: true.</summary>
    public bool DeadMansSwitch { get; set; } = true;

    /// <summary>
    /// The countdown armed per symbol: if the OMS does not refresh it within this time (the silo died, the network is
    /// gone) the venue cancels every open order of the symbol.
    /// </summary>
    public TimeSpan CountdownCancelAll { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often the countdown is refreshed while the account's sessions run here (well below the countdown).</summary>
    public TimeSpan CountdownRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Feeds the silo's reference prices from the USD-M market streams (mark price, trades, book ticker of every catalog
    /// instrument; the mark is the reference price of a futures instrument, so price bands, exposure and the margin
    /// check value futures at the venue's mark). Default: true. The pre-trade margin check margins each instrument at
    /// the leverage the venue applies to it for the account (capped by <c>RiskLimits.Leverage</c>). Turned off, futures
    /// instruments have no reference price from market data: positions are marked at the last fill, and the checks that
    /// need a reference price (price band, limits on market orders) deny with NO_REFERENCE_PRICE.
    /// </summary>
    public bool ReferencePriceFeed { get; set; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CountdownCancelAll < TimeSpan.FromSeconds(1) || CountdownCancelAll.Ticks % TimeSpan.TicksPerMillisecond != 0)
            errors.Add($"{nameof(CountdownCancelAll)} {CountdownCancelAll} must be at least 1 s and a whole number of milliseconds");
        if (CountdownRefreshInterval <= TimeSpan.Zero) errors.Add($"{nameof(CountdownRefreshInterval)} {CountdownRefreshInterval} must be positive");
        else if (CountdownRefreshInterval * 2 > CountdownCancelAll)
            errors.Add($"{nameof(CountdownRefreshInterval)} {CountdownRefreshInterval} must be at most half of {nameof(CountdownCancelAll)} {CountdownCancelAll}");
        return errors;
    }
}
