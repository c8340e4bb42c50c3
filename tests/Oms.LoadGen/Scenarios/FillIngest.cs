using System.Collections.Concurrent;
using System.Globalization;
using Oms.Gateway.V1;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;

namespace Oms.LoadGen.Scenarios;

/// <summary>
/// Fill ingest: every account rests BUY limit orders (placed through the OMS) on price levels below the market,
/// interleaved across accounts; the random walk is held; then the simulator's sweep control takes the whole book
/// down to the lowest level in one go, so the venue emits one fill per order for all accounts at once. Counted: fill
/// reports read from the accounts' execution-report streams per second of wall time from the sweep, and the trade ids
/// received compared with the venue's own trades (none lost, none doubled).
/// </summary>
public static class FillIngest
{
    private const int PlacementConcurrency = 64;

    public static async Task<FillIngestResult> RunAsync(OmsUnderTest oms, IReadOnlyList<string> accounts, int ordersPerAccount, string symbol,
        TimeSpan drain, VenueTap? venue, OmsMetricsCapture? metrics, CancellationToken cancellationToken)
    {
        var simulator = oms.Simulator;
        await simulator.HoldAsync(symbol, held: true, cancellationToken);
        try
        {
            var market = await simulator.GetPriceAsync(symbol, cancellationToken);
            var top = Math.Floor(market * 0.95m);
            var prefix = "lg" + Guid.NewGuid().ToString("N")[..8] + "f";
            var total = accounts.Count * ordersPerAccount;
            var lowest = top - (ordersPerAccount - 1) * 0.5m;

            var accepted = 0;
            var sweepStart = 0L;
            var fills = new ConcurrentDictionary<(string Account, string TradeId), int>();
            var fillTimes = new ConcurrentQueue<long>();
            var rejected = new ConcurrentQueue<string>();
            void OnReport(string account, ExecutionReport report, long at)
            {
                var id = report.Order?.ClientOrderId ?? "";
                if (!id.StartsWith(prefix, StringComparison.Ordinal)) return;
                switch (report.ExecutionType)
                {
                    case ExecutionType.Accepted:
                        Interlocked.Increment(ref accepted);
                        break;
                    case ExecutionType.Filled when report.Fill is not null:
                        fills.AddOrUpdate((account, report.Fill.TradeId), 1, (_, n) => n + 1);
                        fillTimes.Enqueue(at);
                        break;
                    case ExecutionType.Rejected or ExecutionType.Denied:
                        rejected.Enqueue($"{id}: {report.ExecutionType} {report.VenueCode} {report.Reason} {report.Denial?.Code}");
                        break;
                }
            }

            await using var streams = new ReportStreams(oms, accounts, OnReport);
            var client = new OrderService.OrderServiceClient(oms.Channel);

            // Resting orders: level k holds one order of every account, so the sweep alternates between accounts.
            var placementStart = MonoClock.Now;
            using (var gate = new SemaphoreSlim(PlacementConcurrency))
            {
                var placements = new List<Task>(total);
                for (var k = 0; k < ordersPerAccount; k++)
                {
                    var price = top - k * 0.5m;
                    for (var a = 0; a < accounts.Count; a++)
                    {
                        await gate.WaitAsync(cancellationToken);
                        var request = new SubmitOrderRequest
                        {
                            AccountId = accounts[a],
                            ClientOrderId = string.Create(CultureInfo.InvariantCulture, $"{prefix}{a}x{k}"),
                            Order = new OrderSpec
                            {
                                Instrument = new Instrument { Venue = Venue.Binance, Market = MarketType.Spot, Symbol = symbol },
                                Side = OrderSide.Buy,
                                Type = OrderType.Limit,
                                TimeInForce = TimeInForce.Gtc,
                                Quantity = "0.0002",
                                LimitPrice = price.ToString(CultureInfo.InvariantCulture),
                                StrategyTag = "loadgen-fills",
                            },
                        };
                        placements.Add(PlaceAsync(client, oms.Headers, request, gate, rejected, cancellationToken));
                    }
                }
                await Task.WhenAll(placements);
            }
            var placeDeadline = MonoClock.Now + MonoClock.FromSeconds(60);
            while (Volatile.Read(ref accepted) + rejected.Count < total && MonoClock.Now < placeDeadline) await Task.Delay(20, cancellationToken);
            var placementSeconds = MonoClock.ToSeconds(MonoClock.Now - placementStart);
            if (Volatile.Read(ref accepted) < total)
                throw new InvalidOperationException($"only {accepted} of {total} resting orders were acknowledged within 60 s of the last placement; first problems: {string.Join("; ", rejected.Take(3))}");

            // The sweep: one venue call emits every fill; count them arriving on the streams.
            var before = oms.SiloMeter.Sample();
            venue?.Begin(prefix);
            metrics?.Begin();
            sweepStart = MonoClock.Now;
            await simulator.SweepAsync(symbol, "SELL", lowest, cancellationToken);
            var deadline = MonoClock.Now + MonoClock.FromSeconds(drain.TotalSeconds);
            while (fills.Count < total && MonoClock.Now < deadline) await Task.Delay(2, cancellationToken);
            var lastFill = fillTimes.IsEmpty ? MonoClock.Now : fillTimes.Max();
            var after = oms.SiloMeter.Sample();
            var stageMetrics = metrics?.End();
            var venueTrades = venue?.TradeTimes;
            venue?.End();
            // Late duplicates would arrive after the count was reached: give them a moment before comparing.
            await Task.Delay(500, cancellationToken);

            var tradeIds = new HashSet<(string, string)>();
            foreach (var account in accounts)
            {
                foreach (var tradeId in await simulator.GetSpotTradeIdsAsync(account, cancellationToken)) tradeIds.Add((account, tradeId));
            }
            var received = fills.ToArray();
            var lost = tradeIds.Where(t => !fills.ContainsKey(t)).ToArray();
            var doubled = received.Where(kv => kv.Value > 1).ToArray();
            var unexpected = received.Count(kv => !tradeIds.Contains(kv.Key));
            var seconds = MonoClock.ToSeconds(lastFill - sweepStart);
            var firstFill = fillTimes.IsEmpty ? lastFill : fillTimes.Min();
            return new FillIngestResult
            {
                Accounts = accounts.Count,
                RestingOrders = total,
                PlacementSeconds = Math.Round(placementSeconds, 3),
                VenueTrades = tradeIds.Count,
                FillsReceived = received.Sum(kv => kv.Value),
                DistinctFillsReceived = received.Length,
                Lost = lost.Length,
                Doubled = doubled.Length,
                Unexpected = unexpected,
                IngestSeconds = Math.Round(seconds, 3),
                FillsPerSecond = Math.Round(received.Length / Math.Max(1e-9, seconds), 0),
                SweepToFill = LatencySummary.FromMicroseconds(fillTimes.Select(t => MonoClock.ToMicroseconds(t - sweepStart))),
                FirstToLastFillSeconds = Math.Round(MonoClock.ToSeconds(lastFill - firstFill), 3),
                VenueEmitSeconds = venueTrades is { Count: > 0 } ? Math.Round(MonoClock.ToSeconds(venueTrades.Max() - sweepStart), 3) : null,
                VenueFirstTradeSeconds = venueTrades is { Count: > 0 } ? Math.Round(MonoClock.ToSeconds(venueTrades.Min() - sweepStart), 3) : null,
                SiloProcess = oms.SiloMeter.Between(before, after),
                OmsMetrics = stageMetrics is { Count: > 0 } ? stageMetrics : null,
                SampleLost = lost.Take(5).Select(t => $"{t.Item1}/{t.Item2}").ToArray(),
                SampleDoubled = doubled.Take(5).Select(kv => $"{kv.Key.Account}/{kv.Key.TradeId} x{kv.Value}").ToArray(),
                StreamResumes = streams.Resumes,
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"{ordersPerAccount} BUY LIMIT GTC 0.0002 {symbol} per account on levels {lowest}..{top} (market {market}, random walk held); one SELL sweep to {lowest}"),
            };
        }
        finally
        {
            await simulator.HoldAsync(symbol, held: false, CancellationToken.None);
        }
    }

    private static async Task PlaceAsync(OrderService.OrderServiceClient client, Metadata headers, SubmitOrderRequest request, SemaphoreSlim gate,
        ConcurrentQueue<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await client.SubmitOrderAsync(request, headers, DateTime.UtcNow.AddSeconds(30), cancellationToken);
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
