using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>
/// oms.v1.RiskService: an account's limits, trading state (kill switch), equity watch, dry-run checks, position sizing
/// and flatten, with an audit trail; and the same for the firm (permissions granted on every account, <c>*</c>).
/// </summary>
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
        return await AuditAsync(grains.GetRiskLimit(account), limit).ConfigureAwait(false);
    }

    public override async Task<Wire.CheckOrderResponse> CheckOrder(Wire.CheckOrderRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var spec = RequestReader.ReadOrderSpec(request.Order, "order", violations);
        violations.ThrowIfAny();
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var result = await grains.GetAccountRisk(account).CheckOrderAsync(spec!).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.CalculatePositionSizeResponse> CalculatePositionSize(Wire.CalculatePositionSizeRequest request, ServerCallContext context)
    {
        var sizing = RiskWire.ReadSizingRequest(request);
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var result = await grains.GetAccountRisk(account).CalculatePositionSizeAsync(sizing).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.RiskPolicy> SetMaxDrawdown(Wire.SetMaxDrawdownRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var settings = new DrawdownSettings
        {
            MaxDrawdownPercent = WireDecimal.ReadOptional(request.MaxDrawdownPercent, "max_drawdown_percent", violations),
            MaxDailyLoss = WireDecimal.ReadOptional(request.MaxDailyLoss, "max_daily_loss", violations),
            BreachAction = RiskWire.ReadBreachAction(request.BreachAction, "breach_action", violations),
            CancelOrdersOnBreach = request.CancelOrdersOnBreach,
            FlattenOnBreach = request.FlattenOnBreach,
        };
        if (settings.MaxDrawdownPercent is > 100m) violations.Add("max_drawdown_percent", "must be at most 100");
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Risk, context).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetDrawdownAsync(settings, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> SetMaxExposure(Wire.SetMaxExposureRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var gross = WireDecimal.ReadOptional(request.MaxGrossExposure, "max_gross_exposure", violations);
        var net = WireDecimal.ReadOptional(request.MaxNetExposure, "max_net_exposure", violations);
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Risk, context).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetExposureLimitsAsync(gross, net, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> SetStopLoss(Wire.SetStopLossRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var stopLoss = RiskWire.ReadStopLoss(request.Policy, "policy", violations);
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Risk, context).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetStopLossAsync(stopLoss, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.RiskPolicy> SetTradingState(Wire.SetTradingStateRequest request, ServerCallContext context)
    {
        var (state, reason) = ReadStateChange(request.TradingState, request.Reason);
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Risk, context).ConfigureAwait(false);
        var policy = await grains.GetRiskLimit(account).SetTradingStateAsync(state, reason, client.Name).ConfigureAwait(false);
        return policy.ToWire(account);
    }

    public override async Task<Wire.EquityStatus> GetEquity(Wire.GetEquityRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var status = await grains.GetRiskLimit(account).CheckEquityAsync().ConfigureAwait(false);
        return status.ToWire();
    }

    public override async Task<Wire.Exposure> GetExposure(Wire.GetExposureRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var exposure = await grains.GetAccountRisk(account).GetExposureAsync().ConfigureAwait(false);
        return exposure.ToWire();
    }

    public override async Task<Wire.FlattenResponse> Flatten(Wire.FlattenRequest request, ServerCallContext context)
    {
        var reason = RequestReader.ReadText(request.Reason, "reason");
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Risk, context).ConfigureAwait(false);
        var result = await grains.GetAccountRisk(account).FlattenAsync(reason, client.Name).ConfigureAwait(false);
        var response = new Wire.FlattenResponse();
        response.Submitted.AddRange(result.Submitted.Select(o => o.ToWire()));
        response.Skipped.AddRange(result.Skipped);
        return response;
    }

    public override async Task<Wire.RiskPolicy> GetFirmPolicy(Wire.GetFirmPolicyRequest request, ServerCallContext context)
    {
        DemandFirm(context, GatewayPermission.Read);
        return FirmWire(await grains.GetFirmRiskLimit().GetPolicyAsync().ConfigureAwait(false));
    }

    public override async Task<Wire.RiskPolicy> SetFirmLimits(Wire.SetFirmLimitsRequest request, ServerCallContext context)
    {
        var client = DemandFirm(context, GatewayPermission.Risk);
        var limits = RiskRequestReader.ReadLimits(request.Limits, "limits");
        return FirmWire(await grains.GetFirmRiskLimit().SetLimitsAsync(limits, client.Name).ConfigureAwait(false));
    }

    public override Task<Wire.RiskPolicy> HaltFirm(Wire.HaltFirmRequest request, ServerCallContext context) =>
        SetFirmStateAsync(TradingState.Halted, request.Reason, context);

    public override Task<Wire.RiskPolicy> ResumeFirm(Wire.ResumeFirmRequest request, ServerCallContext context) =>
        SetFirmStateAsync(TradingState.Active, request.Reason, context);

    public override Task<Wire.RiskPolicy> SetFirmTradingState(Wire.SetFirmTradingStateRequest request, ServerCallContext context)
    {
        var (state, _) = ReadStateChange(request.TradingState, request.Reason);
        return SetFirmStateAsync(state, request.Reason, context);
    }

    public override async Task<Wire.FirmExposure> GetFirmExposure(Wire.GetFirmExposureRequest request, ServerCallContext context)
    {
        DemandFirm(context, GatewayPermission.Read);
        return (await grains.GetFirmRisk().GetExposureAsync().ConfigureAwait(false)).ToWire();
    }

    public override Task<Wire.GetRiskAuditResponse> GetFirmRiskAudit(Wire.GetFirmRiskAuditRequest request, ServerCallContext context)
    {
        DemandFirm(context, GatewayPermission.Read);
        var limit = RequestReader.ReadLimit(request.Limit, fallback: 100, max: 1000);
        return AuditAsync(grains.GetFirmRiskLimit(), limit);
    }

    private async Task<Wire.RiskPolicy> SetFirmStateAsync(TradingState state, string reasonText, ServerCallContext context)
    {
        var client = DemandFirm(context, GatewayPermission.Risk);
        var reason = RequestReader.ReadText(reasonText, "reason");
        return FirmWire(await grains.GetFirmRiskLimit().SetTradingStateAsync(state, reason, client.Name).ConfigureAwait(false));
    }

    private static async Task<Wire.GetRiskAuditResponse> AuditAsync(IRiskLimitGrain risk, int limit)
    {
        var entries = await risk.GetAuditAsync(limit).ConfigureAwait(false);
        var response = new Wire.GetRiskAuditResponse();
        response.Entries.AddRange(entries.Select(e => e.ToWire()));
        return response;
    }

    private static (TradingState State, string Reason) ReadStateChange(Wire.TradingState state, string reason)
    {
        var violations = new RequestViolations();
        var domain = WireEnums.ReadRequired<Wire.TradingState, TradingState>(state, "trading_state", violations);
        violations.ThrowIfAny();
        return (domain, RequestReader.ReadText(reason, "reason"));
    }

    private static Wire.RiskPolicy FirmWire(RiskPolicy policy) => new()
    {
        AccountId = string.Empty,
        Limits = policy.Limits.ToWire(),
        TradingState = policy.TradingState.ToWire(),
        Version = policy.Version,
        TradingStateReason = policy.TradingStateReason ?? string.Empty,
    };

    /// <summary>Firm-level calls need the permission on every account (a grant on <c>*</c>).</summary>
    private static ApiClient DemandFirm(ServerCallContext context, GatewayPermission permission)
    {
        var client = AuthenticationInterceptor.GetClient(context);
        if (!client.AllowsEverywhere(permission))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"client '{client.Name}' has no {permission.ToString().ToUpperInvariant()} permission on every account ('*'), which firm-wide risk needs"));
        }
        return client;
    }

    private async Task<(AccountId Account, ApiClient Client)> AuthorizeAsync(string accountId, GatewayPermission permission, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(accountId);
        var client = AuthenticationInterceptor.Demand(context, account, permission);
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return (account, client);
    }
}
