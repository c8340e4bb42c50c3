using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oms.Gateway.Auth;
using Oms.Silo.Hosting;

namespace Oms.Cli.Tests.Infrastructure;

/// <summary>
/// The embedded silo, started in this process through the real wiring (<see cref="OmsSilo"/>: embedded profile,
/// Orleans, gRPC gateway, demo accounts, development client) on free loopback ports, with a <see cref="TestVenue"/>
/// as the venue router. The CLI runs as a child process against <see cref="Endpoint"/>.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The silo's working area; its development token file is <c>{WorkDirectory}/.oms/dev-token</c>.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("oms-cli-tests-").FullName;

    /// <summary>Read, Trade and Risk on every account.</summary>
    public string TraderToken { get; } = NewToken();

    /// <summary>Read only.</summary>
    public string ReaderToken { get; } = NewToken();

    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>The silo's HTTP/1.1 dashboard port: an endpoint that answers, but not with gRPC.</summary>
    public int DashboardPort { get; private set; }

    public IGrainFactory Grains => app!.Services.GetRequiredService<IGrainFactory>();

    public string DevelopmentTokenFile => Path.Combine(WorkDirectory, ".oms", "dev-token");

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(4);
        string Port(int i) => ports[i].ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Oms:Logging:FilePath"] = "",
            ["Oms:Host:GrpcPort"] = Port(0),
            ["Oms:Host:DashboardPort"] = Port(1),
            ["Oms:Host:SiloPort"] = Port(2),
            ["Oms:Host:OrleansGatewayPort"] = Port(3),
            ["Oms:Host:ClusterId"] = "cli-tests",
            ["Oms:Gateway:DevelopmentClient:TokenFile"] = DevelopmentTokenFile,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        AddClient(settings, 0, "trader", TraderToken, "Read", "Trade", "Risk");
        AddClient(settings, 1, "reader", ReaderToken, "Read");

        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TestVenue>();
        builder.Services.AddSingleton<IVenueOrderRouter>(sp => sp.GetRequiredService<TestVenue>());
        builder.AddOmsSilo();
        app = builder.Build();
        app.MapOmsSilo();
        await app.StartAsync();
        Endpoint = $"http://127.0.0.1:{Port(0)}";
        DashboardPort = ports[1];
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Creates a spot (or futures) account with a unique id: tests never share accounts.</summary>
    public async Task<string> NewAccountAsync(string prefix, params MarketType[] markets)
    {
        var id = $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
        await Grains.GetAccount(new AccountId(id)).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = markets.Length == 0 ? [MarketType.Spot] : markets,
            ClientOrderIdPrefix = "c",
        });
        return id;
    }

    /// <summary>Runs <c>oms</c> against this silo as <paramref name="token"/> (the trader by default).</summary>
    public Task<CliResult> RunAsync(params string[] arguments) => RunAsAsync(TraderToken, arguments);

    public Task<CliResult> RunAsAsync(string token, params string[] arguments) =>
        OmsCli.RunAsync(arguments, Environment(token));

    public OmsCli.RunningCli Start(params string[] arguments) => OmsCli.Start(arguments, Environment(TraderToken));

    /// <summary>The CLI's environment: the endpoint and token by environment variable, as a script would set them.</summary>
    public Dictionary<string, string> Environment(string? token) => token is null
        ? new() { ["OMS_ENDPOINT"] = Endpoint }
        : new() { ["OMS_ENDPOINT"] = Endpoint, ["OMS_TOKEN"] = token };

    /// <summary>Waits (bounded) until the account grain shows <paramref name="done"/> for an order.</summary>
    public async Task<OrderSnapshot> WaitForOrderAsync(string account, string clientOrderId, Func<OrderSnapshot, bool> done)
    {
        OrderSnapshot? last = null;
        for (var attempt = 0; attempt < 400; attempt++)
        {
            last = await Grains.GetAccount(new AccountId(account)).GetOrderAsync(new ClientOrderId(clientOrderId));
            if (last is not null && done(last)) return last;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"order {clientOrderId} of {account} did not reach the expected state; last seen: {last}");
    }

    /// <summary>Waits (bounded) until the account has a position on <paramref name="symbol"/>.</summary>
    public async Task WaitForPositionAsync(string account, string symbol)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var positions = await Grains.GetAccount(new AccountId(account)).GetPositionsAsync();
            if (positions.Any(p => p.Instrument.Symbol == symbol && p.Quantity != 0m)) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} never got a position on {symbol}");
    }

    /// <summary>Reports balances from "the venue" (a snapshot), as a connector would.</summary>
    public Task SetBalancesAsync(string account, params VenueBalance[] balances) =>
        Grains.GetAccount(new AccountId(account)).ApplyVenueEventsAsync(
        [
            new VenueBalanceUpdate { Account = new AccountId(account), Timestamp = DateTimeOffset.UtcNow, Balances = balances, IsSnapshot = true },
        ]);

    private static void AddClient(Dictionary<string, string?> settings, int index, string name, string token, params string[] permissions)
    {
        var key = $"{GatewayOptions.SectionName}:Clients:{index}";
        settings[$"{key}:Name"] = name;
        settings[$"{key}:TokenSha256"] = ApiClientRegistry.HashToken(token);
        settings[$"{key}:Grants:0:Account"] = "*";
        for (var i = 0; i < permissions.Length; i++) settings[$"{key}:Grants:0:Permissions:{i}"] = permissions[i];
    }

    private static string NewToken() => "test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
