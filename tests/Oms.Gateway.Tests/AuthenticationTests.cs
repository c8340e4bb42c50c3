using Oms.Gateway.Tests.Infrastructure;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class AuthenticationTests(SiloFixture silo)
{
    private readonly Wire.AccountService.AccountServiceClient accounts = new(silo.Channel);
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);
    private readonly Wire.RiskService.RiskServiceClient risk = new(silo.Channel);

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated()
    {
        var account = await silo.ProvisionAccountAsync("auth");
        var error = await Assert.ThrowsAsync<RpcException>(async () => await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("authorization", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer not-a-known-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task An_unknown_or_malformed_token_is_unauthenticated(string authorization)
    {
        var account = await silo.ProvisionAccountAsync("auth");
        var headers = new Metadata { { "authorization", authorization } };
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, headers));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_token_without_a_grant_on_the_account_is_denied_naming_the_account()
    {
        var account = await silo.ProvisionAccountAsync("other");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await accounts.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = account }, SiloFixture.As(silo.LimitedToken)));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains($"'{account}'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("limited", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_reaches_only_the_accounts_it_is_granted()
    {
        var account = await silo.ProvisionAccountAsync("limited", id: SiloFixture.LimitedAccount);
        var info = await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, SiloFixture.As(silo.LimitedToken));
        Assert.Equal(account, info.AccountId);
        Assert.Equal(Wire.Venue.Binance, info.Venue);
        Assert.Equal(Wire.TradingState.Active, info.TradingState);
    }

    [Fact]
    public async Task A_read_only_client_can_read_but_cannot_trade()
    {
        var account = await silo.ProvisionAccountAsync("readonly");
        var info = await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, SiloFixture.As(silo.ReaderToken));
        Assert.Equal(account, info.AccountId);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await orders.SubmitOrderAsync(Orders.Submit(account, Orders.Limit("0.001", "50000")), SiloFixture.As(silo.ReaderToken)));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("TRADE", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"'{account}'", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Venue.Received, c => c.Account.Value == account);
    }

    [Fact]
    public async Task A_trading_client_cannot_change_risk_settings()
    {
        var account = await silo.ProvisionAccountAsync("norisk");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await risk.HaltAsync(new Wire.HaltRequest { AccountId = account, Reason = "test" }, SiloFixture.As(silo.TraderToken)));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("RISK", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_development_token_is_generated_at_start_and_written_to_the_token_file()
    {
        var token = silo.DevelopmentToken;
        Assert.NotNull(token);
        Assert.StartsWith("omsdev_", token, StringComparison.Ordinal);
        Assert.Equal(token, (await File.ReadAllTextAsync(silo.DevelopmentTokenFile)).Trim());

        var account = await silo.ProvisionAccountAsync("dev");
        var info = await accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, SiloFixture.As(token));
        Assert.Equal(account, info.AccountId);
    }
}
