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
/// Three silo processes on one PostgreSQL database run the real Binance spot connector against a simulator hosted by
/// this test process (outside every silo). The silo that owns the accounts' venue streams is killed (SIGKILL) while
/// orders are submitted and an outside trader keeps filling them; the venue keeps trading while no silo listens. A
/// surviving silo must take each account's worker and stream over, reconcile, and end with exactly the venue's orders,
/// fills and balances — nothing lost, nothing counted twice.
/// </summary>
public sealed class SpotStreamFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Symbol = "BNBUSDT";
    private const decimal Price = 600m;
    private const decimal OrderQuantity = 0.1m;
    private const decimal CounterpartyRest = 0.04m;
    private const decimal TakerSlice = 0.03m;
    private const int Rounds = 6;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-spot-failover-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SiloProcess> silos = [];
    private readonly string[] accounts = Enumerable.Range(1, 4).Select(i => $"sf-{i}").ToArray();
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal);
    private readonly string counterparty = "cp-" + Guid.NewGuid().ToString("N")[..8];
    private PostgresDatabase database = null!;
    private ClusterSettings settings = null!;
    private SimulatorHost simulator = null!;
    private int retries;
    private int reconcilingDenials;

    private Sim.SimExchange Exchange => simulator.Exchange;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync("oms_spot_failover");
        settings = new ClusterSettings(database.ConnectionString, "spot-failover-" + Guid.NewGuid().ToString("N")[..8], workDirectory);
        simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, GenerateDemoAccounts = false });
        Check(Exchange.SetMarketHeld(Sim.MarketKind.Spot, Symbol, true));
        Check(Exchange.SetLiquidityEnabled(Sim.MarketKind.Spot, Symbol, false));
        simulator.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = counterparty,
            Balances = new Dictionary<string, string> { ["USDT"] = "100000000", ["BNB"] = "1000000" },
        });
        // Each OMS account gets an Ed25519 key the venue knows; the silos read it from the local secret store's variables.
        foreach (var account in accounts)
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            using var signer = Ed25519Signer.FromSeed(seed);
            var created = simulator.Runtime.Accounts.Create(new CreateAccountRequest
            {
                AccountId = account,
                Ed25519PublicKey = Convert.ToHexString(signer.PublicKey),
                Balances = new Dictionary<string, string> { ["USDT"] = "100000", ["BNB"] = "100" },
            });
            var id = new Domain.AccountId(account);
            environment[SecretNaming.EnvironmentVariableName("OMS_SECRET", Domain.Venue.Binance, id, SecretField.ApiKey)] = created.ApiKey;
            environment[SecretNaming.EnvironmentVariableName("OMS_SECRET", Domain.Venue.Binance, id, SecretField.Ed25519PrivateKey)] = Convert.ToHexString(seed);
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos) silo.Dispose();
        await simulator.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Killing_the_stream_owner_mid_flow_hands_the_streams_over_and_mirrors_the_venue_exactly()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            // The silos' own account of what happened, for the diagnosis.
            foreach (var silo in silos) output.WriteLine($"--- {silo.Name} (last lines) ---\n{silo.Tail(40)}");
            throw;
        }
    }

    private async Task RunAsync()
    {
        var clock = Stopwatch.StartNew();
        // The victim starts alone and provisions the accounts: their grains, and with them the venue streams, live there.
        var victim = Start("silo-b");
        await victim.WaitForServingAsync(StartTimeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await EventuallyAsync("every account's stream reconciled on the victim", async () =>
        {
            var workers = await WorkersAsync(http, victim);
            return accounts.All(a => workers.TryGetValue(a, out var r) && r >= 1) ? workers : null;
        });
        var entry = Start("silo-a");
        var third = Start("silo-c");
        await Task.WhenAll(entry.WaitForServingAsync(StartTimeout), third.WaitForServingAsync(StartTimeout));
        await WaitForActiveSilosAsync(3);
        output.WriteLine($"three silos active after {clock.Elapsed.TotalSeconds:F1} s");

        var hosted = await http.GetFromJsonAsync<string[]>(new Uri($"http://127.0.0.1:{victim.DashboardPort}/test/account-activations"));
        Assert.NotNull(hosted);
        Assert.Subset(hosted.ToHashSet(), accounts.ToHashSet());
        var victimWorkers = await WorkersAsync(http, victim);
        Assert.Subset(victimWorkers.Keys.ToHashSet(), accounts.ToHashSet());
        foreach (var survivor in new[] { entry, third })
        {
            Assert.Empty((await WorkersAsync(http, survivor)).Keys.Intersect(accounts));
        }
        output.WriteLine($"accounts and their Binance spot streams on {victim.Name} before the kill: {string.Join(", ", victimWorkers.Keys)}");

        // An outside trader fills the accounts' resting buys in slices, all the time - also while no silo listens.
        using var stopTaker = new CancellationTokenSource();
        var takerFills = 0;
        var taker = Task.Run(async () =>
        {
            while (!stopTaker.IsCancellationRequested)
            {
                var result = Exchange.PlaceSpotOrder(counterparty, new Sim.SpotOrderRequest
                {
                    Symbol = Symbol, Side = Sim.OrderSide.Sell, Type = Sim.SpotOrderType.Limit, TimeInForce = Sim.TimeInForce.Ioc, Price = Price, Quantity = TakerSlice,
                });
                if (result.IsSuccess && result.Value!.Order.ExecutedQty > 0m) Interlocked.Increment(ref takerFills);
                try { await Task.Delay(120, stopTaker.Token); } catch (OperationCanceledException) { }
            }
        });

        var orders = new Wire.OrderService.OrderServiceClient(entry.Channel);
        Stopwatch? killedAt = null;
        var killedAtUtc = DateTimeOffset.MinValue;
        Task<IReadOnlyDictionary<string, (double Worker, double Reconciled)>>? takeover = null;
        for (var round = 1; round <= Rounds; round++)
        {
            for (var i = 0; i < accounts.Length; i++)
            {
                if (round == 3 && i == accounts.Length / 2)
                {
                    victim.Kill(); // mid-flow: orders resting and being filled, fills and acknowledgements in flight
                    Assert.True(victim.HasExited);
                    killedAt = Stopwatch.StartNew();
                    killedAtUtc = DateTimeOffset.UtcNow;
                    takeover = MeasureTakeoverAsync(http, [entry, third], killedAt);
                }
                // A resting sell for the buy to take at once (an immediate fill), the rest of the buy rests for the taker.
                Check(Exchange.PlaceSpotOrder(counterparty, new Sim.SpotOrderRequest
                {
                    Symbol = Symbol, Side = Sim.OrderSide.Sell, Type = Sim.SpotOrderType.Limit, TimeInForce = Sim.TimeInForce.Gtc, Price = Price, Quantity = CounterpartyRest,
                }));
                await SubmitWithRetryAsync(orders, accounts[i], $"{accounts[i]}-{round}");
            }
        }
        output.WriteLine($"all {Rounds * accounts.Length} orders submitted {killedAt!.Elapsed.TotalSeconds:F1} s after the kill; {retries} submit attempt(s) failed over and were retried, " +
            $"{reconcilingDenials} denied with ACCOUNT_RECONCILING and resubmitted");

        var times = await takeover!;
        foreach (var (account, (worker, reconciled)) in times.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"take-over of {account}: worker started {worker:F2} s, stream reconciled {reconciled:F2} s after the SIGKILL");
        }
        output.WriteLine($"take-over time (kill -> stream reconciled on a survivor): max {times.Values.Max(t => t.Reconciled):F2} s, " +
            $"min {times.Values.Min(t => t.Reconciled):F2} s over {times.Count} accounts (3 silo processes, 2 shared cores)");

        // Let the taker finish what rests, then stop it: every order ends filled at the venue.
        await EventuallyAsync("the venue filled every order", () =>
        {
            var open = accounts.Sum(a => Exchange.GetOpenSpotOrders(a, Symbol).Value?.Count ?? 0);
            return Task.FromResult(open == 0 ? (object)open : null);
        });
        await stopTaker.CancelAsync();
        await taker;
        output.WriteLine($"the outside trader took liquidity {takerFills} time(s)");
        // Trades the venue executed while no silo held the account's stream: only the take-over's reconciliation can bring them.
        var gapTrades = accounts.Sum(a =>
        {
            var end = killedAtUtc + TimeSpan.FromSeconds(times[a].Reconciled);
            return Exchange.GetSpotTrades(a, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!
                .Count(t => t.Time >= killedAtUtc.ToUnixTimeMilliseconds() && t.Time <= end.ToUnixTimeMilliseconds());
        });
        output.WriteLine($"{gapTrades} trade(s) executed at the venue between the kill and the take-over's reconciliation");

        var tradeTotal = 0;
        foreach (var account in accounts)
        {
            tradeTotal += await AssertMirrorsVenueAsync(entry, third, account);
        }
        output.WriteLine($"{accounts.Length} accounts mirror the venue exactly ({tradeTotal} trades) {killedAt.Elapsed.TotalSeconds:F1} s after the kill");
    }

    /// <summary>
    /// Polls the survivors until each account's worker runs on one of them and has reconciled there; returns, per
    /// account, the seconds after the kill at which each was first seen.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, (double Worker, double Reconciled)>> MeasureTakeoverAsync(HttpClient http, SiloProcess[] survivors, Stopwatch killedAt)
    {
        var worker = new Dictionary<string, double>(StringComparer.Ordinal);
        var reconciled = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reconciled.Count < accounts.Length)
        {
            if (killedAt.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"not every account's stream was taken over within two minutes: reconciled {string.Join(", ", reconciled.Keys)}");
            }
            foreach (var survivor in survivors)
            {
                IReadOnlyDictionary<string, long> workers;
                try
                {
                    workers = await WorkersAsync(http, survivor);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    continue;
                }
                var now = killedAt.Elapsed.TotalSeconds;
                foreach (var (account, count) in workers)
                {
                    if (!accounts.Contains(account)) continue;
                    worker.TryAdd(account, now);
                    if (count >= 1) reconciled.TryAdd(account, now);
                }
            }
            await Task.Delay(50);
        }
        return accounts.ToDictionary(a => a, a => (worker[a], reconciled[a]), StringComparer.Ordinal);
    }

    /// <summary>
    /// Waits (bounded) until the OMS holds exactly the venue's orders (status, quantity, filled), fills (trade ids, once
    /// each on the execution-report stream), position and balances; fails with the differences otherwise.
    /// </summary>
    /// <returns>The account's number of venue trades.</returns>
    private async Task<int> AssertMirrorsVenueAsync(SiloProcess entry, SiloProcess other, string account)
    {
        List<string> differences = [];
        var deadline = Stopwatch.StartNew();
        var trades = 0;
        while (true)
        {
            try
            {
                (differences, trades) = await DifferencesAsync(entry, other, account);
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

    private async Task<(List<string> Differences, int Trades)> DifferencesAsync(SiloProcess entry, SiloProcess other, string account)
    {
        var differences = new List<string>();
        var venueOrders = Exchange.GetAllSpotOrders(account, new Sim.OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!;
        var venueTrades = Exchange.GetSpotTrades(account, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }).Value!;
        var venueBalances = Exchange.GetSpotAccount(account).Value!.Balances.ToDictionary(b => b.Asset, StringComparer.Ordinal);

        var accountService = new Wire.AccountService.AccountServiceClient(entry.Channel);
        var history = await accountService.GetOrderHistoryAsync(new Wire.GetOrderHistoryRequest { AccountId = account, Limit = 1000 }, settings.Call());
        var omsOrders = history.Orders.ToDictionary(o => o.ClientOrderId, StringComparer.Ordinal);
        if (venueOrders.Count != Rounds) differences.Add($"the venue holds {venueOrders.Count} orders, {Rounds} were submitted");
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
        }
        foreach (var mine in omsOrders.Values.Where(o => o.Status != Wire.OrderStatus.Denied && venueOrders.All(v => v.ClientOrderId != o.ClientOrderId)))
        {
            differences.Add($"OMS order {mine.ClientOrderId} ({mine.Status}) is unknown to the venue");
        }

        // Fills: the execution-report stream, read through another silo, holds each venue trade exactly once.
        var info = await accountService.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, settings.Call());
        var reports = await ReadAllReportsAsync(new Wire.OrderService.OrderServiceClient(other.Channel), account, info.LastSequence);
        if (!reports.Select(r => r.Sequence).SequenceEqual(Enumerable.Range(1, (int)info.LastSequence).Select(i => (long)i)))
            differences.Add($"the execution-report stream is not gap-free 1..{info.LastSequence}");
        var fillIds = reports.Where(r => r.Fill is not null && !string.IsNullOrEmpty(r.Fill.TradeId)).Select(r => r.Fill.TradeId).ToList();
        var venueIds = venueTrades.Select(t => t.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        if (fillIds.Count != fillIds.Distinct().Count()) differences.Add($"the OMS reported a fill twice: {string.Join(", ", fillIds.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key))}");
        var missing = venueIds.Except(fillIds).ToList();
        var extra = fillIds.Except(venueIds).ToList();
        if (missing.Count > 0) differences.Add($"venue trades missing in the OMS: {string.Join(", ", missing)}");
        if (extra.Count > 0) differences.Add($"OMS fills the venue does not have: {string.Join(", ", extra)}");

        // Position: the sum of the trades (less the base-asset fees the venue took), each counted once.
        var positions = await accountService.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account }, settings.Call());
        var position = positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol);
        var expectedQuantity = venueTrades.Sum(t => t.Qty - (t.CommissionAsset == "BNB" ? t.Commission : 0m));
        if (position is null) differences.Add($"the OMS has no {Symbol} position");
        else
        {
            if (position.FillCount != venueTrades.Count) differences.Add($"{Symbol} position: OMS counts {position.FillCount} fills, the venue has {venueTrades.Count} trades");
            if (Dec(position.Quantity) != expectedQuantity) differences.Add($"{Symbol} position: OMS {position.Quantity}, venue trades {expectedQuantity}");
        }

        // Balances, exactly.
        var balances = (await accountService.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = account }, settings.Call())).Balances
            .ToDictionary(b => b.Asset, StringComparer.Ordinal);
        foreach (var asset in venueBalances.Keys.Union(balances.Keys))
        {
            var (free, locked) = venueBalances.TryGetValue(asset, out var v) ? (v.Free, v.Locked) : (0m, 0m);
            var (omsFree, omsLocked) = balances.TryGetValue(asset, out var b) ? (Dec(b.Free), Dec(b.Locked)) : (0m, 0m);
            if (free != omsFree || locked != omsLocked) differences.Add($"balance {asset}: OMS {omsFree}/{omsLocked}, venue {free}/{locked} (free/locked)");
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

    private async Task<List<Wire.ExecutionReport>> ReadAllReportsAsync(Wire.OrderService.OrderServiceClient client, string account, long last)
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

    /// <summary>
    /// Submits a buy; a call lost in the failover is repeated with the same client order id (idempotent). While the
    /// account reconciles after the take-over, new risk is denied with ACCOUNT_RECONCILING and recorded as a denied
    /// order: the submit is repeated under a new client order id.
    /// </summary>
    private async Task SubmitWithRetryAsync(Wire.OrderService.OrderServiceClient orders, string account, string clientOrderId)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var id = attempt == 0 ? clientOrderId : $"{clientOrderId}-d{attempt}";
            var request = new Wire.SubmitOrderRequest
            {
                AccountId = account,
                ClientOrderId = id,
                Order = new Wire.OrderSpec
                {
                    Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = Symbol },
                    Side = Wire.OrderSide.Buy,
                    Type = Wire.OrderType.Limit,
                    Quantity = OrderQuantity.ToString(CultureInfo.InvariantCulture),
                    LimitPrice = Price.ToString(CultureInfo.InvariantCulture),
                },
            };
            var response = await EventuallyAsync($"submit {id}", async () => await orders.SubmitOrderAsync(request, settings.Call()),
                () => Interlocked.Increment(ref retries));
            if (response.Order.Status != Wire.OrderStatus.Denied) return;
            Assert.True(response.Order.Denial?.Code == "ACCOUNT_RECONCILING", $"order {id} was denied: {response.Order.Denial}");
            Interlocked.Increment(ref reconcilingDenials);
            await Task.Delay(200);
        }
        Assert.Fail($"order {clientOrderId} was denied while reconciling 200 times");
    }

    private static async Task<IReadOnlyDictionary<string, long>> WorkersAsync(HttpClient http, SiloProcess silo)
    {
        var workers = await http.GetFromJsonAsync<WorkerInfo[]>(new Uri($"http://127.0.0.1:{silo.DashboardPort}/test/binance-spot-workers"));
        return (workers ?? []).ToDictionary(w => w.Account, w => w.Reconciliations, StringComparer.Ordinal);
    }

    private sealed record WorkerInfo(string Account, long Reconciliations);

    /// <summary>Retries until a value comes back, treating UNAVAILABLE / DEADLINE_EXCEEDED as "not yet". Bounded at two minutes.</summary>
    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> attempt, Action? onFailover = null) where T : class
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
                onFailover?.Invoke();
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
    /// A test silo with the real Binance connector pointed at this process's simulator. Every silo knows the accounts
    /// (their keep-alive re-activates them on a survivor), so the first one started activates them.
    /// </summary>
    private SiloProcess Start(string name)
    {
        var urls = simulator.Urls;
        var silo = settings.Start(name, Paths.TestSilo, accounts,
        [
            "--Test:Venue=Binance",
            "--Oms:Connectors:Binance:Simulator:Embedded=false",
            "--Oms:Connectors:KeepAliveInterval=00:00:01",
            $"--Oms:Connectors:Binance:SpotRestBaseAddress={urls.Rest}",
            $"--Oms:Connectors:Binance:SpotWebSocketApiAddress={urls.SpotWsApi}",
            $"--Oms:Connectors:Binance:SpotMarketStreamAddress={urls.SpotStreams}",
            $"--Oms:Connectors:Binance:UsdMRestBaseAddress={urls.Rest}",
            $"--Oms:Connectors:Binance:UsdMWebSocketApiAddress={urls.FuturesWsApi}",
            $"--Oms:Connectors:Binance:UsdMStreamAddress={urls.FuturesStreams}",
            "--Oms:Secrets:Local:UseFile=false",
        ], market: "Spot", environment: environment);
        silos.Add(silo);
        return silo;
    }

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
