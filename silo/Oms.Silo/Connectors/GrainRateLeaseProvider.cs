namespace Oms.Silo.Connectors;

/// <summary>
/// The cluster-wide rate budget through the budget grains (one per venue metering scope). The silo subscribes to the
/// freezes of every scope it leases from with one observer reference, renewed by each lease.
/// </summary>
public sealed class GrainRateLeaseProvider : IRateLeaseProvider, IRateBudgetObserver, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly Lock _gate = new();
    private readonly List<Action<string, DateTimeOffset>> _handlers = [];
    private IRateBudgetObserver? _reference;

    public GrainRateLeaseProvider(IGrainFactory grains) => _grains = grains;

    public Task<RateLease> LeaseAsync(RateLeaseRequest request, CancellationToken cancellationToken = default) =>
        Grain(request.Scope).LeaseAsync(request, Reference()).WaitAsync(cancellationToken);

    public Task ReportUsageAsync(RateUsageReport report, CancellationToken cancellationToken = default) =>
        Grain(report.Scope).ReportUsageAsync(report).WaitAsync(cancellationToken);

    public Task SetLimitsAsync(string scope, IReadOnlyList<RateWindowLimit> windows, CancellationToken cancellationToken = default) =>
        Grain(scope).SetLimitsAsync(windows).WaitAsync(cancellationToken);

    public Task FreezeAsync(string scope, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        Grain(scope).FreezeAsync(until).WaitAsync(cancellationToken);

    public IDisposable OnFrozen(Action<string, DateTimeOffset> onFrozen)
    {
        lock (_gate) _handlers.Add(onFrozen);
        return new Subscription(this, onFrozen);
    }

    void IRateBudgetObserver.OnFrozen(string scope, DateTimeOffset until)
    {
        Action<string, DateTimeOffset>[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var handler in handlers) handler(scope, until);
    }

    private IRateBudgetGrain Grain(string scope) => _grains.GetGrain<IRateBudgetGrain>(scope);

    private IRateBudgetObserver Reference()
    {
        lock (_gate) return _reference ??= _grains.CreateObjectReference<IRateBudgetObserver>(this);
    }

    public void Dispose()
    {
        IRateBudgetObserver? reference;
        lock (_gate)
        {
            reference = _reference;
            _reference = null;
        }
        if (reference is not null) _grains.DeleteObjectReference<IRateBudgetObserver>(reference);
    }

    private sealed class Subscription(GrainRateLeaseProvider owner, Action<string, DateTimeOffset> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._handlers.Remove(handler);
        }
    }
}
