using System.Globalization;

namespace Oms.LoadGen.Reporting;

/// <summary>Checks the issue's targets against one run's figures (only what this run measured).</summary>
public static class Targets
{
    private const string SentStage = "oms.order.stage.duration{stage=sent}";

    public static void Evaluate(LoadGenReport report, LoadGenOptions options)
    {
        var top = report.OrderFlow.OrderByDescending(c => c.Rate).FirstOrDefault();
        if (top is not null)
        {
            // OMS internal overhead: measured per order with the frame tap; else the silo's stage histogram; else upper bounds.
            const string overhead = "OMS internal overhead (gRPC received → WS frame written) p99 ≤ 1 ms at 1,000 orders/s";
            if (top.Oms.ReceivedToFrame is { } frame)
            {
                report.Targets.Add(Check(
                    Inv($"{overhead} (measured at {top.Rate}/s)"),
                    Inv($"p99 {frame.P99:0.###} ms (p50 {frame.P50:0.###}, p99.9 {frame.P999:0.###}; {frame.Count} orders)"),
                    frame.P99 <= 1.0, frame.P99 - 1.0, "ms",
                    "per order: silo pipeline entry of the SubmitOrder call → its order.place frame read by the frame-tap relay (one loopback hop after the write)"));
            }
            else if (top.Oms.OmsMetrics?.TryGetValue(SentStage, out var sent) == true)
            {
                report.Targets.Add(Check(
                    Inv($"{overhead} (measured at {top.Rate}/s)"),
                    Inv($"account grain received → WS frame written p99 {sent.P99:0.###} ms (p50 {sent.P50:0.###}, p99.9 {sent.P999:0.###})"),
                    sent.P99 <= 1.0, sent.P99 - 1.0, "ms",
                    "from the silo's oms.order.stage.duration{stage=sent}; starts at the account grain, so the gateway's own time is not in it"));
            }
            else if (top.Oms.ReceivedToVenue is { } toVenue)
            {
                report.Targets.Add(Check(
                    Inv($"{overhead} (measured at {top.Rate}/s)"),
                    Inv($"upper bound: gRPC received → venue engine's first report p99 {toVenue.P99:0.###} ms (p50 {toVenue.P50:0.###})"),
                    toVenue.P99 <= 1.0, toVenue.P99 - 1.0, "ms",
                    "includes the loopback hop and the simulator's parse, auth and match; run with --frame-tap for the exact figure"));
            }
            else if (top.Ratios?.OutboundExtraP99Ms is { } extra)
            {
                report.Targets.Add(Check(
                    Inv($"{overhead} (measured at {top.Rate}/s)"),
                    Inv($"estimate: OMS submit→venue p99 − SDK submit→venue p99 = {extra:0.###} ms"),
                    extra <= 1.0, extra - 1.0, "ms",
                    "upper-bound estimate (includes the gRPC client, HTTP/2 and the gateway)"));
            }
            else
            {
                report.Targets.Add(new TargetCheck(overhead, "n/a", "not measured",
                    "needs the in-process silo (receipt tap, frame tap or venue-side timestamps)"));
            }

            foreach (var c in report.OrderFlow.Where(c => c.Ratios?.AckP50VsSdkRoundTripP50 is not null))
            {
                var ratio = c.Ratios!.AckP50VsSdkRoundTripP50!.Value;
                report.Targets.Add(Check(
                    Inv($"submit→ack through the OMS ≤ 2× the SDK's direct round trip at p50 ({c.Rate}/s)"),
                    Inv($"{c.Oms.SubmitToAck!.P50:0.###} ms vs {c.Sdk!.SubmitToResponse!.P50:0.###} ms = {ratio:0.##}×"),
                    ratio <= 2.0, ratio - 2.0, "×", ""));
            }
            if (report.OrderFlow.All(c => c.Sdk is null))
                report.Targets.Add(new TargetCheck("submit→ack ≤ 2× the SDK's round trip at p50", "n/a", "not measured", "run without --no-baseline"));
        }

        if (report.FillIngest is { } f)
        {
            var postgres = options.Storage == StorageKind.Postgres;
            var floor = postgres ? 5_000 : 20_000;
            var clean = f.Lost == 0 && f.Doubled == 0 && f.Unexpected == 0;
            report.Targets.Add(Check(
                Inv($"fill ingest ≥ {floor:N0} fills/s with {(postgres ? "PostgreSQL" : "in-memory")} storage, none lost or doubled"),
                Inv($"{f.FillsPerSecond:N0} fills/s ({f.DistinctFillsReceived} fills in {f.IngestSeconds:0.###} s); lost {f.Lost}, doubled {f.Doubled}"),
                f.FillsPerSecond >= floor && clean, f.FillsPerSecond - floor, "fills/s",
                clean ? "" : "fills were lost or doubled"));
        }

        if (report.Memory is { StateBytesPerOpenOrder: { } perOrder } m)
        {
            report.Targets.Add(Check(
                "≤ 4 KB of grain state per open order",
                Inv($"{perOrder:N0} B per open order (account state {m.AccountStateBytesWithOrders:N0} B / {m.OpenOrdersPerAccount} orders; marginal {m.MarginalStateBytesPerOpenOrder:N0} B)"),
                perOrder <= 4096, perOrder - 4096, "B", ""));
            report.Targets.Add(new TargetCheck(
                Inv($"silo resident memory reported for {m.Accounts} accounts × {m.OpenOrdersPerAccount} open orders"),
                Inv($"{m.ResidentMiBAfter} MiB ({m.ResidentMiBAfterFullGc} MiB after a full GC; {m.ResidentMiBBefore} MiB before the orders)"),
                "reported", m.ResidentScope));
        }

        if (report.Session is { } session)
        {
            if (session.ConnectLogon is { } c)
            {
                report.Targets.Add(Check(
                    "WS API session connect + logon ≤ 10 ms on loopback (p50)",
                    Inv($"p50 {c.P50:0.###} ms, p99 {c.P99:0.###} ms, max {c.Max:0.###} ms over {c.Count} connects (first connect with clock sync {session.FirstConnectMs:0.###} ms; logon round trip p50 {session.LogonRoundTrip?.P50:0.###} ms)"),
                    c.P50 <= 10.0, c.P50 - 10.0, "ms",
                    "the connector's BinanceWsApiSessionPool: start → first session open (TCP + WebSocket upgrade + Ed25519 session.logon)"));
            }
            else
            {
                report.Targets.Add(new TargetCheck("WS API session connect + logon ≤ 10 ms", "n/a", "not measured", session.Note ?? ""));
            }
            var rounds = session.Rounds.Where(r => r.DropToReconciledMs is not null).ToList();
            if (rounds.Count > 0)
            {
                var worst = rounds.Max(r => Math.Max(r.DropToReconciledMs!.Value, r.DropToLastFillMs ?? 0));
                var clean = session.Rounds.All(r => r.Lost == 0 && r.Doubled == 0);
                report.Targets.Add(Check(
                    Inv($"reconnect + reconcile of an account with {session.OpenOrders} open orders ≤ 1 s"),
                    Inv($"worst of {rounds.Count} drop(s): {worst:0} ms to reconciled with the {session.FillsDuringGap} missed fills on the stream (per round: {string.Join(", ", session.Rounds.Select(r => Inv($"{r.DropToReconciledMs:0}")))} ms; logon done at {string.Join(", ", session.Rounds.Select(r => Inv($"{r.LogonDoneMs:0}")))} ms, i.e. mostly the reconnect backoff)"),
                    worst <= 1000 && clean, worst - 1000, "ms",
                    clean ? "from the simulator dropping every connection of the account; the connector waits 0.5–1 s (ReconnectBaseDelay 1 s with jitter) before reconnecting"
                          : "missed fills were lost or doubled"));
            }
            else
            {
                report.Targets.Add(new TargetCheck("reconnect + reconcile of an account with 100 open orders ≤ 1 s", "n/a", "not measured", session.Note ?? ""));
            }
        }
    }

    private static TargetCheck Check(string target, string measured, bool met, double margin, string unit, string detail) =>
        new(target, measured, met ? "met" : Inv($"missed by {Math.Abs(margin):0.###} {unit}"), detail);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
