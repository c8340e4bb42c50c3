using Oms.Simulator.Hosting;
using Xunit;

namespace Oms.Simulator.Tests.Support;

/// <summary>Starts simulators for tests: Kestrel on 127.0.0.1 with a dynamic port, markets held still.</summary>
public static class TestSimulator
{
    public static SimulatorOptions Options(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions { Port = 0, GenerateDemoAccounts = false };
        configure?.Invoke(options);
        return options;
    }

    public static MarketSeedOptions HeldMarket()
    {
        var market = MarketSeedOptions.Default();
        market.Liquidity.Held = true;
        return market;
    }

    public static Task<SimulatorHost> StartAsync(Action<SimulatorOptions>? configure = null) =>
        SimulatorHost.StartAsync(Options(configure), HeldMarket());

    public static HttpClient HttpFor(SimulatorHost host) => new() { BaseAddress = host.Urls.Rest, Timeout = TimeSpan.FromSeconds(30) };
}

/// <summary>One simulator shared by a test class (tests use their own accounts).</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public SimulatorHost Host { get; private set; } = null!;

    public SimClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestSimulator.StartAsync();
        Client = new SimClient(TestSimulator.HttpFor(Host));
    }

    public async Task DisposeAsync()
    {
        Client.Http.Dispose();
        await Host.DisposeAsync();
    }

    public TestKey NewHmac() => TestKey.Hmac().Register(Host);

    public TestKey NewEd25519() => TestKey.NewEd25519().Register(Host);
}
