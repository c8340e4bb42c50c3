using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Oms.Storage.PostgreSql.Journal;

/// <summary>
/// <see cref="IEventJournal"/> on the <c>oms_journal</c> table (migration 0005). Batches are written with
/// one array-parameter INSERT per chunk of <see cref="MaxRowsPerStatement"/> entries inside one transaction;
/// duplicates and conflicts are told apart by comparing kind and jsonb payload with the stored row.
/// </summary>
public sealed class PostgresJournal : IEventJournal
{
    /// <summary>Entries per INSERT statement; larger batches are split, still in one transaction.</summary>
    public const int MaxRowsPerStatement = 1000;

    /// <summary>Upper bound on <c>max</c> for <see cref="ReadAsync"/>.</summary>
    public const int MaxReadCount = 100_000;

    private const string InsertSql = """
        INSERT INTO oms_journal (stream_id, sequence, kind, payload)
        SELECT t.stream_id, t.sequence, t.kind, t.payload::jsonb
          FROM unnest(@stream_ids, @sequences, @kinds, @payloads) WITH ORDINALITY AS t(stream_id, sequence, kind, payload, ord)
         ORDER BY t.ord
        ON CONFLICT (stream_id, sequence) DO NOTHING
        RETURNING stream_id, sequence
        """;

