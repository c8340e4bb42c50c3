namespace Oms.Grains;

// Execution reports, persistence and the journal (reports, closed orders, old fill keys).
public sealed partial class AccountGrain
{
    /// <summary>The most recent published and unpublished reports in memory (not persisted), for stream reads.</summary>
    private RingBuffer<ExecutionReport> _ring = new(1);
    /// <summary>Reports numbered in this activation whose state write has not returned yet.</summary>
    private readonly List<ExecutionReport> _unpublished = [];
    /// <summary>The last sequence whose state write returned: readers never see beyond it.</summary>
    private long _published;
    private long _journaledThrough;
    /// <summary>Completed (and replaced) each time new reports are published; long-polling readers wait on it.</summary>
    private TaskCompletionSource _reportsArrived = NewSignal();
    /// <summary>The outbox changed in memory (acknowledged fills removed) since the last write.</summary>
    private bool _outboxDirty;
    /// <summary>A write failed and the reload failed too: this activation must not serve another command.</summary>
    private bool _poisoned;

    public async Task<ExecutionReportBatch> ReadExecutionReportsAsync(long afterSequence, int maxCount, TimeSpan wait)
    {
        // Interleaves with every other call: only reads state, and only what a completed write made durable.
        var after = Math.Max(0L, afterSequence);
        var count = Math.Clamp(maxCount, 1, _options.MaxReadBatch);
        if (after == _published && wait > TimeSpan.Zero)
        {
            var timeout = wait < _options.MaxReadWait ? wait : _options.MaxReadWait;
            var arrived = _reportsArrived.Task;
            try
            {
                await arrived.WaitAsync(timeout, _clock);
            }
            catch (TimeoutException)
            {
                // Nothing new within the wait: an empty batch tells the reader to ask again.
            }
        }
        return await BuildBatchAsync(after, count);
    }

    private async Task<ExecutionReportBatch> BuildBatchAsync(long after, int count)
    {
        var published = _published;
        if (after >= published) return Batch([], published, FirstRetained(published), truncated: false);

        if (after + 1 >= FirstRetained(published)) return Batch(FromRing(after + 1, count, published), published, FirstRetained(published), truncated: false);

        // Older than the ring: the journal may still have them.
        IReadOnlyList<ExecutionReport> journaled;
        try
        {
            journaled = await _journal.ReadAsync(_account, after, count);
        }
        catch (Exception ex)
        {
            Log.JournalReadFailed(_logger, ex, _account, after);
            journaled = [];
        }
        var contiguous = new List<ExecutionReport>(journaled.Count);
        var expected = after + 1;
        foreach (var report in journaled)
        {
            if (report.Sequence != expected || report.Sequence > published) break;
            contiguous.Add(report);
            expected++;
        }
        if (contiguous.Count > 0) return Batch(contiguous, published, after + 1, truncated: false);

        // Gone from the ring and the journal: start at the oldest retained report and say so.
        published = _published;
        var first = FirstRetained(published);
        return Batch(FromRing(first, count, published), published, first, truncated: true);
    }

    private long FirstRetained(long published) => _ring.Count > 0 ? Math.Min(_ring.Oldest.Sequence, published + 1) : published + 1;

    private List<ExecutionReport> FromRing(long fromSequence, int count, long published)
    {
        var ring = _ring;
        var result = new List<ExecutionReport>(Math.Min(count, ring.Count));
        if (ring.Count == 0) return result;
        var start = (int)Math.Max(0L, fromSequence - ring.Oldest.Sequence);
        for (var i = start; i < ring.Count && result.Count < count && ring[i].Sequence <= published; i++) result.Add(ring[i]);
        return result;
    }

    private static ExecutionReportBatch Batch(IReadOnlyList<ExecutionReport> reports, long last, long first, bool truncated) => new()
    {
        Reports = reports,
        LastSequence = last,
        FirstAvailableSequence = first,
        Truncated = truncated,
    };

    /// <summary>
    /// Numbers an order event with the next sequence and keeps it in the in-memory ring and in the persisted journal
    /// backlog (published after the write, journaled after that).
    /// </summary>
    private void AddReport(OrderEvent orderEvent, Order order)
    {
        var report = new ExecutionReport(++S.LastSequence, orderEvent, Snap(order));
        _ring.Add(report);
        S.RecentReports.Add(report);
        var excess = S.RecentReports.Count - _options.ExecutionReportRingCapacity;
        // Only while the journal is unreachable: the backlog keeps the newest; CatchUpJournalAsync logs the gap.
        if (excess > 0) S.RecentReports.RemoveRange(0, excess);
        _unpublished.Add(report);
    }

    /// <summary>Writes the state, then publishes the new reports to readers, appends them to the journal and archives closed orders.</summary>
    private async Task PersistAsync()
    {
        await WriteAsync();
        var append = Task.CompletedTask;
        if (_unpublished.Count > 0)
        {
            var reports = _unpublished.ToArray();
            _unpublished.Clear();
            _published = reports[^1].Sequence;
            SignalReaders();
            NotifyStrategies(reports);
            append = AppendToJournalAsync(reports);
        }
        // Both journal calls are in flight together (a group-committing journal writes them in one round trip); they
        // touch disjoint parts of the state (the report backlog; closed orders and the window).
        var archive = ArchiveClosedAsync();
        await append;
        await archive;
    }

