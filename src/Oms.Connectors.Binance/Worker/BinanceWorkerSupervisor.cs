using Microsoft.Extensions.Logging;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// What an account worker's supervisor does once its sessions are open, the same for spot and USD-M: requests for a
/// reconciliation (coalesced by reason), a credential rotation and a session replacement are taken one batch at a time;
/// a rotation or replacement is served first, then the pending reconciliation. A failed reconciliation is asked for again
/// after a backoff that doubles from the configured retry delay up to <see cref="MaxReconcileRetryDelay"/>; until one
/// completes, the account's reconciling state is what <see cref="BinanceReconciler"/> left it in.
/// </summary>
/// <param name="account">The account the worker serves.</param>
/// <param name="market">The market as the logs name it.</param>
/// <param name="retryDelay">The first wait before a failed reconciliation is tried again.</param>
/// <param name="time">The clock the waits use.</param>
/// <param name="logger">The worker's logger.</param>
internal sealed class BinanceWorkerSupervisor(AccountId account, string market, TimeSpan retryDelay, TimeProvider time, ILogger logger)
{
    /// <summary>The longest wait between two attempts of a failing reconciliation.</summary>
    public static readonly TimeSpan MaxReconcileRetryDelay = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _work = new(0);
    private readonly Lock _gate = new();
    private readonly List<string> _reconcileReasons = [];
    private bool _rotationRequested;
    private string? _sessionReplacementReason;

    /// <summary>Asks for a reconciliation (coalesced with any already pending).</summary>
    public void RequestReconcile(string reason)
    {
        lock (_gate)
        {
            if (!_reconcileReasons.Contains(reason)) _reconcileReasons.Add(reason);
        }
        _work.Release();
    }

    /// <summary>Asks for the sessions to be replaced with the key the store holds now.</summary>
    public void RequestCredentialRotation()
    {
        lock (_gate) _rotationRequested = true;
        _work.Release();
    }

    /// <summary>Asks for the sessions to be replaced (the first reason pending is kept).</summary>
    public void RequestResubscribe(string reason)
    {
        lock (_gate) _sessionReplacementReason ??= reason;
        _work.Release();
    }

    /// <summary>Serves the requests until <paramref name="stop"/>: <paramref name="rotate"/>, <paramref name="replace"/> (with its reason) and <paramref name="reconcile"/> (false when it failed).</summary>
    public async Task ServeAsync(Func<CancellationToken, Task> rotate, Func<string, CancellationToken, Task> replace, Func<string, CancellationToken, Task<bool>> reconcile,
        CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            await _work.WaitAsync(stop).ConfigureAwait(false);
            bool rotateNow;
            string? replaceFor;
            string[] reasons;
            lock (_gate)
            {
                rotateNow = _rotationRequested;
                _rotationRequested = false;
                replaceFor = _sessionReplacementReason;
                _sessionReplacementReason = null;
                reasons = [.. _reconcileReasons];
                _reconcileReasons.Clear();
            }
            if (rotateNow) await rotate(stop).ConfigureAwait(false);
            else if (replaceFor is not null) await replace(replaceFor, stop).ConfigureAwait(false);
            if (reasons.Length == 0) continue;

            var reason = string.Join("; ", reasons);
            if (await reconcile(reason, stop).ConfigureAwait(false))
            {
                failures = 0;
                continue;
            }
            failures++;
            var delay = TimeSpan.FromTicks(Math.Min(MaxReconcileRetryDelay.Ticks, retryDelay.Ticks * (1L << Math.Min(failures - 1, 10))));
            logger.LogWarning("Account {Account}: {Market} reconciliation ({Reason}) failed {Failures} time(s); retrying in {Delay}", account, market, reason,
                failures, delay);
            await Task.Delay(delay, time, stop).ConfigureAwait(false);
            RequestReconcile(reason);
        }
    }
}
