using System.Threading.Channels;

namespace Oms.Connectors.Hosting;

/// <summary>
/// Delivers one account's venue events to the <see cref="IVenueEventSink"/> in the order they were produced (stream
/// events and request outcomes alike), coalescing what is waiting into one call. A delivery that keeps failing (the
/// account is moving between silos) is retried with backoff a bounded number of times; if it still fails the events
/// are dropped and <c>onLost</c> asks for a reconciliation, which fetches the same facts from the venue again.
/// </summary>
public sealed class VenueEventPump : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly AccountId _account;
    private readonly IVenueEventSink _sink;
    private readonly Action<string> _onLost;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _maxAttempts;
    private readonly Channel<IReadOnlyList<VenueEvent>> _channel =
        Channel.CreateUnbounded<IReadOnlyList<VenueEvent>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _pending;

    public VenueEventPump(AccountId account, IVenueEventSink sink, Action<string> onLost, ILogger logger, TimeProvider time, int maxAttempts = 8)
    {
        _account = account;
        _sink = sink;
        _onLost = onLost;
        _logger = logger;
        _time = time;
        _maxAttempts = maxAttempts;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches queued and not yet delivered.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Queues events for delivery; never blocks (called on receive loops).</summary>
    public void Post(IReadOnlyList<VenueEvent> events)
    {
        if (events.Count == 0) return;
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite(events))
        {
            Interlocked.Decrement(ref _pending);
            _logger.LogWarning("Account {Account}: {Count} venue events arrived after the worker stopped; reconciliation will fetch them again", _account, events.Count);
        }
    }

    /// <summary>Completes once everything posted so far was delivered (or dropped), or the token fires.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite(new FlushMarker(marker)))
        {
            Interlocked.Decrement(ref _pending);
            return;
        }
        await marker.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<VenueEvent>(64);
        var markers = new List<TaskCompletionSource>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                markers.Clear();
                var taken = 0L;
                while (batch.Count < MaxBatch && reader.TryRead(out var events))
                {
                    taken++;
                    if (events is FlushMarker marker) markers.Add(marker.Done);
                    else batch.AddRange(events);
                }
                if (batch.Count > 0) await DeliverAsync(batch.ToArray()).ConfigureAwait(false);
                Interlocked.Add(ref _pending, -taken);
                foreach (var marker in markers) marker.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
        while (reader.TryRead(out var left))
        {
            if (left is FlushMarker marker) marker.Done.TrySetResult();
        }
    }

    private async Task DeliverAsync(VenueEvent[] events)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _sink.PublishAsync(_account, events, _stop.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (attempt < _maxAttempts)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(attempt, 6))));
                _logger.LogWarning(ex, "Account {Account}: delivering {Count} venue events failed (attempt {Attempt} of {Max}); retrying in {Delay}",
                    _account, events.Length, attempt, _maxAttempts, delay);
                await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Account {Account}: {Count} venue events could not be delivered after {Max} attempts; reconciling", _account, events.Length, _maxAttempts);
                _onLost($"{events.Length} venue events could not be delivered");
                return;
            }
        }
    }

    /// <summary>Delivers what is queued (bounded by <paramref name="drainTimeout"/>), then stops.</summary>
    public async ValueTask StopAsync(TimeSpan drainTimeout)
    {
        _channel.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(drainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Account {Account}: venue events still undelivered after {Timeout}; the next owner reconciles", _account, drainTimeout);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>An empty batch that completes <see cref="Done"/> when the pump reaches it.</summary>
    private sealed class FlushMarker(TaskCompletionSource done) : IReadOnlyList<VenueEvent>
    {
        public TaskCompletionSource Done { get; } = done;
        public VenueEvent this[int index] => throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => 0;
        public IEnumerator<VenueEvent> GetEnumerator() => Enumerable.Empty<VenueEvent>().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
