using BenchmarkDotNet.Running;

namespace Oms.Benchmarks;

/// <summary>Runs the benchmark classes of this assembly; pick with <c>--filter</c>, e.g. <c>--filter '*Signing*'</c> (see README.md).</summary>
public static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        // Grain state sizes (bytes, not time): `-- --state-size`.
        if (args.Contains("--state-size")) return AccountStateSizeReport.RunAsync(Console.Out).GetAwaiter().GetResult();
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
