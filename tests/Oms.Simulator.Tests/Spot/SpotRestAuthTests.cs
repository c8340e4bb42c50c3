using System.Net;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Spot;

/// <summary>REST authentication, timing and parameter errors, checked against Binance's codes and messages.</summary>
public sealed class SpotRestAuthTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimClient Client => fixture.Client;

    [Theory]
    [InlineData(Placement.Query)]
    [InlineData(Placement.Body)]
    [InlineData(Placement.Mixed)]
    public async Task Hmac_signature_is_verified_over_query_and_body_as_sent(Placement placement)
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(placement == Placement.Query ? HttpMethod.Get : HttpMethod.Post,
            placement == Placement.Query ? "/api/v3/account" : "/api/v3/order/test", key,
            placement == Placement.Query
                ? [("omitZeroBalances", "true"), ("recvWindow", "5000")]
                : [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.001"), ("price", "60000")],
            placement);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Ed25519_signature_is_accepted_percent_encoded()
    {
        using var key = TestKey.NewEd25519().Register(fixture.Host);
        var response = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, []);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("SPOT", response.Json.GetProperty("accountType").GetString());
    }

    [Fact]
    public async Task Wrong_signature_is_1022()
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [], tamper: s => new string('0', s.Length));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-1022, response.Code);
        Assert.Equal("Signature for this request is not valid.", response.Msg);
    }

    [Fact]
    public async Task Signature_over_decoded_instead_of_encoded_bytes_is_rejected()
    {
        var key = fixture.NewHmac();
        var ts = SimClient.Now(fixture.Host);
        // %2F stays encoded on the wire (System.Uri would normalise an encoded unreserved character such as %2D).
        var encoded = "newClientOrderId=a%2Fb&symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=60000&timestamp=" + ts;
        var signedDecoded = key.Sign(Uri.UnescapeDataString(encoded));
        var bad = await Client.SendAsync(HttpMethod.Post, "/api/v3/order/test", encoded + "&signature=" + signedDecoded, string.Empty, key.ApiKey);
        var good = await Client.SendAsync(HttpMethod.Post, "/api/v3/order/test", encoded + "&signature=" + key.Sign(encoded), string.Empty, key.ApiKey);

        Assert.Equal(-1022, bad.Code);
        Assert.True(good.Status == HttpStatusCode.OK || good.Code != -1022, "a signature over the bytes as sent must verify");
    }

    [Fact]
    public async Task Missing_api_key_is_2014_and_unknown_key_is_2015()
    {
        var missing = await Client.SendAsync(HttpMethod.Get, "/api/v3/account", "timestamp=1&signature=x", string.Empty, apiKey: null);
        var unknown = await Client.SendAsync(HttpMethod.Get, "/api/v3/account", "timestamp=1&signature=x", string.Empty, apiKey: "UnknownKey123");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal(-2014, missing.Code);
        Assert.Equal("API-key format invalid.", missing.Msg);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(-2015, unknown.Code);
        Assert.Equal("Invalid API-key, IP, or permissions for action.", unknown.Msg);
    }

    [Fact]
    public async Task Timestamp_outside_recv_window_or_ahead_is_1021()
    {
        var key = fixture.NewHmac();
        var old = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ahead = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var late = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [("timestamp", old)]);
        var early = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [("timestamp", ahead)]);
        var widened = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [("timestamp", old), ("recvWindow", "60000")]);

        Assert.Equal(-1021, late.Code);
        Assert.Equal("Timestamp for this request is outside of the recvWindow.", late.Msg);
        Assert.Equal(-1021, early.Code);
        Assert.Equal("Timestamp for this request was 1000ms ahead of the server's time.", early.Msg);
        Assert.Equal(HttpStatusCode.OK, widened.Status);
    }

    [Fact]
    public async Task Recv_window_above_60000_is_rejected_on_spot()
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [("recvWindow", "60001")]);
        Assert.Equal(-1131, response.Code);
    }

    [Fact]
    public async Task Missing_timestamp_or_signature_is_1102()
    {
        var key = fixture.NewHmac();
        var noTimestamp = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [], addTimestamp: false);
        var noSignature = await Client.SendAsync(HttpMethod.Get, "/api/v3/account", "timestamp=" + SimClient.Now(fixture.Host), string.Empty, key.ApiKey);

        Assert.Equal(-1102, noTimestamp.Code);
        Assert.Equal("Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.", noTimestamp.Msg);
        Assert.Equal(-1102, noSignature.Code);
        Assert.Equal("Mandatory parameter 'signature' was not sent, was empty/null, or malformed.", noSignature.Msg);
    }

    [Fact]
    public async Task Unknown_extra_parameter_is_1104()
    {
        var key = fixture.NewHmac();
        var response = await Client.SignedAsync(HttpMethod.Get, "/api/v3/account", key, [("bogus", "1")]);

        Assert.Equal(-1104, response.Code);
        Assert.Equal("Not all sent parameters were read; read '2' parameter(s) but was sent '3'.", response.Msg);
    }

    [Fact]
    public async Task Parameter_errors_use_binance_codes()
    {
        var key = fixture.NewHmac();
        (string, string)[] Order(params (string, string)[] overrides)
        {
            var d = new Dictionary<string, string> { ["symbol"] = "BTCUSDT", ["side"] = "BUY", ["type"] = "LIMIT", ["timeInForce"] = "GTC", ["quantity"] = "0.001", ["price"] = "60000" };
            foreach (var (k, v) in overrides)
            {
                if (v.Length == 0)
                {
                    d.Remove(k);
                }
                else
                {
                    d[k] = v;
                }
            }

            return d.Select(kv => (kv.Key, kv.Value)).ToArray();
        }

        var badSymbol = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("symbol", "NOPEUSDT")));
        var lowerSymbol = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("symbol", "btcusdt")));
        var badSide = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("side", "UP")));
        var badType = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("type", "ICEBERG")));
        var badTif = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("timeInForce", "GTX")));
        var badQty = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("quantity", "1,5")));
        var precise = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("quantity", "0.123456789")));
        var noSide = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("side", "")));
        var respType = await Client.SignedAsync(HttpMethod.Post, "/api/v3/order/test", key, Order(("newOrderRespType", "ALL")));

        Assert.Equal((-1121, "Invalid symbol."), (badSymbol.Code, badSymbol.Msg));
        Assert.Equal((-1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."), (lowerSymbol.Code, lowerSymbol.Msg));
        Assert.Equal((-1117, "Invalid side."), (badSide.Code, badSide.Msg));
        Assert.Equal((-1116, "Invalid orderType."), (badType.Code, badType.Msg));
        Assert.Equal((-1115, "Invalid timeInForce."), (badTif.Code, badTif.Msg));
        Assert.Equal(-1100, badQty.Code);
        Assert.Equal((-1111, "Parameter 'quantity' has too much precision."), (precise.Code, precise.Msg));
        Assert.Equal((-1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed."), (noSide.Code, noSide.Msg));
        Assert.Equal(-1136, respType.Code);
    }

    [Fact]
    public async Task Every_response_carries_used_weight_headers()
    {
        var response = await Client.PublicAsync(HttpMethod.Get, "/api/v3/exchangeInfo");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.Header("X-MBX-USED-WEIGHT-1M"));
        Assert.True(int.Parse(response.Header("X-MBX-USED-WEIGHT-1M")!, System.Globalization.CultureInfo.InvariantCulture) >= 20);
    }

    [Fact]
    public async Task Margin_and_capital_lookups_made_by_ccxt_answer_empty_lists()
    {
        var key = fixture.NewHmac();
        foreach (var path in new[] { "/sapi/v1/margin/allPairs", "/sapi/v1/margin/isolated/allPairs", "/sapi/v1/capital/config/getall" })
        {
            var response = await Client.SignedAsync(HttpMethod.Get, path, key, [("recvWindow", "10000")]);
            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Equal("[]", response.Json.GetRawText());
        }
    }
}
