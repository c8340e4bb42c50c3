using System.Text;
using Microsoft.Extensions.Options;
using Oms.Gateway.Auth;
using Oms.Silo.Hosting;

namespace Oms.Gateway.Tests;

/// <summary>Dashboard access when <c>Oms:Dashboard:RequireAuthentication</c> is on (the cluster profile's default).</summary>
public sealed class DashboardAuthorizationTests
{
    private const string OperatorToken = "operator-token-1";
    private const string TraderToken = "trader-token-1";

    private readonly ApiClientRegistry registry = new(Options.Create(new GatewayOptions
    {
        Clients =
        [
            new GatewayClientOptions
            {
                Name = "operator",
                TokenSha256 = ApiClientRegistry.HashToken(OperatorToken),
                Grants = [new AccountGrantOptions { Account = "*", Permissions = [GatewayPermission.Read, GatewayPermission.Dashboard] }],
            },
            new GatewayClientOptions
            {
                Name = "trader",
                TokenSha256 = ApiClientRegistry.HashToken(TraderToken),
                Grants = [new AccountGrantOptions { Account = "*", Permissions = [GatewayPermission.Read, GatewayPermission.Trade] }],
            },
        ],
    }));

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void A_client_with_the_dashboard_permission_gets_in() =>
        Assert.Equal(200, DashboardExtensions.Authorize(Basic("anyone", OperatorToken), registry));

    [Fact]
    public void A_known_client_without_the_permission_is_forbidden() =>
        Assert.Equal(403, DashboardExtensions.Authorize(Basic("trader", TraderToken), registry));

    [Theory]
    [InlineData("")]
    [InlineData("Bearer operator-token-1")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic b3BlcmF0b3Itd2l0aG91dC1jb2xvbg==")]
    public void Missing_malformed_or_unknown_credentials_are_challenged(string header) =>
        Assert.Equal(401, DashboardExtensions.Authorize(header, registry));

    [Fact]
    public void An_unknown_token_is_challenged() =>
        Assert.Equal(401, DashboardExtensions.Authorize(Basic("operator", "guess"), registry));
}
