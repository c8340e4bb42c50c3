using Google.Rpc;
using Oms.Gateway.Tests.Infrastructure;

namespace Oms.Gateway.Tests.Futures;

/// <summary>
/// oms.v1.FuturesService at the gateway: permissions, field-named validation, and the statuses the account grain's
/// answers map to. The test host has no derivatives connector, so a valid change is UNAVAILABLE and says why.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class FuturesServiceTests(SiloFixture silo)
{
    private readonly Wire.FuturesService.FuturesServiceClient futures = new(silo.Channel);
    private static readonly Wire.Instrument Perp = new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = "BTCUSDT" };

    private CallOptions Trader => SiloFixture.As(silo.TraderToken);
    private CallOptions Reader => SiloFixture.As(silo.ReaderToken);

    [Fact]
    public async Task Changes_need_trade_permission_and_reads_need_read()
    {
        var account = await silo.ProvisionAccountAsync("fperm", MarketType.UsdMFutures);
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account, Instrument = Perp, Leverage = 10 }, Reader).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var noAuth = await Assert.ThrowsAsync<RpcException>(() =>
            futures.GetMarginStatusAsync(new Wire.GetMarginStatusRequest { AccountId = account }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, noAuth.StatusCode);
    }

    [Fact]
    public async Task Invalid_requests_name_each_field_and_change_nothing()
    {
        var account = await silo.ProvisionAccountAsync("fval", MarketType.UsdMFutures);
        var leverage = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account, Instrument = Perp, Leverage = 0 }, Trader).ResponseAsync);
        AssertViolation(leverage, "leverage");
        var margin = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetMarginTypeAsync(new Wire.SetMarginTypeRequest { AccountId = account, Instrument = Perp }, Trader).ResponseAsync);
        AssertViolation(margin, "margin_type");
        var mode = await Assert.ThrowsAsync<RpcException>(() => futures.SetPositionModeAsync(new Wire.SetPositionModeRequest
        {
            AccountId = account, Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, PositionMode = Wire.PositionMode.Hedge,
        }, Trader).ResponseAsync);
        AssertViolation(mode, "market");
        var instrument = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account, Leverage = 5 }, Trader).ResponseAsync);
        AssertViolation(instrument, "instrument");
    }

    [Fact]
    public async Task Grain_answers_map_to_not_found_invalid_argument_and_unavailable_with_the_reason()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = "no-such-futures-acct", Instrument = Perp, Leverage = 10 }, Trader).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var spotOnly = await silo.ProvisionAccountAsync("fspot");
        var wrongMarket = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = spotOnly, Instrument = Perp, Leverage = 10 }, Trader).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, wrongMarket.StatusCode);
        Assert.Contains("does not trade", wrongMarket.Status.Detail, StringComparison.Ordinal);

        var account = await silo.ProvisionAccountAsync("fnoconn", MarketType.UsdMFutures);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => futures.SetLeverageAsync(new Wire.SetLeverageRequest
        {
            AccountId = account, Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = "NOPEUSDT" },
            Leverage = 10,
        }, Trader).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("NOPEUSDT", unknown.Status.Detail, StringComparison.Ordinal);
        var unavailable = await Assert.ThrowsAsync<RpcException>(() =>
            futures.SetLeverageAsync(new Wire.SetLeverageRequest { AccountId = account, Instrument = Perp, Leverage = 10 }, Trader).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.Contains("connector", unavailable.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);

        // Income and margin reads: nothing booked yet, and no connector to compute a margin with.
        var income = await futures.GetIncomeAsync(new Wire.GetIncomeRequest { AccountId = account }, Reader);
        Assert.Empty(income.Lines);
        Assert.Equal(0, income.TotalRows);
        var marginStatus = await Assert.ThrowsAsync<RpcException>(() =>
            futures.GetMarginStatusAsync(new Wire.GetMarginStatusRequest { AccountId = account, Refresh = true }, Reader).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, marginStatus.StatusCode);
    }

    private static void AssertViolation(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field && v.Description.Length > 0);
    }
}
