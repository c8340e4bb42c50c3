using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;
using Oms.Simulator.Hosting;
using Xunit;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>An account created through the admin API with one HMAC key and one Ed25519 key (test-generated, never real).</summary>
public sealed record SimAccount(string AccountId, string ApiKey, string SecretKey, string Ed25519ApiKey, string Ed25519PrivateKeyPem);

/// <summary>
/// One in-process simulator per test class (plain http/ws on 127.0.0.1, dynamic port, markets held still so prices
/// move only when a test moves them). Tests create their own accounts through <c>POST /sim/accounts</c> and read
/// the simulator's own view of them through <c>GET /sim/accounts/{apiKey}</c>.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public SimulatorHost Host { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var market = MarketSeedOptions.Default();
        market.Liquidity.Held = true;
        Host = await SimulatorHost.StartAsync(
            new SimulatorOptions { Port = 0, GenerateDemoAccounts = false },
            market,
            logging: builder => builder.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        Admin = new HttpClient { BaseAddress = Host.Urls.Admin, Timeout = TimeSpan.FromSeconds(30) };
        // Start installing the node packages while the first test sets up (no-op when `npm ci` already ran).
        await NodeEnvironment.EnsureInstalledAsync();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>Environment of a node scenario: simulator URLs and the account's keys.</summary>
    public IEnumerable<KeyValuePair<string, string>> NodeVariables(SimAccount? account)
    {
        var urls = Host.Urls;
        yield return new("SIM_REST", urls.Rest.ToString().TrimEnd('/'));
        yield return new("SIM_WS_ROOT", urls.SpotStreams.ToString().TrimEnd('/'));
        yield return new("SIM_SPOT_WS_API", urls.SpotWsApi.ToString());
        yield return new("SIM_FUTURES_WS_API", urls.FuturesWsApi.ToString());
        yield return new("SIM_ADMIN", urls.Admin.ToString().TrimEnd('/'));
        if (account is not null)
        {
            yield return new("SIM_ACCOUNT_ID", account.AccountId);
            yield return new("SIM_API_KEY", account.ApiKey);
            yield return new("SIM_API_SECRET", account.SecretKey);
            yield return new("SIM_ED25519_API_KEY", account.Ed25519ApiKey);
            yield return new("SIM_ED25519_PRIVATE_KEY", account.Ed25519PrivateKeyPem);
        }
    }

    /// <summary>
    /// Creates an account with a test-generated HMAC secret and adds a test-generated Ed25519 key to it
    /// (the private key stays in the test as PKCS#8 PEM, which the SDKs load).
    /// </summary>
    public async Task<SimAccount> CreateAccountAsync(
        IReadOnlyDictionary<string, string>? spotBalances = null,
        IReadOnlyDictionary<string, string>? futuresBalances = null)
    {
        var accountId = "conf" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        var apiKey = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
        var secret = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
        var hmac = await PostAsync("accounts", new
        {
            accountId,
            apiKey,
            secretKey = secret,
            balances = spotBalances ?? DefaultSpotBalances,
            futuresBalances = futuresBalances ?? DefaultFuturesBalances,
        });
        if (hmac.Text("apiKey") != apiKey || hmac.Text("accountId") != accountId)
        {
            throw new InvalidOperationException($"POST /sim/accounts answered {hmac} for {accountId}/{apiKey}");
        }

        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var publicPem = Encoding.ASCII.GetString(key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));
        var privatePem = Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText));
        var edApiKey = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
        await PostAsync("accounts", new { accountId, apiKey = edApiKey, ed25519PublicKey = publicPem });
        return new SimAccount(accountId, apiKey, secret, edApiKey, privatePem);
    }

    public static readonly IReadOnlyDictionary<string, string> DefaultSpotBalances = new Dictionary<string, string>
    {
        ["USDT"] = "100000",
        ["BTC"] = "1",
        ["ETH"] = "10",
    };

    public static readonly IReadOnlyDictionary<string, string> DefaultFuturesBalances = new Dictionary<string, string>
    {
        ["USDT"] = "100000",
    };

    /// <summary>The simulator's view of an account: spot balances/orders/trades/lists, futures account/positions/orders/algo orders/trades.</summary>
    public async Task<SimState> InspectAsync(SimAccount account) => new(await InspectRawAsync(account));

    public async Task<JsonElement> InspectRawAsync(SimAccount account)
    {
        using var response = await Admin.GetAsync($"accounts/{account.ApiKey}");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /sim/accounts/{account.ApiKey} -> {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Trades the market through <paramref name="price"/> (<c>POST /sim/prices</c>).</summary>
    public Task SetPriceAsync(string market, string symbol, decimal price) =>
        PostAsync("prices", new { symbol, price, market });

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await Admin.PostAsJsonAsync(path, body, Json.Options);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /sim/{path} {JsonSerializer.Serialize(body, Json.Options)} -> {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A unique, venue-legal client order id (≤ 36 characters of [A-Za-z0-9_-]).</summary>
    public static string ClientId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{RandomNumberGenerator.GetHexString(16, lowercase: true)}");
}
