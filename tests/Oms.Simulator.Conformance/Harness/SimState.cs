using System.Text.Json;
using Xunit.Sdk;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>The simulator's own view of an account (<c>GET /sim/accounts/{apiKey}</c>), with lookups used by the cross-checks.</summary>
public sealed class SimState(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public JsonElement Spot => Root.At("spot");

    public JsonElement Futures => Root.At("futures");

    public IReadOnlyList<JsonElement> SpotOrders => Spot.Items("orders");

    public IReadOnlyList<JsonElement> SpotOpenOrders => Spot.Items("openOrders");

    public IReadOnlyList<JsonElement> SpotTrades => Spot.Items("trades");

    public IReadOnlyList<JsonElement> FuturesOrders => Futures.Items("orders");

    public IReadOnlyList<JsonElement> FuturesOpenOrders => Futures.Items("openOrders");

    public IReadOnlyList<JsonElement> FuturesTrades => Futures.Items("trades");

    public IReadOnlyList<JsonElement> FuturesOpenAlgoOrders => Futures.Items("openAlgoOrders");

    public IReadOnlyList<JsonElement> FuturesPositions => Futures.Has("positions") ? Futures.Items("positions") : [];

    public JsonElement SpotOrder(long orderId) => Find(SpotOrders, o => o.Long("orderId") == orderId, $"spot order {orderId}");

    public JsonElement SpotOrder(string clientOrderId) => Find(SpotOrders, o => o.Text("clientOrderId") == clientOrderId, $"spot order '{clientOrderId}'");

    public JsonElement FuturesOrder(long orderId) => Find(FuturesOrders, o => o.Long("orderId") == orderId, $"futures order {orderId}");

    /// <summary>Spot free balance of <paramref name="asset"/> (0 when the asset is absent).</summary>
    public decimal SpotFree(string asset) => SpotBalance(asset, "free");

    public decimal SpotLocked(string asset) => SpotBalance(asset, "locked");

    private decimal SpotBalance(string asset, string field)
    {
        var balance = Spot.Items("account.balances").FirstOrDefault(b => b.Text("asset") == asset);
        return balance.ValueKind == JsonValueKind.Undefined ? 0m : balance.Dec(field);
    }

    /// <summary>USDⓈ-M wallet asset row (walletBalance, availableBalance, …).</summary>
    public JsonElement FuturesAsset(string asset) =>
        Find(Futures.Items("account.assets"), a => a.Text("asset") == asset, $"futures asset {asset}");

    /// <summary>Non-zero positions (or any for <paramref name="symbol"/>).</summary>
    public IReadOnlyList<JsonElement> PositionsOf(string symbol) =>
        FuturesPositions.Where(p => p.Text("symbol") == symbol).ToList();

    private JsonElement Find(IEnumerable<JsonElement> items, Func<JsonElement, bool> predicate, string what)
    {
        foreach (var item in items)
        {
            if (predicate(item))
            {
                return item;
            }
        }

        throw new XunitException($"the simulator has no {what}; state: {Json.Short(Root)}");
    }
}
