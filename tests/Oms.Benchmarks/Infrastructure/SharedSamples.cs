using System.Runtime.CompilerServices;

namespace Oms.Benchmarks.Infrastructure;

/// <summary>
/// Finds the team's shared folder (<c>../shared</c> beside the repository root), where the recorded venue payloads live.
/// The path is resolved from this source file's location at build time, so it holds in BenchmarkDotNet's child processes.
/// </summary>
internal static class SharedSamples
{
    public static string Path(params string[] relative)
    {
        var root = RepositoryRoot();
        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared"));
        var path = System.IO.Path.Combine([shared, .. relative]);
        if (!File.Exists(path)) throw new FileNotFoundException($"shared sample {path} not found (expected ../shared beside the repository root {root})", path);
        return path;
    }

    public static byte[] ReadBytes(params string[] relative) => File.ReadAllBytes(Path(relative));

    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        // tests/Oms.Benchmarks/Infrastructure/SharedSamples.cs -> repository root
        var directory = new DirectoryInfo(System.IO.Path.GetDirectoryName(thisFile)!);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Oms.Orleans.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException($"no Oms.Orleans.sln above {thisFile}");
    }
}
