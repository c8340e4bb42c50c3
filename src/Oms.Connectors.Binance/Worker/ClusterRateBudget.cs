using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.RateLimits;
using Oms.Observability;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// The silo's <see cref="IRateBudget"/> on top of the cluster-wide budget (<see cref="IRateLeaseProvider"/>, one budget
/// grain per metering scope). Draws stay synchronous and local: each scope holds a lease — a slice of the current
/// windows granted by the grain — that draws consume; when it runs low a refill is leased in the background, and a draw
/// that finds it empty is refused with a short retry (the gate waits for the refill). Usage the venue reports is
/// forwarded (coalesced) as a floor for the whole cluster; a 429/418 freeze is forwarded and the grain pushes it to
/// every silo. A lease expires with the shortest of its windows; what a silo leased and did not use is lost, never
/// double-spent, so the cluster stays under the venue's limit.
/// </summary>
public sealed class ClusterRateBudget : IRateBudget, IAsyncDisposable
{
    /// <summary>Share of a window's allowance one lease asks for (small shares keep unused leases in other silos cheap).</summary>
    private const double LeaseShare = 0.1;
    private static readonly TimeSpan RefillRetry = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan FailedLeaseBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    private readonly IRateLeaseProvider _provider;
    private readonly string _holder;
    private readonly RateBudgetSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<RateLimitScope, ScopeLease> _scopes = [];
    private readonly Dictionary<string, RateLimitScope> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>> _limits;
    private readonly ConcurrentDictionary<(RateLimitScope, TimeSpan), RateUsageReport> _reports = new();
    private readonly IDisposable _subscription;
    /// <summary>The oms.rate_limit.used/limit gauge series of each (scope, window) this silo draws on.</summary>
    private readonly Dictionary<(RateLimitScope Scope, TimeSpan Interval), IDisposable> _gauges = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reporter;

    public ClusterRateBudget(IRateLeaseProvider provider, string holder, RateBudgetSettings settings, TimeProvider time, ILogger logger)
    {
        _provider = provider;
        _holder = holder;
        _settings = settings;
        _time = time;
        _logger = logger;
        _limits = new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>(settings.DefaultLimits);
        _subscription = provider.OnFrozen(OnFrozenElsewhere);
        _reporter = Task.Run(ReportLoopAsync);
    }

    /// <summary>Leases taken from the cluster budget (diagnostics and tests).</summary>
    public long Leases => Interlocked.Read(ref _leases);

    private long _leases;

