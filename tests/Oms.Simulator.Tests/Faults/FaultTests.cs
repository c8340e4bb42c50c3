using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.UserData;
using Xunit;

namespace Oms.Simulator.Tests.Faults;

/// <summary>Fault injection through the admin API: ambiguous errors, black holes, delays, dropped sockets and user-data faults.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private Oms.Simulator.Hosting.SimulatorHost host = null!;
    private SimClient client = null!;

    public async Task InitializeAsync()
    {
        host = await TestSimulator.StartAsync();
        client = new SimClient(TestSimulator.HttpFor(host));
    }

    public async Task DisposeAsync()
    {
        client.Http.Dispose();
        await host.DisposeAsync();
    }

    private string FarBelow => decimal.Round(host.Exchange.GetLastPrice(MarketKind.Spot, "BTCUSDT").Value * 0.8m, 2).ToString(CultureInfo.InvariantCulture);

    private (string, string)[] LimitOrder(string clientId) =>
        [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01"), ("price", FarBelow), ("newClientOrderId", clientId)];

    private async Task AddFaultAsync(object rule)
    {
        var response = await client.Http.PostAsJsonAsync("/sim/faults", rule);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Error_after_execution_answers_503_1007_but_the_order_exists()
    {
        using var key = TestKey.Hmac().Register(host);
        await AddFaultAsync(new { action = "Error", target = "/api/v3/order", httpMethod = "POST", accountId = key.AccountId, status = 503, code = -1007, times = 1 });

        var response = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, LimitOrder("ambiguous-1"));
        var query = await client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("origClientOrderId", "ambiguous-1")]);
        var next = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, LimitOrder("ambiguous-2"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal((-1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown."), (response.Code, response.Msg));
        Assert.Equal("NEW", query.Json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, next.Status);
    }

    [Fact]
    public async Task Error_before_execution_leaves_no_order()
    {
        using var key = TestKey.Hmac().Register(host);
        await AddFaultAsync(new { action = "Error", target = "/api/v3/order", accountId = key.AccountId, status = 503, code = -1001, afterExecution = false, times = 1 });

        var response = await client.SignedAsync(HttpMethod.Post, "/api/v3/order", key, LimitOrder("never-1"));
        var query = await client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("origClientOrderId", "never-1")]);

        Assert.Equal(-1001, response.Code);
        Assert.Equal(-2013, query.Code);
        Assert.Empty(host.Runtime.RequestLog.Snapshot(key.AccountId));
    }

    [Fact]
    public async Task Black_hole_never_answers_but_executes()
    {
        using var key = TestKey.Hmac().Register(host);
        await AddFaultAsync(new { action = "BlackHole", target = "/api/v3/order", httpMethod = "POST", accountId = key.AccountId, times = 1 });
        using var shortHttp = new HttpClient { BaseAddress = host.Urls.Rest, Timeout = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => new SimClient(shortHttp).SignedAsync(HttpMethod.Post, "/api/v3/order", key, LimitOrder("lost-1")));
        var query = await client.SignedAsync(HttpMethod.Get, "/api/v3/order", key, [("symbol", "BTCUSDT"), ("origClientOrderId", "lost-1")]);

        Assert.Equal(HttpStatusCode.OK, query.Status);
    }

    [Fact]
    public async Task Ws_api_faults_apply_per_method()
    {
        using var key = TestKey.Hmac().Register(host);
        await AddFaultAsync(new { action = "Error", target = "order.place", accountId = key.AccountId, status = 500, code = -1000, times = 1 });
        await AddFaultAsync(new { action = "BlackHole", target = "order.status", times = 1 });
        await using var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        var ts = host.Exchange.ServerTime;
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["apiKey"] = key.ApiKey, ["price"] = FarBelow, ["quantity"] = "0.01", ["side"] = "BUY", ["symbol"] = "BTCUSDT",
            ["timeInForce"] = "GTC", ["timestamp"] = ts, ["type"] = "LIMIT", ["newClientOrderId"] = "ws-ambiguous",
        };
        parameters["signature"] = key.Sign(string.Join('&', parameters.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));

        var placed = await ws.CallAsync("order.place", parameters);
        Assert.Equal(500, placed.GetProperty("status").GetInt32());
        Assert.Equal(-1000, placed.GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(host.Exchange.GetSpotOrder(key.AccountId, "BTCUSDT", null, "ws-ambiguous").IsSuccess);

        var id = Guid.NewGuid().ToString();
        await ws.SendAsync(JsonSerializer.Serialize(new { id, method = "order.status", @params = new { symbol = "BTCUSDT" } }));
        Assert.True(await ws.NothingAsync(m => m.TryGetProperty("id", out var i) && i.GetString() == id, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Delay_postpones_the_response()
    {
        await AddFaultAsync(new { action = "Delay", target = "/api/v3/time", delayMs = 300, times = 1 });
        var started = DateTimeOffset.UtcNow;
        var response = await client.PublicAsync(HttpMethod.Get, "/api/v3/time");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Drop_closes_only_the_accounts_sockets()
    {
        using var key = TestKey.Hmac().Register(host);
        using var other = TestKey.Hmac().Register(host);
        await using var mine = await SubscribedAsync(key);
        await using var theirs = await SubscribedAsync(other);

        var response = await client.Http.PostAsJsonAsync("/sim/connections/drop", new { accountId = key.AccountId });
        var dropped = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dropped").GetInt32();

        Assert.Equal(1, dropped);
        await mine.WaitClosedAsync();
        var ping = await theirs.CallAsync("ping");
        Assert.Equal(200, ping.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task User_data_silence_duplicate_and_reorder()
    {
        using var key = TestKey.Hmac().Register(host);
        await using var ws = await SubscribedAsync(key);
        static bool IsBalance(JsonElement m) => m.TryGetProperty("event", out var e) && e.GetProperty("e").GetString() == "balanceUpdate";

        host.Runtime.UserData.SetFaults(key.AccountId, new UserDataFaults(Silenced: true, Duplicate: false, Reorder: false));
        host.Exchange.Deposit(key.AccountId, MarketKind.Spot, "USDT", 1m);
        Assert.True(await ws.NothingAsync(IsBalance, TimeSpan.FromMilliseconds(400)));
        Assert.Equal(200, (await ws.CallAsync("ping")).GetProperty("status").GetInt32());

        host.Runtime.UserData.SetFaults(key.AccountId, new UserDataFaults(Silenced: false, Duplicate: true, Reorder: false));
        host.Exchange.Deposit(key.AccountId, MarketKind.Spot, "USDT", 2m);
        var duplicated = await NextEventsAsync(ws, 4);
        Assert.Equal(duplicated[0].GetRawText(), duplicated[1].GetRawText());
        Assert.Equal(duplicated[2].GetRawText(), duplicated[3].GetRawText());

        host.Runtime.UserData.SetFaults(key.AccountId, new UserDataFaults(Silenced: false, Duplicate: false, Reorder: true));
        host.Exchange.Deposit(key.AccountId, MarketKind.Spot, "USDT", 3m);
        host.Exchange.Deposit(key.AccountId, MarketKind.Spot, "USDT", 4m);
        var reordered = await NextEventsAsync(ws, 4);

        // Without the fault each deposit sends balanceUpdate then outboundAccountPosition; with it adjacent events swap.
        Assert.Equal(
            ["outboundAccountPosition", "balanceUpdate", "outboundAccountPosition", "balanceUpdate"],
            reordered.Select(e => e.GetProperty("e").GetString()));
        Assert.Equal("3.00000000", reordered[1].GetProperty("d").GetString());
        Assert.Equal("4.00000000", reordered[3].GetProperty("d").GetString());
        host.Runtime.UserData.ClearFaults();
    }

    [Fact]
    public async Task Admin_lists_and_clears_faults()
    {
        await AddFaultAsync(new { action = "Delay", target = "/api/v3/ping", delayMs = 1 });
        var listed = await client.Http.GetFromJsonAsync<JsonElement>("/sim/faults");
        Assert.Single(listed.GetProperty("requests").EnumerateArray());

        var cleared = await client.Http.DeleteAsync("/sim/faults");
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Empty(host.Runtime.Faults.Snapshot());
    }

    private static async Task<List<JsonElement>> NextEventsAsync(WsClient ws, int count)
    {
        var events = new List<JsonElement>();
        for (var i = 0; i < count; i++)
        {
            events.Add((await ws.ReceiveAsync(m => m.TryGetProperty("event", out _))).GetProperty("event"));
        }

        return events;
    }

    private async Task<WsClient> SubscribedAsync(TestKey key)
    {
        var ws = await WsClient.ConnectAsync(host.Urls.SpotWsApi);
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["apiKey"] = key.ApiKey, ["timestamp"] = host.Exchange.ServerTime };
        parameters["signature"] = key.Sign(string.Join('&', parameters.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));
        var response = await ws.CallAsync("userDataStream.subscribe.signature", parameters);
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        return ws;
    }
}
