using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// One account's failed venue requests and the follow-up of their unknown outcomes, the same for spot and USD-M: a
/// failure is reported as events; a request whose outcome is unknown (a timeout, a dropped socket, a 5xx, <c>-1007</c>)
/// leaves the order in flight and its order is queried by client order id on <see cref="RetrySchedule.UnknownOutcome"/>
/// (patience between queries); once the schedule is exhausted, or a query cannot be queued, reconciliation takes over.
/// The market's worker makes the queries (<see cref="QueryOrderCommand"/> through its queue) and says what each found.
/// </summary>
internal sealed class UnknownOutcomeFollowUps
{
    private readonly AccountId _account;
    private readonly AccountCommandQueue _queue;
    private readonly VenueEventPump _pump;
    private readonly ConnectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string> _requestReconcile;
    private readonly Action<VenueCommand>? _onUnknown;
    private readonly Action<VenueCommand>? _beforeQuery;
    private readonly Action<VenueCommand>? _onExhausted;
    private readonly CancellationToken _stop;
    private readonly ConcurrentDictionary<ClientOrderId, FollowUp> _pending = new();

    /// <summary>
    /// Follow-ups of <paramref name="account"/>'s requests; queries go to <paramref name="queue"/>, events to
    /// <paramref name="pump"/>. Market hooks: <paramref name="onUnknown"/> after a request's outcome turned unknown,
    /// <paramref name="beforeQuery"/> before a query of a request's order is queued, <paramref name="onExhausted"/> when
    /// the queries are given up for reconciliation. Delays end with <paramref name="stop"/>.
    /// </summary>
    public UnknownOutcomeFollowUps(AccountId account, AccountCommandQueue queue, VenueEventPump pump, ConnectorMetrics metrics, TimeProvider time,
        ILogger logger, Action<string> requestReconcile, CancellationToken stop, Action<VenueCommand>? onUnknown = null,
        Action<VenueCommand>? beforeQuery = null, Action<VenueCommand>? onExhausted = null)
    {
        _account = account;
        _queue = queue;
        _pump = pump;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _requestReconcile = requestReconcile;
        _stop = stop;
        _onUnknown = onUnknown;
        _beforeQuery = beforeQuery;
        _onExhausted = onExhausted;
    }

    /// <summary>An unknown outcome being resolved: the request that had it and how many queries were made.</summary>
    public sealed record FollowUp(VenueCommand Original, int Attempt);

    /// <summary>The follow-up a query of <paramref name="clientOrderId"/> answers, if the query was one (removed: the query's outcome decides what comes next).</summary>
    public FollowUp? Take(ClientOrderId clientOrderId) => _pending.TryRemove(clientOrderId, out var followUp) ? followUp : null;

    /// <summary>Reports a failed request as events; an unknown outcome leaves the order in flight and starts follow-up queries.</summary>
    public void OnFailure(VenueCommand command, VenueRequestKind request, BinanceError error, VenueOrderId? venueOrderId)
    {
        var update = BinanceVenueEvents.FromFailure(error, request, _account, command.Instrument, command.ClientOrderId, venueOrderId, _time.GetUtcNow());
        var name = request.ToString().ToLowerInvariant();
        if (update is null)
        {
            _metrics.Command(Venue.Binance, name, "failed");
            return;
        }
        _pump.Post([update]);
        if (update.Kind == VenueOrderEventKind.OutcomeUnknown)
        {
            _metrics.Command(Venue.Binance, name, "unknown");
            _metrics.UnknownOutcome(Venue.Binance, name);
            _logger.LogWarning("Account {Account}: {Message}; the order stays in flight and is queried", _account, error.Message);
            Schedule(command, 1);
            _onUnknown?.Invoke(command);
        }
        else
        {
            _metrics.Command(Venue.Binance, name, error.Kind.ToString());
            _logger.LogInformation("Account {Account}: {Message}", _account, error.Message);
        }
    }

    /// <summary>Queues a query of <paramref name="original"/>'s order after the schedule's delay; once exhausted, reconciliation takes over.</summary>
    public void Schedule(VenueCommand original, int attempt)
    {
        if (RetrySchedule.UnknownOutcome.Delay(attempt) is not { } delay)
        {
            _logger.LogWarning("Account {Account}: order {ClientOrderId} is still unresolved after {Attempts} queries; reconciling", _account, original.ClientOrderId,
                attempt - 1);
            _onExhausted?.Invoke(original);
            _requestReconcile($"unresolved outcome of {original.ClientOrderId}");
            return;
        }
        _pending[original.ClientOrderId] = new FollowUp(original, attempt);
        _ = QueueAfterAsync(delay, original);
    }

    /// <summary>Queues a query of <paramref name="about"/>'s order now; when the queue refuses it, reconciliation takes over.</summary>
    public void EnqueueQuery(VenueCommand about)
    {
        _beforeQuery?.Invoke(about);
        var query = new QueryOrderCommand { Account = _account, Instrument = about.Instrument, ClientOrderId = about.ClientOrderId, CreatedAt = _time.GetUtcNow() };
        if (!_queue.TryEnqueue(query))
        {
            _logger.LogWarning("Account {Account}: could not queue a query of {ClientOrderId}; reconciling instead", _account, about.ClientOrderId);
            _requestReconcile($"unresolved outcome of {about.ClientOrderId}");
        }
    }

    private async Task QueueAfterAsync(TimeSpan delay, VenueCommand original)
    {
        try
        {
            await Task.Delay(delay, _time, _stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        EnqueueQuery(original);
    }
}
