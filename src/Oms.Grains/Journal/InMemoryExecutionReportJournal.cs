using System.Collections.Concurrent;

namespace Oms.Grains;

/// <summary>
/// The default <see cref="IExecutionReportJournal"/>: per silo, in process memory, the most recent
/// <see cref="OmsGrainOptions.InMemoryJournalCapacityPerAccount"/> reports, archived orders and fill keys per account
/// (each a ring: O(1) append, the oldest pushed out). It suits the embedded single-silo profile; a multi-silo cluster
/// registers a shared durable journal (PostgreSQL) instead, because an account that moves to another silo would find
/// this one empty there.
/// </summary>
public sealed class InMemoryExecutionReportJournal : IExecutionReportJournal
{
    private readonly ConcurrentDictionary<AccountId, AccountStream> _streams = new();
    private readonly int _capacity;

    public InMemoryExecutionReportJournal(IOptions<OmsGrainOptions> options)
    {
        _capacity = options.Value.InMemoryJournalCapacityPerAccount;
    }

    public ValueTask AppendAsync(AccountId account, IReadOnlyList<ExecutionReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) return ValueTask.CompletedTask;
        var stream = Stream(account);
        lock (stream.Gate)
        {
            foreach (var report in reports)
            {
                // Idempotent by (account, sequence): only sequences after the last stored one are appended.
                if (stream.Reports.Count > 0 && report.Sequence <= stream.Reports.Newest.Sequence) continue;
                stream.Reports.Add(report);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        if (maxCount < 1 || !_streams.TryGetValue(account, out var stream)) return ValueTask.FromResult<IReadOnlyList<ExecutionReport>>([]);
        lock (stream.Gate)
        {
            var reports = stream.Reports;
            var index = reports.LowerBound(r => r.Sequence > afterSequence);
            var count = Math.Min(maxCount, reports.Count - index);
            if (count <= 0) return ValueTask.FromResult<IReadOnlyList<ExecutionReport>>([]);
            var result = new ExecutionReport[count];
            for (var i = 0; i < count; i++) result[i] = reports[index + i];
            return ValueTask.FromResult<IReadOnlyList<ExecutionReport>>(result);
        }
    }

    public ValueTask ArchiveAsync(AccountId account, IReadOnlyList<OrderRecord> orders, IReadOnlyList<FillTrace> fills, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(fills);
        if (orders.Count == 0 && fills.Count == 0) return ValueTask.CompletedTask;
        var stream = Stream(account);
        lock (stream.Gate)
        {
            foreach (var record in orders)
            {
                var id = record.Order.ClientOrderId;
                var known = stream.Orders.TryGetValue(id, out var stored);
                if (known && stored!.ArchivedAtSequence > record.ArchivedAtSequence) continue;
                stream.Orders[id] = record;
                if ((!known || stored!.ArchivedAtSequence != record.ArchivedAtSequence)
                    && stream.OrderAges.Add((id, record.ArchivedAtSequence), out var old))
                {
                    ForgetOrder(stream, old);
                }
                foreach (var key in record.FillKeys) IndexFill(stream, key);
            }
            foreach (var fill in fills) IndexFill(stream, fill.Key);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<OrderRecord>> FindOrdersAsync(AccountId account, IReadOnlyCollection<ClientOrderId> clientOrderIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientOrderIds);
        if (clientOrderIds.Count == 0 || !_streams.TryGetValue(account, out var stream)) return ValueTask.FromResult<IReadOnlyList<OrderRecord>>([]);
        lock (stream.Gate)
        {
            var found = new List<OrderRecord>();
            foreach (var id in clientOrderIds)
            {
                if (id.Value is not null && stream.Orders.TryGetValue(id, out var record)) found.Add(record);
            }
            return ValueTask.FromResult<IReadOnlyList<OrderRecord>>(found);
        }
    }

    public ValueTask<IReadOnlyList<OrderRecord>> ListOrdersAsync(AccountId account, InstrumentId? instrument, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1 || !_streams.TryGetValue(account, out var stream)) return ValueTask.FromResult<IReadOnlyList<OrderRecord>>([]);
        lock (stream.Gate)
        {
            // The newest `limit` by creation: a bounded min-heap over the archive (queries are not on the hot path).
            var newest = new PriorityQueue<OrderRecord, long>(limit + 1);
            foreach (var record in stream.Orders.Values)
            {
                if (instrument is { } only && record.Order.Instrument != only) continue;
                newest.Enqueue(record, record.CreatedSequence);
                if (newest.Count > limit) newest.Dequeue();
            }
            var result = new OrderRecord[newest.Count];
            for (var i = result.Length - 1; i >= 0; i--) result[i] = newest.Dequeue();
            return ValueTask.FromResult<IReadOnlyList<OrderRecord>>(result);
        }
    }

    public ValueTask<IReadOnlyList<FillKey>> FindFillsAsync(AccountId account, IReadOnlyCollection<FillKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || !_streams.TryGetValue(account, out var stream)) return ValueTask.FromResult<IReadOnlyList<FillKey>>([]);
        lock (stream.Gate)
        {
            return ValueTask.FromResult<IReadOnlyList<FillKey>>(keys.Where(stream.Fills.Contains).ToArray());
        }
    }

    private AccountStream Stream(AccountId account) => _streams.GetOrAdd(account, static (_, capacity) => new AccountStream(capacity), _capacity);

    private static void ForgetOrder(AccountStream stream, (ClientOrderId Id, long ArchivedAt) old)
    {
        // An order archived again has a newer age entry; only the entry of the stored archive removes it.
        if (stream.Orders.TryGetValue(old.Id, out var stored) && stored.ArchivedAtSequence == old.ArchivedAt) stream.Orders.Remove(old.Id);
    }

    private static void IndexFill(AccountStream stream, FillKey key)
    {
        if (!stream.Fills.Add(key)) return;
        if (stream.FillAges.Add(key, out var old)) stream.Fills.Remove(old);
    }

    private sealed class AccountStream(int capacity)
    {
        public Lock Gate { get; } = new();
        public RingBuffer<ExecutionReport> Reports { get; } = new(capacity);
        public Dictionary<ClientOrderId, OrderRecord> Orders { get; } = [];
        public RingBuffer<(ClientOrderId, long)> OrderAges { get; } = new(capacity);
        public HashSet<FillKey> Fills { get; } = [];
        public RingBuffer<FillKey> FillAges { get; } = new(capacity);
    }
}
