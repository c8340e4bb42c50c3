using System.Text.Json;

namespace Oms.Storage.PostgreSql.Journal;

/// <summary>What an append did.</summary>
public enum AppendOutcome
{
    /// <summary>The entry was written.</summary>
    Appended = 1,

    /// <summary>An identical entry (same kind, semantically equal JSON) was already there; nothing was written.</summary>
    Duplicate = 2,
}

/// <summary>An entry to append.</summary>
/// <param name="StreamId">The stream (1–256 characters), e.g. <c>account:acc-1</c>.</param>
/// <param name="Sequence">Position in the stream, ≥ 0, assigned by the writer.</param>
/// <param name="Kind">Event kind (1–128 characters), e.g. <c>OrderFilled</c>.</param>
/// <param name="PayloadJson">The event as JSON.</param>
public sealed record JournalEntry(string StreamId, long Sequence, string Kind, string PayloadJson)
{
    internal const int MaxStreamIdLength = 256;
    internal const int MaxKindLength = 128;

    /// <summary>Throws <see cref="ArgumentException"/> naming the entry when a field is out of range or the payload is not JSON.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(StreamId) || StreamId.Length > MaxStreamIdLength)
        {
            throw new ArgumentException($"Journal stream id must be 1-{MaxStreamIdLength} characters (was '{StreamId}').", nameof(StreamId));
        }

        if (Sequence < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Sequence), Sequence, $"Journal entry {StreamId}/{Sequence}: sequence must be >= 0.");
        }

        if (string.IsNullOrEmpty(Kind) || Kind.Length > MaxKindLength)
        {
            throw new ArgumentException($"Journal entry {StreamId}/{Sequence}: kind must be 1-{MaxKindLength} characters.", nameof(Kind));
        }

        if (string.IsNullOrWhiteSpace(PayloadJson))
        {
            throw new ArgumentException($"Journal entry {StreamId}/{Sequence}: payload is empty.", nameof(PayloadJson));
        }

        try
        {
            using var document = JsonDocument.Parse(PayloadJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Journal entry {StreamId}/{Sequence}: payload is not valid JSON: {ex.Message}", nameof(PayloadJson), ex);
        }
    }
}

/// <summary>An entry as stored.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Sequence">Position in the stream.</param>
/// <param name="Kind">Event kind.</param>
/// <param name="PayloadJson">The payload in PostgreSQL's canonical jsonb text (semantically equal to what was appended; key order and whitespace may differ).</param>
/// <param name="RecordedAt">When the database recorded the entry.</param>
public sealed record JournalRecord(string StreamId, long Sequence, string Kind, string PayloadJson, DateTimeOffset RecordedAt);

/// <summary>A journal operation failed.</summary>
public class JournalException : Exception
{
    public JournalException()
    {
    }

    public JournalException(string message)
        : base(message)
    {
    }

    public JournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An append named an existing (stream, sequence) with a different kind or payload.</summary>
public sealed class JournalConflictException : JournalException
{
    public JournalConflictException()
    {
    }

    public JournalConflictException(string message)
        : base(message)
    {
    }

    public JournalConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public JournalConflictException(string streamId, long sequence, string existingKind, string attemptedKind, int conflictsInBatch)
        : base(BuildMessage(streamId, sequence, existingKind, attemptedKind, conflictsInBatch))
    {
        StreamId = streamId;
        Sequence = sequence;
        ExistingKind = existingKind;
        AttemptedKind = attemptedKind;
    }

    /// <summary>The stream of the (first) conflicting entry.</summary>
    public string? StreamId { get; }

    /// <summary>The sequence of the (first) conflicting entry.</summary>
    public long Sequence { get; }

    /// <summary>The kind already stored under that key.</summary>
    public string? ExistingKind { get; }

    /// <summary>The kind the rejected append carried.</summary>
    public string? AttemptedKind { get; }

    private static string BuildMessage(string streamId, long sequence, string existingKind, string attemptedKind, int conflictsInBatch)
    {
        var what = string.Equals(existingKind, attemptedKind, StringComparison.Ordinal)
            ? $"a different {attemptedKind} payload"
            : $"kind {attemptedKind} (stored: {existingKind})";
        var more = conflictsInBatch > 1 ? $"; {conflictsInBatch - 1} more conflicting entr{(conflictsInBatch == 2 ? "y" : "ies")} in the batch, none written" : string.Empty;
        return $"Journal entry {streamId}/{sequence} already exists with different content: attempted {what}{more}.";
    }
}
