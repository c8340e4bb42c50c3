using System.Diagnostics;
using System.Globalization;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;
using Oms.LoadGen.Scenarios;

namespace Oms.LoadGen;

/// <summary>Runs the selected scenarios against the OMS under test and writes the report.</summary>
public static class LoadGenerator
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(LoadGenOptions.Usage);
            return 0;
        }
        LoadGenOptions options;
        try
        {
            options = LoadGenOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + LoadGenOptions.Usage);
            return 2;
        }

        // Bounded: every run stops by itself; Ctrl+C stops it early.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return await RunAsync(options, args, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("stopped (Ctrl+C or the 30-minute bound)");
            return 3;
        }
    }

    private static async Task<int> RunAsync(LoadGenOptions options, string[] args, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var report = await MeasureAsync(options, args, root, cancellationToken);
        Targets.Evaluate(report, options);
        report.FinishedAt = DateTimeOffset.UtcNow;
        report.LoadAverageAtEnd = LoadAverage.Read();
        var basePath = options.Output ?? Path.Combine(root, "artifacts", "loadgen", report.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var (json, markdown) = await ReportWriter.WriteAsync(report, basePath, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(ReportWriter.Markdown(report));
        Log($"wrote {json} and {markdown}");
        return 0;
    }

    /// <summary>Starts (or attaches to) the OMS, runs the scenarios and stops the OMS again.</summary>
    private static async Task<LoadGenReport> MeasureAsync(LoadGenOptions options, string[] args, string root, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var loadAtStart = LoadAverage.Read();
        var runOrders = options.Scenario is Scenario.Default or Scenario.All or Scenario.Orders;
        var runFills = options.Scenario is Scenario.Default or Scenario.All or Scenario.Fills;
        var runSession = options.Scenario is Scenario.Default or Scenario.All or Scenario.Session;
        var runMemory = options.Scenario is Scenario.All or Scenario.Memory;

        SdkBaseline? baseline = null;
        string? nodeVersion = null;
        if (runOrders && options.Baseline)
        {
            baseline = await SdkBaseline.PrepareAsync(options, root, cancellationToken);
            nodeVersion = await baseline.NodeVersionAsync(cancellationToken);
        }

        var accounts = options.Attached
            ? new RunAccounts(
                runOrders ? options.AttachAccounts.Take(options.Accounts).ToArray() : [],
                runFills ? options.AttachAccounts.Take(options.FillAccounts).ToArray() : [],
                runMemory ? options.AttachAccounts.Take(options.MemoryAccounts).ToArray() : [],
                [])
            : new RunAccounts(
                runOrders ? Ids("lg-o", options.Accounts) : [],
                runFills ? Ids("lg-f", options.FillAccounts) : [],
                runMemory ? Ids("lg-m", options.MemoryAccounts) : [],
                // Two: the silo's Oms:Accounts replaces the profile's two demo accounts index by index (the second stays idle).
                runSession ? Ids("lg-s", 2) : []);

        Log($"starting the OMS under test ({(options.Attached ? "attach to " + options.Endpoint : "in-process, " + options.Storage.ToString().ToLowerInvariant() + " storage")})");
        await using var oms = options.Attached
            ? OmsUnderTest.Attach(options, accounts)
            : await OmsUnderTest.StartInProcessAsync(options, accounts, measureStateFromStart: runMemory, cancellationToken);
        await oms.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        Log($"OMS ready at {oms.GrpcEndpoint}; simulator at {oms.Simulator.RestBase}");

        var order = new OrderFlowSettings(0, options.Warmup, options.Duration, options.Drain, options.Symbol, "BUY", "LIMIT", "IOC", 0m, 0.0002m);
        var report = new LoadGenReport
        {
            StartedAt = startedAt,
            Commit = await GitDescribeAsync(root, cancellationToken),
            Machine = MachineInfo.Read(nodeVersion),
            LoadAverageAtStart = loadAtStart,
            Config = new RunConfig(
                options.Scenario.ToString().ToLowerInvariant(), options.Quick, options.Rates, options.Warmup.TotalSeconds, options.Duration.TotalSeconds,
                options.Drain.TotalSeconds, options.Accounts, options.FillAccounts, options.FillOrdersPerAccount, options.MemoryAccounts,
                options.MemoryOrdersPerAccount, options.Symbol, "BUY LIMIT IOC 0.0002 at 90 % of the market price (acknowledged NEW, then EXPIRED; no fill)",
                options.Baseline, options.Storage.ToString().ToLowerInvariant(),
                options.Attached ? "as configured in the attached simulator (raise them for the rates asked)" : OmsUnderTest.RaisedSpotLimits,
                options.SiloSettings,
                "dotnet run -c Release --project tests/Oms.LoadGen -- " + RedactedArguments(args),
                options.FrameTap, options.ReconnectOrders, options.ReconnectRounds, options.Connects),
            Oms = new TargetDescription(oms.Description, oms.VenuePath, oms.Storage, oms.SiloMeter.Scope, oms.GrpcEndpoint.ToString()),
        };

        using var venue = oms.SimulatorHost is { } host ? new VenueTap(host) : null;
        using var metrics = oms.InProcess ? new OmsMetricsCapture() : null;

        if (runOrders)
        {
            IReadOnlyList<SimulatorKey> sdkKeys = [];
            if (baseline is not null)
            {
                var keys = new List<SimulatorKey>();
                var tag = Guid.NewGuid().ToString("N")[..6];
                for (var i = 0; i < accounts.Orders.Count; i++)
                    keys.Add(await oms.Simulator.CreateAccountAsync(Inv($"lg-sdk-{tag}-{i:000}"), SimulatorControl.DefaultBalances, cancellationToken));
                sdkKeys = keys;
            }
            foreach (var rate in options.Rates)
            {
                var price = Math.Floor(await oms.Simulator.GetPriceAsync(options.Symbol, cancellationToken) * 0.9m);
                var settings = order with { Rate = rate, Price = price };
                Log($"order flow at {rate}/s through the OMS: {settings.WarmupOrders} warm-up + {settings.MeasuredOrders} measured orders ({settings.Describe()})");
                var omsResult = await OmsOrderFlow.RunAsync(oms, accounts.Orders, settings, venue, metrics, cancellationToken);
                Log(Summary(omsResult));
                OrderFlowResult? sdkResult = null;
                if (baseline is not null)
                {
                    await Task.Delay(1000, cancellationToken);
                    Log($"order flow at {rate}/s through @binance/spot directly (same simulator, same orders)");
                    try
                    {
                        sdkResult = await baseline.RunAsync(oms.SpotWsApiForClients, sdkKeys, settings, venue, oms.FrameTap, oms.SiloMeter, cancellationToken);
                        Log(Summary(sdkResult));
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.Text.Json.JsonException or IOException)
                    {
                        report.Notes.Add(Inv($"The SDK baseline at {rate}/s failed: {ex.Message}"));
                        Log($"  the SDK baseline failed: {ex.Message}");
                    }
                }
                report.OrderFlow.Add(new RateComparison(rate, omsResult, sdkResult, Compare(omsResult, sdkResult)));
                await Task.Delay(1000, cancellationToken);
            }
        }

        if (runFills)
        {
            Log($"fill ingest: {accounts.Fills.Count} accounts x {options.FillOrdersPerAccount} resting orders, one venue sweep");
            try
            {
                report.FillIngest = await FillIngest.RunAsync(oms, accounts.Fills, options.FillOrdersPerAccount, options.Symbol, options.Drain, venue, metrics, cancellationToken);
                var f = report.FillIngest;
                Log(Inv($"fill ingest: {f.DistinctFillsReceived}/{f.VenueTrades} fills in {f.IngestSeconds:0.###} s = {f.FillsPerSecond:0}/s; lost {f.Lost}, doubled {f.Doubled}"));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or RpcException or HttpRequestException)
            {
                report.Notes.Add("The fill-ingest run did not complete: " + ex.Message);
                Log("fill ingest failed: " + ex.Message);
            }
        }

        if (runSession)
        {
            Log($"session: {options.Connects} connector WS API connects + logons; {options.ReconnectRounds} drop(s) of an account with {options.ReconnectOrders} open orders");
            try
            {
                report.Session = await SessionRecovery.RunAsync(oms, accounts.Session, options.ReconnectOrders, options.ReconnectRounds, options.Connects,
                    options.Symbol, cancellationToken);
                var s = report.Session;
                Log(Inv($"session: connect + logon p50/p99 {s.ConnectLogon?.P50:0.###}/{s.ConnectLogon?.P99:0.###} ms; drop → reconciled {string.Join(", ", s.Rounds.Select(r => r.DropToReconciledMs?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"))} ms"));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or RpcException or HttpRequestException)
            {
                report.Notes.Add("The session run did not complete: " + ex.Message);
                Log("session run failed: " + ex.Message);
            }
        }

        if (runMemory)
        {
            Log($"memory: {accounts.Memory.Count} accounts x {options.MemoryOrdersPerAccount} open orders");
            try
            {
                report.Memory = await MemoryFootprint.RunAsync(oms, accounts.Memory, options.MemoryOrdersPerAccount, options.Symbol, cancellationToken);
                var mm = report.Memory;
                Log(Inv($"memory: RSS {mm.ResidentMiBBefore} -> {mm.ResidentMiBAfter} MiB; account state {mm.AccountStateBytesWithOrders} B = {mm.StateBytesPerOpenOrder} B/open order"));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or RpcException or HttpRequestException)
            {
                report.Notes.Add("The memory run did not complete: " + ex.Message);
                Log("memory run failed: " + ex.Message);
            }
        }

        Log("stopping the OMS under test");
        return report;
    }

    private static ComparisonRatios? Compare(OrderFlowResult oms, OrderFlowResult? sdk)
    {
        if (sdk is null) return null;
        static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? Math.Round(x / y, 2) : null;
        static double? Diff(double? a, double? b) => a is { } x && b is { } y ? Math.Round(x - y, 3) : null;
        return new ComparisonRatios(
            Ratio(oms.SubmitToAck?.P50, sdk.SubmitToResponse?.P50),
            Ratio(oms.SubmitToAck?.P99, sdk.SubmitToResponse?.P99),
            Ratio(oms.SubmitToAck?.P999, sdk.SubmitToResponse?.P999),
            Ratio(oms.SubmitToAck?.P50, sdk.SubmitToAck?.P50),
            Ratio(oms.SubmitToAck?.P99, sdk.SubmitToAck?.P99),
            Diff(oms.SubmitToVenue?.P50, sdk.SubmitToVenue?.P50),
            Diff(oms.SubmitToVenue?.P99, sdk.SubmitToVenue?.P99),
            CpuPerOrder(oms.SiloProcess, oms.MeasuredOrders),
            CpuPerOrder(sdk.SiloProcess, sdk.MeasuredOrders + sdk.WarmupOrders),
            CpuPerOrder(sdk.ClientProcess, sdk.MeasuredOrders + sdk.WarmupOrders));
    }

    private static double? CpuPerOrder(ProcessUsage? usage, int orders) =>
        usage is null || orders == 0 ? null : Math.Round((usage.CpuUserSeconds + usage.CpuSystemSeconds) * 1000.0 / orders, 3);

    private static string Summary(OrderFlowResult r) => Inv(
        $"  {r.Client}: {r.Acks}/{r.MeasuredOrders} acked, {r.AchievedAckedPerSecond:0.#}/s; submit→response p50/p99 {r.SubmitToResponse?.P50:0.###}/{r.SubmitToResponse?.P99:0.###} ms; submit→ack p50/p99/p99.9 {r.SubmitToAck?.P50:0.###}/{r.SubmitToAck?.P99:0.###}/{r.SubmitToAck?.P999:0.###} ms; errors {r.Errors.Values.Sum()}");

    /// <summary>The arguments as typed, quoted where needed, with connection-string passwords and the API token hidden.</summary>
    private static string RedactedArguments(string[] args)
    {
        var parts = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var text = i > 0 && args[i - 1] == "--token"
                ? "***"
                : System.Text.RegularExpressions.Regex.Replace(args[i], "(?i)(password|pwd)=[^;]*", "$1=***");
            parts.Add(text.Contains(' ', StringComparison.Ordinal) || text.Contains(';', StringComparison.Ordinal) ? $"\"{text}\"" : text);
        }
        return string.Join(' ', parts);
    }

    private static string[] Ids(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i:000}")).ToArray();

    private static void Log(string message) => Console.Error.WriteLine($"[loadgen {DateTime.UtcNow:HH:mm:ss}] {message}");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The repository root (the directory holding Oms.Orleans.sln) above the working directory or the binaries; else the working directory.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Oms.Orleans.sln"))) return dir.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }

    private static async Task<string> GitDescribeAsync(string root, CancellationToken cancellationToken)
    {
        try
        {
            var head = (await GitAsync(root, "rev-parse --short HEAD", cancellationToken)).Trim();
            var dirty = (await GitAsync(root, "status --porcelain --untracked-files=no", cancellationToken)).Trim().Length > 0;
            return head.Length == 0 ? "unknown" : head + (dirty ? "+uncommitted changes" : "");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static async Task<string> GitAsync(string root, string arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("git", arguments) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("git did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? output : "";
    }
}
