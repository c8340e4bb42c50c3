using System.Diagnostics;

namespace Oms.LoadGen.Measurement;

/// <summary>
/// The monotonic clock every figure is taken on: <see cref="Stopwatch"/> ticks. On Linux these are CLOCK_MONOTONIC
/// nanoseconds, the same clock as node's <c>process.hrtime.bigint()</c>, so times from the SDK child process and from
/// this process can be compared.
/// </summary>
public static class MonoClock
{
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>True when ticks are nanoseconds of CLOCK_MONOTONIC (Linux), so node times are comparable.</summary>
    public static bool IsNanosecondMonotonic => OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    public static long FromSeconds(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static double ToSeconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}

/// <summary>A latency distribution in milliseconds: exact percentiles (nearest rank) over every sample.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static LatencySummary? FromMicroseconds(IEnumerable<double> microseconds)
    {
        var sorted = microseconds.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return null;
        return new LatencySummary(
            sorted.Length,
            Ms(Rank(sorted, 0.50)),
            Ms(Rank(sorted, 0.90)),
            Ms(Rank(sorted, 0.99)),
            Ms(Rank(sorted, 0.999)),
            Ms(sorted[^1]),
            Ms(sorted.Average()));
    }

    public static LatencySummary? FromMilliseconds(IEnumerable<double> milliseconds) => FromMicroseconds(milliseconds.Select(v => v * 1000.0));

    private static double Rank(double[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 3);
}
