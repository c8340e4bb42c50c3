namespace Oms.Domain;

/// <summary>
/// Why the OMS refused an order or request before it reached a venue. One stable, machine-readable
/// code per reason; gRPC clients receive the name in SCREAMING_SNAKE_CASE (see <see cref="DenialCodes.Name"/>).
/// Numbers are part of the persisted and wire contract: never renumber.
/// </summary>
public enum DenialCode
{
    Unspecified = 0,

    // Validation and instrument filters
    InvalidOrder = 1,
    UnknownInstrument = 2,
    PriceNotOnTick = 3,
    QuantityNotOnStep = 4,
    PriceBelowMin = 5,
    PriceAboveMax = 6,
    QuantityBelowMin = 7,
    QuantityAboveMax = 8,
    NotionalBelowMin = 9,
    NotionalAboveMax = 10,
    DuplicateClientOrderId = 11,

    // Risk limits
    NotionalExceedsMaxPerOrder = 20,
    QuantityExceedsMaxPerOrder = 21,
    MaxPositionExceeded = 22,
    MaxPositionNotionalExceeded = 23,
    MaxGrossExposureExceeded = 24,
    MaxNetExposureExceeded = 25,
    FirmMaxGrossExposureExceeded = 26,
    FirmMaxNetExposureExceeded = 27,
    MaxOpenOrdersExceeded = 28,
    OrderRateExceeded = 29,
    PriceBandExceeded = 30,
    ReduceOnlyWouldIncrease = 31,
    InsufficientBalance = 32,
    InsufficientMargin = 33,
    NoReferencePrice = 34,
    DailyLossLimitReached = 35,
    MaxDrawdownReached = 36,
    /// <summary>A firm exposure limit is set but the firm risk grain could not be asked (fails closed).</summary>
    FirmRiskUnavailable = 37,
    /// <summary>The order's strategy tag is halted by its limits.</summary>
    StrategyHalted = 38,

    // Trading state and connectivity
    TradingHalted = 40,
    TradingReducingOnly = 41,
    FirmTradingHalted = 42,
    AccountReconciling = 43,
    RateLimitExceeded = 44,
    VenueUnavailable = 45,
    AccountNotFound = 46,
    OrderNotFound = 47,
    OrderNotCancelable = 48,
    OrderNotAmendable = 49,
}

public static class DenialCodes
{
    /// <summary>The stable wire name, e.g. <c>NOTIONAL_EXCEEDS_MAX_PER_ORDER</c>.</summary>
    public static string Name(this DenialCode code)
    {
        var text = code.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i])) builder.Append('_');
            builder.Append(char.ToUpperInvariant(text[i]));
        }
        return builder.ToString();
    }
}

/// <summary>An OMS refusal: the code, a human-readable reason naming the numbers, and the numbers themselves.</summary>
[GenerateSerializer, Immutable, Alias("oms.Denial")]
public sealed record Denial(
    [property: Id(0)] DenialCode Code,
    [property: Id(1)] string Reason,
    [property: Id(2)] decimal? Limit = null,
    [property: Id(3)] decimal? WouldBe = null,
    [property: Id(4)] string? Unit = null)
{
    public override string ToString() => $"{Code.Name()}: {Reason}";
}
