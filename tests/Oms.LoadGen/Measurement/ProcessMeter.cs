using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Oms.LoadGen.Measurement;

/// <summary>CPU time, resident memory and (for this process) GC figures of one process at one moment.</summary>
public sealed record ProcessSample(long Timestamp, double UserSeconds, double SystemSeconds, long ResidentBytes, long PeakResidentBytes,
    long AllocatedBytes, int Gen0, int Gen1, int Gen2);

/// <summary>What a process used between two samples.</summary>
public sealed record ProcessUsage(
    int Pid,
    string Scope,
    double WallSeconds,
    double CpuUserSeconds,
    double CpuSystemSeconds,
    double CpuPercentOfOneCore,
    double ResidentMiB,
    double PeakResidentMiB,
    double? AllocatedMiB,
    int? Gen0Collections,
    int? Gen1Collections,
    int? Gen2Collections);

/// <summary>Samples a process (this one, or another by pid) through <see cref="Process"/> and /proc.</summary>
public sealed class ProcessMeter(int pid, string scope)
{
    public int Pid { get; } = pid;

    /// <summary>What the figures cover (e.g. "whole load-generator process: silo + simulator + gRPC client").</summary>
    public string Scope { get; } = scope;

    private bool IsSelf => Pid == Environment.ProcessId;

    public static ProcessMeter Self(string scope) => new(Environment.ProcessId, scope);

    public ProcessSample Sample()
    {
        using var process = Process.GetProcessById(Pid);
        process.Refresh();
        var (resident, peak) = ReadStatusMemory(Pid, process.WorkingSet64);
        return IsSelf
            ? new ProcessSample(MonoClock.Now, process.UserProcessorTime.TotalSeconds, process.PrivilegedProcessorTime.TotalSeconds, resident, peak,
                GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2))
            : new ProcessSample(MonoClock.Now, process.UserProcessorTime.TotalSeconds, process.PrivilegedProcessorTime.TotalSeconds, resident, peak,
                0, 0, 0, 0);
    }

    public ProcessUsage Between(ProcessSample start, ProcessSample end)
    {
        var wall = MonoClock.ToSeconds(end.Timestamp - start.Timestamp);
        var user = end.UserSeconds - start.UserSeconds;
        var system = end.SystemSeconds - start.SystemSeconds;
        return new ProcessUsage(
            Pid,
            Scope,
            Math.Round(wall, 3),
            Math.Round(user, 3),
            Math.Round(system, 3),
            wall > 0 ? Math.Round((user + system) / wall * 100.0, 1) : 0,
            MiB(end.ResidentBytes),
            MiB(end.PeakResidentBytes),
            IsSelf ? MiB(end.AllocatedBytes - start.AllocatedBytes) : null,
            IsSelf ? end.Gen0 - start.Gen0 : null,
            IsSelf ? end.Gen1 - start.Gen1 : null,
            IsSelf ? end.Gen2 - start.Gen2 : null);
    }

    private static double MiB(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);

    /// <summary>VmRSS and VmHWM (peak) from /proc/&lt;pid&gt;/status on Linux; the working set elsewhere.</summary>
    private static (long Resident, long Peak) ReadStatusMemory(int pid, long workingSet)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return (workingSet, workingSet);
        long resident = workingSet, peak = workingSet;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) resident = Kilobytes(line) * 1024;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return (resident, peak);
    }

    private static long Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
    }
}
