using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Infrastructure;

namespace Oms.Connectors.Contract.Tests;

/// <summary>
/// An embedded OMS and simulator of their own: the shared collection's tests already use most of the USD-M request
/// weight per minute of one simulator, and these reconcile a new account and read its venue settings.
/// </summary>
public sealed class UsdMLeverageOms : EmbeddedOms;

/// <summary>
/// The pre-trade margin check of a USD-M account against the simulator, with the silo's mark-price feed on (the
/// default): an order is margined at the leverage the venue applies to its symbol — read from the venue when the
/// account does not know it yet, then followed through leverage changes — not at a fixed account-wide 1x.
/// </summary>
public sealed class BinanceUsdMLeverageMarginTests(UsdMLeverageOms oms, ITestOutputHelper output) : IClassFixture<UsdMLeverageOms>, IDisposable
{
    private const string Symbol = "BTCUSDT";
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, Symbol);
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);
    private readonly Wire.FuturesService.FuturesServiceClient _futures = new(oms.Channel);
    private readonly UsdMSimulatorInspector _sim = new(oms.Sim.Urls.Admin);
    private readonly HttpClient _admin = new() { BaseAddress = oms.Sim.Urls.Admin, Timeout = TimeSpan.FromSeconds(30) };

    private BinanceUsdMConnector Connector => oms.Services.GetRequiredService<BinanceUsdMConnector>();

    public void Dispose()
    {
        // The test pins the mark: give the market its own mark back for the next test.
        using (var response = _admin.PostAsJsonAsync("markets/mark-price", new { symbol = Symbol, price = (decimal?)null }).GetAwaiter().GetResult())
        {
        }
        _sim.Dispose();
        _admin.Dispose();
    }

    [Fact]
    public async Task An_order_is_margined_at_the_venues_leverage_of_its_symbol_read_when_unknown_and_followed_when_it_changes()
    {
        var account = await NewFuturesAccountAsync("flevm");
        await _sim.HoldAsync(Symbol);
        var price = decimal.Round(await PriceAsync(), 1);
        await _sim.SetPriceAsync(Symbol, price);
        await PostAdminAsync("markets/mark-price", new { symbol = Symbol, price });
        // The silo's own feed (on by default) makes the stream's mark the reference price the checks value orders at.
        var prices = oms.Services.GetRequiredService<IReferencePriceSource>();
        for (var attempt = 0; attempt < 200 && prices.TryGetPrice(Btc) != price; attempt++) await Task.Delay(50);
        Assert.Equal(price, prices.TryGetPrice(Btc));

        // The account has never learned BTCUSDT's leverage: the margin check reads it from the venue (the simulator's
        // default 20x) rather than assume 1x. About 25,000 USDT of notional on a 1,000 USDT wallet needs 1,250 USDT
        // even at 20x: refused, naming the venue's leverage, and nothing reaches the venue.
        var placed = await CountAsync(account, "order.place");
        var tooLarge = await SubmitMarketAsync(account, Wire.OrderSide.Buy, decimal.Round(25_000m / price, 3));
        Assert.Equal(Wire.OrderStatus.Denied, tooLarge.Order.Status);
        Assert.Equal("INSUFFICIENT_MARGIN", tooLarge.Order.Denial.Code);
        Assert.Contains("at 20x leverage (the venue's leverage of BTCUSDT)", tooLarge.Order.Denial.Reason, StringComparison.Ordinal);
        Assert.Equal(1000m, Dec(tooLarge.Order.Denial.Limit));
        Assert.Equal(placed, await CountAsync(account, "order.place"));

        // About 5,000 USDT: refused at 1x, inside 20x (250 USDT + fee): it goes and fills.
        var quantity = decimal.Round(5_000m / price, 3);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var opened = await SubmitMarketAsync(account, Wire.OrderSide.Buy, quantity);
        Assert.NotEqual(Wire.OrderStatus.Denied, opened.Order.Status);
        await stream.WaitForAsync(r => r.Order.ClientOrderId == opened.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);

        // The venue now applies 2x to BTCUSDT (set through the OMS): the position alone needs ~2,500 USDT, so adding
        // to it is refused by the OMS with the margin numbers, and nothing reaches the venue.
        var two = await _futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account.Value, Instrument = Futures(), Leverage = 2 }, oms.Auth());
        Assert.Equal(2, two.Instrument.Leverage);
        placed = await CountAsync(account, "order.place");
        var denied = await SubmitMarketAsync(account, Wire.OrderSide.Buy, 0.002m);
        Assert.Equal(Wire.OrderStatus.Denied, denied.Order.Status);
        Assert.Equal("INSUFFICIENT_MARGIN", denied.Order.Denial.Code);
        Assert.Contains("at 2x leverage (the venue's leverage of BTCUSDT)", denied.Order.Denial.Reason, StringComparison.Ordinal);
        Assert.True(Dec(denied.Order.Denial.WouldBe) > Dec(denied.Order.Denial.Limit), denied.Order.Denial.ToString());
        Assert.Equal("USDT", denied.Order.Denial.Unit);
        Assert.Equal(placed, await CountAsync(account, "order.place"));

        // Closing never needs margin.
        var closed = await SubmitMarketAsync(account, Wire.OrderSide.Sell, quantity);
        await stream.WaitForAsync(r => r.Order.ClientOrderId == closed.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        output.WriteLine($"at 20x: {tooLarge.Order.Denial.Reason}");
        output.WriteLine($"opened {quantity} at {price} (~5,000 USDT on a 1,000 USDT wallet at the venue's 20x); at 2x: {denied.Order.Denial.Reason}");
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Task<Wire.SubmitOrderResponse> SubmitMarketAsync(AccountId account, Wire.OrderSide side, decimal quantity) =>
        _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = side, Type = Wire.OrderType.Market, Quantity = quantity.ToString(CultureInfo.InvariantCulture),
            },
        }, oms.Auth()).ResponseAsync;

    private async Task<int> CountAsync(AccountId account, string operation) =>
        (await _sim.GetRequestsAsync(account)).Count(r => string.Equals(r.Operation, operation, StringComparison.Ordinal));

    private async Task<AccountId> NewFuturesAccountAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(account, new Dictionary<string, string> { ["USDT"] = "1000" }, new Dictionary<string, string> { ["USDT"] = "1000" });
        await oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.UsdMFutures],
            ClientOrderIdPrefix = "cl",
        });
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling) return account;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} did not finish its first USD-M reconciliation within 15 s");
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

    private static Wire.Instrument Futures() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = Symbol };

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
