using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Oms.Grains.Tests.Risk;

/// <summary>
/// The doubles of the risk cluster: its own venue, prices, clock and journal, so its tests (which move prices and set
/// firm-wide limits) never disturb the shared grain-test cluster running in parallel.
/// </summary>
public static class RiskEnvironment
{
    public static readonly DateTimeOffset Start = new(2026, 2, 9, 8, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock { get; } = new(Start);
    public static TestVenue Venue { get; } = new();
    public static TestInstrumentCatalog Catalog { get; } = new();
    public static TestPrices Prices { get; } = new();
    public static TestJournal Journal { get; } = new();

    /// <summary>The equity reminder period in the tests (Orleans' minimum is lowered to match).</summary>
    public static readonly TimeSpan EquityCheckPeriod = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A silo of the risk cluster: as the hosts configure it (storage "oms", the grains) plus in-memory reminders with the
/// minimum reminder period lowered to one second — only here, in tests.
/// </summary>
public sealed class RiskSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddMemoryGrainStorage(OmsStorage.Name, options => options.UseOmsGrainStateSerializer());
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = RiskEnvironment.EquityCheckPeriod);
        var services = siloBuilder.Services;
        services.AddSingleton<IVenueOrderRouter>(RiskEnvironment.Venue);
        services.AddSingleton<IInstrumentCatalog>(RiskEnvironment.Catalog);
        services.AddSingleton<IReferencePriceSource>(RiskEnvironment.Prices);
        services.AddSingleton<IExecutionReportJournal>(RiskEnvironment.Journal);
        services.AddKeyedSingleton<TimeProvider>(OmsGrainsServiceCollectionExtensions.ClockServiceKey, RiskEnvironment.Clock);
        services.AddOmsGrains(options =>
        {
            TestEnvironment.Configure(options);
            options.EquityCheckPeriod = RiskEnvironment.EquityCheckPeriod;
        });
    }
}

/// <summary>A two-silo cluster for the risk tests (accounts land on different silos, as in production).</summary>
public sealed class RiskClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<RiskSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>The risk tests run one at a time: several of them set firm-wide limits.</summary>
[CollectionDefinition(Name)]
public sealed class RiskClusterCollection : ICollectionFixture<RiskClusterFixture>
{
    public const string Name = "risk-cluster";
}

/// <summary>Accounts, venue events and waits of the risk tests.</summary>
public sealed class RiskDriver(IGrainFactory grains)
{
    public IGrainFactory Grains { get; } = grains;

    public async Task<(AccountId Id, IAccountGrain Account)> NewAccountAsync(string purpose, PositionMode mode = PositionMode.OneWay)
    {
        var id = TestAccounts.New(purpose);
        var account = await Grains.Provision(id, TestAccounts.Binance(mode));
        return (id, account);
    }

    public Task SetLimitsAsync(AccountId account, RiskLimits limits) => Grains.GetRiskLimit(account).SetLimitsAsync(limits, "risk-tests");

    /// <summary>Sets the firm's limits and returns a handle that removes them again.</summary>
    public async Task<IAsyncDisposable> FirmLimitsAsync(RiskLimits limits)
    {
        await Grains.GetFirmRiskLimit().SetLimitsAsync(limits, "risk-tests");
        return new Restore(() => Grains.GetFirmRiskLimit().SetLimitsAsync(RiskLimits.None, "risk-tests"));
    }

    public Task SendAsync(AccountId account, params VenueEvent[] events) => Grains.GetAccount(account).ApplyVenueEventsAsync(events);

    public Task BalancesAsync(AccountId account, params VenueBalance[] balances) =>
        SendAsync(account, new VenueBalanceUpdate { Account = account, Timestamp = RiskEnvironment.Clock.GetUtcNow(), IsSnapshot = true, Balances = balances });

    /// <summary>Submits a limit order and has the venue fill it completely at its price.</summary>
    public async Task<OrderSnapshot> FilledAsync(AccountId account, OrderSpec spec)
    {
        var result = await Grains.GetAccount(account).SubmitOrderAsync(Specs.Submit(spec));
        Assert.True(result.Order.Status == OrderStatus.PendingNew, $"order was not accepted: {result.Order.Denial}");
        await SendAsync(account,
            VenueDriver.Update(account, result.Order, VenueOrderEventKind.Accepted, VenueDriver.NewVenueOrderId()),
            VenueDriver.Fill(account, result.Order, spec.Quantity, spec.LimitPrice ?? RiskEnvironment.Prices.TryGetPrice(spec.Instrument)!.Value));
        return result.Order;
    }

    /// <summary>The place commands the venue received for an account that were sent by the risk engine's stop-loss.</summary>
    public static IReadOnlyList<PlaceOrderCommand> Places(AccountId account) => RiskEnvironment.Venue.Commands<PlaceOrderCommand>(account);

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
