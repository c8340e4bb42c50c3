using Google.Rpc;
using Grpc.Core;
using Oms.Gateway.Tests.Infrastructure;

namespace Oms.Gateway.Tests;

/// <summary>oms.v1 OrderService SubmitOrderList / CancelOrderList / GetOrderList and the order_list_id of orders.</summary>
[Collection(SiloCollection.Name)]
public sealed class OrderListApiTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);

    private static Wire.SubmitOrderListRequest SellOco(string account, string listId = "") => new()
    {
        AccountId = account,
        ListClientOrderId = listId,
        Instrument = Orders.Instrument("BTCUSDT"),
        Side = Wire.OrderSide.Sell,
        Quantity = "0.01",
        Above = new Wire.OrderListLeg { Type = Wire.OrderType.LimitMaker, LimitPrice = "62000" },
        Below = new Wire.OrderListLeg { Type = Wire.OrderType.StopLimit, StopPrice = "58000", LimitPrice = "57900", TimeInForce = Wire.TimeInForce.Gtc },
    };

    [Fact]
    public async Task A_submitted_list_comes_back_pending_with_both_legs_and_is_idempotent()
    {
        var account = await silo.ProvisionAccountAsync("oco");
        var token = SiloFixture.As(silo.TraderToken);

        var first = await orders.SubmitOrderListAsync(SellOco(account, "oco-api-1"), token);
        var again = await orders.SubmitOrderListAsync(SellOco(account, "oco-api-1"), token);

        Assert.True(first.Created);
        Assert.False(again.Created);
        var list = first.OrderList;
        Assert.Equal("oco-api-1", list.ListClientOrderId);
        Assert.Equal(Wire.OrderListStatus.Pending, list.Status);
        Assert.Equal("0.01", list.Quantity);
        Assert.Equal("oco-api-1-a", list.Above.ClientOrderId);
        Assert.Equal("oco-api-1-b", list.Below.ClientOrderId);
        Assert.Equal(Wire.OrderType.LimitMaker, list.Above.Spec.Type);
        Assert.Equal(Wire.OrderType.StopLimit, list.Below.Spec.Type);
        Assert.All(new[] { list.Above, list.Below }, leg =>
        {
            Assert.Equal("oco-api-1", leg.OrderListId);
            Assert.Equal(Wire.OrderStatus.PendingNew, leg.Status);
        });
        Assert.Equal(list.Above.ClientOrderId, again.OrderList.Above.ClientOrderId);
        var place = Assert.Single(silo.Venue.Received.OfType<PlaceOrderListCommand>(), c => c.Account.Value == account);
        Assert.Equal("oco-api-1", place.ClientOrderId.Value);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account && c is PlaceOrderCommand);

        // Reads: the list, and each leg with its list id.
        var read = await orders.GetOrderListAsync(new Wire.GetOrderListRequest { AccountId = account, ListClientOrderId = "oco-api-1" }, token);
        Assert.Equal(list.Below.ClientOrderId, read.Below.ClientOrderId);
        var leg = await orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = "oco-api-1-b" }, token);
        Assert.Equal("oco-api-1", leg.OrderListId);
        var listed = await orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account }, token);
        Assert.Equal(2, listed.Orders.Count(o => o.OrderListId == "oco-api-1"));
    }

    [Fact]
    public void The_order_list_status_enum_mirrors_the_domain_name_for_name()
    {
        foreach (var status in Enum.GetValues<OrderListStatus>())
        {
            Assert.Equal(status.ToString(), Enum.GetName((Wire.OrderListStatus)(int)status));
        }
        Assert.Equal(Enum.GetValues<OrderListStatus>().Length + 1, Enum.GetValues<Wire.OrderListStatus>().Length);
    }

    [Fact]
    public async Task A_single_order_has_no_list_id()
    {
        var account = await silo.ProvisionAccountAsync("oco-single");
        var response = await orders.SubmitOrderAsync(Orders.Submit(account, Orders.Limit("0.001", "50000")), SiloFixture.As(silo.TraderToken));
        Assert.Equal(string.Empty, response.Order.OrderListId);
        Assert.Equal(string.Empty, response.Order.VenueOrderListId);
    }

    [Fact]
    public async Task Cancelling_the_list_sends_one_cancel_for_one_leg()
    {
        var account = await silo.ProvisionAccountAsync("oco-cancel");
        var token = SiloFixture.As(silo.TraderToken);
        await orders.SubmitOrderListAsync(SellOco(account, "oco-api-c"), token);

        var cancel = await orders.CancelOrderListAsync(new Wire.CancelOrderListRequest { AccountId = account, ListClientOrderId = "oco-api-c" }, token);

        Assert.True(cancel.Accepted);
        Assert.Equal("oco-api-c", cancel.OrderList.ListClientOrderId);
        var sent = Assert.Single(silo.Venue.Received.OfType<CancelOrderCommand>(), c => c.Account.Value == account);
        Assert.Equal("oco-api-c-a", sent.ClientOrderId.Value);

        var missing = await orders.CancelOrderListAsync(new Wire.CancelOrderListRequest { AccountId = account, ListClientOrderId = "no-such-list" }, token);
        Assert.False(missing.Accepted);
        Assert.Equal("ORDER_NOT_FOUND", missing.Denial.Code);
        var notFound = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.GetOrderListAsync(new Wire.GetOrderListRequest { AccountId = account, ListClientOrderId = "no-such-list" }, token));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
    }

    private static readonly Dictionary<string, (Action<Wire.SubmitOrderListRequest> Corrupt, string Field)> Corruptions = new()
    {
        ["futures instrument"] = (r => r.Instrument.Market = Wire.MarketType.UsdmFutures, "instrument.market"),
        ["stop leg above a sell"] = (r => r.Above = new Wire.OrderListLeg { Type = Wire.OrderType.StopMarket, StopPrice = "62000" }, "above.type"),
        ["limit leg below a sell"] = (r => r.Below = new Wire.OrderListLeg { Type = Wire.OrderType.LimitMaker, LimitPrice = "58000" }, "below.type"),
        ["crossed prices"] = (r => r.Above.LimitPrice = "57000", "above.limit_price"),
        ["missing stop price"] = (r => r.Below.StopPrice = "", "below.stop_price"),
        ["missing quantity"] = (r => r.Quantity = "", "quantity"),
        ["missing leg"] = (r => r.Below = null, "below"),
        ["unspecified leg type"] = (r => r.Above.Type = Wire.OrderType.Unspecified, "above.type"),
        ["bad leg id"] = (r => r.Above.ClientOrderId = "has spaces", "above.client_order_id"),
        ["bad list id"] = (r => r.ListClientOrderId = "has spaces", "list_client_order_id"),
        ["same leg ids"] = (r => { r.Above.ClientOrderId = "leg-x"; r.Below.ClientOrderId = "leg-x"; }, "below.client_order_id"),
        ["ioc on a limit maker"] = (r => r.Above.TimeInForce = Wire.TimeInForce.Ioc, "above.time_in_force"),
    };

    public static TheoryData<string> MalformedLists => new(Corruptions.Keys);

    [Theory]
    [MemberData(nameof(MalformedLists))]
    public async Task A_malformed_list_is_an_invalid_argument_naming_the_field_and_nothing_is_stored(string corruption)
    {
        var (corrupt, field) = Corruptions[corruption];
        var account = await silo.ProvisionAccountAsync("oco-bad");
        var request = SellOco(account, "oco-bad-1");
        corrupt(request);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await orders.SubmitOrderListAsync(request, SiloFixture.As(silo.TraderToken)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field && v.Description.Length > 0);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
        var listed = await orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account }, SiloFixture.As(silo.TraderToken));
        Assert.Empty(listed.Orders);
    }

    [Fact]
    public async Task A_leg_id_already_taken_is_an_invalid_argument_naming_the_leg()
    {
        var account = await silo.ProvisionAccountAsync("oco-taken");
        silo.Venue.LeaveWorking(account, "BTCUSDT");
        var token = SiloFixture.As(silo.TraderToken);
        await orders.SubmitOrderAsync(Orders.Submit(account, Orders.Limit("0.001", "50000"), "oco-taken-a"), token);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await orders.SubmitOrderListAsync(SellOco(account, "oco-taken"), token));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "above.client_order_id");
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account && c is PlaceOrderListCommand);
    }

    [Fact]
    public async Task A_risk_refusal_is_a_denied_list_with_its_code_not_an_error()
    {
        var account = await silo.ProvisionAccountAsync("oco-risk");
        await silo.Grains.GetRiskLimit(new AccountId(account)).SetLimitsAsync(new RiskLimits { MaxOrderNotional = 100m }, "gateway-tests");

        var response = await orders.SubmitOrderListAsync(SellOco(account, "oco-risk-1"), SiloFixture.As(silo.TraderToken));

        Assert.True(response.Created);
        Assert.Equal(Wire.OrderListStatus.Denied, response.OrderList.Status);
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER", response.OrderList.Denial.Code);
        Assert.Equal("100", response.OrderList.Denial.Limit);
        Assert.Equal(Wire.OrderStatus.Denied, response.OrderList.Above.Status);
        Assert.Equal(Wire.OrderStatus.Denied, response.OrderList.Below.Status);
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER", response.OrderList.Below.Denial.Code);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }

    [Fact]
    public async Task Submitting_needs_trade_permission_and_reading_needs_read()
    {
        var account = await silo.ProvisionAccountAsync("oco-auth");

        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.SubmitOrderListAsync(SellOco(account, "oco-auth-1"), SiloFixture.As(silo.ReaderToken)));
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.GetOrderListAsync(new Wire.GetOrderListRequest { AccountId = account, ListClientOrderId = "oco-auth-1" }));

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }
}
