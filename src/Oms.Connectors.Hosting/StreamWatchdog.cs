namespace Oms.Connectors.Hosting;

/// <summary>
/// Notices a private stream that may have gone silent: the socket is open but nothing arrived for
/// <see cref="Silence"/> while the account has open orders. A quiet market is not a fault, so a trip means "probe":
/// the owner compares the venue's view with the OMS's and resubscribes when they disagree. Thread-safe.
/// </summary>
public sealed class StreamWatchdog
{
    private readonly TimeProvider _time;
    private long _lastActivityTicks;

    public StreamWatchdog(TimeSpan silence, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(silence, TimeSpan.Zero);
        Silence = silence;
        _time = time;
        Touch();
    }

    public TimeSpan Silence { get; }

    /// <summary>When the stream last showed life (an event, a subscription, or a probe that found it in step).</summary>
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>Records life on the stream.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastActivityTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>True when the stream has been silent for <see cref="Silence"/> and events are expected (open orders).</summary>
    public bool ShouldProbe(bool expectingEvents) => expectingEvents && _time.GetUtcNow() - LastActivity >= Silence;
}
