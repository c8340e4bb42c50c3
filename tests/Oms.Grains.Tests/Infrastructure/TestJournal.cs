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

    private readonly ConcurrentDictionary<AccountId, bool> _failingArchives = new();

    public void Disable(AccountId account) => _unjournaled[account] = true;

    /// <summary>Makes archive calls of <paramref name="account"/> fail (as an unreachable database would) or succeed again.</summary>
    public void FailArchives(AccountId account, bool fail)
    {
        if (fail) _failingArchives[account] = true;
        else _failingArchives.TryRemove(account, out _);
    }

    public ValueTask AppendAsync(AccountId account, IReadOnlyList<ExecutionReport> reports, CancellationToken cancellationToken = default) =>
        _unjournaled.ContainsKey(account) ? ValueTask.CompletedTask : _inner.AppendAsync(account, reports, cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(account, afterSequence, maxCount, cancellationToken);

    // Closed orders and fill keys are always kept (an unjournaled account only loses its report history).
    public ValueTask ArchiveAsync(AccountId account, IReadOnlyList<OrderRecord> orders, IReadOnlyList<FillTrace> fills, CancellationToken cancellationToken = default) =>
        _failingArchives.ContainsKey(account)
            ? ValueTask.FromException(new InvalidOperationException($"test: archive of account {account} fails"))
            : _inner.ArchiveAsync(account, orders, fills, cancellationToken);

    public ValueTask<IReadOnlyList<OrderRecord>> FindOrdersAsync(AccountId account, IReadOnlyCollection<ClientOrderId> clientOrderIds, CancellationToken cancellationToken = default) =>
        _inner.FindOrdersAsync(account, clientOrderIds, cancellationToken);

    public ValueTask<IReadOnlyList<OrderRecord>> ListOrdersAsync(AccountId account, InstrumentId? instrument, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListOrdersAsync(account, instrument, limit, cancellationToken);

    public ValueTask<IReadOnlyList<FillKey>> FindFillsAsync(AccountId account, IReadOnlyCollection<FillKey> keys, CancellationToken cancellationToken = default) =>
        _inner.FindFillsAsync(account, keys, cancellationToken);
}
