using Oms.Cluster.TestSilo;
using Oms.Connectors.Abstractions;
using Oms.Silo.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

// The production host wiring (OmsSilo) with a deterministic venue and faster failure detection, so that a killed
// silo is declared dead within seconds. Configuration comes from the command line and environment, as for the silo.
// With --Test:Venue=Binance the real Binance connector runs instead of the venue double (pointed by configuration at
// a simulator the test hosts outside every silo process).
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

var app = builder.Build();
app.MapOmsSilo();

// Which account grains are active on this silo (the test kills a silo that hosts some).
app.MapGet("/test/account-activations", async (IGrainFactory grains, ILocalSiloDetails silo) =>
{
    var management = grains.GetGrain<IManagementGrain>(0);
    var statistics = await management.GetDetailedGrainStatistics(null, [silo.SiloAddress]);
    return statistics
        .Where(s => s.GrainType.Contains("AccountGrain", StringComparison.Ordinal) && s.SiloAddress.Equals(silo.SiloAddress))
        .Select(s => s.GrainId.Key.ToString()!)
        .Order(StringComparer.Ordinal)
        .ToArray();
});

// Which accounts have their Binance spot worker (sessions and user-data stream) in this silo, and how many
// reconciliations each completed here (the test measures how fast a surviving silo takes a killed owner's stream over).
app.MapGet("/test/binance-spot-workers", (IServiceProvider services) =>
{
    var connector = services.GetService<Oms.Connectors.Binance.Worker.BinanceSpotConnector>();
    if (connector is null) return Array.Empty<SpotWorkerInfo>();
    return connector.Accounts
        .Select(a => new SpotWorkerInfo(a.Value, connector.GetWorker(a)?.Reconciliations ?? 0))
        .OrderBy(w => w.Account, StringComparer.Ordinal)
        .ToArray();
});

await app.RunAsync();

/// <summary>One account's Binance spot worker in this silo.</summary>
internal sealed record SpotWorkerInfo(string Account, long Reconciliations);
