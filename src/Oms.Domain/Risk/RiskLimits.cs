namespace Oms.Domain;

/// <summary>
/// One level's risk limits (the firm's, an account's) and what the risk engine does when equity falls through them.
/// Null means "no limit of this kind". Ids 0-9 are the original fields; never renumber.
/// <para>
/// Levels: firm → account → strategy tag (<see cref="Strategies"/>). For every order the tightest value of each
/// kind applies (see <see cref="RiskLimitHierarchy"/>). Within one level a per-instrument entry
/// (<see cref="Instruments"/>) replaces that level's general value for its instrument (it may be looser or tighter).
/// The firm's gross and net exposure limits bound the sum over all accounts; the firm's other limits act as a ceiling
/// on every account's own.
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.RiskLimits")]
public sealed record RiskLimits
{
    /// <summary>Maximum notional of one order, in its quote asset.</summary>
    [Id(0)] public decimal? MaxOrderNotional { get; init; }
    /// <summary>Maximum quantity of one order (base asset or contracts).</summary>
    [Id(1)] public decimal? MaxOrderQuantity { get; init; }
    [Id(2)] public int? MaxOpenOrders { get; init; }
    /// <summary>Maximum worst-case position notional per instrument, in its quote asset.</summary>
    [Id(3)] public decimal? MaxPositionNotional { get; init; }
    /// <summary>Maximum worst-case gross exposure (Σ |position + open orders| × mark), in the valuation asset.</summary>
    [Id(4)] public decimal? MaxGrossExposure { get; init; }
    /// <summary>Maximum worst-case net exposure (|Σ signed position + open orders| × mark), in the valuation asset.</summary>
    [Id(5)] public decimal? MaxNetExposure { get; init; }
    /// <summary>Maximum distance of a limit price from the reference price, in percent.</summary>
    [Id(6)] public decimal? PriceBandPercent { get; init; }
    [Id(7)] public int? MaxOrdersPerSecond { get; init; }
    /// <summary>Maximum drawdown from the equity high-water mark, in percent.</summary>
    [Id(8)] public decimal? MaxDrawdownPercent { get; init; }
    /// <summary>Maximum loss since the start of the UTC day, in the valuation asset.</summary>
    [Id(9)] public decimal? MaxDailyLoss { get; init; }
    /// <summary>Maximum worst-case position per instrument (base asset or contracts).</summary>
    [Id(10)] public decimal? MaxPositionQuantity { get; init; }
    /// <summary>Per-instrument values that replace this level's general ones for that instrument.</summary>
    [Id(11)] public IReadOnlyList<InstrumentRiskLimits> Instruments { get; init; } = [];
    /// <summary>Limits per strategy tag (orders carry the tag in <see cref="OrderSpec.StrategyTag"/>).</summary>
    [Id(12)] public IReadOnlyList<StrategyRiskLimits> Strategies { get; init; } = [];
    /// <summary>
    /// The trading state a drawdown or daily-loss breach moves the account to: <see cref="TradingState.Reducing"/> or
    /// <see cref="TradingState.Halted"/> (the default when null).
    /// </summary>
    [Id(13)] public TradingState? BreachAction { get; init; }
    /// <summary>On a breach, cancel every open order of the account.</summary>
    [Id(14)] public bool CancelOrdersOnBreach { get; init; }
    /// <summary>On a breach, close every open position with reduce-only market orders.</summary>
    [Id(15)] public bool FlattenOnBreach { get; init; }
    /// <summary>Fee estimate the balance and margin checks add to an order's notional, in percent (0.1 when null).</summary>
    [Id(16)] public decimal? FeeEstimatePercent { get; init; }
    /// <summary>
    /// Maximum leverage the futures margin check grants (initial margin = worst-case gross ÷ leverage); firm and account:
    /// the tighter applies. The check margins each instrument at the leverage the venue applies to it for the account
    /// (learned from the venue: leverage set through the OMS, settings reads, the venue's leverage events), capped by this
    /// value; when the venue's leverage of an instrument is not known it assumes this value, or 1 when null. It does not
    /// change the venue's leverage (set that with the futures service).
    /// </summary>
    [Id(17)] public decimal? Leverage { get; init; }
    /// <summary>Attach a protective stop to every new position (account level only).</summary>
    [Id(18)] public ProtectiveStopPolicy? StopLoss { get; init; }

    public static RiskLimits None { get; } = new();

    public const decimal DefaultFeeEstimatePercent = 0.1m;

    /// <summary>The breach action in force (<see cref="TradingState.Halted"/> unless Reducing was chosen).</summary>
    public TradingState EffectiveBreachAction => BreachAction ?? TradingState.Halted;

    /// <summary>Whether a drawdown or daily-loss limit is set (the equity watch is needed).</summary>
    public bool WatchesEquity => MaxDrawdownPercent is not null || MaxDailyLoss is not null;

    /// <summary>The per-instrument entry for <paramref name="instrument"/>, if any.</summary>
    public InstrumentRiskLimits? ForInstrument(InstrumentId instrument)
    {
        foreach (var entry in Instruments)
        {
            if (entry.Instrument == instrument) return entry;
        }
        return null;
    }

