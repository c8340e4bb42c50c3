using System.Collections.Concurrent;
using Oms.LoadGen.Measurement;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;

namespace Oms.LoadGen.Harness;

/// <summary>
/// Venue-side timestamps (in-process simulator only): the moment the matching engine produced the first
/// <c>executionReport</c> of each client order id with a given prefix, i.e. the request was received, parsed, checked
/// and matched by the venue. Events are delivered synchronously by the engine right after the state change, so the
/// cost here (one dictionary write per order) is on the venue's path for both the OMS and the SDK alike. Also keeps the
/// time of every trade report (fills) of those orders.
/// </summary>
public sealed class VenueTap : IDisposable
{
    private readonly ConcurrentDictionary<string, long> firstReport = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<long> trades = new();
    private readonly IDisposable subscription;
    private volatile string? prefix;

    public VenueTap(SimulatorHost host)
    {
        subscription = host.Exchange.Subscribe(OnEvent);
    }

    /// <summary>Records reports of client order ids starting with <paramref name="clientOrderIdPrefix"/> from now on.</summary>
    public void Begin(string clientOrderIdPrefix)
    {
        firstReport.Clear();
        trades.Clear();
        prefix = clientOrderIdPrefix;
    }

    /// <summary>Stops recording; returns the first-report time of every recorded client order id.</summary>
    public IReadOnlyDictionary<string, long> End()
    {
        prefix = null;
        return new Dictionary<string, long>(firstReport, StringComparer.Ordinal);
    }

    /// <summary>Times of the trade reports (one per fill) of the recorded client order ids since <see cref="Begin"/>.</summary>
    public IReadOnlyList<long> TradeTimes => trades.ToArray();

    private void OnEvent(SimEvent e)
    {
        if (e is not SpotExecutionReport report) return;
        var p = prefix;
        if (p is null || !report.ClientOrderId.StartsWith(p, StringComparison.Ordinal)) return;
        var now = MonoClock.Now;
        firstReport.TryAdd(report.ClientOrderId, now);
        if (report.ExecutionType == ExecutionType.Trade) trades.Enqueue(now);
    }

    public void Dispose() => subscription.Dispose();
}
