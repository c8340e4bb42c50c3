using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.WebSockets;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Hosting;

/// <summary>The <c>/sim</c> admin API and the host: accounts, inspection, market controls, TLS, lifetime and key revocation.</summary>
public sealed class AdminAndHostingTests
{
    [Fact]
    public async Task Admin_creates_hmac_and_ed25519_accounts_and_shows_their_state()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = TestSimulator.HttpFor(host);
        using var ed = TestKey.NewEd25519();

        var hmac = await http.PostAsJsonAsync("/sim/accounts", new
        {
            apiKey = "adminHmacKey1",
            balances = new Dictionary<string, string> { ["USDT"] = "5000", ["BTC"] = "0.5" },
            futuresBalances = new Dictionary<string, string> { ["USDT"] = "2500" },
        });
        var hmacBody = await hmac.Content.ReadFromJsonAsync<JsonElement>();
        var edAccount = await http.PostAsJsonAsync("/sim/accounts", new { accountId = "adminHmacKey1", apiKey = ed.ApiKey, ed25519PublicKey = ed.PublicKeyPem });
        var duplicate = await http.PostAsJsonAsync("/sim/accounts", new { apiKey = "adminHmacKey1" });
        var badKey = await http.PostAsJsonAsync("/sim/accounts", new { apiKey = "bad key!" });

        Assert.Equal(HttpStatusCode.Created, hmac.StatusCode);
        Assert.Equal(64, hmacBody.GetProperty("secretKey").GetString()!.Length);
        Assert.Equal(HttpStatusCode.Created, edAccount.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);

        var state = await http.GetFromJsonAsync<JsonElement>("/sim/accounts/adminHmacKey1");
        Assert.Equal("adminHmacKey1", state.GetProperty("accountId").GetString());
        Assert.Equal(2, state.GetProperty("apiKeys").GetArrayLength());
        var balances = state.GetProperty("spot").GetProperty("account").GetProperty("balances").EnumerateArray().ToList();
        Assert.Contains(balances, b => b.GetProperty("asset").GetString() == "USDT" && b.GetProperty("free").GetDecimal() == 5000m);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/sim/accounts/nobody")).StatusCode);

        // The Ed25519 key signs REST requests for the same account.
        var client = new SimClient(http);
        var account = await client.SignedAsync(HttpMethod.Get, "/api/v3/account", ed, []);
        Assert.Equal(HttpStatusCode.OK, account.Status);
    }

    [Fact]
    public async Task Admin_request_log_prices_and_market_controls()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = TestSimulator.HttpFor(host);
        using var key = TestKey.Hmac().Register(host);
        var client = new SimClient(http);
        await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, [("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.01")]);

        var log = await http.GetFromJsonAsync<JsonElement>("/sim/requests?accountId=" + key.AccountId);
        Assert.Single(log.EnumerateArray());
        Assert.Equal("ETHUSDT", log[0].GetProperty("parameters").GetProperty("symbol").GetString());
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/sim/requests?accountId=someone-else")).GetArrayLength());

        var price = await http.PostAsJsonAsync("/sim/prices", new { symbol = "ETHUSDT", price = 3600m, market = "spot" });
        Assert.Equal(HttpStatusCode.OK, price.StatusCode);
        Assert.Equal(3600m, host.Exchange.GetLastPrice(MarketKind.Spot, "ETHUSDT").Value);
        var futuresPrice = await http.PostAsJsonAsync("/sim/prices", new { symbol = "ETHUSDT", price = 3610m, market = "usdm" });
        Assert.Equal(HttpStatusCode.OK, futuresPrice.StatusCode);
        var unknown = await http.PostAsJsonAsync("/sim/prices", new { symbol = "NOPE", price = 1m });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var hold = await http.PostAsJsonAsync("/sim/markets/hold", new { symbol = "ETHUSDT", held = true });
        var sweep = await http.PostAsJsonAsync("/sim/sweep", new { symbol = "ETHUSDT", side = "BUY", price = 3700m });
        Assert.Equal(HttpStatusCode.OK, hold.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sweep.StatusCode);
    }

    [Fact]
    public async Task Tls_serves_https_and_wss_with_a_self_signed_loopback_certificate()
    {
        await using var host = await SimulatorHost.StartAsync(TestSimulator.Options(o => o.UseTls = true), TestSimulator.HeldMarket());
        Assert.Equal("https", host.Urls.Rest.Scheme);
        Assert.NotNull(host.Certificate);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == host.Certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = host.Urls.Rest };

        var ping = await http.GetStringAsync("/api/v3/ping");

        Assert.Equal("{}", ping);
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, cert, _, errors) => errors == SslPolicyErrors.None || cert?.GetCertHashString() == host.Certificate.Thumbprint;
        await socket.ConnectAsync(host.Urls.SpotWsApi, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
        socket.Abort();
    }

    [Fact]
    public async Task Connections_are_closed_when_the_lifetime_ends()
    {
        await using var host = await TestSimulator.StartAsync(o => o.MaxConnectionLifetime = TimeSpan.FromSeconds(1));
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        await using var stream = await WsClient.ConnectAsync(new Uri(host.Urls.SpotStreams, "ws/btcusdt@trade"));

        await ws.WaitClosedAsync();
        await stream.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }

    [Fact]
    public async Task Revoking_a_logged_on_key_answers_401_with_null_id()
    {
        await using var host = await TestSimulator.StartAsync();
        using var key = TestKey.NewEd25519().Register(host);
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["apiKey"] = key.ApiKey, ["timestamp"] = host.Exchange.ServerTime };
        parameters["signature"] = key.Sign(string.Join('&', parameters.Select(kv => kv.Key + "=" + kv.Value)));
        await ws.CallAsync("session.logon", parameters);

        using var http = TestSimulator.HttpFor(host);
        var revoke = await http.DeleteAsync("/sim/keys/" + key.ApiKey);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var revoked = await ws.ReceiveAsync(m => m.TryGetProperty("status", out var s) && s.GetInt32() == 401);
        Shape.AssertMatches(Samples.Load("spot-ws-api/response_error_401_session_revoked.json"), revoked);
    }

    [Fact]
    public async Task Demo_accounts_are_generated_when_none_are_configured()
    {
        await using var host = await SimulatorHost.StartAsync(TestSimulator.Options(o => o.GenerateDemoAccounts = true), TestSimulator.HeldMarket());

        Assert.Equal(2, host.DemoAccounts.Count);
        Assert.NotNull(host.DemoAccounts[0].SecretKey);
        Assert.NotNull(host.DemoAccounts[1].Ed25519PrivateKeyPem);
        Assert.True(host.Runtime.Keys.TryGet(host.DemoAccounts[1].ApiKey, out var credential));
        Assert.Equal(Oms.Simulator.Wire.Auth.ApiKeyType.Ed25519, credential.Type);
    }

    [Fact]
    public void Options_refuse_non_loopback_hosts()
    {
        var options = new SimulatorOptions { Host = "0.0.0.0" };
        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
