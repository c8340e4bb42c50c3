using Google.Rpc;
using Grpc.Core;
using Oms.Gateway.Tests.Infrastructure;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class ValidationTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);
    private readonly Wire.AccountService.AccountServiceClient accounts = new(silo.Channel);

    private static readonly Dictionary<string, (Action<Wire.OrderSpec> Corrupt, string Field)> Corruptions = new()
    {
        ["comma decimal"] = (s => s.Quantity = "0,001", "order.quantity"),
        ["exponent"] = (s => s.Quantity = "1e-3", "order.quantity"),
        ["leading space"] = (s => s.LimitPrice = " 50000", "order.limit_price"),
        ["negative price"] = (s => s.LimitPrice = "-1", "order.limit_price"),
        ["zero quantity"] = (s => s.Quantity = "0", "order.quantity"),
        ["missing quantity"] = (s => s.Quantity = "", "order.quantity"),
        ["unspecified side"] = (s => s.Side = Wire.OrderSide.Unspecified, "order.side"),
        ["unknown type"] = (s => s.Type = (Wire.OrderType)99, "order.type"),
        ["unspecified venue"] = (s => s.Instrument.Venue = Wire.Venue.Unspecified, "order.instrument.venue"),
        ["missing symbol"] = (s => s.Instrument.Symbol = "", "order.instrument.symbol"),
        ["limit without price"] = (s => s.LimitPrice = "", "order.limit_price"),
        ["stop price on a limit order"] = (s => s.StopPrice = "49000", "order.stop_price"),
        ["reduce-only on spot"] = (s => s.ReduceOnly = true, "order.reduce_only"),
    };

    public static TheoryData<string> MalformedOrders => new(Corruptions.Keys);

    [Theory]
    [MemberData(nameof(MalformedOrders))]
    public async Task A_malformed_order_is_an_invalid_argument_naming_the_field(string corruption)
    {
        var (corrupt, field) = Corruptions[corruption];
        var account = await silo.ProvisionAccountAsync("valid");
        var spec = Orders.Limit("0.001", "50000");
        corrupt(spec);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.SubmitOrderAsync(Orders.Submit(account, spec), SiloFixture.As(silo.TraderToken)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field + ":", error.Status.Detail, StringComparison.Ordinal);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field && v.Description.Length > 0);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }

    [Fact]
    public async Task Every_violation_of_a_request_is_reported_at_once()
    {
        var account = await silo.ProvisionAccountAsync("valid");
        var spec = Orders.Limit("abc", "12.3.4");
        spec.Side = Wire.OrderSide.Unspecified;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.SubmitOrderAsync(Orders.Submit(account, spec, clientOrderId: "has spaces"), SiloFixture.As(silo.TraderToken)));

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "client_order_id", "order.side", "order.quantity", "order.limit_price" }, fields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad account!")]
    public async Task A_malformed_account_id_is_an_invalid_argument(string accountId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = accountId }, SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("account_id:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_that_was_never_provisioned_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.SubmitOrderAsync(Orders.Submit("no-such-account", Orders.Limit("0.001", "50000")), SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no-such-account", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_order_is_not_found()
    {
        var account = await silo.ProvisionAccountAsync("valid");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = "nope" }, SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task An_amend_without_changes_is_an_invalid_argument()
    {
        var account = await silo.ProvisionAccountAsync("valid");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.AmendOrderAsync(new Wire.AmendOrderRequest { AccountId = account, ClientOrderId = "x1" }, SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("new_quantity", error.Status.Detail, StringComparison.Ordinal);
    }
}
