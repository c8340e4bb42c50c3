using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Scenarios;

/// <summary>
/// The open-loop schedule: order i is due at start + i / rate, whatever happened to earlier orders. A dedicated thread
/// fires every due order (starting its asynchronous call, never waiting for it) and sleeps until the next one is due;
/// the sleep has about 1 ms resolution, and the lag it causes is measured per order.
/// </summary>
public static class OpenLoop
{
    /// <summary>Scheduled send times for <paramref name="count"/> orders at <paramref name="rate"/> per second from <paramref name="start"/>.</summary>
    public static long[] Schedule(long start, int rate, int count)
    {
        var times = new long[count];
        var interval = (double)System.Diagnostics.Stopwatch.Frequency / rate;
        for (var i = 0; i < count; i++) times[i] = start + (long)Math.Round(i * interval);
        return times;
    }

    /// <summary>Runs the schedule on a dedicated thread, calling <paramref name="fire"/> for each order when due.</summary>
    public static Task RunAsync(long[] scheduled, Action<int> fire, Action<int>? onIndex = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var next = 0;
                while (next < scheduled.Length)
                {
                    var now = MonoClock.Now;
                    while (next < scheduled.Length && scheduled[next] <= now)
                    {
                        onIndex?.Invoke(next);
                        fire(next++);
                    }
                    if (next >= scheduled.Length) break;
                    var waitMs = MonoClock.ToMicroseconds(scheduled[next] - MonoClock.Now) / 1000.0;
                    Thread.Sleep(Math.Max(1, (int)waitMs));
                }
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }
}
