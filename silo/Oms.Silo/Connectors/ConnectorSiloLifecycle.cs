using Orleans.Runtime;
using Oms.Connectors.Binance.Worker;

namespace Oms.Silo.Connectors;

/// <summary>
/// Stops the connectors when the silo leaves the Active stage — before its grains are deactivated — so every queued
/// command is sent and every venue event is delivered while the account grains can still take them. Accounts then
/// re-attach on the surviving silos (keep-alive) and reconcile there.
/// </summary>
public sealed class ConnectorSiloLifecycle(BinanceSpotConnector connector, ILogger<ConnectorSiloLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConnectorSiloLifecycle), ServiceLifecycleStage.Active, _ => Task.CompletedTask, OnStopAsync);

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Stopping the Binance spot connector ({Count} accounts attached)", connector.Accounts.Count);
        await connector.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
