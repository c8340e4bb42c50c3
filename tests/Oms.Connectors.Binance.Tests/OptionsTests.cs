namespace Oms.Connectors.Binance.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new BinanceOptions().Validate());
        Assert.True(new BinanceOptionsValidator().Validate(null, new BinanceOptions()).Succeeded);
    }

    [Fact]
    public void Every_problem_is_named()
    {
        var options = new BinanceOptions
        {
            RecvWindow = TimeSpan.FromSeconds(61),
            SpotWebSocketApiAddress = new Uri("https://ws-api.binance.com/ws-api/v3"),
            MaxSessionsPerAccount = 0,
            SessionMaxLifetime = TimeSpan.FromHours(24),
            UtilizationCap = 1.5,
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(1),
            SpotMarketStreamAddress = new Uri("https://stream.binance.com"),
            UsdMStreamAddress = new Uri("http://fstream.binance.com"),
            MaxStreamsPerConnection = 0,
            DepthSnapshotLimit = 6000,
            ListenKeyKeepAliveInterval = TimeSpan.FromMinutes(60),
        };

        var problems = new BinanceOptionsValidator().Validate(null, options);

        Assert.True(problems.Failed);
        foreach (var name in new[] { "RecvWindow", "SpotWebSocketApiAddress", "MaxSessionsPerAccount", "SessionMaxLifetime", "UtilizationCap", "ReconnectMaxDelay",
                     "SpotMarketStreamAddress", "UsdMStreamAddress", "MaxStreamsPerConnection", "DepthSnapshotLimit", "ListenKeyKeepAliveInterval" })
            Assert.Contains(name, problems.FailureMessage, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BinanceApiContext(BinanceApi.Spot, options,
            BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, new BinanceOptions()), new Diagnostics.BinanceMetrics()));
    }
}
