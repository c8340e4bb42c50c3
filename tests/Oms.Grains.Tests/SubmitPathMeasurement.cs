using System.Diagnostics;
using System.Globalization;

namespace Oms.Grains.Tests;

/// <summary>
/// Prints what the grain submit path costs on the in-process 3-silo test cluster (memory storage, Orleans serializer).
/// It measures and prints; it asserts only correctness, never timings.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SubmitPathMeasurement(ClusterFixture fixture, ITestOutputHelper output)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Measure_submit_path()
    {
        var spec = Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m);

        // Steady book: every order is closed by the venue right after its submit, so the account keeps a bounded set.
        var steady = TestAccounts.New("perf-steady");
        var steadyGrain = await _grains.Provision(steady);
        var driver = new VenueDriver(_grains);
        var submitTicks = 0L;
        const int steadyCount = 300;
        for (var i = 0; i < steadyCount + 50; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await steadyGrain.SubmitOrderAsync(Specs.Submit(spec));
            if (i >= 50) submitTicks += Stopwatch.GetTimestamp() - started;
            await driver.Send(steady, VenueDriver.Update(steady, result.Order, VenueOrderEventKind.Canceled));
        }
        Print("steady book (bounded state), sequential", steadyCount, Stopwatch.GetElapsedTime(0, submitTicks));

        // Growing book: orders stay open, so every write carries more state.
        var growing = TestAccounts.New("perf-grow");
        var growingGrain = await _grains.Provision(growing);
        var firstHundred = TimeSpan.Zero;
        var lastHundred = TimeSpan.Zero;
        const int growingCount = 500;
        var all = Stopwatch.StartNew();
        for (var i = 0; i < growingCount; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await growingGrain.SubmitOrderAsync(Specs.Submit(spec));
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (i < 100) firstHundred += elapsed;
            if (i >= growingCount - 100) lastHundred += elapsed;
        }
        all.Stop();
        Print("growing book (0 -> 500 open orders), sequential", growingCount, all.Elapsed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first 100: {firstHundred.TotalMicroseconds / 100:F0} us/submit, last 100: {lastHundred.TotalMicroseconds / 100:F0} us/submit"));

        // Many accounts at once: throughput of the cluster (2 cores shared with the test runner).
        const int accounts = 8;
        const int perAccount = 100;
        var grains = new List<IAccountGrain>();
        for (var a = 0; a < accounts; a++)
        {
            var id = TestAccounts.New($"perf-par{a}");
            grains.Add(await _grains.Provision(id));
        }
        var parallel = Stopwatch.StartNew();
        await Task.WhenAll(grains.Select(async grain =>
        {
            for (var i = 0; i < perAccount; i++) await grain.SubmitOrderAsync(Specs.Submit(spec));
        }));
        parallel.Stop();
        Print($"{accounts} accounts in parallel, {perAccount} sequential submits each", accounts * perAccount, parallel.Elapsed, perCallIsLatency: false);

        Assert.Equal(growingCount, (await growingGrain.GetInfoAsync()).OpenOrderCount);
        Assert.Equal(growingCount, (await growingGrain.GetInfoAsync()).LastSequence);
        Assert.All(await Task.WhenAll(grains.Select(g => g.GetInfoAsync())), info => Assert.Equal(perAccount, info.LastSequence));
    }

    private void Print(string scenario, int count, TimeSpan elapsed, bool perCallIsLatency = true)
    {
        var perSecond = count / elapsed.TotalSeconds;
        var mean = elapsed.TotalMicroseconds / count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario}: {count} submits in {elapsed.TotalMilliseconds:F0} ms = {perSecond:F0} submits/s, {(perCallIsLatency ? "mean" : "amortised")} {mean:F0} us per SubmitOrderAsync"));
    }
}
