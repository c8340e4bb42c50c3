using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Oms.Storage.PostgreSql.Journal;

/// <summary>
/// An <see cref="IEventJournal"/> that coalesces concurrent <see cref="AppendAsync"/> calls (e.g. from many
/// grains) into one INSERT statement: while a write is in flight, new appends queue up, and the next write
/// takes all of them (up to <see cref="PostgresJournal.MaxRowsPerStatement"/>). Nothing waits on a timer, so
/// a lone append is written at once. Each call keeps its own semantics: a duplicate is
/// <see cref="AppendOutcome.Duplicate"/> and a conflict fails only that call. Batches, reads and
/// <see cref="GetLastSequenceAsync"/> go straight to the inner journal.
/// </summary>
public sealed class GroupCommitJournal : IEventJournal, IAsyncDisposable, IDisposable
{
    private readonly PostgresJournal inner;
    private readonly ILogger logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    public GroupCommitJournal(PostgresJournal inner, ILogger<GroupCommitJournal>? logger = null)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Cancelling stops the wait, not necessarily the write: an entry already taken into a group may still be
    /// written. Appends are idempotent, so repeating it later is safe.
    /// </remarks>
    public Task<AppendOutcome> AppendAsync(string streamId, long sequence, string kind, string jsonPayload, CancellationToken cancellationToken = default)
    {
        var entry = new JournalEntry(streamId, sequence, kind, jsonPayload);
        try
        {
            entry.Validate();
        }
        catch (ArgumentException ex)
        {
            return Task.FromException<AppendOutcome>(ex);
        }

        var pending = new Pending(entry);
        if (!queue.Writer.TryWrite(pending))
        {
            return Task.FromException<AppendOutcome>(
                new ObjectDisposedException(nameof(GroupCommitJournal), "The journal is shutting down; the entry was not written."));
        }

        return cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AppendOutcome>> AppendBatchAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken = default) =>
        inner.AppendBatchAsync(entries, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalRecord>> ReadAsync(string streamId, long fromSequence, int max, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(streamId, fromSequence, max, cancellationToken);

    /// <inheritdoc />
    public Task<long?> GetLastSequenceAsync(string streamId, CancellationToken cancellationToken = default) =>
        inner.GetLastSequenceAsync(streamId, cancellationToken);

    /// <summary>Stops accepting appends, writes everything already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking (for containers disposed synchronously).</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        writer.GetAwaiter().GetResult();
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Pending>(PostgresJournal.MaxRowsPerStatement);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < PostgresJournal.MaxRowsPerStatement && queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            await WriteGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task WriteGroupAsync(List<Pending> group)
    {
        try
        {
            var results = await inner.AppendIndependentAsync(group.ConvertAll(p => p.Entry), CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                if (results[i].Conflict is { } conflict)
                {
                    group[i].Completion.TrySetException(conflict);
                }
                else
                {
                    group[i].Completion.TrySetResult(results[i].Outcome!.Value);
                }
            }
        }
        catch (Exception ex)
        {
            // The whole group failed (database unreachable, ...): every caller sees the error and may retry.
            logger.LogWarning(ex, "Journal group write of {Count} entr(y/ies) failed", group.Count);
            foreach (var pending in group)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    private sealed class Pending(JournalEntry entry)
    {
        public JournalEntry Entry { get; } = entry;

        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
