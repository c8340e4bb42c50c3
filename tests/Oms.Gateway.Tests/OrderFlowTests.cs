using Oms.Gateway.Tests.Infrastructure;
using static Oms.Gateway.Tests.Infrastructure.Orders;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class OrderFlowTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);
    private readonly Wire.AccountService.AccountServiceClient accounts = new(silo.Channel);

    [Fact]
    public async Task A_limit_order_is_filled_and_its_reports_stream_in_sequence()
    {
        var account = await silo.ProvisionAccountAsync("flow");
        var submitted = await orders.SubmitOrderAsync(Submit(account, Limit("0.00200000", "50000.00"), "flow-1"), SiloFixture.As(silo.TraderToken));
        Assert.True(submitted.Created);
        Assert.Equal("flow-1", submitted.Order.ClientOrderId);
        Assert.Equal(Wire.OrderStatus.PendingNew, submitted.Order.Status);
        Assert.Equal(0.002m, Dec(submitted.Order.Quantity));

        var filled = await WaitForOrderAsync(orders, silo.TraderToken, account, "flow-1", o => o.Status == Wire.OrderStatus.Filled);
        Assert.Equal(0.002m, Dec(filled.FilledQuantity));
        Assert.Equal(0m, Dec(filled.LeavesQuantity));
        Assert.Equal(50000m, Dec(filled.AveragePrice));
        Assert.Equal("V-flow-1", filled.VenueOrderId);

        var messages = await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: 1, count: 4);
        var reports = messages.Select(m => m.Report).ToList();
        Assert.Equal([1L, 2L, 3L, 4L], reports.Select(r => r.Sequence));
        Assert.Equal(
            [Wire.ExecutionType.Submitted, Wire.ExecutionType.Accepted, Wire.ExecutionType.Filled, Wire.ExecutionType.Filled],
            reports.Select(r => r.ExecutionType));
        var fills = reports.Where(r => r.ExecutionType == Wire.ExecutionType.Filled).Select(r => r.Fill).ToList();
        Assert.Equal(["T-flow-1-1", "T-flow-1-2"], fills.Select(f => f.TradeId));
        Assert.Equal(0.002m, fills.Sum(f => Dec(f.Quantity)));
        Assert.Equal(Wire.OrderStatus.Filled, reports[^1].Order.Status);

        var info = await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, SiloFixture.As(silo.ReaderToken));
        Assert.Equal(4, info.LastSequence);
    }

    [Fact]
    public async Task Resubmitting_a_client_order_id_returns_the_existing_order()
    {
        var account = await silo.ProvisionAccountAsync("idem");
        var first = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), "same-id"), SiloFixture.As(silo.TraderToken));
        var second = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), "same-id"), SiloFixture.As(silo.TraderToken));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Order.ClientOrderId, second.Order.ClientOrderId);
        Assert.Single(silo.Venue.Received.OfType<PlaceOrderCommand>(), c => c.Account.Value == account);
    }

    [Fact]
    public async Task The_OMS_assigns_a_client_order_id_when_none_is_given()
    {
        var account = await silo.ProvisionAccountAsync("gen");
        var response = await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000")), SiloFixture.As(silo.TraderToken));
        Assert.True(ClientOrderId.IsValid(response.Order.ClientOrderId));
    }

    [Fact]
    public async Task Working_orders_can_be_listed_amended_and_cancelled()
    {
        var account = await silo.ProvisionAccountAsync("work");
        silo.Venue.LeaveWorking(account, "ETHUSDT");
        var token = SiloFixture.As(silo.TraderToken);
        await orders.SubmitOrderAsync(Submit(account, Limit("0.0100", "3000.00", symbol: "ETHUSDT"), "eth-1"), token);
        await orders.SubmitOrderAsync(Submit(account, Limit("0.0200", "3001.00", symbol: "ETHUSDT"), "eth-2"), token);
        await orders.SubmitOrderAsync(Submit(account, Limit("0.0010", "50000", symbol: "BTCUSDT"), "btc-1"), token);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "eth-1", o => o.Status == Wire.OrderStatus.New);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "eth-2", o => o.Status == Wire.OrderStatus.New);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "btc-1", o => o.Status == Wire.OrderStatus.Filled);

        var open = await orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account, OpenOnly = true }, token);
        Assert.Equal(["eth-1", "eth-2"], open.Orders.Select(o => o.ClientOrderId).Order());
        var btcOnly = await orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account, Instrument = Instrument("BTCUSDT") }, token);
        Assert.Equal(["btc-1"], btcOnly.Orders.Select(o => o.ClientOrderId));
        var history = await accounts.GetOrderHistoryAsync(new Wire.GetOrderHistoryRequest { AccountId = account }, token);
        Assert.Equal(3, history.Orders.Count);

        var amended = await orders.AmendOrderAsync(new Wire.AmendOrderRequest { AccountId = account, ClientOrderId = "eth-1", NewQuantity = "0.0150" }, token);
        Assert.True(amended.Accepted, amended.Denial?.Reason);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "eth-1", o => o.Status == Wire.OrderStatus.New && Dec(o.Quantity) == 0.015m);

        var cancelled = await orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = account, ClientOrderId = "eth-1" }, token);
        Assert.True(cancelled.Accepted, cancelled.Denial?.Reason);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "eth-1", o => o.Status == Wire.OrderStatus.Canceled);

        var all = await orders.CancelAllOrdersAsync(new Wire.CancelAllOrdersRequest { AccountId = account }, token);
        Assert.Equal(["eth-2"], all.CancelRequested);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "eth-2", o => o.Status == Wire.OrderStatus.Canceled);
        var none = await orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account, OpenOnly = true }, token);
        Assert.Empty(none.Orders);
    }

    public static TheoryData<string> OrderTypes => new(
        "market", "limit", "limit-maker", "stop-market", "stop-limit", "take-profit-market", "take-profit-limit", "trailing-stop");

    [Theory]
    [MemberData(nameof(OrderTypes))]
    public async Task Every_order_type_reaches_the_venue_with_its_terms(string kind)
    {
        var account = await silo.ProvisionAccountAsync("types", MarketType.UsdMFutures);
        silo.Prices.SetPrice(new InstrumentId(Venue.Binance, MarketType.UsdMFutures, "ETHUSDT"), 3000m);
        silo.Venue.LeaveWorking(account, "ETHUSDT");
        var spec = new Wire.OrderSpec
        {
            Instrument = Instrument("ETHUSDT", Wire.MarketType.UsdmFutures),
            Side = Wire.OrderSide.Sell,
            Quantity = "0.050",
            TimeInForce = Wire.TimeInForce.Gtc,
            StrategyTag = "mean-revert",
        };
        switch (kind)
        {
            case "market": spec.Type = Wire.OrderType.Market; spec.TimeInForce = Wire.TimeInForce.Unspecified; break;
            case "limit": spec.Type = Wire.OrderType.Limit; spec.LimitPrice = "3010.00"; spec.TimeInForce = Wire.TimeInForce.Ioc; break;
            case "limit-maker": spec.Type = Wire.OrderType.LimitMaker; spec.LimitPrice = "3010.00"; spec.TimeInForce = Wire.TimeInForce.Gtx; break;
            case "stop-market": spec.Type = Wire.OrderType.StopMarket; spec.StopPrice = "2950.00"; break;
            case "stop-limit": spec.Type = Wire.OrderType.StopLimit; spec.StopPrice = "2950.00"; spec.LimitPrice = "2949.00"; break;
            case "take-profit-market": spec.Type = Wire.OrderType.TakeProfitMarket; spec.StopPrice = "3100.00"; spec.TriggerPriceType = Wire.TriggerPriceType.MarkPrice; break;
            case "take-profit-limit": spec.Type = Wire.OrderType.TakeProfitLimit; spec.StopPrice = "3100.00"; spec.LimitPrice = "3101.00"; break;
            case "trailing-stop": spec.Type = Wire.OrderType.TrailingStopMarket; spec.TrailingPercent = "1.5"; spec.ActivationPrice = "3050.00"; break;
        }
        var clientOrderId = "ty-" + kind;

        var response = await orders.SubmitOrderAsync(Submit(account, spec, clientOrderId), SiloFixture.As(silo.TraderToken));

        Assert.True(response.Order.Status != Wire.OrderStatus.Denied, response.Order.Denial?.ToString());
        var sent = Assert.Single(silo.Venue.Received.OfType<PlaceOrderCommand>(), c => c.Account.Value == account);
        Assert.Equal(clientOrderId, sent.ClientOrderId.Value);
        Assert.Equal((int)spec.Type, (int)sent.Spec.Type);
        Assert.Equal(OrderSide.Sell, sent.Spec.Side);
        Assert.Equal(0.05m, sent.Spec.Quantity);
        Assert.Equal("mean-revert", sent.Spec.StrategyTag);
        Assert.Equal(NullIfEmpty(spec.LimitPrice), sent.Spec.LimitPrice);
        Assert.Equal(NullIfEmpty(spec.StopPrice), sent.Spec.StopPrice);
        Assert.Equal(NullIfEmpty(spec.TrailingPercent), sent.Spec.TrailingPercent);
        Assert.Equal(NullIfEmpty(spec.ActivationPrice), sent.Spec.ActivationPrice);
        Assert.Equal(spec.TimeInForce == Wire.TimeInForce.Unspecified ? TimeInForce.Gtc : (TimeInForce)(int)spec.TimeInForce, sent.Spec.TimeInForce);
        Assert.Equal(spec.TriggerPriceType == Wire.TriggerPriceType.MarkPrice ? TriggerPriceType.MarkPrice : TriggerPriceType.LastPrice, sent.Spec.TriggerPriceType);
        Assert.Equal(spec.Type, response.Order.Spec.Type);
    }

    [Fact]
    public async Task Reduce_only_and_hedge_position_side_reach_the_venue()
    {
        var account = await silo.ProvisionAccountAsync("hedge", MarketType.UsdMFutures);
        var token = SiloFixture.As(silo.TraderToken);
        // Open a long position first so that the reduce-only sell reduces it.
        await orders.SubmitOrderAsync(Submit(account, Limit("0.010", "50000.0", symbol: "BTCUSDT", market: Wire.MarketType.UsdmFutures), "open-1"), token);
        await WaitForOrderAsync(orders, silo.TraderToken, account, "open-1", o => o.Status == Wire.OrderStatus.Filled);

        var close = Limit("0.010", "50100.0", Wire.OrderSide.Sell, "BTCUSDT", Wire.MarketType.UsdmFutures);
        close.ReduceOnly = true;
        var response = await orders.SubmitOrderAsync(Submit(account, close, "close-1"), token);

        Assert.NotEqual(Wire.OrderStatus.Denied, response.Order.Status);
        Assert.True(response.Order.Spec.ReduceOnly);
        var sent = silo.Venue.Received.OfType<PlaceOrderCommand>().Single(c => c.ClientOrderId.Value == "close-1" && c.Account.Value == account);
        Assert.True(sent.Spec.ReduceOnly);
        Assert.True(sent.IsRiskReducing);
    }

    private static decimal? NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : Dec(text);
}
