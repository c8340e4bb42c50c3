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
    private readonly BinanceWorkerRegistry<BinanceUsdMAccountWorker> _workers;

    public BinanceUsdMConnector(BinanceApiContext context, HttpClient http, IBinanceCredentialSource credentials, IVenueEventSink sink,
        IAccountReconciliationPort reconciliation, ConnectorMetrics metrics, BinanceSpotWorkerOptions options, BinanceUsdMWorkerOptions usdM)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the USD-M connector needs the USD-M API context", nameof(context));
        var problems = options.Validate().Concat(usdM.Validate()).ToList();
        if (problems.Count > 0) throw new ArgumentException($"invalid Binance USD-M worker options: {string.Join("; ", problems)}", nameof(options));
        Shared = new BinanceUsdMWorkerShared(context, http, credentials, sink, reconciliation, metrics, options, usdM);
        _workers = new BinanceWorkerRegistry<BinanceUsdMAccountWorker>("USD-M", options.QueueCapacity, context.LoggerFactory.CreateLogger<BinanceUsdMConnector>(),
            account => new BinanceUsdMAccountWorker(Shared, account), static worker => worker.Start(), static worker => worker.StopAsync(),
            static (worker, command) => worker.TryEnqueue(command));
        credentials.Rotated += OnRotated;
    }

    internal BinanceUsdMWorkerShared Shared { get; }

    public Venue Venue => Venue.Binance;

    public MarketType Market => MarketType.UsdMFutures;

    /// <summary>Accounts whose sessions run in this silo.</summary>
    public IReadOnlyCollection<AccountId> Accounts => _workers.Accounts;

    /// <summary>The worker of an attached account (diagnostics and tests), or null.</summary>
    public BinanceUsdMAccountWorker? GetWorker(AccountId account) => _workers.Get(account);

    public Task AttachAsync(AccountId account, CancellationToken cancellationToken)
    {
        _workers.GetOrStart(account);
        return Task.CompletedTask;
    }

    public Task DetachAsync(AccountId account, CancellationToken cancellationToken)
    {
        _workers.Detach(account);
        return Task.CompletedTask;
    }

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        // Routed inside the account grain's call: its span is current, and the venue calls made for it join that trace.
        Shared.CommandContexts.Remember(command);
        return ValueTask.FromResult(_workers.Route(command));
    }

    private void OnRotated(AccountId account) => _workers.Get(account)?.RequestCredentialRotation();

    public async ValueTask DisposeAsync()
    {
        var stopping = _workers.StopAllAsync();
        Shared.Credentials.Rotated -= OnRotated;
        await stopping.ConfigureAwait(false);
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
