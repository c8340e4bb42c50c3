using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.MarketData;

/// <summary>Where a local order book is in its synchronisation.</summary>
public enum OrderBookSyncState
{
    /// <summary>The depth stream is not flowing (not subscribed yet, or interrupted).</summary>
    Idle = 0,
    /// <summary>Events are buffered while the REST snapshot is read.</summary>
    Buffering = 1,
    /// <summary>The book follows the stream.</summary>
    Synced = 2,
}

/// <summary>
/// Keeps one <see cref="BinanceOrderBook"/> in sync (REFERENCE §4 and §5.9): buffers diff events, reads the REST
/// snapshot, drops what the snapshot already contains, checks that the first event bridges the snapshot and that every
/// next event continues the previous one, and on any gap or stream interruption starts over with a new snapshot.
/// Failed snapshot reads are retried with backoff. Thread-safe: events arrive on a receive loop, snapshots on the
/// thread pool.
/// </summary>
internal sealed class OrderBookSynchronizer
{
    private const int MaxBufferedEvents = 10_000;

    private readonly IBinanceDepthSource _source;
    private readonly int _limit;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly ILogger _logger;
    private readonly Action<BinanceOrderBook> _changed;
    private readonly Lock _gate = new();
    private readonly List<DepthUpdate> _buffer = [];
    private readonly CancellationToken _stop;
    private OrderBookSyncState _state;
    private int _generation;
    private bool _fetching;
    private long _resyncs;
    private long _snapshots;

    public OrderBookSynchronizer(InstrumentId instrument, BinanceApi api, IBinanceDepthSource source, int limit, TimeProvider time, ReconnectBackoff backoff,
        ILogger logger, Action<BinanceOrderBook> changed, CancellationToken stop)
    {
        Book = new BinanceOrderBook(instrument, api);
        _source = source;
        _limit = limit;
        _time = time;
        _backoff = backoff;
        _logger = logger;
        _changed = changed;
        _stop = stop;
    }

    /// <summary>The book; read it under <see cref="Read{T}"/> (it changes on the receive loop).</summary>
    public BinanceOrderBook Book { get; }

    public OrderBookSyncState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>How often a gap or interruption forced a new snapshot.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>How many snapshots were applied.</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Reads the book consistently.</summary>
    public T Read<T>(Func<BinanceOrderBook, T> read)
    {
        lock (_gate) return read(Book);
    }

    /// <summary>The depth stream stopped: the book is dropped until the stream is back and a new snapshot is read.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (_state == OrderBookSyncState.Synced) Interlocked.Increment(ref _resyncs);
            _generation++;
            _fetching = false;
            _state = OrderBookSyncState.Idle;
            _buffer.Clear();
            Book.Reset();
            _changed(Book);
        }
    }

    /// <summary>One diff event, in stream order.</summary>
    public void OnUpdate(DepthUpdate update)
    {
        lock (_gate)
        {
            if (_state == OrderBookSyncState.Synced)
            {
                var result = Book.Apply(update);
                if (result == BookUpdateResult.Applied)
                {
                    _changed(Book);
                    return;
                }
                if (result != BookUpdateResult.Gap) return;
                _logger.LogInformation("Order book {Instrument}: update {First}..{Final} does not continue the book; resyncing", Book.Instrument,
                    update.FirstUpdateId, update.FinalUpdateId);
                Interlocked.Increment(ref _resyncs);
                _state = OrderBookSyncState.Buffering;
                _buffer.Clear();
                _changed(Book);
            }
            else
            {
                _state = OrderBookSyncState.Buffering;
            }
            if (_buffer.Count == MaxBufferedEvents) _buffer.RemoveAt(0);
            _buffer.Add(update);
            if (_fetching) return;
            _fetching = true;
            var generation = _generation;
            _ = Task.Run(() => FetchAsync(generation), CancellationToken.None);
        }
    }

    private async Task FetchAsync(int generation)
    {
        var attempt = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (attempt > 0) await Task.Delay(_backoff.Delay(attempt), _time, _stop).ConfigureAwait(false);
                lock (_gate)
                {
                    if (generation != _generation) return;
                }
                var result = await _source.GetDepthAsync(Book.Instrument, _limit, _stop).ConfigureAwait(false);
                lock (_gate)
                {
                    if (generation != _generation) return;
                    if (!result.TryGetValue(out var snapshot))
                    {
                        attempt++;
                        _logger.LogWarning("Order book {Instrument}: {Message}; retrying", Book.Instrument, result.Error!.Message);
                        continue;
                    }
                    if (TryStart(snapshot))
                    {
                        _fetching = false;
                        return;
                    }
                    attempt++;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Order book {Instrument}: the snapshot loop failed", Book.Instrument);
            lock (_gate)
            {
                if (generation == _generation) _fetching = false;
            }
        }
    }

    /// <summary>Applies the snapshot and the buffered events after it; false when they do not fit together (fetch again).</summary>
    private bool TryStart(DepthSnapshot snapshot)
    {
        Book.ApplySnapshot(snapshot);
        Interlocked.Increment(ref _snapshots);
        var index = 0;
        while (index < _buffer.Count && Book.IsStale(_buffer[index])) index++;
        if (index < _buffer.Count && !Book.Bridges(_buffer[index]))
        {
            // The snapshot is older than the buffered events (or the buffer has a hole): events between them are missing.
            _logger.LogInformation("Order book {Instrument}: snapshot {LastUpdateId} does not reach buffered update {First}; fetching again",
                Book.Instrument, snapshot.LastUpdateId, _buffer[index].FirstUpdateId);
            _buffer.RemoveRange(0, index);
            Book.Reset();
            return false;
        }
        for (; index < _buffer.Count; index++)
        {
            if (Book.Apply(_buffer[index]) != BookUpdateResult.Gap) continue;
            _logger.LogInformation("Order book {Instrument}: buffered updates have a hole at {First}; fetching again", Book.Instrument, _buffer[index].FirstUpdateId);
            _buffer.RemoveRange(0, index);
            return false;
        }
        _buffer.Clear();
        _state = OrderBookSyncState.Synced;
        _changed(Book);
        return true;
    }
}
