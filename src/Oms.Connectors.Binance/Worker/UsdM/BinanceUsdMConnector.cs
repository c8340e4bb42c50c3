using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker.UsdM;

/// <summary>
/// The Binance USDⓈ-M futures connector of one silo: one <see cref="BinanceUsdMAccountWorker"/> per account attached
/// here (its account grain is active in this silo), each with its own WebSocket API sessions, listenKey user-data
/// stream, command queue, reconciliation, watchdog and dead-man's switch. Stateless: every durable fact lives in the
/// account grains. Mirrors <see cref="BinanceSpotConnector"/> and shares its hosting machinery.
/// </summary>
public sealed partial class BinanceUsdMConnector : IVenueConnector, IAsyncDisposable
{
    private readonly ConcurrentDictionary<AccountId, BinanceUsdMAccountWorker> _workers = new();
    private readonly HashSet<Task> _stopping = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private bool _disposed;

    public BinanceUsdMConnector(BinanceApiContext context, HttpClient http, IBinanceCredentialSource credentials, IVenueEventSink sink,
        IAccountReconciliationPort reconciliation, ConnectorMetrics metrics, BinanceSpotWorkerOptions options, BinanceUsdMWorkerOptions usdM)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the USD-M connector needs the USD-M API context", nameof(context));
        var problems = options.Validate().Concat(usdM.Validate()).ToList();
        if (problems.Count > 0) throw new ArgumentException($"invalid Binance USD-M worker options: {string.Join("; ", problems)}", nameof(options));
        Shared = new BinanceUsdMWorkerShared(context, http, credentials, sink, reconciliation, metrics, options, usdM);
        _logger = context.LoggerFactory.CreateLogger<BinanceUsdMConnector>();
        credentials.Rotated += OnRotated;
    }

    internal BinanceUsdMWorkerShared Shared { get; }

    public Venue Venue => Venue.Binance;

    public MarketType Market => MarketType.UsdMFutures;

    /// <summary>Accounts whose sessions run in this silo.</summary>
    public IReadOnlyCollection<AccountId> Accounts => _workers.Keys.ToArray();

    /// <summary>The worker of an attached account (diagnostics and tests), or null.</summary>
    public BinanceUsdMAccountWorker? GetWorker(AccountId account) => _workers.TryGetValue(account, out var worker) ? worker : null;

    public Task AttachAsync(AccountId account, CancellationToken cancellationToken)
    {
        GetOrStart(account);
        return Task.CompletedTask;
    }

    public Task DetachAsync(AccountId account, CancellationToken cancellationToken)
    {
        BinanceUsdMAccountWorker? worker;
        lock (_gate)
        {
            if (!_workers.TryRemove(account, out worker)) return Task.CompletedTask;
        }
        _logger.LogInformation("Account {Account}: detaching its Binance USD-M sessions from this silo", account);
        Track(worker.StopAsync());
        return Task.CompletedTask;
    }

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        // Routed inside the account grain's call: its span is current, and the venue calls made for it join that trace.
        Shared.CommandContexts.Remember(command);
        var worker = GetOrStart(command.Account);
        if (worker is null)
        {
            return ValueTask.FromResult(RouteResult.Refused(DenialCode.VenueUnavailable, "the Binance USD-M connector is stopping"));
        }
        return ValueTask.FromResult(worker.TryEnqueue(command)
            ? RouteResult.Queued
            : RouteResult.Refused(DenialCode.VenueUnavailable,
                $"the Binance USD-M command queue of account {command.Account} is full ({Shared.Options.QueueCapacity} waiting); nothing was sent"));
    }

    private BinanceUsdMAccountWorker? GetOrStart(AccountId account)
    {
        if (_workers.TryGetValue(account, out var existing)) return existing;
        lock (_gate)
        {
            if (_disposed) return null;
            if (_workers.TryGetValue(account, out existing)) return existing;
            var worker = new BinanceUsdMAccountWorker(Shared, account);
            _workers[account] = worker;
            _logger.LogInformation("Account {Account}: starting its Binance USD-M sessions in this silo", account);
            worker.Start();
            return worker;
        }
    }

    private void OnRotated(AccountId account)
    {
        if (_workers.TryGetValue(account, out var worker)) worker.RequestCredentialRotation();
    }

    private void Track(Task task)
    {
        lock (_gate) _stopping.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_gate) _stopping.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        Task[] stops;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            var workers = _workers.Values.ToArray();
            _workers.Clear();
            foreach (var worker in workers) _stopping.Add(worker.StopAsync());
            stops = [.. _stopping];
        }
        Shared.Credentials.Rotated -= OnRotated;
        await Task.WhenAll(stops).ConfigureAwait(false);
    }
}

/// <summary>What every USD-M account worker of one connector shares.</summary>
internal sealed record BinanceUsdMWorkerShared(
    BinanceApiContext Context,
    HttpClient Http,
    IBinanceCredentialSource Credentials,
    IVenueEventSink Sink,
    IAccountReconciliationPort Reconciliation,
    ConnectorMetrics Metrics,
    BinanceSpotWorkerOptions Options,
    BinanceUsdMWorkerOptions UsdM)
{
    public TimeProvider Time => Context.Time;

    /// <summary>Trace contexts of the commands routed to this connector, taken by the worker that sends them.</summary>
    public Diagnostics.VenueCommandContexts CommandContexts { get; } = new();
}
