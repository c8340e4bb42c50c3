using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Oms.Grains.Tests.Infrastructure;

/// <summary>
/// The journal the test silos share (one instance for the whole in-process cluster, as a shared database would be).
/// It delegates to <see cref="InMemoryExecutionReportJournal"/>, except for accounts a test marks as unjournaled:
/// for those it keeps nothing, so resumes older than the ring are truncated.
/// </summary>
public sealed class TestJournal : IExecutionReportJournal
{
    private readonly InMemoryExecutionReportJournal _inner = new(Options.Create(new OmsGrainOptions()));
    private readonly ConcurrentDictionary<AccountId, bool> _unjournaled = new();

    public void Disable(AccountId account) => _unjournaled[account] = true;

    public ValueTask AppendAsync(AccountId account, IReadOnlyList<ExecutionReport> reports, CancellationToken cancellationToken = default) =>
        _unjournaled.ContainsKey(account) ? ValueTask.CompletedTask : _inner.AppendAsync(account, reports, cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(account, afterSequence, maxCount, cancellationToken);
}
