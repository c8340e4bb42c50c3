using System.Diagnostics;
using System.Globalization;
using Oms.Grains.Tests.Strategies.Infrastructure;
using static Oms.Grains.Tests.Strategies.Infrastructure.StrategySpecs;

namespace Oms.Grains.Tests.Strategies;

/// <summary>
/// Prints the bracket reaction time on the in-process 3-silo test cluster: from the stop-loss fill being handed to the
/// account (as a connector worker hands it) to the take-profit's cancel command reaching the venue port. In between:
/// the account applies and persists the fill, notifies the bracket (one-way), the bracket persists its cancel intent
/// and asks the account, which persists the pending cancel and routes it. It measures and prints; it asserts only
/// correctness, never timings.
/// </summary>
[Collection(StrategyCollection.Name)]
public sealed class BracketReactionMeasurement(StrategyClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Measure_stop_fill_to_sibling_cancel()
    {
        const int warmup = 10;
        const int measured = 100;
        var perp = TestInstruments.BtcPerp;
        var samples = new List<TimeSpan>(measured);
        for (var i = 0; i < warmup + measured; i++)
        {
            var d = await NewAsync(fixture.Grains, "br-measure");
            await d.Grain.SubmitBracketAsync(Bracket(LimitEntry(perp, OrderSide.Buy, 0.004m, 50000m), StopMarket(49000m), LimitTakeProfit(52000m)));
            var entry = await d.PlacedAsync(ChildRole.Entry, 1);
            await d.AckAsync(ChildRole.Entry, 1, perp);
            await d.FillAsync(entry, 0.004m, 50000m);
            var stop = await d.PlacedAsync(ChildRole.StopLoss, 1);
            await d.PlacedAsync(ChildRole.TakeProfit, 1);
            await d.AckAsync(ChildRole.StopLoss, 1, perp);
            await d.AckAsync(ChildRole.TakeProfit, 1, perp);
            await d.WaitAsync(s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is OrderStatus.New or OrderStatus.Filled), "legs acknowledged");

            var fill = d.FillEvent(stop, 0.004m, 48990m);
            var started = Stopwatch.GetTimestamp();
            await d.SendAsync(fill);
            var cancel = await d.CancelRoutedAsync(ChildRole.TakeProfit, 1);
            if (i >= warmup) samples.Add(Stopwatch.GetElapsedTime(started, cancel.Timestamp));

            Assert.Equal(d.Child(ChildRole.TakeProfit, 1), Assert.Single(d.Cancels).ClientOrderId);
            await d.CanceledAsync(ChildRole.TakeProfit, 1, perp);
        }

        samples.Sort();
        string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
        TimeSpan At(double q) => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        output.WriteLine($"bracket reaction (stop fill delivered to the account -> take-profit cancel routed), {measured} brackets, 3-silo in-process cluster:");
        output.WriteLine($"  p50 {Ms(At(0.50))} ms  p90 {Ms(At(0.90))} ms  p99 {Ms(At(0.99))} ms  max {Ms(samples[^1])} ms  min {Ms(samples[0])} ms");
    }
}
