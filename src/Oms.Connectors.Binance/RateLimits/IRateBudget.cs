namespace Oms.Connectors.Binance.RateLimits;

/// <summary>The venue's metering scopes (Binance <c>rateLimitType</c>, plus connection attempts).</summary>
public enum RateLimitKind
{
    /// <summary><c>REQUEST_WEIGHT</c>: per IP, e.g. 6000 per minute (spot), 2400 per minute (USD-M).</summary>
    RequestWeight = 1,
    /// <summary><c>ORDERS</c>: unfilled order count per account, e.g. 50 per 10 s and 160000 per day (spot).</summary>
    Orders = 2,
    /// <summary><c>RAW_REQUESTS</c>: per IP, e.g. 300000 per 5 minutes.</summary>
    RawRequests = 3,
    /// <summary>WebSocket connection attempts per IP: 300 per 5 minutes.</summary>
    ConnectionAttempts = 4,
}

/// <summary>Who goes first when a window is nearly used up.</summary>
public enum RatePriority
{
    /// <summary>New risk: may use the window up to the reserve.</summary>
    Normal = 0,
    /// <summary>Cancels and reduce-only orders: may use the reserved share of each window too.</summary>
    RiskReducing = 1,
}

/// <summary>One budget: a metering kind and the key the venue meters it by (IP scope or account), e.g. <c>spot:ip:default</c>.</summary>
public readonly record struct RateLimitScope(RateLimitKind Kind, string Key)
{
    public override string ToString() => $"{Kind}@{Key}";
}

/// <summary>A cost to draw from one scope.</summary>
public readonly record struct RateCharge(RateLimitScope Scope, int Cost);

/// <summary>One window of a scope: at most <see cref="Limit"/> units per <see cref="Interval"/> (fixed windows aligned to the epoch, as Binance counts).</summary>
public readonly record struct RateLimitWindow(TimeSpan Interval, long Limit);

/// <summary>Why a draw was refused.</summary>
public enum RateDenial
{
    None = 0,
    /// <summary>A window has no room left for this priority.</summary>
    Exhausted = 1,
    /// <summary>The scope is frozen after a 429/418 until the venue's Retry-After.</summary>
    Frozen = 2,
}

/// <summary>The answer to a draw: granted, or refused with how long to wait and which scope refused.</summary>
public readonly record struct RateDecision(bool Granted, RateDenial Denial, TimeSpan RetryAfter, RateLimitScope? Scope)
{
    public static RateDecision Grant => new(true, RateDenial.None, TimeSpan.Zero, null);
}

/// <summary>How much of a scope's window is used, for metrics and diagnostics.</summary>
public readonly record struct RateWindowUsage(RateLimitScope Scope, TimeSpan Interval, long Used, long Limit, DateTimeOffset? FrozenUntil);

/// <summary>
/// The rate budget every venue call draws on before it is sent. Keyed by the venue's own metering scopes; corrected
/// from the usage the venue reports (the larger of the local estimate and the report wins); frozen for a whole scope
/// on 429/418 until Retry-After; cancels and reduce-only orders may use a reserved share of each window.
/// <para>
/// Draws are synchronous so the hot path never waits on a network hop. A cluster-wide implementation keeps a local
/// lease (a slice of each window granted by a budget grain) and refills it in the background; see the connector
/// report for the grain design.
/// </para>
/// </summary>
public interface IRateBudget
{
    /// <summary>Draws every charge or none (all-or-nothing across scopes).</summary>
    RateDecision TryAcquire(ReadOnlySpan<RateCharge> charges, RatePriority priority);

    /// <summary>Gives back charges that the venue did not count (e.g. the 0-weight rule for successful orders).</summary>
    void Release(ReadOnlySpan<RateCharge> charges);

    /// <summary>Records what the venue reports as used in a window (headers, <c>rateLimits</c> arrays), and its limit when known.</summary>
    void ObserveUsage(RateLimitScope scope, TimeSpan interval, long used, long? limit = null);

    /// <summary>Sets the windows of a kind for every scope of that kind (from <c>exchangeInfo.rateLimits</c>).</summary>
    void SetLimits(RateLimitKind kind, IReadOnlyList<RateLimitWindow> windows);

    /// <summary>Refuses every draw on the scope until <paramref name="until"/> (429/418 Retry-After), whatever the priority.</summary>
    void Freeze(RateLimitScope scope, DateTimeOffset until);

    /// <summary>The current usage of every window of the scope.</summary>
    IReadOnlyList<RateWindowUsage> GetUsage(RateLimitScope scope);
}

public static class RateBudgetExtensions
{
    /// <summary>Draws <paramref name="cost"/> from one scope.</summary>
    public static RateDecision TryAcquire(this IRateBudget budget, RateLimitScope scope, int cost, RatePriority priority)
    {
        ReadOnlySpan<RateCharge> charges = [new RateCharge(scope, cost)];
        return budget.TryAcquire(charges, priority);
    }
}
