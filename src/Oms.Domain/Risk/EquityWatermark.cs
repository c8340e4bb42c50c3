namespace Oms.Domain;

/// <summary>
/// An account's equity history as the drawdown rules need it: the high-water mark, the equity the UTC day started
/// with (the first observation of the day), and the last observation. Immutable: <see cref="Observe"/> returns the
/// next value. Observations older than the last one are ignored (they may arrive late from another path).
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.EquityWatermark")]
public sealed record EquityWatermark
{
    [Id(0)] public decimal? HighWaterMark { get; init; }
    [Id(1)] public DateTimeOffset? HighWaterMarkAt { get; init; }
    /// <summary>Midnight UTC of the day <see cref="DayStartEquity"/> belongs to.</summary>
    [Id(2)] public DateTimeOffset? Day { get; init; }
    [Id(3)] public decimal? DayStartEquity { get; init; }
    [Id(4)] public decimal? LastEquity { get; init; }
    [Id(5)] public DateTimeOffset? LastObservedAt { get; init; }

    public static EquityWatermark Empty { get; } = new();

    /// <summary>Adds an observation: raises the high-water mark, starts a new day at the UTC boundary.</summary>
    public EquityWatermark Observe(decimal equity, DateTimeOffset at)
    {
        if (LastObservedAt is { } last && at < last) return this;
        var day = DayOf(at);
        var newDay = Day is not { } current || day > current;
        var newHigh = HighWaterMark is not { } high || equity > high;
        return this with
        {
            HighWaterMark = newHigh ? equity : HighWaterMark,
            HighWaterMarkAt = newHigh ? at : HighWaterMarkAt,
            Day = newDay ? day : Day,
            DayStartEquity = newDay ? equity : DayStartEquity,
            LastEquity = equity,
            LastObservedAt = at,
        };
    }

    /// <summary>
    /// Starts over from <paramref name="equity"/>: the high-water mark and the day's start become the current equity
    /// (an operator resumed trading after a breach, so the loss that caused it is no longer counted).
    /// </summary>
    public EquityWatermark Rebase(decimal equity, DateTimeOffset at) => new()
    {
        HighWaterMark = equity,
        HighWaterMarkAt = at,
        Day = DayOf(at),
        DayStartEquity = equity,
        LastEquity = equity,
        LastObservedAt = at,
    };

    /// <summary>Drawdown from the high-water mark in percent (0 without a positive high-water mark).</summary>
    public decimal DrawdownPercent => HighWaterMark is > 0m && LastEquity is { } equity
        ? Math.Max(0m, (HighWaterMark.Value - equity) / HighWaterMark.Value * 100m)
        : 0m;

    /// <summary>Loss since the start of the UTC day (0 when equity is at or above the day's start).</summary>
    public decimal DailyLoss => DayStartEquity is { } start && LastEquity is { } equity ? Math.Max(0m, start - equity) : 0m;

    public static DateTimeOffset DayOf(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);
}

/// <summary>A drawdown or daily-loss limit that equity reached: the code, the reason with the numbers, and the numbers.</summary>
[GenerateSerializer, Immutable, Alias("oms.EquityBreach")]
public sealed record EquityBreach(
    [property: Id(0)] DenialCode Code,
    [property: Id(1)] string Reason,
    [property: Id(2)] decimal Limit,
    [property: Id(3)] decimal Value,
    [property: Id(4)] string Unit);

/// <summary>The drawdown rules: a limit is breached when equity reaches it (drawdown ≥ max %, day's loss ≥ max loss).</summary>
public static class DrawdownRules
{
    /// <summary>The first breached limit (drawdown, then daily loss), or null.</summary>
    public static EquityBreach? Evaluate(EquityWatermark watermark, RiskLimits limits, string unit)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        ArgumentNullException.ThrowIfNull(limits);
        if (watermark.LastEquity is not { } equity) return null;
        var fmt = PreTradeRiskEngine.Fmt;
        if (limits.MaxDrawdownPercent is { } maxDrawdown && watermark.HighWaterMark is > 0m)
        {
            var drawdown = watermark.DrawdownPercent;
            if (drawdown >= maxDrawdown)
            {
                var shown = decimal.Round(drawdown, 6, MidpointRounding.ToPositiveInfinity);
                return new EquityBreach(DenialCode.MaxDrawdownReached,
                    $"drawdown {fmt(shown)}% from the high-water mark {fmt(watermark.HighWaterMark.Value)} {unit} (equity {fmt(equity)} {unit}) reached the maximum {fmt(maxDrawdown)}%",
                    maxDrawdown, shown, "%");
            }
        }
        if (limits.MaxDailyLoss is { } maxLoss && watermark.DayStartEquity is { } start)
        {
            var loss = watermark.DailyLoss;
            if (loss >= maxLoss)
            {
                return new EquityBreach(DenialCode.DailyLossLimitReached,
                    $"loss today {fmt(loss)} {unit} (from {fmt(start)} to {fmt(equity)} {unit}) reached the maximum daily loss {fmt(maxLoss)} {unit}",
                    maxLoss, loss, unit);
            }
        }
        return null;
    }
}
