using System.Collections.Concurrent;

namespace Oms.Grains;

/// <summary>
/// The default <see cref="IExecutionReportJournal"/>: per silo, in process memory, the most recent
/// <see cref="OmsGrainOptions.InMemoryJournalCapacityPerAccount"/> reports per account. It suits the embedded
/// single-silo profile; a multi-silo cluster registers a shared durable journal (PostgreSQL) instead, because an
/// account that moves to another silo would find this one empty there.
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
        var stream = _streams.GetOrAdd(account, static _ => new AccountStream());
        lock (stream.Gate)
        {
            foreach (var report in reports)
            {
                // Idempotent by (account, sequence): only sequences after the last stored one are appended.
                if (stream.Reports.Count > 0 && report.Sequence <= stream.Reports[^1].Sequence) continue;
                stream.Reports.Add(report);
            }
            var excess = stream.Reports.Count - _capacity;
            if (excess > 0) stream.Reports.RemoveRange(0, excess);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        if (maxCount < 1 || !_streams.TryGetValue(account, out var stream)) return ValueTask.FromResult<IReadOnlyList<ExecutionReport>>([]);
        lock (stream.Gate)
        {
            var reports = stream.Reports;
            var index = LowerBound(reports, afterSequence + 1);
            var count = Math.Min(maxCount, reports.Count - index);
            return ValueTask.FromResult<IReadOnlyList<ExecutionReport>>(count <= 0 ? [] : reports.GetRange(index, count).ToArray());
        }
    }

    private static int LowerBound(List<ExecutionReport> reports, long sequence)
    {
        int lo = 0, hi = reports.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (reports[mid].Sequence < sequence) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private sealed class AccountStream
    {
        public Lock Gate { get; } = new();
        public List<ExecutionReport> Reports { get; } = [];
    }
}
