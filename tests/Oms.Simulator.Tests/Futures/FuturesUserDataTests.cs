using System.Globalization;
using System.Net;
using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Futures;

/// <summary>USDⓈ-M listenKeys, the routed <c>/private</c> user-data stream and the <c>/ws-fapi/v1</c> WebSocket API.</summary>
public sealed class FuturesUserDataTests : IAsyncLifetime
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

    private string FarBelow => decimal.Round(host.Exchange.GetLastPrice(MarketKind.UsdM, "BTCUSDT").Value * 0.97m, 1).ToString(CultureInfo.InvariantCulture);

    private async Task<string> ListenKeyAsync(TestKey key)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Shape.AssertMatches(Samples.Load("usdm-rest/listenKey_POST_response.json"), response.Json);
        return response.Json.GetProperty("listenKey").GetString()!;
    }

    private string FarAbove => decimal.Round(host.Exchange.GetLastPrice(MarketKind.UsdM, "BTCUSDT").Value * 1.03m, 1).ToString(CultureInfo.InvariantCulture);

    private static JsonElement Ok(JsonElement response)
    {
        Assert.True(response.GetProperty("status").GetInt32() == 200, response.GetRawText());
        return response;
    }

    private static bool Is(JsonElement m, string type) => m.TryGetProperty("e", out var e) && e.GetString() == type;

    [Fact]
    public async Task Listen_key_post_put_delete_match_samples()
    {
        using var key = TestKey.Hmac().Register(host);
        var first = await ListenKeyAsync(key);
        var again = await ListenKeyAsync(key);
        var put = await client.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        var delete = await client.SendAsync(HttpMethod.Delete, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        var putAfterDelete = await client.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", string.Empty, string.Empty, key.ApiKey);
        var noKey = await client.SendAsync(HttpMethod.Post, "/fapi/v1/listenKey", string.Empty, string.Empty, apiKey: null);

        Assert.Equal(first, again);
        Shape.AssertMatches(Samples.Load("usdm-rest/listenKey_PUT_response.json"), put.Json);
        Shape.AssertMatches(Samples.Load("usdm-rest/listenKey_DELETE_response.json"), delete.Json);
        Assert.Equal(-1125, putAfterDelete.Code);
        Assert.Equal(-2014, noKey.Code);
    }

    [Fact]
    public async Task Private_stream_delivers_order_account_algo_and_config_events()
    {
        using var key = TestKey.Hmac().Register(host);
        var listenKey = await ListenKeyAsync(key);
        await using var ws = await WsClient.ConnectAsync(new Uri(host.Urls.FuturesStreams, "private/ws?listenKey=" + listenKey));

        await client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010")]);
        var order = await ws.ReceiveAsync(m => Is(m, "ORDER_TRADE_UPDATE"));
        Shape.AssertMatches(Samples.Load("usdm-user-data/ORDER_TRADE_UPDATE.json"), order, optional: ["AP", "cr"]);
        var account = await ws.ReceiveAsync(m => Is(m, "ACCOUNT_UPDATE"));
        Shape.AssertMatches(Samples.Load("usdm-user-data/ACCOUNT_UPDATE.json"), account);
        Assert.Equal("ORDER", account.GetProperty("a").GetProperty("m").GetString());

        await client.SignedAsync(HttpMethod.Post, "/fapi/v1/algoOrder", key,
            [("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "STOP_MARKET"), ("quantity", "0.010"), ("triggerPrice", FarBelow)]);
        var algo = await ws.ReceiveAsync(m => Is(m, "ALGO_UPDATE"));
        Shape.AssertMatches(Samples.Load("usdm-user-data/ALGO_UPDATE.json"), algo, extra: ["ia"]);
        Assert.Equal("NEW", algo.GetProperty("o").GetProperty("X").GetString());

        await client.SignedAsync(HttpMethod.Post, "/fapi/v1/leverage", key, [("symbol", "BTCUSDT"), ("leverage", "25")]);
        var config = await ws.ReceiveAsync(m => Is(m, "ACCOUNT_CONFIG_UPDATE"));
        Shape.AssertMatches(Samples.Load("usdm-user-data/ACCOUNT_CONFIG_UPDATE_leverage.json"), config);
        Assert.Equal(25, config.GetProperty("ac").GetProperty("l").GetInt32());
    }

    [Fact]
    public async Task Private_combined_stream_filters_events_and_wraps_with_the_listen_key()
    {
        using var key = TestKey.Hmac().Register(host);
        var listenKey = await ListenKeyAsync(key);
        await using var ws = await WsClient.ConnectAsync(new Uri(host.Urls.FuturesStreams, $"private/stream?listenKey={listenKey}&events=ACCOUNT_UPDATE"));

        await client.SignedAsync(HttpMethod.Post, "/fapi/v1/order", key, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010")]);
        var first = await ws.ReceiveAsync();

        Assert.Equal(listenKey, first.GetProperty("stream").GetString());
        Assert.Equal("ACCOUNT_UPDATE", first.GetProperty("data").GetProperty("e").GetString());
    }

    [Fact]
    public async Task Subscribe_with_listen_key_on_private_like_the_official_sdk()
    {
        using var key = TestKey.Hmac().Register(host);
        var listenKey = await ListenKeyAsync(key);
        await using var ws = await WsClient.ConnectAsync(new Uri(host.Urls.FuturesStreams, "private/stream?streams="));
        await ws.SendAsync(JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = new[] { listenKey }, id = 1 }));
        Assert.Equal(JsonValueKind.Null, (await ws.ReceiveAsync(m => m.TryGetProperty("id", out _))).GetProperty("result").ValueKind);

        host.Exchange.Deposit(key.AccountId, MarketKind.UsdM, "USDT", 10m);
        var update = await ws.ReceiveAsync(m => m.TryGetProperty("data", out _));
        Assert.Equal("ACCOUNT_UPDATE", update.GetProperty("data").GetProperty("e").GetString());
    }

    [Fact]
    public async Task Listen_key_expiry_sends_listen_key_expired_and_stops_events()
    {
        using var key = TestKey.Hmac().Register(host);
        host.Runtime.ListenKeys.Validity = TimeSpan.FromSeconds(1);
        var listenKey = await ListenKeyAsync(key);
        await using var ws = await WsClient.ConnectAsync(new Uri(host.Urls.FuturesStreams, "private/ws/" + listenKey));

        var expired = await ws.ReceiveAsync(m => Is(m, "listenKeyExpired"));
        Shape.AssertMatches(Samples.Load("usdm-user-data/listenKeyExpired.json"), expired);
        Assert.Equal(listenKey, expired.GetProperty("listenKey").GetString());

        host.Exchange.Deposit(key.AccountId, MarketKind.UsdM, "USDT", 10m);
        Assert.True(await ws.NothingAsync(m => Is(m, "ACCOUNT_UPDATE"), TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task Futures_ws_api_order_place_cancel_status_and_user_data_stream_start()
    {
        using var key = TestKey.Hmac().Register(host);
        await using var ws = await WsClient.ConnectAsync(host.Urls.FuturesWsApi);
        SortedDictionary<string, object> Signed(params (string, object)[] p)
        {
            var d = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["apiKey"] = key.ApiKey, ["timestamp"] = host.Exchange.ServerTime };
            foreach (var (n, v) in p)
            {
                d[n] = v;
            }

            d["signature"] = key.Sign(string.Join('&', d.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));
            return d;
        }

        var placed = Ok(await ws.CallAsync("order.place", Signed(("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.010"), ("price", FarBelow))));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_place_response.json"), placed);
        var orderId = placed.GetProperty("result").GetProperty("orderId").GetInt64();

        var status = await ws.CallAsync("order.status", Signed(("symbol", "BTCUSDT"), ("orderId", orderId)));
        Assert.Equal(orderId, status.GetProperty("result").GetProperty("orderId").GetInt64());
        var modify = Ok(await ws.CallAsync("order.modify", Signed(("symbol", "BTCUSDT"), ("orderId", orderId), ("side", "BUY"), ("quantity", "0.020"), ("price", FarBelow))));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_modify_response.json"), modify);
        var cancel = Ok(await ws.CallAsync("order.cancel", Signed(("symbol", "BTCUSDT"), ("orderId", orderId))));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/order_cancel_response.json"), cancel, optional: ["activatePrice", "priceRate"]);

        var missing = await ws.CallAsync("order.place", Signed(("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("price", FarBelow)));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/response_error_missing_param.json"), missing);

        var balance = Ok(await ws.CallAsync("v2/account.balance", Signed()));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/account_balance_v2_response.json"), balance);

        var algo = await ws.CallAsync("algoOrder.place", Signed(("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "TAKE_PROFIT"),
            ("quantity", "0.010"), ("price", FarAbove), ("triggerPrice", FarAbove), ("timeInForce", "GTC")));
        Ok(algo);
        Shape.AssertMatches(Samples.Load("usdm-ws-api/algoOrder_place_response.json"), algo, extra: ["activatePrice", "callbackRate"]);
        var algoCancel = await ws.CallAsync("algoOrder.cancel", Signed(("algoId", algo.GetProperty("result").GetProperty("algoId").GetInt64())));
        Assert.Equal(200, algoCancel.GetProperty("status").GetInt32());

        var start = Ok(await ws.CallAsync("userDataStream.start", new { apiKey = key.ApiKey }));
        Shape.AssertMatches(Samples.Load("usdm-ws-api/userDataStream_start_response.json"), start);
        var ping = await ws.CallAsync("userDataStream.ping", new { apiKey = key.ApiKey });
        Shape.AssertMatches(Samples.Load("usdm-ws-api/userDataStream_ping_response.json"), ping);
        var stop = await ws.CallAsync("userDataStream.stop", new { apiKey = key.ApiKey });
        Shape.AssertMatches(Samples.Load("usdm-ws-api/userDataStream_stop_response.json"), stop);
    }

    [Fact]
    public async Task Futures_ws_api_session_logon_with_ed25519()
    {
        using var key = TestKey.NewEd25519().Register(host);
        await using var ws = await WsClient.ConnectAsync(host.Urls.FuturesWsApi);
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["apiKey"] = key.ApiKey, ["timestamp"] = host.Exchange.ServerTime };
        parameters["signature"] = key.Sign(string.Join('&', parameters.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));

        var logon = await ws.CallAsync("session.logon", parameters);
        var status = await ws.CallAsync("session.status");
        var logout = await ws.CallAsync("session.logout");

        Shape.AssertMatches(Samples.Load("usdm-ws-api/session_logon_response.json"), logon, extra: ["rateLimits"]);
        Shape.AssertMatches(Samples.Load("usdm-ws-api/session_status_response.json"), status, extra: ["rateLimits"]);
        Shape.AssertMatches(Samples.Load("usdm-ws-api/session_logout_response.json"), logout, extra: ["rateLimits"]);
    }
}
