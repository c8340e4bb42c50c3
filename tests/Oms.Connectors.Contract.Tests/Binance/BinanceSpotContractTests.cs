using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Silo.Connectors;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>The embedded OMS with a watchdog quick enough for a test (2 s of silence while orders are open).</summary>
public class BinanceSpotContractFixture : EmbeddedOms
{
    private BinanceSpotHarness? _harness;

    public BinanceSpotHarness Harness => _harness ??= new BinanceSpotHarness(this);

    protected override IEnumerable<KeyValuePair<string, string?>> Overrides =>
    [
        new("Oms:Connectors:Binance:Worker:WatchdogSilence", "00:00:02"),
        new("Oms:Connectors:Binance:Worker:WatchdogInterval", "00:00:00.250"),
    ];
}

/// <summary>Its own OMS: the rate-limit scenario leaves the budget frozen for the venue's Retry-After.</summary>
public sealed class BinanceSpotRateLimitFixture : BinanceSpotContractFixture;

/// <summary>The simulator's clock runs 3 s behind ours: unsynchronised timestamps would be refused with -1021.</summary>
public sealed class BinanceSpotClockSkewFixture : BinanceSpotContractFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(EmbeddedBinanceSimulator.ClockServiceKey, new SkewedTimeProvider(TimeSpan.FromSeconds(-3)));

    private sealed class SkewedTimeProvider(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
    }
}

[CollectionDefinition(Name)]
public sealed class BinanceSpotContractCollection : ICollectionFixture<BinanceSpotContractFixture>
{
    public const string Name = "binance-spot-contract";
}

[CollectionDefinition(Name)]
public sealed class BinanceSpotRateLimitCollection : ICollectionFixture<BinanceSpotRateLimitFixture>
{
    public const string Name = "binance-spot-rate-limit";
}

[CollectionDefinition(Name)]
public sealed class BinanceSpotClockSkewCollection : ICollectionFixture<BinanceSpotClockSkewFixture>
{
    public const string Name = "binance-spot-clock-skew";
}

[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotContractTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ConnectorContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}

[Collection(BinanceSpotRateLimitCollection.Name)]
public sealed class BinanceSpotRateLimitTests(BinanceSpotRateLimitFixture fixture, ITestOutputHelper output) : RateLimitContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}

[Collection(BinanceSpotClockSkewCollection.Name)]
public sealed class BinanceSpotClockSkewTests(BinanceSpotClockSkewFixture fixture, ITestOutputHelper output) : ClockSkewContractSuite(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;
}
