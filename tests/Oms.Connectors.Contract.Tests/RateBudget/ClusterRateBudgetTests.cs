using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Worker;
using Oms.Grains;
using Oms.Silo.Connectors;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Oms.Connectors.Contract.Tests.RateBudget;

/// <summary>A two-silo cluster; each silo has its own lease provider (its grain factory) for the budget grains.</summary>
public sealed class TwoSiloClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<Configurator>().Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The lease provider of silo <paramref name="index"/>.</summary>
    public IRateLeaseProvider ProviderOf(int index) =>
        ((InProcessSiloHandle)Cluster.Silos[index]).SiloHost.Services.GetRequiredService<IRateLeaseProvider>();

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.ConfigureServices(services =>
        {
            services.AddOmsGrains();
            services.AddSingleton<GrainRateLeaseProvider>();
            services.AddSingleton<IRateLeaseProvider>(sp => sp.GetRequiredService<GrainRateLeaseProvider>());
        });
    }
}

/// <summary>
/// The cluster-wide rate budget: two silos' budgets lease from one budget grain per scope, so together they never
/// exceed the venue's limit; a freeze reported in one silo reaches the other; the venue's usage reports are a floor.
/// </summary>
public sealed class ClusterRateBudgetTests(TwoSiloClusterFixture cluster) : IClassFixture<TwoSiloClusterFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly List<ClusterRateBudget> _budgets = [];

    public async Task InitializeAsync()
    {
        // Hour windows aligned to the epoch: keep the scenario away from a window boundary.
        var now = DateTimeOffset.UtcNow;
        var intoWindow = TimeSpan.FromTicks(now.UtcTicks % Hour.Ticks);
        if (Hour - intoWindow < TimeSpan.FromSeconds(30)) await Task.Delay(Hour - intoWindow + TimeSpan.FromSeconds(1));
    }

    public async Task DisposeAsync()
    {
        foreach (var budget in _budgets) await budget.DisposeAsync();
    }

    [Fact]
    public async Task Two_silos_together_never_exceed_the_limit_and_the_reserve_stays_for_risk_reducing_calls()
    {
        var scope = new RateLimitScope(RateLimitKind.Orders, $"spot:account:{Guid.NewGuid():N}");
        var (a, b) = (Budget(0, limit: 100), Budget(1, limit: 100));

        // Each silo leases its first slice (one silo may lease a large slice at once, so a race alone need not give both a share).
        Assert.True(await DrawAsync(a, scope, RatePriority.Normal), "silo A could not draw from a fresh budget");
        Assert.True(await DrawAsync(b, scope, RatePriority.Normal), "silo B could not draw while silo A held a lease");
        var granted = await Task.WhenAll(DrawUntilExhaustedAsync(a, scope, RatePriority.Normal), DrawUntilExhaustedAsync(b, scope, RatePriority.Normal));

        // 100 × 0.9 utilization cap × (1 − 0.1 reserve) = 81 for new risk, across both silos, exactly.
        Assert.Equal(81, granted.Sum() + 2);
        var reserve = await Task.WhenAll(DrawUntilExhaustedAsync(a, scope, RatePriority.RiskReducing), DrawUntilExhaustedAsync(b, scope, RatePriority.RiskReducing));
        Assert.Equal(9, reserve.Sum());
        var status = await cluster.Cluster.GrainFactory.GetGrain<IRateBudgetGrain>(scope.ToString()).GetStatusAsync();
        Assert.Equal(90, status.Windows.Single().LeasedNormal + status.Windows.Single().LeasedReserve);
    }

    [Fact]
    public async Task A_freeze_learned_in_one_silo_reaches_the_other()
    {
        var scope = new RateLimitScope(RateLimitKind.RequestWeight, $"spot:ip:{Guid.NewGuid():N}");
        var (a, b) = (Budget(0, limit: 6000), Budget(1, limit: 6000));
        Assert.True(await DrawAsync(a, scope, RatePriority.Normal), "silo A could not draw before the freeze");
        Assert.True(await DrawAsync(b, scope, RatePriority.Normal), "silo B could not draw before the freeze");

        a.Freeze(scope, DateTimeOffset.UtcNow.AddMinutes(2));

        RateDecision decision = default;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            decision = b.TryAcquire(scope, 1, RatePriority.RiskReducing);
            if (decision.Denial == RateDenial.Frozen) break;
            await Task.Delay(25);
        }
        Assert.Equal(RateDenial.Frozen, decision.Denial);
        Assert.True(decision.RetryAfter > TimeSpan.FromMinutes(1), $"frozen for {decision.RetryAfter} only");
    }

    [Fact]
    public async Task The_venues_usage_report_from_one_silo_limits_what_the_other_can_lease()
    {
        var scope = new RateLimitScope(RateLimitKind.RequestWeight, $"spot:ip:{Guid.NewGuid():N}");
        var (a, b) = (Budget(0, limit: 1000), Budget(1, limit: 1000));

        // Silo B learns from the venue that 880 of 1000 are used (other users of the IP): above the cap for new risk.
        b.ObserveUsage(scope, Hour, 880, 1000);
        var grain = cluster.Cluster.GrainFactory.GetGrain<IRateBudgetGrain>(scope.ToString());
        for (var attempt = 0; attempt < 200 && (await grain.GetStatusAsync()).Windows.SingleOrDefault()?.ReportedUsed != 880; attempt++) await Task.Delay(25);

        Assert.Equal(0, await DrawUntilExhaustedAsync(a, scope, RatePriority.Normal));
        // 1000 × 0.9 = 900: 20 are left, for risk-reducing calls only.
        Assert.Equal(20, await DrawUntilExhaustedAsync(a, scope, RatePriority.RiskReducing));
    }

    private ClusterRateBudget Budget(int silo, long limit)
    {
        var windows = new RateLimitWindow[] { new(Hour, limit) };
        var budget = new ClusterRateBudget(cluster.ProviderOf(silo), $"silo-{silo}", new RateBudgetSettings
        {
            PriorityReserveFraction = 0.1,
            UtilizationCap = 0.9,
            DefaultLimits = new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>
            {
                [RateLimitKind.Orders] = windows,
                [RateLimitKind.RequestWeight] = windows,
            },
        }, TimeProvider.System, NullLogger.Instance);
        _budgets.Add(budget);
        return budget;
    }

    /// <summary>One unit, waiting (bounded) while a lease is being fetched; false when the cluster has none left.</summary>
    private static async Task<bool> DrawAsync(ClusterRateBudget budget, RateLimitScope scope, RatePriority priority)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var decision = budget.TryAcquire(scope, 1, priority);
            if (decision.Granted) return true;
            if (decision.Denial == RateDenial.Frozen || decision.RetryAfter > TimeSpan.FromSeconds(1)) return false;
            await Task.Delay(decision.RetryAfter);
        }
        throw new Xunit.Sdk.XunitException($"the budget of {scope} neither granted nor refused within 500 attempts");
    }

    private static async Task<int> DrawUntilExhaustedAsync(ClusterRateBudget budget, RateLimitScope scope, RatePriority priority)
    {
        var granted = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (!await DrawAsync(budget, scope, priority)) return granted;
            granted++;
        }
        return granted;
    }
}
