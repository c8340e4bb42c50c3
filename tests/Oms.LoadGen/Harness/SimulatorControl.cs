using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;

namespace Oms.LoadGen.Harness;

/// <summary>An Ed25519 key made for one simulator account of this run (simulator-only; never stored beyond the run).</summary>
public sealed record SimulatorKey(string AccountId, string ApiKey, byte[] Seed)
{
    /// <summary>The seed as 64 hex digits (the OMS local secret store's Ed25519 form).</summary>
    public string SeedHex => Convert.ToHexStringLower(Seed);

    /// <summary>PKCS#8 PEM of the private key (what <c>@binance/spot</c> takes as <c>privateKey</c>).</summary>
    public string PrivateKeyPem
    {
        get
        {
            // PKCS#8 OneAsymmetricKey for Ed25519 (RFC 8410): fixed 16-byte prefix + the 32-byte seed.
            var der = Convert.FromHexString("302e020100300506032b657004220420").Concat(Seed).ToArray();
            return "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(der) + "\n-----END PRIVATE KEY-----\n";
        }
    }

    public override string ToString() => $"SimulatorKey({AccountId}, {ApiKey}, seed redacted)";
}

/// <summary>
/// The simulator's admin API (<c>/sim/…</c>) and public REST, over HTTP: works the same for the in-process simulator
/// and for one the OMS under test was started with.
/// </summary>
public sealed class SimulatorControl(Uri restBase) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http = new() { BaseAddress = restBase, Timeout = TimeSpan.FromSeconds(30) };

    public Uri RestBase { get; } = restBase;

    /// <summary>The spot WebSocket API address (<c>ws://host:port/ws-api/v3</c>).</summary>
    public Uri SpotWsApi => new UriBuilder(RestBase) { Scheme = RestBase.Scheme == "https" ? "wss" : "ws", Path = "/ws-api/v3" }.Uri;

    /// <summary>Creates an account with a fresh Ed25519 key and the given spot balances.</summary>
    public async Task<SimulatorKey> CreateAccountAsync(string accountId, IReadOnlyDictionary<string, string> balances, CancellationToken cancellationToken)
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var publicHex = Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        using var response = await http.PostAsJsonAsync("sim/accounts", new { accountId, ed25519PublicKey = publicHex, balances }, Json, cancellationToken);
        var body = await EnsureAsync(response, $"create simulator account {accountId}", cancellationToken);
        var apiKey = body.RootElement.GetProperty("apiKey").GetString() ?? throw new InvalidOperationException("the simulator returned no apiKey");
        return new SimulatorKey(accountId, apiKey, seed);
    }

    /// <summary>Sets the spot rate limits (the OMS learns them from the venue's usage reports and exchangeInfo).</summary>
    public async Task SetSpotLimitsAsync(object limits, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("sim/limits", new { market = "spot", limits }, Json, cancellationToken);
        await EnsureAsync(response, "set the simulator's spot limits", cancellationToken);
    }

    public async Task<decimal> GetPriceAsync(string symbol, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/v3/ticker/price?symbol={symbol}", cancellationToken);
        var body = await EnsureAsync(response, $"read the {symbol} price", cancellationToken);
        return decimal.Parse(body.RootElement.GetProperty("price").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Stops (or resumes) the random walk of a spot symbol.</summary>
    public Task HoldAsync(string symbol, bool held, CancellationToken cancellationToken) =>
        PostAsync("sim/markets/hold", new { symbol, market = "spot", held }, $"hold {symbol}", cancellationToken);

    /// <summary>Turns the market maker of a spot symbol on or off.</summary>
    public Task LiquidityAsync(string symbol, bool enabled, CancellationToken cancellationToken) =>
        PostAsync("sim/markets/liquidity", new { symbol, market = "spot", enabled }, $"set {symbol} liquidity", cancellationToken);

    /// <summary>An outside aggressor takes the book up to <paramref name="price"/> (SELL takes the bids).</summary>
    public Task SweepAsync(string symbol, string side, decimal price, CancellationToken cancellationToken) =>
        PostAsync("sim/sweep", new { symbol, market = "spot", side, price }, $"sweep {symbol}", cancellationToken);

    /// <summary>Drops every WebSocket connection of an account (as a network failure would); returns how many were dropped.</summary>
    public async Task<int> DropConnectionsAsync(string accountId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("sim/connections/drop", new { accountId }, Json, cancellationToken);
        using var body = await EnsureAsync(response, $"drop the connections of {accountId}", cancellationToken);
        return body.RootElement.TryGetProperty("dropped", out var dropped) && dropped.ValueKind == JsonValueKind.Number ? dropped.GetInt32() : 0;
    }

    /// <summary>The spot trade ids of an account (as the venue recorded them).</summary>
    public async Task<IReadOnlyList<string>> GetSpotTradeIdsAsync(string accountId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"sim/accounts/{Uri.EscapeDataString(accountId)}", cancellationToken);
        var body = await EnsureAsync(response, $"read simulator account {accountId}", cancellationToken);
        return body.RootElement.GetProperty("spot").GetProperty("trades").EnumerateArray()
            .Select(t => t.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture))
            .ToArray();
    }

    /// <summary>Accounts that have a logged-on or subscribed WebSocket at the simulator.</summary>
    public async Task<IReadOnlySet<string>> GetUserDataAccountsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("sim/connections", cancellationToken);
        using var body = await EnsureAsync(response, "list the simulator's connections", cancellationToken);
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in body.RootElement.EnumerateArray())
        {
            if (!connection.TryGetProperty("accounts", out var ids) || ids.ValueKind != JsonValueKind.Array) continue;
            foreach (var id in ids.EnumerateArray()) accounts.Add(id.GetString() ?? "");
        }
        return accounts;
    }

    /// <summary>The number of open spot orders of an account at the venue.</summary>
    public async Task<int> GetOpenOrderCountAsync(string accountId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"sim/accounts/{Uri.EscapeDataString(accountId)}", cancellationToken);
        var body = await EnsureAsync(response, $"read simulator account {accountId}", cancellationToken);
        var open = body.RootElement.GetProperty("spot").GetProperty("openOrders");
        return open.ValueKind == JsonValueKind.Array ? open.GetArrayLength() : 0;
    }

    private async Task PostAsync(string path, object body, string what, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, Json, cancellationToken);
        (await EnsureAsync(response, what, cancellationToken)).Dispose();
    }

    private static async Task<JsonDocument> EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"failed to {what}: HTTP {(int)response.StatusCode} {Truncate(text)}");
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");

    public void Dispose() => http.Dispose();

    /// <summary>Spot balances every account of the run starts with (enough for every order the scenarios place).</summary>
    public static IReadOnlyDictionary<string, string> DefaultBalances { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["USDT"] = "10000000",
        ["BTC"] = "100",
        ["ETH"] = "1000",
    };
}
