using System.Text.Json;
using Xunit;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>Checks on the <c>rateLimits</c> that <c>@binance/common</c> parses from the <c>X-MBX-*</c> response headers.</summary>
public static class RateLimits
{
    /// <summary>An order response carried the used weight and the given ORDERS counters (REFERENCE §1.6 / §5.2).</summary>
    public static void AssertOrderCounters(JsonElement restStep, params (string Interval, int IntervalNum)[] counters)
    {
        var limits = restStep.Items("rateLimits");
        Assert.Contains(limits, l => l.Text("rateLimitType") == "REQUEST_WEIGHT" && l.Text("interval") == "MINUTE");
        foreach (var (interval, number) in counters)
        {
            Assert.True(
                limits.Any(l => l.Text("rateLimitType") == "ORDERS" && l.Text("interval") == interval && l.Long("intervalNum") == number && l.Long("count") >= 1),
                $"no ORDERS {number} {interval} counter in {restStep.At("rateLimits")}");
        }
    }
}
