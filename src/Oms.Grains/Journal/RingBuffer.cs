namespace Oms.Grains;

/// <summary>
/// A bounded first-in first-out buffer: <see cref="Add(T, out T)"/> is O(1) and, once <see cref="Capacity"/> items are held,
/// pushes out the oldest one (returned to the caller, e.g. to drop it from an index). Serializable by Orleans (grain
/// state): the backing array grows by doubling up to the capacity, so a buffer that is far from full does not write
/// empty slots. Not thread-safe.
/// </summary>
[GenerateSerializer, Alias("oms.grains.RingBuffer`1")]
public sealed class RingBuffer<T>
{
    [Id(0)] private T[] _items;
    /// <summary>Index of the oldest item in <see cref="_items"/>.</summary>
    [Id(1)] private int _head;
    [Id(2)] private int _count;
    [Id(3)] private int _capacity;

    /// <summary>For the serializer; callers give a capacity.</summary>
    public RingBuffer() : this(1)
    {
    }

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _items = [];
    }

    /// <summary>The most items held; adding beyond it evicts the oldest.</summary>
    public int Capacity => _capacity;

    public int Count => _count;

    /// <summary>The <paramref name="index"/>-th item, oldest first.</summary>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, $"ring buffer holds {_count} items");
            return _items[(_head + index) % _items.Length];
        }
    }

    /// <summary>The oldest item; the buffer must not be empty.</summary>
    public T Oldest => this[0];

    /// <summary>The newest item; the buffer must not be empty.</summary>
    public T Newest => this[_count - 1];

    /// <summary>Appends <paramref name="item"/>; returns true with the item it pushed out when the buffer was full.</summary>
    public bool Add(T item, out T evicted)
    {
        if (_count < _capacity)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = item;
            _count++;
            evicted = default!;
            return false;
        }
        evicted = _items[_head];
        _items[_head] = item;
        _head = (_head + 1) % _items.Length;
        return true;
    }

    /// <summary>Appends <paramref name="item"/>, dropping the oldest when full.</summary>
    public void Add(T item) => Add(item, out _);

    /// <summary>Removes and returns the oldest item; the buffer must not be empty.</summary>
    public T RemoveOldest()
    {
        if (_count == 0) throw new InvalidOperationException("ring buffer is empty");
        var item = _items[_head];
        _items[_head] = default!;
        _head = (_head + 1) % _items.Length;
        _count--;
        return item;
    }

    /// <summary>Removes every item.</summary>
    public void Clear()
    {
        _items = [];
        _head = 0;
        _count = 0;
    }

    /// <summary>
    /// Changes the capacity (e.g. after the configured retention changed), keeping the newest items; returns those that
    /// no longer fit, oldest first.
    /// </summary>
    public IReadOnlyList<T> Resize(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var dropped = new List<T>();
        while (_count > capacity) dropped.Add(RemoveOldest());
        var items = new T[Math.Min(capacity, Math.Max(_count, 4))];
        for (var i = 0; i < _count; i++) items[i] = this[i];
        _items = items;
        _head = 0;
        _capacity = capacity;
        return dropped;
    }

    /// <summary>The items, oldest first (a copy).</summary>
    public T[] ToArray()
    {
        var result = new T[_count];
        for (var i = 0; i < _count; i++) result[i] = this[i];
        return result;
    }

    /// <summary>The index of the first item (oldest first) for which <paramref name="isAtOrAfter"/> holds, assuming it holds for a suffix; <see cref="Count"/> when none.</summary>
    public int LowerBound(Func<T, bool> isAtOrAfter)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (isAtOrAfter(this[mid])) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private void Grow()
    {
        var size = Math.Min(_capacity, Math.Max(4, _items.Length * 2));
        var items = new T[size];
        for (var i = 0; i < _count; i++) items[i] = _items[(_head + i) % _items.Length];
        _items = items;
        _head = 0;
    }
}
