using Microsoft.Extensions.Logging;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// An account worker's current set of sessions on one Binance market, the same for spot and USD-M: whether the worker
/// has sessions at all (a key) once it started, the set commands take now, the make-before-break switch to a new set
/// (the replaced one retires once the commands leasing it are done, bounded) and the close when the worker stops.
/// </summary>
internal sealed class BinanceSessionSlot<TSessions> where TSessions : BinanceSessionSet
{
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<Task> _retiring = [];
    private TSessions? _current;

    /// <summary>The sessions commands take now; null before the first set opened and after the close.</summary>
    public TSessions? Current => Volatile.Read(ref _current);

    /// <summary>True once the first set opened; false when the worker has no key or stopped before.</summary>
    public Task<bool> Ready => _ready.Task;

    /// <summary>The first set opened: commands may take it.</summary>
    public void Opened(TSessions sessions)
    {
        Volatile.Write(ref _current, sessions);
        _ready.TrySetResult(true);
    }

    /// <summary>There will be no sessions (no key, or the supervisor failed): commands are refused without being sent.</summary>
    public void Unavailable() => _ready.TrySetResult(false);

    /// <summary>
    /// The open sessions, once there are any (waiting up to <paramref name="sessionWait"/> for a first connection; after
    /// that a call goes over REST); null without a key.
    /// </summary>
    public async ValueTask<TSessions?> WaitReadyAsync(TimeSpan sessionWait, CancellationToken cancellationToken)
    {
        if (!await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false)) return null;
        var sessions = Current;
        if (sessions is null) return null;
        if (sessions.Pool.OpenSessionCount > 0) return sessions;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(sessionWait);
        try
        {
            await sessions.Pool.WaitForOpenSessionAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No session yet: the call goes over REST.
        }
        return Current;
    }

    /// <summary>
    /// Make-before-break: waits for <paramref name="fresh"/> to open a session (up to <paramref name="openWait"/>; REST
    /// covers the gap after that), switches commands over to it, and retires the replaced set: commands that took it
    /// before the switch finish on it (up to <paramref name="retireWait"/>), then it closes.
    /// </summary>
    public async Task SwitchAsync(TSessions fresh, TimeSpan openWait, TimeSpan retireWait, TimeProvider time, ILogger logger, AccountId account, string market,
        CancellationToken stop)
    {
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            wait.CancelAfter(openWait);
            try
            {
                await fresh.Pool.WaitForOpenSessionAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                logger.LogWarning("Account {Account}: the new {Market} sessions are not open yet; switching anyway (REST covers the gap)", account, market);
            }
        }
        if (Interlocked.Exchange(ref _current, fresh) is not { } old) return;
        var retiring = old.RetireAsync(retireWait, time, stop);
        lock (_gate)
        {
            _retiring.RemoveAll(t => t.IsCompleted);
            _retiring.Add(retiring);
        }
    }

    /// <summary>The worker stops: no sessions from now on; the retiring sets finish, the current one closes.</summary>
    public async Task CloseAsync()
    {
        _ready.TrySetResult(false);
        Task[] retiring;
        lock (_gate) retiring = [.. _retiring];
        await Task.WhenAll(retiring).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _current, null) is { } sessions) await sessions.DisposeAsync().ConfigureAwait(false);
    }
}
