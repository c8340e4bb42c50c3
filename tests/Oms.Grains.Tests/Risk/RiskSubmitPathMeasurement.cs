using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Oms.Grains.Tests.Infrastructure.TestInstruments;

namespace Oms.Grains.Tests.Risk;

/// <summary>
/// Prints the submit-path latency with and without risk checks, as ratios, on a single in-process silo of its own (the
/// risk silo configuration: memory storage with the Orleans serializer), called through the silo's own grain factory as
/// the co-hosted gateway does — one silo, so where a grain lands never differs between the configurations. It measures
/// and prints; it asserts only correctness, never timings (the benchmark figures live in tests/Oms.Benchmarks/README.md).
/// <para>
/// There is no switch that turns the risk engine off, so "without" is an account with no limits configured (account and
/// firm): the always-on checks still run (scope, filters, trading state, margin). "With" is every account-level limit
/// plus a strategy tag with its own book limits, and then the same with a firm exposure limit, which adds the one grain
/// call that reserves the account's exposure with the firm risk grain. The three accounts hold the same book (a 0.5
/// BTC position from fills, a USDT balance, 40 resting orders) and are measured in interleaved rounds, so the load of
/// the shared machine weighs on all three alike; the firm limit is set before its block and removed after it (not
/// timed). Each block is timed by wall clock and by the CPU time of this process (every thread: the test, both silos'
/// schedulers, the storage, the GC), which waiting for a core on a loaded machine does not inflate; the median over the
/// rounds is reported. Run it alone (with a filter): other tests running in the process add to its CPU time.
/// </para>
/// </summary>
[Collection(RiskClusterCollection.Name)]
public sealed class RiskSubmitPathMeasurement(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 25;
    private const int PerBlock = 40;
    private const int Resting = 40;

    private TestCluster _cluster = null!;
    private IGrainFactory _grains = null!;
    private RiskDriver _d = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<RiskSiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        var silo = (InProcessSiloHandle?)_cluster.Primary ?? throw new InvalidOperationException("the measurement cluster has no silo");
        _grains = silo.SiloHost.Services.GetRequiredService<IGrainFactory>();
        _d = new RiskDriver(_grains);
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Measure_submit_latency_with_and_without_risk_checks()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var limits = new RiskLimits
        {
            MaxOrderNotional = 250_000m,
            MaxOrderQuantity = 5m,
            MaxOpenOrders = 10_000,
            MaxPositionQuantity = 50m,
            MaxPositionNotional = 5_000_000m,
            MaxGrossExposure = 10_000_000m,
            MaxNetExposure = 8_000_000m,
            PriceBandPercent = 5m,
            MaxOrdersPerSecond = 1_000_000,
            MaxDrawdownPercent = 90m,
            MaxDailyLoss = 1_000_000m,
            Leverage = 5m,
            Instruments = [new InstrumentRiskLimits { Instrument = BtcPerp, MaxOrderQuantity = 2m, PriceBandPercent = 3m }],
            Strategies = [new StrategyRiskLimits { Tag = "mm", MaxOrderNotional = 100_000m, MaxPositionQuantity = 40m, MaxGrossExposure = 5_000_000m }],
        };
        var firmLimits = new RiskLimits { MaxGrossExposure = 1_000_000_000m, MaxNetExposure = 1_000_000_000m };
        var none = await AccountAsync("meas-none", RiskLimits.None);
        var account = await AccountAsync("meas-acct", limits);
        var firm = await AccountAsync("meas-firm", limits);
        var order = Specs.Limit(BtcPerp, OrderSide.Buy, 0.01m, 59990m) with { StrategyTag = "mm" };

        var samples = new Dictionary<string, List<(double Wall, double Cpu)>> { ["none"] = [], ["account"] = [], ["firm"] = [] };
        for (var round = 0; round < Rounds; round++)
        {
            samples["none"].Add(await BlockAsync(none, order));
            samples["account"].Add(await BlockAsync(account, order));
            await using (await _d.FirmLimitsAsync(firmLimits))
            {
                samples["firm"].Add(await BlockAsync(firm, order));
            }
        }

        var wallBaseline = Median(samples["none"].Select(v => v.Wall));
        var cpuBaseline = Median(samples["none"].Select(v => v.Cpu));
        foreach (var (name, values) in samples)
        {
            var wall = Median(values.Select(v => v.Wall));
            var cpu = Median(values.Select(v => v.Cpu));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-8}: wall median {wall:F0} us per submit (min {values.Min(v => v.Wall):F0}, max {values.Max(v => v.Wall):F0}), ratio {wall / wallBaseline:F2}; process CPU median {cpu:F0} us per submit, ratio {cpu / cpuBaseline:F2} ({Rounds} rounds of {PerBlock})"));
        }
        // Every measured submit passed: the last round's orders are open on each account.
        foreach (var id in new[] { none, account, firm })
        {
            Assert.Equal(Resting, (await _grains.GetAccount(id).GetInfoAsync()).OpenOrderCount);
        }
    }

    /// <summary>An account with a 0.5 BTC position, a USDT balance and 40 acknowledged resting orders (bids and asks).</summary>
    private async Task<AccountId> AccountAsync(string purpose, RiskLimits limits)
    {
        var (id, account) = await _d.NewAccountAsync(purpose);
        await _d.BalancesAsync(id, new VenueBalance("USDT", 1_000_000m, 0m));
        if (limits != RiskLimits.None) await _d.SetLimitsAsync(id, limits);
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Buy, 0.5m, 60000m));
        var acks = new List<VenueEvent>();
        for (var i = 0; i < Resting; i++)
        {
            var bid = i % 2 == 0;
            var price = 60000m + ((bid ? -1m : 1m) * (i / 2 + 1) * 10m);
            var result = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, bid ? OrderSide.Buy : OrderSide.Sell, 0.01m, price) with { StrategyTag = i % 3 == 0 ? "mm" : null }));
            Assert.True(result.Order.Status == OrderStatus.PendingNew, $"resting order {i} was not accepted: {result.Order.Denial}");
            acks.Add(VenueDriver.Update(id, result.Order, VenueOrderEventKind.Accepted, VenueDriver.NewVenueOrderId()));
        }
        await _d.SendAsync(id, [.. acks]);
        return id;
    }

    /// <summary>
    /// Times <see cref="PerBlock"/> sequential submits (wall and process CPU microseconds per submit), then has the venue
    /// cancel them (not timed).
    /// </summary>
    private async Task<(double Wall, double Cpu)> BlockAsync(AccountId id, OrderSpec order)
    {
        var account = _grains.GetAccount(id);
        var submitted = new List<OrderSnapshot>(PerBlock);
        using var process = Process.GetCurrentProcess();
        var cpuStarted = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < PerBlock; i++)
        {
            var result = await account.SubmitOrderAsync(Specs.Submit(order));
            submitted.Add(result.Order);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuStarted;
        Assert.All(submitted, o => Assert.True(o.Status == OrderStatus.PendingNew, $"measured submit on {id} was not accepted: {o.Denial}"));
        await _d.SendAsync(id, [.. submitted.Select(o => (VenueEvent)VenueDriver.Update(id, o, VenueOrderEventKind.Canceled))]);
        return (elapsed.TotalMicroseconds / PerBlock, cpu.TotalMicroseconds / PerBlock);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
