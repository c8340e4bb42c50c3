using System.Globalization;
using Oms.Connectors.Contract.Tests.Infrastructure;

namespace Oms.Connectors.Contract.Tests;

/// <summary>
/// The risk engine end to end: gRPC in, the embedded OMS with the Binance connector, the simulator behind it. An order
/// over a limit is denied with its code and numbers and never reaches the venue (the simulator's request log).
/// </summary>
[Collection(EmbeddedOmsCollection.Name)]
public sealed class RiskEndToEndTests(EmbeddedOmsFixture oms)
{
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);

    [Fact]
    public async Task An_order_over_the_exposure_limit_is_denied_over_grpc_and_the_simulator_sees_nothing()
    {
        var account = await oms.NewAccountAsync("risk", new Dictionary<string, string> { ["USDT"] = "200000" });
        await oms.Grains.GetRiskLimit(account).SetLimitsAsync(new RiskLimits { MaxGrossExposure = 50000m }, "e2e-tests");
        var price = await MarketPriceAsync("BTCUSDT");
        // Resting well below the market, 60 000 USDT of it: over the 50 000 limit whatever the mark.
        var limitPrice = decimal.Round(price * 0.9m, 2);
        var quantity = decimal.Round(60000m / limitPrice, 5);
        var before = await oms.Inspector.GetRequestsAsync(account);

        var denied = await _orders.SubmitOrderAsync(Submit(account, quantity, limitPrice, "over-limit"), oms.Auth());

        Assert.Equal(Wire.OrderStatus.Denied, denied.Order.Status);
        Assert.Equal("MAX_GROSS_EXPOSURE_EXCEEDED", denied.Order.Denial.Code);
        Assert.Equal(50000m, Dec(denied.Order.Denial.Limit));
        Assert.True(Dec(denied.Order.Denial.WouldBe) > 50000m, denied.Order.Denial.ToString());
        Assert.Equal("USDT", denied.Order.Denial.Unit);
        Assert.Equal(before.Count, (await oms.Inspector.GetRequestsAsync(account)).Count);

        // The same path with an order inside the limit does reach the simulator (the log is not simply empty).
        var accepted = await _orders.SubmitOrderAsync(Submit(account, 0.001m, limitPrice, "inside-limit"), oms.Auth());
        Assert.NotEqual(Wire.OrderStatus.Denied, accepted.Order.Status);
        for (var attempt = 0; attempt < 400 && (await oms.Inspector.GetRequestsAsync(account)).Count == before.Count; attempt++) await Task.Delay(25);
        Assert.True((await oms.Inspector.GetRequestsAsync(account)).Count > before.Count, "the accepted order never reached the simulator");
        await _orders.CancelAllOrdersAsync(new Wire.CancelAllOrdersRequest { AccountId = account.Value }, oms.Auth());
    }

    private static Wire.SubmitOrderRequest Submit(AccountId account, decimal quantity, decimal price, string clientOrderId) => new()
    {
        AccountId = account.Value,
        ClientOrderId = clientOrderId,
        Order = new Wire.OrderSpec
        {
            Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = "BTCUSDT" },
            Side = Wire.OrderSide.Buy,
            Type = Wire.OrderType.Limit,
            Quantity = quantity.ToString(CultureInfo.InvariantCulture),
            LimitPrice = price.ToString(CultureInfo.InvariantCulture),
            TimeInForce = Wire.TimeInForce.Gtc,
        },
    };

    private async Task<decimal> MarketPriceAsync(string symbol)
    {
        using var http = new HttpClient { BaseAddress = oms.Sim.Urls.Rest };
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/v3/ticker/price?symbol={symbol}"));
        return decimal.Parse(document.RootElement.GetProperty("price").GetString()!, CultureInfo.InvariantCulture);
    }

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
