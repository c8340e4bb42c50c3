using System.Text.Json;
using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>`oms risk show|set|halt|resume|audit`.</summary>
[Collection(SiloCollection.Name)]
public sealed class RiskTests(SiloFixture silo)
{
    [Fact]
    public async Task Set_changes_only_the_named_limits_and_none_removes_one()
    {
        var account = await silo.NewAccountAsync("lim");

        var first = await silo.RunAsync("risk", "set", "--max-order-notional", "1000.50", "--max-open-orders", "5", "--price-band-percent", "2.5", "--account", account, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var limits = first.Json().GetProperty("limits");
        Assert.Equal("1000.50", limits.GetProperty("max_order_notional").GetString());
        Assert.Equal(5, limits.GetProperty("max_open_orders").GetInt32());
        Assert.Equal("2.5", limits.GetProperty("price_band_percent").GetString());

        var second = await silo.RunAsync("risk", "set", "--max-open-orders", "none", "--max-daily-loss", "200", "--account", account);
        Assert.True(second.ExitCode == 0, second.ToString());

        var shown = await silo.RunAsync("risk", "show", "--account", account, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var policy = shown.Json();
        Assert.Equal("ACTIVE", policy.GetProperty("trading_state").GetString());
        Assert.True(policy.GetProperty("version").GetInt64() >= 2);
        limits = policy.GetProperty("limits");
        Assert.Equal("1000.50", limits.GetProperty("max_order_notional").GetString());
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("max_open_orders").ValueKind);
        Assert.Equal("2.5", limits.GetProperty("price_band_percent").GetString());
        Assert.Equal("200", limits.GetProperty("max_daily_loss").GetString());

        var table = await silo.RunAsync("risk", "show", "--account", account);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1000.50", AccountViewTests.Line(table.Stdout, "--max-order-notional"), StringComparison.Ordinal);
        Assert.Contains("none", AccountViewTests.Line(table.Stdout, "--max-open-orders"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_limits_are_usage_errors()
    {
        var account = await silo.NewAccountAsync("badlim");

        var notANumber = await silo.RunAsync("risk", "set", "--max-order-notional", "lots", "--account", account);
        Assert.True(notANumber.ExitCode == 1, notANumber.ToString());
        Assert.Contains("--max-order-notional 'lots' is not a decimal number", notANumber.Stderr, StringComparison.Ordinal);

        var tooMuch = await silo.RunAsync("risk", "set", "--max-drawdown-percent", "150", "--account", account);
        Assert.True(tooMuch.ExitCode == 1, tooMuch.ToString());
        Assert.Contains("--max-drawdown-percent (limits.max_drawdown_percent): must be at most 100", tooMuch.Stderr, StringComparison.Ordinal);

        var nothing = await silo.RunAsync("risk", "set", "--account", account);
        Assert.True(nothing.ExitCode == 1, nothing.ToString());
    }

    [Fact]
    public async Task Halt_denies_new_orders_until_resume_and_the_audit_shows_both()
    {
        var account = await silo.NewAccountAsync("halt");

        var noReason = await silo.RunAsync("risk", "halt", "--account", account);
        Assert.True(noReason.ExitCode == 1, noReason.ToString());
        Assert.Contains("--reason", noReason.Stderr, StringComparison.Ordinal);

        var halt = await silo.RunAsync("risk", "halt", "--reason", "desk closed", "--account", account);
        Assert.True(halt.ExitCode == 0, halt.ToString());
        Assert.Contains("is now HALTED", halt.Stdout, StringComparison.Ordinal);

        var denied = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--account", account);
        Assert.True(denied.ExitCode == 2, denied.ToString());
        Assert.Contains("TRADING_HALTED", denied.Stderr, StringComparison.Ordinal);

        var resume = await silo.RunAsync("risk", "resume", "--reason", "desk open", "--account", account, "--json");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal("ACTIVE", resume.Json().GetProperty("trading_state").GetString());

        var accepted = await silo.RunAsync("submit", "BUY", "0.001", "BTCUSDT", "--price", "50000", "--account", account);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());

        var audit = await silo.RunAsync("risk", "audit", "--account", account, "--json");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        var entries = audit.Json().GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["desk closed", "desk open"], entries.Select(e => e.GetProperty("reason").GetString()));
        Assert.All(entries, e => Assert.Equal("trader", e.GetProperty("changed_by").GetString()));

        var table = await silo.RunAsync("risk", "audit", "--account", account);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("desk closed", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("trading_state", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_risk_needs_the_risk_permission()
    {
        var account = await silo.NewAccountAsync("perm");

        var result = await silo.RunAsAsync(silo.ReaderToken, "risk", "halt", "--reason", "x", "--account", account);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("permission denied", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("RISK", result.Stderr, StringComparison.Ordinal);
    }
}
