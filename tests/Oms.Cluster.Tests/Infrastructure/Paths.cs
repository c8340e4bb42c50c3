using System.Reflection;

namespace Oms.Cluster.Tests.Infrastructure;

/// <summary>The executables this test build starts, as recorded at build time (same configuration as the tests).</summary>
public static class Paths
{
    public static string TestSilo => Resolve("OmsTestSiloPath");

    public static string Silo => Resolve("OmsSiloPath");

    private static string Resolve(string key)
    {
        var path = typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{Path.GetFileName(path)} was not built next to this test build (expected at {path}); build the test project first", path);
        }
        return path;
    }
}
