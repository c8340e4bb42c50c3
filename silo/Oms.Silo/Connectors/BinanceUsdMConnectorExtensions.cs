using Orleans.Runtime;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Worker;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Hosting;

namespace Oms.Silo.Connectors;

/// <summary>Wires the Binance USDⓈ-M futures connector next to the spot connector.</summary>
public static class BinanceUsdMConnectorExtensions
{
    /// <summary>
    /// Adds the Binance USD-M connector (its own API context and rate budget with the futures limits, the shared HTTP
    /// client, keys, event sink and reconciliation port) as an <see cref="IVenueConnector"/> for
    /// <see cref="MarketType.UsdMFutures"/>, and stops it with the silo like the spot connector. Settings:
    /// <c>Oms:Connectors:Binance:UsdMWorker</c> (dead-man's switch) plus the spot worker's shared settings.
    /// </summary>
    public static IServiceCollection AddBinanceUsdMConnector(this IServiceCollection services, IConfiguration configuration, BinanceOptions binance,
        BinanceSpotWorkerOptions worker)
    {
        var usdM = new BinanceUsdMWorkerOptions();
        configuration.GetSection($"Oms:{BinanceUsdMWorkerOptions.SectionName}").Bind(usdM);
        var problems = usdM.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("invalid Binance USD-M connector settings: " + string.Join("; ", problems));
        services.AddSingleton(usdM);
        services.AddSingleton(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var context = new BinanceApiContext(BinanceApi.UsdM, binance, BinanceApiContext.CreateLocalBudget(BinanceApi.UsdM, binance, time),
                sp.GetRequiredService<BinanceMetrics>(), time, sp.GetRequiredService<ILoggerFactory>());
            return new BinanceUsdMConnector(
                context,
                sp.GetRequiredKeyedService<HttpClient>(ConnectorExtensions.BinanceHttpClientKey),
                sp.GetRequiredService<IBinanceCredentialSource>(),
                sp.GetRequiredService<IVenueEventSink>(),
                sp.GetRequiredService<IAccountReconciliationPort>(),
                sp.GetRequiredService<ConnectorMetrics>(),
                worker,
                usdM);
        });
        services.AddSingleton<IVenueConnector>(sp => sp.GetRequiredService<BinanceUsdMConnector>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BinanceUsdMConnectorLifecycle>();
        return services;
    }
}

/// <summary>Stops the USD-M connector when the silo leaves the Active stage, before its grains are deactivated (as <see cref="ConnectorSiloLifecycle"/> does for spot).</summary>
public sealed class BinanceUsdMConnectorLifecycle(BinanceUsdMConnector connector, ILogger<BinanceUsdMConnectorLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BinanceUsdMConnectorLifecycle), ServiceLifecycleStage.Active, _ => Task.CompletedTask, OnStopAsync);

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Stopping the Binance USD-M connector ({Count} accounts attached)", connector.Accounts.Count);
        await connector.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
