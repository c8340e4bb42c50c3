using System.Globalization;
using Oms.Benchmarks.Infrastructure;
using Oms.Grains;

namespace Oms.Benchmarks;

/// <summary>
/// Fill de-duplication as <c>AccountGrain</c> does it (src/Oms.Grains/Accounts/AccountGrain.Venue.cs, <c>ApplyFill</c>):
/// <c>HashSet&lt;FillKey&gt;.Add</c> of (instrument, trade id). 1,000 keys per invocation, 20 % of them replays of
/// earlier keys of the batch, in a fixed shuffled order, into a cleared set. Baseline: <c>HashSet&lt;string&gt;.Add</c>
/// of the same keys as text (<c>BINANCE:SPOT:BTCUSDT#283579160</c>).
/// <para>
/// "+ retention" adds the bounded memory of applied keys: add to the set, append to the oldest-first memory and, beyond
/// the retention, remove the oldest key from the set. Two memories, at the same sizes (2,000 keys: the account's former
/// <c>RecentTradeKeyRetention</c> default; 10,000 trade ids: <c>PositionTradeIdRetention</c>):
/// <list type="bullet">
/// <item><c>List.RemoveRange(0, n)</c>: what the grains did before (a copy of that former private logic); every
/// eviction shifts the whole list.</item>
/// <item><c>RingBuffer</c> (<c>Oms.Grains.RingBuffer&lt;T&gt;</c>, what AccountGrain.Venue.cs <c>RememberFill</c> and
/// PositionGrain.cs now use): O(1) append, the evicted key comes back from <c>Add</c>.</item>
/// </list>
/// Each on a set already full (a busy account's), with fresh trade ids (a pool twice the retention, cycled, so a key
/// comes back only after it was evicted) and the same 20 % replays.
/// </para>
/// </summary>
[Config(typeof(MicroConfig))]
public class FillDedupBenchmarks
{
    public const int KeysPerInvoke = 1000;
    private const int AccountRetention2000 = 2000;

    private readonly HashSet<string> _strings = new(KeysPerInvoke);
    private readonly HashSet<FillKey> _keys = new(KeysPerInvoke);
    private string[] _stringKeys = null!;
    private FillKey[] _fillKeys = null!;
    private RetainedKeys<FillKey> _account = null!;
    private RetainedKeys<TradeId> _position = null!;
    private RetainedKeys<FillKey> _accountRing = null!;
    private RetainedKeys<TradeId> _positionRing = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260105);
        const int unique = KeysPerInvoke * 8 / 10;
        var tradeIds = new List<long>(KeysPerInvoke);
        for (var i = 0; i < unique; i++) tradeIds.Add(283_579_160L + i);
        for (var i = unique; i < KeysPerInvoke; i++) tradeIds.Add(tradeIds[random.Next(unique)]);
        var shuffled = tradeIds.ToArray();
        random.Shuffle(shuffled);
        // Distinct string instances per key, as parsed from the wire (no reference-equality shortcuts).
        _fillKeys = shuffled.Select(NewKey).ToArray();
        _stringKeys = _fillKeys.Select(k => k.ToString()).ToArray();

        var defaults = new OmsGrainOptions();
        _account = new RetainedKeys<FillKey>(AccountRetention2000, ring: false, random, NewKey);
        _position = new RetainedKeys<TradeId>(defaults.PositionTradeIdRetention, ring: false, random, id => NewKey(id).TradeId);
        _accountRing = new RetainedKeys<FillKey>(AccountRetention2000, ring: true, new Random(20260105), NewKey);
        _positionRing = new RetainedKeys<TradeId>(defaults.PositionTradeIdRetention, ring: true, new Random(20260105), id => NewKey(id).TradeId);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeysPerInvoke, Description = "HashSet<string>.Add")]
    public int StringSet()
    {
        _strings.Clear();
        var added = 0;
        foreach (var key in _stringKeys)
        {
            if (_strings.Add(key)) added++;
        }
        return added;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "HashSet<FillKey>.Add (AccountGrain)")]
    public int FillKeySet()
    {
        _keys.Clear();
        var added = 0;
        foreach (var key in _fillKeys)
        {
            if (_keys.Add(key)) added++;
        }
        return added;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "+ retention, 2,000 FillKeys, List.RemoveRange (before)")]
    public int AccountRetention() => _account.ApplyNext(KeysPerInvoke);

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "+ retention, 2,000 FillKeys, RingBuffer (now)")]
    public int AccountRetentionRing() => _accountRing.ApplyNext(KeysPerInvoke);

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "+ retention, 10,000 TradeIds, List.RemoveRange (before)")]
    public int PositionRetention() => _position.ApplyNext(KeysPerInvoke);

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "+ retention, 10,000 TradeIds, RingBuffer (now)")]
    public int PositionRetentionRing() => _positionRing.ApplyNext(KeysPerInvoke);

    private static FillKey NewKey(long tradeId) =>
        new(Realistic.BtcSpot, new TradeId(tradeId.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// A set plus an oldest-first memory: a list trimmed with <c>RemoveRange(0, excess)</c> (the grains before) or a
    /// <see cref="RingBuffer{T}"/> (the grains now).
    /// </summary>
    private sealed class RetainedKeys<TKey>
        where TKey : struct
    {
        private readonly int _retention;
        private readonly HashSet<TKey> _set;
        private readonly List<TKey> _oldestFirst;
        private readonly RingBuffer<TKey>? _ring;
        private readonly TKey[] _schedule;
        private int _cursor;

        public RetainedKeys(int retention, bool ring, Random random, Func<long, TKey> newKey)
        {
            _retention = retention;
            _set = new HashSet<TKey>(retention + 1);
            _oldestFirst = new List<TKey>(retention + 1);
            _ring = ring ? new RingBuffer<TKey>(retention) : null;
            // Every fifth key replays one of the last 50; the others walk a pool twice the retention.
            var pool = Enumerable.Range(0, 2 * retention).Select(i => newKey(300_000_000L + i)).ToArray();
            _schedule = new TKey[pool.Length * 5 / 4];
            var next = 0;
            for (var j = 0; j < _schedule.Length; j++)
            {
                _schedule[j] = j % 5 == 4 ? _schedule[j - 1 - random.Next(Math.Min(50, j))] : pool[next++ % pool.Length];
            }
            ApplyNext(2 * _schedule.Length);
            var held = _ring?.Count ?? _oldestFirst.Count;
            if (held != retention) throw new InvalidOperationException($"the retention memory holds {held}, not {retention}");
        }

        public int ApplyNext(int count)
        {
            var added = 0;
            for (var i = 0; i < count; i++)
            {
                if (Apply(_schedule[_cursor])) added++;
                if (++_cursor == _schedule.Length) _cursor = 0;
            }
            return added;
        }

        private bool Apply(TKey key)
        {
            if (!_set.Add(key)) return false;
            if (_ring is not null)
            {
                if (_ring.Add(key, out var evicted)) _set.Remove(evicted);
                return true;
            }
            _oldestFirst.Add(key);
            var excess = _oldestFirst.Count - _retention;
            if (excess > 0)
            {
                for (var i = 0; i < excess; i++) _set.Remove(_oldestFirst[i]);
                _oldestFirst.RemoveRange(0, excess);
            }
            return true;
        }
    }
}
