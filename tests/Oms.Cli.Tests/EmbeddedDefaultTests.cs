using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Oms.Cli.Tests.Infrastructure;
using Oms.Silo.Hosting;

namespace Oms.Cli.Tests;

/// <summary>
/// What a new user types first (the README's first steps), against the embedded default exactly as
/// <c>dotnet run --project silo/Oms.Silo</c> starts it: the in-process Binance simulator behind the real connector, the
/// demo accounts, and the development token the CLI finds through its token file.
/// </summary>
[Collection(EmbeddedDefaultCollection.Name)]
public sealed class EmbeddedDefaultTests(EmbeddedDefaultSilo silo)
{
    [Fact]
    public async Task A_new_user_trades_demo_spot_from_the_command_line()
    {
        var account = await silo.RunAsync("account", "--json");
        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.Equal("demo-spot", account.Json().GetProperty("account_id").GetString());

        var before = await BalanceAsync("BTC");

        // A market order fills at the simulator; the position and the balance follow.
        var market = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--type", "market", "--id", "cli-first-1", "--json");
        Assert.True(market.ExitCode == 0, market.ToString());
        Assert.True(market.Json().GetProperty("created").GetBoolean(), market.ToString());
        var filled = await WaitForStatusAsync("cli-first-1", "FILLED");
        Assert.Equal(0.001m, Dec(filled.GetProperty("filled_quantity")));

        var positions = await silo.RunAsync("positions", "--json");
        Assert.True(positions.ExitCode == 0, positions.ToString());
        var position = positions.Json().GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("instrument").GetProperty("symbol").GetString() == "BTCUSDT");
        var entry = Dec(position.GetProperty("average_entry_price"));
        Assert.True(entry > 0m, positions.ToString());
        var after = await WaitAsync(async () => await BalanceAsync("BTC") is var btc && btc > before ? btc : (decimal?)null, "the BTC balance to grow");
        Assert.InRange(after - before, 0.0009m, 0.001m);

        // A resting limit order is listed as open, then cancelled.
        var low = decimal.Round(entry * 0.8m, 2).ToString(CultureInfo.InvariantCulture);
        var limit = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", low, "--id", "cli-first-2", "--json");
        Assert.True(limit.ExitCode == 0, limit.ToString());
        await WaitForStatusAsync("cli-first-2", "NEW");
        var open = await silo.RunAsync("orders", "--open", "--json");
        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.Contains(open.Json().GetProperty("orders").EnumerateArray(), o => o.GetProperty("client_order_id").GetString() == "cli-first-2");
        var cancel = await silo.RunAsync("cancel", "cli-first-2");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        await WaitForStatusAsync("cli-first-2", "CANCELED");

        var table = await silo.RunAsync("orders");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("cli-first-1", table.Stdout, StringComparison.Ordinal);
        var risk = await silo.RunAsync("risk", "show");
        Assert.True(risk.ExitCode == 0, risk.ToString());
    }

    private async Task<decimal> BalanceAsync(string asset)
    {
        var balance = await silo.RunAsync("balance", "--json");
        Assert.True(balance.ExitCode == 0, balance.ToString());
        return balance.Json().GetProperty("balances").EnumerateArray()
            .Where(b => b.GetProperty("asset").GetString() == asset).Select(b => Dec(b.GetProperty("free"))).SingleOrDefault();
    }

    private async Task<JsonElement> WaitForStatusAsync(string clientOrderId, string status) =>
        await WaitAsync(async () =>
        {
            var order = await silo.RunAsync("order", clientOrderId, "--json");
            Assert.True(order.ExitCode == 0, order.ToString());
            var document = order.Json();
            var found = document.TryGetProperty("order", out var inner) ? inner : document;
            return found.GetProperty("status").GetString() == status ? found : (JsonElement?)null;
        }, $"order {clientOrderId} to be {status}");

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what) where T : struct
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
    }

    private static decimal Dec(JsonElement element) => decimal.Parse(element.GetString()!, CultureInfo.InvariantCulture);
}

/// <summary>
/// The embedded default silo in this process on free loopback ports, nothing replaced: the simulator, the Binance
/// connector, the demo accounts and the development client whose token file the CLI is pointed at (OMS_TOKEN_FILE).
/// </summary>
public sealed class EmbeddedDefaultSilo : IAsyncLifetime
{
    private WebApplication? _app;

    private string WorkDirectory { get; } = Directory.CreateTempSubdirectory("oms-cli-embedded-").FullName;

    private string TokenFile => Path.Combine(WorkDirectory, ".oms", "dev-token");

    private string Endpoint { get; set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(2);
        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Logging:FilePath"] = "",
            ["Oms:Host:GrpcPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Oms:Host:DashboardPort"] = "0",
            ["Oms:Host:SiloPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Oms:Host:OrleansGatewayPort"] = "0",
            ["Oms:Host:ClusterId"] = "cli-embedded-" + Guid.NewGuid().ToString("N")[..8],
            ["Oms:Gateway:DevelopmentClient:TokenFile"] = TokenFile,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.AddOmsSilo();
        _app = builder.Build();
        _app.MapOmsSilo();
        await _app.StartAsync();
        Endpoint = $"http://127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs <c>oms</c> as a new user would after <c>export OMS_ACCOUNT=demo-spot</c>.</summary>
    public Task<CliResult> RunAsync(params string[] arguments) => OmsCli.RunAsync(arguments, new Dictionary<string, string>
    {
        ["OMS_ENDPOINT"] = Endpoint,
        ["OMS_TOKEN_FILE"] = TokenFile,
        ["OMS_ACCOUNT"] = "demo-spot",
    });
}

[CollectionDefinition(Name)]
public sealed class EmbeddedDefaultCollection : ICollectionFixture<EmbeddedDefaultSilo>
{
    public const string Name = "embedded-default";
}
