using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;

namespace Oms.LoadGen.Scenarios;

/// <summary>
/// The baseline: the same order flow placed directly by the official <c>@binance/spot</c> SDK over the WS API
/// (<c>orderPlace</c>) against the same simulator, by <c>node/baseline.mjs</c> in a child process. It reports its own
/// latency distribution; this side adds the venue-side timestamps (in-process simulator) and the silo process figures
/// over the same window, so both clients are measured the same way.
/// </summary>
public sealed class SdkBaseline(string node, string scriptDirectory)
{
    public string ScriptDirectory { get; } = scriptDirectory;

    /// <summary>Finds <c>tests/Oms.LoadGen/node</c> from the repository root (or <c>--node-dir</c>) and installs its packages when missing.</summary>
    public static async Task<SdkBaseline> PrepareAsync(LoadGenOptions options, string repositoryRoot, CancellationToken cancellationToken)
    {
        var directory = options.NodeDirectory ?? Path.Combine(repositoryRoot, "tests", "Oms.LoadGen", "node");
        if (!File.Exists(Path.Combine(directory, "baseline.mjs")))
            throw new InvalidOperationException($"the SDK baseline script is not at {directory}/baseline.mjs (run from the repository, or pass --node-dir)");
        if (!File.Exists(Path.Combine(directory, "node_modules", "@binance", "spot", "package.json")))
        {
            Console.Error.WriteLine($"installing the baseline's node packages (npm ci in {directory})");
            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], directory, TimeSpan.FromMinutes(5), cancellationToken);
            if (code != 0) throw new InvalidOperationException($"npm ci failed in {directory} (exit {code}): {output}");
        }
        return new SdkBaseline(options.Node, directory);
    }

    /// <summary>The node version, for the machine description.</summary>
    public async Task<string?> NodeVersionAsync(CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(node, ["--version"], ScriptDirectory, TimeSpan.FromSeconds(20), cancellationToken);
        return code == 0 ? output.Trim() : null;
    }

    public async Task<OrderFlowResult> RunAsync(Uri wsApi, IReadOnlyList<SimulatorKey> keys, OrderFlowSettings settings,
        VenueTap? venue, WsFrameTap? frameTap, ProcessMeter siloMeter, CancellationToken cancellationToken)
    {
        var prefix = "lg" + Guid.NewGuid().ToString("N")[..8] + "s";
        var configFile = Path.Combine(Path.GetTempPath(), $"oms-loadgen-sdk-{Guid.NewGuid():N}.json");
        var resultFile = Path.ChangeExtension(configFile, ".result.json");
        var config = new
        {
            wsApi = wsApi.ToString(),
            accounts = keys.Select(k => new { accountId = k.AccountId, apiKey = k.ApiKey, privateKey = k.PrivateKeyPem }),
            symbol = settings.Symbol,
            side = settings.Side,
            type = settings.Type,
            timeInForce = settings.TimeInForce,
            price = settings.Price.ToString(CultureInfo.InvariantCulture),
            quantity = settings.Quantity.ToString(CultureInfo.InvariantCulture),
            rate = settings.Rate,
            warmupSeconds = settings.Warmup.TotalSeconds,
            durationSeconds = settings.Duration.TotalSeconds,
            drainSeconds = settings.Drain.TotalSeconds,
            idPrefix = prefix,
            timeoutMs = 30000,
            resultFile,
        };
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config), cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            venue?.Begin(prefix);
            frameTap?.Begin(prefix);
            var before = siloMeter.Sample();
            var limit = settings.Warmup + settings.Duration + settings.Drain + TimeSpan.FromSeconds(60);
            var (code, output) = await RunAsync(node, ["baseline.mjs", configFile], ScriptDirectory, limit, cancellationToken);
            var after = siloMeter.Sample();
            var venueTimes = venue?.End();
            var frameTimes = frameTap?.End();
            if (!File.Exists(resultFile))
                throw new InvalidOperationException($"the SDK baseline wrote no result (exit {code}): {Tail(output)}");
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(resultFile, cancellationToken));
            var root = result.RootElement;
            if (!root.GetProperty("ok").GetBoolean())
                throw new InvalidOperationException("the SDK baseline failed: " + root.GetProperty("error").GetString());
            return ToResult(root, settings, keys.Count, prefix, venueTimes, frameTimes, siloMeter.Between(before, after));
        }
        finally
        {
            File.Delete(configFile);
            File.Delete(resultFile);
        }
    }

    private static OrderFlowResult ToResult(JsonElement root, OrderFlowSettings settings, int accounts, string prefix,
        IReadOnlyDictionary<string, long>? venueTimes, IReadOnlyDictionary<string, long>? frameTimes, ProcessUsage silo)
    {
        double[] Array(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var errors = root.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var measured = root.GetProperty("measuredOrders").GetInt32();
        var acks = root.GetProperty("acks").GetInt32();
        var responses = root.GetProperty("responses").GetInt32();
        if (measured - responses - errors.Values.Sum() is > 0 and var noResponse) errors["no response within the drain"] = noResponse;
        if (measured - acks - errors.Values.Sum() is > 0 and var noAck) errors["no acknowledgement within the drain"] = noAck;

        // Venue-side figures: the SDK's schedule is on the same monotonic clock (node hrtime = CLOCK_MONOTONIC).
        LatencySummary? toVenue = null, toFrame = null, frameToVenue = null;
        if (MonoClock.IsNanosecondMonotonic)
        {
            var start = long.Parse(root.GetProperty("startMonotonicNs").GetString()!, CultureInfo.InvariantCulture);
            var interval = 1e9 / settings.Rate;
            var warmup = root.GetProperty("warmupOrders").GetInt32();
            var indexes = Enumerable.Range(warmup, measured).ToArray();
            Func<int, long?>? Lookup(IReadOnlyDictionary<string, long>? times) =>
                times is null ? null : i => times.TryGetValue(prefix + i.ToString(CultureInfo.InvariantCulture), out var t) ? t : null;
            long? Scheduled(int i) => start + (long)Math.Round(i * interval);
            toVenue = OmsOrderFlow.Between(indexes, Scheduled, Lookup(venueTimes));
            toFrame = OmsOrderFlow.Between(indexes, Scheduled, Lookup(frameTimes));
            frameToVenue = OmsOrderFlow.Between(indexes, Lookup(frameTimes), Lookup(venueTimes));
        }

        var wall = root.GetProperty("scheduledSeconds").GetDouble();
        var ackSpan = root.GetProperty("lastAckSeconds").GetDouble();
        var user = root.GetProperty("cpuUserSeconds").GetDouble();
        var system = root.GetProperty("cpuSystemSeconds").GetDouble();
        var nodeWall = root.GetProperty("wallSeconds").GetDouble();
        return new OrderFlowResult
        {
            Client = $"{root.GetProperty("sdk").GetString()} {root.GetProperty("sdkVersion").GetString()} direct (WS API orderPlace + userDataStream, node {root.GetProperty("node").GetString()})",
            TargetRate = settings.Rate,
            Accounts = accounts,
            MeasuredOrders = measured,
            WarmupOrders = root.GetProperty("warmupOrders").GetInt32(),
            Responses = responses,
            Acks = acks,
            Errors = new SortedDictionary<string, int>(errors, StringComparer.Ordinal),
            AckKinds = root.GetProperty("ackKinds").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
            AchievedAckedPerSecond = Math.Round(acks / Math.Max(1e-9, ackSpan), 1),
            SendSeconds = Math.Round(root.GetProperty("sendSeconds").GetDouble(), 3),
            SendLag = LatencySummary.FromMicroseconds(Array("sendLagUs")),
            SubmitToResponse = LatencySummary.FromMicroseconds(Array("responseUs")),
            SubmitToAck = LatencySummary.FromMicroseconds(Array("ackUs")),
            SubmitToVenue = toVenue,
            SubmitToFrame = toFrame,
            FrameToVenue = frameToVenue,
            SiloProcess = silo with { Scope = silo.Scope + "; the OMS is idle here, so this is mostly the simulator serving the SDK" },
            ClientProcess = new ProcessUsage(0, "the SDK's node process (warm-up + measured sends + drain; connect excluded)", Math.Round(nodeWall, 3),
                Math.Round(user, 3), Math.Round(system, 3), nodeWall > 0 ? Math.Round((user + system) / nodeWall * 100.0, 1) : 0,
                Math.Round(root.GetProperty("rssBytes").GetDouble() / 1024 / 1024, 1), 0, null, null, null, null),
            Note = wall > 0 ? null : "empty schedule",
        };
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, string directory, TimeSpan limit,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {limit.TotalSeconds:0} s");
        }
        var output = await stdout + await stderr;
        return (process.ExitCode, output);
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
