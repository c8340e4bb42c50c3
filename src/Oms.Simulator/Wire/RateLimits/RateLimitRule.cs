using System.Globalization;

namespace Oms.Simulator.Wire.RateLimits;

/// <summary>Binance <c>rateLimitType</c>.</summary>
public enum RateLimitType
{
    RequestWeight,
    Orders,
    RawRequests,
}

/// <summary>Binance rate-limit <c>interval</c>.</summary>
public enum RateLimitInterval
{
    Second,
    Minute,
    Hour,
    Day,
}

/// <summary>One published limit, e.g. REQUEST_WEIGHT 6000 per 1 MINUTE.</summary>
public sealed record RateLimitRule(RateLimitType Type, RateLimitInterval Interval, int IntervalNum, int Limit)
{
    /// <summary>Window length in milliseconds.</summary>
    public long WindowMs => Interval switch
    {
        RateLimitInterval.Second => 1_000L,
        RateLimitInterval.Minute => 60_000L,
        RateLimitInterval.Hour => 3_600_000L,
        RateLimitInterval.Day => 86_400_000L,
        _ => throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "unknown rate-limit interval"),
    } * IntervalNum;

    /// <summary>Wire name of the type: REQUEST_WEIGHT, ORDERS, RAW_REQUESTS.</summary>
    public string TypeName => Type switch
    {
        RateLimitType.RequestWeight => "REQUEST_WEIGHT",
        RateLimitType.Orders => "ORDERS",
        RateLimitType.RawRequests => "RAW_REQUESTS",
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "unknown rate-limit type"),
    };

    /// <summary>Wire name of the interval: SECOND, MINUTE, HOUR, DAY.</summary>
    public string IntervalName => Interval.ToString().ToUpperInvariant();

    /// <summary>Header suffix, e.g. <c>1M</c>, <c>10S</c>, <c>1D</c>.</summary>
    public string HeaderSuffix => string.Create(CultureInfo.InvariantCulture, $"{IntervalNum}{IntervalName[0]}");

    /// <summary>Text used in error messages, e.g. <c>10 SECOND</c>.</summary>
    public string IntervalText => string.Create(CultureInfo.InvariantCulture, $"{IntervalNum} {IntervalName}");
}

/// <summary>The usage of one rule at one moment, as rendered in WS API <c>rateLimits</c>.</summary>
public readonly record struct RateLimitUsage(RateLimitRule Rule, int Count);