    /// <summary>
    /// Moves the orders that closed (and the keys of fills of unknown orders) to the journal, after the write that closed
    /// them returned; once it took them they leave the hot state, their fill keys join the de-duplication window, and
    /// the next write persists the smaller state. On failure they stay and the maintenance timer retries.
    /// </summary>
    private async Task ArchiveClosedAsync()
    {
        if (S.ClosedOrders.Count == 0 && S.UnarchivedFills.Count == 0) return;
        var records = new List<OrderRecord>(S.ClosedOrders.Count);
        foreach (var id in S.ClosedOrders)
        {
            if (S.Orders.TryGetValue(id, out var record) && !record.Order.IsOpen)
            {
                record.ArchivedAtSequence = S.LastSequence;
                records.Add(record);
            }
        }
        var fills = S.UnarchivedFills.ToArray();
        try
        {
            await _journal.ArchiveAsync(_account, records, fills);
        }
        catch (Exception ex)
        {
            Log.ArchiveFailed(_logger, ex, _account, records.Count, fills.Length);
            return;
        }
        foreach (var record in records)
        {
            var id = record.Order.ClientOrderId;
            // A late fill may have re-opened it while the archive call was in flight: then it stays.
            if (record.Order.IsOpen || !S.Orders.Remove(id)) continue;
            S.ClosedOrders.Remove(id);
            _needsQuery.Remove(id);
            foreach (var key in record.FillKeys)
            {
                UnindexFill(key);
                RememberFill(new FillTrace(key, record.LastFillAt ?? record.Order.UpdatedAt));
            }
        }
        if (fills.Length > 0)
        {
            S.UnarchivedFills.RemoveRange(0, fills.Length);
            foreach (var fill in fills) UnindexFill(fill.Key);
        }
        PruneOrderLists();
        _outboxDirty = true;
    }

    private async Task WriteAsync()
    {
        S.JournaledThrough = _journaledThrough;
        try
        {
            await _state.WriteStateAsync();
            _outboxDirty = false;
        }
        catch (Exception ex)
        {
            Log.WriteFailed(_logger, ex, _account);
            await ReloadAfterFailedWriteAsync();
            throw;
        }
    }

    /// <summary>
    /// After a failed write the in-memory state is ahead of storage: reload what storage has (which may include the
    /// write, if only its acknowledgement was lost) or, failing that, deactivate so the next call starts clean.
    /// </summary>
    private async Task ReloadAfterFailedWriteAsync()
    {
        _unpublished.Clear();
        try
        {
            await _state.ReadStateAsync();
            RebuildIndexes();
            if (S.LastSequence > _published)
            {
                _published = S.LastSequence;
                SignalReaders();
            }
        }
        catch (Exception ex)
        {
            // In-memory state is ahead of storage and cannot be trusted: refuse further calls until deactivated.
            _poisoned = true;
            Log.ReloadFailed(_logger, ex, _account);
            this.DeactivateOnIdle();
        }
    }

    private void ThrowIfPoisoned()
    {
        if (_poisoned) throw new InvalidOperationException($"account {_account} is deactivating after a storage failure; retry");
    }

    private void SignalReaders()
    {
        var arrived = _reportsArrived;
        _reportsArrived = NewSignal();
        arrived.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AppendToJournalAsync(IReadOnlyList<ExecutionReport> reports)
    {
        if (reports[0].Sequence > _journaledThrough + 1)
        {
            // An earlier append failed: catch up from the backlog, which still holds these reports too.
            await CatchUpJournalAsync();
            return;
        }
        try
        {
            await _journal.AppendAsync(_account, reports);
            MarkJournaled(reports[^1].Sequence);
        }
        catch (Exception ex)
        {
            Log.JournalAppendFailed(_logger, ex, _account, reports[0].Sequence, reports[^1].Sequence);
        }
    }

    /// <summary>The journal has every report through <paramref name="sequence"/>: they leave the persisted backlog (with the next write).</summary>
    private void MarkJournaled(long sequence)
    {
        _journaledThrough = Math.Max(_journaledThrough, sequence);
        var journaled = 0;
        while (journaled < S.RecentReports.Count && S.RecentReports[journaled].Sequence <= _journaledThrough) journaled++;
        if (journaled == 0) return;
        if (journaled == S.RecentReports.Count) S.RecentReports.Clear();
        else S.RecentReports.RemoveRange(0, journaled);
        _outboxDirty = true;
    }

    /// <summary>Appends published reports the journal may not have (after a failed append or a restart).</summary>
    private async Task CatchUpJournalAsync()
    {
        if (_journaledThrough >= _published) return;
        var pending = S.RecentReports.Where(r => r.Sequence > _journaledThrough && r.Sequence <= _published).ToArray();
        if (pending.Length == 0) return;
        if (pending[0].Sequence > _journaledThrough + 1)
        {
            Log.JournalGap(_logger, _account, _journaledThrough + 1, pending[0].Sequence - 1);
        }
        try
        {
            await _journal.AppendAsync(_account, pending);
            MarkJournaled(pending[^1].Sequence);
        }
        catch (Exception ex)
        {
            Log.JournalAppendFailed(_logger, ex, _account, pending[0].Sequence, pending[^1].Sequence);
        }
    }
}
