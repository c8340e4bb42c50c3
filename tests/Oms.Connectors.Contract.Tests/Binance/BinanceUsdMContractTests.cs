using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Silo.Connectors;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// The embedded OMS (its own simulator) for the USD-M contract scenarios, with a watchdog quick enough for a test (2 s
/// of silence while orders are open; the USD-M worker shares the spot worker's watchdog settings). On disposal the
/// harness gives the market its own mark price back.
/// </summary>
public class BinanceUsdMContractFixture : EmbeddedOms, IAsyncLifetime
{
    private BinanceUsdMHarness? _harness;

    public BinanceUsdMHarness Harness => _harness ??= new BinanceUsdMHarness(this);

    protected override IEnumerable<KeyValuePair<string, string?>> Overrides =>
    [
        new("Oms:Connectors:Binance:Worker:WatchdogSilence", "00:00:02"),
        new("Oms:Connectors:Binance:Worker:WatchdogInterval", "00:00:00.250"),
    ];

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_harness is not null) await _harness.DisposeAsync();
        await DisposeAsync();
    }
}

/// <summary>Its own OMS: the rate-limit scenario leaves the budget frozen for the venue's Retry-After.</summary>
public sealed class BinanceUsdMRateLimitFixture : BinanceUsdMContractFixture;

/// <summary>The simulator's clock runs 3 s behind ours: unsynchronised timestamps would be refused with -1021.</summary>
public sealed class BinanceUsdMClockSkewFixture : BinanceUsdMContractFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(EmbeddedBinanceSimulator.ClockServiceKey, new SkewedTimeProvider(TimeSpan.FromSeconds(-3)));

    private sealed class SkewedTimeProvider(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
    }
}

[CollectionDefinition(Name)]
public sealed class BinanceUsdMContractCollection : ICollectionFixture<BinanceUsdMContractFixture>
{
    public const string Name = "binance-usdm-contract";
}

[CollectionDefinition(Name)]
public sealed class BinanceUsdMRateLimitCollection : ICollectionFixture<BinanceUsdMRateLimitFixture>
{
    public const string Name = "binance-usdm-rate-limit";
}

[CollectionDefinition(Name)]
public sealed class BinanceUsdMClockSkewCollection : ICollectionFixture<BinanceUsdMClockSkewFixture>
{
    public const string Name = "binance-usdm-clock-skew";
}

/// <summary>
/// The connector contract suite for Binance USDⓈ-M futures (BTCUSDT perpetual) through the OMS's USD-M connector: the
/// same scenarios as spot, every order type the connector supports (resting orders inside the venue's PERCENT_PRICE
/// band, see <see cref="BinanceUsdMHarness.RestingOffset"/>), and positions compared with the venue's after each.
/// </summary>
[Collection(BinanceUsdMContractCollection.Name)]
public sealed class BinanceUsdMContractTests(BinanceUsdMContractFixture fixture, ITestOutputHelper output) : ConnectorContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}

[Collection(BinanceUsdMRateLimitCollection.Name)]
public sealed class BinanceUsdMContractRateLimitTests(BinanceUsdMRateLimitFixture fixture, ITestOutputHelper output) : RateLimitContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}

[Collection(BinanceUsdMClockSkewCollection.Name)]
public sealed class BinanceUsdMContractClockSkewTests(BinanceUsdMClockSkewFixture fixture, ITestOutputHelper output) : ClockSkewContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}
