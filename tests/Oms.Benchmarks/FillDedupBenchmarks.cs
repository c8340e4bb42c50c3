using System.Globalization;
using Oms.Benchmarks.Infrastructure;

namespace Oms.Benchmarks;

/// <summary>
/// Fill de-duplication as <c>AccountGrain</c> does it (src/Oms.Grains/Accounts/AccountGrain.Venue.cs, <c>ApplyFill</c>):
/// <c>HashSet&lt;FillKey&gt;.Add</c> of (instrument, trade id). 1,000 keys per invocation, 20 % of them replays of
/// earlier keys of the batch, in a fixed shuffled order, into a cleared set. Baseline: <c>HashSet&lt;string&gt;.Add</c>
/// of the same keys as text (<c>BINANCE:SPOT:BTCUSDT#283579160</c>).
/// <para>
/// "+ bounded retention" is what the grain does for a fill whose order it does not keep (unknown, or evicted: every
/// fill key of an evicted order goes through <c>RememberTradeKey</c>): add to the set, append to
/// <c>RecentTradeKeys</c> and, beyond <c>RecentTradeKeyRetention</c> (10,000), remove the oldest key from the set and
/// <c>RemoveRange(0, excess)</c> the list. It is a copy of that private code (AccountGrain.Venue.cs
/// RememberTradeKey/TrimRecentTradeKeys) run on a set already at the retention, as a busy account's is, with fresh
/// trade ids (a 20,000-key pool cycled, so a key comes back only after it was evicted) and the same 20 % replays.
/// </para>
/// </summary>
[Config(typeof(MicroConfig))]
public class FillDedupBenchmarks
{
    public const int KeysPerInvoke = 1000;
    public const int Retention = 10_000;
    private const int Pool = 2 * Retention;
    private const int ScheduleLength = Pool * 5 / 4;

    private readonly HashSet<string> _strings = new(KeysPerInvoke);
    private readonly HashSet<FillKey> _keys = new(KeysPerInvoke);
    private string[] _stringKeys = null!;
    private FillKey[] _fillKeys = null!;

    private readonly HashSet<FillKey> _retained = new(Retention + 1);
    private readonly List<FillKey> _recent = new(Retention + 1);
    private FillKey[] _schedule = null!;
    private int _cursor;

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

        // Retention schedule: every fifth key replays one of the last 50, the others walk a pool twice the retention.
        var pool = Enumerable.Range(0, Pool).Select(i => NewKey(300_000_000L + i)).ToArray();
        _schedule = new FillKey[ScheduleLength];
        var next = 0;
        for (var j = 0; j < ScheduleLength; j++)
        {
            _schedule[j] = j % 5 == 4 ? _schedule[j - 1 - random.Next(Math.Min(50, j))] : pool[next++ % Pool];
        }
        // Fill the set to the retention, as a busy account's is.
        for (var j = 0; j < 2 * ScheduleLength; j++) ApplyWithRetention(_schedule[j % ScheduleLength]);
        if (_recent.Count != Retention) throw new InvalidOperationException($"the retention list holds {_recent.Count}, not {Retention}");
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

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "+ bounded retention (List.RemoveRange(0, n))")]
    public int FillKeySetWithRetention()
    {
        var added = 0;
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            if (ApplyWithRetention(_schedule[_cursor])) added++;
            if (++_cursor == ScheduleLength) _cursor = 0;
        }
        return added;
    }

    /// <summary>The grain's path for a fill of an order it does not keep.</summary>
    private bool ApplyWithRetention(FillKey key)
    {
        if (!_retained.Add(key)) return false;
        _recent.Add(key);
        var excess = _recent.Count - Retention;
        if (excess > 0)
        {
            for (var i = 0; i < excess; i++) _retained.Remove(_recent[i]);
            _recent.RemoveRange(0, excess);
        }
        return true;
    }

    private static FillKey NewKey(long tradeId) =>
        new(Realistic.BtcSpot, new TradeId(tradeId.ToString(CultureInfo.InvariantCulture)));
}
