using Orleans.Runtime;
using Oms.Connectors.Binance.Worker;

namespace Oms.Silo.Connectors;

/// <summary>
/// Ties the spot connector to the silo's life. When the silo becomes Active — grains (the rate budget among them) can
/// be called, accounts are not yet provisioned — the Binance instruments and rate limits are loaded (bounded; the
/// configured instruments serve if the venue is unreachable) and then refreshed periodically, and the reference price
/// streams of those instruments are opened. When it leaves the
/// Active stage — before its grains are deactivated — the connector stops, so every queued command is sent and every
/// venue event is delivered while the account grains can still take them. Accounts then re-attach on the surviving
/// silos (keep-alive) and reconcile there.
/// </summary>
public sealed class ConnectorSiloLifecycle(
    BinanceSpotConnector connector,
    BinanceExchangeInfoRefresher instruments,
    BinanceSpotReferencePriceFeed prices,
    ILogger<ConnectorSiloLifecycle> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConnectorSiloLifecycle), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        await instruments.StartAsync(cancellationToken);
        await prices.StartAsync(cancellationToken);
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await prices.DisposeAsync();
        await instruments.StopAsync(cancellationToken);
        logger.LogInformation("Stopping the Binance spot connector ({Count} accounts attached)", connector.Accounts.Count);
        await connector.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
