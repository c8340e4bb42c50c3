using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Operations;

namespace Oms.Simulator.Wire.Admin;

/// <summary>
/// One order-entry request that reached the venue with a known API key, whatever its outcome (accepted, rejected,
/// rate-limited, bad signature). <see cref="Status"/> is the HTTP/WS status answered and <see cref="Code"/> the Binance
/// error code (null on success).
/// </summary>
public sealed record RequestLogEntry(
    long Time,
    string AccountId,
    string ApiKey,
    MarketKind Market,
    Transport Transport,
    string Route,
    string Operation,
    IReadOnlyDictionary<string, string> Parameters,
    int Status,
    int? Code);

/// <summary>
/// Bounded in-memory log of order requests received per account (place, test, cancel, amend, cancel-replace,
/// order lists, batch and algo orders). Tests read it through <c>GET /sim/requests</c> to prove that an order
/// never reached the venue.
/// </summary>
public sealed class RequestLog
{
    private readonly LinkedList<RequestLogEntry> entries = new();
    private readonly int capacity;

    public RequestLog(int capacity = 100_000)
    {
        this.capacity = capacity;
    }

    public void Record(RequestLogEntry entry)
    {
        lock (entries)
        {
            entries.AddLast(entry);
            while (entries.Count > capacity)
            {
                entries.RemoveFirst();
            }
        }
    }

    /// <summary>Entries in arrival order, optionally for one account or API key.</summary>
    public IReadOnlyList<RequestLogEntry> Snapshot(string? accountId = null, string? apiKey = null)
    {
        lock (entries)
        {
            return entries
                .Where(e => (accountId is null || e.AccountId == accountId) && (apiKey is null || e.ApiKey == apiKey))
                .ToList();
        }
    }

    public void Clear()
    {
        lock (entries)
        {
            entries.Clear();
        }
    }
}
