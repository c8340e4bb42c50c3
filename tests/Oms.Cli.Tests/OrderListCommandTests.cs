using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>`oms oco submit|show|cancel`: a native spot OCO from the command line.</summary>
[Collection(SiloCollection.Name)]
public sealed class OrderListCommandTests(SiloFixture silo)
{
    [Fact]
    public async Task An_oco_is_submitted_shown_and_cancelled()
    {
        var account = await silo.NewAccountAsync("oco");

        var submit = await silo.RunAsync("oco", "submit", "SELL", "0.01", "btcusdt", "--take-profit", "62000", "--stop", "58000", "--stop-limit", "57900",
            "--id", "cli-oco-1", "--account", account, "--json");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        var document = submit.Json();
        Assert.True(document.GetProperty("created").GetBoolean());
        var list = document.GetProperty("order_list");
        Assert.Equal("cli-oco-1", list.GetProperty("list_client_order_id").GetString());
        Assert.Equal("PENDING", list.GetProperty("status").GetString());
        // A sell takes profit above the market and stops below it.
        var above = list.GetProperty("above");
        var below = list.GetProperty("below");
        Assert.Equal("LIMIT_MAKER", above.GetProperty("type").GetString());
        Assert.Equal("62000", above.GetProperty("limit_price").GetString());
        Assert.Equal("STOP_LIMIT", below.GetProperty("type").GetString());
        Assert.Equal("58000", below.GetProperty("stop_price").GetString());
        Assert.Equal("57900", below.GetProperty("limit_price").GetString());
        Assert.Equal("cli-oco-1", below.GetProperty("order_list_id").GetString());

        var again = await silo.RunAsync("oco", "submit", "SELL", "0.01", "BTCUSDT", "--take-profit", "62000", "--stop", "58000", "--id", "cli-oco-1", "--account", account);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.StartsWith("Already submitted order list cli-oco-1:", again.Stdout, StringComparison.Ordinal);

        var show = await silo.RunAsync("oco", "show", "cli-oco-1", "--account", account);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("cli-oco-1-a", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("cli-oco-1-b", show.Stdout, StringComparison.Ordinal);

        var cancel = await silo.RunAsync("oco", "cancel", "cli-oco-1", "--account", account);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.StartsWith("Cancel requested for order list cli-oco-1", cancel.Stdout, StringComparison.Ordinal);

        var missing = await silo.RunAsync("oco", "cancel", "no-such-list", "--account", account);
        Assert.Equal(3, missing.ExitCode);
    }

    [Fact]
    public async Task A_stop_above_the_take_profit_of_a_sell_exits_1_naming_the_flag_and_the_field()
    {
        var account = await silo.NewAccountAsync("oco-bad");

        var result = await silo.RunAsync("oco", "submit", "SELL", "0.01", "BTCUSDT", "--take-profit", "58000", "--stop", "62000", "--account", account);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--take-profit (above.limit_price):", result.Stderr, StringComparison.Ordinal);
        var listed = await silo.Grains.GetAccount(new AccountId(account)).ListOrdersAsync(new OrderQuery());
        Assert.Empty(listed);
    }
}
