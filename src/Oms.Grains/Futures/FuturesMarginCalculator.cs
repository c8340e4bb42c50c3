namespace Oms.Grains.Futures;

/// <summary>
/// The margin of a single-asset futures account, the way Binance USDⓈ-M computes it: per position, notional =
/// |quantity| × mark, unrealized PnL = quantity × (mark − entry), maintenance margin = notional × rate − cumulative
/// amount of the bracket whose [floor, cap) holds the notional; the account's margin balance = wallet + Σ unrealized,
/// and its margin ratio = Σ maintenance / margin balance (1 = liquidation). Pure: no I/O, decimal throughout.
/// </summary>
public static class FuturesMarginCalculator
{
    /// <summary>The position's bracket: the first whose cap is above the notional (the last one beyond every cap).</summary>
    public static MaintenanceBracket? BracketFor(IReadOnlyList<MaintenanceBracket> brackets, decimal notional)
    {
        ArgumentNullException.ThrowIfNull(brackets);
        if (brackets.Count == 0) return null;
        foreach (var bracket in brackets)
        {
            if (notional < bracket.NotionalCap) return bracket;
        }
        return brackets[^1];
    }

    /// <summary>Maintenance margin of a notional: notional × rate − cumulative (never below 0); 0 without brackets or notional.</summary>
    public static (decimal Margin, decimal Rate) MaintenanceMargin(IReadOnlyList<MaintenanceBracket> brackets, decimal notional)
    {
        if (notional <= 0m || BracketFor(brackets, notional) is not { } bracket) return (0m, 0m);
        return (Math.Max(0m, notional * bracket.MaintenanceMarginRate - bracket.Cumulative), bracket.MaintenanceMarginRate);
    }

    /// <summary>
    /// Computes the account's margin from the venue inputs, marking each position with <paramref name="markOf"/>
    /// when it knows a price (the silo's mark-price feed) and with the venue's mark otherwise; a position with no
    /// mark at all is marked at its entry (no unrealized PnL).
    /// </summary>
    public static MarginComputation Compute(DerivativesMarginInputs inputs, Func<InstrumentId, decimal?> markOf)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(markOf);
        var positions = new List<FuturesMarginPosition>(inputs.Positions.Count);
        decimal unrealized = 0m, maintenance = 0m;
        foreach (var position in inputs.Positions)
        {
            if (position.Quantity == 0m) continue;
            decimal mark;
            string source;
            if (markOf(position.Instrument) is { } fresh && fresh > 0m) (mark, source) = (fresh, "stream");
            else if (position.MarkPrice is { } venue && venue > 0m) (mark, source) = (venue, "venue");
            else (mark, source) = (position.EntryPrice, "entry");
            var notional = Math.Abs(position.Quantity) * mark;
            var pnl = position.Quantity * (mark - position.EntryPrice);
            var brackets = inputs.Brackets.TryGetValue(position.Instrument, out var list) ? list : [];
            var (margin, rate) = MaintenanceMargin(brackets, notional);
            unrealized += pnl;
            maintenance += margin;
            positions.Add(new FuturesMarginPosition
            {
                Instrument = position.Instrument,
                PositionSide = position.PositionSide,
                Quantity = position.Quantity,
                EntryPrice = position.EntryPrice,
                MarkPrice = mark,
                Notional = notional,
                UnrealizedPnl = pnl,
                MaintenanceMargin = margin,
                MaintenanceMarginRate = rate,
                VenueMaintenanceMargin = position.VenueMaintenanceMargin,
                MarkSource = source,
            });
        }
        var balance = inputs.WalletBalance + unrealized;
        // No ratio without positions, or when the margin balance is gone (≤ 0: at or beyond liquidation; the monitor alerts on it).
        decimal? ratio = positions.Count > 0 && balance > 0m ? maintenance / balance : null;
        return new MarginComputation(inputs.Asset, inputs.WalletBalance, unrealized, balance, maintenance, ratio, positions);
    }
}