    // Compares the entries that were not inserted with what is stored (committed by another writer, or
    // written earlier in this same batch). jsonb equality ignores key order and whitespace.
    private const string CompareSql = """
        SELECT t.ord, j.kind, (j.kind = t.kind AND j.payload = t.payload::jsonb) AS same
          FROM unnest(@ords, @stream_ids, @sequences, @kinds, @payloads) AS t(ord, stream_id, sequence, kind, payload)
          JOIN oms_journal j ON j.stream_id = t.stream_id AND j.sequence = t.sequence
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger logger;

    /// <summary>Creates a journal over <paramref name="dataSource"/> (not owned: the caller disposes it).</summary>
    public PostgresJournal(NpgsqlDataSource dataSource, ILogger<PostgresJournal>? logger = null)
    {
        this.dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<AppendOutcome> AppendAsync(string streamId, long sequence, string kind, string jsonPayload, CancellationToken cancellationToken = default)
    {
        var outcomes = await AppendBatchAsync([new JournalEntry(streamId, sequence, kind, jsonPayload)], cancellationToken).ConfigureAwait(false);
        return outcomes[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppendOutcome>> AppendBatchAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken = default)
    {
        var results = await WriteAsync(entries, atomic: true, cancellationToken).ConfigureAwait(false);
        var outcomes = new AppendOutcome[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            outcomes[i] = results[i].Outcome ?? throw results[i].Conflict!;
        }

        return outcomes;
    }

    /// <summary>
    /// Writes entries that belong to unrelated callers (group commit): no transaction spans them, so a
    /// conflicting entry is reported in its own result and does not stop the others.
    /// </summary>
    internal Task<AppendResult[]> AppendIndependentAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken) =>
        WriteAsync(entries, atomic: false, cancellationToken);

    private async Task<AppendResult[]> WriteAsync(IReadOnlyList<JournalEntry> entries, bool atomic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            entry.Validate();
        }

        var outcomes = new AppendOutcome?[entries.Count];
        var conflicts = new List<(int Index, string ExistingKind)>();
        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new JournalException($"Failed to append {Describe(entries)} to the journal: cannot connect: {ex.Message}", ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            // An atomic batch of several entries runs in one transaction; otherwise each INSERT statement stands alone.
            var transaction = atomic && entries.Count > 1
                ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                : null;
            try
            {
                // Rows are inserted in key order, so concurrent batches take their locks in the same order
                // and cannot deadlock on each other. The sort is stable: the first copy of a repeated key wins.
                var keyOrder = Enumerable.Range(0, entries.Count)
                    .OrderBy(i => entries[i].StreamId, StringComparer.Ordinal)
                    .ThenBy(i => entries[i].Sequence)
                    .ToList();
                var notInserted = new List<int>();
                var seenKeys = new HashSet<(string, long)>(entries.Count);
                for (var start = 0; start < keyOrder.Count; start += MaxRowsPerStatement)
                {
                    var chunk = keyOrder.GetRange(start, Math.Min(MaxRowsPerStatement, keyOrder.Count - start));
                    await InsertChunkAsync(connection, transaction, entries, chunk, seenKeys, outcomes, notInserted, cancellationToken).ConfigureAwait(false);
                }

                if (notInserted.Count > 0)
                {
                    await CompareNotInsertedAsync(connection, transaction, entries, notInserted, outcomes, conflicts, cancellationToken).ConfigureAwait(false);
                }

                if (transaction is not null && conflicts.Count == 0)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException ex)
            {
                var reason = ex is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message;
                throw new JournalException(
                    $"Failed to append {Describe(entries)} to the journal: {reason}. Appends are idempotent: retrying the same call is safe.", ex);
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync().ConfigureAwait(false); // rolls back unless committed
                }
            }
        }

        var results = new AppendResult[entries.Count];
        if (conflicts.Count > 0)
        {
            conflicts.Sort((a, b) => a.Index.CompareTo(b.Index));
            var first = entries[conflicts[0].Index];
            logger.LogWarning(
                "Journal conflict on {StreamId}/{Sequence}: stored kind {ExistingKind}, attempted {AttemptedKind}; {Count} conflicting entr(y/ies) among {BatchSize}{Rejected}",
                first.StreamId, first.Sequence, conflicts[0].ExistingKind, first.Kind, conflicts.Count, entries.Count, atomic ? ", batch rejected" : string.Empty);
            foreach (var (index, existingKind) in conflicts)
            {
                var entry = entries[index];
                var conflict = new JournalConflictException(entry.StreamId, entry.Sequence, existingKind, entry.Kind, atomic ? conflicts.Count : 1);
                if (atomic)
                {
                    // Nothing was committed: the whole batch fails with its first conflict.
                    Array.Fill(results, new AppendResult(null, conflict));
                    return results;
                }

                results[index] = new AppendResult(null, conflict);
            }
        }

        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Conflict is null)
            {
                results[i] = new AppendResult(
                    outcomes[i] ?? throw new InvalidOperationException($"Journal entry {entries[i].StreamId}/{entries[i].Sequence} has no outcome."),
                    null);
            }
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug(
                "Journal append of {Description}: {Appended} appended, {Duplicates} duplicate(s), {Conflicts} conflict(s)",
                Describe(entries), results.Count(r => r.Outcome == AppendOutcome.Appended), results.Count(r => r.Outcome == AppendOutcome.Duplicate), conflicts.Count);
        }

        return results;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalRecord>> ReadAsync(string streamId, long fromSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        if (max is <= 0 or > MaxReadCount)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"Journal read of stream {streamId}: max must be 1-{MaxReadCount}.");
        }

        var command = dataSource.CreateCommand("""
            SELECT stream_id, sequence, kind, payload::text, recorded_at
              FROM oms_journal
             WHERE stream_id = @stream_id AND sequence >= @from
             ORDER BY sequence
             LIMIT @max
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("stream_id", NpgsqlDbType.Text) { TypedValue = streamId });
            command.Parameters.Add(new NpgsqlParameter<long>("from", NpgsqlDbType.Bigint) { TypedValue = Math.Max(0, fromSequence) });
            command.Parameters.Add(new NpgsqlParameter<int>("max", NpgsqlDbType.Integer) { TypedValue = max });
            var records = new List<JournalRecord>(Math.Min(max, 1024));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(new JournalRecord(
                        reader.GetString(0),
                        reader.GetInt64(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetFieldValue<DateTimeOffset>(4)));
                }
            }

            return records;
        }
    }

    /// <inheritdoc />
    public async Task<long?> GetLastSequenceAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var command = dataSource.CreateCommand("SELECT max(sequence) FROM oms_journal WHERE stream_id = @stream_id");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("stream_id", NpgsqlDbType.Text) { TypedValue = streamId });
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is long sequence ? sequence : null;
        }
    }

    private static async Task InsertChunkAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyList<JournalEntry> entries,
        List<int> chunk,
        HashSet<(string, long)> seenKeys,
        AppendOutcome?[] outcomes,
        List<int> notInserted,
        CancellationToken cancellationToken)
    {
        // An entry repeated within the batch is inserted once; its later copies are compared afterwards.
        var indexes = new List<int>(chunk.Count);
        foreach (var i in chunk)
        {
            if (seenKeys.Add((entries[i].StreamId, entries[i].Sequence)))
            {
                indexes.Add(i);
            }
            else
            {
                notInserted.Add(i);
            }
        }

        if (indexes.Count == 0)
        {
            return;
        }

        var command = new NpgsqlCommand(InsertSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            AddArrays(command, entries, indexes, withOrdinals: false);
            var inserted = new HashSet<(string, long)>(indexes.Count);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    inserted.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            foreach (var i in indexes)
            {
                if (inserted.Contains((entries[i].StreamId, entries[i].Sequence)))
                {
                    outcomes[i] = AppendOutcome.Appended;
                }
                else
                {
                    notInserted.Add(i);
                }
            }
        }
    }

    private static async Task CompareNotInsertedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyList<JournalEntry> entries,
        List<int> notInserted,
        AppendOutcome?[] outcomes,
        List<(int Index, string ExistingKind)> conflicts,
        CancellationToken cancellationToken)
    {
        var resolved = new HashSet<int>();
        for (var start = 0; start < notInserted.Count; start += MaxRowsPerStatement)
        {
            var chunk = notInserted.GetRange(start, Math.Min(MaxRowsPerStatement, notInserted.Count - start));
            var command = new NpgsqlCommand(CompareSql, connection, transaction);
            await using (command.ConfigureAwait(false))
            {
                AddArrays(command, entries, chunk, withOrdinals: true);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var index = reader.GetInt32(0);
                        resolved.Add(index);
                        if (reader.GetBoolean(2))
                        {
                            outcomes[index] = AppendOutcome.Duplicate;
                        }
                        else
                        {
                            conflicts.Add((index, reader.GetString(1)));
                        }
                    }
                }
            }
        }

        var missing = notInserted.FirstOrDefault(i => !resolved.Contains(i), -1);
        if (missing >= 0)
        {
            // ON CONFLICT DO NOTHING skipped it, yet no row is visible: only possible if the row was removed
            // meanwhile, which the append-only triggers forbid.
            throw new JournalException(
                $"Journal entry {entries[missing].StreamId}/{entries[missing].Sequence} was neither written nor found; is oms_journal append-only?");
        }
    }

    private static void AddArrays(NpgsqlCommand command, IReadOnlyList<JournalEntry> entries, List<int> indexes, bool withOrdinals)
    {
        var streamIds = new string[indexes.Count];
        var sequences = new long[indexes.Count];
        var kinds = new string[indexes.Count];
        var payloads = new string[indexes.Count];
        var ordinals = new int[indexes.Count];
        for (var i = 0; i < indexes.Count; i++)
        {
            var entry = entries[indexes[i]];
            streamIds[i] = entry.StreamId;
            sequences[i] = entry.Sequence;
            kinds[i] = entry.Kind;
            payloads[i] = entry.PayloadJson;
            ordinals[i] = indexes[i];
        }

        if (withOrdinals)
        {
            command.Parameters.Add(new NpgsqlParameter<int[]>("ords", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = ordinals });
        }

        command.Parameters.Add(new NpgsqlParameter<string[]>("stream_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = streamIds });
        command.Parameters.Add(new NpgsqlParameter<long[]>("sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sequences });
        command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = payloads });
    }

    /// <summary>One entry's result in a group write: an outcome, or the conflict it met.</summary>
    internal readonly record struct AppendResult(AppendOutcome? Outcome, JournalConflictException? Conflict);

    private static string Describe(IReadOnlyList<JournalEntry> entries) =>
        entries.Count == 1
            ? $"entry {entries[0].StreamId}/{entries[0].Sequence}"
            : $"a batch of {entries.Count} entries starting at {entries[0].StreamId}/{entries[0].Sequence}";
}
