namespace Oms.Connectors.Hosting;

/// <summary>
/// Runs an account's commands concurrently (at most <c>maxConcurrency</c> in flight, so requests pipeline on the
/// venue connection) while the commands of one order run strictly in the order they were queued: a cancel never
/// overtakes the placement of the same order.
/// </summary>
public sealed class OrderedCommandExecutor
{
    private readonly Func<VenueCommand, CancellationToken, Task> _handler;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<ClientOrderId, Task> _tails = [];
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger;

    public OrderedCommandExecutor(int maxConcurrency, Func<VenueCommand, CancellationToken, Task> handler, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _handler = handler;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        _logger = logger;
    }

    /// <summary>Commands started and not yet finished.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate) return _running.Count;
        }
    }

    /// <summary>Takes commands from <paramref name="queue"/> until it is completed and drained (or <paramref name="stop"/> fires), then waits for those in flight.</summary>
    public async Task RunAsync(AccountCommandQueue queue, CancellationToken stop)
    {
        try
        {
            while (await queue.DequeueAsync(stop).ConfigureAwait(false) is { } command)
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
                Start(command, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: what is in flight still finishes below.
        }
        Task[] running;
        lock (_gate) running = [.. _running];
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private void Start(VenueCommand command, CancellationToken stop)
    {
        Task? previous;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _tails.TryGetValue(command.ClientOrderId, out previous);
            _tails[command.ClientOrderId] = done.Task;
            _running.Add(done.Task);
        }
        _ = RunAfterAsync(previous, command, done, stop);
    }

    private async Task RunAfterAsync(Task? previous, VenueCommand command, TaskCompletionSource done, CancellationToken stop)
    {
        try
        {
            if (previous is not null) await previous.ConfigureAwait(false);
            await _handler(command, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _logger.LogWarning("Account {Account}: {Command} of order {ClientOrderId} was not sent: the worker stopped",
                command.Account, command.GetType().Name, command.ClientOrderId);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account}: {Command} of order {ClientOrderId} failed unexpectedly",
                command.Account, command.GetType().Name, command.ClientOrderId);
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(done.Task);
                if (_tails.TryGetValue(command.ClientOrderId, out var tail) && tail == done.Task) _tails.Remove(command.ClientOrderId);
            }
            _slots.Release();
            done.TrySetResult();
        }
    }
}
