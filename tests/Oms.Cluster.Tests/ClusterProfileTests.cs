using Oms.Cluster.Tests.Infrastructure;

namespace Oms.Cluster.Tests;

/// <summary>The shipped silo (no venue connector) in the cluster profile on a fresh database.</summary>
public sealed class ClusterProfileTests : IAsyncLifetime
{
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-profile-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresDatabase database = null!;
    private SiloProcess? silo;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync("oms_profile");

    public async Task DisposeAsync()
    {
        silo?.Dispose();
        await database.DisposeAsync();
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task The_silo_migrates_joins_persists_and_refuses_orders_honestly_without_a_connector()
    {
        var settings = new ClusterSettings(database.ConnectionString, "profile-" + Guid.NewGuid().ToString("N")[..8], workDirectory);
        // This silo runs no venue connector (the Binance connector is on by default in every profile): the router must
        // refuse honestly instead of sending anything.
        silo = settings.Start("silo", Paths.Silo, ["acct-profile"], ["--Oms:Connectors:Binance:Enabled=false"]);
        await silo.WaitForServingAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(1, await database.ScalarAsync(
            "SELECT COUNT(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3", ("cluster", settings.ClusterId)));

        var accounts = new Wire.AccountService.AccountServiceClient(silo.Channel);
        var account = await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = "acct-profile" }, settings.Call());
        Assert.Equal(Wire.Venue.Binance, account.Venue);
        Assert.Equal([Wire.MarketType.UsdmFutures], account.Markets);

        var orders = new Wire.OrderService.OrderServiceClient(silo.Channel);
        var response = await orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = "acct-profile",
            ClientOrderId = "no-venue-1",
            Order = new Wire.OrderSpec
            {
                Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = "BTCUSDT" },
                Side = Wire.OrderSide.Buy,
                Type = Wire.OrderType.Limit,
                Quantity = "0.004",
                LimitPrice = "50000.0",
            },
        }, settings.Call());
        // The router refused: nothing was sent, and the order says why (a venue-side refusal, not a risk denial).
        var order = response.Order;
        Assert.Equal(Wire.OrderStatus.Rejected, order.Status);
        Assert.Contains("VENUE_UNAVAILABLE", order.LastVenueError, StringComparison.Ordinal);
        Assert.Contains("no connector is configured for venue BINANCE", order.LastVenueError, StringComparison.Ordinal);

        Assert.True(await database.ScalarAsync("SELECT COUNT(*) FROM orleansstorage") > 0, "grain state is persisted in PostgreSQL");

        // Outside development the dashboard asks for credentials; /healthz stays open for probes.
        using var http = new HttpClient();
        using var dashboard = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/dashboard/"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, dashboard.StatusCode);
        using var healthz = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/healthz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, healthz.StatusCode);
    }
}
