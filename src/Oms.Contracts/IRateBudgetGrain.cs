namespace Oms.Contracts;

/// <summary>
/// The cluster-wide budget of one venue metering scope (key: the scope, e.g. <c>RequestWeight@spot:ip:default</c> or
/// <c>Orders@spot:account:a1</c>). It counts what it has leased to silos in each window (fixed windows aligned to the
/// epoch, as the venue counts), never more than the venue's limit times the utilization cap, keeps a share for
/// risk-reducing calls, takes the venue's own usage reports as a floor, and freezes on 429/418 — pushing the freeze
/// to every silo that leases from it.
/// </summary>
public interface IRateBudgetGrain : IGrainWithStringKey
{
    /// <summary>Grants what is left of the request in the current windows; refreshes the holder's freeze subscription.</summary>
    Task<RateLease> LeaseAsync(RateLeaseRequest request, IRateBudgetObserver? observer);

    /// <summary>Takes the venue's reported usage of a window as a floor for what has been used.</summary>
    Task ReportUsageAsync(RateUsageReport report);

    /// <summary>Replaces the scope's windows.</summary>
    Task SetLimitsAsync(IReadOnlyList<RateWindowLimit> windows);

    /// <summary>Refuses every lease until <paramref name="until"/> and tells every subscribed silo.</summary>
    Task FreezeAsync(DateTimeOffset until);

    /// <summary>Leased and reported usage of each current window, and the freeze (diagnostics and tests).</summary>
    [ReadOnly]
    Task<RateBudgetStatus> GetStatusAsync();
}

/// <summary>A silo's subscription to freezes of the scopes it leases from.</summary>
public interface IRateBudgetObserver : IGrainObserver
{
    void OnFrozen(string scope, DateTimeOffset until);
}

[GenerateSerializer, Immutable, Alias("oms.RateBudgetWindowStatus")]
public sealed record RateBudgetWindowStatus(
    [property: Id(0)] TimeSpan Interval,
    [property: Id(1)] long Limit,
    [property: Id(2)] DateTimeOffset WindowStart,
    [property: Id(3)] long LeasedNormal,
    [property: Id(4)] long LeasedReserve,
    [property: Id(5)] long ReportedUsed);

[GenerateSerializer, Immutable, Alias("oms.RateBudgetStatus")]
public sealed record RateBudgetStatus(
    [property: Id(0)] string Scope,
    [property: Id(1)] IReadOnlyList<RateBudgetWindowStatus> Windows,
    [property: Id(2)] DateTimeOffset? FrozenUntil,
    [property: Id(3)] int Subscribers);
