using System.Globalization;
using System.Security.Cryptography;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker;
using Oms.Gateway.Auth;
using Oms.Silo.Connectors;
using Oms.Silo.Hosting;
using Oms.Simulator.Hosting;

namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>
/// The embedded OMS exactly as <c>dotnet run --project silo/Oms.Silo</c> starts it (embedded profile: one silo, the
/// Binance simulator in-process, the demo accounts, the real Binance spot connector), on free loopback ports, with a
/// trading API client whose token is generated here. Settings may be overridden per fixture.
/// </summary>
public class EmbeddedOms : IAsyncLifetime
{
    private WebApplication? _app;

    public string TraderToken { get; } = "test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public GrpcChannel Channel { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public EmbeddedBinanceSimulator Simulator => Services.GetRequiredService<EmbeddedBinanceSimulator>();

    public SimulatorHost Sim => Simulator.Host;

    public BinanceSpotConnector Connector => Services.GetRequiredService<BinanceSpotConnector>();

    public SimulatorInspector Inspector { get; private set; } = null!;

    /// <summary>Settings layered over the embedded profile (e.g. shorter watchdog silence).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Overrides => [];

    /// <summary>Registers extra services before the silo is wired (e.g. a skewed simulator clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Adjusts the silo's services after they are wired (e.g. wraps a registered service).</summary>
    protected virtual void ConfigureSiloServices(IServiceCollection services)
    {
    }

    public CallOptions Auth(CancellationToken cancellationToken = default) =>
        new(new Metadata { { "authorization", "Bearer " + TraderToken } }, cancellationToken: cancellationToken);

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(2);
        var settings = new Dictionary<string, string?>
        {
            ["Oms:Logging:FilePath"] = "",
            ["Oms:Host:GrpcPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Oms:Host:DashboardPort"] = "0",
            ["Oms:Host:SiloPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Oms:Host:OrleansGatewayPort"] = "0",
            ["Oms:Host:ClusterId"] = "connector-tests-" + Guid.NewGuid().ToString("N")[..8],
            ["Oms:Gateway:DevelopmentClient:Enabled"] = "false",
            ["Oms:Secrets:RotationPollingEnabled"] = "false",
            ["Oms:Secrets:Local:UseFile"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            [$"{GatewayOptions.SectionName}:Clients:0:Name"] = "trader",
            [$"{GatewayOptions.SectionName}:Clients:0:TokenSha256"] = ApiClientRegistry.HashToken(TraderToken),
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Account"] = "*",
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Permissions:0"] = "Read",
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Permissions:1"] = "Trade",
        };
        foreach (var (key, value) in Overrides) settings[key] = value;

        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        ConfigureServices(builder.Services);
        builder.AddOmsSilo();
        ConfigureSiloServices(builder.Services);
        _app = builder.Build();
        _app.MapOmsSilo();
        await _app.StartAsync();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
        Inspector = new SimulatorInspector(Sim.Urls.Admin);
    }

    public async Task DisposeAsync()
    {
        Inspector?.Dispose();
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Provisions a new OMS account (unique id) with a matching simulator account holding <paramref name="balances"/>.</summary>
    public async Task<AccountId> NewAccountAsync(string prefix, IReadOnlyDictionary<string, string> balances)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        Simulator.CreateAccount(account, balances);
        await Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.Spot],
            ClientOrderIdPrefix = "ct",
        });
        await WaitUntilReconciledAsync(account);
        return account;
    }

    /// <summary>
    /// Waits (bounded) for the account's first reconciliation with the venue: until it ends, new risk-increasing
    /// orders are denied with ACCOUNT_RECONCILING, as they should be.
    /// </summary>
    public async Task WaitUntilReconciledAsync(AccountId account)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await Grains.GetAccount(account).GetInfoAsync()).Reconciling) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} did not finish its first reconciliation within 10 s");
    }
}
