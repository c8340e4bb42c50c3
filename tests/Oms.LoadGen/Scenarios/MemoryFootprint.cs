using System.Globalization;
using Oms.Gateway.V1;
using Oms.LoadGen.Harness;
using Oms.LoadGen.Measurement;
using Oms.LoadGen.Reporting;

namespace Oms.LoadGen.Scenarios;

/// <summary>
/// Memory: every account rests N BUY limit orders far below the market (placed through the OMS, all acknowledged by the
/// venue and left open). Reported: resident memory of the silo process before and after (and after a full blocking
/// GC when the silo is in-process), and the account grain state as storage writes it, per open order.
/// </summary>
public static class MemoryFootprint
{
    private const int PlacementConcurrency = 64;

    public static async Task<MemoryResult> RunAsync(OmsUnderTest oms, IReadOnlyList<string> accounts, int ordersPerAccount, string symbol,
        CancellationToken cancellationToken)
    {
        var market = await oms.Simulator.GetPriceAsync(symbol, cancellationToken);
        var top = Math.Floor(market * 0.7m);
        var prefix = "lg" + Guid.NewGuid().ToString("N")[..8] + "m";
        var total = accounts.Count * ordersPerAccount;
        var accountSet = accounts.ToHashSet(StringComparer.Ordinal);

        if (oms.InProcess) FullGc();
        var before = oms.SiloMeter.Sample();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        var stateBefore = AccountStateSizes(oms, accountSet);

        var accepted = 0;
        void OnReport(string account, ExecutionReport report, long at)
        {
            if (report.ExecutionType == ExecutionType.Accepted && (report.Order?.ClientOrderId ?? "").StartsWith(prefix, StringComparison.Ordinal))
                Interlocked.Increment(ref accepted);
        }

        await using (var streams = new ReportStreams(oms, accounts, OnReport))
        {
            var client = new OrderService.OrderServiceClient(oms.Channel);
            using var gate = new SemaphoreSlim(PlacementConcurrency);
            var placements = new List<Task>(total);
            var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
            for (var k = 0; k < ordersPerAccount; k++)
            {
                var price = (top - k * 0.5m).ToString(CultureInfo.InvariantCulture);
                foreach (var account in accounts)
                {
                    await gate.WaitAsync(cancellationToken);
                    placements.Add(PlaceAsync(client, oms.Headers, new SubmitOrderRequest
                    {
                        AccountId = account,
                        ClientOrderId = $"{prefix}{k}",
                        Order = new OrderSpec
                        {
                            Instrument = new Instrument { Venue = Venue.Binance, Market = MarketType.Spot, Symbol = symbol },
                            Side = OrderSide.Buy,
                            Type = OrderType.Limit,
                            TimeInForce = TimeInForce.Gtc,
                            Quantity = "0.0002",
                            LimitPrice = price,
                            StrategyTag = "loadgen-memory",
                        },
                    }, gate, problems, cancellationToken));
                }
            }
            await Task.WhenAll(placements);
            var deadline = MonoClock.Now + MonoClock.FromSeconds(120);
            while (Volatile.Read(ref accepted) + problems.Count < total && MonoClock.Now < deadline) await Task.Delay(50, cancellationToken);
            if (Volatile.Read(ref accepted) < total)
                throw new InvalidOperationException($"only {accepted} of {total} orders were acknowledged within 120 s; first problems: {string.Join("; ", problems.Take(3))}");
        }

        // Let the last state writes and stream pumps settle before measuring.
        await Task.Delay(1000, cancellationToken);
        var after = oms.SiloMeter.Sample();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: false);
        double afterGc;
        if (oms.InProcess)
        {
            FullGc();
            afterGc = Math.Round(oms.SiloMeter.Sample().ResidentBytes / 1024.0 / 1024.0, 1);
        }
        else
        {
            afterGc = double.NaN;
        }
        var stateAfter = AccountStateSizes(oms, accountSet);
        var venueOpen = 0;
        foreach (var account in accounts) venueOpen += await oms.Simulator.GetOpenOrderCountAsync(account, cancellationToken);

        double? meanBefore = stateBefore.Count > 0 ? stateBefore.Values.Average() : null;
        double? meanAfter = stateAfter.Count > 0 ? stateAfter.Values.Average() : null;
        return new MemoryResult
        {
            Accounts = accounts.Count,
            OpenOrdersPerAccount = ordersPerAccount,
            OpenOrders = total,
            OpenOrdersAtVenue = venueOpen,
            ResidentMiBBefore = MiB(before.ResidentBytes),
            ResidentMiBAfter = MiB(after.ResidentBytes),
            ResidentMiBAfterFullGc = afterGc,
            ManagedHeapMiBBefore = oms.InProcess ? MiB(heapBefore) : double.NaN,
            ManagedHeapMiBAfter = oms.InProcess ? MiB(heapAfter) : double.NaN,
            ResidentScope = oms.SiloMeter.Scope,
            AccountStateBytesEmpty = meanBefore is { } b ? Math.Round(b, 0) : null,
            AccountStateBytesWithOrders = meanAfter is { } a ? Math.Round(a, 0) : null,
            StateBytesPerOpenOrder = meanAfter is { } a2 ? Math.Round(a2 / ordersPerAccount, 0) : null,
            MarginalStateBytesPerOpenOrder = meanAfter is { } a3 && meanBefore is { } b3 ? Math.Round((a3 - b3) / ordersPerAccount, 0) : null,
            MeanStateBytesByStateName = oms.StateSizes?.Latest.Values.GroupBy(v => v.StateName)
                .ToDictionary(g => g.Key, g => Math.Round(g.Average(v => v.Bytes), 0), StringComparer.Ordinal),
            Note = oms.StateSizes is null
                ? "grain state sizes need the in-process silo (the storage write is measured there)"
                : "state bytes = the account grain's state serialized by the silo's Orleans serializer on its last storage write (what the storage provider persists)",
        };
    }

    private static Dictionary<string, int> AccountStateSizes(OmsUnderTest oms, HashSet<string> accounts) =>
        oms.StateSizes?.AccountStates(accounts) ?? new Dictionary<string, int>(StringComparer.Ordinal);

    private static void FullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static double MiB(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);

    private static async Task PlaceAsync(OrderService.OrderServiceClient client, Metadata headers, SubmitOrderRequest request, SemaphoreSlim gate,
        System.Collections.Concurrent.ConcurrentQueue<string> problems, CancellationToken cancellationToken)
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
