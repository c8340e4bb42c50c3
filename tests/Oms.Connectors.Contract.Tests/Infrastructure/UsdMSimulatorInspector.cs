using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>A USD-M trade of the account as the simulator's inspect API shows it (with the venue's realized PnL).</summary>
public sealed record SimFuturesTrade(string Symbol, long Id, long OrderId, string Side, decimal Price, decimal Qty, decimal RealizedPnl, decimal Commission,
    string CommissionAsset);

/// <summary>A USD-M position as the simulator's inspect API shows it.</summary>
public sealed record SimFuturesPosition(string Symbol, string PositionSide, decimal PositionAmt, decimal EntryPrice);

/// <summary>What the simulator holds for one account on USD-M.</summary>
public sealed record SimFuturesAccount(IReadOnlyList<SimFuturesTrade> Trades, IReadOnlyList<SimFuturesPosition> Positions, int OpenOrders, int OpenAlgoOrders);

/// <summary>One request the simulator logged for an account.</summary>
public sealed record SimRequest(string Operation, string Route, int Status, IReadOnlyDictionary<string, string> Parameters);

/// <summary>The simulator's admin API (<c>/sim/…</c>) for the USD-M market: inspection, prices, listenKeys, the request log.</summary>
public sealed class UsdMSimulatorInspector : IDisposable
{
    private readonly HttpClient _http;

    public UsdMSimulatorInspector(Uri admin) => _http = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<SimFuturesAccount> GetAccountAsync(AccountId account)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"accounts/{account.Value}"));
        var futures = document.RootElement.GetProperty("futures");
        var trades = futures.GetProperty("trades").EnumerateArray().Select(t => new SimFuturesTrade(
            t.GetProperty("symbol").GetString()!, t.GetProperty("id").GetInt64(), t.GetProperty("orderId").GetInt64(), t.GetProperty("side").GetString()!,
            Dec(t, "price"), Dec(t, "qty"), Dec(t, "realizedPnl"), Dec(t, "commission"), t.GetProperty("commissionAsset").GetString()!)).ToList();
        var positions = futures.GetProperty("positions").ValueKind == JsonValueKind.Array
            ? futures.GetProperty("positions").EnumerateArray().Select(p => new SimFuturesPosition(p.GetProperty("symbol").GetString()!,
                p.GetProperty("positionSide").GetString()!, Dec(p, "positionAmt"), Dec(p, "entryPrice"))).ToList()
            : [];
        static int Count(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() : 0;
        return new SimFuturesAccount(trades, positions, Count(futures.GetProperty("openOrders")), Count(futures.GetProperty("openAlgoOrders")));
    }

    public Task HoldAsync(string symbol) => PostAsync("markets/hold", new { symbol, market = "usdm", held = true });

    /// <summary>Moves the USD-M last price (resting liquidity and conditional triggers follow it).</summary>
    public Task SetPriceAsync(string symbol, decimal price) => PostAsync("prices", new { symbol, price, market = "usdm" });

    /// <summary>Pins the USD-M mark price of <paramref name="symbol"/>; null gives the market its own mark (mid of the quotes) back.</summary>
    public Task SetMarkPriceAsync(string symbol, decimal? price) => PostAsync("markets/mark-price", new { symbol, price });

    /// <summary>Expires the account's listenKey now: its streams get <c>listenKeyExpired</c> and stop.</summary>
    public Task ExpireListenKeyAsync(AccountId account) => PostAsync("listen-keys/expire", new { accountId = account.Value });

    /// <summary>The requests that reached the venue for the account.</summary>
    public async Task<IReadOnlyList<SimRequest>> GetRequestsAsync(AccountId account)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"requests?accountId={Uri.EscapeDataString(account.Value)}"));
        return document.RootElement.EnumerateArray().Select(e => new SimRequest(
            e.TryGetProperty("operation", out var op) ? op.GetString() ?? "" : "",
            e.TryGetProperty("route", out var route) ? route.GetString() ?? "" : "",
            e.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number ? status.GetInt32() : 0,
            e.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                ? parameters.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string>())).ToList();
    }

    private async Task PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"simulator admin {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static decimal Dec(JsonElement element, string name)
    {
        var value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : decimal.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();
}
