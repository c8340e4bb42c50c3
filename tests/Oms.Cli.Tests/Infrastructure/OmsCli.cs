using System.Diagnostics;
using System.Text.Json;

namespace Oms.Cli.Tests.Infrastructure;

/// <summary>What one run of the `oms` binary produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Arguments)
{
    /// <summary>Parses stdout as the single JSON document `--json` promises.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout of `oms {string.Join(' ', Arguments)}` is not one JSON document ({ex.Message}):{Environment.NewLine}{this}");
        }
    }

    /// <summary>Parses stdout as JSON Lines (`oms watch --json`).</summary>
    public IReadOnlyList<JsonElement> JsonLines() =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.Clone();
            })
            .ToList();

    public override string ToString() =>
        $"oms {string.Join(' ', Arguments)} -> exit {ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{Stdout}--- stderr ---{Environment.NewLine}{Stderr}";
}

/// <summary>
/// Runs the real `oms` binary (`dotnet oms-cli/oms.dll`, copied beside the tests by the project file) as a child
/// process with a controlled environment: no OMS_* or Oms__* variable of the machine leaks in, HOME is a fresh
/// directory, and stdout/stderr are captured.
/// </summary>
public static class OmsCli
{
    /// <summary>Kills a CLI that is still running after this long (a hang guard, not an assertion on speed).</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    private static readonly string CliPath = Path.Combine(AppContext.BaseDirectory, "oms-cli", "oms.dll");

    private static readonly string Home = Directory.CreateTempSubdirectory("oms-cli-home-").FullName;

    /// <summary>Runs <c>oms</c> with <paramref name="arguments"/> and waits for it to exit.</summary>
    public static Task<CliResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        Start(arguments, environment, workingDirectory).CompletionAsync();

    /// <summary>Starts <c>oms</c> without waiting (for `oms watch` while the test acts on the account).</summary>
    public static RunningCli Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        if (!File.Exists(CliPath)) throw new InvalidOperationException($"the oms binary is missing at {CliPath}; build tests/Oms.Cli.Tests");
        var args = arguments.ToList();
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Home,
        };
        start.ArgumentList.Add(CliPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("OMS_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Oms__", StringComparison.OrdinalIgnoreCase)) start.Environment.Remove(name);
        }
        start.Environment["HOME"] = Home;
        start.Environment["USERPROFILE"] = Home;
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "240";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the oms process");
        return new RunningCli(process, args);
    }

    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
    }

    public sealed class RunningCli
    {
        private readonly Process process;
        private readonly IReadOnlyList<string> arguments;
        private readonly Task<string> stdout;
        private readonly Task stderrPump;
        private readonly System.Text.StringBuilder stderr = new();
        private readonly object gate = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> waiters = [];

        public RunningCli(Process process, IReadOnlyList<string> arguments)
        {
            this.process = process;
            this.arguments = arguments;
            stdout = process.StandardOutput.ReadToEndAsync();
            stderrPump = PumpStderrAsync();
        }

        /// <summary>Asks the CLI to stop the way a terminal or a service manager does (SIGTERM; Ctrl+C takes the same path).</summary>
        public void Terminate()
        {
            if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("POSIX signals only");
            if (NativeMethods.kill(process.Id, NativeMethods.SIGTERM) != 0)
            {
                throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
        }

        /// <summary>Waits until the CLI writes a stderr line matching <paramref name="match"/> (fails if it exits first).</summary>
        public async Task WaitForStderrLineAsync(Func<string, bool> match)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                if (stderr.ToString().Split('\n').Any(match)) return;
                waiters.Add((match, seen));
            }
            var finished = await Task.WhenAny(seen.Task, stderrPump, Task.Delay(HangGuard));
            if (finished != seen.Task)
            {
                throw new Xunit.Sdk.XunitException($"oms never wrote the expected line on stderr; stderr so far:{Environment.NewLine}{Stderr}");
            }
        }

        private string Stderr
        {
            get
            {
                lock (gate) return stderr.ToString();
            }
        }

        private async Task PumpStderrAsync()
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (gate)
                {
                    stderr.Append(line).Append('\n');
                    foreach (var waiter in waiters.Where(w => w.Match(line)).ToList())
                    {
                        waiter.Seen.TrySetResult();
                        waiters.Remove(waiter);
                    }
                }
            }
        }

        public async Task<CliResult> CompletionAsync()
        {
            using (process)
            {
                using var guard = new CancellationTokenSource(HangGuard);
                try
                {
                    await process.WaitForExitAsync(guard.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    await stderrPump;
                    var partial = new CliResult(-1, await stdout, Stderr, arguments);
                    throw new Xunit.Sdk.XunitException($"oms did not exit within {HangGuard.TotalSeconds} s and was killed:{Environment.NewLine}{partial}");
                }
                await stderrPump;
                return new CliResult(process.ExitCode, await stdout, Stderr, arguments);
            }
        }
    }
}

internal static class NativeMethods
{
    public const int SIGTERM = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    public static extern int kill(int pid, int signal);
}
