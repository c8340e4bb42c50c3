using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Oms.Contracts;
using Oms.Domain;
using Oms.Grains;
using Oms.Storage.PostgreSql.Journal;
using Oms.Storage.Tests.Infrastructure;
using Orleans.Serialization;

namespace Oms.Storage.Tests;

/// <summary>The account grains' cold store on PostgreSQL: report history, archived closed orders, the fill-key index.</summary>
public sealed class ExecutionReportJournalTests : IClassFixture<MigratedDatabaseFixture>, IAsyncLifetime
{
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly InstrumentId Eth = new(Venue.Binance, MarketType.Spot, "ETHUSDT");
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly MigratedDatabaseFixture fixture;
    private ServiceProvider services = null!;
    private NpgsqlDataSource dataSource = null!;
    private PostgresExecutionReportJournal journal = null!;

    public ExecutionReportJournalTests(MigratedDatabaseFixture fixture)
    {
        this.fixture = fixture;
    }

    public Task InitializeAsync()
    {
        services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(OrderRecord).Assembly).AddAssembly(typeof(ExecutionReport).Assembly).AddAssembly(typeof(Order).Assembly))
            .BuildServiceProvider();
        dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        journal = new PostgresExecutionReportJournal(dataSource, services.GetRequiredService<Serializer>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await journal.DisposeAsync();
        await dataSource.DisposeAsync();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task Reports_append_idempotently_and_read_back_after_a_sequence()
    {
        var account = NewAccount();
        var reports = Enumerable.Range(1, 4).Select(i => Report(account, i, $"o-{i}")).ToArray();

        await journal.AppendAsync(account, reports[..3]);
        await journal.AppendAsync(account, reports[1..]);

        var all = await journal.ReadAsync(account, 0, 100);
        Assert.Equal([1L, 2, 3, 4], all.Select(r => r.Sequence));
        Assert.Equal(reports[2].Order.ClientOrderId, all[2].Order.ClientOrderId);
        Assert.IsType<OrderSubmitted>(all[0].Event);
        Assert.Equal([3L], (await journal.ReadAsync(account, 2, 1)).Select(r => r.Sequence));
        Assert.Empty(await journal.ReadAsync(NewAccount(), 0, 100));
        Assert.Equal("OrderSubmitted", await Sql.ScalarAsync<string>(fixture.ConnectionString,
            $"SELECT event_kind FROM oms_execution_reports WHERE account_id = '{account.Value}' AND sequence = 1"));
    }

    [Fact]
    public async Task An_order_archived_again_keeps_the_newest_archive_and_queries_read_newest_first()
    {
        var account = NewAccount();
        var first = Record(account, "a-1", Btc, created: 1, archivedAt: 5, trades: ["t-1"]);
        var second = Record(account, "a-2", Eth, created: 3, archivedAt: 6, trades: []);
        var third = Record(account, "a-3", Btc, created: 7, archivedAt: 8, trades: ["t-3"]);
        await journal.ArchiveAsync(account, [first, second, third], [new FillTrace(new FillKey(Btc, new TradeId("ext-1")), Now)]);

        // A stale archive (lower sequence) does not replace the stored one; a newer one does.
        var stale = Record(account, "a-1", Btc, created: 1, archivedAt: 4, trades: []);
        await journal.ArchiveAsync(account, [stale], []);
        Assert.Equal(["t-1"], (await journal.FindOrdersAsync(account, [new ClientOrderId("a-1")])).Single().FillKeys.Select(k => k.TradeId.Value));
        var newer = Record(account, "a-1", Btc, created: 1, archivedAt: 9, trades: ["t-1", "t-late"]);
        await journal.ArchiveAsync(account, [newer], []);
        Assert.Equal(["t-1", "t-late"], (await journal.FindOrdersAsync(account, [new ClientOrderId("a-1")])).Single().FillKeys.Select(k => k.TradeId.Value));

        Assert.Equal(["a-3", "a-2", "a-1"], (await journal.ListOrdersAsync(account, null, 10)).Select(r => r.Order.ClientOrderId.Value));
        Assert.Equal(["a-3", "a-1"], (await journal.ListOrdersAsync(account, Btc, 10)).Select(r => r.Order.ClientOrderId.Value));
        Assert.Equal(["a-3"], (await journal.ListOrdersAsync(account, null, 1)).Select(r => r.Order.ClientOrderId.Value));
        Assert.Empty(await journal.FindOrdersAsync(account, [new ClientOrderId("nope")]));
        Assert.Empty(await journal.ListOrdersAsync(NewAccount(), null, 10));

        // The fill index holds the archived orders' keys and the unknown-order fill, per account.
        var asked = new[] { new FillKey(Btc, new TradeId("t-1")), new FillKey(Btc, new TradeId("t-late")), new FillKey(Btc, new TradeId("ext-1")),
            new FillKey(Eth, new TradeId("t-1")), new FillKey(Btc, new TradeId("never")) };
        Assert.Equal(asked[..3].ToHashSet(), (await journal.FindFillsAsync(account, asked)).ToHashSet());
        Assert.Empty(await journal.FindFillsAsync(NewAccount(), asked));
    }

    [Fact]
    public async Task Concurrent_writes_of_many_accounts_are_group_committed_and_all_land()
    {
        var accounts = Enumerable.Range(0, 40).Select(_ => NewAccount()).ToArray();
        await Task.WhenAll(accounts.SelectMany(account => new[]
        {
            journal.AppendAsync(account, [Report(account, 1, "g-1"), Report(account, 2, "g-2")]).AsTask(),
            journal.ArchiveAsync(account, [Record(account, "g-1", Btc, created: 1, archivedAt: 2, trades: ["gt-1"])], []).AsTask(),
        }));

        foreach (var account in accounts)
        {
            Assert.Equal(2, (await journal.ReadAsync(account, 0, 10)).Count);
            Assert.Single(await journal.FindOrdersAsync(account, [new ClientOrderId("g-1")]));
            Assert.Single(await journal.FindFillsAsync(account, [new FillKey(Btc, new TradeId("gt-1"))]));
        }
    }

    private static AccountId NewAccount() => new($"acct-{Guid.NewGuid():N}");

    private static OrderSpec Spec(InstrumentId instrument) => new()
    {
        Instrument = instrument,
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Quantity = 0.01m,
        LimitPrice = 60000m,
        TimeInForce = TimeInForce.Gtc,
    };

    private static ExecutionReport Report(AccountId account, long sequence, string clientOrderId)
    {
        var (order, submitted) = Order.Submit(account, new ClientOrderId(clientOrderId), Spec(Btc), Now);
        return new ExecutionReport(sequence, submitted, OrderSnapshot.From(order));
    }

    private static OrderRecord Record(AccountId account, string clientOrderId, InstrumentId instrument, long created, long archivedAt, string[] trades)
    {
        var (order, _) = Order.Submit(account, new ClientOrderId(clientOrderId), Spec(instrument), Now);
        order.Reject("test: closed", null, Now);
        return new OrderRecord
        {
            Order = order,
            CreatedSequence = created,
            ArchivedAtSequence = archivedAt,
            FillKeys = [.. trades.Select(t => new FillKey(instrument, new TradeId(t)))],
        };
    }
}
