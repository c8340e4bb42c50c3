using Npgsql;
using Oms.Storage.PostgreSql.Journal;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests;

public sealed class JournalTests : IClassFixture<MigratedDatabaseFixture>, IAsyncLifetime
{
    private readonly MigratedDatabaseFixture fixture;
    private NpgsqlDataSource dataSource = null!;
    private PostgresJournal journal = null!;

    public JournalTests(MigratedDatabaseFixture fixture)
    {
        this.fixture = fixture;
    }

    public Task InitializeAsync()
    {
        dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        journal = new PostgresJournal(dataSource);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Append_then_read_back_in_sequence_order()
    {
        var stream = NewStream();
        Assert.Equal(AppendOutcome.Appended, await journal.AppendAsync(stream, 1, "OrderAccepted", """{"orderId":"o-1","qty":"1.5"}"""));
        Assert.Equal(AppendOutcome.Appended, await journal.AppendAsync(stream, 0, "OrderSubmitted", """{"orderId":"o-1"}"""));
        Assert.Equal(AppendOutcome.Appended, await journal.AppendAsync(stream, 2, "OrderFilled", """{"orderId":"o-1","tradeId":"t-9"}"""));

        var all = await journal.ReadAsync(stream, 0, 100);
        var fromOne = await journal.ReadAsync(stream, 1, 1);

        Assert.Equal([0L, 1L, 2L], all.Select(r => r.Sequence));
        Assert.Equal(["OrderSubmitted", "OrderAccepted", "OrderFilled"], all.Select(r => r.Kind));
        Assert.Equal("1.5", System.Text.Json.JsonDocument.Parse(all[1].PayloadJson).RootElement.GetProperty("qty").GetString());
        Assert.All(all, r => Assert.Equal(stream, r.StreamId));
        Assert.All(all, r => Assert.NotEqual(default, r.RecordedAt));
        Assert.Equal(1L, Assert.Single(fromOne).Sequence);
        Assert.Equal(2L, await journal.GetLastSequenceAsync(stream));
        Assert.Null(await journal.GetLastSequenceAsync(NewStream()));
    }

    [Fact]
    public async Task Same_append_twice_is_a_no_op_even_with_different_json_formatting()
    {
        var stream = NewStream();
        await journal.AppendAsync(stream, 7, "OrderFilled", """{"tradeId":"t-1","qty":"2"}""");

        var again = await journal.AppendAsync(stream, 7, "OrderFilled", """{"tradeId":"t-1","qty":"2"}""");
        var reordered = await journal.AppendAsync(stream, 7, "OrderFilled", """ { "qty" : "2",  "tradeId" : "t-1" } """);

        Assert.Equal(AppendOutcome.Duplicate, again);
        Assert.Equal(AppendOutcome.Duplicate, reordered);
        Assert.Single(await journal.ReadAsync(stream, 0, 10));
    }

    [Fact]
    public async Task Different_payload_or_kind_under_an_existing_key_is_a_conflict()
    {
        var stream = NewStream();
        await journal.AppendAsync(stream, 3, "OrderFilled", """{"tradeId":"t-1","qty":"2"}""");

        var payload = await Assert.ThrowsAsync<JournalConflictException>(
            () => journal.AppendAsync(stream, 3, "OrderFilled", """{"tradeId":"t-1","qty":"3"}"""));
        var kind = await Assert.ThrowsAsync<JournalConflictException>(
            () => journal.AppendAsync(stream, 3, "OrderCancelled", """{"tradeId":"t-1","qty":"2"}"""));

        Assert.Equal(stream, payload.StreamId);
        Assert.Equal(3, payload.Sequence);
        Assert.Contains($"{stream}/3", payload.Message, StringComparison.Ordinal);
        Assert.Equal("OrderFilled", kind.ExistingKind);
        Assert.Equal("OrderCancelled", kind.AttemptedKind);
        var stored = Assert.Single(await journal.ReadAsync(stream, 0, 10));
        Assert.Equal("2", System.Text.Json.JsonDocument.Parse(stored.PayloadJson).RootElement.GetProperty("qty").GetString());
    }

    [Fact]
    public async Task Batch_reports_appended_and_duplicate_entries_in_input_order()
    {
        var stream = NewStream();
        await journal.AppendAsync(stream, 1, "A", """{"n":1}""");

        var outcomes = await journal.AppendBatchAsync(
        [
            new JournalEntry(stream, 0, "A", """{"n":0}"""),
            new JournalEntry(stream, 1, "A", """{"n":1}"""),      // already stored
            new JournalEntry(stream, 2, "A", """{"n":2}"""),
            new JournalEntry(stream, 2, "A", """{ "n" : 2 }"""),  // repeated within the batch
        ]);

        Assert.Equal([AppendOutcome.Appended, AppendOutcome.Duplicate, AppendOutcome.Appended, AppendOutcome.Duplicate], outcomes);
        Assert.Equal([0L, 1L, 2L], (await journal.ReadAsync(stream, 0, 10)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task Batch_with_a_conflict_writes_nothing()
    {
        var stream = NewStream();
        await journal.AppendAsync(stream, 5, "A", """{"n":5}""");

        var ex = await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendBatchAsync(
        [
            new JournalEntry(stream, 4, "A", """{"n":4}"""),
            new JournalEntry(stream, 5, "A", """{"n":"changed"}"""),
            new JournalEntry(stream, 6, "A", """{"n":6}"""),
            new JournalEntry(stream, 6, "B", """{"n":6}"""),
        ]));

        Assert.Equal(5, ex.Sequence);
        Assert.Contains("1 more conflicting entry", ex.Message, StringComparison.Ordinal);
        Assert.Equal([5L], (await journal.ReadAsync(stream, 0, 10)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task Large_batch_spanning_several_statements_is_written_whole()
    {
        var stream = NewStream();
        var entries = Enumerable.Range(0, (PostgresJournal.MaxRowsPerStatement * 2) + 17)
            .Select(i => new JournalEntry(stream, i, "Fill", $$"""{"tradeId":"t-{{i}}","qty":"{{i}}.25"}"""))
            .ToList();

        var outcomes = await journal.AppendBatchAsync(entries);
        var replay = await journal.AppendBatchAsync(entries);

        Assert.All(outcomes, o => Assert.Equal(AppendOutcome.Appended, o));
        Assert.All(replay, o => Assert.Equal(AppendOutcome.Duplicate, o));
        var read = await journal.ReadAsync(stream, 0, PostgresJournal.MaxReadCount);
        Assert.Equal(entries.Select(e => e.Sequence), read.Select(r => r.Sequence));
        Assert.Equal(entries.Count - 1, await journal.GetLastSequenceAsync(stream));
    }

    [Fact]
    public async Task Concurrent_appends_of_the_same_entry_write_it_once()
    {
        var stream = NewStream();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => journal.AppendAsync(stream, 0, "OrderFilled", """{"tradeId":"t-1"}"""))));

        Assert.Single(outcomes, o => o == AppendOutcome.Appended);
        Assert.Equal(15, outcomes.Count(o => o == AppendOutcome.Duplicate));
        Assert.Single(await journal.ReadAsync(stream, 0, 10));
    }

    [Fact]
    public async Task Overlapping_batches_in_opposite_orders_do_not_deadlock()
    {
        var stream = NewStream();
        var ascending = Enumerable.Range(0, 300).Select(i => new JournalEntry(stream, i, "Fill", $$"""{"n":{{i}}}""")).ToList();
        var descending = Enumerable.Reverse(ascending).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => journal.AppendBatchAsync(i % 2 == 0 ? ascending : descending))));

        Assert.Equal(300, results.Sum(r => r.Count(o => o == AppendOutcome.Appended)));
        Assert.Equal(300 * 5, results.Sum(r => r.Count(o => o == AppendOutcome.Duplicate)));
        Assert.Equal(299, await journal.GetLastSequenceAsync(stream));
    }

