using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// The account workers of one Binance connector in this silo, the same for spot and USD-M: one worker per attached
/// account, started on first use (attach or a routed command), stopped on detach (tracked until done) and all of them
/// when the connector is disposed; a routed command is queued on its account's worker or refused with what failed.
/// </summary>
/// <param name="market">The market as messages name it ("spot", "USD-M").</param>
/// <param name="queueCapacity">The per-account command queue's capacity (named when a command is refused).</param>
/// <param name="logger">The connector's logger.</param>
/// <param name="create">Creates an account's worker (not started).</param>
/// <param name="start">Starts a worker.</param>
/// <param name="stop">Stops a worker (sends what is queued, bounded, and closes its sessions).</param>
/// <param name="tryEnqueue">Queues a command on a worker; false when its queue is full or it is stopping.</param>
internal sealed class BinanceWorkerRegistry<TWorker>(string market, int queueCapacity, ILogger logger, Func<AccountId, TWorker> create, Action<TWorker> start,
    Func<TWorker, Task> stop, Func<TWorker, VenueCommand, bool> tryEnqueue)
    where TWorker : class
{
    private readonly ConcurrentDictionary<AccountId, TWorker> _workers = new();
    private readonly HashSet<Task> _stopping = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Accounts whose sessions run in this silo.</summary>
    public IReadOnlyCollection<AccountId> Accounts => _workers.Keys.ToArray();

    /// <summary>The worker of an attached account, or null.</summary>
    public TWorker? Get(AccountId account) => _workers.TryGetValue(account, out var worker) ? worker : null;

    /// <summary>The account's worker, started now if it has none; null once the connector is disposed.</summary>
    public TWorker? GetOrStart(AccountId account)
    {
        if (_workers.TryGetValue(account, out var existing)) return existing;
        lock (_gate)
        {
            if (_disposed) return null;
            if (_workers.TryGetValue(account, out existing)) return existing;
            var worker = create(account);
            _workers[account] = worker;
            logger.LogInformation("Account {Account}: starting its Binance {Market} sessions in this silo", account, market);
            start(worker);
            return worker;
        }
    }

    /// <summary>Stops the account's worker, if it has one (tracked, so disposing the connector waits for it).</summary>
    public void Detach(AccountId account)
    {
        TWorker? worker;
        lock (_gate)
        {
            if (!_workers.TryRemove(account, out worker)) return;
        }
        logger.LogInformation("Account {Account}: detaching its Binance {Market} sessions from this silo", account, market);
        Track(stop(worker));
    }

    /// <summary>Queues <paramref name="command"/> on its account's worker, or says why it was refused (nothing was sent).</summary>
    public RouteResult Route(VenueCommand command)
    {
        var worker = GetOrStart(command.Account);
        if (worker is null) return RouteResult.Refused(DenialCode.VenueUnavailable, $"the Binance {market} connector is stopping");
        return tryEnqueue(worker, command)
            ? RouteResult.Queued
            : RouteResult.Refused(DenialCode.VenueUnavailable,
                $"the Binance {market} command queue of account {command.Account} is full ({queueCapacity} waiting); nothing was sent");
    }

    /// <summary>Stops every worker and waits for them and for those still detaching; no worker starts after.</summary>
    public async Task StopAllAsync()
    {
        Task[] stops;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            var workers = _workers.Values.ToArray();
            _workers.Clear();
            foreach (var worker in workers) _stopping.Add(stop(worker));
            stops = [.. _stopping];
        }
        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    private void Track(Task task)
    {
        lock (_gate) _stopping.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_gate) _stopping.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
