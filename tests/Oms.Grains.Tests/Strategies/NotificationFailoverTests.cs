using System.Collections.Concurrent;
using Oms.Grains.Tests.Strategies.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

/// <summary>
/// The silo that dies holds only the strategy grain (the account lives on another one): the account's notification of
/// the fill that completes a slice goes to a dead silo before the cluster declared it dead. The account must notice the
/// unacknowledged notification and send it again, which brings the iceberg back on a surviving silo and shows the next
/// slice, without waiting for the strategy's reminder (set far beyond every wait of this test).
/// </summary>
public sealed class NotificationFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Far longer than any bounded wait below: the reminder cannot be what brings the strategy back.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(10);

    /// <summary>Bounded wait for the next slice after the kill: a few death-detection periods, well below the reminder.</summary>
    private static readonly TimeSpan ResumeWait = TimeSpan.FromSeconds(60);

    private TestCluster _cluster = null!;
    private (SiloAddress Silo, TaskCompletionSource Gate)? _frozen;

    public async Task InitializeAsync() =>
        _cluster = await StrategyClusters.StartAsync(3, builder => builder.AddSiloBuilderConfigurator<LongReminderConfigurator>());

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        if (_frozen is { } frozen) FrozenStrategyFilter.Thaw(frozen.Silo, frozen.Gate);
    }

    [Fact]
    public async Task A_notification_lost_with_the_strategys_silo_is_sent_again_and_the_next_slice_appears_before_the_reminder()
    {
        Assert.True(ResumeWait < ReminderPeriod);
        var grains = _cluster.GrainFactory;
        var perp = TestInstruments.BtcPerp;
        var account = TestAccounts.New("notify-failover");
        await grains.Provision(account);
        var management = grains.GetGrain<IManagementGrain>(0);
        var accountSilo = await management.GetActivationAddress(grains.GetAccount(account));
        var (driver, victim) = await StrategyAwayFromAsync(grains, account, accountSilo!);
        output.WriteLine($"account on {accountSilo}, iceberg {driver.Strategy} on {victim.SiloAddress}");

        const decimal total = 0.012m;
        await driver.Grain.SubmitIcebergAsync(new SubmitIceberg
        {
            Order = LimitEntry(perp, OrderSide.Buy, total, 50000m) with { DisplayQuantity = 0.004m },
            RequestedBy = "notification-failover-test",
        });
        var first = await driver.PlacedAsync(ChildRole.Slice, 1);
        await driver.AckAsync(ChildRole.Slice, 1, perp);
        await driver.FillAsync(first, 0.001m, 50000m);

        // The iceberg's silo stops serving it, the rest of the slice fills (the account notifies the iceberg there), and
        // the silo dies. Nothing calls the iceberg from here on until the next slice is at the venue: only the account's
        // notification, sent again, can bring it back before its reminder. (The frozen calls stay frozen until the
        // cluster is disposed, so nothing of the dead activation can act late.)
        _frozen = (victim.SiloAddress, FrozenStrategyFilter.Freeze(victim.SiloAddress, driver.Grain.GetGrainId()));
        await driver.FillAsync(first, 0.003m, 50000m);
        Assert.NotEqual(victim.SiloAddress, accountSilo);
        await _cluster.KillSiloAsync(victim);
        var second = await driver.PlacedAsync(ChildRole.Slice, 2, ResumeWait);
        Assert.Equal(0.004m, second.Spec.Quantity);
        output.WriteLine($"second slice placed; iceberg now on {await management.GetActivationAddress(driver.Grain)}");

        await driver.AckAsync(ChildRole.Slice, 2, perp);
        await driver.FillAsync(second, 0.004m, 50000m);
        var third = await driver.PlacedAsync(ChildRole.Slice, 3, ResumeWait);
        await driver.AckAsync(ChildRole.Slice, 3, perp);
        await driver.FillAsync(third, 0.004m, 50000m);

        var final = await driver.WaitAsync(s => s.IsTerminal, "the iceberg to complete", ResumeWait);
        Assert.True(final.Status == StrategyStatus.Completed, $"the iceberg ended {final.Status}: {final.Reason}");
        Assert.Equal(total, final.FilledQuantity);
        Assert.Equal([driver.Child(ChildRole.Slice, 1), driver.Child(ChildRole.Slice, 2), driver.Child(ChildRole.Slice, 3)], driver.Places.Select(p => p.ClientOrderId));
    }

    /// <summary>A strategy id whose grain activates on a secondary silo (the primary hosts membership) other than the account's.</summary>
    private async Task<(StrategyDriver Driver, SiloHandle Silo)> StrategyAwayFromAsync(IGrainFactory grains, AccountId account, SiloAddress accountSilo)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var driver = new StrategyDriver(grains, account, ContingentOrderIds.NewStrategyId());
            Assert.Null(await driver.Grain.GetAsync());
            var address = await management.GetActivationAddress(driver.Grain);
            var silo = _cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.Equals(address) && !s.SiloAddress.Equals(accountSilo));
            if (silo is not null) return (driver, silo);
        }
        throw new InvalidOperationException($"no strategy grain was placed on a secondary silo other than the account's ({accountSilo}) in 50 attempts");
    }

    /// <summary>The strategy cluster with a reminder period longer than the test, and the strategy freeze.</summary>
    public sealed class LongReminderConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.Configure<ContingentOrderOptions>(o => o.ReminderPeriod = ReminderPeriod);
            siloBuilder.AddIncomingGrainCallFilter<FrozenStrategyFilter>();
            siloBuilder.AddOutgoingGrainCallFilter<FrozenStrategyFilter>();
        }
    }

    /// <summary>
    /// On a frozen silo, calls to one strategy grain and the strategy's own calls wait (until thawed): the activation
    /// neither learns nor does anything, while the silo still answers the cluster's probes. Other grains are untouched.
    /// </summary>
    public sealed class FrozenStrategyFilter(ILocalSiloDetails silo) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
    {
        private static readonly ConcurrentDictionary<SiloAddress, (GrainId Grain, TaskCompletionSource Gate)> Frozen = new();

        public static TaskCompletionSource Freeze(SiloAddress silo, GrainId grain)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Frozen[silo] = (grain, gate);
            return gate;
        }

        public static void Thaw(SiloAddress silo, TaskCompletionSource gate)
        {
            Frozen.TryRemove(silo, out _);
            gate.TrySetResult();
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (Frozen.TryGetValue(silo.SiloAddress, out var frozen) && context.TargetId == frozen.Grain) await frozen.Gate.Task;
            await context.Invoke();
        }

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (Frozen.TryGetValue(silo.SiloAddress, out var frozen) && context.SourceId == frozen.Grain) await frozen.Gate.Task;
            await context.Invoke();
        }
    }
}
