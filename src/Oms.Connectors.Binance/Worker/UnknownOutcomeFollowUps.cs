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
/// <param name="account">The account whose requests these are.</param>
/// <param name="queue">Where the queries go.</param>
/// <param name="pump">Where the failure events go.</param>
/// <param name="metrics">The connector's metrics.</param>
/// <param name="time">The clock the delays use.</param>
/// <param name="logger">The worker's logger.</param>
/// <param name="requestReconcile">Hands an order over to reconciliation (with the reason).</param>
/// <param name="stop">Ends the delays when the worker stops.</param>
/// <param name="onUnknown">Market hook: after a request's outcome turned unknown.</param>
/// <param name="beforeQuery">Market hook: before a query of a request's order is queued.</param>
/// <param name="onExhausted">Market hook: when the queries are given up for reconciliation.</param>
internal sealed class UnknownOutcomeFollowUps(AccountId account, AccountCommandQueue queue, VenueEventPump pump, ConnectorMetrics metrics, TimeProvider time,
    ILogger logger, Action<string> requestReconcile, CancellationToken stop, Action<VenueCommand>? onUnknown = null,
    Action<VenueCommand>? beforeQuery = null, Action<VenueCommand>? onExhausted = null)
{
    private readonly ConcurrentDictionary<ClientOrderId, FollowUp> _pending = new();

    /// <summary>An unknown outcome being resolved: the request that had it and how many queries were made.</summary>
    public sealed record FollowUp(VenueCommand Original, int Attempt);

    /// <summary>The follow-up a query of <paramref name="clientOrderId"/> answers, if the query was one (removed: the query's outcome decides what comes next).</summary>
    public FollowUp? Take(ClientOrderId clientOrderId) => _pending.TryRemove(clientOrderId, out var followUp) ? followUp : null;

    /// <summary>Reports a failed request as events; an unknown outcome leaves the order in flight and starts follow-up queries.</summary>
    public void OnFailure(VenueCommand command, VenueRequestKind request, BinanceError error, VenueOrderId? venueOrderId)
    {
        var update = BinanceVenueEvents.FromFailure(error, request, account, command.Instrument, command.ClientOrderId, venueOrderId, time.GetUtcNow());
        var name = request.ToString().ToLowerInvariant();
        if (update is null)
        {
            metrics.Command(Venue.Binance, name, "failed");
            return;
        }
        pump.Post([update]);
        if (update.Kind == VenueOrderEventKind.OutcomeUnknown)
        {
            metrics.Command(Venue.Binance, name, "unknown");
            metrics.UnknownOutcome(Venue.Binance, name);
            logger.LogWarning("Account {Account}: {Message}; the order stays in flight and is queried", account, error.Message);
            Schedule(command, 1);
            onUnknown?.Invoke(command);
        }
        else
        {
            metrics.Command(Venue.Binance, name, error.Kind.ToString());
            logger.LogInformation("Account {Account}: {Message}", account, error.Message);
        }
    }

    /// <summary>Queues a query of <paramref name="original"/>'s order after the schedule's delay; once exhausted, reconciliation takes over.</summary>
    public void Schedule(VenueCommand original, int attempt)
    {
        if (RetrySchedule.UnknownOutcome.Delay(attempt) is not { } delay)
        {
            logger.LogWarning("Account {Account}: order {ClientOrderId} is still unresolved after {Attempts} queries; reconciling", account, original.ClientOrderId,
                attempt - 1);
            onExhausted?.Invoke(original);
            requestReconcile($"unresolved outcome of {original.ClientOrderId}");
            return;
        }
        _pending[original.ClientOrderId] = new FollowUp(original, attempt);
        _ = QueueAfterAsync(delay, original);
    }

    /// <summary>Queues a query of <paramref name="about"/>'s order now; when the queue refuses it, reconciliation takes over.</summary>
    public void EnqueueQuery(VenueCommand about)
    {
        beforeQuery?.Invoke(about);
        var query = new QueryOrderCommand { Account = account, Instrument = about.Instrument, ClientOrderId = about.ClientOrderId, CreatedAt = time.GetUtcNow() };
        if (!queue.TryEnqueue(query))
        {
            logger.LogWarning("Account {Account}: could not queue a query of {ClientOrderId}; reconciling instead", account, about.ClientOrderId);
            requestReconcile($"unresolved outcome of {about.ClientOrderId}");
        }
    }

    private async Task QueueAfterAsync(TimeSpan delay, VenueCommand original)
    {
        try
        {
            await Task.Delay(delay, time, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        EnqueueQuery(original);
    }
}