    /// <summary>The limits of strategy <paramref name="tag"/>, if any (tags compare ordinally).</summary>
    public StrategyRiskLimits? ForStrategy(string? tag)
    {
        if (tag is null) return null;
        foreach (var entry in Strategies)
        {
            if (string.Equals(entry.Tag, tag, StringComparison.Ordinal)) return entry;
        }
        return null;
    }

    public bool Equals(RiskLimits? other) =>
        other is not null
        && MaxOrderNotional == other.MaxOrderNotional
        && MaxOrderQuantity == other.MaxOrderQuantity
        && MaxOpenOrders == other.MaxOpenOrders
        && MaxPositionNotional == other.MaxPositionNotional
        && MaxGrossExposure == other.MaxGrossExposure
        && MaxNetExposure == other.MaxNetExposure
        && PriceBandPercent == other.PriceBandPercent
        && MaxOrdersPerSecond == other.MaxOrdersPerSecond
        && MaxDrawdownPercent == other.MaxDrawdownPercent
        && MaxDailyLoss == other.MaxDailyLoss
        && MaxPositionQuantity == other.MaxPositionQuantity
        && Instruments.SequenceEqual(other.Instruments)
        && Strategies.SequenceEqual(other.Strategies)
        && BreachAction == other.BreachAction
        && CancelOrdersOnBreach == other.CancelOrdersOnBreach
        && FlattenOnBreach == other.FlattenOnBreach
        && FeeEstimatePercent == other.FeeEstimatePercent
        && Leverage == other.Leverage
        && Equals(StopLoss, other.StopLoss);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(MaxOrderNotional);
        hash.Add(MaxOrderQuantity);
        hash.Add(MaxOpenOrders);
        hash.Add(MaxPositionNotional);
        hash.Add(MaxGrossExposure);
        hash.Add(MaxNetExposure);
        hash.Add(PriceBandPercent);
        hash.Add(MaxOrdersPerSecond);
        hash.Add(MaxDrawdownPercent);
        hash.Add(MaxDailyLoss);
        hash.Add(MaxPositionQuantity);
        hash.Add(Instruments.Count);
        hash.Add(Strategies.Count);
        hash.Add(BreachAction);
        hash.Add(CancelOrdersOnBreach);
        hash.Add(FlattenOnBreach);
        hash.Add(FeeEstimatePercent);
        hash.Add(Leverage);
        hash.Add(StopLoss);
        return hash.ToHashCode();
    }
}

/// <summary>Values that replace a level's general limits for one instrument.</summary>
[GenerateSerializer, Immutable, Alias("oms.InstrumentRiskLimits")]
public sealed record InstrumentRiskLimits
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public decimal? MaxOrderNotional { get; init; }
    [Id(2)] public decimal? MaxOrderQuantity { get; init; }
    [Id(3)] public decimal? MaxPositionQuantity { get; init; }
    [Id(4)] public decimal? MaxPositionNotional { get; init; }
    [Id(5)] public decimal? PriceBandPercent { get; init; }
}

/// <summary>
/// Limits of one strategy tag within an account: per order, on the tag's open orders, and on the tag's own book
/// (the positions its orders' fills built plus its open orders).
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.StrategyRiskLimits")]
public sealed record StrategyRiskLimits
{
    [Id(0)] public required string Tag { get; init; }
    [Id(1)] public decimal? MaxOrderNotional { get; init; }
    [Id(2)] public decimal? MaxOrderQuantity { get; init; }
    [Id(3)] public int? MaxOpenOrders { get; init; }
    [Id(4)] public decimal? MaxPositionQuantity { get; init; }
    [Id(5)] public decimal? MaxPositionNotional { get; init; }
    [Id(6)] public decimal? MaxGrossExposure { get; init; }
    [Id(7)] public decimal? MaxNetExposure { get; init; }
    [Id(8)] public decimal? PriceBandPercent { get; init; }
    /// <summary>Stops the tag: every new order carrying it is denied (cancels pass).</summary>
    [Id(9)] public bool Halted { get; init; }
}

/// <summary>How far from the average entry a protective stop sits.</summary>
public enum StopDistanceKind
{
    /// <summary>A percentage of the average entry price.</summary>
    Percent = 1,
    /// <summary>An absolute price distance in the quote asset.</summary>
    Price = 2,
}

/// <summary>
/// The automatic stop-loss policy: every position gets a protective stop-market order on the closing side, at
/// <see cref="Distance"/> from the average entry, sized to the whole position; it follows the position as it changes.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.ProtectiveStopPolicy")]
public sealed record ProtectiveStopPolicy
{
    [Id(0)] public required StopDistanceKind Kind { get; init; }
    /// <summary>Percent (0, 100) or a positive price distance, per <see cref="Kind"/>.</summary>
    [Id(1)] public required decimal Distance { get; init; }
    [Id(2)] public TriggerPriceType TriggerPrice { get; init; } = TriggerPriceType.LastPrice;
}
