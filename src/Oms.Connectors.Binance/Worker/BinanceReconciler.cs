using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// How one account's reconciliation on one Binance market begins, ends and fails; the same for spot and USD-M, which
/// supply only their market's steps and their key check.
/// <para>
/// A run marks the account reconciling, runs the steps, delivers what they read and ends the reconciliation. When it
/// fails the supervisor retries with backoff. A failure in transit or at the venue's side (network, 5xx, rate limit)
/// leaves the account reconciling until a retry completes: what the OMS holds is unconfirmed, so new risk stays
/// refused. A failure because the venue refuses the account's key (<c>-1022</c> signature, <c>-2014</c>/<c>-2015</c>
/// key, IP or permission) ends the reconciliation unfinished: no reconciliation can run with that key, and every order
/// would be refused by the venue anyway, so orders go on to the venue and fail there with the key error (which names
/// the problem) instead of being denied as "reconciling" forever. While the key is refused a retry first checks it with
/// one signed read and marks the account reconciling only once the venue accepts it.
/// </para>
/// </summary>
/// <param name="account">The account reconciled.</param>
/// <param name="market">The market as the logs name it ("spot", "USD-M").</param>
/// <param name="port">Where the account is marked reconciling and its view read.</param>
/// <param name="metrics">The connector's metrics.</param>
/// <param name="pump">The account's event delivery (flushed before a reconciliation ends).</param>
/// <param name="watchdog">The stream watchdog (touched by a completed reconciliation).</param>
/// <param name="logger">The worker's logger.</param>
internal sealed class BinanceReconciler(AccountId account, string market, IAccountReconciliationPort port, ConnectorMetrics metrics, VenueEventPump pump,
    StreamWatchdog watchdog, ILogger logger)
{
    private long _completed;
    private long _failures;
    private BinanceError? _lastError;
    private bool _keyRefused;

    /// <summary>Completed reconciliations.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Reconciliation attempts that failed (each is retried with backoff).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The venue error that failed the last attempt; null when that attempt completed or failed otherwise.</summary>
    public BinanceError? LastError => Volatile.Read(ref _lastError);

    /// <summary>Whether the venue refused the account's key in the last attempt.</summary>
    public bool KeyRefused => Volatile.Read(ref _keyRefused);

    /// <summary>The venue refused the key itself (signature, key, IP or permission): the same calls cannot succeed until the key changes.</summary>
    public static bool IsKeyRefusal(BinanceError error) => error.Kind is VenueErrorKind.InvalidSignature or VenueErrorKind.Unauthorized;

    /// <summary>A step failed on a venue call: remembered for the run's verdict and logged. Always false (for <c>return StepFailed(...)</c>).</summary>
    public bool StepFailed(BinanceError error)
    {
        Volatile.Write(ref _lastError, error);
        logger.LogWarning("Account {Account}: {Market} reconciliation step failed: {Message}", account, market, error.Message);
        return false;
    }

    /// <summary>
    /// One reconciliation attempt (see the class summary). <paramref name="checkKey"/> makes one signed read and returns
    /// its error (null when the venue answered); <paramref name="steps"/> reads the venue and posts what it finds,
    /// reporting a failed venue call through <see cref="StepFailed"/>. False when the attempt failed.
    /// </summary>
    public async Task<bool> RunAsync(string reason, Func<CancellationToken, ValueTask<BinanceError?>> checkKey, Func<CancellationToken, Task<bool>> steps,
        CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var begun = false;
        try
        {
            if (Volatile.Read(ref _keyRefused))
            {
                if (await checkKey(stop).ConfigureAwait(false) is { } refused && IsKeyRefusal(refused))
                {
                    Volatile.Write(ref _lastError, refused);
                    Interlocked.Increment(ref _failures);
                    logger.LogWarning("Account {Account}: Binance {Market} still refuses its key ({Code}: {Message}); the reconciliation ({Reason}) waits for a key it accepts",
                        account, market, refused.Code, refused.Reason, reason);
                    metrics.Reconciled(Venue.Binance, ReasonTag(reason), false, Stopwatch.GetElapsedTime(started));
                    return false;
                }
            }

            await port.BeginAsync(account, reason, stop).ConfigureAwait(false);
            begun = true;
            Volatile.Write(ref _lastError, null);
            var ok = await steps(stop).ConfigureAwait(false);
            if (ok)
            {
                await pump.FlushAsync(stop).ConfigureAwait(false);
                await port.EndAsync(account, stop).ConfigureAwait(false);
                Volatile.Write(ref _keyRefused, false);
                Interlocked.Increment(ref _completed);
                watchdog.Touch();
                logger.LogInformation("Account {Account}: reconciled with Binance {Market} ({Reason}) in {Elapsed:0.0} ms", account, market, reason,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                Interlocked.Increment(ref _failures);
                if (Volatile.Read(ref _lastError) is { } error && IsKeyRefusal(error))
                {
                    Volatile.Write(ref _keyRefused, true);
                    // What was already read is delivered, then the reconciliation ends unfinished (see the class summary).
                    await pump.FlushAsync(stop).ConfigureAwait(false);
                    await port.EndAsync(account, stop).ConfigureAwait(false);
                    logger.LogError("Account {Account}: Binance {Market} refused its key ({Code}: {Message}); the reconciliation ({Reason}) is ended unfinished, " +
                        "its orders are sent and refused by the venue until the key is fixed, and reconciling is retried with backoff",
                        account, market, error.Code, error.Reason, reason);
                }
            }
            metrics.Reconciled(Venue.Binance, ReasonTag(reason), ok, Stopwatch.GetElapsedTime(started));
            return ok;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Account {Account}: {Market} reconciliation ({Reason}) failed{State}", account, market, reason,
                begun ? "; the account stays reconciling until a retry completes" : "");
            Interlocked.Increment(ref _failures);
            metrics.Reconciled(Venue.Binance, ReasonTag(reason), false, Stopwatch.GetElapsedTime(started));
            return false;
        }
    }

    private static string ReasonTag(string reason) => reason switch
    {
        "start" => "start",
        "credentials rotated" => "rotation",
        _ when reason.Contains("silent", StringComparison.Ordinal) => "watchdog",
        _ when reason.Contains("gap", StringComparison.Ordinal) => "gap",
        _ when reason.Contains("unresolved", StringComparison.Ordinal) => "unresolved",
        _ => "other",
    };
}
