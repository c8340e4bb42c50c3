namespace Oms.Grains;

/// <summary>
/// An append-only journal of one account's execution reports, keyed by (account, sequence). The account grain
/// appends every report after its state write returned, and serves stream resumes older than its in-state ring
/// from here. Implementations must be idempotent: appending a report whose (account, sequence) is already stored
/// is a no-op, so a retried append after a crash is harmless.
/// </summary>
public interface IExecutionReportJournal
{
    /// <summary>Appends reports (ascending sequence) of one account; already stored sequences are skipped.</summary>
    ValueTask AppendAsync(AccountId account, IReadOnlyList<ExecutionReport> reports, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns up to <paramref name="maxCount"/> reports of <paramref name="account"/> with a sequence greater than
    /// <paramref name="afterSequence"/>, in ascending order. The result starts at the first stored sequence after
    /// <paramref name="afterSequence"/>; callers check it is contiguous.
    /// </summary>
    ValueTask<IReadOnlyList<ExecutionReport>> ReadAsync(AccountId account, long afterSequence, int maxCount, CancellationToken cancellationToken = default);
}
