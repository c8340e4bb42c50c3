using System.Text.Json;
using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>`oms account`, `oms balance`, `oms positions`, `oms orders`, `oms order`: tables for people, JSON for scripts.</summary>
[Collection(SiloCollection.Name)]
public sealed class AccountViewTests(SiloFixture silo)
{
    [Fact]
    public async Task Balance_shows_a_table_and_a_json_document_with_decimals_as_strings()
    {
        var account = await silo.NewAccountAsync("bal");
        await silo.SetBalancesAsync(account, new VenueBalance("USDT", 1000.50000000m, 250.25m), new VenueBalance("BTC", 0.00100000m, 0m));

        var table = await silo.RunAsync("balance", "--account", account);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"Balances of {account}", table.Stdout, StringComparison.Ordinal);
        var usdt = Line(table.Stdout, "USDT");
        Assert.Contains("1000.50000000", usdt, StringComparison.Ordinal);
        Assert.Contains("250.25", usdt, StringComparison.Ordinal);
        Assert.Contains("0.00100000", Line(table.Stdout, "BTC"), StringComparison.Ordinal);

        var json = await silo.RunAsync("balance", "--account", account, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var document = json.Json();
        Assert.Equal(account, document.GetProperty("account").GetString());
        var balances = document.GetProperty("balances").EnumerateArray().ToDictionary(b => b.GetProperty("asset").GetString()!);
        Assert.Equal(["BTC", "USDT"], balances.Keys.Order());
        Assert.Equal(JsonValueKind.String, balances["USDT"].GetProperty("free").ValueKind);
        Assert.Equal(1000.5m, Dec(balances["USDT"].GetProperty("free")));
        Assert.Equal(250.25m, Dec(balances["USDT"].GetProperty("locked")));
        Assert.Equal(1250.75m, Dec(balances["USDT"].GetProperty("total")));
        Assert.Equal("0.00100000", balances["BTC"].GetProperty("free").GetString());
    }

    [Fact]
    public async Task An_account_without_balances_or_positions_says_so()
    {
        var account = await silo.NewAccountAsync("empty");

        var balance = await silo.RunAsync("balance", "--account", account);
        Assert.True(balance.ExitCode == 0, balance.ToString());
        Assert.Contains("has no balances yet", balance.Stdout, StringComparison.Ordinal);

        var positions = await silo.RunAsync("positions", "--account", account, "--json");
        Assert.True(positions.ExitCode == 0, positions.ToString());
        Assert.Empty(positions.Json().GetProperty("positions").EnumerateArray());
    }

    [Fact]
    public async Task Positions_and_orders_show_a_filled_order()
    {
        var account = await silo.NewAccountAsync("pos");
        var submit = await silo.RunAsync("submit", "BUY", "0.002", "BTCUSDT", "--price", "50000.00", "--id", "fill-1", "--account", account);
        Assert.True(submit.ExitCode == 0, submit.ToString());
        await silo.WaitForOrderAsync(account, "fill-1", o => o.Status == OrderStatus.Filled);
        await silo.WaitForPositionAsync(account, "BTCUSDT");

        var positions = await silo.RunAsync("positions", "--account", account, "--json");
        Assert.True(positions.ExitCode == 0, positions.ToString());
        var position = Assert.Single(positions.Json().GetProperty("positions").EnumerateArray());
        Assert.Equal("BTCUSDT", position.GetProperty("instrument").GetProperty("symbol").GetString());
        Assert.Equal("SPOT", position.GetProperty("instrument").GetProperty("market").GetString());
        Assert.Equal(0.002m, Dec(position.GetProperty("quantity")));
        Assert.Equal(50000m, Dec(position.GetProperty("average_entry_price")));
        Assert.Equal(2, position.GetProperty("fill_count").GetInt64());

        var positionsTable = await silo.RunAsync("positions", "--account", account);
        Assert.True(positionsTable.ExitCode == 0, positionsTable.ToString());
        Assert.Contains("BTCUSDT (SPOT)", positionsTable.Stdout, StringComparison.Ordinal);

        var orders = await silo.RunAsync("orders", "--account", account, "--json");
        Assert.True(orders.ExitCode == 0, orders.ToString());
        var order = Assert.Single(orders.Json().GetProperty("orders").EnumerateArray());
        Assert.Equal("fill-1", order.GetProperty("client_order_id").GetString());
        Assert.Equal("FILLED", order.GetProperty("status").GetString());
        Assert.Equal("BUY", order.GetProperty("side").GetString());
        Assert.Equal("LIMIT", order.GetProperty("type").GetString());
        Assert.Equal(0.002m, Dec(order.GetProperty("filled_quantity")));
        Assert.Equal(JsonValueKind.Null, order.GetProperty("denial").ValueKind);

        var ordersTable = await silo.RunAsync("orders", "--account", account);
        Assert.True(ordersTable.ExitCode == 0, ordersTable.ToString());
        var row = Line(ordersTable.Stdout, "fill-1");
        Assert.Contains("FILLED", row, StringComparison.Ordinal);
        Assert.Contains("BTCUSDT", row, StringComparison.Ordinal);

        var open = await silo.RunAsync("orders", "--open", "--account", account, "--json");
        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.Empty(open.Json().GetProperty("orders").EnumerateArray());

        var one = await silo.RunAsync("order", "fill-1", "--account", account);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("V-fill-1", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("FILLED", Line(one.Stdout, "Status"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_filter_by_symbol_with_the_market_taken_from_the_account()
    {
        var account = await silo.NewAccountAsync("sym");
        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--id", "sym-btc", "--account", account)).ExitCode);
        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.01", "ETHUSDT", "--price", "3000", "--id", "sym-eth", "--account", account)).ExitCode);

        var eth = await silo.RunAsync("orders", "--symbol", "ethusdt", "--account", account, "--json");
        Assert.True(eth.ExitCode == 0, eth.ToString());
        Assert.Equal(["sym-eth"], eth.Json().GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("client_order_id").GetString()));
    }

    [Fact]
    public async Task Account_shows_the_demo_account_provisioned_by_the_embedded_silo()
    {
        var result = await silo.RunAsync("account", "--account", "demo-futures", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var account = result.Json();
        Assert.Equal("demo-futures", account.GetProperty("account_id").GetString());
        Assert.Equal("BINANCE", account.GetProperty("venue").GetString());
        Assert.Equal(["USDM_FUTURES"], account.GetProperty("markets").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("ACTIVE", account.GetProperty("trading_state").GetString());
    }

    [Fact]
    public async Task Unknown_accounts_and_orders_exit_3()
    {
        var account = await silo.NewAccountAsync("nf");

        var order = await silo.RunAsync("order", "no-such-order", "--account", account);
        Assert.True(order.ExitCode == 3, order.ToString());
        Assert.Contains("no-such-order", order.Stderr, StringComparison.Ordinal);

        var balance = await silo.RunAsync("balance", "--account", "never-provisioned-" + Guid.NewGuid().ToString("N")[..6], "--json");
        Assert.True(balance.ExitCode == 3, balance.ToString());
        var error = balance.Json().GetProperty("error");
        Assert.Equal(3, error.GetProperty("exit_code").GetInt32());
        Assert.Equal("not_found", error.GetProperty("kind").GetString());
    }

    internal static decimal Dec(JsonElement element) => decimal.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    internal static string Line(string text, string containing) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no line contains '{containing}' in:{Environment.NewLine}{text}");
}
