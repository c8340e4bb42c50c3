using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Oms.Grains.Tests.Infrastructure;

/// <summary>
/// The doubles every silo of the in-process test cluster shares (one process, so one instance each): the venue,
/// instruments, prices, journal, fault injector and the grains' fake clock.
/// </summary>
public static class TestEnvironment
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock { get; } = new(Start);
    public static TestVenue Venue { get; } = new();
    public static TestInstrumentCatalog Catalog { get; } = new();
    public static TestPrices Prices { get; } = new();
    public static TestJournal Journal { get; } = new();
    public static FaultInjector Faults { get; } = new();

    /// <summary>Test options: small rings and retention so bounds are reachable; a fast maintenance timer.</summary>
    public static void Configure(OmsGrainOptions options)
    {
        options.ExecutionReportRingCapacity = 32;
        options.ClosedOrderRetention = 50;
        options.RecentTradeKeyRetention = 16;
        options.MaintenanceInterval = TimeSpan.FromMilliseconds(200);
        options.PendingNewGracePeriod = TimeSpan.FromSeconds(30);
    }
}

/// <summary>Configures each test silo the way a host would: storage "oms", the grains, and the host-provided services.</summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddMemoryGrainStorage(OmsStorage.Name, options => options.UseOmsGrainStateSerializer());
        siloBuilder.AddIncomingGrainCallFilter<FaultInjectionFilter>();
        var services = siloBuilder.Services;
        services.AddSingleton<IVenueOrderRouter>(TestEnvironment.Venue);
        services.AddSingleton<IInstrumentCatalog>(TestEnvironment.Catalog);
        services.AddSingleton<IReferencePriceSource>(TestEnvironment.Prices);
        services.AddSingleton<IExecutionReportJournal>(TestEnvironment.Journal);
        services.AddKeyedSingleton<TimeProvider>(OmsGrainsServiceCollectionExtensions.ClockServiceKey, TestEnvironment.Clock);
        services.AddOmsGrains(TestEnvironment.Configure);
    }
}

/// <summary>One three-silo cluster shared by every grain test (unique account ids per test keep them apart).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
