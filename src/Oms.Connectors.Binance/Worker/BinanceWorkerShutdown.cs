using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>How an account worker stops, the same for spot and USD-M.</summary>
internal static class BinanceWorkerShutdown
{
    /// <summary>
    /// No new commands; what is queued is sent (up to <paramref name="drainTimeout"/>; the command loop is the first of
    /// <paramref name="loops"/>); the events are delivered (same bound); the loops are cancelled through
    /// <paramref name="stop"/> and awaited; the sessions close; the event pump is disposed.
    /// </summary>
    public static async Task RunAsync<TSessions>(AccountCommandQueue queue, IReadOnlyList<Task> loops, VenueEventPump pump, CancellationTokenSource stop,
        BinanceSessionSlot<TSessions> slot, TimeSpan drainTimeout, TimeProvider time, Func<int> backlog, ILogger logger, AccountId account, string market)
        where TSessions : BinanceSessionSet
    {
        queue.Complete();
        try
        {
            await loops[0].WaitAsync(drainTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Account {Account}: {Backlog} {Market} commands were still queued or in flight when its sessions closed", account, backlog(), market);
        }
        await pump.StopAsync(drainTimeout).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException)
        {
        }
        await slot.CloseAsync().ConfigureAwait(false);
        await pump.DisposeAsync().ConfigureAwait(false);
        logger.LogInformation("Account {Account}: Binance {Market} sessions closed in this silo", account, market);
    }
}
