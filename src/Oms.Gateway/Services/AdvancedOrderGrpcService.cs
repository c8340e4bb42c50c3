using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>
/// oms.v1.AdvancedOrderService: brackets, icebergs and trailing stops over one contingent-order grain per strategy.
/// Requests are checked here with the same rules the grain applies, so a malformed one is INVALID_ARGUMENT naming its
/// fields and never reaches the cluster.
/// </summary>
public sealed class AdvancedOrderGrpcService(IGrainFactory grains, AccountDirectory accounts) : Wire.AdvancedOrderService.AdvancedOrderServiceBase
{
    public override async Task<Wire.SubmitStrategyResponse> SubmitBracket(Wire.SubmitBracketRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var strategy = StrategyMapping.ReadOrNewStrategyId(request.StrategyId, violations);
        var entry = RequestReader.ReadOrderSpec(request.Entry, "entry", violations);
        var stopLoss = StrategyMapping.ReadLeg(request.StopLoss, "stop_loss", violations);
        var takeProfit = StrategyMapping.ReadLeg(request.TakeProfit, "take_profit", violations);
        violations.ThrowIfAny();
        var command = new SubmitBracket { Entry = entry!, StopLoss = stopLoss, TakeProfit = takeProfit, RequestedBy = client.Name };
        StrategyMapping.AddProblems(ContingentOrderValidation.Validate(command), violations);
        violations.ThrowIfAny();

        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return Respond(await grains.GetStrategy(account, strategy).SubmitBracketAsync(command).ConfigureAwait(false));
    }

    public override async Task<Wire.SubmitStrategyResponse> SubmitIceberg(Wire.SubmitIcebergRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var strategy = StrategyMapping.ReadOrNewStrategyId(request.StrategyId, violations);
        var order = RequestReader.ReadOrderSpec(request.Order, "order", violations);
        var mode = StrategyMapping.ReadMode(request.Mode, violations);
        violations.ThrowIfAny();
        var command = new SubmitIceberg { Order = order!, Mode = mode, RequestedBy = client.Name };
        StrategyMapping.AddProblems(ContingentOrderValidation.Validate(command), violations);
        violations.ThrowIfAny();

        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return Respond(await grains.GetStrategy(account, strategy).SubmitIcebergAsync(command).ConfigureAwait(false));
    }

    public override async Task<Wire.SubmitStrategyResponse> SubmitTrailingStop(Wire.SubmitTrailingStopRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var violations = new RequestViolations();
        var strategy = StrategyMapping.ReadOrNewStrategyId(request.StrategyId, violations);
        var order = RequestReader.ReadOrderSpec(request.Order, "order", violations);
        var mode = StrategyMapping.ReadMode(request.Mode, violations);
        violations.ThrowIfAny();
        var command = new SubmitTrailingStop { Order = order!, Mode = mode, RequestedBy = client.Name };
        StrategyMapping.AddProblems(ContingentOrderValidation.Validate(command), violations);
        violations.ThrowIfAny();

        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return Respond(await grains.GetStrategy(account, strategy).SubmitTrailingStopAsync(command).ConfigureAwait(false));
    }

    public override async Task<Wire.Strategy> GetStrategy(Wire.GetStrategyRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        AuthenticationInterceptor.Demand(context, account, GatewayPermission.Read);
        var strategy = StrategyMapping.ReadRequiredStrategyId(request.StrategyId);
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var snapshot = await grains.GetStrategy(account, strategy).GetAsync().ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account '{account}' has no strategy '{strategy}'"));
        return snapshot.ToWire();
    }

    public override async Task<Wire.CancelStrategyResponse> CancelStrategy(Wire.CancelStrategyRequest request, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(request.AccountId);
        var client = AuthenticationInterceptor.Demand(context, account, GatewayPermission.Trade);
        var strategy = StrategyMapping.ReadRequiredStrategyId(request.StrategyId);
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        var result = await grains.GetStrategy(account, strategy).CancelAsync(client.Name).ConfigureAwait(false);
        return new Wire.CancelStrategyResponse
        {
            Accepted = result.Accepted,
            Strategy = result.Strategy?.ToWire(),
            Denial = result.Denial?.ToWire(),
        };
    }

    /// <summary>A refusal of the grain is the caller's problem: the field it names, or ALREADY_EXISTS for an id of another kind.</summary>
    private static Wire.SubmitStrategyResponse Respond(StrategySubmitResult result)
    {
        if (result.Problem is { } problem)
        {
            if (problem.Denial.Code == DenialCode.DuplicateClientOrderId)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"{problem.Field}: {problem.Denial.Reason}"));
            }
            throw new RequestValidationException(problem.Field, problem.Denial.Reason);
        }
        return new Wire.SubmitStrategyResponse { Strategy = result.Strategy!.ToWire(), Created = result.Created };
    }
}
