namespace Oms.Storage.PostgreSql.Journal;

/// <summary>
/// An append-only journal of order events and fills, one stream per aggregate (e.g. per account), used for
/// audit and replay. Each entry is keyed by (stream, sequence); appends are idempotent on that key.
/// </summary>
public interface IEventJournal
{
    /// <summary>
    /// Appends one entry. Appending the same kind and (semantically) the same JSON payload under an existing
    /// key is a no-op that returns <see cref="AppendOutcome.Duplicate"/>; anything else under an existing key
    /// throws <see cref="JournalConflictException"/>.
    /// </summary>
    Task<AppendOutcome> AppendAsync(string streamId, long sequence, string kind, string jsonPayload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends many entries in one transaction, with the same per-entry idempotency as <see cref="AppendAsync"/>.
    /// All or nothing: when any entry conflicts, none of the batch is written and
    /// <see cref="JournalConflictException"/> is thrown. Returns one outcome per entry, in input order.
    /// </summary>
    Task<IReadOnlyList<AppendOutcome>> AppendBatchAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="max"/> entries of a stream with sequence ≥ <paramref name="fromSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<JournalRecord>> ReadAsync(string streamId, long fromSequence, int max, CancellationToken cancellationToken = default);

    /// <summary>Returns the highest sequence in a stream, or null when the stream is empty.</summary>
    Task<long?> GetLastSequenceAsync(string streamId, CancellationToken cancellationToken = default);
}
