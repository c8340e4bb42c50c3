using System.Globalization;

namespace Oms.Domain;

/// <summary>The level a limit was set at.</summary>
public enum RiskLevel
{
    Firm = 1,
    Account = 2,
    Strategy = 3,
}

/// <summary>One limit value and the level (and strategy tag) it comes from, so a denial can name it.</summary>
public readonly record struct LimitBound(decimal Value, RiskLevel Level, string? Tag = null)
{
    /// <summary>
    /// Text appended to a denial reason: nothing for an account limit (the common case), else which level set it,
    /// e.g. <c> (firm limit)</c> or <c> (strategy 'alpha' limit)</c>.
    /// </summary>
    public string Suffix => Level switch
    {
        RiskLevel.Firm => " (firm limit)",
        RiskLevel.Strategy => string.Create(CultureInfo.InvariantCulture, $" (strategy '{Tag}' limit)"),
        _ => string.Empty,
    };
}

/// <summary>The limits that apply to one order after resolving firm → account → strategy tag.</summary>
public sealed record ResolvedRiskLimits
{
    // The tightest of firm, account and strategy (each level's per-instrument entry replacing its general value).
    public LimitBound? MaxOrderNotional { get; init; }
    public LimitBound? MaxOrderQuantity { get; init; }
    public LimitBound? PriceBandPercent { get; init; }

    // The tightest of firm and account, applied to the account's own counts and book line.
    public LimitBound? MaxOpenOrders { get; init; }
    public LimitBound? MaxOrdersPerSecond { get; init; }
    public LimitBound? MaxPositionQuantity { get; init; }
    public LimitBound? MaxPositionNotional { get; init; }

    // The account's exposure limits, applied to the account's book.
    public decimal? MaxGrossExposure { get; init; }
    public decimal? MaxNetExposure { get; init; }

    // The firm's exposure limits, applied to the sum over accounts (by the firm risk grain).
    public decimal? FirmMaxGrossExposure { get; init; }
    public decimal? FirmMaxNetExposure { get; init; }

    /// <summary>The order's strategy limits (applied to the strategy's own book and open orders), if its tag has any.</summary>
    public StrategyRiskLimits? Strategy { get; init; }

    public decimal FeeEstimatePercent { get; init; } = RiskLimits.DefaultFeeEstimatePercent;

    /// <summary>
    /// The maximum leverage the futures margin check grants (the tighter of firm and account); null when neither sets
    /// one. See <see cref="MarginLeverage"/>.
    /// </summary>
    public LimitBound? MaxLeverage { get; init; }

    /// <summary>
    /// The leverage the futures margin check applies to one instrument: the venue's leverage of it
    /// (<paramref name="venueLeverage"/>, as the account learned it from the venue) capped by <see cref="MaxLeverage"/>;
    /// when the venue's is not known, <see cref="MaxLeverage"/>, else 1.
    /// </summary>
    public MarginLeverage MarginLeverage(decimal? venueLeverage) => Domain.MarginLeverage.Resolve(venueLeverage, MaxLeverage);

    /// <summary>Whether anything needs the account's book (positions, exposure).</summary>
    public bool NeedsBook => MaxPositionQuantity is not null || MaxPositionNotional is not null || MaxGrossExposure is not null
        || MaxNetExposure is not null || FirmMaxGrossExposure is not null || FirmMaxNetExposure is not null
        || Strategy is { MaxPositionQuantity: not null } or { MaxPositionNotional: not null } or { MaxGrossExposure: not null } or { MaxNetExposure: not null };

    public bool HasFirmExposureLimit => FirmMaxGrossExposure is not null || FirmMaxNetExposure is not null;
}

/// <summary>
/// The leverage the futures margin check applies to one instrument, and where it comes from: initial margin = worst-case
/// gross ÷ <see cref="Value"/>.
/// </summary>
/// <param name="Value">The leverage applied (≥ 1).</param>
/// <param name="Venue">The venue's leverage of the instrument for the account, when known.</param>
/// <param name="Cap">The maximum leverage of the risk limits, when set.</param>
public readonly record struct MarginLeverage(decimal Value, decimal? Venue, LimitBound? Cap)
{
    /// <summary>
    /// The venue's leverage capped by the maximum; the maximum when the venue's is not known; 1 when neither is known.
    /// A venue leverage below 1 (never reported by a venue) counts as unknown.
    /// </summary>
    public static MarginLeverage Resolve(decimal? venue, LimitBound? cap)
    {
        var known = venue is >= 1m ? venue : null;
        var value = known is { } v
            ? (cap is { } c && c.Value < v ? c.Value : v)
            : cap?.Value ?? 1m;
        return new MarginLeverage(Math.Max(1m, value), known, cap);
    }

    /// <summary>Whether the maximum leverage lowered the venue's.</summary>
    public bool Capped => Venue is { } v && Value < v;

    /// <summary>Where the value comes from, for a denial: e.g. <c>the venue's leverage of BTCUSDT</c>.</summary>
    public string Basis(InstrumentId instrument)
    {
        var symbol = instrument.Symbol;
        var max = Cap is { } c ? string.Create(CultureInfo.InvariantCulture, $"the maximum leverage {PreTradeRiskEngine.Fmt(c.Value)}x{c.Suffix}") : null;
        if (Venue is { } v)
        {
            return Capped
                ? string.Create(CultureInfo.InvariantCulture, $"{max} caps the venue's {PreTradeRiskEngine.Fmt(v)}x on {symbol}")
                : string.Create(CultureInfo.InvariantCulture, $"the venue's leverage of {symbol}");
        }
        return max is not null
            ? $"{max}: the venue's leverage of {symbol} is not known"
            : $"the venue's leverage of {symbol} is not known and no maximum leverage is set";
    }
}

