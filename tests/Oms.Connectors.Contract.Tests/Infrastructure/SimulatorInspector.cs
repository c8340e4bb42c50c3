using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>A spot order as the simulator's inspect API shows it.</summary>
public sealed record SimOrder(string Symbol, long OrderId, string ClientOrderId, string Status, decimal OrigQty, decimal ExecutedQty, decimal Price);

/// <summary>A spot trade of the account as the simulator's inspect API shows it.</summary>
public sealed record SimTrade(string Symbol, long Id, long OrderId, decimal Price, decimal Qty, decimal Commission, string CommissionAsset, bool IsBuyer);

/// <summary>What the simulator holds for one account (spot).</summary>
public sealed record SimAccount(IReadOnlyDictionary<string, (decimal Free, decimal Locked)> Balances, IReadOnlyList<SimOrder> Orders, IReadOnlyList<SimTrade> Trades,
    IReadOnlyList<SimOrder> OpenOrders);

/// <summary>The simulator's admin API (<c>/sim/…</c>) over HTTP: inspection, market control and faults.</summary>
public sealed class SimulatorInspector : IDisposable
{
    private readonly HttpClient _http;

    public SimulatorInspector(Uri admin) => _http = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<SimAccount> GetAccountAsync(AccountId account)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"accounts/{account.Value}"));
        var spot = document.RootElement.GetProperty("spot");
        var balances = new Dictionary<string, (decimal, decimal)>(StringComparer.Ordinal);
        foreach (var balance in spot.GetProperty("account").GetProperty("balances").EnumerateArray())
        {
            balances[balance.GetProperty("asset").GetString()!] = (Dec(balance, "free"), Dec(balance, "locked"));
        }
        static SimOrder Order(JsonElement o) => new(o.GetProperty("symbol").GetString()!, o.GetProperty("orderId").GetInt64(), o.GetProperty("clientOrderId").GetString()!,
            o.GetProperty("status").GetString()!, Dec(o, "origQty"), Dec(o, "executedQty"), Dec(o, "price"));
        var orders = spot.GetProperty("orders").EnumerateArray().Select(Order).ToList();
        var open = spot.GetProperty("openOrders").ValueKind == JsonValueKind.Array ? spot.GetProperty("openOrders").EnumerateArray().Select(Order).ToList() : [];
        var trades = spot.GetProperty("trades").EnumerateArray().Select(t => new SimTrade(t.GetProperty("symbol").GetString()!, t.GetProperty("id").GetInt64(),
            t.GetProperty("orderId").GetInt64(), Dec(t, "price"), Dec(t, "qty"), Dec(t, "commission"), t.GetProperty("commissionAsset").GetString()!,
            t.GetProperty("isBuyer").GetBoolean())).ToList();
        return new SimAccount(balances, orders, trades, open);
    }

    public Task HoldAsync(string symbol) => PostAsync("markets/hold", new { symbol, market = "spot", held = true });

    public Task SetPriceAsync(string symbol, decimal price) => PostAsync("prices", new { symbol, price, market = "spot" });

    /// <summary>Adds a request fault, e.g. <c>{action:"Error", target:"order.place", status:503, code:-1007, afterExecution:true, times:1}</c>.</summary>
    public Task AddFaultAsync(object rule) => PostAsync("faults", rule);

    public Task SetUserDataFaultsAsync(AccountId account, bool silence = false, bool duplicate = false, bool reorder = false) =>
        PostAsync("faults/user-data", new { accountId = account.Value, silence, duplicate, reorder });

    public async Task ClearFaultsAsync() => (await _http.DeleteAsync("faults")).EnsureSuccessStatusCode();

    public Task DropConnectionsAsync(AccountId account) => PostAsync("connections/drop", new { accountId = account.Value });

    public Task SetSpotLimitsAsync(object limits) => PostAsync("limits", new { market = "spot", limits });

    public Task ResetLimitsAsync() => PostAsync("limits/reset", new { });

    /// <summary>The order requests that reached the venue for the account, with the answered status and Binance code.</summary>
    public async Task<IReadOnlyList<(string Operation, int Status, int? Code)>> GetRequestsAsync(AccountId account)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"requests?accountId={Uri.EscapeDataString(account.Value)}"));
        return document.RootElement.EnumerateArray().Select(e => (
            e.TryGetProperty("operation", out var op) ? op.GetString() ?? "" : "",
            e.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number ? status.GetInt32() : 0,
            e.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : (int?)null)).ToList();
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
