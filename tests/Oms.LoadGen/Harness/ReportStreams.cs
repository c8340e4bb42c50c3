using Oms.Gateway.V1;
using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Harness;

/// <summary>
/// One <c>StreamExecutionReports</c> call per account, read until stopped, every report handed to a callback with the
/// moment it was read. Streams start at <c>from_sequence</c> (default 0: the oldest retained report), so reports raised
/// before a stream was established are replayed, never missed. A broken stream is resumed from the last sequence + 1 (counted in <see cref="Resumes"/>).
/// </summary>
public sealed class ReportStreams : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> readers = [];
    private int resumes;
    private int truncations;

    public ReportStreams(OmsUnderTest oms, IReadOnlyList<string> accounts, Action<string, ExecutionReport, long> onReport, IReadOnlyDictionary<string, long>? fromSequence = null)
    {
        var client = new OrderService.OrderServiceClient(oms.Channel);
        for (var i = 0; i < accounts.Count; i++)
        {
            var account = accounts[i];
            var start = fromSequence is not null && fromSequence.TryGetValue(account, out var s) ? s : 0;
            readers.Add(Task.Run(() => ReadAsync(client, oms.Headers, account, start, onReport)));
        }
    }

    public int Resumes => resumes;

    public int Truncations => truncations;

    private async Task ReadAsync(OrderService.OrderServiceClient client, Metadata headers, string account, long fromSequence,
        Action<string, ExecutionReport, long> onReport)
    {
        var next = fromSequence;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = client.StreamExecutionReports(new StreamExecutionReportsRequest { AccountId = account, FromSequence = next },
                    headers, cancellationToken: stop.Token);
                while (await call.ResponseStream.MoveNext(stop.Token))
                {
                    var message = call.ResponseStream.Current;
                    var at = MonoClock.Now;
                    if (message.KindCase == ExecutionReportStreamMessage.KindOneofCase.Truncated)
                    {
                        Interlocked.Increment(ref truncations);
                        continue;
                    }
                    next = message.Report.Sequence + 1;
                    onReport(account, message.Report, at);
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Cancelled)
            {
                Interlocked.Increment(ref resumes);
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(readers);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
        }
        stop.Dispose();
    }
}
