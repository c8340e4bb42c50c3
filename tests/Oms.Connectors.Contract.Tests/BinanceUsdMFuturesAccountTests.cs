using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Silo.Venues;

namespace Oms.Connectors.Contract.Tests;

/// <summary>
/// oms.v1.FuturesService end to end against the simulator: leverage, margin type and position mode through the
/// account grain and the USD-M connector (with the venue's rules and clear denials), hedge-mode trading with LONG and
/// SHORT legs on one symbol, margin ratio monitoring with threshold and venue margin-call alerts, and funding and
/// commission income booked once from the venue's income history.
/// </summary>
[Collection(EmbeddedOmsCollection.Name)]
public sealed class BinanceUsdMFuturesAccountTests(EmbeddedOmsFixture oms, ITestOutputHelper output) : IDisposable
{
    private const string Symbol = "BTCUSDT";
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, Symbol);
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);
    private readonly Wire.AccountService.AccountServiceClient _accounts = new(oms.Channel);
    private readonly Wire.FuturesService.FuturesServiceClient _futures = new(oms.Channel);
    private readonly UsdMSimulatorInspector _sim = new(oms.Sim.Urls.Admin);
    private readonly HttpClient _admin = new() { BaseAddress = oms.Sim.Urls.Admin, Timeout = TimeSpan.FromSeconds(30) };

    private BinanceUsdMConnector Connector => oms.Services.GetRequiredService<BinanceUsdMConnector>();

    public void Dispose()
    {
        // Tests move the mark with an override: give the market its own mark back for the next test.
        using (var response = _admin.PostAsJsonAsync("markets/mark-price", new { symbol = Symbol, price = (decimal?)null }).GetAwaiter().GetResult())
        {
        }
        _sim.Dispose();
        _admin.Dispose();
    }

    [Fact]
    public async Task Leverage_and_margin_type_are_set_at_the_venue_and_refused_clearly_when_the_venue_rules_forbid_them()
    {
        var account = await NewFuturesAccountAsync("flev");
        await _sim.HoldAsync(Symbol);
        await SetPriceAsync(decimal.Round(await PriceAsync(), 1));

        var started = Stopwatch.GetTimestamp();
        var leverage = await _futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account.Value, Instrument = Futures(), Leverage = 17 }, oms.Auth());
        var leverageMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.True(leverage.Changed);
        Assert.Equal(17, leverage.Instrument.Leverage);
        Assert.NotEmpty(leverage.Instrument.MaxNotional);

        var isolated = await _futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest
        {
            AccountId = account.Value, Instrument = Futures(), MarginType = Wire.MarginType.Isolated,
        }, oms.Auth());
        Assert.True(isolated.Changed);
        var again = await _futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest
        {
            AccountId = account.Value, Instrument = Futures(), MarginType = Wire.MarginType.Isolated,
        }, oms.Auth());
        Assert.False(again.Changed);

        var settings = await _futures.GetFuturesSettingsAsync(new Wire.GetFuturesSettingsRequest
        {
            AccountId = account.Value, Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Instrument = Futures(),
        }, oms.Auth());
        var btc = Assert.Single(settings.Instruments);
        Assert.Equal(17, btc.Leverage);
        Assert.Equal(Wire.MarginType.Isolated, btc.MarginType);
        Assert.Equal(Wire.PositionMode.OneWay, settings.PositionMode);

        // Out of range at the gateway, above the instrument's maximum at the venue, unknown symbol in the OMS.
        var tooHigh = await Assert.ThrowsAsync<RpcException>(() => _futures.SetLeverageAsync(new Wire.SetLeverageRequest
        {
            AccountId = account.Value, Instrument = Futures(), Leverage = 500,
        }, oms.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooHigh.StatusCode);
        Assert.Contains("leverage", tooHigh.Status.Detail, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _futures.SetLeverageAsync(new Wire.SetLeverageRequest
        {
            AccountId = account.Value, Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = "NOPEUSDT" },
            Leverage = 10,
        }, oms.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("NOPEUSDT", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("catalog", unknown.Status.Detail, StringComparison.Ordinal);

        // With a position open, the margin type cannot change: the OMS says so without asking the venue.
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.010", Wire.PositionSide.Unspecified);
        var requestsBefore = (await _sim.GetRequestsAsync(account)).Count(r => r.Route.Contains("marginType", StringComparison.Ordinal));
        var blocked = await Assert.ThrowsAsync<RpcException>(() => _futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest
        {
            AccountId = account.Value, Instrument = Futures(), MarginType = Wire.MarginType.Crossed,
        }, oms.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, blocked.StatusCode);
        Assert.Contains("open position", blocked.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Both", blocked.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(requestsBefore, (await _sim.GetRequestsAsync(account)).Count(r => r.Route.Contains("marginType", StringComparison.Ordinal)));

        // The position mode cannot change either while it is open.
        var modeBlocked = await Assert.ThrowsAsync<RpcException>(() => _futures.SetPositionModeAsync(new Wire.SetPositionModeRequest
        {
            AccountId = account.Value, Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, PositionMode = Wire.PositionMode.Hedge,
        }, oms.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, modeBlocked.StatusCode);
        Assert.Contains("open positions", modeBlocked.Status.Detail, StringComparison.Ordinal);

        // Close it; with a resting order the margin type still cannot change.
        await MarketAsync(stream, account, Wire.OrderSide.Sell, "0.010", Wire.PositionSide.Unspecified);
        var price = decimal.Round(await PriceAsync(), 1);
        var resting = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.010",
                LimitPrice = decimal.Round(price * 0.98m, 1).ToString(CultureInfo.InvariantCulture), TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, oms.Auth());
        await stream.WaitForAsync(r => r.Order.ClientOrderId == resting.Order.ClientOrderId && r.ExecutionType == Wire.ExecutionType.Accepted);
        var orderBlocked = await Assert.ThrowsAsync<RpcException>(() => _futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest
        {
            AccountId = account.Value, Instrument = Futures(), MarginType = Wire.MarginType.Crossed,
        }, oms.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, orderBlocked.StatusCode);
        Assert.Contains(resting.Order.ClientOrderId, orderBlocked.Status.Detail, StringComparison.Ordinal);

        await _orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = account.Value, ClientOrderId = resting.Order.ClientOrderId }, oms.Auth());
        await stream.WaitForAsync(r => r.Order.ClientOrderId == resting.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Canceled);
        var crossed = await _futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest
        {
            AccountId = account.Value, Instrument = Futures(), MarginType = Wire.MarginType.Crossed,
        }, oms.Auth());
        Assert.True(crossed.Changed);
        output.WriteLine($"SetLeverage round trip (gRPC → account grain → connector → venue): {leverageMs:0.0} ms");
    }

    [Fact]
    public async Task Hedge_mode_trades_long_and_short_legs_on_one_symbol_with_the_venues_realized_pnl()
    {
        var account = await NewFuturesAccountAsync("fhedge");
        await _sim.HoldAsync(Symbol);
        var start = decimal.Round(await PriceAsync(), 1);
        await SetPriceAsync(start);

        var hedge = await _futures.SetPositionModeAsync(new Wire.SetPositionModeRequest
        {
            AccountId = account.Value, Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, PositionMode = Wire.PositionMode.Hedge,
        }, oms.Auth());
        Assert.True(hedge.Changed);
        Assert.Equal(Wire.PositionMode.Hedge, hedge.PositionMode);
        var info = await _accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account.Value }, oms.Auth());
        Assert.Equal(Wire.PositionMode.Hedge, info.PositionMode);

        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        // A one-way order (no position side) is refused in hedge mode before reaching the venue.
        var oneWay = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec { Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Market, Quantity = "0.001" },
        }, oms.Auth());
        Assert.Equal(Wire.OrderStatus.Denied, oneWay.Order.Status);

        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.010", Wire.PositionSide.Long);
        await MarketAsync(stream, account, Wire.OrderSide.Sell, "0.004", Wire.PositionSide.Short);
        SimFuturesAccount? venue = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            venue = await _sim.GetAccountAsync(account);
            var venueLegs = venue.Positions.Where(p => p.Symbol == Symbol).ToList();
            if (venueLegs.Any(p => Is(p.PositionSide, "LONG") && p.PositionAmt == 0.010m) && venueLegs.Any(p => Is(p.PositionSide, "SHORT") && p.PositionAmt == -0.004m)) break;
            if (attempt == 99) Assert.Fail("the venue's legs are " + string.Join("; ", venueLegs.Select(p => $"{p.PositionSide} {p.PositionAmt}")));
            await Task.Delay(50);
        }
        var legs = await WaitAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account.Value }, oms.Auth());
            var mine = positions.Positions.Where(p => p.Instrument.Symbol == Symbol && p.Instrument.Market == Wire.MarketType.UsdmFutures).ToList();
            return mine.Any(p => p.Side == Wire.PositionSide.Long && Dec(p.Quantity) == 0.010m)
                && mine.Any(p => p.Side == Wire.PositionSide.Short && Dec(p.Quantity) == -0.004m) ? mine : null;
        });
        Assert.Equal(2, legs.Count);

        // The price moves; each leg is closed on its own side.
        await SetPriceAsync(decimal.Round(start * 1.01m, 1));
        await MarketAsync(stream, account, Wire.OrderSide.Sell, "0.010", Wire.PositionSide.Long);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.004", Wire.PositionSide.Short);

        var trades = (await _sim.GetAccountAsync(account)).Trades.Where(t => t.Symbol == Symbol).ToList();
        Assert.Equal(4, trades.Count);
        var closed = await WaitAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account.Value }, oms.Auth());
            var mine = positions.Positions.Where(p => p.Instrument.Symbol == Symbol && p.Instrument.Market == Wire.MarketType.UsdmFutures).ToList();
            return mine.Sum(p => p.FillCount) == trades.Count && mine.All(p => Dec(p.Quantity) == 0m) ? mine : null;
        });
        var omsNet = closed.Sum(p => Dec(p.RealizedPnl));
        var omsFees = closed.Sum(p => Dec(p.Fees));
        Assert.Equal(trades.Sum(t => t.RealizedPnl), decimal.Round(omsNet + omsFees, 8));
        Assert.True(trades.Where(t => Is(t.Side, "SELL")).Sum(t => t.RealizedPnl) > 0m, "the long leg closed higher: a gain");
        Assert.True(trades.Where(t => Is(t.Side, "BUY")).Sum(t => t.RealizedPnl) < 0m, "the short leg closed higher: a loss");

        var back = await _futures.SetPositionModeAsync(new Wire.SetPositionModeRequest
        {
            AccountId = account.Value, Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, PositionMode = Wire.PositionMode.OneWay,
        }, oms.Auth());
        Assert.Equal(Wire.PositionMode.OneWay, back.PositionMode);
        output.WriteLine($"hedge legs: {string.Join("; ", legs.Select(l => $"{l.Side} {l.Quantity} @ {l.AverageEntryPrice}"))}; venue realized {trades.Sum(t => t.RealizedPnl)}, OMS net {omsNet} + fees {omsFees}");
    }

    [Fact]
    public async Task Margin_ratio_is_computed_from_positions_and_mark_and_alerts_fire_on_the_threshold_and_on_the_venues_margin_call()
    {
        var account = await NewFuturesAccountAsync("fmargin");
        await _sim.HoldAsync(Symbol);
        var entry = decimal.Round(await PriceAsync(), 1);
        await SetPriceAsync(entry);
        await _futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account.Value, Instrument = Futures(), Leverage = 100 }, oms.Auth());
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        // About 40,000 USDT of notional on a 1,000 USDT wallet, inside the first bracket (0.4 %, no deduction).
        var quantity = decimal.Round(40_000m / entry, 3);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, quantity.ToString(CultureInfo.InvariantCulture), Wire.PositionSide.Unspecified);

        var status = await _futures.GetMarginStatusAsync(new Wire.GetMarginStatusRequest { AccountId = account.Value, Refresh = true }, oms.Auth());
        var position = Assert.Single(status.Positions);
        Assert.Equal(quantity, Dec(position.Quantity));
        Assert.Equal(decimal.Round(Dec(position.Notional) * 0.004m, 8), decimal.Round(Dec(position.MaintenanceMargin), 8));
        Assert.Equal(0.004m, Dec(position.MaintenanceMarginRate));
        Assert.Equal(Dec(position.VenueMaintenanceMargin), decimal.Round(Dec(position.MaintenanceMargin), 8));
        var wallet = Dec(status.WalletBalance);
        Assert.Equal(Dec(status.MaintenanceMargin) / (wallet + Dec(status.UnrealizedPnl)), Dec(status.MarginRatio));
        Assert.False(status.AboveThreshold);
        Assert.Equal(0.8m, Dec(status.AlertThreshold));

        // The price that puts the ratio at 0.9: maint(p) = q·p·m over wallet + q·(p − entry) → p = r(q·E − W) / (q(r − m)).
        var averageEntry = Dec(position.EntryPrice);
        const decimal r = 0.9m, m = 0.004m;
        var target = decimal.Round(r * (quantity * averageEntry - wallet) / (quantity * (r - m)), 1);
        await SetPriceAsync(target);
        var alerted = await WaitAsync(async () =>
        {
            var s = await _futures.GetMarginStatusAsync(new Wire.GetMarginStatusRequest { AccountId = account.Value, Refresh = true }, oms.Auth());
            return s.AboveThreshold && s.RecentAlerts.Any(a => a.Kind == Wire.MarginAlertKind.ThresholdCrossed)
                && s.RecentAlerts.Any(a => a.Kind == Wire.MarginAlertKind.VenueMarginCall) ? s : null;
        });
        Assert.InRange(Dec(alerted.MarginRatio), 0.85m, 0.95m);
        var crossed = alerted.RecentAlerts.First(a => a.Kind == Wire.MarginAlertKind.ThresholdCrossed);
        Assert.Contains(account.Value, crossed.Message, StringComparison.Ordinal);
        Assert.Contains("0.8", crossed.Message, StringComparison.Ordinal);

        await SetPriceAsync(entry);
        var recovered = await WaitAsync(async () =>
        {
            var s = await _futures.GetMarginStatusAsync(new Wire.GetMarginStatusRequest { AccountId = account.Value, Refresh = true }, oms.Auth());
            return !s.AboveThreshold && s.RecentAlerts.Any(a => a.Kind == Wire.MarginAlertKind.Recovered) ? s : null;
        });
        Assert.True(Dec(recovered.MarginRatio) < 0.75m);
        await MarketAsync(stream, account, Wire.OrderSide.Sell, quantity.ToString(CultureInfo.InvariantCulture), Wire.PositionSide.Unspecified);
        output.WriteLine($"ratio {status.MarginRatio} at entry {averageEntry}; {alerted.MarginRatio} at {target}; {recovered.MarginRatio} back at {entry}");
    }

    [Fact]
    public async Task Funding_and_commissions_are_booked_once_from_the_venues_income_and_match_the_oms_realized_pnl()
    {
        var account = await NewFuturesAccountAsync("fincome");
        await _sim.HoldAsync(Symbol);
        var start = decimal.Round(await PriceAsync(), 1);
        await SetPriceAsync(start);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.020", Wire.PositionSide.Unspecified);

        await PostAdminAsync("markets/funding-rate", new { symbol = Symbol, fundingRate = 0.0005m });
        await PostAdminAsync("markets/settle-funding", new { symbol = Symbol });
        await SetPriceAsync(decimal.Round(start * 1.005m, 1));
        await MarketAsync(stream, account, Wire.OrderSide.Sell, "0.020", Wire.PositionSide.Unspecified);

        // The position grain has both fills before the venue's income is read (an income read weighs 30: polled slowly).
        await WaitAsync(async () => (await oms.Grains.GetPosition(account, Btc).GetAsync(null)).Sum(p => p.FillCount) == 2 ? "both" : null);
        Wire.IncomeSummary? income = null;
        for (var attempt = 0; attempt < 20 && income is null; attempt++)
        {
            var summary = await _futures.GetIncomeAsync(new Wire.GetIncomeRequest { AccountId = account.Value, Sync = true }, oms.Auth());
            var line = summary.Lines.SingleOrDefault(l => l.Instrument?.Symbol == Symbol);
            if (line is not null && Dec(line.FundingFees) != 0m && line.Rows >= 4 && Dec(line.RealizedDifference) == 0m) income = summary;
            else if (attempt == 19) Assert.Fail($"the booked income is {summary}");
            else await Task.Delay(500);
        }
        var btc = income!.Lines.Single(l => l.Instrument?.Symbol == Symbol);
        var trades = (await _sim.GetAccountAsync(account)).Trades.Where(t => t.Symbol == Symbol).ToList();
        Assert.Equal(-trades.Sum(t => t.Commission), Dec(btc.Commissions));
        Assert.Equal(trades.Sum(t => t.RealizedPnl), Dec(btc.VenueRealizedPnl));
        Assert.True(Dec(btc.FundingFees) < 0m, "a long pays a positive funding rate");
        Assert.Equal(Dec(btc.VenueRealizedPnl) + Dec(btc.Commissions) + Dec(btc.FundingFees), Dec(btc.NetIncome));

        // Read again, and after the user-data stream was replaced: nothing is booked twice.
        var again = await _futures.GetIncomeAsync(new Wire.GetIncomeRequest { AccountId = account.Value, Sync = true }, oms.Auth());
        Assert.Equal(0, again.NewRows);
        Assert.Equal(income.TotalRows, again.TotalRows);
        var reconciliations = Connector.GetWorker(account)!.Reconciliations;
        await _sim.ExpireListenKeyAsync(account);
        await WaitAsync(async () =>
        {
            await Task.Yield();
            return Connector.GetWorker(account)!.Reconciliations > reconciliations ? "done" : null;
        });
        var afterReconnect = await _futures.GetIncomeAsync(new Wire.GetIncomeRequest { AccountId = account.Value, Sync = true }, oms.Auth());
        Assert.Equal(0, afterReconnect.NewRows);
        var same = afterReconnect.Lines.Single(l => l.Instrument?.Symbol == Symbol);
        Assert.Equal(btc.FundingFees, same.FundingFees);
        Assert.Equal(btc.Commissions, same.Commissions);
        Assert.Equal(btc.Rows, same.Rows);
        output.WriteLine($"funding {btc.FundingFees}, commissions {btc.Commissions}, venue realized {btc.VenueRealizedPnl}, OMS realized {btc.OmsRealizedPnl}, rows {btc.Rows}");
    }

    [Fact]
    public async Task The_usdm_price_feed_makes_the_streams_mark_price_the_reference_price_of_a_futures_instrument()
    {
        // The silo's own feed is on by default (BinanceUsdMWorkerOptions.ReferencePriceFeed): the silo's reference
        // prices, which the risk checks read, follow the stream's mark.
        Assert.True(oms.Services.GetRequiredService<BinanceUsdMWorkerOptions>().ReferencePriceFeed);
        var prices = oms.Services.GetRequiredService<Oms.Connectors.Binance.MarketData.BinanceReferencePrices>();
        Assert.Same(prices, oms.Services.GetRequiredService<IReferencePriceSource>());
        var feed = oms.Services.GetRequiredService<BinanceUsdMReferencePriceFeed>();
        for (var attempt = 0; attempt < 200 && !feed.Tracked.Contains(Btc); attempt++) await Task.Delay(50);
        Assert.Contains(Btc, feed.Tracked);
        await _sim.HoldAsync(Symbol);
        var last = decimal.Round(await PriceAsync(), 1);
        var mark = last + 7.3m;
        try
        {
            await PostAdminAsync("markets/mark-price", new { symbol = Symbol, price = mark });
            for (var attempt = 0; attempt < 200 && prices.TryGetPrice(Btc) != mark; attempt++) await Task.Delay(50);
            Assert.Equal(mark, prices.TryGetMarkPrice(Btc));
            Assert.Equal(mark, prices.TryGetPrice(Btc));
            Assert.True(prices.TryGetSnapshot(Btc, out var snapshot));
            Assert.Equal(mark, snapshot.MarkPrice);
        }
        finally
        {
            await PostAdminAsync("markets/mark-price", new { symbol = Symbol, price = (decimal?)null });
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private async Task MarketAsync(ExecutionReportReader stream, AccountId account, Wire.OrderSide side, string quantity, Wire.PositionSide positionSide)
    {
        var submitted = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = side, Type = Wire.OrderType.Market, Quantity = quantity, PositionSide = positionSide,
            },
        }, oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        Assert.NotEqual(Wire.OrderStatus.Rejected, submitted.Order.Status);
        var filled = await stream.WaitForAsync(r => r.Order.ClientOrderId == submitted.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        Assert.Equal(Dec(quantity), Dec(filled.Order.FilledQuantity));
    }

    private async Task<AccountId> NewFuturesAccountAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(account, new Dictionary<string, string> { ["USDT"] = "1000" }, new Dictionary<string, string> { ["USDT"] = "1000" });
        await oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.UsdMFutures],
            ClientOrderIdPrefix = "cf",
        });
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling) return account;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} did not finish its first USD-M reconciliation within 15 s");
    }

    /// <summary>Moves the simulator's USD-M last and mark price and the OMS's reference price together.</summary>
    private async Task SetPriceAsync(decimal price)
    {
        await _sim.SetPriceAsync(Symbol, price);
        await PostAdminAsync("markets/mark-price", new { symbol = Symbol, price });
        oms.Services.GetRequiredService<InMemoryReferencePriceSource>().SetPrice(Btc, price);
    }

    private async Task PostAdminAsync(string path, object body)
    {
        using var response = await _admin.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"simulator admin {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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

    private static Wire.Instrument Futures() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = Symbol };

    private static bool Is(string text, string expected) => string.Equals(text, expected, StringComparison.OrdinalIgnoreCase);

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
