using Oms.Grains.Tests.Strategies.Infrastructure;
using Orleans.Runtime;
using Orleans.TestingHost;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

/// <summary>
/// A futures iceberg on its own three-silo cluster (storage and reminders shared, as a database would be): the silo
/// hosting the iceberg is killed half-way, with a slice working. The iceberg must resume on another silo and fill
/// exactly its quantity, never showing two slices and never placing a slice twice.
/// </summary>
public sealed class IcebergFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await StrategyClusters.StartAsync(3);

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task An_iceberg_survives_the_loss_of_its_silo_and_fills_exactly_its_quantity()
    {
        var grains = _cluster.GrainFactory;
        var perp = TestInstruments.BtcPerp;
        var account = TestAccounts.New("ice-failover");
        await grains.Provision(account);
        var (driver, victim) = await StrategyOnSecondarySiloAsync(grains, account);
        output.WriteLine($"iceberg {driver.Strategy} is active on {victim.SiloAddress}");

        const decimal total = 0.020m;
        var submitted = await driver.Grain.SubmitIcebergAsync(new SubmitIceberg
        {
            Order = LimitEntry(perp, OrderSide.Buy, total, 50000m) with { DisplayQuantity = 0.004m },
            RequestedBy = "failover-test",
        });
        Assert.Equal(ExecutionMode.OmsManaged, submitted.Strategy!.Mode);

        var killedAt = 0L;
        for (var slice = 1; slice <= 5; slice++)
        {
            var place = await driver.PlacedAsync(ChildRole.Slice, slice, TimeSpan.FromSeconds(90));
            if (slice == 4) output.WriteLine($"fourth slice placed {System.Diagnostics.Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s after the kill");
            Assert.Equal(0.004m, place.Spec.Quantity);
            await driver.AckAsync(ChildRole.Slice, slice, perp);
            await driver.FillAsync(place, 0.001m, 50000m);
            if (slice == 3)
            {
                // Half-way (0.008 filled, the third slice working): the iceberg's silo dies. The third slice's last
                // fill then reaches the account, whose notification finds the iceberg gone; the iceberg resumes on
                // another silo (notification after the cluster noticed, or its reminder) and shows the fourth slice.
                killedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                await _cluster.KillSiloAsync(victim);
                output.WriteLine($"killed {victim.SiloAddress} with {driver.Places.Count} slices placed");
            }
            await driver.FillAsync(place, 0.003m, 50000m);
        }

        var final = await driver.WaitAsync(s => s.IsTerminal, "the iceberg to complete after the failover", TimeSpan.FromSeconds(90));
        var now = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(driver.Grain);
        output.WriteLine($"iceberg completed on {now}");
        Assert.Equal(StrategyStatus.Completed, final.Status);
        Assert.Equal(total, final.FilledQuantity);
        var places = driver.Places;
        Assert.Equal(5, places.Select(p => p.ClientOrderId).Distinct().Count());
        Assert.Equal(5, places.Count);
        Assert.Equal(total, places.Sum(p => p.Spec.Quantity));
        var filled = 0m;
        foreach (var place in places) filled += (await driver.OrderAsync(place.ClientOrderId))!.FilledQuantity;
        Assert.Equal(total, filled);
    }

    /// <summary>
    /// Picks a strategy id whose grain activates on a silo other than the primary (which hosts the test cluster's
    /// membership and must not be killed).
    /// </summary>
    private async Task<(StrategyDriver Driver, SiloHandle Silo)> StrategyOnSecondarySiloAsync(IGrainFactory grains, AccountId account)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var driver = new StrategyDriver(grains, account, ContingentOrderIds.NewStrategyId());
            Assert.Null(await driver.Grain.GetAsync());
            var address = await management.GetActivationAddress(driver.Grain);
            var silo = _cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.Equals(address));
            if (silo is not null) return (driver, silo);
        }
        throw new InvalidOperationException("no strategy grain was placed on a secondary silo in 50 attempts");
    }
}
