namespace Oms.Connectors.Binance.RateLimits;

/// <summary>Settings of <see cref="LocalRateBudget"/>.</summary>
public sealed class RateBudgetSettings
{
    /// <summary>Share of each window held back for <see cref="RatePriority.RiskReducing"/> draws.</summary>
    public double PriorityReserveFraction { get; init; } = 0.1;

    /// <summary>Share of the venue's limit this process allows itself.</summary>
    public double UtilizationCap { get; init; } = 0.9;

    /// <summary>Windows per kind until the venue's own limits are known (<see cref="IRateBudget.SetLimits"/>).</summary>
    public IReadOnlyDictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>> DefaultLimits { get; init; } =
        new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>();

    /// <summary>Binance spot defaults from the documentation (REFERENCE §1.6, §2.1).</summary>
    public static IReadOnlyDictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>> SpotDefaults { get; } =
        new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>
        {
            [RateLimitKind.RequestWeight] = [new(TimeSpan.FromMinutes(1), 6000)],
            [RateLimitKind.Orders] = [new(TimeSpan.FromSeconds(10), 50), new(TimeSpan.FromDays(1), 160000)],
            [RateLimitKind.RawRequests] = [new(TimeSpan.FromMinutes(5), 300000)],
            [RateLimitKind.ConnectionAttempts] = [new(TimeSpan.FromMinutes(5), 300)],
        };

    /// <summary>Binance USD-M defaults from the documentation (REFERENCE §5.2).</summary>
    public static IReadOnlyDictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>> UsdMDefaults { get; } =
        new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>
        {
            [RateLimitKind.RequestWeight] = [new(TimeSpan.FromMinutes(1), 2400)],
            [RateLimitKind.Orders] = [new(TimeSpan.FromSeconds(10), 300), new(TimeSpan.FromMinutes(1), 1200)],
            [RateLimitKind.ConnectionAttempts] = [new(TimeSpan.FromMinutes(5), 300)],
        };
}

/// <summary>
/// The in-process <see cref="IRateBudget"/>: fixed windows aligned to the epoch (as the venue counts), all-or-nothing
/// draws across scopes under one lock. Correct for a single silo; a cluster uses a grain-backed budget with the same
/// semantics. Scopes without configured windows are unlimited but can still be frozen.
/// </summary>
public sealed class LocalRateBudget : IRateBudget
{
    private readonly TimeProvider _time;
    private readonly RateBudgetSettings _settings;
    private readonly Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>> _limits;
    private readonly Dictionary<RateLimitScope, ScopeState> _scopes = [];
    private readonly Lock _gate = new();

    public LocalRateBudget(TimeProvider time, RateBudgetSettings settings)
    {
        _time = time;
        _settings = settings;
        if (settings.PriorityReserveFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(settings), "the priority reserve must be in [0, 1)");
        if (settings.UtilizationCap is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(settings), "the utilization cap must be in (0, 1]");
        _limits = new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>(settings.DefaultLimits);
    }

