using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// One set of an account's sessions on one Binance market: the key and the WebSocket API pool (the market's clients
/// are added by the derived set). Commands lease the set while they use it: a replaced set is retired only once its
/// leases are returned (bounded), and its key is disposed only when no command can still sign with it.
/// </summary>
internal abstract class BinanceSessionSet : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _idle;
    private int _leases;
    private bool _retired;
    private bool _closed;
    private bool _credentialsDisposed;

    protected BinanceSessionSet(BinanceCredentials credentials, BinanceWsApiSessionPool pool)
    {
        Credentials = credentials;
        Pool = pool;
    }

    public BinanceCredentials Credentials { get; }
    public BinanceWsApiSessionPool Pool { get; }

    /// <summary>Commands using these sessions right now.</summary>
    public int Leases
    {
        get
        {
            lock (_gate) return _leases;
        }
    }

    /// <summary>Leases the sessions for one command; false once they were replaced (use the current ones instead).</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_retired) return false;
            _leases++;
            return true;
        }
    }

    /// <summary>Returns a lease; the last one of replaced sessions lets their retirement finish.</summary>
    public void Release()
    {
        bool disposeCredentials;
        lock (_gate)
        {
            _leases--;
            if (_leases > 0) return;
            _idle?.TrySetResult();
            disposeCredentials = _closed && !_credentialsDisposed;
            _credentialsDisposed |= disposeCredentials;
        }
        if (disposeCredentials) Credentials.Dispose();
    }

    /// <summary>
    /// Takes no new leases and waits (up to <paramref name="wait"/>) for the commands still using these sessions, so
    /// what they sent completes here, then closes them. A command still holding a lease after the wait keeps the key
    /// usable (its requests in flight end as unknown outcomes that a query resolves).
    /// </summary>
    public async Task RetireAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            _retired = true;
            idle = _leases == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        try
        {
            await idle.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Closing anyway; the key stays until the last lease is returned.
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate) _retired = true;
        await CloseAsync().ConfigureAwait(false);
        bool disposeCredentials;
        lock (_gate)
        {
            _closed = true;
            disposeCredentials = _leases == 0 && !_credentialsDisposed;
            _credentialsDisposed |= disposeCredentials;
        }
        if (disposeCredentials) Credentials.Dispose();
    }

    /// <summary>Closes the connections of the set (the key is disposed separately, once no lease is left).</summary>
    protected virtual ValueTask CloseAsync() => Pool.DisposeAsync();
}
