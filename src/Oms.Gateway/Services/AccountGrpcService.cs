using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>oms.v1.AccountService: read-only views of an account.</summary>
public sealed class AccountGrpcService(AccountDirectory accounts) : Wire.AccountService.AccountServiceBase
{
    public override async Task<Wire.Account> GetAccount(Wire.GetAccountRequest request, ServerCallContext context)
    {
        var account = Authorize(request.AccountId, context);
        var info = await accounts.GetInfoAsync(account).ConfigureAwait(false);
        return info.ToWire();
    }

    public override async Task<Wire.GetBalancesResponse> GetBalances(Wire.GetBalancesRequest request, ServerCallContext context)
    {
        var account = Authorize(request.AccountId, context);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var balances = await grain.GetBalancesAsync().ConfigureAwait(false);
        var response = new Wire.GetBalancesResponse();
        response.Balances.AddRange(balances.Select(b => b.ToWire()));
        return response;
    }

    public override async Task<Wire.GetPositionsResponse> GetPositions(Wire.GetPositionsRequest request, ServerCallContext context)
    {
        var account = Authorize(request.AccountId, context);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var positions = await grain.GetPositionsAsync().ConfigureAwait(false);
        var response = new Wire.GetPositionsResponse();
        response.Positions.AddRange(positions.Select(p => p.ToWire()));
        return response;
    }

    public override async Task<Wire.ListOrdersResponse> GetOrderHistory(Wire.GetOrderHistoryRequest request, ServerCallContext context)
    {
        var account = Authorize(request.AccountId, context);
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: false);
        violations.ThrowIfAny();
        var limit = RequestReader.ReadLimit(request.Limit, fallback: 500, max: 1000);
        var grain = await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var orders = await grain.ListOrdersAsync(new OrderQuery { OpenOnly = false, Instrument = instrument, Limit = limit }).ConfigureAwait(false);
        var response = new Wire.ListOrdersResponse();
        response.Orders.AddRange(orders.Select(o => o.ToWire()));
        return response;
    }

    private static AccountId Authorize(string accountId, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(accountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        return account;
    }
}
