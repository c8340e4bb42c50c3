using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>
/// oms.v1.FuturesService: leverage, margin type and position mode (TRADE), settings, margin status and income (READ),
/// through the account grain (<see cref="IFuturesAccountGrain"/>), which checks the account's orders and positions and
/// asks the venue through the connector hosting the account's sessions.
/// </summary>
public sealed class FuturesGrpcService(IGrainFactory grains, AccountDirectory accounts) : Wire.FuturesService.FuturesServiceBase
{
    public override async Task<Wire.FuturesSettingResponse> SetLeverage(Wire.SetLeverageRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: true);
        if (request.Leverage is < 1 or > 125) violations.Add("leverage", $"{request.Leverage} is out of range: it must be between 1 and 125");
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Trade, context).ConfigureAwait(false);
        var result = await Futures(account).SetLeverageAsync(instrument!.Value, request.Leverage, client.Name).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.FuturesSettingResponse> SetMarginType(Wire.SetMarginTypeRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: true);
        var marginType = FuturesWire.ReadMarginType(request.MarginType, "margin_type", violations);
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Trade, context).ConfigureAwait(false);
        var result = await Futures(account).SetMarginTypeAsync(instrument!.Value, marginType!.Value, client.Name).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.FuturesSettingResponse> SetPositionMode(Wire.SetPositionModeRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var venue = WireEnums.ReadRequired<Wire.Venue, Venue>(request.Venue, "venue", violations);
        var market = WireEnums.ReadRequired<Wire.MarketType, MarketType>(request.Market, "market", violations);
        var mode = WireEnums.ReadRequired<Wire.PositionMode, PositionMode>(request.PositionMode, "position_mode", violations);
        if (market == MarketType.Spot) violations.Add("market", "spot has no position mode: use a futures market");
        violations.ThrowIfAny();
        var (account, client) = await AuthorizeAsync(request.AccountId, GatewayPermission.Trade, context).ConfigureAwait(false);
        var result = await Futures(account).SetPositionModeAsync(venue, market, mode, client.Name).ConfigureAwait(false);
        return result.ToWire();
    }

    public override async Task<Wire.FuturesSettings> GetFuturesSettings(Wire.GetFuturesSettingsRequest request, ServerCallContext context)
    {
        var violations = new RequestViolations();
        var venue = WireEnums.ReadRequired<Wire.Venue, Venue>(request.Venue, "venue", violations);
        var market = WireEnums.ReadRequired<Wire.MarketType, MarketType>(request.Market, "market", violations);
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: false);
        if (instrument is { } i && (i.Venue != venue || i.Market != market)) violations.Add("instrument", $"{i} is not on {venue} {market}");
        violations.ThrowIfAny();
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var view = await Futures(account).GetSettingsAsync(venue, market, instrument).ConfigureAwait(false);
        return view.ToWire();
    }

    public override async Task<Wire.MarginStatus> GetMarginStatus(Wire.GetMarginStatusRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var status = await Futures(account).GetMarginStatusAsync(request.Refresh).ConfigureAwait(false);
        return status.ToWire();
    }

    public override async Task<Wire.IncomeSummary> GetIncome(Wire.GetIncomeRequest request, ServerCallContext context)
    {
        var (account, _) = await AuthorizeAsync(request.AccountId, GatewayPermission.Read, context).ConfigureAwait(false);
        var futures = Futures(account);
        var summary = request.Sync ? await futures.SyncIncomeAsync().ConfigureAwait(false) : await futures.GetIncomeAsync().ConfigureAwait(false);
        return summary.ToWire();
    }

    private IFuturesAccountGrain Futures(AccountId account) => grains.GetGrain<IFuturesAccountGrain>(account.Value);

    private async Task<(AccountId Account, ApiClient Client)> AuthorizeAsync(string accountId, GatewayPermission permission, ServerCallContext context)
    {
        var account = RequestReader.ReadAccount(accountId);
        var client = AuthenticationInterceptor.Demand(context, account, permission);
        await accounts.GetExistingAsync(account).ConfigureAwait(false);
        return (account, client);
    }
}
