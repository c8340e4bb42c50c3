using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Oms.LoadGen.Measurement;

/// <summary>The machine the figures were taken on.</summary>
public sealed record MachineInfo(
    int LogicalCores,
    string Os,
    string Architecture,
    string Cpu,
    double? MemoryGiB,
    string Dotnet,
    string GcMode,
    string? Node)
{
    public static MachineInfo Read(string? nodeVersion) => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString(),
        CpuModel(),
        TotalMemoryGiB(),
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC ? "server" : "workstation",
        nodeVersion);

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "unknown";
    }

    private static double? TotalMemoryGiB()
    {
        var bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return bytes > 0 ? Math.Round(bytes / 1024.0 / 1024.0 / 1024.0, 1) : null;
    }
}

/// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg); other engineers' builds share the machine.</summary>
public sealed record LoadAverage(double One, double Five, double Fifteen)
{
    public static LoadAverage? Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new LoadAverage(Parse(parts[0]), Parse(parts[1]), Parse(parts[2]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or FormatException)
        {
            return null;
        }
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{One:0.00} {Five:0.00} {Fifteen:0.00}");
}
