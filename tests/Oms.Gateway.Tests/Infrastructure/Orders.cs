namespace Oms.Gateway.Tests.Infrastructure;

/// <summary>Request builders and bounded waits shared by the tests.</summary>
public static class Orders
{
    public static Wire.Instrument Instrument(string symbol, Wire.MarketType market = Wire.MarketType.Spot) =>
        new() { Venue = Wire.Venue.Binance, Market = market, Symbol = symbol };

    public static Wire.OrderSpec Limit(string quantity, string price, Wire.OrderSide side = Wire.OrderSide.Buy,
        string symbol = "BTCUSDT", Wire.MarketType market = Wire.MarketType.Spot) => new()
        {
            Instrument = Instrument(symbol, market),
            Side = side,
            Type = Wire.OrderType.Limit,
            Quantity = quantity,
            LimitPrice = price,
            TimeInForce = Wire.TimeInForce.Gtc,
        };

    public static Wire.SubmitOrderRequest Submit(string account, Wire.OrderSpec spec, string clientOrderId = "") =>
        new() { AccountId = account, ClientOrderId = clientOrderId, Order = spec };

    /// <summary>Polls the order until <paramref name="done"/> holds; bounded (about 15 s) and fails with the last state.</summary>
    public static async Task<Wire.Order> WaitForOrderAsync(
        Wire.OrderService.OrderServiceClient client, string token, string account, string clientOrderId, Func<Wire.Order, bool> done)
    {
        Wire.Order? last = null;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            last = await client.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = clientOrderId }, SiloFixture.As(token));
            if (done(last)) return last;
            await Task.Delay(50);
        }
        Assert.Fail($"order {clientOrderId} did not reach the expected state; last seen: {last}");
        return last!;
    }

    /// <summary>Reads stream messages until <paramref name="count"/> reports arrived (bounded by a 20 s deadline).</summary>
    public static async Task<List<Wire.ExecutionReportStreamMessage>> ReadStreamAsync(
        Wire.OrderService.OrderServiceClient client, string token, string account, long fromSequence, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var messages = new List<Wire.ExecutionReportStreamMessage>();
        using var call = client.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = fromSequence },
            SiloFixture.As(token, deadline.Token));
        var reports = 0;
        while (reports < count && await call.ResponseStream.MoveNext(deadline.Token))
        {
            messages.Add(call.ResponseStream.Current);
            if (call.ResponseStream.Current.KindCase == Wire.ExecutionReportStreamMessage.KindOneofCase.Report) reports++;
        }
        Assert.True(reports == count, $"expected {count} reports, the stream ended after {reports}");
        return messages;
    }

    public static decimal Dec(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
