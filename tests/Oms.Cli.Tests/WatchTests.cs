using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>`oms watch`: execution reports in sequence, resumable with --from-sequence, bounded with --count.</summary>
[Collection(SiloCollection.Name)]
public sealed class WatchTests(SiloFixture silo)
{
    [Fact]
    public async Task Watch_started_before_a_submit_shows_the_submit_accept_and_both_fills()
    {
        var account = await silo.NewAccountAsync("watch");
        // From sequence 1 with a count: the watcher sees every report whether it connects before or after the submit.
        var watching = silo.Start("watch", "--from-sequence", "1", "--count", "4", "--json", "--account", account);

        var submit = await silo.RunAsync("submit", "BUY", "0.002", "BTCUSDT", "--price", "50000", "--id", "wt-1", "--account", account);
        Assert.True(submit.ExitCode == 0, submit.ToString());

        var result = await watching.CompletionAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.JsonLines();
        Assert.Equal([1L, 2L, 3L, 4L], lines.Select(l => l.GetProperty("sequence").GetInt64()));
        Assert.All(lines, l => Assert.Equal("report", l.GetProperty("type").GetString()));
        Assert.Equal(["SUBMITTED", "ACCEPTED", "FILLED", "FILLED"], lines.Select(l => l.GetProperty("execution_type").GetString()));
        var fills = lines.Skip(2).Select(l => l.GetProperty("fill")).ToList();
        Assert.Equal(["T-wt-1-1", "T-wt-1-2"], fills.Select(f => f.GetProperty("trade_id").GetString()));
        Assert.Equal(0.002m, fills.Sum(f => AccountViewTests.Dec(f.GetProperty("quantity"))));
        Assert.Equal("FILLED", lines[3].GetProperty("order").GetProperty("status").GetString());
        Assert.All(lines, l => Assert.Equal("wt-1", l.GetProperty("order").GetProperty("client_order_id").GetString()));
    }

    [Fact]
    public async Task Watch_resumes_from_a_sequence_and_tells_where_to_resume_next()
    {
        var account = await silo.NewAccountAsync("resume");
        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.002", "BTCUSDT", "--price", "50000", "--id", "rs-1", "--account", account)).ExitCode);
        await silo.WaitForOrderAsync(account, "rs-1", o => o.Status == OrderStatus.Filled);

        var result = await silo.RunAsync("watch", "--from-sequence", "3", "--count", "2", "--account", account);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("#3 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("FILLED rs-1 BUY 0.002 BTCUSDT LIMIT 50000", lines[0], StringComparison.Ordinal);
        Assert.Contains("(trade T-rs-1-1", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("#4 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("-> FILLED", lines[1], StringComparison.Ordinal);
        Assert.Contains("resume with --from-sequence 5", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_without_a_sequence_starts_after_the_latest_report()
    {
        var account = await silo.NewAccountAsync("live");
        Assert.Equal(0, (await silo.RunAsync("submit", "BUY", "0.002", "BTCUSDT", "--price", "50000", "--id", "old-1", "--account", account)).ExitCode);
        await silo.WaitForOrderAsync(account, "old-1", o => o.Status == OrderStatus.Filled);

        var watching = silo.Start("watch", "--count", "1", "--account", account);
        // The watcher decides where "live" starts (after the latest report, 4) before it says so on stderr.
        await watching.WaitForStderrLineAsync(line => line.Contains("from sequence 5 (new reports only)", StringComparison.Ordinal));
        var submit = await silo.RunAsync("submit", "BUY", "0.01", "ETHUSDT", "--price", "3000", "--id", "new-1", "--account", account);
        Assert.True(submit.ExitCode == 0, submit.ToString());

        var result = await watching.CompletionAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("#5 ", line, StringComparison.Ordinal);
        Assert.Contains("SUBMITTED new-1 BUY 0.01 ETHUSDT LIMIT 3000", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_stops_cleanly_when_asked_to_and_says_where_to_resume()
    {
        var account = await silo.NewAccountAsync("stop");
        var watching = silo.Start("watch", "--account", account);
        await watching.WaitForStderrLineAsync(line => line.Contains("Ctrl+C stops", StringComparison.Ordinal));

        watching.Terminate();

        var result = await watching.CompletionAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("stopped after 0 report(s); resume with --from-sequence 1", result.Stderr, StringComparison.Ordinal);
    }
}
