using System.Text.Json;

namespace Oms.Simulator.Tests.Support;

/// <summary>Loads the Binance protocol samples from <c>../shared/protocol/binance/samples</c> relative to the repository root.</summary>
public static class Samples
{
    private static readonly Lazy<string> Root = new(FindSamplesRoot);

    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);

    public static JsonElement Load(string relative)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path(relative)));
        return document.RootElement.Clone();
    }

    private static string FindSamplesRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Oms.Orleans.sln")))
        {
            directory = directory.Parent;
        }

        if (directory?.Parent is null)
        {
            throw new InvalidOperationException($"cannot find the repository root (Oms.Orleans.sln) above {AppContext.BaseDirectory}");
        }

        var samples = System.IO.Path.Combine(directory.Parent.FullName, "shared", "protocol", "binance", "samples");
        if (!Directory.Exists(samples))
        {
            throw new InvalidOperationException($"Binance samples not found at {samples} (expected ../shared beside the repository root)");
        }

        return samples;
    }
}
