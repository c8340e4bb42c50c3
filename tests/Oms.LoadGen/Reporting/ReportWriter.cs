using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Reporting;

/// <summary>Writes a report as indented JSON and as a Markdown summary with the same figures.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<(string Json, string Markdown)> WriteAsync(LoadGenReport report, string basePath, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(basePath));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var jsonPath = basePath + ".json";
        var markdownPath = basePath + ".md";
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken);
        await File.WriteAllTextAsync(markdownPath, Markdown(report), cancellationToken);
        return (jsonPath, markdownPath);
    }

    public static string Markdown(LoadGenReport r)
    {
        var md = new StringBuilder();
        var m = r.Machine;
        md.AppendLine(Inv($"### Load generator run {r.StartedAt:yyyy-MM-dd HH:mm} UTC (commit {r.Commit})"));
        md.AppendLine();
        md.AppendLine(Inv($"- Machine: {m.LogicalCores} cores ({m.Cpu}), {m.MemoryGiB} GiB, {m.Os} {m.Architecture}, {m.Dotnet} ({m.GcMode} GC), node {m.Node ?? "n/a"}"));
        md.AppendLine(Inv($"- Load average (1/5/15 min): {r.LoadAverageAtStart?.ToString() ?? "n/a"} at start, {r.LoadAverageAtEnd?.ToString() ?? "n/a"} at end (the machine is shared)"));
        md.AppendLine(Inv($"- OMS: {r.Oms.How}; venue path: {r.Oms.VenuePath}; storage: {r.Oms.Storage}"));
        if (r.OrderFlow.Count > 0) md.AppendLine(Inv($"- Order: {r.Config.Order}; {r.Config.Accounts} accounts; {r.Config.WarmupSeconds:0.#} s warm-up + {r.Config.DurationSeconds:0.#} s measured per rate and client; simulator limits raised: {r.Config.SimulatorLimits}"));
        if (r.Config.SiloSettings.Count > 0)
            md.AppendLine("- Silo settings changed for this run: " + string.Join(", ", r.Config.SiloSettings.Select(kv => $"`{kv.Key}={kv.Value}`")));
        md.AppendLine(Inv($"- Command: `{r.Config.CommandLine}`"));
        md.AppendLine();

        if (r.OrderFlow.Count > 0)
        {
            md.AppendLine("Open-loop order flow (latency in ms from the scheduled send; p50 / p99 / p99.9):");
            md.AppendLine();
            md.AppendLine("| rate/s | client | submit→response | submit→ack | submit→venue | send lag p99 | achieved ack/s | errors | silo CPU % of 1 core | RSS MiB |");
            md.AppendLine("|---:|---|---|---|---|---:|---:|---|---:|---:|");
            foreach (var c in r.OrderFlow)
            {
                Row(md, c.Rate, "OMS gRPC", c.Oms);
                if (c.Sdk is not null) Row(md, c.Rate, "SDK direct", c.Sdk);
            }
            md.AppendLine();
            md.AppendLine("| rate/s | OMS ack p50 / SDK round trip p50 | p99 ratio | p99.9 ratio | OMS ack p50 / SDK ack p50 | extra to venue p50 / p99 (ms) | CPU ms/order: process in OMS phase / in SDK phase / SDK node | process alloc KiB/order | account state bytes after (mean / max) |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---|---:|---|");
            foreach (var c in r.OrderFlow)
            {
                var x = c.Ratios;
                var o = c.Oms;
                var cpu = o.SiloProcess is { } p && o.MeasuredOrders > 0 ? (p.CpuUserSeconds + p.CpuSystemSeconds) * 1000.0 / o.MeasuredOrders : (double?)null;
                var alloc = o.SiloProcess?.AllocatedMiB is { } a && o.MeasuredOrders > 0 ? a * 1024.0 / o.MeasuredOrders : (double?)null;
                md.AppendLine(Inv($"| {c.Rate} | {X(x?.AckP50VsSdkRoundTripP50)} | {X(x?.AckP99VsSdkRoundTripP99)} | {X(x?.AckP999VsSdkRoundTripP999)} | {X(x?.AckP50VsSdkAckP50)} | {F(x?.OutboundExtraP50Ms)} / {F(x?.OutboundExtraP99Ms)} | {F(cpu)} / {F(x?.ProcessCpuMsPerOrderSdkPhase)} / {F(x?.SdkNodeCpuMsPerOrder)} | {F(alloc)} | {F(o.AccountStateBytesMean)} / {F(o.AccountStateBytesMax)} |"));
            }
            md.AppendLine();
            if (r.OrderFlow.Any(c => c.Oms.SubmitToReceived is not null || c.Oms.SubmitToFrame is not null))
            {
                md.AppendLine("Where the time goes, per order (ms, p50 / p99 / p99.9; *received* = the silo's pipeline entry of the SubmitOrder call, *frame* = the order.place frame read by the `--frame-tap` relay, *venue* = the matching engine's first report):");
                md.AppendLine();
                md.AppendLine("| rate/s | client | submit→received | received→frame (OMS internal) | received→venue | submit→frame | frame→venue (simulator) |");
                md.AppendLine("|---:|---|---|---|---|---|---|");
                foreach (var c in r.OrderFlow)
                {
                    md.AppendLine(Inv($"| {c.Rate} | OMS gRPC | {L(c.Oms.SubmitToReceived)} | {L(c.Oms.ReceivedToFrame)} | {L(c.Oms.ReceivedToVenue)} | {L(c.Oms.SubmitToFrame)} | {L(c.Oms.FrameToVenue)} |"));
                    if (c.Sdk is { } sdk) md.AppendLine(Inv($"| {c.Rate} | SDK direct | n/a | n/a | n/a | {L(sdk.SubmitToFrame)} | {L(sdk.FrameToVenue)} |"));
                }
                md.AppendLine();
            }
            var stages = r.OrderFlow.Where(c => c.Oms.OmsMetrics is not null).ToList();
            if (stages.Count > 0)
            {
                md.AppendLine("OMS stage histograms recorded in the silo (ms, p50 / p99 / p99.9, count):");
                md.AppendLine();
                md.AppendLine("| rate/s | series | p50 / p99 / p99.9 | count |");
                md.AppendLine("|---:|---|---|---:|");
                foreach (var c in stages)
                {
                    foreach (var (series, s) in c.Oms.OmsMetrics!) md.AppendLine(Inv($"| {c.Rate} | `{series}` | {L(s)} | {s.Count} |"));
                }
                md.AppendLine();
            }
        }

        if (r.FillIngest is { } f)
        {
            md.AppendLine("Fill ingest (venue sweep → fills on the execution-report streams):");
            md.AppendLine();
            md.AppendLine("| accounts | resting orders | venue trades | fills received | lost | doubled | sweep → last fill s | fills/s | venue first / last trade s | first → last fill s | sweep→fill p50 / p99 / p99.9 ms | silo CPU % |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|");
            md.AppendLine(Inv($"| {f.Accounts} | {f.RestingOrders} | {f.VenueTrades} | {f.FillsReceived} | {f.Lost} | {f.Doubled} | {f.IngestSeconds:0.###} | {f.FillsPerSecond:0} | {F3(f.VenueFirstTradeSeconds)} / {F3(f.VenueEmitSeconds)} | {f.FirstToLastFillSeconds:0.###} | {L(f.SweepToFill)} | {f.SiloProcess?.CpuPercentOfOneCore:0} |"));
            md.AppendLine();
        }

        if (r.Memory is { } mem)
        {
            md.AppendLine("Memory (accounts × open orders):");
            md.AppendLine();
            md.AppendLine("| accounts | open orders (venue) | RSS MiB before → after (after full GC) | account state bytes empty → with orders | state bytes / open order (marginal) |");
            md.AppendLine("|---:|---:|---|---|---|");
            md.AppendLine(Inv($"| {mem.Accounts} | {mem.OpenOrders} ({mem.OpenOrdersAtVenue}) | {mem.ResidentMiBBefore} → {mem.ResidentMiBAfter} ({F(mem.ResidentMiBAfterFullGc)}) | {F(mem.AccountStateBytesEmpty)} → {F(mem.AccountStateBytesWithOrders)} | {F(mem.StateBytesPerOpenOrder)} ({F(mem.MarginalStateBytesPerOpenOrder)}) |"));
            md.AppendLine();
            md.AppendLine(Inv($"RSS scope: {mem.ResidentScope}."));
            md.AppendLine();
        }

        if (r.Session is { } ses)
        {
            md.AppendLine(Inv($"Venue sessions: the connector's WS API session pool opened {ses.Connects} times (start → session open: TCP + WebSocket upgrade + Ed25519 session.logon), ms p50 / p99 / p99.9: {L(ses.ConnectLogon)} (max {F3(ses.ConnectLogon?.Max)}; logon request alone {L(ses.LogonRoundTrip)}; first connect with clock sync {F3(ses.FirstConnectMs)}; failures {ses.ConnectFailures})."));
            md.AppendLine();
            if (ses.Rounds.Count > 0)
            {
                md.AppendLine(Inv($"Reconnect + reconcile: every connection of an account with {ses.OpenOrders} open orders dropped by the venue, {ses.FillsDuringGap} of its orders filled while it was disconnected (ms from the drop):"));
                md.AppendLine();
                md.AppendLine("| round | dropped | sweep done | drop seen | logon done (logon RTT) | re-subscribed | reconciled (reconcile took) | last missed fill on stream | fills (distinct) | lost | doubled |");
                md.AppendLine("|---:|---:|---:|---:|---|---:|---|---:|---|---:|---:|");
                foreach (var x in ses.Rounds)
                    md.AppendLine(Inv($"| {x.Round} | {x.ConnectionsDropped} | {F3(x.SweepDoneMs)} | {F3(x.DropDetectedMs)} | {F3(x.LogonDoneMs)} ({F3(x.LogonRoundTripMs)}) | {F3(x.ResubscribedMs)} | {F3(x.DropToReconciledMs)} ({F3(x.ReconcileMs)}, {x.ReconcileOutcome ?? "n/a"}) | {F3(x.DropToLastFillMs)} | {x.FillsReceived} ({x.DistinctFills}) | {x.Lost} | {x.Doubled} |"));
                md.AppendLine();
            }
            if (ses.Note is not null)
            {
                md.AppendLine("Session notes: " + ses.Note);
                md.AppendLine();
            }
        }

        if (r.Targets.Count > 0)
        {
            md.AppendLine("Targets:");
            md.AppendLine();
            md.AppendLine("| target | measured | verdict |");
            md.AppendLine("|---|---|---|");
            foreach (var t in r.Targets) md.AppendLine($"| {t.Target} | {t.Measured} | {t.Verdict}{(t.Detail.Length > 0 ? " — " + t.Detail : "")} |");
            md.AppendLine();
        }

        foreach (var note in r.Notes) md.AppendLine("- " + note);
        return md.ToString();
    }

    private static void Row(StringBuilder md, int rate, string client, OrderFlowResult x)
    {
        var errors = x.Errors.Count == 0 ? "0" : string.Join(", ", x.Errors.Select(e => $"{e.Key}: {e.Value}"));
        md.AppendLine(Inv($"| {rate} | {client} | {L(x.SubmitToResponse)} | {L(x.SubmitToAck)} | {L(x.SubmitToVenue)} | {F3(x.SendLag?.P99)} | {x.AchievedAckedPerSecond:0.#} | {errors} | {x.SiloProcess?.CpuPercentOfOneCore:0.#} | {x.SiloProcess?.ResidentMiB:0} |"));
    }

    private static string L(LatencySummary? s) => s is null ? "n/a" : Inv($"{s.P50:0.###} / {s.P99:0.###} / {s.P999:0.###}");

    private static string F(double? value) => value is null || double.IsNaN(value.Value) ? "n/a" : Inv($"{value:0.##}");

    private static string X(double? ratio) => ratio is null ? "n/a" : Inv($"{ratio:0.##}×");

    private static string F3(double? value) => value is null || double.IsNaN(value.Value) ? "n/a" : Inv($"{value:0.###}");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
