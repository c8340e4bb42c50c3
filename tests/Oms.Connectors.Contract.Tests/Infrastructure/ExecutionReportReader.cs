namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>Reads an account's execution-report stream in the background; tests wait (bounded) for a report.</summary>
public sealed class ExecutionReportReader : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Wire.ExecutionReport> _reports = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ExecutionReportReader(Wire.OrderService.OrderServiceClient client, CallOptions auth, string account, long fromSequence)
    {
        var call = client.StreamExecutionReports(new Wire.StreamExecutionReportsRequest { AccountId = account, FromSequence = fromSequence },
            auth.WithCancellationToken(_stop.Token));
        _loop = Task.Run(async () =>
        {
            using (call)
            {
                try
                {
                    while (await call.ResponseStream.MoveNext(_stop.Token))
                    {
                        if (call.ResponseStream.Current.KindCase != Wire.ExecutionReportStreamMessage.KindOneofCase.Report) continue;
                        TaskCompletionSource arrived;
                        lock (_gate)
                        {
                            _reports.Add(call.ResponseStream.Current.Report);
                            arrived = _arrived;
                            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        }
                        arrived.TrySetResult();
                    }
                }
                catch (RpcException) when (_stop.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
            }
        });
    }

    public IReadOnlyList<Wire.ExecutionReport> Reports
    {
        get
        {
            lock (_gate) return [.. _reports];
        }
    }

    /// <summary>The first report matching <paramref name="match"/>; fails after <paramref name="timeout"/> (default 20 s).</summary>
    public async Task<Wire.ExecutionReport> WaitForAsync(Func<Wire.ExecutionReport, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var seen = 0;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                for (; seen < _reports.Count; seen++)
                {
                    if (match(_reports[seen])) return _reports[seen];
                }
                next = _arrived.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(left)) != next)
            {
                throw new Xunit.Sdk.XunitException($"no matching execution report arrived; {Reports.Count} reports seen, last: {Reports.LastOrDefault()}");
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
