using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Silo.Venues;

namespace Oms.Connectors.Contract.Tests;

/// <summary>
/// The Binance USDⓈ-M futures connector end to end, the way a strategy uses it: gRPC in, the embedded OMS, the USD-M
/// worker (WS API trading, Algo Service, listenKey user data, reconciliation, dead-man's switch) and the in-process
/// simulator behind it.
/// </summary>
[Collection(EmbeddedOmsCollection.Name)]
public sealed class BinanceUsdMEndToEndTests(EmbeddedOmsFixture oms, ITestOutputHelper output) : IDisposable
{
    private const string Symbol = "BTCUSDT";
    private static readonly AccountId DemoFutures = new("demo-futures");
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, Symbol);
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);
    private readonly Wire.AccountService.AccountServiceClient _accounts = new(oms.Channel);
    private readonly UsdMSimulatorInspector _sim = new(oms.Sim.Urls.Admin);

    private BinanceUsdMConnector Connector => oms.Services.GetRequiredService<BinanceUsdMConnector>();

    public void Dispose()
    {
        // SetPriceAsync pins the mark: give the market its own mark back for the next test.
        _sim.SetMarkPriceAsync(Symbol, null).GetAwaiter().GetResult();
        _sim.Dispose();
    }

    [Fact]
    public async Task Open_add_partial_close_flip_and_close_on_demo_futures_realize_the_venues_pnl_to_the_last_decimal()
    {
        await WaitUntilReconciledAsync(DemoFutures);
        await _sim.HoldAsync(Symbol);
        var start = decimal.Round(await PriceAsync(), 1);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), DemoFutures.Value, fromSequence: 1);
        var latencies = new List<(double Report, double Position)>();

        // open long 0.010 → add 0.005 → partial close 0.007 → flip to short 0.012 → close; the price moves in between.
        var steps = new (decimal PriceFactor, Wire.OrderSide Side, string Quantity, decimal Expected)[]
        {
            (1.000m, Wire.OrderSide.Buy, "0.010", 0.010m),
            (1.010m, Wire.OrderSide.Buy, "0.005", 0.015m),
            (1.020m, Wire.OrderSide.Sell, "0.007", 0.008m),
            (1.005m, Wire.OrderSide.Sell, "0.020", -0.012m),
            (0.990m, Wire.OrderSide.Buy, "0.012", 0m),
        };
        foreach (var (factor, side, quantity, expected) in steps)
        {
            await SetPriceAsync(decimal.Round(start * factor, 1));
            latencies.Add(await MarketAsync(stream, DemoFutures, side, quantity, expected));
            var venue = await WaitAsync(async () =>
            {
                var state = await _sim.GetAccountAsync(DemoFutures);
                return state.Positions.Where(p => p.Symbol == Symbol).Sum(p => p.PositionAmt) == expected ? state : null;
            });
            Assert.Equal(expected, venue.Positions.Where(p => p.Symbol == Symbol).Sum(p => p.PositionAmt));
        }

        var trades = (await _sim.GetAccountAsync(DemoFutures)).Trades.Where(t => t.Symbol == Symbol).ToList();
        var position = await WaitAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = DemoFutures.Value }, oms.Auth());
            var mine = positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol && p.Instrument.Market == Wire.MarketType.UsdmFutures);
            return mine is not null && mine.FillCount == trades.Count ? mine : null;
        });
        var venueRealized = trades.Sum(t => t.RealizedPnl);
        var venueFees = trades.Where(t => t.CommissionAsset == "USDT").Sum(t => t.Commission);
        Assert.Equal(0m, Dec(position.Quantity));
        Assert.Equal(venueFees, Dec(position.Fees));
        // The OMS reports realized PnL net of fees; the venue's rp is before fees and has 8 decimals (the OMS's
        // average-entry arithmetic carries decimal's 28 digits, so it is compared at the venue's precision).
        Assert.Equal(venueRealized, decimal.Round(Dec(position.RealizedPnl) + Dec(position.Fees), 8));
        Assert.NotEqual(0m, venueRealized);
        output.WriteLine($"{trades.Count} trades; venue sum(rp) {venueRealized}, fees {venueFees}; OMS realized (net) {position.RealizedPnl}, fees {position.Fees}");
        output.WriteLine("MARKET submit -> Filled report / -> position updated (ms): " +
            string.Join("; ", latencies.Select(l => $"{l.Report:0.00} / {l.Position:0.00}")));
        output.WriteLine($"fill (Filled report) -> position updated: median {Median(latencies.Select(l => l.Position - l.Report)):0.00} ms");
    }

    [Fact]
    public async Task A_stop_market_on_the_algo_service_triggers_on_a_price_move_and_its_fill_closes_the_position()
    {
        var account = await NewFuturesAccountAsync("fstop");
        await _sim.HoldAsync(Symbol);
        var price = decimal.Round(await PriceAsync(), 1);
        await SetPriceAsync(price);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.010", 0.010m);

        var stopPrice = decimal.Round(price * 0.98m, 1);
        var stop = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = Wire.OrderSide.Sell, Type = Wire.OrderType.StopMarket, Quantity = "0.010",
                StopPrice = stopPrice.ToString(CultureInfo.InvariantCulture), ReduceOnly = true,
            },
        }, oms.Auth());
        Assert.True(stop.Created, stop.ToString());
        var id = stop.Order.ClientOrderId;
        var accepted = await stream.WaitForAsync(r => r.Order.ClientOrderId == id && r.ExecutionType == Wire.ExecutionType.Accepted);
        Assert.StartsWith("algo-", accepted.Order.VenueOrderId, StringComparison.Ordinal);
        Assert.Equal(1, (await _sim.GetAccountAsync(account)).OpenAlgoOrders);

        await SetPriceAsync(decimal.Round(price * 0.97m, 1));
        var filled = await stream.WaitForAsync(r => r.Order.ClientOrderId == id && r.Order.Status == Wire.OrderStatus.Filled);
        Assert.Equal(0.010m, Dec(filled.Order.FilledQuantity));
        Assert.Contains(stream.Reports, r => r.Order.ClientOrderId == id && r.ExecutionType == Wire.ExecutionType.Triggered);

        var trades = (await _sim.GetAccountAsync(account)).Trades.Where(t => t.Symbol == Symbol).ToList();
        var position = await WaitAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account.Value }, oms.Auth());
            var mine = positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol);
            return mine is not null && mine.FillCount == trades.Count ? mine : null;
        });
        Assert.Equal(0m, Dec(position.Quantity));
        Assert.Equal(trades.Sum(t => t.RealizedPnl), decimal.Round(Dec(position.RealizedPnl) + Dec(position.Fees), 8));
        output.WriteLine($"stop {id} triggered at {stopPrice} and filled at {filled.Order.AveragePrice}; realized {position.RealizedPnl} net of {position.Fees} fees");
    }

    [Fact]
    public async Task A_fill_during_a_listenKey_expiry_is_not_lost()
    {
        var account = await NewFuturesAccountAsync("flk");
        await _sim.HoldAsync(Symbol);
        var price = decimal.Round(await PriceAsync(), 1);
        await SetPriceAsync(price);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);

        // A resting buy below the market, then the listenKey expires and the market comes down to the order.
        var limitPrice = decimal.Round(price * 0.99m, 1);
        var limit = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.010",
                LimitPrice = limitPrice.ToString(CultureInfo.InvariantCulture), TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, oms.Auth());
        Assert.True(limit.Created, limit.ToString());
        await stream.WaitForAsync(r => r.Order.ClientOrderId == limit.Order.ClientOrderId && r.ExecutionType == Wire.ExecutionType.Accepted);
        var worker = Connector.GetWorker(account)!;
        var keyBefore = worker.ListenKey;
        var reconciledBefore = worker.Reconciliations;

        await _sim.ExpireListenKeyAsync(account);
        await SetPriceAsync(decimal.Round(price * 0.985m, 1));

        var filled = await stream.WaitForAsync(r => r.Order.ClientOrderId == limit.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled,
            TimeSpan.FromSeconds(30));
        Assert.Equal(0.010m, Dec(filled.Order.FilledQuantity));
        var trades = (await _sim.GetAccountAsync(account)).Trades.Where(t => t.Symbol == Symbol).ToList();
        var position = await WaitAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account.Value }, oms.Auth());
            var mine = positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol);
            return mine is not null && mine.FillCount == trades.Count ? mine : null;
        });
        Assert.Equal(trades.Sum(t => t.Qty), Dec(position.Quantity));
        await WaitAsync(() => Task.FromResult(worker.ListenKey is { } key && key != keyBefore && worker.Reconciliations > reconciledBefore ? worker : null));
        Assert.NotEqual(keyBefore, worker.ListenKey);
        output.WriteLine($"listenKey rotated after expiry; {trades.Count} fill(s) reached the position ({position.Quantity}); reconciliations {worker.Reconciliations}");
    }

    [Fact]
    public async Task The_dead_mans_switch_arms_countdownCancelAll_for_a_symbol_with_resting_orders()
    {
        var account = await NewFuturesAccountAsync("fdms");
        await _sim.HoldAsync(Symbol);
        var price = decimal.Round(await PriceAsync(), 1);
        // Re-quote the book around the last price and pin the mark to it (see SetPriceAsync).
        await SetPriceAsync(price);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var limit = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.010",
                LimitPrice = decimal.Round(price * 0.97m, 1).ToString(CultureInfo.InvariantCulture), TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, oms.Auth());
        Assert.True(limit.Created, limit.ToString());
        await stream.WaitForAsync(r => r.Order.ClientOrderId == limit.Order.ClientOrderId && r.ExecutionType == Wire.ExecutionType.Accepted);

        var armed = await WaitAsync(async () => (await _sim.GetRequestsAsync(account))
            .FirstOrDefault(r => r.Operation == "countdownCancelAll" && r.Status == 200 && r.Parameters.GetValueOrDefault("symbol") == Symbol
                && r.Parameters.GetValueOrDefault("countdownTime") != "0"));
        var expected = (long)oms.Services.GetRequiredService<BinanceUsdMWorkerOptions>().CountdownCancelAll.TotalMilliseconds;
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), armed.Parameters["countdownTime"]);
        // The venue logs the request before the worker has read its answer and counted the refresh: wait for both.
        var worker = Connector.GetWorker(account)!;
        await WaitAsync(() => Task.FromResult(worker.CountdownRefreshes > 0 ? worker : null));
        Assert.True(worker.CountdownRefreshes > 0);
        await _orders.CancelAllOrdersAsync(new Wire.CancelAllOrdersRequest { AccountId = account.Value }, oms.Auth());
        output.WriteLine($"countdownCancelAll {armed.Parameters["countdownTime"]} ms armed for {Symbol} over {armed.Route}");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Submits a MARKET order, waits for it to fill and for the position grain to show <paramref name="expected"/>; returns both times (ms from submit).</summary>
    private async Task<(double Report, double Position)> MarketAsync(ExecutionReportReader stream, AccountId account, Wire.OrderSide side, string quantity,
        decimal expected)
    {
        var started = Stopwatch.GetTimestamp();
        var submitted = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec { Instrument = Futures(), Side = side, Type = Wire.OrderType.Market, Quantity = quantity },
        }, oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        var filled = await stream.WaitForAsync(r => r.Order.ClientOrderId == submitted.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        var report = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(Dec(quantity), Dec(filled.Order.FilledQuantity));
        var grain = oms.Grains.GetPosition(account, Btc);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await grain.GetAsync(null)).Sum(p => p.Quantity) != expected)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"the position of {account} did not reach {expected} within 15 s");
            await Task.Delay(1);
        }
        return (report, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<AccountId> NewFuturesAccountAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(account, new Dictionary<string, string> { ["USDT"] = "1000" }, new Dictionary<string, string> { ["USDT"] = "100000" });
        await oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.UsdMFutures],
            ClientOrderIdPrefix = "cf",
        });
        await WaitUntilReconciledAsync(account);
        return account;
    }

    private async Task WaitUntilReconciledAsync(AccountId account)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} did not finish its first USD-M reconciliation within 15 s");
    }

    /// <summary>
    /// Moves the simulator's USD-M price and gives the OMS the same reference price (the embedded silo has no USD-M
    /// market-data feed into its reference prices yet; the pre-trade margin check of a MARKET order needs one).
    /// </summary>
    private async Task SetPriceAsync(decimal price)
    {
        await _sim.SetPriceAsync(Symbol, price);
        // The mark follows (pinned): the venue judges limit prices against the mark (-4024 below its floor), and a
        // mark left over from an earlier test would otherwise stand far from the new last price.
        await _sim.SetMarkPriceAsync(Symbol, price);
        oms.Services.GetRequiredService<InMemoryReferencePriceSource>().SetPrice(Btc, price);
    }

    private async Task<decimal> PriceAsync()
    {
        using var http = new HttpClient { BaseAddress = oms.Sim.Urls.Rest };
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"fapi/v1/ticker/price?symbol={Symbol}"));
        return decimal.Parse(document.RootElement.GetProperty("price").GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("the expected state was not reached within 20 s");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private static Wire.Instrument Futures() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = Symbol };

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