/// <summary>The result of <see cref="FuturesMarginCalculator.Compute"/>.</summary>
public sealed record MarginComputation(
    string Asset,
    decimal WalletBalance,
    decimal UnrealizedPnl,
    decimal MarginBalance,
    decimal MaintenanceMargin,
    decimal? MarginRatio,
    IReadOnlyList<FuturesMarginPosition> Positions)
{
    /// <summary>Whether the account is at or above <paramref name="threshold"/> (a margin balance ≤ 0 with positions counts as above).</summary>
    public bool IsAtOrAbove(decimal threshold) => MarginRatio is { } ratio ? ratio >= threshold : Positions.Count > 0 && MarginBalance <= 0m;
}

/// <summary>
/// Futures monitoring settings (section <see cref="SectionName"/>): the margin-ratio alert threshold, how often the
/// account's margin is recomputed while it holds futures positions, how often income is read from the venue, and how
/// long the pre-trade check waits for the venue's leverage of an instrument.
/// </summary>
public sealed class FuturesMonitorOptions
{
    public const string SectionName = "Oms:Futures";

    /// <summary>Margin ratio (maintenance / margin balance) at or above which an alert is raised. Default 0.8.</summary>
    public decimal MarginAlertThreshold { get; set; } = 0.8m;

    /// <summary>The ratio must fall this far below the threshold before the alert clears (no flapping). Default 0.05.</summary>
    public decimal MarginAlertHysteresis { get; set; } = 0.05m;

    /// <summary>How often the margin is recomputed while the account holds futures positions. Default 10 s.</summary>
    public TimeSpan MarginInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often income is read from the venue while the account trades futures (also after funding and reconnects). Default 5 min.</summary>
    public TimeSpan IncomeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back the first income read of an account goes. Default 7 days (the venue's default window).</summary>
    public TimeSpan IncomeLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Correct the account's position legs to the venue's after a reconciliation when they differ (audited). Default true.</summary>
    public bool CorrectPositionsFromVenue { get; set; } = true;

    /// <summary>
    /// How long the pre-trade check waits for the venue's leverage of an instrument it does not know yet (read once per
    /// instrument and activation; see <c>RiskLimits.Leverage</c>). Default 3 s.
    /// </summary>
    public TimeSpan LeverageReadTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// After a failed read of the venue's leverage, how long the pre-trade check does not ask again; also the shortest
    /// time between two re-reads at reconciliations. Default 30 s.
    /// </summary>
    public TimeSpan LeverageReadRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MarginAlertThreshold is <= 0m or > 1m) errors.Add($"{nameof(MarginAlertThreshold)} {MarginAlertThreshold} must be in (0, 1]");
        if (MarginAlertHysteresis < 0m || MarginAlertHysteresis >= MarginAlertThreshold)
            errors.Add($"{nameof(MarginAlertHysteresis)} {MarginAlertHysteresis} must be in [0, {nameof(MarginAlertThreshold)})");
        if (MarginInterval < TimeSpan.FromMilliseconds(100)) errors.Add($"{nameof(MarginInterval)} {MarginInterval} must be at least 100 ms");
        if (IncomeInterval < TimeSpan.FromSeconds(1)) errors.Add($"{nameof(IncomeInterval)} {IncomeInterval} must be at least 1 s");
        if (LeverageReadTimeout < TimeSpan.FromMilliseconds(100) || LeverageReadTimeout > TimeSpan.FromMinutes(1))
            errors.Add($"{nameof(LeverageReadTimeout)} {LeverageReadTimeout} must be in [100 ms, 1 min]");
        if (LeverageReadRetryInterval < TimeSpan.FromSeconds(1)) errors.Add($"{nameof(LeverageReadRetryInterval)} {LeverageReadRetryInterval} must be at least 1 s");
        if (IncomeLookback <= TimeSpan.Zero || IncomeLookback > TimeSpan.FromDays(90)) errors.Add($"{nameof(IncomeLookback)} {IncomeLookback} must be in (0, 90 days]");
        return errors;
    }
}
