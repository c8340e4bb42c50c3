using Oms.Cluster.TestSilo;
using Oms.Connectors.Abstractions;
using Oms.Silo.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

// The production host wiring (OmsSilo) with a deterministic venue and faster failure detection, so that a killed
// silo is declared dead within seconds. Configuration comes from the command line and environment, as for the silo.
// With --Test:Venue=Binance the real Binance connectors (spot and USD-M futures) run instead of the venue double
// (pointed by configuration at a simulator the test hosts outside every silo process). --Test:MinimumReminderPeriod
// lowers Orleans' reminder floor (tests only), so a strategy's reminder can bring it back after its silo died within
// seconds instead of a minute.
var builder = OmsSilo.CreateBuilder(args);
if (!string.Equals(builder.Configuration["Test:Venue"], "Binance", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddSingleton<IVenueOrderRouter, DeterministicVenue>();
}
builder.AddOmsSilo();
builder.Services.Configure<ClusterMembershipOptions>(o =>
{
    o.ProbeTimeout = TimeSpan.FromSeconds(1);
    o.NumMissedProbesLimit = 2;
    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
});
builder.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
if (builder.Configuration.GetValue<TimeSpan?>("Test:MinimumReminderPeriod") is { } minimumReminderPeriod)
{
    builder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = minimumReminderPeriod);
}

var app = builder.Build();
app.MapOmsSilo();

// Which account grains are active on this silo (the test kills a silo that hosts some).
app.MapGet("/test/account-activations", (IGrainFactory grains, ILocalSiloDetails silo) => ActivationsAsync(grains, silo, "AccountGrain"));

// Which contingent-order strategies (brackets, icebergs, trailing stops; keys "ACCOUNT|STRATEGY") are active on this
// silo (the test kills the silo that hosts an iceberg).
app.MapGet("/test/strategy-activations", (IGrainFactory grains, ILocalSiloDetails silo) => ActivationsAsync(grains, silo, "ContingentOrderGrain"));

// Which accounts have their Binance spot worker (sessions and user-data stream) in this silo, and how many
// reconciliations each completed here (the test measures how fast a surviving silo takes a killed owner's stream over).
app.MapGet("/test/binance-spot-workers", (IServiceProvider services) =>
{
    var connector = services.GetService<Oms.Connectors.Binance.Worker.BinanceSpotConnector>();
    if (connector is null) return Array.Empty<BinanceWorkerInfo>();
    return connector.Accounts
        .Select(a => new BinanceWorkerInfo(a.Value, connector.GetWorker(a)?.Reconciliations ?? 0))
        .OrderBy(w => w.Account, StringComparer.Ordinal)
        .ToArray();
});

// The same for the Binance USD-M futures workers (sessions, listenKey user-data stream, dead-man's switch).
app.MapGet("/test/binance-usdm-workers", (IServiceProvider services) =>
{
    var connector = services.GetService<Oms.Connectors.Binance.Worker.UsdM.BinanceUsdMConnector>();
    if (connector is null) return Array.Empty<BinanceWorkerInfo>();
    return connector.Accounts
        .Select(a => new BinanceWorkerInfo(a.Value, connector.GetWorker(a)?.Reconciliations ?? 0))
        .OrderBy(w => w.Account, StringComparer.Ordinal)
        .ToArray();
});

await app.RunAsync();

// The keys of the grains of one type active on this silo.
static async Task<string[]> ActivationsAsync(IGrainFactory grains, ILocalSiloDetails silo, string grainType)
{
    var management = grains.GetGrain<IManagementGrain>(0);
    var statistics = await management.GetDetailedGrainStatistics(null, [silo.SiloAddress]);
    return statistics
        .Where(s => s.GrainType.Contains(grainType, StringComparison.Ordinal) && s.SiloAddress.Equals(silo.SiloAddress))
        .Select(s => s.GrainId.Key.ToString()!)
        .Order(StringComparer.Ordinal)
        .ToArray();
}

/// <summary>One account's Binance worker (spot or USD-M) in this silo and the reconciliations it completed here.</summary>
internal sealed record BinanceWorkerInfo(string Account, long Reconciliations);
