using Orleans.Runtime;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Worker;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Hosting;
using Oms.Grains.Futures;

namespace Oms.Silo.Connectors;

/// <summary>Wires the Binance USDⓈ-M futures connector next to the spot connector.</summary>
public static class BinanceUsdMConnectorExtensions
{
    /// <summary>Service key of the USD-M connector's cluster-wide rate budget.</summary>
    public const string UsdMRateBudgetKey = "oms.binance.usdm.budget";

    /// <summary>
    /// Adds the Binance USD-M connector (its own API context, the cluster-wide rate budget with the futures limits, the shared HTTP
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
        // The futures limits (weight per minute, orders per 10 s and per minute) are shared by every silo: draws go to
        // the cluster-wide budget grains of the usdm:* scopes, like the spot connector's.
        services.AddKeyedSingleton(UsdMRateBudgetKey, (sp, _) => new ClusterRateBudget(
            sp.GetRequiredService<IRateLeaseProvider>(),
            sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString(),
            new RateBudgetSettings
            {
                PriorityReserveFraction = binance.PriorityReserveFraction,
                UtilizationCap = binance.UtilizationCap,
                DefaultLimits = RateBudgetSettings.UsdMDefaults,
            },
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ClusterRateBudget>()));
        services.AddOptions<FuturesMonitorOptions>().Bind(configuration.GetSection(FuturesMonitorOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "invalid Oms:Futures settings (margin alert threshold, intervals)").ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var context = new BinanceApiContext(BinanceApi.UsdM, binance, sp.GetRequiredKeyedService<ClusterRateBudget>(UsdMRateBudgetKey),
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
        services.AddSingleton<IDerivativesAccountPort>(sp => sp.GetRequiredService<BinanceUsdMConnector>());
        services.AddSingleton(sp => new BinanceUsdMReferencePriceFeed(sp.GetRequiredService<BinanceUsdMConnector>(),
            sp.GetRequiredService<Oms.Connectors.Binance.MarketData.BinanceReferencePrices>(), sp.GetRequiredService<IInstrumentCatalog>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BinanceUsdMConnectorLifecycle>();
        return services;
    }
}

/// <summary>
/// Starts the USD-M reference prices (mark, trades, book ticker of every catalog instrument; when
/// <see cref="BinanceUsdMWorkerOptions.ReferencePriceFeed"/> is on) when the silo becomes Active, and stops them and the USD-M connector when it leaves the Active stage, before its grains are deactivated
/// (as <see cref="ConnectorSiloLifecycle"/> does for spot).
/// </summary>
public sealed class BinanceUsdMConnectorLifecycle(BinanceUsdMConnector connector, BinanceUsdMReferencePriceFeed prices, BinanceUsdMWorkerOptions options,
    ILogger<BinanceUsdMConnectorLifecycle> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BinanceUsdMConnectorLifecycle), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (!options.ReferencePriceFeed) return;
        try
        {
            await prices.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Prices are an input of risk checks, not a condition of trading: without them the checks that need one say so.
            logger.LogError(ex, "The Binance USD-M reference prices could not start");
        }
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await prices.DisposeAsync();
        logger.LogInformation("Stopping the Binance USD-M connector ({Count} accounts attached)", connector.Accounts.Count);
        await connector.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
