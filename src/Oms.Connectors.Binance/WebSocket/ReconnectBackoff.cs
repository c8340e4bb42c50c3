namespace Oms.Connectors.Binance.WebSocket;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of min(max, base × 2^(n−1)), so
/// many sessions that dropped together do not reconnect in lockstep.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _base;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;

    /// <param name="baseDelay">The ceiling of the first retry.</param>
    /// <param name="maxDelay">The largest ceiling.</param>
    /// <param name="random">Returns a value in [0, 1); defaults to <see cref="Random.Shared"/>.</param>
    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null)
    {
        if (baseDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(baseDelay), "the base delay must be positive");
        if (maxDelay < baseDelay) throw new ArgumentOutOfRangeException(nameof(maxDelay), "the maximum delay must not be below the base delay");
        _base = baseDelay;
        _max = maxDelay;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The ceiling for attempt <paramref name="attempt"/> (1 = first retry), before jitter.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        if (attempt < 1) throw new ArgumentOutOfRangeException(nameof(attempt), "attempts count from 1");
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = _base.Ticks * Math.Pow(2, exponent);
        return ticks >= _max.Ticks ? _max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before attempt <paramref name="attempt"/>.</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Ceiling(attempt);
        var factor = 0.5 + 0.5 * Math.Clamp(_random(), 0d, 1d);
        return TimeSpan.FromTicks((long)(ceiling.Ticks * factor));
    }
}
