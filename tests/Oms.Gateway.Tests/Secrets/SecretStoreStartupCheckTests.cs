using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oms.Secrets;
using Oms.Silo.Accounts;
using Oms.Silo.Connectors;

namespace Oms.Gateway.Tests.Secrets;

/// <summary>
/// The silo's start-up step over the secret store: a cluster-style configuration (no embedded simulator, keys from the
/// Local store's environment variables) fails with the account named when its secret is missing, and starts when the
/// secret is provided.
/// </summary>
public sealed class SecretStoreStartupCheckTests
{
    private const string AccountName = "desk-7";

    [Fact]
    public async Task A_missing_account_secret_stops_the_start_naming_the_store_and_the_account()
    {
        var prefix = NewPrefix();
        await using var services = Build(prefix);
        var check = services.GetServices<IHostedService>().OfType<SecretStoreStartupCheck>().Single();

        var error = await Assert.ThrowsAsync<SecretStoreVerificationException>(() => check.StartAsync(CancellationToken.None));

        Assert.Contains(AccountName, error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Report.Store));
        Assert.Contains(error.Report.Store, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Report.Failures, f => f.Account == new AccountId(AccountName));
    }

    [Fact]
    public async Task With_the_secret_in_the_local_store_environment_the_start_proceeds()
    {
        var prefix = NewPrefix();
        var variables = new[]
        {
            $"{prefix}__BINANCE__DESK_7__API_KEY",
            $"{prefix}__BINANCE__DESK_7__HMAC_SECRET",
        };
        try
        {
            // Generated values only.
            Environment.SetEnvironmentVariable(variables[0], Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
            Environment.SetEnvironmentVariable(variables[1], Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
            await using var services = Build(prefix);
            var check = services.GetServices<IHostedService>().OfType<SecretStoreStartupCheck>().Single();

            await check.StartAsync(CancellationToken.None);

            var credentials = await services.GetRequiredService<IVenueCredentialStore>().TryGetAsync(Venue.Binance, new AccountId(AccountName), CancellationToken.None);
            Assert.NotNull(credentials);
        }
        finally
        {
            foreach (var variable in variables) Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Only_accounts_whose_keys_come_from_the_store_are_checked()
    {
        await using var services = Build(NewPrefix());
        var check = services.GetServices<IHostedService>().OfType<SecretStoreStartupCheck>().Single();

        var only = Assert.Single(check.StoreAccounts());
        Assert.Equal(Venue.Binance, only.Venue);
        Assert.Equal(new AccountId(AccountName), only.Account);
    }

    private static string NewPrefix() => "OMS_TEST_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    private static ServiceProvider Build(string environmentPrefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Secrets:Provider"] = "Local",
            ["Oms:Secrets:RotationPollingEnabled"] = "false",
            ["Oms:Secrets:Local:UseFile"] = "false",
            ["Oms:Secrets:Local:UseEnvironment"] = "true",
            ["Oms:Secrets:Local:EnvironmentPrefix"] = environmentPrefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<IReadOnlyList<AccountOptions>>(
        [
            new AccountOptions { Id = AccountName, Venue = Venue.Binance, Markets = [MarketType.Spot] },
        ]);
        services.AddOmsSecrets(configuration);
        services.AddHostedService<SecretStoreStartupCheck>();
        return services.BuildServiceProvider();
    }
}
