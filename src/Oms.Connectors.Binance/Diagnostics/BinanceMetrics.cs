using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Oms.Connectors.Binance.Diagnostics;

/// <summary>
/// The connector's instruments on the meter <see cref="MeterName"/>: call latency by method and transport, errors by
/// code and kind, reconnects, and request weight used as the venue reports it.
/// </summary>
public sealed class BinanceMetrics : IDisposable
{
    public const string MeterName = "Oms.Connectors.Binance";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _reconnects;
    private readonly Gauge<long> _weightUsed;
    private readonly Counter<long> _lateResponses;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on an owned meter when null.</summary>
    public BinanceMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }
        _callDuration = _meter.CreateHistogram<double>("binance.call.duration", "ms", "Time from sending a venue call to its response, by method and transport.");
        _errors = _meter.CreateCounter<long>("binance.call.errors", description: "Failed venue calls, by method, error kind and venue code.");
        _reconnects = _meter.CreateCounter<long>("binance.ws.reconnects", description: "WebSocket API sessions re-established, by reason.");
        _weightUsed = _meter.CreateGauge<long>("binance.weight.used", description: "Request weight used in the current window as the venue reports it.");
        _lateResponses = _meter.CreateCounter<long>("binance.ws.late_responses", description: "WebSocket API responses that arrived after their request timed out.");
    }

    public void RecordCall(string method, string transport, TimeSpan duration, VenueErrorKind outcome)
    {
        _callDuration.Record(duration.TotalMilliseconds, new TagList
        {
            { "method", method },
            { "transport", transport },
            { "outcome", outcome == VenueErrorKind.None ? "ok" : outcome.ToString() },
        });
    }

    public void RecordError(string method, string transport, BinanceError error)
    {
        _errors.Add(1, new TagList
        {
            { "method", method },
            { "transport", transport },
            { "kind", error.Kind.ToString() },
            { "code", error.Code?.ToString(CultureInfo.InvariantCulture) ?? "none" },
        });
    }

    public void RecordReconnect(string reason) => _reconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RecordWeightUsed(string scope, long used) => _weightUsed.Record(used, new KeyValuePair<string, object?>("scope", scope));

    public void RecordLateResponse(string method) => _lateResponses.Add(1, new KeyValuePair<string, object?>("method", method));

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
