using Microsoft.Extensions.Configuration;
using Oms.Gateway.Auth;
using Oms.Silo.Accounts;
using Oms.Silo.Hosting;
using Oms.Silo.Venues;

namespace Oms.Gateway.Tests;

/// <summary>The silo's configuration: profile selection, shipped settings, and start-up validation messages.</summary>
public sealed class HostConfigurationTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IConfiguration Shipped(OmsProfile profile = OmsProfile.Embedded) =>
        new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddJsonFile($"appsettings.{profile}.json", optional: false)
            .Build();

    [Fact]
    public void The_profile_is_embedded_unless_one_is_chosen()
    {
        Assert.Equal(OmsProfile.Embedded, OmsProfiles.Resolve(Config()));
        Assert.Equal(OmsProfile.Cluster, OmsProfiles.Resolve(Config(("profile", "cluster"))));
        Assert.Equal(OmsProfile.Cluster, OmsProfiles.Resolve(Config(("Oms:Profile", "Cluster"))));
        Assert.Equal(OmsProfile.Cluster, OmsProfiles.Resolve(Config(("OMS_PROFILE", "CLUSTER"))));
        Assert.Equal(OmsProfile.Embedded, OmsProfiles.Resolve(Config(("profile", "embedded"), ("OMS_PROFILE", "cluster"))));
    }

    [Fact]
    public void An_unknown_profile_stops_the_start_naming_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OmsProfiles.Resolve(Config(("OMS_PROFILE", "clustr"))));
        Assert.Contains("'clustr'", error.Message, StringComparison.Ordinal);
        Assert.Contains("embedded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_settings_default_to_the_documented_ports_and_reject_clashes()
    {
        var defaults = OmsHostOptions.Read(Config());
        Assert.Equal((5100, 5101, 11111, 30000), (defaults.GrpcPort, defaults.DashboardPort, defaults.SiloPort, defaults.OrleansGatewayPort));

        var error = Assert.Throws<InvalidOperationException>(() => OmsHostOptions.Read(Config(("Oms:Host:DashboardPort", "5100"))));
        Assert.Contains("GrpcPort and DashboardPort share port 5100", error.Message, StringComparison.Ordinal);
        var address = Assert.Throws<InvalidOperationException>(() => OmsHostOptions.Read(Config(("Oms:Host:ListenAddress", "localhost:80"))));
        Assert.Contains("Oms:Host:ListenAddress", address.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_catalog_has_binance_spot_and_usdm_btc_and_eth_with_their_filters()
    {
        var catalog = ConfiguredInstrumentCatalog.FromConfiguration(Shipped());
        Assert.Equal(4, catalog.All.Count);
        Assert.True(catalog.TryGet(InstrumentId.Parse("BINANCE:SPOT:BTCUSDT"), out var spot));
        Assert.Equal((0.01m, 0.00001m, 5m), (spot.TickSize, spot.StepSize, spot.MinNotional));
        Assert.True(catalog.TryGet(InstrumentId.Parse("BINANCE:USDM:BTCUSDT"), out var perp));
        Assert.Equal((0.1m, 0.001m, 100m), (perp.TickSize, perp.StepSize, perp.MinNotional));
        Assert.True(catalog.TryGet(InstrumentId.Parse("BINANCE:SPOT:ETHUSDT"), out _));
        Assert.True(catalog.TryGet(InstrumentId.Parse("BINANCE:USDM:ETHUSDT"), out _));
    }

    [Fact]
    public void A_bad_instrument_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConfiguredInstrumentCatalog.FromConfiguration(Config(
            ("Oms:Instruments:0:Id", "BINANCE:SPOT:BTCUSDT"), ("Oms:Instruments:0:BaseAsset", "BTC"), ("Oms:Instruments:0:QuoteAsset", "USDT"),
            ("Oms:Instruments:0:MinQuantity", "10"), ("Oms:Instruments:0:MaxQuantity", "1"),
            ("Oms:Instruments:1:Id", "NASDAQ:SPOT:AAPL"))));
        Assert.Contains("Oms:Instruments:0: MinQuantity 10 is above MaxQuantity 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Oms:Instruments:1:Id 'NASDAQ:SPOT:AAPL'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedded_profile_ships_two_demo_accounts_and_a_development_client()
    {
        var configuration = Shipped(OmsProfile.Embedded);
        var accounts = AccountOptions.Read(configuration);
        Assert.Equal(["demo-spot", "demo-futures"], accounts.Select(a => a.Id));
        Assert.Equal([MarketType.Spot], accounts[0].ToConfig().Markets);
        Assert.Equal([MarketType.UsdMFutures], accounts[1].ToConfig().Markets);
        Assert.True(configuration.GetValue<bool>("Oms:Gateway:DevelopmentClient:Enabled"));
        Assert.False(configuration.GetValue<bool>("Oms:Dashboard:RequireAuthentication"));
    }

    [Fact]
    public void The_cluster_profile_ships_no_account_no_development_client_and_a_locked_dashboard()
    {
        var configuration = Shipped(OmsProfile.Cluster);
        Assert.Empty(AccountOptions.Read(configuration));
        Assert.False(configuration.GetValue<bool>("Oms:Gateway:DevelopmentClient:Enabled"));
        Assert.True(configuration.GetValue<bool>("Oms:Dashboard:RequireAuthentication"));
        Assert.Equal("oms", configuration["Oms:Host:ClusterId"]);
    }

    [Fact]
    public void Duplicate_or_incomplete_accounts_stop_the_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AccountOptions.Read(Config(
            ("Oms:Accounts:0:Id", "a"), ("Oms:Accounts:0:Venue", "Binance"), ("Oms:Accounts:0:Markets:0", "Spot"),
            ("Oms:Accounts:1:Id", "a"), ("Oms:Accounts:1:Venue", "Binance"), ("Oms:Accounts:1:Markets:0", "Spot"),
            ("Oms:Accounts:2:Id", "b"))));
        Assert.Contains("account 'a' is configured more than once", error.Message, StringComparison.Ordinal);
        Assert.Contains("Oms:Accounts:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plaintext_token_in_configuration_is_refused()
    {
        var options = new GatewayOptions
        {
            Clients =
            [
                new GatewayClientOptions
                {
                    Name = "strategy",
                    TokenSha256 = "my-secret-token",
                    Grants = [new AccountGrantOptions { Account = "not an account!", Permissions = [GatewayPermission.Read] }],
                },
            ],
        };
        var result = new GatewayOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("TokenSha256 must be 64 hexadecimal characters", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Oms:Gateway:Clients:0:Grants:0:Account", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("my-secret-token", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_connector_the_router_refuses_with_venue_unavailable()
    {
        var result = await new UnconfiguredVenueOrderRouter().RouteAsync(new CancelOrderCommand
        {
            Account = new AccountId("a"),
            Instrument = InstrumentId.Parse("BINANCE:USDM:BTCUSDT"),
            ClientOrderId = new ClientOrderId("c1"),
            CreatedAt = DateTimeOffset.UnixEpoch,
        });
        Assert.False(result.Accepted);
        Assert.Equal(DenialCode.VenueUnavailable, result.Code);
        Assert.Equal("no connector is configured for venue BINANCE", result.Reason);
    }
}
