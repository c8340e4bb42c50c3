using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>What one watchdog probe found: the venue's open orders compared with the OMS's.</summary>
internal enum BinanceProbeVerdict
{
    /// <summary>The OMS has no open order on the market: nothing to miss.</summary>
    NothingOpen = 1,

    /// <summary>The venue's open orders and their fills agree with the OMS's.</summary>
    InStep = 2,

    /// <summary>An order the OMS holds open is gone at the venue or filled differently: the stream missed changes.</summary>
    OutOfStep = 3,

    /// <summary>The venue could not be read; the next tick tries again.</summary>
    Failed = 4,
}

/// <summary>The silent-stream watchdog loop, the same for spot and USD-M; the market supplies the probe.</summary>
internal static class BinanceStreamWatch
{
    /// <summary>
    /// Every <paramref name="interval"/>, while the account has open orders and nothing arrived on the stream for the
    /// watchdog's silence, compares the venue's open orders with the OMS's through <paramref name="probe"/> (on the
    /// current sessions, when <paramref name="canProbe"/> says they can be used). When they disagree, checked twice a
    /// second apart so an event in transit is not mistaken for a loss, the stream is replaced and the account
    /// reconciled; otherwise the silence was just a quiet market.
    /// </summary>
    public static async Task RunAsync<TSessions>(BinanceSessionSlot<TSessions> slot, Func<TSessions, bool> canProbe,
        Func<TSessions, CancellationToken, Task<BinanceProbeVerdict>> probe, StreamWatchdog watchdog, TimeSpan interval, TimeProvider time,
        ConnectorMetrics metrics, ILogger logger, AccountId account, string market, Action<string> requestResubscribe, Action<string> requestReconcile,
        CancellationToken stop)
        where TSessions : BinanceSessionSet
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (slot.Current is not { } sessions || !canProbe(sessions)) continue;
                if (!watchdog.ShouldProbe(expectingEvents: true)) continue;
                try
                {
                    var verdict = await probe(sessions, stop).ConfigureAwait(false);
                    if (verdict == BinanceProbeVerdict.OutOfStep)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), time, stop).ConfigureAwait(false);
                        verdict = await probe(sessions, stop).ConfigureAwait(false);
                    }
                    metrics.WatchdogProbe(Venue.Binance, verdict.ToString());
                    switch (verdict)
                    {
                        case BinanceProbeVerdict.OutOfStep:
                            logger.LogWarning("Account {Account}: the {Market} user-data stream was silent for {Silence} and missed changes; resubscribing and reconciling",
                                account, market, watchdog.Silence);
                            requestResubscribe("silent stream");
                            requestReconcile("silent stream");
                            watchdog.Touch();
                            break;
                        case BinanceProbeVerdict.InStep or BinanceProbeVerdict.NothingOpen:
                            watchdog.Touch();
                            break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Account {Account}: the {Market} stream watchdog probe failed", account, market);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
