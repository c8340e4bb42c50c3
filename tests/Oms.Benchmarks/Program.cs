using BenchmarkDotNet.Running;

namespace Oms.Benchmarks;

/// <summary>Runs the benchmark classes of this assembly; pick with <c>--filter</c>, e.g. <c>--filter '*Signing*'</c> (see README.md).</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