    [Fact]
    public async Task Invalid_entries_are_rejected_before_reaching_the_database()
    {
        var stream = NewStream();

        var json = await Assert.ThrowsAsync<ArgumentException>(() => journal.AppendAsync(stream, 0, "A", "{not json"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.AppendAsync(stream, -1, "A", "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => journal.AppendAsync(stream, 0, "", "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => journal.AppendAsync("", 0, "A", "{}"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.ReadAsync(stream, 0, 0));

        Assert.Contains($"{stream}/0", json.Message, StringComparison.Ordinal);
        Assert.Null(await journal.GetLastSequenceAsync(stream));
    }

    [Fact]
    public async Task Database_errors_are_wrapped_with_the_entry_named()
    {
        var stream = NewStream();

        // Valid JSON that jsonb cannot store (NUL in a string).
        var ex = await Assert.ThrowsAsync<JournalException>(() => journal.AppendAsync(stream, 0, "A", """{"s":"a\u0000b"}"""));

        Assert.Contains($"{stream}/0", ex.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(ex.InnerException);
    }

    [Fact]
    public async Task Group_commit_keeps_per_call_outcomes_for_many_concurrent_appends()
    {
        var streams = Enumerable.Range(0, 10).Select(_ => NewStream()).ToList();
        await journal.AppendAsync(streams[0], 0, "Fill", """{"n":0}""");
        await using var grouped = new GroupCommitJournal(journal);

        // 10 streams x 40 entries, every entry sent twice, plus one conflicting append on a stored key.
        var calls = new List<Task<AppendOutcome>>();
        foreach (var copy in new[] { 0, 1 })
        {
            foreach (var stream in streams)
            {
                for (var seq = 0; seq < 40; seq++)
                {
                    var (s, q) = (stream, seq);
                    calls.Add(Task.Run(() => grouped.AppendAsync(s, q, "Fill", $$"""{"n":{{q}}}""")));
                }
            }
        }

        var conflicting = Task.Run(() => grouped.AppendAsync(streams[0], 0, "Fill", """{"n":"other"}"""));
        var outcomes = await Task.WhenAll(calls);
        var conflict = await Assert.ThrowsAsync<JournalConflictException>(() => conflicting);

        Assert.Equal(399, outcomes.Count(o => o == AppendOutcome.Appended));
        Assert.Equal(401, outcomes.Count(o => o == AppendOutcome.Duplicate));
        Assert.Equal(0, conflict.Sequence);
        foreach (var stream in streams)
        {
            Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), (await grouped.ReadAsync(stream, 0, 100)).Select(r => r.Sequence));
        }
    }

    [Fact]
    public async Task Group_commit_writes_queued_appends_before_disposal_completes()
    {
        var stream = NewStream();
        var grouped = new GroupCommitJournal(journal);
        var calls = Enumerable.Range(0, 200).Select(i => grouped.AppendAsync(stream, i, "Fill", "{}")).ToList();

        await grouped.DisposeAsync();

        Assert.All(calls, c => Assert.True(c.IsCompletedSuccessfully));
        Assert.Equal(199, await journal.GetLastSequenceAsync(stream));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => grouped.AppendAsync(stream, 200, "Fill", "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => grouped.AppendAsync(stream, 201, "Fill", "{oops"));
    }

    private static string NewStream() => $"account:{Guid.NewGuid():N}";
}
