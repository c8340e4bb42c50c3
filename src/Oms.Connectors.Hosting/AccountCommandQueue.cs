namespace Oms.Connectors.Hosting;

/// <summary>
/// The commands waiting to be sent for one account: risk-reducing commands (cancels, reduce-only orders, queries) are
/// always taken before new risk. Bounded: a full queue refuses instead of growing without limit. Thread-safe; one
/// reader.
/// </summary>
public sealed class AccountCommandQueue
{
    private readonly Queue<VenueCommand> _priority = new();
    private readonly Queue<VenueCommand> _normal = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private bool _completed;

    public AccountCommandQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Commands waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _priority.Count + _normal.Count;
        }
    }

    /// <summary>Whether queries and risk-reducing commands go first. Queries resolve unknown outcomes, so they are urgent too.</summary>
    public static bool IsPriority(VenueCommand command) => command.IsRiskReducing || command is QueryOrderCommand;

    /// <summary>Queues a command; false when the queue is full or completed (nothing was queued).</summary>
    public bool TryEnqueue(VenueCommand command)
    {
        lock (_gate)
        {
            if (_completed || _priority.Count + _normal.Count >= _capacity) return false;
            (IsPriority(command) ? _priority : _normal).Enqueue(command);
        }
        _available.Release();
        return true;
    }

    /// <summary>The next command (priority first), or null once the queue is completed and empty.</summary>
    public async ValueTask<VenueCommand?> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_completed && _priority.Count == 0 && _normal.Count == 0) return null;
            }
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_priority.TryDequeue(out var urgent)) return urgent;
                if (_normal.TryDequeue(out var command)) return command;
            }
            // Woken by Complete() with nothing left: the check at the top ends the loop.
        }
    }

    /// <summary>Refuses new commands; the reader drains what is queued, then gets null.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
        }
        _available.Release();
    }
}
