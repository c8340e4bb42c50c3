namespace Oms.Connectors.Hosting;

/// <summary>Delays for follow-up attempts: <c>first</c>, doubling up to <c>max</c>, at most <c>attempts</c> of them.</summary>
public sealed record RetrySchedule(TimeSpan First, TimeSpan Max, int Attempts)
{
    /// <summary>Follow-up queries after an unknown outcome: 0.25 s, 0.5 s, 1 s, … up to 10 s, for about two minutes.</summary>
    public static RetrySchedule UnknownOutcome { get; } = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), 18);

    /// <summary>The delay before attempt <paramref name="attempt"/> (1-based), or null when the schedule is exhausted.</summary>
    public TimeSpan? Delay(int attempt)
    {
        if (attempt < 1 || attempt > Attempts) return null;
        var ticks = First.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
