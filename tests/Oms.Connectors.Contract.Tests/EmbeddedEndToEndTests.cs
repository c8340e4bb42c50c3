using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker;
using Oms.Connectors.Contract.Tests.Infrastructure;

namespace Oms.Connectors.Contract.Tests;

/// <summary>The embedded default, in-process, the way a new user meets it: gRPC in, the Binance simulator behind it.</summary>
[Collection(EmbeddedOmsCollection.Name)]
public sealed class EmbeddedEndToEndTests(EmbeddedOmsFixture oms, ITestOutputHelper output)
{
    private static readonly AccountId DemoSpot = new("demo-spot");
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);
    private readonly Wire.AccountService.AccountServiceClient _accounts = new(oms.Channel);

    [Fact]
    public async Task A_limit_and_a_market_order_on_demo_spot_fill_and_update_balances_and_position()
    {
        await oms.Inspector.HoldAsync("BTCUSDT");
        var price = await MarketPriceAsync("BTCUSDT");
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), DemoSpot.Value, fromSequence: 1);

        // A buy limit a little above the market: it takes liquidity at once (a marketable limit).
        var limitPrice = decimal.Round(price * 1.01m, 2);
        var limit = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = DemoSpot.Value,
            Order = new Wire.OrderSpec
            {
                Instrument = Spot("BTCUSDT"), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.01000",
                LimitPrice = limitPrice.ToString(CultureInfo.InvariantCulture), TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, oms.Auth());
        Assert.True(limit.Created, limit.ToString());
        var market = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = DemoSpot.Value,
            Order = new Wire.OrderSpec { Instrument = Spot("BTCUSDT"), Side = Wire.OrderSide.Sell, Type = Wire.OrderType.Market, Quantity = "0.00400" },
        }, oms.Auth());
        Assert.True(market.Created, market.ToString());

        var limitFilled = await stream.WaitForAsync(r => r.Order.ClientOrderId == limit.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        var marketFilled = await stream.WaitForAsync(r => r.Order.ClientOrderId == market.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        Assert.Equal(0.01m, Dec(limitFilled.Order.FilledQuantity));
        Assert.Equal(0.004m, Dec(marketFilled.Order.FilledQuantity));
        Assert.Contains(stream.Reports, r => r.ExecutionType == Wire.ExecutionType.Filled && r.Fill?.ClientOrderId == market.Order.ClientOrderId);

        // Balances and the position the fills produced, exactly as the venue (simulator) has them.
        var venue = await WaitAsync(async () =>
        {
            var state = await oms.Inspector.GetAccountAsync(DemoSpot);
            var balances = await _accounts.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = DemoSpot.Value }, oms.Auth());
            var btc = balances.Balances.SingleOrDefault(b => b.Asset == "BTC");
            return btc is not null && Dec(btc.Free) == state.Balances["BTC"].Free ? state : null;
        });
        var omsBalances = await _accounts.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = DemoSpot.Value }, oms.Auth());
        foreach (var asset in new[] { "BTC", "USDT" })
        {
            var mine = omsBalances.Balances.Single(b => b.Asset == asset);
            Assert.Equal(venue.Balances[asset].Free, Dec(mine.Free));
            Assert.Equal(venue.Balances[asset].Locked, Dec(mine.Locked));
        }
        var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = DemoSpot.Value }, oms.Auth());
        var position = positions.Positions.Single(p => p.Instrument.Symbol == "BTCUSDT");
        var trades = venue.Trades.Where(t => t.Symbol == "BTCUSDT").ToList();
        var expected = trades.Sum(t => t.IsBuyer ? t.Qty - (t.CommissionAsset == "BTC" ? t.Commission : 0m) : -(t.Qty + (t.CommissionAsset == "BTC" ? t.Commission : 0m)));
        Assert.Equal(expected, Dec(position.Quantity));
        // The position is marked to the reference price the market streams keep.
        var prices = oms.Services.GetRequiredService<IReferencePriceSource>();
        var btc = new InstrumentId(Venue.Binance, MarketType.Spot, "BTCUSDT");
        var reference = await WaitAsync(() => Task.FromResult(prices.TryGetPrice(btc) is { } p ? (object)p : null));
        Assert.InRange((decimal)reference, price * 0.9m, price * 1.1m);
        output.WriteLine($"limit {limit.Order.ClientOrderId} filled at {limitFilled.Order.AveragePrice}; market {market.Order.ClientOrderId} at {marketFilled.Order.AveragePrice}; position {position.Quantity} BTC");
    }

    [Fact]
    public async Task Measures_session_logon_and_the_order_round_trip_through_the_whole_OMS()
    {
        // WS API session connect + session.logon (Ed25519) on loopback, through the connector's own pool.
        var account = await oms.NewAccountAsync("lat", new Dictionary<string, string> { ["USDT"] = "1000000" });
        var connects = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            connects.Add(await Measurements.SessionConnectAndLogonAsync(oms, account));
        }
        output.WriteLine($"WS API connect+logon over {connects.Count}: p50 {Measurements.Percentile(connects, 50):0.00} ms, p99 {Measurements.Percentile(connects, 99):0.00} ms");

        // gRPC submit -> Accepted on the execution-report stream, resting limit orders far from the market. The venue's
        // order-count limit (50 per 10 s) would otherwise pace the loop: raise it at the venue, and let the connector
        // learn it the way it always does (exchangeInfo).
        var limits = Oms.Simulator.Hosting.VenueLimitOptions.SpotDefaults();
        limits.OrdersPer10Seconds = 100_000;
        limits.OrdersPerDay = 10_000_000;
        await oms.Inspector.SetSpotLimitsAsync(limits);
        Assert.True(await oms.Services.GetRequiredService<BinanceExchangeInfoRefresher>().RefreshAsync(CancellationToken.None));
        try
        {
            await MeasureRoundTripsAsync(account);
        }
        finally
        {
            await oms.Inspector.SetSpotLimitsAsync(Oms.Simulator.Hosting.VenueLimitOptions.SpotDefaults());
            await oms.Services.GetRequiredService<BinanceExchangeInfoRefresher>().RefreshAsync(CancellationToken.None);
        }
    }

    private async Task MeasureRoundTripsAsync(AccountId account)
    {
        await oms.Inspector.HoldAsync("ETHUSDT");
        var price = await MarketPriceAsync("ETHUSDT");
        var restAt = decimal.Round(price * 0.8m, 2).ToString(CultureInfo.InvariantCulture);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var roundTrips = new List<double>();
        const int Orders = 200;
        for (var i = 0; i < Orders; i++)
        {
            var id = $"rt-{i}";
            var started = Stopwatch.GetTimestamp();
            await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
            {
                AccountId = account.Value,
                ClientOrderId = id,
                Order = new Wire.OrderSpec
                {
                    Instrument = Spot("ETHUSDT"), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.0100", LimitPrice = restAt,
                    TimeInForce = Wire.TimeInForce.Gtc,
                },
            }, oms.Auth());
            await stream.WaitForAsync(r => r.Order.ClientOrderId == id && r.ExecutionType == Wire.ExecutionType.Accepted);
            roundTrips.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        output.WriteLine($"order round trip (gRPC submit -> Accepted on the stream) over {Orders}: p50 {Measurements.Percentile(roundTrips, 50):0.00} ms, " +
            $"p99 {Measurements.Percentile(roundTrips, 99):0.00} ms, max {roundTrips.Max():0.00} ms");
        await _orders.CancelAllOrdersAsync(new Wire.CancelAllOrdersRequest { AccountId = account.Value }, oms.Auth());
        Assert.Equal(Orders, roundTrips.Count);
    }

    private async Task<decimal> MarketPriceAsync(string symbol)
    {
        using var http = new HttpClient { BaseAddress = oms.Sim.Urls.Rest };
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/v3/ticker/price?symbol={symbol}"));
        return decimal.Parse(document.RootElement.GetProperty("price").GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("the OMS did not reach the venue's state within 15 s");
    }

    private static Wire.Instrument Spot(string symbol) => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = symbol };

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
