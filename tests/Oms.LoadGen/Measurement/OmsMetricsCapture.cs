using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Oms.LoadGen.Measurement;

/// <summary>
/// Records, while enabled, every value of the OMS's own latency histograms published in this process (in-process silo
/// only): <c>oms.order.stage.duration</c> by stage (risk_passed, queued, sent, acked — each from the account grain
/// receiving the submit), <c>oms.fill.ingest.duration</c>, and the connector's venue call duration. Instruments are
/// matched by name, so a build without them simply reports none.
/// </summary>
public sealed class OmsMetricsCapture : IDisposable
{
    private static readonly string[] Instruments = ["oms.order.stage.duration", "oms.fill.ingest.duration", "binance.call.duration"];

    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> values = new(StringComparer.Ordinal);
    private volatile bool enabled;

    public OmsMetricsCapture()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (Instruments.Contains(instrument.Name, StringComparer.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>(OnMeasurement);
        listener.Start();
    }

    /// <summary>Starts a new window: forgets earlier values and records from now on.</summary>
    public void Begin()
    {
        values.Clear();
        enabled = true;
    }

    /// <summary>Stops recording and summarises the window by series (instrument, plus stage or method when tagged).</summary>
    public IReadOnlyDictionary<string, LatencySummary> End()
    {
        enabled = false;
        return values
            .Select(kv => (kv.Key, Summary: LatencySummary.FromMilliseconds(kv.Value)))
            .Where(x => x.Summary is not null)
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(x => x.Key, x => x.Summary!, StringComparer.Ordinal);
    }

    private void OnMeasurement(Instrument instrument, double measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!enabled) return;
        var series = instrument.Name;
        foreach (var tag in tags)
        {
            if (tag.Key is "stage" or "method" or "operation") series = $"{series}{{{tag.Key}={tag.Value}}}";
        }
        values.GetOrAdd(series, _ => new ConcurrentQueue<double>()).Enqueue(measurement);
    }

    public void Dispose() => listener.Dispose();
}
