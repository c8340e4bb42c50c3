using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>
/// Locates the node side of the suite (<c>tests/Oms.Simulator.Conformance/node</c>) and makes sure its pinned
/// packages are installed: <c>.ci/run</c> runs <c>npm ci</c> before the tests; a local <c>dotnet test</c> installs
/// them once here (guarded by an in-process gate and a lock file against concurrent test processes).
/// </summary>
public static class NodeEnvironment
{
    /// <summary>Packages and exact versions the suite is written against (see node/package.json).</summary>
    public static readonly IReadOnlyDictionary<string, string> PinnedPackages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["@binance/spot"] = "32.0.4",
        ["@binance/derivatives-trading-usds-futures"] = "38.1.1",
        ["ccxt"] = "4.5.84",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool ready;

    /// <summary>The node project directory (holds package.json, lib/ and scenarios/).</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>Installs the node packages unless the pinned versions are already present.</summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        if (ready)
        {
            return;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (ready)
            {
                return;
            }

            if (!IsInstalled())
            {
                await using var fileLock = await AcquireLockAsync(Path.Combine(Directory, ".npm-install.lock"), cancellationToken);
                if (!IsInstalled())
                {
                    await RunNpmCiAsync(cancellationToken);
                }
            }

            if (!IsInstalled())
            {
                throw new InvalidOperationException(
                    $"node packages in {Directory} do not match package.json after `npm ci` ({string.Join(", ", PinnedPackages.Select(p => $"{p.Key}@{p.Value}"))})");
            }

            ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool IsInstalled()
    {
        foreach (var (name, version) in PinnedPackages)
        {
            var manifest = Path.Combine(Directory, "node_modules", name, "package.json");
            if (!File.Exists(manifest))
            {
                return false;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            if (!document.RootElement.TryGetProperty("version", out var installed) || installed.GetString() != version)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task RunNpmCiAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start npm");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`npm ci` in {Directory} did not finish within 10 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`npm ci --no-audit --no-fund` in {Directory} failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(11);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    private static string FindDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("OMS_CONFORMANCE_NODE_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var fromBuild = typeof(NodeEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ConformanceNodeDirectory")?.Value;
        if (fromBuild is not null && File.Exists(Path.Combine(fromBuild, "package.json")))
        {
            return fromBuild;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Oms.Simulator.Conformance", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "cannot find tests/Oms.Simulator.Conformance/node (set OMS_CONFORMANCE_NODE_DIR to its path)");
    }
}
