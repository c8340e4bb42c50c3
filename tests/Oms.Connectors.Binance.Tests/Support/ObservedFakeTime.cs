using Microsoft.Extensions.Time.Testing;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells which timers are armed, so a test can wait until the code under
/// test is parked on the timer it expects before moving the clock. Moving a fake clock while the code is still between
/// reading the time and arming its timer arms that timer from the moved time, and the expected wake-up never comes.
/// </summary>
public sealed class ObservedFakeTime(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _inner = new(start);
    private readonly Lock _gate = new();
    private readonly List<ArmedTimer> _armed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <summary>Moves the clock; timers that become due fire before this returns.</summary>
    public void Advance(TimeSpan delta) => _inner.Advance(delta);

    /// <summary>The fake times at which armed one-shot timers (not yet fired, changed or disposed) are due; periodic timers are not tracked.</summary>
    public IReadOnlyList<DateTimeOffset> ArmedDueTimes
    {
        get
        {
            lock (_gate) return [.. _armed.Select(t => t.DueAt)];
        }
    }

    /// <summary>Waits (real time, bounded) until a timer due at exactly <paramref name="dueAt"/> is armed.</summary>
    public async Task WaitForTimerAsync(DateTimeOffset dueAt, string what, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_armed.Any(t => t.DueAt == dueAt)) return;
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no timer due at {dueAt:O} was armed ({what}); armed: [{string.Join(", ", ArmedDueTimes.Select(d => d.ToString("O")))}]");
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new ArmedTimer(this);
        // Registered before the inner timer exists so that a zero due time fires (and unregisters) it consistently.
        if (dueTime != Timeout.InfiniteTimeSpan && IsOneShot(period))
        {
            armed.DueAt = _inner.GetUtcNow() + dueTime;
            Add(armed);
        }
        armed.Inner = _inner.CreateTimer(s =>
        {
            if (IsOneShot(period)) Remove(armed);
            callback(s);
        }, state, dueTime, period);
        return armed;
    }

    private static bool IsOneShot(TimeSpan period) => period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero;

    private void Add(ArmedTimer timer)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _armed.Add(timer);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private void Remove(ArmedTimer timer)
    {
        lock (_gate) _armed.Remove(timer);
    }

    private sealed class ArmedTimer(ObservedFakeTime owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;
        public DateTimeOffset DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Remove(this);
            if (dueTime != Timeout.InfiniteTimeSpan && IsOneShot(period))
            {
                DueAt = owner._inner.GetUtcNow() + dueTime;
                owner.Add(this);
            }
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            owner.Remove(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner.Remove(this);
            return Inner.DisposeAsync();
        }
    }
}
