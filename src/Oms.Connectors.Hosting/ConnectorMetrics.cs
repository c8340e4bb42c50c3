using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oms.Connectors.Hosting;

/// <summary>
/// Venue-agnostic connector counters on the meter <see cref="MeterName"/>: reconciliations (by reason and outcome),
/// session re-establishments, unknown outcomes and their follow-up queries, watchdog probes, commands by outcome.
/// </summary>
public sealed class ConnectorMetrics : IDisposable
{
    public const string MeterName = "Oms.Connectors";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _reconciliations;
    private readonly Counter<long> _reconciliationFindings;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _unknownOutcomes;
    private readonly Counter<long> _followUps;
    private readonly Counter<long> _watchdogProbes;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _reconcileDuration;

    public ConnectorMetrics(IMeterFactory? meterFactory = null)
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
        _reconciliations = _meter.CreateCounter<long>("oms.connector.reconciliations", description: "Account reconciliations, by venue, reason and outcome.");
        _reconciliationFindings = _meter.CreateCounter<long>("oms.connector.reconciliation.events", description: "Events a reconciliation applied, by venue and kind.");
        _reconnects = _meter.CreateCounter<long>("oms.connector.reconnects", description: "Private stream (re)subscriptions after a loss, by venue and reason.");
        _unknownOutcomes = _meter.CreateCounter<long>("oms.connector.unknown_outcomes", description: "Requests whose outcome was unknown, by venue and request.");
        _followUps = _meter.CreateCounter<long>("oms.connector.follow_up_queries", description: "Queries sent to resolve unknown outcomes, by venue and result.");
        _watchdogProbes = _meter.CreateCounter<long>("oms.connector.watchdog.probes", description: "Silent-stream probes, by venue and verdict.");
        _commands = _meter.CreateCounter<long>("oms.connector.commands", description: "Commands sent, by venue, command and outcome.");
        _reconcileDuration = _meter.CreateHistogram<double>("oms.connector.reconciliation.duration", "ms", "Time a reconciliation took.");
    }

    public void Reconciled(Venue venue, string reason, bool success, TimeSpan duration)
    {
        _reconciliations.Add(1, new TagList { { "venue", venue.ToString() }, { "reason", reason }, { "outcome", success ? "ok" : "failed" } });
        _reconcileDuration.Record(duration.TotalMilliseconds, new TagList { { "venue", venue.ToString() } });
    }

    public void ReconciliationFinding(Venue venue, string kind, int count = 1) =>
        _reconciliationFindings.Add(count, new TagList { { "venue", venue.ToString() }, { "kind", kind } });

    public void Reconnected(Venue venue, string reason) => _reconnects.Add(1, new TagList { { "venue", venue.ToString() }, { "reason", reason } });

    public void UnknownOutcome(Venue venue, string request) => _unknownOutcomes.Add(1, new TagList { { "venue", venue.ToString() }, { "request", request } });

    public void FollowUp(Venue venue, string result) => _followUps.Add(1, new TagList { { "venue", venue.ToString() }, { "result", result } });

    public void WatchdogProbe(Venue venue, string verdict) => _watchdogProbes.Add(1, new TagList { { "venue", venue.ToString() }, { "verdict", verdict } });

    public void Command(Venue venue, string command, string outcome) =>
        _commands.Add(1, new TagList { { "venue", venue.ToString() }, { "command", command }, { "outcome", outcome } });

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
