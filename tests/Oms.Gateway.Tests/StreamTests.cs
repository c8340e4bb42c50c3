using Oms.Gateway.Tests.Infrastructure;
using static Oms.Gateway.Tests.Infrastructure.Orders;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class StreamTests(SiloFixture silo)
{
    private readonly Wire.OrderService.OrderServiceClient orders = new(silo.Channel);

    private async Task<string> FillOrdersAsync(string prefix, int count)
    {
        var account = await silo.ProvisionAccountAsync(prefix);
        for (var i = 1; i <= count; i++)
        {
            await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), $"{prefix}-{i}"), SiloFixture.As(silo.TraderToken));
        }
        for (var i = 1; i <= count; i++)
        {
            await WaitForOrderAsync(orders, silo.TraderToken, account, $"{prefix}-{i}", o => o.Status == Wire.OrderStatus.Filled);
        }
        return account;
    }

    [Fact]
    public async Task A_resumed_stream_continues_exactly_where_the_previous_one_stopped()
    {
        var account = await FillOrdersAsync("resume", 3); // 3 orders x (submitted, accepted, 2 fills) = 12 reports

        var first = (await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: 1, count: 5)).Select(m => m.Report).ToList();
        var rest = (await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: first[^1].Sequence + 1, count: 7)).Select(m => m.Report).ToList();
        var whole = (await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: 1, count: 12)).Select(m => m.Report).ToList();

        var combined = first.Concat(rest).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), combined.Select(r => r.Sequence));
        Assert.Equal(whole, combined);
        Assert.Equal(6, combined.Count(r => r.ExecutionType == Wire.ExecutionType.Filled));
        Assert.Equal(0.003m, combined.Where(r => r.Fill is not null).Sum(r => Dec(r.Fill.Quantity)));
    }

    [Fact]
    public async Task A_live_stream_delivers_reports_as_they_happen()
    {
        var account = await silo.ProvisionAccountAsync("live");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = orders.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = 0 }, SiloFixture.As(silo.TraderToken, deadline.Token));

        await orders.SubmitOrderAsync(Submit(account, Limit("0.004", "50000"), "live-1"), SiloFixture.As(silo.TraderToken));

        var received = new List<Wire.ExecutionReport>();
        while (received.Count < 4 && await call.ResponseStream.MoveNext(deadline.Token))
        {
            received.Add(call.ResponseStream.Current.Report);
        }
        Assert.Equal([1L, 2L, 3L, 4L], received.Select(r => r.Sequence));
        Assert.Equal(Wire.OrderStatus.Filled, received[^1].Order.Status);
    }

    [Fact]
    public async Task Resuming_from_a_sequence_no_longer_retained_says_truncated_then_continues_without_gaps()
    {
        // The fixture retains 16 reports per account (ring and journal); 6 orders make 24.
        var account = await FillOrdersAsync("trunc", 6);

        var messages = await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: 1, count: 16);

        var truncated = messages[0].Truncated;
        Assert.NotNull(truncated);
        Assert.Equal(1, truncated.RequestedFromSequence);
        Assert.Equal(9, truncated.FirstAvailableSequence);
        var sequences = messages.Skip(1).Select(m => m.Report.Sequence).ToList();
        Assert.Equal(Enumerable.Range(9, 16).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_stream_for_an_account_the_client_may_not_read_is_refused()
    {
        var account = await silo.ProvisionAccountAsync("private");
        using var call = orders.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account }, SiloFixture.As(silo.LimitedToken));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_stream_ends_with_cancelled_on_the_client()
    {
        var account = await silo.ProvisionAccountAsync("cancel");
        using var cancel = new CancellationTokenSource();
        using var call = orders.StreamExecutionReports(
            new Wire.StreamExecutionReportsRequest { AccountId = account }, SiloFixture.As(silo.TraderToken, cancel.Token));
        var next = call.ResponseStream.MoveNext(cancel.Token);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await next);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        // The server is still serving streams afterwards.
        await orders.SubmitOrderAsync(Submit(account, Limit("0.001", "50000"), "after-cancel"), SiloFixture.As(silo.TraderToken));
        var messages = await ReadStreamAsync(orders, silo.TraderToken, account, fromSequence: 1, count: 1);
        Assert.Equal(1, messages[0].Report.Sequence);
    }
}
