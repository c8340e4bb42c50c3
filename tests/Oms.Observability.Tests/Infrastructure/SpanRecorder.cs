using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>An in-memory span exporter: a processor added to the silo's tracer provider that keeps every ended span.</summary>
public sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> ended = new();

    public override void OnEnd(Activity data) => ended.Enqueue(data);

    public IReadOnlyList<Activity> Spans => ended.ToArray();

    /// <summary>Waits (bounded) until a span matching <paramref name="match"/> has ended; fails with what was recorded.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, string what)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var found = ended.FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(50);
        }
        Assert.Fail($"no span {what} ended; recorded: {string.Join(", ", ended.Select(s => $"{s.Source.Name}/{s.DisplayName}").Distinct())}");
        return null!;
    }
}
