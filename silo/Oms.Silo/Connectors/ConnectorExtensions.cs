using System.Diagnostics.Metrics;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Worker;
using Oms.Connectors.Hosting;
using Oms.Secrets;
using Oms.Silo.Accounts;
using Oms.Silo.Hosting;
using Oms.Silo.Venues;

namespace Oms.Silo.Connectors;

/// <summary>Wires the venue connectors into the silo.</summary>
public static class ConnectorExtensions
{
    /// <summary>Service key of the <see cref="HttpClient"/> the Binance clients share.</summary>
    public const string BinanceHttpClientKey = "oms.binance.http";

    /// <summary>
    /// Adds the Binance spot connector: per-account WebSocket API sessions and user-data subscriptions co-located with
    /// the account grains (<see cref="IVenueAccountSessions"/>), the <see cref="IVenueOrderRouter"/> that dispatches by
    /// venue, exchangeInfo-backed instruments, keys from the secret store, and the keep-alive that moves accounts to a
    /// surviving silo. In the embedded profile (or with <c>Oms:Connectors:Binance:Simulator:Embedded=true</c>) the Binance
    /// simulator runs in-process on loopback with the configured accounts and the connector trades against it.
    /// Call before <c>AddOmsVenuePorts</c> (whose defaults yield to these) and before <c>AddOmsOrleans</c> (so the
    /// simulator starts before the silo). A host that registered its own <see cref="IVenueOrderRouter"/> (a test venue
    /// double) gets no connector.
    /// </summary>
    public static WebApplicationBuilder AddOmsConnectors(this WebApplicationBuilder builder, OmsProfile profile)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IVenueOrderRouter))) return builder;
        var configuration = builder.Configuration;
        var host = new ConnectorHostOptions();
        configuration.GetSection(ConnectorHostOptions.SectionName).Bind(host);
        if (host.KeepAliveInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{ConnectorHostOptions.SectionName}:KeepAliveInterval must be positive (was {host.KeepAliveInterval})");
        services.AddSingleton(host);
        if (!host.Binance.Enabled) return builder;

        var binance = new BinanceOptions();
        configuration.GetSection($"Oms:{BinanceOptions.SectionName}").Bind(binance);
        var worker = new BinanceSpotWorkerOptions();
        configuration.GetSection($"Oms:{BinanceSpotWorkerOptions.SectionName}").Bind(worker);
        var problems = binance.Validate().Concat(worker.Validate()).ToList();
        if (problems.Count > 0) throw new InvalidOperationException("invalid Binance connector settings: " + string.Join("; ", problems));
        services.AddSingleton(binance);
        services.AddSingleton(worker);

        if (host.Binance.Simulator.Embedded ?? profile == OmsProfile.Embedded)
        {
            services.AddSingleton(host.Binance.Simulator);
            services.AddSingleton(sp => new EmbeddedBinanceSimulator(
                host.Binance.Simulator,
                binance,
                sp.GetRequiredService<IReadOnlyList<AccountOptions>>(),
                sp.GetKeyedService<TimeProvider>(EmbeddedBinanceSimulator.ClockServiceKey),
                sp.GetRequiredService<ILogger<EmbeddedBinanceSimulator>>()));
            // Registered before the Orleans silo: hosted services start in order, so the simulator (and the addresses
            // the connector uses) exist before any account grain activates.
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBinanceSimulator>());
        }

        services.AddOmsSecrets(configuration);
        services.AddHostedService<SecretStoreStartupCheck>();
        services.AddSingleton(sp => new BinanceCredentialSource(
            sp.GetRequiredService<IVenueCredentialStore>(), sp.GetService<ICredentialRotationNotifier>(), sp.GetService<EmbeddedBinanceSimulator>()));
        services.AddSingleton<IBinanceCredentialSource>(sp => sp.GetRequiredService<BinanceCredentialSource>());

        services.AddKeyedSingleton(BinanceHttpClientKey, (_, _) => new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = binance.ConnectTimeout,
        }));
        services.AddSingleton(sp => new BinanceMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new ConnectorMetrics(sp.GetService<IMeterFactory>()));
        // One budget per Binance metering scope for the whole cluster: budget grains lease slices of each window to
        // every silo's ClusterRateBudget; every REST and WebSocket call of the connector draws on it.
        services.AddSingleton<GrainRateLeaseProvider>();
        services.AddSingleton<IRateLeaseProvider>(sp => sp.GetRequiredService<GrainRateLeaseProvider>());
        services.AddSingleton<IRateBudget>(sp => new ClusterRateBudget(
            sp.GetRequiredService<IRateLeaseProvider>(),
            sp.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToString(),
            new RateBudgetSettings
            {
                PriorityReserveFraction = binance.PriorityReserveFraction,
                UtilizationCap = binance.UtilizationCap,
                DefaultLimits = RateBudgetSettings.SpotDefaults,
            },
            Time(sp),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ClusterRateBudget>()));
        services.AddSingleton(sp => new BinanceApiContext(BinanceApi.Spot, binance, sp.GetRequiredService<IRateBudget>(),
            sp.GetRequiredService<BinanceMetrics>(), Time(sp), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IAccountReconciliationPort, GrainAccountReconciliationPort>();
        services.AddSingleton(sp => new BinanceSpotConnector(
            sp.GetRequiredService<BinanceApiContext>(),
            sp.GetRequiredKeyedService<HttpClient>(BinanceHttpClientKey),
            sp.GetRequiredService<IBinanceCredentialSource>(),
            sp.GetRequiredService<IVenueEventSink>(),
            sp.GetRequiredService<IAccountReconciliationPort>(),
            sp.GetRequiredService<ConnectorMetrics>(),
            worker));
        services.AddSingleton<IVenueConnector>(sp => sp.GetRequiredService<BinanceSpotConnector>());
        services.AddBinanceUsdMConnector(configuration, binance, worker);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ConnectorSiloLifecycle>();
        services.AddSingleton<VenueConnectorRouter>();
        services.AddSingleton<IVenueOrderRouter>(sp => sp.GetRequiredService<VenueConnectorRouter>());
        services.AddSingleton<IVenueAccountSessions>(sp => sp.GetRequiredService<VenueConnectorRouter>());

        services.AddSingleton(_ => new BinanceSpotInstrumentCatalog(ConfiguredInstrumentCatalog.FromConfiguration(configuration)));
        services.AddSingleton<IInstrumentCatalog>(sp => sp.GetRequiredService<BinanceSpotInstrumentCatalog>());
        services.AddSingleton(sp => new BinanceExchangeInfoRefresher(sp.GetRequiredService<BinanceApiContext>(),
            sp.GetRequiredKeyedService<HttpClient>(BinanceHttpClientKey), sp.GetRequiredService<BinanceSpotInstrumentCatalog>(), worker));
        // Reference prices from the market streams (shared with the USD-M connector's feeds).
        services.AddSingleton(sp => new Oms.Connectors.Binance.MarketData.BinanceReferencePrices(Time(sp)));
        services.AddSingleton<IReferencePriceSource>(sp => sp.GetRequiredService<Oms.Connectors.Binance.MarketData.BinanceReferencePrices>());
        services.AddSingleton(sp => new BinanceSpotReferencePriceFeed(sp.GetRequiredService<BinanceApiContext>(),
            sp.GetRequiredService<Oms.Connectors.Binance.MarketData.BinanceReferencePrices>(), sp.GetRequiredService<IInstrumentCatalog>()));
        services.AddHostedService<AccountKeepAlive>();
        return builder;
    }

    private static TimeProvider Time(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;
}
