using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>
/// Runs one node scenario (<c>node scenarios/&lt;area&gt;/&lt;name&gt;.mjs</c>) against the simulator and returns the
/// JSON it printed after <c>@@RESULT </c>. The process gets the simulator URLs, the account's keys and
/// <c>SCENARIO_ARGS</c> (JSON) in its environment; it is killed if it outlives <paramref name="timeout"/>.
/// </summary>
public static class ScenarioRunner
{
    private const string ResultMarker = "@@RESULT ";

    public static async Task<ScenarioResult> RunAsync(
        string script,
        SimulatorFixture simulator,
        SimAccount? account,
        object? args,
        ITestOutputHelper output,
        TimeSpan? timeout = null)
    {
        await NodeEnvironment.EnsureInstalledAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(150);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeEnvironment.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine("scenarios", script));
        foreach (var (name, value) in simulator.NodeVariables(account))
        {
            start.Environment[name] = value;
        }

        start.Environment["SCENARIO_ARGS"] = JsonSerializer.Serialize(args ?? new { }, Json.Options);
        start.Environment["NODE_NO_WARNINGS"] = "1";

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        process.StandardInput.Close();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        output.WriteLine($"node {script}: exit {(timedOut ? "killed (timeout)" : process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))} after {stopwatch.Elapsed.TotalSeconds:F1} s");
        var resultLine = stdout.Split('\n').LastOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
        var diagnostics = stdout.Replace(resultLine ?? "\u0000", "", StringComparison.Ordinal).Trim();
        if (diagnostics.Length > 0)
        {
            output.WriteLine("--- stdout ---\n" + Truncate(diagnostics, 8000));
        }

        if (stderr.Trim().Length > 0)
        {
            output.WriteLine("--- stderr ---\n" + Truncate(stderr.Trim(), 8000));
        }

        if (resultLine is null)
        {
            throw new InvalidOperationException(
                $"node {script} printed no result line ({(timedOut ? $"killed after {limit.TotalSeconds} s" : $"exit code {process.ExitCode}")}).\nstdout: {Truncate(stdout, 4000)}\nstderr: {Truncate(stderr, 4000)}");
        }

        var json = resultLine[ResultMarker.Length..];
        output.WriteLine("--- result ---\n" + Truncate(json, 20000));
        return new ScenarioResult(script, JsonDocument.Parse(json).RootElement.Clone(), stderr);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length - max} more characters)";
}
