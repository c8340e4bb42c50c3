using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// The Binance spot connector of one silo: one <see cref="BinanceSpotAccountWorker"/> per account attached here (its
/// account grain is active in this silo), each with its own WebSocket API sessions, user-data subscription, command
/// queue, reconciliation and watchdog. Stateless: every durable fact lives in the account grains.
/// </summary>
public sealed class BinanceSpotConnector : IVenueConnector, IAsyncDisposable
{
    private readonly BinanceWorkerRegistry<BinanceSpotAccountWorker> _workers;

    public BinanceSpotConnector(BinanceApiContext context, HttpClient http, IBinanceCredentialSource credentials, IVenueEventSink sink,
        IAccountReconciliationPort reconciliation, ConnectorMetrics metrics, BinanceSpotWorkerOptions options)
    {
        if (context.Api != BinanceApi.Spot) throw new ArgumentException("the spot connector needs the spot API context", nameof(context));
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid Binance spot worker options: {string.Join("; ", problems)}", nameof(options));
        Shared = new BinanceSpotWorkerShared(context, http, credentials, sink, reconciliation, metrics, options);
        _workers = new BinanceWorkerRegistry<BinanceSpotAccountWorker>("spot", options.QueueCapacity, context.LoggerFactory.CreateLogger<BinanceSpotConnector>(),
            account => new BinanceSpotAccountWorker(Shared, account), static worker => worker.Start(), static worker => worker.StopAsync(),
            static (worker, command) => worker.TryEnqueue(command));
        credentials.Rotated += OnRotated;
    }

    internal BinanceSpotWorkerShared Shared { get; }

    public Venue Venue => Venue.Binance;

    public MarketType Market => MarketType.Spot;

    /// <summary>Accounts whose sessions run in this silo.</summary>
    public IReadOnlyCollection<AccountId> Accounts => _workers.Accounts;

    /// <summary>The worker of an attached account (diagnostics and tests), or null.</summary>
    public BinanceSpotAccountWorker? GetWorker(AccountId account) => _workers.Get(account);

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

/// <summary>What every account worker of one connector shares.</summary>
internal sealed record BinanceSpotWorkerShared(
    BinanceApiContext Context,
    HttpClient Http,
    IBinanceCredentialSource Credentials,
    IVenueEventSink Sink,
    IAccountReconciliationPort Reconciliation,
    ConnectorMetrics Metrics,
    BinanceSpotWorkerOptions Options)
{
    public TimeProvider Time => Context.Time;

    /// <summary>Trace contexts of the queued commands (for the venue-call spans).</summary>
    public Diagnostics.VenueCommandContexts CommandContexts { get; } = new();
}
