using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>Usage errors (exit 1) and no silo at the endpoint (exit 5): no silo is needed for these.</summary>
public sealed class UsageAndConnectionTests
{
    [Fact]
    public async Task No_silo_at_the_endpoint_exits_5_with_how_to_start_one()
    {
        var endpoint = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";

        var result = await OmsCli.RunAsync(["balance", "--account", "demo-spot", "--token", "t", "--endpoint", endpoint]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains($"no OMS silo is answering at {endpoint} — start one with `dotnet run --project silo/Oms.Silo`", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task No_silo_under_json_also_prints_an_error_document()
    {
        var endpoint = $"127.0.0.1:{FreePorts.Take(1)[0]}";

        var result = await OmsCli.RunAsync(["orders", "--account", "demo-spot", "--json"], new Dictionary<string, string> { ["OMS_ENDPOINT"] = endpoint, ["OMS_TOKEN"] = "t" });

        Assert.True(result.ExitCode == 5, result.ToString());
        var error = result.Json().GetProperty("error");
        Assert.Equal(5, error.GetProperty("exit_code").GetInt32());
        Assert.Equal("unavailable", error.GetProperty("kind").GetString());
        Assert.Contains($"http://{endpoint}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("submit", "BUY", "0.001")]
    [InlineData("submit", "HOLD", "0.001", "BTCUSDT", "--account", "a")]
    [InlineData("submit", "BUY", "0.001", "BTCUSDT", "--type", "iceberg", "--account", "a")]
    [InlineData("cancel", "--account", "a")]
    [InlineData("cancel", "x-1", "--all", "--account", "a")]
    [InlineData("amend", "x-1", "--account", "a")]
    [InlineData("risk", "set", "--account", "a")]
    [InlineData("watch", "--count", "0", "--account", "a")]
    [InlineData("balance", "--timeout", "soon")]
    public async Task Malformed_command_lines_exit_1_with_a_pointer_to_help(params string[] arguments)
    {
        var result = await OmsCli.RunAsync(arguments);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help` for usage", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_the_CLI_can_check_itself_are_usage_errors_before_any_call()
    {
        // No silo is running at this endpoint: a usage error must win over "unreachable".
        var environment = new Dictionary<string, string> { ["OMS_ENDPOINT"] = $"http://127.0.0.1:{FreePorts.Take(1)[0]}", ["OMS_TOKEN"] = "t" };

        var quantity = await OmsCli.RunAsync(["submit", "BUY", "1e-3", "BTCUSDT", "--account", "a"], environment);
        Assert.True(quantity.ExitCode == 1, quantity.ToString());
        Assert.Contains("quantity '1e-3' is not a decimal number", quantity.Stderr, StringComparison.Ordinal);

        var price = await OmsCli.RunAsync(["submit", "BUY", "0.001", "BTCUSDT", "--price", "-5", "--account", "a"], environment);
        Assert.True(price.ExitCode == 1, price.ToString());
        Assert.Contains("--price must be positive", price.Stderr, StringComparison.Ordinal);

        var account = await OmsCli.RunAsync(["balance"], environment);
        Assert.True(account.ExitCode == 1, account.ToString());
        Assert.Contains("no account: pass --account ID or set OMS_ACCOUNT", account.Stderr, StringComparison.Ordinal);

        var endpoint = await OmsCli.RunAsync(["balance", "--account", "a", "--endpoint", "ftp://x"], environment);
        Assert.True(endpoint.ExitCode == 1, endpoint.ToString());
    }

    [Fact]
    public async Task Usage_errors_under_json_print_an_error_document()
    {
        var result = await OmsCli.RunAsync(["submit", "BUY", "--json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("usage", result.Json().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var result = await OmsCli.RunAsync(["--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "balance", "positions", "orders", "order", "submit", "cancel", "amend", "risk", "watch", "secrets" })
        {
            Assert.Contains("  " + command, result.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("5 silo unreachable or unavailable", result.Stdout, StringComparison.Ordinal);

        var bare = await OmsCli.RunAsync([]);
        Assert.True(bare.ExitCode == 1, bare.ToString());
        Assert.Contains("Commands:", bare.Stdout, StringComparison.Ordinal);
    }
}
