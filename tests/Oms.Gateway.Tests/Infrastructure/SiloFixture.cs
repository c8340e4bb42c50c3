using System.Security.Cryptography;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oms.Gateway.Auth;
using Oms.Silo.Hosting;
using Oms.Silo.Venues;

namespace Oms.Gateway.Tests.Infrastructure;

/// <summary>
/// Starts the real silo wiring (<see cref="OmsSilo"/>: embedded profile, Orleans, gRPC gateway, dashboard) in this
/// process on free loopback ports, with a <see cref="TestVenue"/> registered as the venue router and API clients
/// whose tokens are generated per run. Tests talk to it through a real HTTP/2 gRPC channel.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-gateway-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? app;

    public string TraderToken { get; } = NewToken();
    public string ReaderToken { get; } = NewToken();
    public string LimitedToken { get; } = NewToken();
    public string RiskToken { get; } = NewToken();

    /// <summary>The only account the "limited" client may trade.</summary>
    public const string LimitedAccount = "limited-acct";

    public int GrpcPort { get; private set; }
    public int DashboardPort { get; private set; }
    public GrpcChannel Channel { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();
    public TestVenue Venue => Services.GetRequiredService<TestVenue>();
    public InMemoryReferencePriceSource Prices => Services.GetRequiredService<InMemoryReferencePriceSource>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workDirectory);
        var ports = FreePorts.Take(4);
        GrpcPort = ports[0];
        DashboardPort = ports[1];

        var settings = new Dictionary<string, string?>
        {
            ["Oms:Logging:FilePath"] = "",
            ["Oms:Host:GrpcPort"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Oms:Host:DashboardPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Oms:Host:SiloPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Oms:Host:OrleansGatewayPort"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Oms:Host:ClusterId"] = "gateway-tests",
            ["Oms:Gateway:DevelopmentClient:TokenFile"] = DevelopmentTokenFile,
            ["Oms:Grains:ExecutionReportRingCapacity"] = "16",
            ["Oms:Grains:InMemoryJournalCapacityPerAccount"] = "16",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        AddClient(settings, 0, "trader", TraderToken, ("*", ["Read", "Trade"]));
        AddClient(settings, 1, "reader", ReaderToken, ("*", ["Read"]));
        AddClient(settings, 2, "limited", LimitedToken, (LimitedAccount, ["Read", "Trade"]));
        AddClient(settings, 3, "risk-officer", RiskToken, ("*", ["Read", "Risk"]));

        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TestVenue>();
        builder.Services.AddSingleton<IVenueOrderRouter>(sp => sp.GetRequiredService<TestVenue>());
        builder.AddOmsSilo();
        app = builder.Build();
        app.MapOmsSilo();
        await app.StartAsync();

        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Call options carrying <paramref name="token"/> as a bearer token.</summary>
    public static CallOptions As(string token, CancellationToken cancellationToken = default) =>
        new(new Metadata { { "authorization", "Bearer " + token } }, cancellationToken: cancellationToken);

    /// <summary>Creates an account with a unique id (tests never share accounts).</summary>
    public async Task<string> ProvisionAccountAsync(string prefix, MarketType market = MarketType.Spot, string? id = null)
    {
        id ??= $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
        await Grains.GetAccount(new AccountId(id)).ProvisionAsync(new AccountConfig
        {
            Venue = Domain.Venue.Binance,
            Markets = [market],
            ClientOrderIdPrefix = "t",
        });
        return id;
    }

    public string DevelopmentTokenFile => Path.Combine(workDirectory, "dev-token");

    public string? DevelopmentToken => Services.GetRequiredService<DevelopmentTokenIssuer>().Token;

    private static void AddClient(Dictionary<string, string?> settings, int index, string name, string token, (string Account, string[] Permissions) grant)
    {
        var key = $"{GatewayOptions.SectionName}:Clients:{index}";
        settings[$"{key}:Name"] = name;
        settings[$"{key}:TokenSha256"] = ApiClientRegistry.HashToken(token);
        settings[$"{key}:Grants:0:Account"] = grant.Account;
        for (var i = 0; i < grant.Permissions.Length; i++) settings[$"{key}:Grants:0:Permissions:{i}"] = grant.Permissions[i];
    }

    private static string NewToken() => "test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
