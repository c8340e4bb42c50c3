using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Oms.Cluster.Tests.Infrastructure;
using Oms.Connectors.Binance.Signing;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using Xunit.Abstractions;
using Domain = Oms.Domain;
using Sim = Oms.Simulator.Engine;

namespace Oms.Cluster.Tests;

/// <summary>
/// A futures iceberg (OMS-managed: one slice shown at a time) on the BTCUSDT perpetual, run by three silo processes on
/// one PostgreSQL database with the real Binance USD-M connector against a simulator hosted by this test process. An
/// outside trader takes the visible slice in clips. Half-way, with a slice partly filled, the silo that holds the
/// account grain, its USD-M worker (sessions, listenKey stream) and the iceberg's strategy grain is killed (SIGKILL);
/// the rest of that slice fills while no silo listens. Later the silo the iceberg moved to is killed in turn (with the
/// stream when it moved there too), leaving one silo. The survivors must take the account, its stream and the iceberg
/// over each time; the iceberg ends with exactly its quantity filled, the venue never shows two slices, and the OMS's
/// orders, fills (each trade id once), position and wallet equal the simulator's exactly.
/// </summary>
public sealed class UsdMIcebergFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Symbol = "BTCUSDT";
    private const decimal Price = 65000m;
    private const decimal Display = 0.004m;
    private const int Slices = 8;
    private const decimal Total = Display * Slices;
    /// <summary>The outside trader takes a slice in two clips (0.002 × 65,000 = 130 USDT, above the 100 USDT minimum notional).</summary>
    private const decimal Clip = 0.002m;
    /// <summary>
    /// A silo is killed once the venue filled this much (each time a slice is partly filled and resting): three slices
    /// and the first clip of the fourth, then five slices and the first clip of the sixth.
    /// </summary>
    private static readonly decimal[] KillPoints = [3 * Display + Clip, 5 * Display + Clip];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-usdm-iceberg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SiloProcess> silos = [];
    private readonly string account = "ui-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string counterparty = "cp-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string strategyId = "ice" + Guid.NewGuid().ToString("N")[..10];
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal);
    private PostgresDatabase database = null!;
    private ClusterSettings settings = null!;
    private SimulatorHost simulator = null!;

    private Sim.SimExchange Exchange => simulator.Exchange;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync("oms_usdm_iceberg");
        settings = new ClusterSettings(database.ConnectionString, "usdm-iceberg-" + Guid.NewGuid().ToString("N")[..8], workDirectory);
        simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, GenerateDemoAccounts = false });
        // Only the iceberg and the outside trader trade: no simulated liquidity, the price and the mark held at the
        // iceberg's limit (the venue judges limit prices against the mark).
        Check(Exchange.SetMarketHeld(Sim.MarketKind.UsdM, Symbol, true));
        Check(Exchange.SetPrice(Sim.MarketKind.UsdM, Symbol, Price));
        Check(Exchange.SetMarkPrice(Symbol, Price));
        Check(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, false));
        simulator.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = counterparty,
            FuturesBalances = new Dictionary<string, string> { ["USDT"] = "10000000" },
        });
        // The OMS account gets an Ed25519 key the venue knows; the silos read it from the local secret store's variables.
        var seed = RandomNumberGenerator.GetBytes(32);
        using var signer = Ed25519Signer.FromSeed(seed);
        var created = simulator.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = account,
            Ed25519PublicKey = Convert.ToHexString(signer.PublicKey),
            FuturesBalances = new Dictionary<string, string> { ["USDT"] = "100000" },
        });
        var id = new Domain.AccountId(account);
        environment[SecretNaming.EnvironmentVariableName("OMS_SECRET", Domain.Venue.Binance, id, SecretField.ApiKey)] = created.ApiKey;
        environment[SecretNaming.EnvironmentVariableName("OMS_SECRET", Domain.Venue.Binance, id, SecretField.Ed25519PrivateKey)] = Convert.ToHexString(seed);
        CryptographicOperations.ZeroMemory(seed);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos) silo.Dispose();
        await simulator.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Killing_the_silo_of_the_iceberg_its_account_and_stream_half_way_fills_exactly_the_quantity_one_slice_at_a_time()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            foreach (var silo in silos) output.WriteLine($"--- {silo.Name} (last lines) ---\n{silo.Tail(60)}");
            throw;
        }
    }

    private async Task RunAsync()
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // The victim starts alone: the account grain, its USD-M worker and (submitted through it) the iceberg live there.
        var victim = Start("silo-b");
        await victim.WaitForServingAsync(StartTimeout);
        await EventuallyAsync("the account's USD-M stream reconciled on the victim", async () =>
        {
            var workers = await WorkersAsync(http, victim);
            return workers.TryGetValue(account, out var reconciled) && reconciled >= 1 ? workers : null;
        });

        var submitted = await EventuallyAsync("the iceberg submitted", async () =>
        {
            var response = await new Wire.AdvancedOrderService.AdvancedOrderServiceClient(victim.Channel).SubmitIcebergAsync(new Wire.SubmitIcebergRequest
            {
                AccountId = account,
                StrategyId = strategyId,
                Order = new Wire.OrderSpec
                {
                    Instrument = Perpetual(),
                    Side = Wire.OrderSide.Buy,
                    Type = Wire.OrderType.Limit,
                    TimeInForce = Wire.TimeInForce.Gtc,
                    Quantity = Text(Total),
                    LimitPrice = Text(Price),
                    DisplayQuantity = Text(Display),
                },
            }, settings.Call());
            return response;
        });
        Assert.Equal(Wire.ExecutionMode.OmsManaged, submitted.Strategy.Mode);
        Assert.True(submitted.Strategy.Status == Wire.StrategyStatus.Working, $"the iceberg did not start working: {submitted.Strategy}");

        var entry = Start("silo-a");
        var third = Start("silo-c");
        await Task.WhenAll(entry.WaitForServingAsync(StartTimeout), third.WaitForServingAsync(StartTimeout));
        await WaitForActiveSilosAsync(3);
        output.WriteLine($"three silos active after {clock.Elapsed.TotalSeconds:F1} s");

        // Before the kill, the victim holds all three: the account, its USD-M stream and the iceberg.
        var strategyKey = $"{account}|{strategyId}";
        Assert.Contains(account, await ActivationsAsync(http, victim, "account-activations"));
        Assert.Contains(strategyKey, await ActivationsAsync(http, victim, "strategy-activations"));
        Assert.Contains(account, (await WorkersAsync(http, victim)).Keys);
        foreach (var survivor in new[] { entry, third })
        {
            Assert.DoesNotContain(account, (await WorkersAsync(http, survivor)).Keys);
            Assert.DoesNotContain(strategyKey, await ActivationsAsync(http, survivor, "strategy-activations"));
        }
        output.WriteLine($"account {account}, its Binance USD-M stream and iceberg {strategyId} on {victim.Name} before the kill");

        // The outside trader: takes the visible slice in clips, and samples what the venue shows on every pass. Two
        // kills, each with a slice partly filled and resting: first the silo holding account, stream and iceberg; then
        // the silo the iceberg moved to (and with it the stream if it moved there too), leaving one silo.
        var run = Stopwatch.StartNew();
        var samples = 0;
        var maxVisible = 0;
        var overlaps = new List<string>();
        var clips = 0;
        var alive = new List<SiloProcess> { victim, entry, third };
        var kills = new List<KillRecord>();
        while (true)
        {
            if (run.Elapsed > RunTimeout) throw new TimeoutException($"the iceberg did not fill within {RunTimeout}: {Executed()} of {Total} filled");
            var open = Exchange.GetOpenFuturesOrders(account, Symbol).Value!;
            samples++;
            maxVisible = Math.Max(maxVisible, open.Count);
            if (open.Count > 1) overlaps.Add($"{run.Elapsed.TotalSeconds:F2} s: {string.Join(", ", open.Select(o => $"{o.ClientOrderId} {o.ExecutedQty}/{o.OrigQty}"))}");
            var executed = Executed();
            Assert.True(executed <= Total, $"over-fill: the venue filled {executed} for an iceberg of {Total}");
            if (executed == Total && open.Count == 0) break;

            if (kills.Count < KillPoints.Length && executed >= KillPoints[kills.Count] && open.Count == 1 && (kills.Count == 0 || kills[^1].Takeover.IsCompleted))
            {
                var target = kills.Count == 0 ? victim : await StrategyHostAsync(http, alive, strategyKey);
                var heldStream = (await WorkersAsync(http, target)).ContainsKey(account);
                alive.Remove(target);
                var ordersBefore = AllOrders().Count;
                target.Kill();
                Assert.True(target.HasExited);
                var since = Stopwatch.StartNew();
                kills.Add(new KillRecord(target.Name, heldStream, DateTimeOffset.UtcNow, since,
                    MeasureTakeoverAsync(http, [.. alive], strategyKey, heldStream, ordersBefore, since)));
                output.WriteLine($"kill {kills.Count}: {target.Name} (iceberg{(heldStream ? ", account stream" : "")}) at {executed} filled, {ordersBefore} slices placed, " +
                    $"{run.Elapsed.TotalSeconds:F1} s into the run; {alive.Count} silo(s) left");
            }

            if (open.Count == 1)
            {
                var slice = open[0];
                var take = Math.Min(Clip, slice.OrigQty - slice.ExecutedQty);
                var result = Exchange.PlaceFuturesOrder(counterparty, new Sim.FuturesOrderRequest
                {
                    Symbol = Symbol, Side = Sim.OrderSide.Sell, Type = Sim.FuturesOrderType.Limit, TimeInForce = Sim.TimeInForce.Ioc,
                    Price = Price, Quantity = take,
                });
                Check(result);
                if (result.Value!.ExecutedQty > 0m) clips++;
            }
            await Task.Delay(150);
        }
        Assert.Equal(KillPoints.Length, kills.Count);
        output.WriteLine($"the venue filled {Total} in {clips} clips over {run.Elapsed.TotalSeconds:F1} s; {samples} samples of the open orders, at most {maxVisible} visible");

        var trades = Exchange.GetFuturesTrades(account, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!;
        foreach (var (kill, number) in kills.Select((k, i) => (k, i + 1)))
        {
            var times = await kill.Takeover;
            var stream = times.Reconciled is { } reconciled
                ? $"USD-M worker on {times.WorkerSilo} at {times.Worker:F2} s, stream reconciled {reconciled:F2} s, "
                : "stream stayed where it was, ";
            output.WriteLine($"take-over after SIGKILL {number} ({kill.Silo}): {stream}iceberg re-activated on {times.StrategySilo} at {times.Strategy:F2} s, " +
                $"next slice visible at the venue {times.NextSlice:F2} s (silo processes on 2 shared cores)");
            var gapEnd = kill.AtUtc + TimeSpan.FromSeconds(times.Reconciled ?? times.NextSlice);
            var gapTrades = trades.Count(t => t.Time >= kill.AtUtc.ToUnixTimeMilliseconds() && t.Time <= gapEnd.ToUnixTimeMilliseconds());
            output.WriteLine($"  {gapTrades} trade(s) executed at the venue between the kill and the {(times.Reconciled is null ? "next slice" : "take-over's reconciliation")}");
        }

        // Never more than one slice visible: in every sample, and by the venue's own times (each slice placed only
        // after the previous one ended).
        Assert.True(overlaps.Count == 0, "two slices were visible at once:\n  " + string.Join("\n  ", overlaps));
        var venueOrders = AllOrders().OrderBy(o => o.Time).ThenBy(o => o.OrderId).ToList();
        for (var i = 1; i < venueOrders.Count; i++)
        {
            Assert.True(venueOrders[i].Time >= venueOrders[i - 1].UpdateTime,
                $"slice {venueOrders[i].ClientOrderId} was placed at {venueOrders[i].Time} before {venueOrders[i - 1].ClientOrderId} ended at {venueOrders[i - 1].UpdateTime}");
        }
        Assert.Equal(Slices, venueOrders.Count);
        Assert.All(venueOrders, o =>
        {
            Assert.Equal(Sim.OrderStatus.Filled, o.Status);
            Assert.Equal(Display, o.OrigQty);
            Assert.Equal(Display, o.ExecutedQty);
        });
        Assert.Equal(Slices, venueOrders.Select(o => o.ClientOrderId).Distinct(StringComparer.Ordinal).Count());

        // The iceberg completed with exactly its quantity, one venue order per slice (read through the last silo). A
        // slice the account denied while it reconciled after a take-over never reached the venue and went out again.
        var last = alive.Single();
        var strategies = new Wire.AdvancedOrderService.AdvancedOrderServiceClient(last.Channel);
        var final = await EventuallyAsync("the iceberg completed", async () =>
        {
            var strategy = await strategies.GetStrategyAsync(new Wire.GetStrategyRequest { AccountId = account, StrategyId = strategyId }, settings.Call());
            return strategy.Status is Wire.StrategyStatus.Working or Wire.StrategyStatus.Cancelling ? null : strategy;
        });
        Assert.True(final.Status == Wire.StrategyStatus.Completed, $"the iceberg ended {final.Status}: {final.Reason}");
        Assert.Equal(Total, Dec(final.FilledQuantity));
        var deferred = final.Children.Where(c => c.Order?.Status == Wire.OrderStatus.Denied).ToList();
        Assert.All(deferred, c => Assert.Equal("ACCOUNT_RECONCILING", c.Order.Denial?.Code));
        Assert.Equal(venueOrders.Select(o => o.ClientOrderId).Order(StringComparer.Ordinal),
            final.Children.Except(deferred).Select(c => c.ClientOrderId).Order(StringComparer.Ordinal));
        output.WriteLine($"iceberg completed: {final.Children.Count} children, {deferred.Count} slice(s) denied while the account reconciled and placed again");

        var tradeCount = await AssertMirrorsVenueAsync(last, last);
        output.WriteLine($"the OMS mirrors the venue exactly ({venueOrders.Count} orders, {tradeCount} trades, position and wallet) " +
            $"{kills[0].Since.Elapsed.TotalSeconds:F1} s after the first kill; whole test {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed record KillRecord(string Silo, bool HeldStream, DateTimeOffset AtUtc, Stopwatch Since, Task<Takeover> Takeover);

    private sealed record Takeover(double? Worker, string WorkerSilo, double? Reconciled, double Strategy, string StrategySilo, double NextSlice);

    /// <summary>The live silo the iceberg's strategy grain is active on (bounded wait: it may be re-activating).</summary>
    private static async Task<SiloProcess> StrategyHostAsync(HttpClient http, IReadOnlyList<SiloProcess> alive, string strategyKey)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            foreach (var silo in alive)
            {
                if ((await ActivationsAsync(http, silo, "strategy-activations")).Contains(strategyKey)) return silo;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the iceberg {strategyKey} is active on none of {string.Join(", ", alive.Select(s => s.Name))}");
    }

    /// <summary>
    /// Polls the survivors and the venue until the iceberg is active on a survivor and its next slice rests at the
    /// venue, and (when the killed silo held it) the account's USD-M worker reconciled on a survivor; returns the
    /// seconds after the kill at which each was first seen.
    /// </summary>
    private async Task<Takeover> MeasureTakeoverAsync(HttpClient http, SiloProcess[] survivors, string strategyKey, bool streamLost, int ordersBeforeKill,
        Stopwatch killedAt)
    {
        double? worker = null, reconciled = null, strategy = null, nextSlice = null;
        string workerSilo = "-", strategySilo = "?";
        while ((streamLost && reconciled is null) || strategy is null || nextSlice is null)
        {
            if (killedAt.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"the take-over was not complete within three minutes: worker {worker}, reconciled {reconciled}, strategy {strategy}, next slice {nextSlice}");
            }
            foreach (var survivor in survivors)
            {
                try
                {
                    var workers = await WorkersAsync(http, survivor);
                    var now = killedAt.Elapsed.TotalSeconds;
                    if (streamLost && workers.TryGetValue(account, out var count))
                    {
                        if (worker is null) (worker, workerSilo) = (now, survivor.Name);
                        if (count >= 1) reconciled ??= now;
                    }
                    if (strategy is null && (await ActivationsAsync(http, survivor, "strategy-activations")).Contains(strategyKey))
                    {
                        (strategy, strategySilo) = (killedAt.Elapsed.TotalSeconds, survivor.Name);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The survivor is busy taking over: ask again.
                }
            }
            if (nextSlice is null && AllOrders().Count > ordersBeforeKill) nextSlice = killedAt.Elapsed.TotalSeconds;
            await Task.Delay(50);
        }
        return new Takeover(worker, workerSilo, reconciled, strategy.Value, strategySilo, nextSlice.Value);
    }

    /// <summary>
    /// Waits (bounded) until the OMS holds exactly the venue's orders (status, quantity, filled), fills (trade ids, once
    /// each on the execution-report stream), position (quantity, entry price, fees, fill count) and wallet; fails with
    /// the differences otherwise.
    /// </summary>
    /// <returns>The account's number of venue trades.</returns>
    private async Task<int> AssertMirrorsVenueAsync(SiloProcess entry, SiloProcess other)
    {
        List<string> differences = [];
        var deadline = Stopwatch.StartNew();
        var trades = 0;
        while (true)
        {
            try
            {
                (differences, trades) = await DifferencesAsync(entry, other);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                differences = [$"{ex.StatusCode}: {ex.Status.Detail}"];
            }
            if (differences.Count == 0) return trades;
            if (deadline.Elapsed > TimeSpan.FromMinutes(2)) break;
            await Task.Delay(500);
        }
        Assert.Fail($"the OMS does not mirror the venue for account {account}:\n  " + string.Join("\n  ", differences));
        return trades;
    }

    private async Task<(List<string> Differences, int Trades)> DifferencesAsync(SiloProcess entry, SiloProcess other)
    {
        var differences = new List<string>();
        var venueOrders = AllOrders();
        var venueTrades = Exchange.GetFuturesTrades(account, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!;
        var venueAccount = Exchange.GetFuturesAccount(account).Value!;

        var accountService = new Wire.AccountService.AccountServiceClient(entry.Channel);
        var history = await accountService.GetOrderHistoryAsync(new Wire.GetOrderHistoryRequest { AccountId = account, Limit = 1000 }, settings.Call());
        var omsOrders = history.Orders.ToDictionary(o => o.ClientOrderId, StringComparer.Ordinal);
        foreach (var venueOrder in venueOrders)
        {
            if (!omsOrders.TryGetValue(venueOrder.ClientOrderId, out var mine))
            {
                differences.Add($"venue order {venueOrder.ClientOrderId} ({venueOrder.Status}) is unknown to the OMS");
                continue;
            }
            if (!SameStatus(mine.Status, venueOrder.Status)) differences.Add($"order {mine.ClientOrderId}: OMS {mine.Status}, venue {venueOrder.Status}");
            if (Dec(mine.Quantity) != venueOrder.OrigQty) differences.Add($"order {mine.ClientOrderId}: OMS quantity {mine.Quantity}, venue {venueOrder.OrigQty}");
            if (Dec(mine.FilledQuantity) != venueOrder.ExecutedQty) differences.Add($"order {mine.ClientOrderId}: OMS filled {mine.FilledQuantity}, venue {venueOrder.ExecutedQty}");
            if (mine.VenueOrderId != venueOrder.OrderId.ToString(CultureInfo.InvariantCulture))
                differences.Add($"order {mine.ClientOrderId}: OMS venue order id {mine.VenueOrderId}, venue {venueOrder.OrderId}");
        }
        foreach (var mine in omsOrders.Values.Where(o => venueOrders.All(v => v.ClientOrderId != o.ClientOrderId)))
        {
            // A slice the account denied while it reconciled never went to the venue.
            if (mine.Status == Wire.OrderStatus.Denied && mine.Denial?.Code == "ACCOUNT_RECONCILING") continue;
            differences.Add($"OMS order {mine.ClientOrderId} ({mine.Status}) is unknown to the venue");
        }

        // Fills: the execution-report stream holds each venue trade exactly once.
        var info = await accountService.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, settings.Call());
        var reports = await ReadAllReportsAsync(new Wire.OrderService.OrderServiceClient(other.Channel), info.LastSequence);
        if (!reports.Select(r => r.Sequence).SequenceEqual(Enumerable.Range(1, (int)info.LastSequence).Select(i => (long)i)))
            differences.Add($"the execution-report stream is not gap-free 1..{info.LastSequence}");
        var fillIds = reports.Where(r => r.Fill is not null && !string.IsNullOrEmpty(r.Fill.TradeId)).Select(r => r.Fill.TradeId).ToList();
        var venueIds = venueTrades.Select(t => t.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        if (fillIds.Count != fillIds.Distinct().Count()) differences.Add($"the OMS reported a fill twice: {string.Join(", ", fillIds.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key))}");
        var missing = venueIds.Except(fillIds).ToList();
        var extra = fillIds.Except(venueIds).ToList();
        if (missing.Count > 0) differences.Add($"venue trades missing in the OMS: {string.Join(", ", missing)}");
        if (extra.Count > 0) differences.Add($"OMS fills the venue does not have: {string.Join(", ", extra)}");
        var filledByReports = reports.Where(r => r.Fill is not null && !string.IsNullOrEmpty(r.Fill.TradeId)).GroupBy(r => r.Fill.TradeId).Sum(g => Dec(g.First().Fill.Quantity));
        if (filledByReports != venueTrades.Sum(t => t.Qty)) differences.Add($"the OMS's fills add up to {filledByReports}, the venue's trades to {venueTrades.Sum(t => t.Qty)}");

        // Position: quantity, entry price, fees and fill count as the venue has them.
        var positions = await accountService.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account }, settings.Call());
        var position = positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol && p.Instrument.Market == Wire.MarketType.UsdmFutures);
        var venuePosition = venueAccount.Positions.Where(p => p.Symbol == Symbol).ToList();
        var venueQuantity = venuePosition.Sum(p => p.PositionAmt);
        if (venueQuantity != Total) differences.Add($"the venue's {Symbol} position is {venueQuantity}, the iceberg was {Total}");
        if (position is null) differences.Add($"the OMS has no {Symbol} perpetual position");
        else
        {
            if (Dec(position.Quantity) != venueQuantity) differences.Add($"{Symbol} position: OMS {position.Quantity}, venue {venueQuantity}");
            if (position.FillCount != venueTrades.Count) differences.Add($"{Symbol} position: OMS counts {position.FillCount} fills, the venue has {venueTrades.Count} trades");
            var venueEntry = venuePosition.Single(p => p.PositionAmt != 0m).EntryPrice;
            if (Dec(position.AverageEntryPrice) != venueEntry) differences.Add($"{Symbol} entry price: OMS {position.AverageEntryPrice}, venue {venueEntry}");
            var venueFees = venueTrades.Where(t => t.CommissionAsset == "USDT").Sum(t => t.Commission);
            if (Dec(position.Fees) != venueFees) differences.Add($"{Symbol} fees: OMS {position.Fees}, venue {venueFees}");
        }

        // Wallet: the OMS keeps the USD-M wallet as free = cross wallet balance, locked = isolated part.
        var balances = (await accountService.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = account }, settings.Call())).Balances
            .ToDictionary(b => b.Asset, StringComparer.Ordinal);
        foreach (var asset in venueAccount.Assets.Where(a => a.WalletBalance != 0m))
        {
            if (!balances.TryGetValue(asset.Asset, out var mine))
            {
                differences.Add($"the OMS has no {asset.Asset} wallet balance (venue {asset.WalletBalance})");
                continue;
            }
            if (Dec(mine.Total) != asset.WalletBalance || Dec(mine.Free) != asset.CrossWalletBalance || Dec(mine.Locked) != asset.WalletBalance - asset.CrossWalletBalance)
            {
                differences.Add($"wallet {asset.Asset}: OMS {mine.Free}/{mine.Locked}/{mine.Total}, venue cross {asset.CrossWalletBalance}, wallet {asset.WalletBalance} (free/locked/total)");
            }
        }
        return (differences, venueTrades.Count);
    }

    private static bool SameStatus(Wire.OrderStatus oms, Sim.OrderStatus venue) => (oms, venue) switch
    {
        (Wire.OrderStatus.New, Sim.OrderStatus.New) => true,
        (Wire.OrderStatus.PartiallyFilled, Sim.OrderStatus.PartiallyFilled) => true,
        (Wire.OrderStatus.Filled, Sim.OrderStatus.Filled) => true,
        (Wire.OrderStatus.Canceled, Sim.OrderStatus.Canceled) => true,
        (Wire.OrderStatus.Rejected, Sim.OrderStatus.Rejected) => true,
        (Wire.OrderStatus.Expired, Sim.OrderStatus.Expired or Sim.OrderStatus.ExpiredInMatch) => true,
        _ => false,
    };

    private async Task<List<Wire.ExecutionReport>> ReadAllReportsAsync(Wire.OrderService.OrderServiceClient client, long last)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reports = new List<Wire.ExecutionReport>();
        using var call = client.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = 1 },
            new CallOptions(new Metadata { { "authorization", "Bearer " + settings.Token } }, cancellationToken: deadline.Token));
        while (reports.Count < last && await call.ResponseStream.MoveNext(deadline.Token))
        {
            if (call.ResponseStream.Current.KindCase == Wire.ExecutionReportStreamMessage.KindOneofCase.Report) reports.Add(call.ResponseStream.Current.Report);
        }
        return reports;
    }

    private decimal Executed() => Exchange.GetFuturesTrades(account, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!.Sum(t => t.Qty);

    private IReadOnlyList<Sim.FuturesOrderView> AllOrders() =>
        Exchange.GetAllFuturesOrders(account, new Sim.OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!;

    private async Task<IReadOnlyDictionary<string, long>> WorkersAsync(HttpClient http, SiloProcess silo)
    {
        var workers = await http.GetFromJsonAsync<WorkerInfo[]>(new Uri($"http://127.0.0.1:{silo.DashboardPort}/test/binance-usdm-workers"));
        return (workers ?? []).ToDictionary(w => w.Account, w => w.Reconciliations, StringComparer.Ordinal);
    }

    private static async Task<string[]> ActivationsAsync(HttpClient http, SiloProcess silo, string what) =>
        await http.GetFromJsonAsync<string[]>(new Uri($"http://127.0.0.1:{silo.DashboardPort}/test/{what}")) ?? [];

    private sealed record WorkerInfo(string Account, long Reconciliations);

    /// <summary>Retries until a value comes back, treating UNAVAILABLE / DEADLINE_EXCEEDED as "not yet". Bounded at two minutes.</summary>
    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> attempt) where T : class
    {
        var stopwatch = Stopwatch.StartNew();
        var last = "no attempt";
        while (stopwatch.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                var result = await attempt();
                if (result is not null) return result;
                last = "condition not met";
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                last = $"{ex.StatusCode}: {ex.Status.Detail}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{what}: not reached within two minutes (last: {last})");
    }

    private async Task WaitForActiveSilosAsync(int expected)
    {
        var stopwatch = Stopwatch.StartNew();
        long active = 0;
        while (stopwatch.Elapsed < StartTimeout)
        {
            active = await database.ScalarAsync(
                "SELECT COUNT(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3", ("cluster", settings.ClusterId));
            if (active == expected) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"expected {expected} active silos in cluster {settings.ClusterId}, found {active}");
    }

    /// <summary>
    /// A test silo with the real Binance connectors pointed at this process's simulator; the account trades USD-M
    /// futures. Every silo knows the account (the keep-alive re-activates it on a survivor). The strategy reminder runs
    /// every 10 s (Orleans' floor lowered in the test silo) so an iceberg whose silo died resumes even when no
    /// notification reaches it.
    /// </summary>
    private SiloProcess Start(string name)
    {
        var urls = simulator.Urls;
        var silo = settings.Start(name, Paths.TestSilo, [account],
        [
            "--Test:Venue=Binance",
            "--Test:MinimumReminderPeriod=00:00:05",
            "--Oms:ContingentOrders:ReminderPeriod=00:00:10",
            "--Oms:Connectors:Binance:Simulator:Embedded=false",
            "--Oms:Connectors:KeepAliveInterval=00:00:01",
            $"--Oms:Connectors:Binance:SpotRestBaseAddress={urls.Rest}",
            $"--Oms:Connectors:Binance:SpotWebSocketApiAddress={urls.SpotWsApi}",
            $"--Oms:Connectors:Binance:SpotMarketStreamAddress={urls.SpotStreams}",
            $"--Oms:Connectors:Binance:UsdMRestBaseAddress={urls.Rest}",
            $"--Oms:Connectors:Binance:UsdMWebSocketApiAddress={urls.FuturesWsApi}",
            $"--Oms:Connectors:Binance:UsdMStreamAddress={urls.FuturesStreams}",
            "--Oms:Secrets:Local:UseFile=false",
        ], market: "UsdMFutures", environment: environment);
        silos.Add(silo);
        return silo;
    }

    private static Wire.Instrument Perpetual() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = Symbol };

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Check(Sim.EngineResult result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    private static void Check<T>(Sim.EngineResult<T> result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    private static decimal Dec(string text) => string.IsNullOrEmpty(text) ? 0m : decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
