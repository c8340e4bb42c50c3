using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Oms.Benchmarks.Infrastructure;

/// <summary>
/// Nanosecond-scale benchmarks: BenchmarkDotNet's ShortRun (1 launch, 3 warm-ups) with 10 measured iterations instead
/// of 3, because the machine is shared and 3 iterations give confidence intervals wider than the effects. Memory is
/// always measured; every class has a baseline so the ratio column is the number to read.
/// </summary>
public sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        AddJob((BenchmarkJobs.DryRun ? BenchmarkJobs.Dry : Job.ShortRun.WithIterationCount(10).WithId("ShortRun10")).WithToolchain(BenchmarkJobs.InProcess));
        AddDiagnoser(MemoryDiagnoser.Default);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
        Orderer = new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared);
    }
}

/// <summary>
/// Benchmarks whose state must be rebuilt between iterations (<c>[IterationSetup]</c>): one invocation per iteration,
/// each invocation a batch of operations (<c>OperationsPerInvoke</c>), so the mean is per operation and
/// <c>Op/s</c> is operations per second.
/// </summary>
public sealed class BatchConfig : ManualConfig
{
    public BatchConfig()
    {
        AddJob((BenchmarkJobs.DryRun
            ? BenchmarkJobs.Dry
            : Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(15)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithId("Batch15"))
            .WithToolchain(BenchmarkJobs.InProcess));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.OperationsPerSecond);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
        Orderer = new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared);
    }
}

/// <summary>
/// <c>OMS_BENCH_DRY=1</c> runs every benchmark once (BenchmarkDotNet's Dry job): a smoke test that the benchmarks
/// still build, set up and run against the current code, with no meaningful numbers.
/// </summary>
internal static class BenchmarkJobs
{
    public static bool DryRun => Environment.GetEnvironmentVariable("OMS_BENCH_DRY") == "1";

    public static Job Dry => Job.Dry.WithId("Dry");

    /// <summary>
    /// In-process: the benchmarks run inside this (Release) process. BenchmarkDotNet's default out-of-process
    /// toolchain rebuilds the whole project graph (simulator, Orleans code generation) into a generated project on
    /// every run, which took over its 2-minute build timeout on the shared 2-core machine.
    /// </summary>
    public static IToolchain InProcess { get; } = new InProcessEmitToolchain(TimeSpan.FromMinutes(15), logOutput: true);
}
