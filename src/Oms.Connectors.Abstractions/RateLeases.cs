namespace Oms.Connectors.Abstractions;

/// <summary>One window of a metered scope: at most <see cref="Limit"/> units per <see cref="Interval"/> (windows aligned to the epoch).</summary>
[GenerateSerializer, Immutable, Alias("oms.RateWindowLimit")]
public readonly record struct RateWindowLimit([property: Id(0)] TimeSpan Interval, [property: Id(1)] long Limit);

/// <summary>
/// A silo asking for a slice of a scope's current windows: <see cref="Normal"/> units for new risk and
/// <see cref="Reserve"/> units from the share held back for cancels and reduce-only orders.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.RateLeaseRequest")]
public sealed record RateLeaseRequest
{
    /// <summary>The venue's metering scope, e.g. <c>RequestWeight@spot:ip:default</c>.</summary>
    [Id(0)] public required string Scope { get; init; }
    /// <summary>Who holds the lease (the silo), for diagnostics.</summary>
    [Id(1)] public required string Holder { get; init; }
    [Id(2)] public long Normal { get; init; }
    [Id(3)] public long Reserve { get; init; }
    /// <summary>The windows the holder knows of; the budget adopts them if it has none yet.</summary>
    [Id(4)] public IReadOnlyList<RateWindowLimit> KnownLimits { get; init; } = [];
    /// <summary>Share of each window held back for risk-reducing calls.</summary>
    [Id(5)] public double ReserveFraction { get; init; } = 0.1;
    /// <summary>Share of the venue's limit the cluster allows itself.</summary>
    [Id(6)] public double UtilizationCap { get; init; } = 0.9;
}

/// <summary>What one window granted: units usable until the window ends.</summary>
[GenerateSerializer, Immutable, Alias("oms.RateWindowGrant")]
public sealed record RateWindowGrant(
    [property: Id(0)] TimeSpan Interval,
    [property: Id(1)] DateTimeOffset WindowStart,
    [property: Id(2)] long Normal,
    [property: Id(3)] long Reserve,
    [property: Id(4)] long Limit);

/// <summary>A slice of a scope's current windows. A scope frozen by the venue (429/418) grants nothing until <see cref="FrozenUntil"/>.</summary>
[GenerateSerializer, Immutable, Alias("oms.RateLease")]
public sealed record RateLease(
    [property: Id(0)] string Scope,
    [property: Id(1)] IReadOnlyList<RateWindowGrant> Windows,
    [property: Id(2)] DateTimeOffset? FrozenUntil);

/// <summary>What the venue reported as used in one window (usage headers, <c>rateLimits</c> arrays), and its limit when known.</summary>
[GenerateSerializer, Immutable, Alias("oms.RateUsageReport")]
public sealed record RateUsageReport(
    [property: Id(0)] string Scope,
    [property: Id(1)] TimeSpan Interval,
    [property: Id(2)] long Used,
    [property: Id(3)] long? Limit,
    [property: Id(4)] DateTimeOffset ObservedAt);

/// <summary>
/// The cluster-wide rate budget as a connector sees it (implemented by the host over one budget grain per scope):
/// leases slices of each window, forwards the venue's usage and its 429/418 freezes, and pushes freezes that any
/// silo learned to every silo.
/// </summary>
public interface IRateLeaseProvider
{
    /// <summary>Grants what is left of the request in the scope's current windows (possibly nothing).</summary>
    Task<RateLease> LeaseAsync(RateLeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Corrects the scope's usage with what the venue reported (the larger count wins).</summary>
    Task ReportUsageAsync(RateUsageReport report, CancellationToken cancellationToken = default);

    /// <summary>Sets the scope's windows (from the venue's published limits).</summary>
    Task SetLimitsAsync(string scope, IReadOnlyList<RateWindowLimit> windows, CancellationToken cancellationToken = default);

    /// <summary>Freezes the scope cluster-wide until <paramref name="until"/> (the venue's Retry-After).</summary>
    Task FreezeAsync(string scope, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onFrozen"/> (scope, until) whenever any silo froze a scope this silo leased from.</summary>
    IDisposable OnFrozen(Action<string, DateTimeOffset> onFrozen);
}
