using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>Where the CLI finds its token, and exit 4 when the gateway refuses it.</summary>
[Collection(SiloCollection.Name)]
public sealed class AuthenticationTests(SiloFixture silo)
{
    [Fact]
    public async Task An_unknown_token_exits_4_and_says_where_it_came_from()
    {
        var environment = silo.Environment(silo.TraderToken); // a valid OMS_TOKEN, overridden by --token
        var result = await OmsCli.RunAsync(["balance", "--account", "demo-spot", "--token", "test_not-a-token"], environment);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("authentication failed: unknown API token", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the token came from --token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_trade_permission_exits_4()
    {
        var account = await silo.NewAccountAsync("ro");

        var read = await silo.RunAsAsync(silo.ReaderToken, "orders", "--account", account);
        Assert.True(read.ExitCode == 0, read.ToString());

        var trade = await silo.RunAsAsync(silo.ReaderToken, "submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--account", account, "--json");
        Assert.True(trade.ExitCode == 4, trade.ToString());
        Assert.Contains("TRADE permission", trade.Stderr, StringComparison.Ordinal);
        Assert.Equal("permission_denied", trade.Json().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Without_any_token_the_CLI_exits_4_listing_where_it_looked()
    {
        var nowhere = Directory.CreateTempSubdirectory("oms-cli-notoken-").FullName;
        try
        {
            var result = await OmsCli.RunAsync(["balance", "--account", "demo-spot"], silo.Environment(token: null), nowhere);

            Assert.True(result.ExitCode == 4, result.ToString());
            Assert.Contains("no API token was found", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(nowhere, ".oms", "dev-token"), result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(nowhere, recursive: true);
        }
    }

    [Fact]
    public async Task The_development_token_file_of_the_embedded_silo_is_found_from_a_subdirectory()
    {
        Assert.True(File.Exists(silo.DevelopmentTokenFile), "the embedded silo writes its development token file");
        var nested = Directory.CreateDirectory(Path.Combine(silo.WorkDirectory, "strategies", "alpha")).FullName;

        var result = await OmsCli.RunAsync(["account", "--account", "demo-spot", "--json"], silo.Environment(token: null), nested);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("demo-spot", result.Json().GetProperty("account_id").GetString());
    }

    [Fact]
    public async Task An_endpoint_that_does_not_speak_gRPC_exits_5_saying_so()
    {
        var environment = silo.Environment(silo.TraderToken);
        environment["OMS_ENDPOINT"] = $"http://127.0.0.1:{silo.DashboardPort}";

        var result = await OmsCli.RunAsync(["balance", "--account", "demo-spot"], environment);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("does not speak gRPC over HTTP/2", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_file_given_by_option_is_used_and_a_missing_one_exits_4()
    {
        var file = Path.Combine(silo.WorkDirectory, "trader-token");
        await File.WriteAllTextAsync(file, silo.TraderToken + "\n");

        var ok = await OmsCli.RunAsync(["account", "--account", "demo-spot", "--token-file", file], silo.Environment(token: null));
        Assert.True(ok.ExitCode == 0, ok.ToString());

        var missing = await OmsCli.RunAsync(["account", "--account", "demo-spot", "--token-file", file + ".nope"], silo.Environment(token: null));
        Assert.True(missing.ExitCode == 4, missing.ToString());
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }
}
