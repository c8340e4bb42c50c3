using System.Diagnostics;
using System.Net.Http.Json;
using Oms.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Oms.Cluster.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL database form one cluster. Orders go in through one silo while the venue
/// double fills them; a silo hosting the accounts is killed (SIGKILL) mid-flow. Every order must survive, every fill
/// must be applied exactly once, and every account's execution-report sequence must stay gap-free.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 6;
    private const decimal OrderQuantity = 0.004m;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SiloProcess> silos = [];
    private readonly string[] accounts = Enumerable.Range(1, 8).Select(i => $"fo-{i}").ToArray();
    private PostgresDatabase database = null!;
    private ClusterSettings settings = null!;
    private int retries;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync("oms_failover");
        settings = new ClusterSettings(database.ConnectionString, "failover-" + Guid.NewGuid().ToString("N")[..8], workDirectory);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos) silo.Dispose();
        await database.DisposeAsync();
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Killing_a_silo_mid_flow_loses_no_order_and_applies_every_fill_once()
    {
        var clock = Stopwatch.StartNew();
        // The victim starts alone and provisions the accounts, so their grains are activated on it.
        var victim = Start("silo-b", accounts);
        await victim.WaitForServingAsync(StartTimeout);
        var entry = Start("silo-a", []);
        var third = Start("silo-c", []);
        await Task.WhenAll(entry.WaitForServingAsync(StartTimeout), third.WaitForServingAsync(StartTimeout));
        await WaitForActiveSilosAsync(3);
        output.WriteLine($"three silos active after {clock.Elapsed.TotalSeconds:F1} s");

        using var http = new HttpClient();
        var hosted = await http.GetFromJsonAsync<string[]>(new Uri($"http://127.0.0.1:{victim.DashboardPort}/test/account-activations"));
        Assert.NotNull(hosted);
        Assert.Subset(hosted.ToHashSet(), accounts.ToHashSet());
        output.WriteLine($"accounts active on {victim.Name} before the kill: {string.Join(", ", hosted)}");

        // Live streams opened before the kill, served by a surviving silo: they must ride through the failover.
        using var streamsStop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var liveStreams = accounts.ToDictionary(a => a, a => ReadLiveAsync(third, a, streamsStop.Token));

        var orders = new Wire.OrderService.OrderServiceClient(entry.Channel);
        Stopwatch? killedAt = null;
        for (var round = 1; round <= Rounds; round++)
        {
            for (var i = 0; i < accounts.Length; i++)
            {
                if (round == 3 && i == accounts.Length / 2)
                {
                    victim.Kill(); // mid-flow: in the middle of a round, with fills of the last orders still on their way
                    Assert.True(victim.HasExited);
                    killedAt = Stopwatch.StartNew();
                }
                await SubmitWithRetryAsync(orders, accounts[i], $"{accounts[i]}-{round}");
            }
        }

        output.WriteLine($"all {Rounds * accounts.Length} orders submitted {killedAt!.Elapsed.TotalSeconds:F1} s after the kill; {retries} submit attempt(s) failed over and were retried");
        var lastSequences = new Dictionary<string, long>();
        foreach (var account in accounts)
        {
            lastSequences[account] = await AssertAccountIntactAsync(entry, third, account);
        }
        output.WriteLine($"every account verified intact {killedAt.Elapsed.TotalSeconds:F1} s after the kill");

        // Each live stream delivered every report exactly once, in order, without being reopened.
        foreach (var account in accounts)
        {
            var live = liveStreams[account];
            await EventuallyAsync($"live stream of {account} caught up", () =>
            {
                lock (live.Received) return Task.FromResult(live.Received.Count >= lastSequences[account] ? live : null);
            });
        }
        output.WriteLine($"every live stream caught up {killedAt.Elapsed.TotalSeconds:F1} s after the kill");
        await streamsStop.CancelAsync();
        foreach (var account in accounts)
        {
            var live = liveStreams[account];
            await live.Completion;
            Assert.Null(live.Error);
            Assert.Equal(Enumerable.Range(1, (int)lastSequences[account]).Select(i => (long)i), live.Received.Select(r => r.Sequence));
        }
    }

    /// <returns>The account's last execution-report sequence.</returns>
    private async Task<long> AssertAccountIntactAsync(SiloProcess entry, SiloProcess other, string account)
    {
        var accountService = new Wire.AccountService.AccountServiceClient(entry.Channel);
        var expectedIds = Enumerable.Range(1, Rounds).Select(r => $"{account}-{r}").Order(StringComparer.Ordinal).ToList();

        // Every order submitted is there and completely filled.
        var history = await EventuallyAsync($"all orders of {account} filled", async () =>
        {
            var response = await accountService.GetOrderHistoryAsync(new Wire.GetOrderHistoryRequest { AccountId = account }, settings.Call());
            return response.Orders.Count == Rounds && response.Orders.All(o => o.Status == Wire.OrderStatus.Filled) ? response : null;
        });
        Assert.Equal(expectedIds, history.Orders.Select(o => o.ClientOrderId).Order(StringComparer.Ordinal));
        Assert.All(history.Orders, o => Assert.Equal(OrderQuantity, Dec(o.FilledQuantity)));

        // The position holds exactly the sum of the fills: none lost, none doubled.
        var position = await EventuallyAsync($"position of {account} complete", async () =>
        {
            var response = await accountService.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account }, settings.Call());
            var btc = response.Positions.SingleOrDefault(p => p.Instrument.Symbol == "BTCUSDT");
            return btc is not null && btc.FillCount >= 2 * Rounds ? btc : null;
        });
        Assert.Equal(Rounds * OrderQuantity, Dec(position.Quantity));
        Assert.Equal(2 * Rounds, position.FillCount);

        // The execution-report stream, read through another silo, is gap-free and holds each fill once.
        var info = await accountService.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, settings.Call());
        var reports = await ReadAllReportsAsync(new Wire.OrderService.OrderServiceClient(other.Channel), account, info.LastSequence);
        Assert.Equal(Enumerable.Range(1, (int)info.LastSequence).Select(i => (long)i), reports.Select(r => r.Sequence));
        var fills = reports.Where(r => r.ExecutionType == Wire.ExecutionType.Filled).Select(r => r.Fill).ToList();
        Assert.Equal(2 * Rounds, fills.Count);
        Assert.Equal(2 * Rounds, fills.Select(f => f.TradeId).Distinct().Count());
        Assert.Equal(Rounds * OrderQuantity, fills.Sum(f => Dec(f.Quantity)));
        Assert.Equal(Rounds, reports.Count(r => r.ExecutionType == Wire.ExecutionType.Submitted));
        return info.LastSequence;
    }

    private LiveStream ReadLiveAsync(SiloProcess silo, string account, CancellationToken stop)
    {
        var live = new LiveStream();
        live.Completion = Task.Run(async () =>
        {
            try
            {
                var client = new Wire.OrderService.OrderServiceClient(silo.Channel);
                using var call = client.StreamExecutionReports(
                    new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = 1 },
                    new CallOptions(new Metadata { { "authorization", "Bearer " + settings.Token } }, cancellationToken: stop));
                while (await call.ResponseStream.MoveNext(stop))
                {
                    lock (live.Received) live.Received.Add(call.ResponseStream.Current.Report);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
            {
                // Stopped by the test.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped by the test.
            }
            catch (Exception ex)
            {
                live.Error = ex;
            }
        }, CancellationToken.None);
        return live;
    }

    /// <summary>A stream read in the background for the whole test.</summary>
    private sealed class LiveStream
    {
        public List<Wire.ExecutionReport> Received { get; } = [];
        public Exception? Error { get; set; }
        public Task Completion { get; set; } = Task.CompletedTask;
    }

    private async Task<List<Wire.ExecutionReport>> ReadAllReportsAsync(Wire.OrderService.OrderServiceClient client, string account, long last)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reports = new List<Wire.ExecutionReport>();
        using var call = client.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = 1 },
            new CallOptions(new Metadata { { "authorization", "Bearer " + settings.Token } }, cancellationToken: deadline.Token));
        while (reports.Count < last && await call.ResponseStream.MoveNext(deadline.Token))
        {
            Assert.Equal(Wire.ExecutionReportStreamMessage.KindOneofCase.Report, call.ResponseStream.Current.KindCase);
            reports.Add(call.ResponseStream.Current.Report);
        }
        return reports;
    }

    private async Task SubmitWithRetryAsync(Wire.OrderService.OrderServiceClient orders, string account, string clientOrderId)
    {
        var request = new Wire.SubmitOrderRequest
        {
            AccountId = account,
            ClientOrderId = clientOrderId,
            Order = new Wire.OrderSpec
            {
                Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = "BTCUSDT" },
                Side = Wire.OrderSide.Buy,
                Type = Wire.OrderType.Limit,
                Quantity = "0.004",
                LimitPrice = "50000.0",
            },
        };
        var response = await EventuallyAsync($"submit {clientOrderId}", async () => await orders.SubmitOrderAsync(request, settings.Call()),
            () => Interlocked.Increment(ref retries));
        Assert.NotEqual(Wire.OrderStatus.Denied, response.Order.Status);
    }

    /// <summary>
    /// Retries <paramref name="attempt"/> until it returns a value, treating UNAVAILABLE and DEADLINE_EXCEEDED (the
    /// cluster failing over) as "not yet". Bounded at two minutes.
    /// </summary>
    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> attempt, Action? onFailover = null) where T : class
    {
        var stopwatch = Stopwatch.StartNew();
        string last = "no attempt";
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

    private SiloProcess Start(string name, IReadOnlyList<string> provision)
    {
        var silo = settings.Start(name, Paths.TestSilo, provision);
        silos.Add(silo);
        return silo;
    }

    private static decimal Dec(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
