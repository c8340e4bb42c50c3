using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Mapping;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Services;

/// <summary>
/// Turns the account grain's long-poll (<see cref="IAccountGrain.ReadExecutionReportsAsync"/>) into a server stream:
/// strictly increasing sequences with no gaps and no duplicates, resumable from any sequence, surviving grain
/// reactivation on another silo (transient cluster errors are retried with the same cursor within a time budget),
/// and ending quietly when the client cancels. A jump in sequence (the start was no longer retained) is announced
/// with a <see cref="Wire.StreamTruncated"/> message before the reports continue.
/// </summary>
public sealed class ExecutionReportPump(IGrainFactory grains, AccountId account, GatewayOptions options, ILogger logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>Pumps reports from <paramref name="fromSequence"/> (inclusive) until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(
        long fromSequence,
        Func<Wire.ExecutionReportStreamMessage, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var cursor = Math.Max(0, fromSequence - 1); // the last sequence delivered (or skipped over)
        var fromOldest = fromSequence == 0;
        var grain = grains.GetAccount(account);
        var failingSince = (Stopwatch?)null;
        var backoff = TimeSpan.FromMilliseconds(100);

        while (!cancellationToken.IsCancellationRequested)
        {
            ExecutionReportBatch batch;
            try
            {
                batch = await grain.ReadExecutionReportsAsync(cursor, options.StreamBatchSize, options.StreamPollWait)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                failingSince = null;
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (GrpcErrorMapper.IsTransient(ex))
            {
                failingSince ??= Stopwatch.StartNew();
                if (failingSince.Elapsed >= options.StreamRetryBudget) throw;
                logger.LogWarning("Execution report stream of {Account} at sequence {Sequence}: transient {Error}; retrying in {Delay} ms",
                    account, cursor, ex.GetType().Name, backoff.TotalMilliseconds);
                if (!await DelayAsync(backoff, cancellationToken).ConfigureAwait(false)) return;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }

            foreach (var report in batch.Reports)
            {
                if (report.Sequence <= cursor) continue; // already delivered: never twice
                if (report.Sequence != cursor + 1 && !(fromOldest && cursor == 0))
                {
                    // The requested start is older than what the account retains: say so, then continue from here.
                    var truncated = new Wire.ExecutionReportStreamMessage
                    {
                        Truncated = new Wire.StreamTruncated { RequestedFromSequence = cursor + 1, FirstAvailableSequence = report.Sequence },
                    };
                    if (!await TryWriteAsync(write, truncated, cancellationToken).ConfigureAwait(false)) return;
                }
                if (!await TryWriteAsync(write, new Wire.ExecutionReportStreamMessage { Report = report.ToWire() }, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
                cursor = report.Sequence;
            }
        }
    }

    private static async Task<bool> TryWriteAsync(
        Func<Wire.ExecutionReportStreamMessage, CancellationToken, Task> write,
        Wire.ExecutionReportStreamMessage message,
        CancellationToken cancellationToken)
    {
        try
        {
            await write(message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            return false; // the client went away while we wrote
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