    public RateDecision TryAcquire(ReadOnlySpan<RateCharge> charges, RatePriority priority)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            // Check everything first, then commit: a draw never takes part of its charges.
            foreach (var charge in charges)
            {
                var scope = GetScope(charge.Scope);
                if (scope.FrozenUntil > now)
                    return new RateDecision(false, RateDenial.Frozen, scope.FrozenUntil - now, charge.Scope);
                foreach (var window in scope.Windows)
                {
                    window.Roll(now);
                    var allowed = Allowed(window.Limit, priority);
                    if (window.Used + charge.Cost > allowed)
                        return new RateDecision(false, RateDenial.Exhausted, window.End - now, charge.Scope);
                }
            }
            foreach (var charge in charges)
            {
                foreach (var window in GetScope(charge.Scope).Windows) window.Used += charge.Cost;
            }
        }
        return RateDecision.Grant;
    }

    public void Release(ReadOnlySpan<RateCharge> charges)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var charge in charges)
            {
                foreach (var window in GetScope(charge.Scope).Windows)
                {
                    // A refund only applies to the window it was drawn from; a rolled window starts from zero anyway.
                    if (window.Roll(now)) continue;
                    window.Used = Math.Max(0, window.Used - charge.Cost);
                }
            }
        }
    }

    public void ObserveUsage(RateLimitScope scope, TimeSpan interval, long used, long? limit = null)
    {
        if (interval <= TimeSpan.Zero) return;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var state = GetScope(scope);
            var window = state.Windows.FirstOrDefault(w => w.Interval == interval);
            if (window is null)
            {
                // A window the venue meters that we did not know of: track it once its limit is known.
                if (limit is not { } knownLimit) return;
                window = new WindowState(interval, knownLimit);
                state.Windows.Add(window);
            }
            window.Roll(now);
            if (limit is { } l && l > 0) window.Limit = l;
            window.Used = Math.Max(window.Used, used);
        }
    }

    public void SetLimits(RateLimitKind kind, IReadOnlyList<RateLimitWindow> windows)
    {
        lock (_gate)
        {
            _limits[kind] = windows.ToArray();
            foreach (var (scope, state) in _scopes)
            {
                if (scope.Kind != kind) continue;
                foreach (var window in windows)
                {
                    var existing = state.Windows.FirstOrDefault(w => w.Interval == window.Interval);
                    if (existing is null) state.Windows.Add(new WindowState(window.Interval, window.Limit));
                    else existing.Limit = window.Limit;
                }
            }
        }
    }

    public void Freeze(RateLimitScope scope, DateTimeOffset until)
    {
        lock (_gate)
        {
            var state = GetScope(scope);
            if (until > state.FrozenUntil) state.FrozenUntil = until;
        }
    }

    public IReadOnlyList<RateWindowUsage> GetUsage(RateLimitScope scope)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var state = GetScope(scope);
            DateTimeOffset? frozen = state.FrozenUntil > now ? state.FrozenUntil : null;
            var result = new List<RateWindowUsage>(state.Windows.Count);
            foreach (var window in state.Windows)
            {
                window.Roll(now);
                result.Add(new RateWindowUsage(scope, window.Interval, window.Used, window.Limit, frozen));
            }
            if (result.Count == 0 && frozen is not null) result.Add(new RateWindowUsage(scope, TimeSpan.Zero, 0, 0, frozen));
            return result;
        }
    }

    private long Allowed(long limit, RatePriority priority)
    {
        var cap = limit * _settings.UtilizationCap;
        if (priority == RatePriority.Normal) cap *= 1 - _settings.PriorityReserveFraction;
        return (long)Math.Floor(cap);
    }

    private ScopeState GetScope(RateLimitScope scope)
    {
        if (_scopes.TryGetValue(scope, out var state)) return state;
        state = new ScopeState();
        if (_limits.TryGetValue(scope.Kind, out var windows))
        {
            foreach (var window in windows) state.Windows.Add(new WindowState(window.Interval, window.Limit));
        }
        _scopes[scope] = state;
        return state;
    }

    private sealed class ScopeState
    {
        public List<WindowState> Windows { get; } = [];
        public DateTimeOffset FrozenUntil { get; set; } = DateTimeOffset.MinValue;
    }

    private sealed class WindowState(TimeSpan interval, long limit)
    {
        public TimeSpan Interval { get; } = interval;
        public long Limit { get; set; } = limit;
        public long Used { get; set; }
        public DateTimeOffset Start { get; private set; } = DateTimeOffset.MinValue;
        public DateTimeOffset End => Start + Interval;

        /// <summary>Moves to the window containing <paramref name="now"/>; true when it moved (usage restarts at zero).</summary>
        public bool Roll(DateTimeOffset now)
        {
            var ticks = now.UtcTicks - now.UtcTicks % Interval.Ticks;
            if (ticks == Start.UtcTicks) return false;
            Start = new DateTimeOffset(ticks, TimeSpan.Zero);
            Used = 0;
            return true;
        }
    }
}
