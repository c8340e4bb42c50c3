using System.Text.Json;
using Oms.Cli.Tests.Infrastructure;
using static Oms.Cli.Tests.AccountViewTests;

namespace Oms.Cli.Tests;

/// <summary>`oms submit`, `oms cancel`, `oms amend`: accepted, denied with the code and numbers, refused, invalid.</summary>
[Collection(SiloCollection.Name)]
public sealed class OrderEntryTests(SiloFixture silo)
{
    [Fact]
    public async Task An_accepted_submit_prints_the_order_and_exits_0()
    {
        var account = await silo.NewAccountAsync("sub");

        var result = await silo.RunAsync("submit", "buy", "0.00200000", "btcusdt", "--price", "50000.00", "--id", "sub-1", "--tag", "mm-1", "--account", account, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Json();
        Assert.True(document.GetProperty("created").GetBoolean());
        var order = document.GetProperty("order");
        Assert.Equal("sub-1", order.GetProperty("client_order_id").GetString());
        Assert.Equal("BUY", order.GetProperty("side").GetString());
        Assert.Equal("LIMIT", order.GetProperty("type").GetString());
        Assert.Equal("BTCUSDT", order.GetProperty("instrument").GetProperty("symbol").GetString());
        Assert.Equal("mm-1", order.GetProperty("strategy_tag").GetString());
        // Decimals travel as the exact text typed: scale kept, never through a double.
        Assert.Equal("0.00200000", order.GetProperty("quantity").GetString());
        Assert.Equal("50000.00", order.GetProperty("limit_price").GetString());
        Assert.Equal("PENDING_NEW", order.GetProperty("status").GetString());

        var filled = await silo.WaitForOrderAsync(account, "sub-1", o => o.Status == OrderStatus.Filled);
        Assert.Equal(0.002m, filled.FilledQuantity);
    }

    [Fact]
    public async Task Resubmitting_a_client_order_id_returns_the_existing_order_with_a_note()
    {
        var account = await silo.NewAccountAsync("idem");
        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--id", "same", "--account", account)).ExitCode);

        var again = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--id", "same", "--account", account);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.StartsWith("Already submitted same:", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing new was sent", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denied_submit_exits_2_with_the_denial_code_and_numbers()
    {
        var account = await silo.NewAccountAsync("deny");
        Assert.Equal(0, (await silo.RunAsync("risk", "set", "--max-order-notional", "10", "--account", account)).ExitCode);

        var human = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--account", account);
        Assert.True(human.ExitCode == 2, human.ToString());
        Assert.Contains("DENIED (NOTIONAL_EXCEEDS_MAX_PER_ORDER)", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("denied by the OMS: NOTIONAL_EXCEEDS_MAX_PER_ORDER", human.Stderr, StringComparison.Ordinal);
        Assert.Contains("limit 10 USDT", human.Stderr, StringComparison.Ordinal);

        var json = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--account", account, "--json");
        Assert.True(json.ExitCode == 2, json.ToString());
        var order = json.Json().GetProperty("order");
        Assert.Equal("DENIED", order.GetProperty("status").GetString());
        var denial = order.GetProperty("denial");
        Assert.Equal("NOTIONAL_EXCEEDS_MAX_PER_ORDER", denial.GetProperty("code").GetString());
        Assert.Equal(10m, Dec(denial.GetProperty("limit")));
        Assert.Equal(50m, Dec(denial.GetProperty("would_be")));
        Assert.Equal("USDT", denial.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Gateway_validation_errors_exit_1_naming_the_flag_and_the_field()
    {
        var account = await silo.NewAccountAsync("val");

        var noPrice = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--type", "limit", "--account", account);
        Assert.True(noPrice.ExitCode == 1, noPrice.ToString());
        Assert.Contains("--price (order.limit_price):", noPrice.Stderr, StringComparison.Ordinal);

        var badId = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--id", "not a valid id!", "--account", account, "--json");
        Assert.True(badId.ExitCode == 1, badId.ToString());
        var error = badId.Json().GetProperty("error");
        Assert.Equal("invalid_argument", error.GetProperty("kind").GetString());
        var violation = Assert.Single(error.GetProperty("details").EnumerateArray());
        Assert.Equal("client_order_id", violation.GetProperty("field").GetString());
        Assert.Equal("--client-order-id", violation.GetProperty("flag").GetString());
        Assert.False(string.IsNullOrEmpty(violation.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task A_working_order_is_amended_then_cancelled()
    {
        var account = await silo.NewAccountAsync("work");
        Assert.Equal(0, (await silo.RunAsync("submit", "SELL", "0.0100", "ETHUSDT", "--price", "3000.00", "--id", "w-1", "--account", account)).ExitCode);
        await silo.WaitForOrderAsync(account, "w-1", o => o.Status == OrderStatus.New);

        var amend = await silo.RunAsync("amend", "w-1", "--price", "3001.50", "--qty", "0.0200", "--account", account);
        Assert.True(amend.ExitCode == 0, amend.ToString());
        Assert.StartsWith("Amend requested for w-1", amend.Stdout, StringComparison.Ordinal);
        var amended = await silo.WaitForOrderAsync(account, "w-1", o => o.Status == OrderStatus.New && o.LimitPrice == 3001.50m);
        Assert.Equal(0.02m, amended.Quantity);

        var cancel = await silo.RunAsync("cancel", "w-1", "--account", account, "--json");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.True(cancel.Json().GetProperty("accepted").GetBoolean());
        await silo.WaitForOrderAsync(account, "w-1", o => o.Status == OrderStatus.Canceled);

        var shown = await silo.RunAsync("order", "w-1", "--account", account, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal("CANCELED", shown.Json().GetProperty("status").GetString());
        Assert.Equal("3001.50", shown.Json().GetProperty("limit_price").GetString());
    }

    [Fact]
    public async Task Cancel_all_cancels_the_open_orders_on_a_symbol()
    {
        var account = await silo.NewAccountAsync("call");
        foreach (var id in new[] { "a-1", "a-2" })
        {
            Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.01", "ETHUSDT", "--price", "2900", "--id", id, "--account", account)).ExitCode);
            await silo.WaitForOrderAsync(account, id, o => o.Status == OrderStatus.New);
        }

        var result = await silo.RunAsync("cancel", "--all", "--symbol", "ETHUSDT", "--account", account, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Json();
        Assert.Equal(["a-1", "a-2"], document.GetProperty("cancel_requested").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Empty(document.GetProperty("refused").EnumerateArray());
        await silo.WaitForOrderAsync(account, "a-1", o => o.Status == OrderStatus.Canceled);
        await silo.WaitForOrderAsync(account, "a-2", o => o.Status == OrderStatus.Canceled);

        var none = await silo.RunAsync("cancel", "--all", "--account", account);
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("no open orders", none.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_or_amending_an_unknown_order_exits_3_and_cancelling_a_filled_one_exits_2()
    {
        var account = await silo.NewAccountAsync("ref");

        var cancel = await silo.RunAsync("cancel", "ghost", "--account", account);
        Assert.True(cancel.ExitCode == 3, cancel.ToString());
        Assert.Contains("ORDER_NOT_FOUND", cancel.Stderr, StringComparison.Ordinal);

        var amend = await silo.RunAsync("amend", "ghost", "--qty", "1", "--account", account);
        Assert.True(amend.ExitCode == 3, amend.ToString());

        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--id", "done-1", "--account", account)).ExitCode);
        await silo.WaitForOrderAsync(account, "done-1", o => o.Status == OrderStatus.Filled);
        var late = await silo.RunAsync("cancel", "done-1", "--account", account, "--json");
        Assert.True(late.ExitCode == 2, late.ToString());
        var document = late.Json();
        Assert.False(document.GetProperty("accepted").GetBoolean());
        Assert.Equal(JsonValueKind.String, document.GetProperty("denial").GetProperty("code").ValueKind);
        Assert.Contains("cancel of done-1 refused", late.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_market_must_be_one_the_account_trades()
    {
        var futures = await silo.NewAccountAsync("fut", MarketType.UsdMFutures);

        var wrong = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--market", "spot", "--account", futures);
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains("--market spot is not one of its markets", wrong.Stderr, StringComparison.Ordinal);

        var inferred = await silo.RunAsync("submit", "BUY", "0.002", "BTCUSDT", "--price", "50000.0", "--tif", "ioc", "--position-side", "both", "--account", futures, "--json");
        Assert.True(inferred.ExitCode == 0, inferred.ToString());
        var order = inferred.Json().GetProperty("order");
        Assert.Equal("USDM_FUTURES", order.GetProperty("instrument").GetProperty("market").GetString());
        Assert.Equal("IOC", order.GetProperty("time_in_force").GetString());
        Assert.Equal("BOTH", order.GetProperty("position_side").GetString());
    }

    [Fact]
    public async Task Order_types_are_built_from_the_flags()
    {
        var account = await silo.NewAccountAsync("types");

        var market = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--account", account, "--json");
        Assert.True(market.ExitCode == 0, market.ToString());
        Assert.Equal("MARKET", market.Json().GetProperty("order").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, market.Json().GetProperty("order").GetProperty("limit_price").ValueKind);

        var stop = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--type", "stop-limit", "--stop-price", "51000", "--price", "51010.5", "--tif", "fok", "--account", account, "--json");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var stopOrder = stop.Json().GetProperty("order");
        Assert.Equal("STOP_LIMIT", stopOrder.GetProperty("type").GetString());
        Assert.Equal("51000", stopOrder.GetProperty("stop_price").GetString());
        Assert.Equal("51010.5", stopOrder.GetProperty("limit_price").GetString());
        Assert.Equal("FOK", stopOrder.GetProperty("time_in_force").GetString());

        var trailing = await silo.RunAsync("submit", "SELL", "0.001", "BTCUSDT", "--type", "trailing-stop", "--trailing-percent", "1.5", "--account", account);
        Assert.True(trailing.ExitCode == 0, trailing.ToString());
        Assert.Contains("SELL 0.001 BTCUSDT TRAILING_STOP_MARKET trail 1.5%", trailing.Stdout, StringComparison.Ordinal);
    }
}
