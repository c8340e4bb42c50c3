using System.Collections.Concurrent;
using System.Globalization;
using Oms.Gateway.V1;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;

namespace Oms.LoadGen.Scenarios;

/// <summary>What one order-flow run places: the same for the OMS and for the SDK baseline.</summary>
public sealed record OrderFlowSettings(
    int Rate,
    TimeSpan Warmup,
    TimeSpan Duration,
    TimeSpan Drain,
    string Symbol,
    string Side,
    string Type,
    string TimeInForce,
    decimal Price,
    decimal Quantity)
{
    public int WarmupOrders => (int)Math.Round(Rate * Warmup.TotalSeconds);
    public int MeasuredOrders => (int)Math.Round(Rate * Duration.TotalSeconds);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Side} {Type} {TimeInForce} {Quantity} {Symbol} @ {Price} (below the market: the venue acknowledges NEW, then EXPIRED)");
}

/// <summary>
/// The OMS side of the order flow: SubmitOrder over gRPC at a fixed open-loop rate, spread round-robin over the
/// accounts, with the execution-report stream of every account read at the same time. Per order: scheduled send →
/// SubmitOrder response, and → the first venue-driven report (ACCEPTED, or FILLED/EXPIRED/CANCELED when the venue's
/// first word was already final) on the stream.
/// </summary>
public static class OmsOrderFlow
{
    public static async Task<OrderFlowResult> RunAsync(OmsUnderTest oms, IReadOnlyList<string> accounts, OrderFlowSettings settings,
        VenueTap? venue, OmsMetricsCapture? metrics, CancellationToken cancellationToken)
    {
        var warmup = settings.WarmupOrders;
        var total = warmup + settings.MeasuredOrders;
        var prefix = "lg" + Guid.NewGuid().ToString("N")[..8] + "o";
        var ids = new string[total];
        var index = new Dictionary<string, int>(total, StringComparer.Ordinal);
        var requests = new SubmitOrderRequest[total];
        for (var i = 0; i < total; i++)
        {
            ids[i] = prefix + i.ToString(CultureInfo.InvariantCulture);
            index[ids[i]] = i;
            requests[i] = new SubmitOrderRequest
            {
                AccountId = accounts[i % accounts.Count],
                ClientOrderId = ids[i],
                Order = new OrderSpec
                {
                    Instrument = new Instrument { Venue = Venue.Binance, Market = MarketType.Spot, Symbol = settings.Symbol },
                    Side = settings.Side == "BUY" ? OrderSide.Buy : OrderSide.Sell,
                    Type = OrderType.Limit,
                    TimeInForce = settings.TimeInForce == "IOC" ? TimeInForce.Ioc : TimeInForce.Gtc,
                    Quantity = settings.Quantity.ToString(CultureInfo.InvariantCulture),
                    LimitPrice = settings.Price.ToString(CultureInfo.InvariantCulture),
                    StrategyTag = "loadgen",
                },
            };
        }

        var sent = new long[total];
        var response = new long[total];
        var ack = new long[total];
        var ackKind = new ExecutionType[total];
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var responses = 0;
        var acks = 0;
        var failed = 0;

        void Fail(int i, string code)
        {
            if (i >= warmup) errors.AddOrUpdate(code, 1, (_, n) => n + 1);
            Interlocked.Increment(ref failed);
        }

        void OnReport(string account, ExecutionReport report, long at)
        {
            if (!index.TryGetValue(report.Order?.ClientOrderId ?? "", out var i)) return;
            switch (report.ExecutionType)
            {
                case ExecutionType.Accepted or ExecutionType.Filled or ExecutionType.Expired or ExecutionType.Canceled:
                    if (Interlocked.CompareExchange(ref ack[i], at, 0) == 0)
                    {
                        ackKind[i] = report.ExecutionType;
                        Interlocked.Increment(ref acks);
                    }
                    break;
                case ExecutionType.Rejected:
                    if (Interlocked.CompareExchange(ref ack[i], -1, 0) == 0) Fail(i, "venue rejected: " + Short(report.VenueCode, report.Reason));
                    break;
                case ExecutionType.Denied:
                    if (Interlocked.CompareExchange(ref ack[i], -1, 0) == 0) Fail(i, "OMS denied: " + report.Denial?.Code);
                    break;
            }
        }

        var client = new OrderService.OrderServiceClient(oms.Channel);
        await using var streams = new ReportStreams(oms, accounts, OnReport);
        venue?.Begin(prefix);
        oms.Receipts?.Begin(prefix);
        oms.FrameTap?.Begin(prefix);

        var start = MonoClock.Now + MonoClock.FromSeconds(0.2);
        var scheduled = OpenLoop.Schedule(start, settings.Rate, total);
        ProcessSample? before = null;
        async Task SendAsync(int i)
        {
            sent[i] = MonoClock.Now;
            try
            {
                var reply = await client.SubmitOrderAsync(requests[i], oms.Headers, DateTime.UtcNow.AddSeconds(30), cancellationToken);
                response[i] = MonoClock.Now;
                if (reply.Order?.Status == OrderStatus.Denied && Interlocked.CompareExchange(ref ack[i], -1, 0) == 0)
                    Fail(i, "OMS denied: " + reply.Order.Denial?.Code);
            }
            catch (RpcException ex)
            {
                response[i] = -1;
                if (Interlocked.CompareExchange(ref ack[i], -1, 0) == 0) Fail(i, "gRPC " + ex.StatusCode);
            }
            finally
            {
                Interlocked.Increment(ref responses);
            }
        }

        await OpenLoop.RunAsync(scheduled, i => _ = SendAsync(i), i =>
        {
            if (i != warmup) return;
            before = oms.SiloMeter.Sample();
            metrics?.Begin();
        });
        var sendEnd = MonoClock.Now;

        var drainUntil = MonoClock.Now + MonoClock.FromSeconds(settings.Drain.TotalSeconds);
        while ((Volatile.Read(ref responses) < total || Volatile.Read(ref acks) + Volatile.Read(ref failed) < total) && MonoClock.Now < drainUntil)
            await Task.Delay(5, cancellationToken);
        var after = oms.SiloMeter.Sample();
        var stageMetrics = metrics?.End();
        var venueTimes = venue?.End();
        var receivedTimes = oms.Receipts?.End();
        var frameTimes = oms.FrameTap?.End();
        Func<int, long?>? Lookup(IReadOnlyDictionary<string, long>? times) =>
            times is null ? null : i => times.TryGetValue(ids[i], out var t) ? t : null;

        // Settle: calls still outstanding end by their 30 s deadline; wait for them so the next phase (the SDK baseline)
        // does not run against an OMS still working off this one's backlog.
        var settleStart = MonoClock.Now;
        var settleUntil = MonoClock.Now + MonoClock.FromSeconds(35);
        while (Volatile.Read(ref responses) < total && MonoClock.Now < settleUntil) await Task.Delay(20, cancellationToken);
        var settleSeconds = MonoClock.ToSeconds(MonoClock.Now - settleStart);

        var stateSizes = await MeasureAccountStatesAsync(oms, client, accounts, requests[0].Order, prefix, cancellationToken);

        var measured = Enumerable.Range(warmup, total - warmup).ToArray();
        var acked = measured.Where(i => ack[i] > 0).ToArray();
        var lastAck = acked.Length > 0 ? acked.Max(i => ack[i]) : sendEnd;
        // Disjoint: still no reply at all, or a successful reply but no acknowledgement on the stream.
        var unanswered = measured.Count(i => response[i] == 0 && ack[i] == 0);
        var unacked = measured.Count(i => response[i] > 0 && ack[i] == 0);
        if (unanswered > 0) errors["no response (drain + settle)"] = unanswered;
        if (unacked > 0) errors["no acknowledgement (drain + settle)"] = unacked;

        return new OrderFlowResult
        {
            Client = "OMS (gRPC SubmitOrder + StreamExecutionReports)",
            TargetRate = settings.Rate,
            Accounts = accounts.Count,
            MeasuredOrders = measured.Length,
            WarmupOrders = warmup,
            Responses = measured.Count(i => response[i] > 0),
            Acks = acked.Length,
            Errors = new SortedDictionary<string, int>(errors, StringComparer.Ordinal),
            AckKinds = acked.GroupBy(i => ackKind[i].ToString().ToUpperInvariant()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            AchievedAckedPerSecond = Math.Round(acked.Length / Math.Max(1e-9, MonoClock.ToSeconds(lastAck - scheduled[warmup])), 1),
            SendSeconds = Math.Round(MonoClock.ToSeconds(sendEnd - scheduled[warmup]), 3),
            SendLag = LatencySummary.FromMicroseconds(measured.Select(i => MonoClock.ToMicroseconds(sent[i] - scheduled[i]))),
            SubmitToResponse = LatencySummary.FromMicroseconds(measured.Where(i => response[i] > 0).Select(i => MonoClock.ToMicroseconds(response[i] - scheduled[i]))),
            SubmitToAck = LatencySummary.FromMicroseconds(acked.Select(i => MonoClock.ToMicroseconds(ack[i] - scheduled[i]))),
            SubmitToVenue = venueTimes is null ? null : LatencySummary.FromMicroseconds(measured
                .Where(i => venueTimes.ContainsKey(ids[i]))
                .Select(i => MonoClock.ToMicroseconds(venueTimes[ids[i]] - scheduled[i]))),
            SubmitToReceived = Between(measured, i => scheduled[i], Lookup(receivedTimes)),
            SubmitToFrame = Between(measured, i => scheduled[i], Lookup(frameTimes)),
            ReceivedToFrame = Between(measured, Lookup(receivedTimes), Lookup(frameTimes)),
            ReceivedToVenue = Between(measured, Lookup(receivedTimes), Lookup(venueTimes)),
            FrameToVenue = Between(measured, Lookup(frameTimes), Lookup(venueTimes)),
            VenueToAck = venueTimes is null ? null : LatencySummary.FromMicroseconds(acked
                .Where(i => venueTimes.ContainsKey(ids[i]))
                .Select(i => MonoClock.ToMicroseconds(ack[i] - venueTimes[ids[i]]))),
            SiloProcess = before is null ? null : oms.SiloMeter.Between(before, after),
            OmsMetrics = stageMetrics is { Count: > 0 } ? stageMetrics : null,
            AccountStateBytesMean = stateSizes.Count > 0 ? Math.Round(stateSizes.Values.Average(), 0) : null,
            AccountStateBytesMax = stateSizes.Count > 0 ? stateSizes.Values.Max() : null,
            Note = Note(streams.Resumes, settleSeconds),
        };
    }

    /// <summary>Per measured order with both times: <paramref name="to"/> − <paramref name="from"/>; null when either clock is missing.</summary>
    internal static LatencySummary? Between(int[] measured, Func<int, long?>? from, Func<int, long?>? to)
    {
        if (from is null || to is null) return null;
        return LatencySummary.FromMicroseconds(measured
            .Select(i => from(i) is { } a && to(i) is { } b ? MonoClock.ToMicroseconds(b - a) : double.NaN));
    }

    /// <summary>
    /// The account grain state each account has after the run, as storage writes it: arms the storage probe, places one
    /// more order per account (its submit writes the state), then disarms. Every write serializes the whole state, so
    /// its size is what each order pays per write. In-process silo only.
    /// </summary>
    private static async Task<Dictionary<string, int>> MeasureAccountStatesAsync(OmsUnderTest oms, OrderService.OrderServiceClient client,
        IReadOnlyList<string> accounts, OrderSpec spec, string prefix, CancellationToken cancellationToken)
    {
        if (oms.StateSizes is not { } probe) return [];
        probe.Armed = true;
        try
        {
            await Task.WhenAll(accounts.Select((account, n) => ProbeAsync(account, n)));
        }
        finally
        {
            probe.Armed = false;
        }
        return probe.AccountStates(accounts.ToArray());

        async Task ProbeAsync(string account, int n)
        {
            try
            {
                await client.SubmitOrderAsync(new SubmitOrderRequest
                {
                    AccountId = account,
                    ClientOrderId = prefix + "p" + n.ToString(CultureInfo.InvariantCulture),
                    Order = spec,
                }, oms.Headers, DateTime.UtcNow.AddSeconds(30), cancellationToken);
            }
            catch (RpcException)
            {
                // No size for this account then.
            }
        }
    }

    private static string? Note(int resumes, double settleSeconds)
    {
        var notes = new List<string>();
        if (resumes > 0) notes.Add(string.Create(CultureInfo.InvariantCulture, $"{resumes} execution-report stream(s) broke and were resumed"));
        if (settleSeconds > 1) notes.Add(string.Create(CultureInfo.InvariantCulture, $"after the drain, {settleSeconds:0.#} s more until every SubmitOrder call had ended"));
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    private static string Short(string? code, string? reason)
    {
        var text = string.IsNullOrEmpty(code) ? reason ?? "" : code;
        return text.Length <= 60 ? text : text[..60];
    }
}
