using System.Diagnostics;
using Oms.Observability;

namespace Oms.Grains;

// Telemetry (names and instruments in Oms.Observability.OmsTelemetry): the submit span, order stage latencies, order,
// denial and fill counters. Metric tags are account, venue, market and code — never client order ids (the span has it).
public sealed partial class AccountGrain
{
    /// <summary>Fills applied in the current venue-event batch, recorded once the batch's state write returned.</summary>
    private readonly List<VenueFill> _fillsToRecord = [];

    /// <summary>Opens the submit span (null when nobody listens, so nothing is formatted).</summary>
    private Activity? StartSubmitSpan(OrderSpec spec) =>
        OmsTelemetry.ActivitySource.HasListeners() ? OmsTelemetry.StartOrderSubmit(_account.Value, spec.Instrument.ToString()) : null;

    private static void TraceClientOrderId(Activity? span, ClientOrderId clientOrderId) =>
        span?.SetTag(OmsTelemetry.Attributes.ClientOrderId, clientOrderId.Value);

    private static void RecordRiskPassed(long receivedTimestamp, InstrumentId instrument) =>
        OmsTelemetry.OrderStageReached(OrderStages.RiskPassed, receivedTimestamp, instrument.Venue.ToString(), instrument.Market.ToString());

    private void RecordDenied(InstrumentId instrument, DenialCode code) =>
        OmsTelemetry.OrderDenied(_account.Value, instrument.Venue.ToString(), instrument.Market.ToString(), code.Name());

    /// <summary>
    /// Counts a submit that passed the checks: queued (also timed as <see cref="OrderStages.Queued"/>), refused by the
    /// router, or of unknown routing (<paramref name="route"/> null: in flight, counted as accepted).
    /// </summary>
    private void RecordRouted(long receivedTimestamp, InstrumentId instrument, RouteResult? route)
    {
        var venue = instrument.Venue.ToString();
        var market = instrument.Market.ToString();
        if (route is { Accepted: false })
        {
            OmsTelemetry.OrderSubmitted(_account.Value, venue, market, OmsTelemetry.OrderOutcomes.Refused);
            return;
        }
        if (route is not null) OmsTelemetry.OrderStageReached(OrderStages.Queued, receivedTimestamp, venue, market);
        OmsTelemetry.OrderSubmitted(_account.Value, venue, market, OmsTelemetry.OrderOutcomes.Accepted);
    }

    /// <summary>Times the venue's acknowledgement of an order from its creation (the grain's receipt of the submit).</summary>
    private void RecordAcked(Order order) =>
        OmsTelemetry.OrderStageReached(OrderStages.Acked, _clock.GetUtcNow() - order.CreatedAt,
            order.Instrument.Venue.ToString(), order.Instrument.Market.ToString());

    /// <summary>Remembers a fill <see cref="ApplyFill"/> applied (it returned <paramref name="applied"/>); passes the result through.</summary>
    private bool TrackAppliedFill(VenueFill fill, bool applied)
    {
        if (applied) _fillsToRecord.Add(fill);
        return applied;
    }

    /// <summary>
    /// Counts the batch's applied fills after its state write returned, with their ingest latency (venue timestamp to
    /// now) for live events; reconciliation replays are counted but not timed.
    /// </summary>
    private void RecordAppliedFills()
    {
        if (_fillsToRecord.Count == 0) return;
        var now = _clock.GetUtcNow();
        foreach (var venueFill in _fillsToRecord)
        {
            var instrument = venueFill.Fill.Instrument;
            TimeSpan? latency = venueFill.Source == VenueEventSource.Reconciliation ? null : now - venueFill.Timestamp;
            OmsTelemetry.FillApplied(_account.Value, instrument.Venue.ToString(), instrument.Market.ToString(), latency);
        }
        _fillsToRecord.Clear();
    }
}
