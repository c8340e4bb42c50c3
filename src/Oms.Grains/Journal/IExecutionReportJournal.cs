namespace Oms.Grains;

/// <summary>
/// The cold side of an account: an append-only journal of its execution reports, keyed by (account, sequence), and the
/// archive of its closed orders with an index of their fill keys. The account grain keeps only hot state (open orders,
/// balances, the de-duplication window); after each state write it appends the new reports and archives the orders that
/// closed, and it serves stream resumes older than its in-memory ring, closed-order queries and de-duplication of old
/// fills from here. Implementations must be idempotent: appending a report whose (account, sequence) is already stored
/// is a no-op, and archiving an order again keeps the archive with the highest <see cref="OrderRecord.ArchivedAtSequence"/>,
/// so a retried call after a crash is harmless.
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

    /// <summary>
    /// Archives closed orders of one account (an order archived again replaces an archive with a lower
    /// <see cref="OrderRecord.ArchivedAtSequence"/>) and adds their fill keys, and <paramref name="fills"/> (fills of
    /// orders the account does not know), to the account's fill index.
    /// </summary>
    ValueTask ArchiveAsync(AccountId account, IReadOnlyList<OrderRecord> orders, IReadOnlyList<FillTrace> fills, CancellationToken cancellationToken = default);

    /// <summary>The archived orders among <paramref name="clientOrderIds"/> (any order; unknown ids are left out).</summary>
    ValueTask<IReadOnlyList<OrderRecord>> FindOrdersAsync(AccountId account, IReadOnlyCollection<ClientOrderId> clientOrderIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> archived orders of <paramref name="account"/> (of <paramref name="instrument"/> when
    /// given), newest first by <see cref="OrderRecord.CreatedSequence"/>.
    /// </summary>
    ValueTask<IReadOnlyList<OrderRecord>> ListOrdersAsync(AccountId account, InstrumentId? instrument, int limit, CancellationToken cancellationToken = default);

    /// <summary>The keys among <paramref name="keys"/> that the account's fill index holds (fills already applied).</summary>
    ValueTask<IReadOnlyList<FillKey>> FindFillsAsync(AccountId account, IReadOnlyCollection<FillKey> keys, CancellationToken cancellationToken = default);
}
