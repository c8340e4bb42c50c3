using Microsoft.Extensions.DependencyInjection;
using Orleans.Utilities;

namespace Oms.Grains;

/// <summary>
/// The cluster-wide budget of one venue metering scope. Silos lease slices of the current windows from it and draw on
/// them locally (no network hop per call); everything leased counts as used at the venue, so the cluster never exceeds
/// the limit times the utilization cap, whatever the number of silos. The venue's own usage reports are a floor
/// (other users of the IP, or a lease lost with a silo), and a 429/418 freezes the scope for every silo at once.
/// <para>
/// State is in memory on purpose: windows are seconds to a day long and the venue's usage reports (every response
/// carries them) re-establish the count within one response after a reactivation.
/// </para>
/// </summary>
public sealed class RateBudgetGrain : Grain, IRateBudgetGrain
{
    private static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);
    private readonly TimeProvider _clock;
    private readonly ILogger<RateBudgetGrain> _logger;
    private readonly ObserverManager<IRateBudgetObserver> _observers;
    private readonly List<WindowState> _windows = [];
    private DateTimeOffset _frozenUntil = DateTimeOffset.MinValue;
    private double _reserveFraction = 0.1;
    private double _utilizationCap = 0.9;

    public RateBudgetGrain([FromKeyedServices(OmsGrainsServiceCollectionExtensions.ClockServiceKey)] TimeProvider clock, ILogger<RateBudgetGrain> logger)
    {
        _clock = clock;
        _logger = logger;
        _observers = new ObserverManager<IRateBudgetObserver>(SubscriptionLifetime, logger);
    }

    private string Scope => this.GetPrimaryKeyString();

    public Task<RateLease> LeaseAsync(RateLeaseRequest request, IRateBudgetObserver? observer)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (observer is not null) _observers.Subscribe(observer, observer);
        if (_windows.Count == 0) Adopt(request.KnownLimits);
        if (request.ReserveFraction is >= 0 and < 1) _reserveFraction = request.ReserveFraction;
        if (request.UtilizationCap is > 0 and <= 1) _utilizationCap = request.UtilizationCap;

        var now = _clock.GetUtcNow();
        if (_frozenUntil > now) return Task.FromResult(new RateLease(Scope, [], _frozenUntil));
        foreach (var window in _windows) window.Roll(now);

        // The same amount from every window: a draw must fit in all of them.
        var normal = Math.Max(0, request.Normal);
        var reserve = Math.Max(0, request.Reserve);
        foreach (var window in _windows)
        {
            normal = Math.Min(normal, Math.Max(0, window.NormalCap(_utilizationCap, _reserveFraction) - window.Used));
        }
        foreach (var window in _windows)
        {
            reserve = Math.Min(reserve, Math.Max(0, window.TotalCap(_utilizationCap) - window.Used - normal));
        }
        var grants = new List<RateWindowGrant>(_windows.Count);
        foreach (var window in _windows)
        {
            window.LeasedNormal += normal;
            window.LeasedReserve += reserve;
            grants.Add(new RateWindowGrant(window.Interval, window.Start, normal, reserve, window.Limit));
        }
        return Task.FromResult(new RateLease(Scope, grants, null));
    }

    public Task ReportUsageAsync(RateUsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = _clock.GetUtcNow();
        var window = _windows.FirstOrDefault(w => w.Interval == report.Interval);
        if (window is null)
        {
            if (report.Limit is not { } limit || limit <= 0) return Task.CompletedTask;
            window = new WindowState(report.Interval, limit);
            _windows.Add(window);
        }
        window.Roll(now);
        if (report.Limit is { } l && l > 0) window.Limit = l;
        // A report about a window that has already ended says nothing about the current one.
        if (report.ObservedAt >= window.Start && report.Used > window.ReportedUsed)
        {
            window.ReportedUsed = report.Used;
            window.LeasedAtReport = window.LeasedNormal + window.LeasedReserve;
        }
        return Task.CompletedTask;
    }

    public Task SetLimitsAsync(IReadOnlyList<RateWindowLimit> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        foreach (var limit in windows)
        {
            var existing = _windows.FirstOrDefault(w => w.Interval == limit.Interval);
            if (existing is null) _windows.Add(new WindowState(limit.Interval, limit.Limit));
            else existing.Limit = limit.Limit;
        }
        _windows.RemoveAll(w => windows.All(l => l.Interval != w.Interval));
        return Task.CompletedTask;
    }

    public Task FreezeAsync(DateTimeOffset until)
    {
        if (until <= _frozenUntil) return Task.CompletedTask;
        _frozenUntil = until;
        _logger.LogWarning("Rate budget {Scope} frozen until {Until} (venue 429/418); telling {Count} silos", Scope, until, _observers.Count);
        _observers.Notify(o => o.OnFrozen(Scope, until));
        return Task.CompletedTask;
    }

    public Task<RateBudgetStatus> GetStatusAsync()
    {
        var now = _clock.GetUtcNow();
        foreach (var window in _windows) window.Roll(now);
        return Task.FromResult(new RateBudgetStatus(Scope,
            _windows.Select(w => new RateBudgetWindowStatus(w.Interval, w.Limit, w.Start, w.LeasedNormal, w.LeasedReserve, w.ReportedUsed)).ToArray(),
            _frozenUntil > now ? _frozenUntil : null,
            _observers.Count));
    }

    private void Adopt(IReadOnlyList<RateWindowLimit> limits)
    {
        foreach (var limit in limits)
        {
            if (limit.Interval > TimeSpan.Zero && limit.Limit > 0) _windows.Add(new WindowState(limit.Interval, limit.Limit));
        }
    }

    private sealed class WindowState(TimeSpan interval, long limit)
    {
        public TimeSpan Interval { get; } = interval;
        public long Limit { get; set; } = limit;
        public DateTimeOffset Start { get; private set; } = DateTimeOffset.MinValue;
        public long LeasedNormal { get; set; }
        public long LeasedReserve { get; set; }
        public long ReportedUsed { get; set; }

        /// <summary>What had been leased when the venue's latest report came: leases after it come on top of the report.</summary>
        public long LeasedAtReport { get; set; }

        public long Used => Math.Max(LeasedNormal + LeasedReserve, ReportedUsed + LeasedNormal + LeasedReserve - LeasedAtReport);

        public long TotalCap(double cap) => (long)Math.Floor(Limit * cap);

        public long NormalCap(double cap, double reserve) => (long)Math.Floor(Limit * cap * (1 - reserve));

        /// <summary>Moves to the window containing <paramref name="now"/>; usage restarts at zero.</summary>
        public void Roll(DateTimeOffset now)
        {
            var ticks = now.UtcTicks - now.UtcTicks % Interval.Ticks;
            if (ticks == Start.UtcTicks) return;
            Start = new DateTimeOffset(ticks, TimeSpan.Zero);
            LeasedNormal = 0;
            LeasedReserve = 0;
            LeasedAtReport = 0;
            ReportedUsed = 0;
        }
    }
}
