using Oms.Gateway.Auth;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>oms.v1.RiskService: an account's limits and trading state (kill switch), with an audit trail.</summary>
public sealed class RiskGrpcService(IGrainFactory grains, AccountDirectory accounts) : Wire.RiskService.RiskServiceBase
{
    public override async Task<Wire.RiskPolicy> GetRiskPolicy(Wire.GetRiskPolicyRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).GetPolicyAsync().ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> SetLimits(Wire.SetLimitsRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Risk);
        var limits = RiskRequestReader.ReadLimits(request.Limits, "limits");
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetLimitsAsync(limits, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> Halt(Wire.HaltRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Risk);
        var reason = RequestReader.ReadText(request.Reason, "reason");
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetTradingStateAsync(TradingState.Halted, reason, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> Resume(Wire.ResumeRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Risk);
        var reason = RequestReader.ReadText(request.Reason, "reason");
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetTradingStateAsync(TradingState.Active, reason, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.GetRiskAuditResponse> GetRiskAudit(Wire.GetRiskAuditRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var limit = RequestReader.ReadLimit(request.Limit, fallback: 100, max: 1000);
        var entries = await grains.GetRiskLimit(account).GetAuditAsync(limit).ConfigureAwait(false);
        var response = new Wire.GetRiskAuditResponse();
        response.Entries.AddRange(entries.Select(e => e.ToWire()));
        return response;
    }

    private async Task<(AccountId Account, ApiClient Client)> AuthorizeAsync(string accountId, GatewayPermission permission, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(accountId);
        var client = AuthenticationInterceptor.Demand(context, account, permission);
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return (account, client);
    }
}
