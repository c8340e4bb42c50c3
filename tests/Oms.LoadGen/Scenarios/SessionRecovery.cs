using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;
using Oms.Gateway.V1;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;

namespace Oms.LoadGen.Scenarios;

/// <summary>
/// Venue sessions: (1) the connector's own WS API session pool (<see cref="BinanceWsApiSessionPool"/>, the class the
/// silo's spot worker uses) opened against the simulator N times in a row — start → first session open, which is TCP
/// connect + WebSocket upgrade + Ed25519 <c>session.logon</c> (+ one <c>time</c> call on the first connect, when the
/// clock is not synced yet; that one is reported apart); (2) reconnect + reconcile of an account with open orders in the
/// running silo: the simulator drops every connection of the account, and while the account is disconnected the
/// venue fills some of its orders (a sweep), so the fills can only reach the OMS through the reconciliation that
/// follows the reconnect. Timed from the drop: the connector noticing, the new session logged on, the user-data
/// stream re-subscribed, the reconciliation done (the connector's own metrics, read in-process), and the missed fills
/// on the execution-report stream (checked: none lost, none doubled).
/// </summary>
public static class SessionRecovery
{
    private const int FillsPerRound = 10;

    public static async Task<SessionResult> RunAsync(OmsUnderTest oms, IReadOnlyList<string> accounts, int openOrders, int rounds, int connects,
        string symbol, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var connect = await MeasureConnectsAsync(oms, connects, notes, cancellationToken);
        var roundResults = new List<ReconnectRound>();
        if (accounts.Count > 0 && oms.InProcess)
        {
            roundResults.AddRange(await ReconnectRoundsAsync(oms, accounts[0], openOrders, rounds, symbol, notes, cancellationToken));
        }
        else if (!oms.InProcess)
        {
            notes.Add("reconnect + reconcile needs the in-process silo (its connector metrics are read in-process)");
        }

        var complete = roundResults.Where(r => r.DropToReconciledMs is not null).ToList();
        return new SessionResult
        {
            Connects = connect.Count,
            ConnectFailures = connect.Failures,
            FirstConnectMs = connect.First,
            ConnectLogon = connect.Summary,
            LogonRoundTrip = connect.Logon,
            OpenOrders = openOrders,
            FillsDuringGap = FillsPerRound,
            Rounds = roundResults,
            DropToReconciled = LatencySummary.FromMilliseconds(complete.Select(r => r.DropToReconciledMs!.Value)),
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

    private sealed record ConnectFigures(int Count, int Failures, double? First, LatencySummary? Summary, LatencySummary? Logon);

    /// <summary>Opens and closes the connector's session pool <paramref name="connects"/> times (one context, so the clock is synced once).</summary>
    private static async Task<ConnectFigures> MeasureConnectsAsync(OmsUnderTest oms, int connects, List<string> notes, CancellationToken cancellationToken)
    {
        var key = await oms.Simulator.CreateAccountAsync("lg-conn-" + Guid.NewGuid().ToString("N")[..6], SimulatorControl.DefaultBalances, cancellationToken);
        var options = new BinanceOptions();
        using var metrics = new BinanceMetrics();
        var context = new BinanceApiContext(BinanceApi.Spot, options, BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, options), metrics);
        using var credentials = BinanceCredentials.Ed25519(key.ApiKey, key.PrivateKeyPem);
        var logons = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "binance.call.duration" && instrument.Meter.Name == BinanceMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "method" && (string?)tag.Value == "session.logon") logons.Enqueue(value);
            }
        });
        listener.Start();

        var times = new List<double>(connects);
        double? first = null;
        var failures = 0;
        for (var i = 0; i <= connects; i++)
        {
            var pool = new BinanceWsApiSessionPool(context, oms.SpotWsApiForClients, credentials, key.AccountId);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var start = MonoClock.Now;
                pool.Start();
                await pool.WaitForOpenSessionAsync(timeout.Token);
                var ms = MonoClock.ToMicroseconds(MonoClock.Now - start) / 1000.0;
                // The first connect also syncs the server clock (one `time` call): reported apart.
                if (i == 0) first = Math.Round(ms, 3);
                else times.Add(ms);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
            }
            finally
            {
                await pool.DisposeAsync();
            }
            await Task.Delay(20, cancellationToken);
        }
        if (failures > 0) notes.Add(Inv($"{failures} connector session(s) did not open within 10 s"));
        var logonValues = logons.ToArray();
        return new ConnectFigures(times.Count, failures, first, LatencySummary.FromMilliseconds(times),
            LatencySummary.FromMilliseconds(logonValues.Length > 1 ? logonValues[1..] : logonValues));
    }

    private static async Task<List<ReconnectRound>> ReconnectRoundsAsync(OmsUnderTest oms, string account, int openOrders, int rounds, string symbol,
        List<string> notes, CancellationToken cancellationToken)
    {
        var simulator = oms.Simulator;
        var client = new OrderService.OrderServiceClient(oms.Channel);
        var prefix = "lg" + Guid.NewGuid().ToString("N")[..8] + "r";
        var accepted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var filled = new ConcurrentDictionary<string, ConcurrentQueue<(string TradeId, long At)>>(StringComparer.Ordinal);
        var problems = new ConcurrentQueue<string>();
        void OnReport(string _, ExecutionReport report, long at)
        {
            var id = report.Order?.ClientOrderId ?? "";
            if (!id.StartsWith(prefix, StringComparison.Ordinal)) return;
            switch (report.ExecutionType)
            {
                case ExecutionType.Accepted:
                    accepted.TryAdd(id, at);
                    break;
                case ExecutionType.Filled when report.Fill is not null:
                    filled.GetOrAdd(id, _ => new ConcurrentQueue<(string, long)>()).Enqueue((report.Fill.TradeId, at));
                    break;
                case ExecutionType.Rejected or ExecutionType.Denied:
                    problems.Enqueue($"{id}: {report.ExecutionType} {report.VenueCode} {report.Reason} {report.Denial?.Code}");
                    break;
            }
        }

        await simulator.HoldAsync(symbol, held: true, cancellationToken);
        var results = new List<ReconnectRound>();
        try
        {
            await using var streams = new ReportStreams(oms, [account], OnReport);
            var market = await simulator.GetPriceAsync(symbol, cancellationToken);
            var top = Math.Floor(market * 0.9m);
            decimal Price(int level) => top - level * 0.5m;
            string Id(int level) => prefix + level.ToString(CultureInfo.InvariantCulture);

            await PlaceLevelsAsync(client, oms, account, symbol, Enumerable.Range(0, openOrders), Id, Price, accepted, problems, cancellationToken);
            for (var round = 0; round < rounds; round++)
            {
                var first = round * FillsPerRound;
                var swept = Enumerable.Range(first, FillsPerRound).Select(Id).ToArray();
                await Task.Delay(500, cancellationToken);
                using var capture = new ConnectorEvents();
                var drop = MonoClock.Now;
                var dropped = await simulator.DropConnectionsAsync(account, cancellationToken);
                await simulator.SweepAsync(symbol, "SELL", Price(first + FillsPerRound - 1), cancellationToken);
                var sweptAt = MonoClock.Now;

                var deadline = MonoClock.Now + MonoClock.FromSeconds(20);
                while (MonoClock.Now < deadline && !(swept.All(filled.ContainsKey) && capture.Reconciled(drop) is not null))
                    await Task.Delay(5, cancellationToken);
                await Task.Delay(300, cancellationToken); // late duplicates
                var venueTrades = (await simulator.GetSpotTradeIdsAsync(account, cancellationToken)).Count;
                var fills = swept.Where(filled.ContainsKey).SelectMany(id => filled[id]).ToArray();
                var lastFill = fills.Length > 0 ? fills.Max(f => f.At) : (long?)null;
                var reconciled = capture.Reconciled(drop);
                var logon = capture.First("binance.call.duration", "session.logon", drop);
                results.Add(new ReconnectRound
                {
                    Round = round + 1,
                    OpenOrders = openOrders,
                    ConnectionsDropped = dropped,
                    FilledWhileDisconnected = FillsPerRound,
                    SweepDoneMs = Ms(sweptAt - drop),
                    DropDetectedMs = Since(drop, capture.First("binance.ws.reconnects", "dropped", drop)?.At),
                    LogonDoneMs = Since(drop, logon?.At),
                    LogonRoundTripMs = logon is null ? null : Math.Round(logon.Value.Value, 3),
                    ResubscribedMs = Since(drop, capture.First("oms.connector.reconnects", "stream gap", drop)?.At),
                    DropToReconciledMs = Since(drop, reconciled?.At),
                    ReconcileMs = reconciled is { } r && capture.First("oms.connector.reconciliation.duration", null, r.At) is { } d ? Math.Round(d.Value, 3) : null,
                    ReconcileOutcome = reconciled?.Tag,
                    DropToLastFillMs = Since(drop, lastFill),
                    FillsReceived = fills.Length,
                    DistinctFills = fills.Select(f => f.TradeId).Distinct(StringComparer.Ordinal).Count(),
                    Lost = swept.Count(id => !filled.ContainsKey(id)),
                    Doubled = fills.GroupBy(f => f.TradeId, StringComparer.Ordinal).Count(g => g.Count() > 1),
                    VenueTradesOfAccount = venueTrades,
                });
                if (reconciled is null) notes.Add(Inv($"round {round + 1}: no reconciliation was recorded within 20 s of the drop"));

                // Back to the same number of open orders: replace the filled ones below the rest.
                await PlaceLevelsAsync(client, oms, account, symbol, Enumerable.Range(first + openOrders, FillsPerRound), Id, Price, accepted, problems,
                    cancellationToken);
            }
        }
        finally
        {
            await simulator.HoldAsync(symbol, held: false, CancellationToken.None);
        }
        if (!problems.IsEmpty) notes.Add("order problems: " + string.Join("; ", problems.Take(3)));
        return results;
    }

    private static async Task PlaceLevelsAsync(OrderService.OrderServiceClient client, OmsUnderTest oms, string account, string symbol,
        IEnumerable<int> levels, Func<int, string> id, Func<int, decimal> price, ConcurrentDictionary<string, long> accepted,
        ConcurrentQueue<string> problems, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        using var gate = new SemaphoreSlim(16);
        var tasks = new List<Task>();
        foreach (var level in levels)
        {
            var request = new SubmitOrderRequest
            {
                AccountId = account,
                ClientOrderId = id(level),
                Order = new OrderSpec
                {
                    Instrument = new Oms.Gateway.V1.Instrument { Venue = Venue.Binance, Market = MarketType.Spot, Symbol = symbol },
                    Side = OrderSide.Buy,
                    Type = OrderType.Limit,
                    TimeInForce = TimeInForce.Gtc,
                    Quantity = "0.0002",
                    LimitPrice = price(level).ToString(CultureInfo.InvariantCulture),
                    StrategyTag = "loadgen-session",
                },
            };
            ids.Add(request.ClientOrderId);
            await gate.WaitAsync(cancellationToken);
            tasks.Add(SubmitAsync(request));
        }
        await Task.WhenAll(tasks);
        var deadline = MonoClock.Now + MonoClock.FromSeconds(120);
        while (!ids.All(accepted.ContainsKey) && MonoClock.Now < deadline) await Task.Delay(20, cancellationToken);
        var missing = ids.Count(i => !accepted.ContainsKey(i));
        if (missing > 0)
            throw new InvalidOperationException($"{missing} of {ids.Count} resting orders of {account} were not acknowledged within 120 s; first problems: {string.Join("; ", problems.Take(3))}");

        async Task SubmitAsync(SubmitOrderRequest request)
        {
            try
            {
                var reply = await client.SubmitOrderAsync(request, oms.Headers, DateTime.UtcNow.AddSeconds(60), cancellationToken);
                if (reply.Order?.Status is OrderStatus.Denied or OrderStatus.Rejected)
                    problems.Enqueue($"{request.ClientOrderId}: {reply.Order.Status} {reply.Order.Denial?.Code} {reply.Order.LastVenueError}");
            }
            catch (RpcException ex)
            {
                problems.Enqueue($"{request.ClientOrderId}: gRPC {ex.StatusCode} {ex.Status.Detail}");
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>The connector's reconnect and reconciliation instruments, each measurement with the moment it was recorded.</summary>
    private sealed class ConnectorEvents : IDisposable
    {
        private static readonly string[] Names =
        [
            "binance.ws.reconnects", "binance.call.duration", "oms.connector.reconnects", "oms.connector.reconciliations",
            "oms.connector.reconciliation.duration",
        ];

        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Name, string? Tag, double Value, long At)> events = new();

        public ConnectorEvents()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (Names.Contains(instrument.Name, StringComparer.Ordinal)) l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
            listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
            listener.Start();
        }

        private void Add(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var at = MonoClock.Now;
            string? tag = null;
            string? reason = null;
            string? outcome = null;
            foreach (var t in tags)
            {
                switch (t.Key)
                {
                    case "method": tag = t.Value as string; break;
                    case "reason": reason = t.Value as string; break;
                    case "outcome": outcome = t.Value as string; break;
                }
            }
            if (instrument.Name == "oms.connector.reconciliations") tag = reason == "gap" ? "gap:" + outcome : "other";
            else tag ??= reason;
            events.Enqueue((instrument.Name, tag, value, at));
        }

        /// <summary>The first measurement of <paramref name="name"/> (with <paramref name="tag"/> when given) after <paramref name="since"/>.</summary>
        public (double Value, long At)? First(string name, string? tag, long since)
        {
            foreach (var e in events)
            {
                if (e.Name == name && e.At >= since && (tag is null || e.Tag == tag)) return (e.Value, e.At);
            }
            return null;
        }

        /// <summary>The first reconciliation after a stream gap recorded after <paramref name="since"/>, with its outcome.</summary>
        public (string Tag, long At)? Reconciled(long since)
        {
            foreach (var e in events)
            {
                if (e.Name == "oms.connector.reconciliations" && e.At >= since && e.Tag is { } t && t.StartsWith("gap:", StringComparison.Ordinal))
                    return (t[4..], e.At);
            }
            return null;
        }

        public void Dispose() => listener.Dispose();
    }

    private static double Ms(long ticks) => Math.Round(MonoClock.ToMicroseconds(ticks) / 1000.0, 3);

    private static double? Since(long start, long? at) => at is { } t ? Ms(t - start) : null;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
