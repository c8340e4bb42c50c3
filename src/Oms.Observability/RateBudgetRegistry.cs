using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oms.Observability;

/// <summary>What a rate-limit budget has used of its current window.</summary>
public readonly record struct RateBudgetReading(long Used, long Limit);

/// <summary>
/// The rate-limit budgets the gauges <see cref="OmsTelemetry.Names.RateLimitUsed"/> and
/// <see cref="OmsTelemetry.Names.RateLimitLimit"/> report. A connector registers each budget scope once (for example
/// venue <c>Binance</c>, scope <c>spot:REQUEST_WEIGHT:1m</c>) with a callback that reads it; the callback runs on
/// every collection (scrape or export), so it must be cheap and thread-safe. Dispose the registration when the budget
/// goes away. Keep scopes few and stable: they are metric tags.
/// </summary>
public sealed class RateBudgetRegistry
{
    private readonly ConcurrentDictionary<long, Registration> _registrations = new();
    private long _nextId;

    /// <summary>Registers a budget scope; the returned handle unregisters it.</summary>
    public IDisposable Register(string venue, string scope, Func<RateBudgetReading> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(venue);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentNullException.ThrowIfNull(read);
        var id = Interlocked.Increment(ref _nextId);
        var registration = new Registration(this, id, venue, scope, read);
        _registrations[id] = registration;
        return registration;
    }

    /// <summary>Number of registered scopes.</summary>
    public int Count => _registrations.Count;

    internal IEnumerable<Measurement<long>> ObserveUsed() => Observe(static r => r.Used);

    internal IEnumerable<Measurement<long>> ObserveLimit() => Observe(static r => r.Limit);

    private List<Measurement<long>> Observe(Func<RateBudgetReading, long> select)
    {
        var measurements = new List<Measurement<long>>(_registrations.Count);
        foreach (var registration in _registrations.Values)
        {
            RateBudgetReading reading;
            try
            {
                reading = registration.Read();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One broken callback must not hide the other budgets; the scope is simply absent from this collection.
                continue;
            }
            measurements.Add(new Measurement<long>(select(reading), new TagList
            {
                { OmsTelemetry.Tags.Venue, registration.Venue },
                { OmsTelemetry.Tags.Scope, registration.Scope },
            }));
        }
        return measurements;
    }

    private sealed class Registration(RateBudgetRegistry owner, long id, string venue, string scope, Func<RateBudgetReading> read) : IDisposable
    {
        public string Venue { get; } = venue;
        public string Scope { get; } = scope;
        public Func<RateBudgetReading> Read { get; } = read;

        public void Dispose() => owner._registrations.TryRemove(id, out _);
    }
}