/// <summary>
/// Resolves the limit hierarchy firm → account → strategy tag: for every kind of limit the tightest value applies.
/// Within one level a per-instrument entry replaces the level's general value for that instrument. On a tie the most
/// specific level is named (strategy, then account, then firm).
/// </summary>
public static class RiskLimitHierarchy
{
    public static ResolvedRiskLimits Resolve(RiskLimits? firm, RiskLimits account, InstrumentId instrument, string? strategyTag)
    {
        ArgumentNullException.ThrowIfNull(account);
        var firmInstrument = firm?.ForInstrument(instrument);
        var accountInstrument = account.ForInstrument(instrument);
        var strategy = account.ForStrategy(strategyTag);

        LimitBound? FirmValue(decimal? general, decimal? perInstrument) =>
            (perInstrument ?? general) is { } v ? new LimitBound(v, RiskLevel.Firm) : null;
        LimitBound? AccountValue(decimal? general, decimal? perInstrument) =>
            (perInstrument ?? general) is { } v ? new LimitBound(v, RiskLevel.Account) : null;
        LimitBound? StrategyValue(decimal? value) =>
            value is { } v ? new LimitBound(v, RiskLevel.Strategy, strategy!.Tag) : null;

        return new ResolvedRiskLimits
        {
            MaxOrderNotional = Tightest(
                FirmValue(firm?.MaxOrderNotional, firmInstrument?.MaxOrderNotional),
                AccountValue(account.MaxOrderNotional, accountInstrument?.MaxOrderNotional),
                StrategyValue(strategy?.MaxOrderNotional)),
            MaxOrderQuantity = Tightest(
                FirmValue(firm?.MaxOrderQuantity, firmInstrument?.MaxOrderQuantity),
                AccountValue(account.MaxOrderQuantity, accountInstrument?.MaxOrderQuantity),
                StrategyValue(strategy?.MaxOrderQuantity)),
            PriceBandPercent = Tightest(
                FirmValue(firm?.PriceBandPercent, firmInstrument?.PriceBandPercent),
                AccountValue(account.PriceBandPercent, accountInstrument?.PriceBandPercent),
                StrategyValue(strategy?.PriceBandPercent)),
            MaxOpenOrders = Tightest(FirmValue(firm?.MaxOpenOrders, null), AccountValue(account.MaxOpenOrders, null), null),
            MaxOrdersPerSecond = Tightest(FirmValue(firm?.MaxOrdersPerSecond, null), AccountValue(account.MaxOrdersPerSecond, null), null),
            MaxPositionQuantity = Tightest(
                FirmValue(firm?.MaxPositionQuantity, firmInstrument?.MaxPositionQuantity),
                AccountValue(account.MaxPositionQuantity, accountInstrument?.MaxPositionQuantity),
                null),
            MaxPositionNotional = Tightest(
                FirmValue(firm?.MaxPositionNotional, firmInstrument?.MaxPositionNotional),
                AccountValue(account.MaxPositionNotional, accountInstrument?.MaxPositionNotional),
                null),
            MaxGrossExposure = account.MaxGrossExposure,
            MaxNetExposure = account.MaxNetExposure,
            FirmMaxGrossExposure = firm?.MaxGrossExposure,
            FirmMaxNetExposure = firm?.MaxNetExposure,
            Strategy = strategy,
            FeeEstimatePercent = account.FeeEstimatePercent ?? firm?.FeeEstimatePercent ?? RiskLimits.DefaultFeeEstimatePercent,
            MaxLeverage = Tightest(FirmValue(firm?.Leverage, null), AccountValue(account.Leverage, null), null),
        };
    }

    /// <summary>The smallest of the given bounds; on a tie the later (more specific) one.</summary>
    public static LimitBound? Tightest(LimitBound? firm, LimitBound? account, LimitBound? strategy) =>
        Tighter(Tighter(firm, account), strategy);

    private static LimitBound? Tighter(LimitBound? general, LimitBound? specific) =>
        general is not { } g ? specific : specific is not { } s ? g : s.Value <= g.Value ? s : g;
}