    public RateDecision TryAcquire(ReadOnlySpan<RateCharge> charges, RatePriority priority)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var charge in charges)
            {
                var lease = Get(charge.Scope);
                if (lease.FrozenUntil > now) return new RateDecision(false, RateDenial.Frozen, lease.FrozenUntil - now, charge.Scope);
                if (lease.Windows.Count == 0) continue;
                lease.Expire(now);
                if (lease.Available(priority) >= charge.Cost) continue;
                // Not enough leased: ask the cluster (in the background) and tell the caller when to look again.
                var exhaustedUntil = lease.ExhaustedUntil(priority);
                if (exhaustedUntil > now) return new RateDecision(false, RateDenial.Exhausted, exhaustedUntil - now, charge.Scope);
                StartRefill(lease, charge.Cost, priority, now);
                return new RateDecision(false, RateDenial.Exhausted, RefillRetry, charge.Scope);
            }
            foreach (var charge in charges)
            {
                var lease = Get(charge.Scope);
                if (lease.Windows.Count == 0) continue;
                lease.Draw(charge.Cost);
                // Prefetch: refill before the lease runs dry so the hot path rarely waits.
                if (lease.Normal < lease.NormalChunk / 2 && lease.NormalExhaustedUntil <= now) StartRefill(lease, 0, RatePriority.Normal, now);
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
                // The cluster keeps counting it (conservative); this silo may spend it again within the lease.
                if (_scopes.TryGetValue(charge.Scope, out var lease) && lease.ValidUntil > now) lease.Normal += charge.Cost;
            }
        }
    }

    public void ObserveUsage(RateLimitScope scope, TimeSpan interval, long used, long? limit = null)
    {
        if (interval <= TimeSpan.Zero) return;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var lease = Get(scope);
            var window = lease.Windows.FirstOrDefault(w => w.Interval == interval);
            if (limit is { } l && l > 0 && (window.Interval == TimeSpan.Zero || window.Limit != l))
            {
                lease.SetWindow(new RateLimitWindow(interval, l), _settings);
                window = new RateLimitWindow(interval, l);
                RegisterGauges(lease);
            }
            // The venue is at the cap already: what this silo still holds would overshoot.
            if (window.Limit > 0 && used >= (long)Math.Floor(window.Limit * _settings.UtilizationCap)) lease.Normal = 0;
            lease.Used = Math.Max(lease.Used, used);
        }
        _reports[(scope, interval)] = new RateUsageReport(scope.ToString(), interval, used, limit, now);
    }

    public void SetLimits(RateLimitKind kind, IReadOnlyList<RateLimitWindow> windows)
    {
        List<RateLimitScope> affected;
        lock (_gate)
        {
            _limits[kind] = windows.ToArray();
            affected = _scopes.Keys.Where(s => s.Kind == kind).ToList();
            foreach (var scope in affected)
            {
                _scopes[scope].ResetWindows(windows, _settings);
                RegisterGauges(_scopes[scope]);
            }
        }
        var limits = windows.Select(w => new RateWindowLimit(w.Interval, w.Limit)).ToArray();
        foreach (var scope in affected) Forward(_provider.SetLimitsAsync(scope.ToString(), limits), $"set the limits of {scope}");
    }

    public void Freeze(RateLimitScope scope, DateTimeOffset until)
    {
        lock (_gate) Get(scope).Freeze(until);
        Forward(_provider.FreezeAsync(scope.ToString(), until), $"freeze {scope} cluster-wide");
    }

    public IReadOnlyList<RateWindowUsage> GetUsage(RateLimitScope scope)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var lease = Get(scope);
            DateTimeOffset? frozen = lease.FrozenUntil > now ? lease.FrozenUntil : null;
            if (lease.Windows.Count == 0) return frozen is null ? [] : [new RateWindowUsage(scope, TimeSpan.Zero, 0, 0, frozen)];
            return lease.Windows.Select(w => new RateWindowUsage(scope, w.Interval, lease.Used, w.Limit, frozen)).ToArray();
        }
    }

    private ScopeLease Get(RateLimitScope scope)
    {
        if (_scopes.TryGetValue(scope, out var lease)) return lease;
        lease = new ScopeLease(scope, _limits.TryGetValue(scope.Kind, out var windows) ? windows : [], _settings);
        _scopes[scope] = lease;
        _byKey[scope.ToString()] = scope;
        RegisterGauges(lease);
        return lease;
    }

    /// <summary>
    /// Registers the gauges (<see cref="OmsTelemetry.RateBudgets"/>) of each window of <paramref name="lease"/> not yet
    /// registered: venue <c>Binance</c>, scope <c>{kind}@{key}/{interval}</c>; used is what this silo drew in the
    /// current window, raised to what the venue reported. Called under the lock.
    /// </summary>
    private void RegisterGauges(ScopeLease lease)
    {
        foreach (var window in lease.Windows)
        {
            var key = (lease.Scope, window.Interval);
            if (_gauges.ContainsKey(key)) continue;
            var interval = window.Interval;
            _gauges[key] = OmsTelemetry.RateBudgets.Register("Binance", $"{lease.Scope}/{FormatInterval(interval)}", () => Read(lease, interval));
        }
    }

    private RateBudgetReading Read(ScopeLease lease, TimeSpan interval)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var limit = lease.Windows.FirstOrDefault(w => w.Interval == interval).Limit;
            return new RateBudgetReading(now < lease.ValidUntil || lease.ValidUntil == DateTimeOffset.MinValue ? lease.Used : 0, limit);
        }
    }

    private static string FormatInterval(TimeSpan interval) =>
        interval.TotalDays >= 1 && interval.TotalDays % 1 == 0 ? $"{interval.TotalDays:0}d"
        : interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0 ? $"{interval.TotalMinutes:0}m"
        : $"{interval.TotalSeconds:0}s";

    private void StartRefill(ScopeLease lease, long needed, RatePriority priority, DateTimeOffset now)
    {
        if (lease.Refilling || lease.RefillBlockedUntil > now) return;
        lease.Refilling = true;
        var request = new RateLeaseRequest
        {
            Scope = lease.Scope.ToString(),
            Holder = _holder,
            Normal = priority == RatePriority.Normal ? Math.Max(needed, lease.NormalChunk) : lease.NormalChunk,
            Reserve = priority == RatePriority.RiskReducing ? Math.Max(needed, lease.ReserveChunk) : 0,
            KnownLimits = lease.Windows.Select(w => new RateWindowLimit(w.Interval, w.Limit)).ToArray(),
            ReserveFraction = _settings.PriorityReserveFraction,
            UtilizationCap = _settings.UtilizationCap,
        };
        _ = RefillAsync(lease, request, needed, priority);
    }

    private async Task RefillAsync(ScopeLease lease, RateLeaseRequest request, long needed, RatePriority priority)
    {
        RateLease? granted = null;
        try
        {
            granted = await _provider.LeaseAsync(request, _stop.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _leases);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Leasing rate budget {Scope} from the cluster failed; nothing is sent on it until a lease succeeds", lease.Scope);
        }
        catch (OperationCanceledException)
        {
        }
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            lease.Refilling = false;
            if (granted is null)
            {
                lease.RefillBlockedUntil = now + FailedLeaseBackoff;
                return;
            }
            if (granted.FrozenUntil is { } frozen)
            {
                lease.Freeze(frozen);
                return;
            }
            lease.Apply(granted, now);
            // Nothing (or too little) left in the cluster's window for this priority: such draws wait for the next
            // window, not for more leases. Risk-reducing draws still try the reserve after new risk is exhausted.
            var got = granted.Windows.Count == 0 ? 0 : priority == RatePriority.RiskReducing ? granted.Windows[0].Normal + granted.Windows[0].Reserve : granted.Windows[0].Normal;
            if (got < Math.Max(1, needed))
            {
                lease.NormalExhaustedUntil = lease.ValidUntil;
                if (priority == RatePriority.RiskReducing) lease.ReserveExhaustedUntil = lease.ValidUntil;
            }
        }
    }

    private void OnFrozenElsewhere(string scope, DateTimeOffset until)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(scope, out var known)) _scopes[known].Freeze(until);
        }
        _logger.LogWarning("Rate budget {Scope} frozen cluster-wide until {Until}", scope, until);
    }

    private async Task ReportLoopAsync()
    {
        using var timer = new PeriodicTimer(ReportInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var key in _reports.Keys.ToArray())
                {
                    if (!_reports.TryRemove(key, out var report)) continue;
                    try
                    {
                        await _provider.ReportUsageAsync(report, _stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!_stop.IsCancellationRequested)
                    {
                        _logger.LogDebug(ex, "Reporting the usage of {Scope} to the cluster budget failed; the next report carries it", report.Scope);
                    }
                    catch (Exception ex)
                    {
                        // Stopping: the silo may already be leaving the cluster (SiloUnavailableException and the like).
                        // The budget grain re-learns usage from the next holder's reports, so this one is dropped.
                        _logger.LogDebug(ex, "Dropped the last usage report of {Scope} while stopping", report.Scope);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void Forward(Task task, string what) => _ = task.ContinueWith(t => _logger.LogWarning(t.Exception, "Could not {What}", what),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        lock (_gate)
        {
            foreach (var gauge in _gauges.Values) gauge.Dispose();
            _gauges.Clear();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reporter.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>What this silo holds of one scope. Guarded by the budget's lock.</summary>
    private sealed class ScopeLease
    {
        public ScopeLease(RateLimitScope scope, IReadOnlyList<RateLimitWindow> windows, RateBudgetSettings settings)
        {
            Scope = scope;
            ResetWindows(windows, settings);
        }

        public RateLimitScope Scope { get; }
        public List<RateLimitWindow> Windows { get; } = [];
        public long Normal { get; set; }
        public long Reserve { get; set; }
        public long Used { get; set; }
        public DateTimeOffset ValidUntil { get; private set; } = DateTimeOffset.MinValue;
        public DateTimeOffset FrozenUntil { get; private set; } = DateTimeOffset.MinValue;
        /// <summary>Until when the cluster has nothing left for new risk in the current window.</summary>
        public DateTimeOffset NormalExhaustedUntil { get; set; } = DateTimeOffset.MinValue;
        /// <summary>Until when the cluster has nothing left at all (reserve included) in the current window.</summary>
        public DateTimeOffset ReserveExhaustedUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset ExhaustedUntil(RatePriority priority) => priority == RatePriority.RiskReducing ? ReserveExhaustedUntil : NormalExhaustedUntil;
        public DateTimeOffset RefillBlockedUntil { get; set; } = DateTimeOffset.MinValue;
        public bool Refilling { get; set; }
        public long NormalChunk { get; private set; } = 1;
        public long ReserveChunk { get; private set; } = 1;

        public long Available(RatePriority priority) => priority == RatePriority.RiskReducing ? Normal + Reserve : Normal;

        public void Draw(long cost)
        {
            var fromNormal = Math.Min(cost, Normal);
            Normal -= fromNormal;
            Reserve -= cost - fromNormal;
            Used += cost;
        }

        public void Expire(DateTimeOffset now)
        {
            if (now < ValidUntil) return;
            Normal = 0;
            Reserve = 0;
            Used = 0;
        }

        public void Freeze(DateTimeOffset until)
        {
            if (until > FrozenUntil) FrozenUntil = until;
            Normal = 0;
            Reserve = 0;
        }

        public void Apply(RateLease lease, DateTimeOffset now)
        {
            if (lease.Windows.Count == 0) return;
            var validUntil = lease.Windows.Min(w => w.WindowStart + w.Interval);
            if (validUntil <= now) return;
            if (validUntil != ValidUntil)
            {
                // A new window: what was left of the previous one is gone.
                Normal = 0;
                Reserve = 0;
                Used = 0;
                ValidUntil = validUntil;
            }
            Normal += lease.Windows[0].Normal;
            Reserve += lease.Windows[0].Reserve;
        }

        public void SetWindow(RateLimitWindow window, RateBudgetSettings settings)
        {
            Windows.RemoveAll(w => w.Interval == window.Interval);
            Windows.Add(window);
            Size(settings);
        }

        public void ResetWindows(IReadOnlyList<RateLimitWindow> windows, RateBudgetSettings settings)
        {
            Windows.Clear();
            Windows.AddRange(windows);
            Size(settings);
        }

        private void Size(RateBudgetSettings settings)
        {
            if (Windows.Count == 0) return;
            var smallest = Windows.Min(w => w.Limit);
            NormalChunk = Math.Max(1, (long)Math.Ceiling(smallest * settings.UtilizationCap * (1 - settings.PriorityReserveFraction) * LeaseShare));
            ReserveChunk = Math.Max(1, (long)Math.Ceiling(smallest * settings.UtilizationCap * settings.PriorityReserveFraction * 0.5));
        }
    }
}
