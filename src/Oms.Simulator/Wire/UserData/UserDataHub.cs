using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Futures;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.Spot;

namespace Oms.Simulator.Wire.UserData;

/// <summary>A destination of one account's user-data events (a spot WS API subscription or a futures private stream).</summary>
public interface IUserDataSink
{
    string AccountId { get; }

    MarketKind Market { get; }

    /// <summary>Queues one rendered event (the bare event object) with its type name (<c>e</c>).</summary>
    void Deliver(ReadOnlyMemory<byte> payload, string eventType);
}

/// <summary>User-data faults for one account, or for every account when the key is <c>*</c>.</summary>
public sealed record UserDataFaults(bool Silenced, bool Duplicate, bool Reorder);

/// <summary>
/// Turns engine account events into Binance user-data payloads (rendered once) and delivers them to every sink of
/// the account and venue, applying user-data faults: silence (the stream stops while the socket stays open),
/// duplicate (each event sent twice) and reorder (adjacent events swapped).
/// </summary>
public sealed class UserDataHub : IDisposable
{
    private const string AllAccounts = "*";

    private readonly object gate = new();
    private readonly List<IUserDataSink> sinks = [];
    private readonly Dictionary<string, UserDataFaults> faults = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, MarketKind Market), (byte[] Payload, string Type, long HeldAt)> held = [];
    private readonly Func<string, SymbolFormat> spotFormat;
    private readonly TimeProvider clock;
    private readonly IDisposable subscription;

    public UserDataHub(SimExchange exchange, Func<string, SymbolFormat> spotFormat, TimeProvider clock)
    {
        this.spotFormat = spotFormat;
        this.clock = clock;
        subscription = exchange.Subscribe(OnEvent);
    }

    /// <summary>How long a reordered event may wait for a successor before it is flushed.</summary>
    public TimeSpan ReorderHold { get; set; } = TimeSpan.FromSeconds(1);

    public IDisposable Register(IUserDataSink sink)
    {
        lock (gate)
        {
            sinks.Add(sink);
        }

        return new Registration(this, sink);
    }

    /// <summary>Sets (or with all flags false, clears) user-data faults for an account; null = every account.</summary>
    public void SetFaults(string? accountId, UserDataFaults value)
    {
        lock (gate)
        {
            var key = accountId ?? AllAccounts;
            if (value is { Silenced: false, Duplicate: false, Reorder: false })
            {
                faults.Remove(key);
            }
            else
            {
                faults[key] = value;
            }
        }

        FlushHeld(force: true);
    }

    public void ClearFaults()
    {
        lock (gate)
        {
            faults.Clear();
        }

        FlushHeld(force: true);
    }

    public IReadOnlyDictionary<string, UserDataFaults> FaultSnapshot()
    {
        lock (gate)
        {
            return new Dictionary<string, UserDataFaults>(faults, StringComparer.Ordinal);
        }
    }

    /// <summary>Delivers reordered events that waited longer than <see cref="ReorderHold"/> (or all of them).</summary>
    public void FlushHeld(bool force = false)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        List<((string Account, MarketKind Market) Key, byte[] Payload, string Type)> due = [];
        lock (gate)
        {
            foreach (var (key, value) in held)
            {
                if (force || now - value.HeldAt >= (long)ReorderHold.TotalMilliseconds)
                {
                    due.Add((key, value.Payload, value.Type));
                }
            }

            foreach (var item in due)
            {
                held.Remove(item.Key);
            }
        }

        foreach (var (key, payload, type) in due)
        {
            Send(key.Account, key.Market, payload, type, duplicate: false);
        }
    }

    public void Dispose() => subscription.Dispose();

    private void OnEvent(SimEvent e)
    {
        if (e is not AccountEvent accountEvent || MarketOf(accountEvent) is not { } market)
        {
            return;
        }

        lock (gate)
        {
            // Nobody listens to this account on this venue: skip rendering (the common case for REST-only clients).
            if (!sinks.Any(s => s.Market == market && string.Equals(s.AccountId, accountEvent.AccountId, StringComparison.Ordinal)))
            {
                return;
            }
        }

        var rendered = Render(accountEvent);
        if (rendered is not { } r)
        {
            return;
        }

        UserDataFaults? fault;
        lock (gate)
        {
            if (!faults.TryGetValue(accountEvent.AccountId, out fault))
            {
                faults.TryGetValue(AllAccounts, out fault);
            }
        }

        if (fault is { Silenced: true })
        {
            return;
        }

        var duplicate = fault is { Duplicate: true };
        if (fault is { Reorder: true })
        {
            var key = (accountEvent.AccountId, r.Market);
            (byte[] Payload, string Type, long HeldAt) previous;
            bool hadPrevious;
            lock (gate)
            {
                hadPrevious = held.Remove(key, out previous);
                if (!hadPrevious)
                {
                    held[key] = (r.Payload, r.Type, clock.GetUtcNow().ToUnixTimeMilliseconds());
                }
            }

            if (!hadPrevious)
            {
                return;
            }

            Send(accountEvent.AccountId, r.Market, r.Payload, r.Type, duplicate);
            Send(accountEvent.AccountId, r.Market, previous.Payload, previous.Type, duplicate);
            return;
        }

        Send(accountEvent.AccountId, r.Market, r.Payload, r.Type, duplicate);
    }

    private void Send(string accountId, MarketKind market, byte[] payload, string type, bool duplicate)
    {
        IUserDataSink[] targets;
        lock (gate)
        {
            targets = sinks.Where(s => s.Market == market && string.Equals(s.AccountId, accountId, StringComparison.Ordinal)).ToArray();
        }

        foreach (var sink in targets)
        {
            sink.Deliver(payload, type);
            if (duplicate)
            {
                sink.Deliver(payload, type);
            }
        }
    }

    private static MarketKind? MarketOf(AccountEvent e) => e switch
    {
        SpotExecutionReport or SpotAccountPosition or SpotBalanceUpdate or SpotListStatus => MarketKind.Spot,
        FuturesOrderTradeUpdate or FuturesAccountUpdate or FuturesAlgoUpdate or FuturesMarginCall or FuturesAccountConfigUpdate => MarketKind.UsdM,
        _ => null,
    };

    private (byte[] Payload, string Type, MarketKind Market)? Render(AccountEvent e) => e switch
    {
        SpotExecutionReport x => (JsonFrames.Render(w => SpotJson.WriteExecutionReport(w, x, spotFormat(x.Symbol))), "executionReport", MarketKind.Spot),
        SpotAccountPosition x => (JsonFrames.Render(w => SpotJson.WriteAccountPosition(w, x)), "outboundAccountPosition", MarketKind.Spot),
        SpotBalanceUpdate x => (JsonFrames.Render(w => SpotJson.WriteBalanceUpdate(w, x)), "balanceUpdate", MarketKind.Spot),
        SpotListStatus x => (JsonFrames.Render(w => SpotJson.WriteListStatus(w, x)), "listStatus", MarketKind.Spot),
        FuturesOrderTradeUpdate x => (JsonFrames.Render(w => FuturesJson.WriteOrderTradeUpdate(w, x)), "ORDER_TRADE_UPDATE", MarketKind.UsdM),
        FuturesAccountUpdate x => (JsonFrames.Render(w => FuturesJson.WriteAccountUpdate(w, x)), "ACCOUNT_UPDATE", MarketKind.UsdM),
        FuturesAlgoUpdate x => (JsonFrames.Render(w => FuturesJson.WriteAlgoUpdate(w, x)), "ALGO_UPDATE", MarketKind.UsdM),
        FuturesMarginCall x => (JsonFrames.Render(w => FuturesJson.WriteMarginCall(w, x)), "MARGIN_CALL", MarketKind.UsdM),
        FuturesAccountConfigUpdate x => (JsonFrames.Render(w => FuturesJson.WriteAccountConfigUpdate(w, x)), "ACCOUNT_CONFIG_UPDATE", MarketKind.UsdM),
        _ => null,
    };

    private sealed class Registration(UserDataHub hub, IUserDataSink sink) : IDisposable
    {
        public void Dispose()
        {
            lock (hub.gate)
            {
                hub.sinks.Remove(sink);
            }
        }
    }
}
