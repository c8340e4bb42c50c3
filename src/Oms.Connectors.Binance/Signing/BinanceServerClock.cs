namespace Oms.Connectors.Binance.Signing;

/// <summary>
/// Tracks the offset between the venue's clock and ours so signed requests carry a <c>timestamp</c> the venue accepts
/// (not more than 1000 ms ahead of its time, not older than <c>recvWindow</c>). Samples come from <c>time</c> calls and
/// from server times in responses; the sample with the shortest round trip among the recent ones wins.
/// Thread-safe.
/// </summary>
public sealed class BinanceServerClock
{
    private const int SampleCount = 5;
    private readonly TimeProvider _time;
    private readonly TimeSpan _syncInterval;
    private readonly object _gate = new();
    private readonly (TimeSpan Offset, TimeSpan RoundTrip)[] _samples = new (TimeSpan, TimeSpan)[SampleCount];
    private int _sampleCount;
    private int _next;
    private long _offsetTicks;
    private DateTimeOffset _lastSync = DateTimeOffset.MinValue;
    private bool _invalidated = true;

    public BinanceServerClock(TimeProvider time, TimeSpan syncInterval)
    {
        _time = time;
        _syncInterval = syncInterval;
    }

    /// <summary>Server time minus local time.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>True before the first sample, after <see cref="Invalidate"/>, and once the last sync is older than the sync interval.</summary>
    public bool NeedsSync
    {
        get
        {
            lock (_gate) return _invalidated || _time.GetUtcNow() - _lastSync >= _syncInterval;
        }
    }

    /// <summary>The venue's current time as we estimate it.</summary>
    public DateTimeOffset ServerNow => _time.GetUtcNow() + Offset;

    /// <summary>The <c>timestamp</c> parameter for a signed request, in milliseconds since the epoch.</summary>
    public long TimestampMilliseconds() => ServerNow.ToUnixTimeMilliseconds();

    /// <summary>Records a server time read between <paramref name="sentAt"/> and <paramref name="receivedAt"/> (local clock).</summary>
    public void Observe(DateTimeOffset sentAt, DateTimeOffset receivedAt, long serverTimeMilliseconds)
    {
        var roundTrip = receivedAt - sentAt;
        if (roundTrip < TimeSpan.Zero) roundTrip = TimeSpan.Zero;
        var midpoint = sentAt + roundTrip / 2;
        var offset = DateTimeOffset.FromUnixTimeMilliseconds(serverTimeMilliseconds) - midpoint;
        lock (_gate)
        {
            if (_invalidated)
            {
                // After a -1021 the old samples are suspect: start over.
                _sampleCount = 0;
                _next = 0;
            }
            _samples[_next] = (offset, roundTrip);
            _next = (_next + 1) % SampleCount;
            _sampleCount = Math.Min(_sampleCount + 1, SampleCount);
            var best = _samples[0];
            for (var i = 1; i < _sampleCount; i++)
            {
                if (_samples[i].RoundTrip < best.RoundTrip) best = _samples[i];
            }
            Interlocked.Exchange(ref _offsetTicks, best.Offset.Ticks);
            _lastSync = receivedAt;
            _invalidated = false;
        }
    }

    /// <summary>Marks the offset as suspect (after <c>-1021</c>); the next sync starts from scratch.</summary>
    public void Invalidate()
    {
        lock (_gate) _invalidated = true;
    }
}
