using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>oms.v1.OrderService: the order entry and order query surface, one account grain per account.</summary>
public sealed class OrderGrpcService(
    IGrainFactory grains,
    AccountDirectory accounts,
    IOptions<GatewayOptions> options,
    ILogger<OrderGrpcService> logger) : Wire.OrderService.OrderServiceBase
{
    public override async Task<Wire.SubmitOrderResponse> SubmitOrder(Wire.SubmitOrderRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var clientOrderId = RequestReader.ReadOptionalClientOrderId(request.ClientOrderId, "client_order_id", violations);
        var spec = RequestReader.ReadOrderSpec(request.Order, "order", violations);
        violations.ThrowIfAny();

        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.SubmitOrderAsync(new SubmitOrder { Spec = spec!, ClientOrderId = clientOrderId, RequestedBy = client.Name })
            .ConfigureAwait(false);
        if (result.Order.Denial is { Code: DenialCode.AccountNotFound }) throw new AccountNotFoundException(account);
        return new Wire.SubmitOrderResponse { Order = result.Order.ToWire(), Created = result.Created };
    }

    public override async Task<Wire.OrderCommandResponse> CancelOrder(Wire.CancelOrderRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var clientOrderId = RequestReader.ReadClientOrderId(request.ClientOrderId);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.CancelOrderAsync(new CancelOrder { ClientOrderId = clientOrderId, RequestedBy = client.Name }).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.CancelAllOrdersResponse> CancelAllOrders(Wire.CancelAllOrdersRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: false);
        violations.ThrowIfAny();
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.CancelAllOrdersAsync(new CancelAllOrders { Instrument = instrument, RequestedBy = client.Name }).ConfigureAwait(false);
        var response = new Wire.CancelAllOrdersResponse();
        response.CancelRequested.AddRange(result.CancelRequested.Select(id => id.Value));
        response.Refused.AddRange(result.Refused.Select(r => r.ToWire()));
        return response;
    }

    public override async Task<Wire.OrderCommandResponse> AmendOrder(Wire.AmendOrderRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var clientOrderId = RequestReader.ReadOptionalClientOrderId(request.ClientOrderId, "client_order_id", violations);
        if (clientOrderId is null && string.IsNullOrEmpty(request.ClientOrderId)) violations.Add("client_order_id", "is required");
        var quantity = WireDecimal.ReadOptional(request.NewQuantity, "new_quantity", violations);
        var price = WireDecimal.ReadOptional(request.NewLimitPrice, "new_limit_price", violations);
        if (string.IsNullOrEmpty(request.NewQuantity) && string.IsNullOrEmpty(request.NewLimitPrice))
            violations.Add("new_quantity", "new_quantity or new_limit_price is required");
        violations.ThrowIfAny();

        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.AmendOrderAsync(new AmendOrder
        {
            ClientOrderId = clientOrderId!.Value,
            NewQuantity = quantity,
            NewLimitPrice = price,
            RequestedBy = client.Name,
        }).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.SubmitOrderListResponse> SubmitOrderList(Wire.SubmitOrderListRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var command = OrderListWire.ReadSubmit(request, client.Name);

        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.SubmitOrderListAsync(command).ConfigureAwait(false);
        if (result.Denial is { Code: DenialCode.AccountNotFound }) throw new AccountNotFoundException(account);
        if (result.Problems.Count > 0)
        {
            // The grain's venue-specific checks (id rules, ids already taken) found what the shared rules could not.
            var violations = new RequestViolations();
            StrategyMapping.AddProblems(result.Problems, violations);
            violations.ThrowIfAny();
        }
        if (result.List is null)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"account '{account}' answered an order-list submit with neither a list nor a reason"));
        }
        return new Wire.SubmitOrderListResponse { OrderList = result.List.ToWire(), Created = result.Created };
    }

    public override async Task<Wire.OrderListCommandResponse> CancelOrderList(Wire.CancelOrderListRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var listId = RequestReader.ReadClientOrderId(request.ListClientOrderId, "list_client_order_id");
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grain.CancelOrderListAsync(new CancelOrderList { ListClientOrderId = listId, RequestedBy = client.Name }).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.OrderList> GetOrderList(Wire.GetOrderListRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        var listId = RequestReader.ReadClientOrderId(request.ListClientOrderId, "list_client_order_id");
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var list = await grain.GetOrderListAsync(listId).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account '{account}' has no order list '{listId}'"));
        return list.ToWire();
    }

    public override async Task<Wire.Order> GetOrder(Wire.GetOrderRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        var clientOrderId = RequestReader.ReadClientOrderId(request.ClientOrderId);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var order = await grain.GetOrderAsync(clientOrderId).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account '{account}' has no order '{clientOrderId}'"));
        return order.ToWire();
    }

    public override async Task<Wire.ListOrdersResponse> ListOrders(Wire.ListOrdersRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: false);
        violations.ThrowIfAny();
        var limit = RequestReader.ReadLimit(request.Limit, fallback: 500, max: 1000);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var orders = await grain.ListOrdersAsync(new OrderQuery { OpenOnly = request.OpenOnly, Instrument = instrument, Limit = limit })
            .ConfigureAwait(false);
        var response = new Wire.ListOrdersResponse();
        response.Orders.AddRange(orders.Select(o => o.ToWire()));
        return response;
    }

    public override async Task StreamExecutionReports(
        Wire.StreamExecutionReportsRequest request,
        IServerStreamWriter<Wire.ExecutionReportStreamMessage> responseStream,
        ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        if (request.FromSequence < 0) throw new RequestValidationException("from_sequence", $"must not be negative (was {request.FromSequence})");
        await accounts.GetExistingAsync(account).ConfigureAwait(false);

        var pump = new ExecutionReportPump(grains, account, options.Value, logger);
        await pump.RunAsync(request.FromSequence, (message, ct) => responseStream.WriteAsync(message, ct), context.CancellationToken)
            .ConfigureAwait(false);
    }
}
