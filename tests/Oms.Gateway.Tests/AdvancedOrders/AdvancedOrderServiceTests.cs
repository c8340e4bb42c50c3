using System.Globalization;
using Google.Rpc;
using Oms.Gateway.Tests.Infrastructure;
using static Oms.Gateway.Tests.Infrastructure.Orders;

namespace Oms.Gateway.Tests.AdvancedOrders;

/// <summary>
/// oms.v1.AdvancedOrderService end to end: the real silo wiring, a real HTTP/2 channel, the venue double. Where a test
/// needs to decide when something fills, its symbol is left working at the venue and fills are delivered to the
/// account grain the way a connector worker would.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class AdvancedOrderServiceTests(SiloFixture silo)
{
    private static long tradeIds;
    private readonly Wire.AdvancedOrderService.AdvancedOrderServiceClient advanced = new(silo.Channel);

    private static Wire.ProtectiveLeg Stop(string price) => new() { Type = Wire.OrderType.StopMarket, StopPrice = price };

    private static Wire.ProtectiveLeg Target(string price) => new() { Type = Wire.OrderType.Limit, LimitPrice = price };

    private static Wire.SubmitBracketRequest Bracket(string account, string strategyId, Wire.ProtectiveLeg? stop, Wire.ProtectiveLeg? target, string quantity = "0.010") => new()
    {
        AccountId = account,
        StrategyId = strategyId,
        Entry = Limit(quantity, "50000.0", market: Wire.MarketType.UsdmFutures),
        StopLoss = stop,
        TakeProfit = target,
    };

    private static Wire.SubmitIcebergRequest Iceberg(string account, string strategyId, string quantity, string display, string price,
        Wire.MarketType market = Wire.MarketType.UsdmFutures, Wire.ExecutionMode mode = Wire.ExecutionMode.Unspecified)
    {
        var order = Limit(quantity, price, market: market);
        order.DisplayQuantity = display;
        return new Wire.SubmitIcebergRequest { AccountId = account, StrategyId = strategyId, Order = order, Mode = mode };
    }

    private Task<Wire.Strategy> GetAsync(string account, string strategyId, string? token = null) =>
        advanced.GetStrategyAsync(new Wire.GetStrategyRequest { AccountId = account, StrategyId = strategyId }, SiloFixture.As(token ?? silo.TraderToken)).ResponseAsync;

    /// <summary>Polls the strategy until <paramref name="done"/> holds; bounded (about 15 s) and fails with the last state.</summary>
    private async Task<Wire.Strategy> WaitForAsync(string account, string strategyId, Func<Wire.Strategy, bool> done)
    {
        Wire.Strategy? last = null;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            last = await GetAsync(account, strategyId);
            if (done(last)) return last;
            await Task.Delay(50);
        }
        Assert.Fail($"strategy {strategyId} did not reach the expected state; last seen: {last}");
        return last!;
    }

    /// <summary>Delivers a fill of a child to the account, as the connector worker would.</summary>
    private Task FillAsync(string account, Wire.StrategyChild child, decimal quantity, decimal price) =>
        silo.Grains.GetAccount(new AccountId(account)).ApplyVenueEventsAsync([new VenueFill
        {
            Account = new AccountId(account),
            Timestamp = DateTimeOffset.UtcNow,
            Fill = new Fill
            {
                Instrument = new InstrumentId(Domain.Venue.Binance, (MarketType)(int)child.Spec.Instrument.Market, child.Spec.Instrument.Symbol),
                TradeId = new TradeId("adv-" + Interlocked.Increment(ref tradeIds).ToString(CultureInfo.InvariantCulture)),
                ClientOrderId = new ClientOrderId(child.ClientOrderId),
                Side = (OrderSide)(int)child.Spec.Side,
                Quantity = quantity,
                Price = price,
                Liquidity = LiquiditySide.Taker,
                Timestamp = DateTimeOffset.UtcNow,
            },
        }]);

    [Fact]
    public async Task A_futures_bracket_places_its_legs_on_the_fill_and_cancels_the_take_profit_when_the_stop_fires()
    {
        var account = await silo.ProvisionAccountAsync("adv-br", MarketType.UsdMFutures);
        silo.Venue.LeaveWorking(account, "BTCUSDT");

        var response = await advanced.SubmitBracketAsync(Bracket(account, "br1", Stop("49000.0"), Target("52000.0")), SiloFixture.As(silo.TraderToken));
        Assert.True(response.Created);
        Assert.Equal((Wire.StrategyKind.Bracket, Wire.ExecutionMode.OmsManaged, Wire.StrategyStatus.Working),
            (response.Strategy.Kind, response.Strategy.Mode, response.Strategy.Status));
        var entry = Assert.Single(response.Strategy.Children);
        Assert.Equal(("br1-en-1", Wire.ChildRole.Entry, 1), (entry.ClientOrderId, entry.Role, entry.Generation));
        Assert.Equal("49000.0", response.Strategy.StopLoss.StopPrice);

        await WaitForAsync(account, "br1", s => s.Children[0].Order?.Status == Wire.OrderStatus.New);
        await FillAsync(account, entry, 0.010m, 50000m);
        var protectedPosition = await WaitForAsync(account, "br1", s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is Wire.OrderStatus.New or Wire.OrderStatus.Filled));
        var stop = protectedPosition.Children.Single(c => c.Role == Wire.ChildRole.StopLoss);
        var target = protectedPosition.Children.Single(c => c.Role == Wire.ChildRole.TakeProfit);
        Assert.Equal(("br1-sl-1", Wire.OrderType.StopMarket, Wire.OrderSide.Sell, 0.010m, true), (stop.ClientOrderId, stop.Spec.Type, stop.Spec.Side, Dec(stop.Spec.Quantity), stop.Spec.ReduceOnly));
        Assert.Equal(("br1-tp-1", Wire.OrderType.Limit, 52000m, true), (target.ClientOrderId, target.Spec.Type, Dec(target.Spec.LimitPrice), target.Spec.ReduceOnly));
        Assert.Equal(0.010m, Dec(protectedPosition.OpenQuantity));

        await FillAsync(account, stop, 0.010m, 48990m);
        var final = await WaitForAsync(account, "br1", s => s.Status == Wire.StrategyStatus.Completed);
        Assert.Equal([Wire.OrderStatus.Filled, Wire.OrderStatus.Filled, Wire.OrderStatus.Canceled], final.Children.Select(c => c.Order.Status));
        Assert.Equal((0.010m, 0m), (Dec(final.FilledQuantity), Dec(final.OpenQuantity)));
        Assert.Single(silo.Venue.Received.OfType<CancelOrderCommand>(), c => c.Account.Value == account);
    }

    [Fact]
    public async Task A_futures_iceberg_fills_in_slices_and_a_spot_iceberg_is_one_native_order()
    {
        var futures = await silo.ProvisionAccountAsync("adv-ice", MarketType.UsdMFutures);
        var sliced = await advanced.SubmitIcebergAsync(Iceberg(futures, "ice1", "0.010", "0.004", "50000.0"), SiloFixture.As(silo.TraderToken));
        Assert.Equal(Wire.ExecutionMode.OmsManaged, sliced.Strategy.Mode);
        var done = await WaitForAsync(futures, "ice1", s => s.Status == Wire.StrategyStatus.Completed);
        Assert.Equal(0.010m, Dec(done.FilledQuantity));
        Assert.Equal([0.004m, 0.004m, 0.002m], done.Children.Select(c => Dec(c.Spec.Quantity)));
        Assert.All(done.Children, c => Assert.Equal((Wire.ChildRole.Slice, string.Empty), (c.Role, c.Spec.DisplayQuantity)));

        var spot = await silo.ProvisionAccountAsync("adv-ice-spot");
        var native = await advanced.SubmitIcebergAsync(Iceberg(spot, "ice2", "0.01", "0.002", "60000.00", Wire.MarketType.Spot), SiloFixture.As(silo.TraderToken));
        Assert.Equal(Wire.ExecutionMode.Native, native.Strategy.Mode);
        var filled = await WaitForAsync(spot, "ice2", s => s.Status == Wire.StrategyStatus.Completed);
        var order = Assert.Single(filled.Children);
        Assert.Equal(("0.002", 0.01m), (order.Spec.DisplayQuantity, Dec(order.Order.FilledQuantity)));
    }

    [Fact]
    public async Task A_trailing_stop_on_binance_futures_is_one_native_order()
    {
        var account = await silo.ProvisionAccountAsync("adv-trail", MarketType.UsdMFutures);
        var order = new Wire.OrderSpec
        {
            Instrument = Instrument("BTCUSDT", Wire.MarketType.UsdmFutures),
            Side = Wire.OrderSide.Sell,
            Type = Wire.OrderType.TrailingStopMarket,
            Quantity = "0.010",
            TrailingPercent = "1.5",
            ActivationPrice = "51000.0",
            ReduceOnly = true,
        };
        var response = await advanced.SubmitTrailingStopAsync(new Wire.SubmitTrailingStopRequest { AccountId = account, StrategyId = "ts1", Order = order }, SiloFixture.As(silo.TraderToken));
        Assert.Equal(Wire.ExecutionMode.Native, response.Strategy.Mode);

        var final = await WaitForAsync(account, "ts1", s => s.Status == Wire.StrategyStatus.Completed);
        var child = Assert.Single(final.Children);
        Assert.Equal((Wire.ChildRole.Stop, Wire.OrderType.TrailingStopMarket, "1.5"), (child.Role, child.Spec.Type, child.Spec.TrailingPercent));
        Assert.Equal(0.010m, Dec(final.FilledQuantity));
    }

    [Fact]
    public async Task Cancelling_a_strategy_cancels_its_open_children()
    {
        var account = await silo.ProvisionAccountAsync("adv-cancel", MarketType.UsdMFutures);
        silo.Venue.LeaveWorking(account, "BTCUSDT");
        await advanced.SubmitIcebergAsync(Iceberg(account, "ice3", "0.010", "0.004", "50000.0"), SiloFixture.As(silo.TraderToken));
        await WaitForAsync(account, "ice3", s => s.Children[0].Order?.Status == Wire.OrderStatus.New);

        var cancel = await advanced.CancelStrategyAsync(new Wire.CancelStrategyRequest { AccountId = account, StrategyId = "ice3" }, SiloFixture.As(silo.TraderToken));
        Assert.True(cancel.Accepted);
        var final = await WaitForAsync(account, "ice3", s => s.Status == Wire.StrategyStatus.Cancelled);
        Assert.Equal("cancelled by trader", final.Reason);
        Assert.Equal(Wire.OrderStatus.Canceled, Assert.Single(final.Children).Order.Status);

        var again = await advanced.CancelStrategyAsync(new Wire.CancelStrategyRequest { AccountId = account, StrategyId = "ice3" }, SiloFixture.As(silo.TraderToken));
        Assert.Equal((false, "ORDER_NOT_CANCELABLE"), (again.Accepted, again.Denial.Code));
        var unknown = await advanced.CancelStrategyAsync(new Wire.CancelStrategyRequest { AccountId = account, StrategyId = "nope" }, SiloFixture.As(silo.TraderToken));
        Assert.Equal((false, "ORDER_NOT_FOUND"), (unknown.Accepted, unknown.Denial.Code));
        Assert.Null(unknown.Strategy);
    }

    [Fact]
    public async Task A_strategy_id_is_an_idempotency_key_and_is_generated_when_absent()
    {
        var account = await silo.ProvisionAccountAsync("adv-idem", MarketType.UsdMFutures);
        silo.Venue.LeaveWorking(account, "BTCUSDT");
        var request = Bracket(account, "same", Stop("49000.0"), null);
        var first = await advanced.SubmitBracketAsync(request, SiloFixture.As(silo.TraderToken));
        var second = await advanced.SubmitBracketAsync(request, SiloFixture.As(silo.TraderToken));
        Assert.Equal((true, false), (first.Created, second.Created));
        Assert.Single(silo.Venue.Received.OfType<PlaceOrderCommand>(), c => c.Account.Value == account);

        var generated = await advanced.SubmitBracketAsync(Bracket(account, "", Stop("49000.0"), null), SiloFixture.As(silo.TraderToken));
        Assert.Equal(16, generated.Strategy.StrategyId.Length);
        Assert.Equal($"{generated.Strategy.StrategyId}-en-1", generated.Strategy.Children[0].ClientOrderId);

        var otherKind = await Assert.ThrowsAsync<RpcException>(async () =>
            await advanced.SubmitIcebergAsync(Iceberg(account, "same", "0.010", "0.004", "50000.0"), SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.AlreadyExists, otherKind.StatusCode);
        Assert.StartsWith("strategy_id:", otherKind.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_strategies_and_accounts_are_not_found()
    {
        var account = await silo.ProvisionAccountAsync("adv-nf");
        var strategy = await Assert.ThrowsAsync<RpcException>(() => GetAsync(account, "missing"));
        Assert.Equal(StatusCode.NotFound, strategy.StatusCode);
        var missingAccount = await Assert.ThrowsAsync<RpcException>(() => GetAsync("never-provisioned-adv", "missing"));
        Assert.Equal(StatusCode.NotFound, missingAccount.StatusCode);
    }

    private static readonly Dictionary<string, (Func<string, object> Request, string Field)> Malformed = new()
    {
        ["bad strategy id"] = (a => Bracket(a, "has space", Stop("49000.0"), null), "strategy_id"),
        ["no entry"] = (a => Bracket(a, "x", Stop("49000.0"), null).With(r => r.Entry = null), "entry"),
        ["no legs"] = (a => Bracket(a, "x", null, null), "stop_loss"),
        ["leg without type"] = (a => Bracket(a, "x", new Wire.ProtectiveLeg { StopPrice = "49000.0" }, null), "stop_loss.type"),
        ["stop above a buy entry"] = (a => Bracket(a, "x", Stop("50500.0"), null), "stop_loss.stop_price"),
        ["stop price with an exponent"] = (a => Bracket(a, "x", Stop("4.9e4"), null), "stop_loss.stop_price"),
        ["stop as take-profit"] = (a => Bracket(a, "x", null, Stop("52000.0")), "take_profit.type"),
        ["entry quantity malformed"] = (a => Bracket(a, "x", Stop("49000.0"), null, quantity: "0,01"), "entry.quantity"),
        ["iceberg without display"] = (a => Iceberg(a, "x", "0.010", "", "50000.0"), "order.display_quantity"),
        ["native iceberg on futures"] = (a => Iceberg(a, "x", "0.010", "0.004", "50000.0", mode: Wire.ExecutionMode.Native), "mode"),
        ["unknown mode"] = (a => Iceberg(a, "x", "0.010", "0.004", "50000.0", mode: (Wire.ExecutionMode)9), "mode"),
        ["slices below the minimum notional"] = (a => Iceberg(a, "x", "0.010", "0.003", "50000.0"), "order.display_quantity"),
        ["trailing stop of another type"] = (a => new Wire.SubmitTrailingStopRequest { AccountId = a, StrategyId = "x", Order = Limit("0.010", "50000.0", market: Wire.MarketType.UsdmFutures) }, "order.type"),
    };

    public static TheoryData<string> MalformedRequests => new(Malformed.Keys);

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_malformed_request_is_an_invalid_argument_naming_the_field_and_sends_nothing(string name)
    {
        var (build, field) = Malformed[name];
        var account = await silo.ProvisionAccountAsync("adv-valid", MarketType.UsdMFutures);
        var options = SiloFixture.As(silo.TraderToken);
        var error = await Assert.ThrowsAsync<RpcException>(async () => _ = build(account) switch
        {
            Wire.SubmitBracketRequest bracket => await advanced.SubmitBracketAsync(bracket, options),
            Wire.SubmitIcebergRequest iceberg => await advanced.SubmitIcebergAsync(iceberg, options),
            Wire.SubmitTrailingStopRequest trailing => await advanced.SubmitTrailingStopAsync(trailing, options),
            _ => throw new InvalidOperationException(name),
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field && v.Description.Length > 0);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }

    [Fact]
    public async Task Submitting_and_cancelling_need_trade_and_reading_needs_read()
    {
        var account = await silo.ProvisionAccountAsync("adv-auth", MarketType.UsdMFutures);
        silo.Venue.LeaveWorking(account, "BTCUSDT");
        var request = Bracket(account, "auth1", Stop("49000.0"), null);

        var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await advanced.SubmitBracketAsync(request));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var reader = await Assert.ThrowsAsync<RpcException>(async () => await advanced.SubmitBracketAsync(request, SiloFixture.As(silo.ReaderToken)));
        Assert.Equal(StatusCode.PermissionDenied, reader.StatusCode);
        var limited = await Assert.ThrowsAsync<RpcException>(async () => await advanced.SubmitBracketAsync(request, SiloFixture.As(silo.LimitedToken)));
        Assert.Equal(StatusCode.PermissionDenied, limited.StatusCode);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);

        await advanced.SubmitBracketAsync(request, SiloFixture.As(silo.TraderToken));
        Assert.Equal("auth1", (await GetAsync(account, "auth1", silo.ReaderToken)).StrategyId);
        var cancel = await Assert.ThrowsAsync<RpcException>(async () =>
            await advanced.CancelStrategyAsync(new Wire.CancelStrategyRequest { AccountId = account, StrategyId = "auth1" }, SiloFixture.As(silo.ReaderToken)));
        Assert.Equal(StatusCode.PermissionDenied, cancel.StatusCode);
    }
}

internal static class RequestExtensions
{
    public static T With<T>(this T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
