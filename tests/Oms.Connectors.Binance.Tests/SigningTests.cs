using System.Text;
using System.Text.Json;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

public sealed class SigningTests
{
    public static TheoryData<string> HmacVectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Samples.Json("signing/hmac_vectors.json").GetProperty("vectors").EnumerateArray())
            data.Add(vector.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement HmacVector(string name) =>
        Samples.Json("signing/hmac_vectors.json").GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    private static string Sign(IBinanceSigner signer, string payload)
    {
        Span<byte> signature = stackalloc byte[signer.MaxSignatureLength];
        var length = signer.Sign(Encoding.UTF8.GetBytes(payload), signature);
        return Encoding.ASCII.GetString(signature[..length]);
    }

    [Theory]
    [MemberData(nameof(HmacVectorNames))]
    public void Hmac_signs_every_published_vector(string name)
    {
        var vector = HmacVector(name);
        using var signer = new HmacSha256Signer(vector.GetProperty("secretKey").GetString()!);

        var signature = Sign(signer, vector.GetProperty("signedPayload").GetString()!);

        Assert.Equal(vector.GetProperty("expectedSignature").GetString(), signature);
    }

    [Fact]
    public void Rest_query_is_percent_encoded_exactly_as_sent_and_signed_over_those_bytes()
    {
        // S2: the symbol is non-ASCII; the query carries it percent-encoded and the signature covers the encoded form.
        var vector = HmacVector("spot_rest_hmac_nonascii_percent_encoded");
        using var signer = new HmacSha256Signer(Samples.SpotDocSecret);
        var parameters = new BinanceParameters()
            .Add("symbol", "１２３４５６").Add("side", "BUY").Add("type", "LIMIT").Add("timeInForce", "GTC")
            .Add("quantity", 1m).Add("price", 0.1m).Add("recvWindow", 5000L).Add("timestamp", 1499827319559L);

        var query = RestRequestWriter.BuildQuery(parameters, signer);

        Assert.Equal($"{vector.GetProperty("queryString").GetString()}&signature={vector.GetProperty("expectedSignature").GetString()}", query);
    }

    [Fact]
    public void Rest_query_of_the_ascii_vector_matches_byte_for_byte()
    {
        using var signer = new HmacSha256Signer(Samples.SpotDocSecret);
        var parameters = new BinanceParameters()
            .Add("symbol", "LTCBTC").Add("side", "BUY").Add("type", "LIMIT").Add("timeInForce", "GTC")
            .Add("quantity", 1.000m).Add("price", 0.10m).Add("recvWindow", 5000L).Add("timestamp", 1499827319559L);

        var query = RestRequestWriter.BuildQuery(parameters, signer);

        Assert.Equal("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
            + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", query);
    }

    [Fact]
    public void Rest_query_percent_encodes_reserved_characters_and_ed25519_base64()
    {
        using var signer = TestKeys.Ed25519();
        var parameters = new BinanceParameters().Add("symbols", "[\"BTCUSDT\",\"ETH BTC\"]").Add("timestamp", 1L);

        var query = RestRequestWriter.BuildQuery(parameters, signer);

        var unsigned = "symbols=%5B%22BTCUSDT%22%2C%22ETH%20BTC%22%5D&timestamp=1";
        Assert.StartsWith(unsigned + "&signature=", query);
        var encodedSignature = query[(unsigned.Length + "&signature=".Length)..];
        Assert.DoesNotContain('+', encodedSignature);
        Assert.DoesNotContain('/', encodedSignature);
        Assert.DoesNotContain('=', encodedSignature);
        Assert.True(signer.Verify(Encoding.ASCII.GetBytes(unsigned), Uri.UnescapeDataString(encodedSignature)));
    }

    public static TheoryData<string> Ed25519VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Samples.Json("signing/ed25519_selfgenerated_vectors.json").GetProperty("vectors").EnumerateArray())
            data.Add(vector.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ed25519VectorNames))]
    public void Ed25519_reproduces_the_self_generated_vectors_from_the_pem_key(string name)
    {
        var vector = Samples.Json("signing/ed25519_selfgenerated_vectors.json").GetProperty("vectors").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == name);
        using var signer = Ed25519Signer.FromPem(Samples.Text("signing/rfc8032-test1-prv.pem"));

        var signature = Sign(signer, vector.GetProperty("payload").GetString()!);

        Assert.Equal(vector.GetProperty("signatureBase64").GetString(), signature);
    }

    [Fact]
    public void Ed25519_seed_and_pem_imports_give_the_same_key()
    {
        var seed = Convert.FromHexString(Samples.Json("signing/ed25519_selfgenerated_vectors.json").GetProperty("privateSeedHex").GetString()!);
        using var fromSeed = Ed25519Signer.FromSeed(seed);

        Assert.Equal(Samples.Json("signing/ed25519_selfgenerated_vectors.json").GetProperty("publicKeyHex").GetString(),
            Convert.ToHexStringLower(fromSeed.PublicKey));
    }

    public static TheoryData<string> SignedWsRequestSamples() =>
    [
        "spot-ws-api/account_status_request.json",
        "spot-ws-api/myTrades_request.json",
        "spot-ws-api/openOrders_cancelAll_request.json",
        "spot-ws-api/openOrders_status_request.json",
        "spot-ws-api/order_cancelReplace_request.json",
        "spot-ws-api/order_cancel_request.json",
        "spot-ws-api/order_place_request.json",
        "spot-ws-api/order_status_request.json",
        "spot-ws-api/order_test_request.json",
        "spot-ws-api/session_logon_request.json",
        "spot-ws-api/signing_hmac_ascii_signed_request.json",
        "spot-ws-api/signing_hmac_nonascii_signed_request.json",
    ];

    [Theory]
    [MemberData(nameof(SignedWsRequestSamples))]
    public void Ws_api_request_built_from_the_sample_params_carries_the_documented_signature(string sample)
    {
        var request = Samples.Json(sample);
        var parameters = new BinanceParameters();
        foreach (var property in request.GetProperty("params").EnumerateObject())
        {
            if (property.Name == "signature") continue;
            _ = property.Value.ValueKind switch
            {
                JsonValueKind.String => parameters.Add(property.Name, property.Value.GetString()!),
                JsonValueKind.Number => parameters.Add(property.Name, property.Value.GetInt64()),
                JsonValueKind.True or JsonValueKind.False => parameters.Add(property.Name, property.Value.GetBoolean()),
                _ => throw new InvalidOperationException($"unexpected {property.Value.ValueKind}"),
            };
        }
        using var signer = new HmacSha256Signer(Samples.SpotDocSecret);

        var frame = JsonDocument.Parse(WsRequestWriter.BuildText(7, request.GetProperty("method").GetString()!, parameters, signer)).RootElement;

        Assert.Equal(7, frame.GetProperty("id").GetInt64());
        Assert.Equal(request.GetProperty("method").GetString(), frame.GetProperty("method").GetString());
        var expected = request.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        var actual = frame.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        // Params are written sorted by name, signature last.
        var names = frame.GetProperty("params").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal("signature", names[^1]);
        Assert.Equal(names[..^1].Order(StringComparer.Ordinal), names[..^1]);
    }

    [Fact]
    public void Ws_api_payload_is_sorted_raw_utf8_not_percent_encoded()
    {
        var parameters = new BinanceParameters()
            .Add("symbol", "１２３４５６").Add("side", "BUY").Add("type", "LIMIT").Add("timeInForce", "GTC")
            .Add("quantity", "1.00000000").Add("price", "0.10000000").Add("recvWindow", 5000L).Add("timestamp", 1645423376532L)
            .Add("apiKey", Samples.SpotDocApiKey);

        var payload = WsRequestWriter.SignaturePayload(parameters);

        Assert.Equal(HmacVector("spot_wsapi_hmac_nonascii_raw_utf8").GetProperty("signedPayload").GetString(), payload);
    }

    [Fact]
    public void Ws_api_frame_writes_decimals_as_exact_strings_and_integers_as_numbers()
    {
        var parameters = new BinanceParameters().Add("symbol", "BTCUSDT").Add("quantity", 0.00100000m).Add("price", 52000.00m)
            .Add("timestamp", 1645423376532L).Add("omitZeroBalances", true);

        var text = WsRequestWriter.BuildText(12, "order.test", parameters, signer: null);

        Assert.Equal("{\"id\":12,\"method\":\"order.test\",\"params\":{\"omitZeroBalances\":true,\"price\":\"52000\",\"quantity\":\"0.001\",\"symbol\":\"BTCUSDT\",\"timestamp\":1645423376532}}", text);
    }

    [Fact]
    public void Credentials_never_show_the_secret()
    {
        using var credentials = BinanceCredentials.Hmac(Samples.SpotDocApiKey, Samples.SpotDocSecret);

        var text = credentials.ToString();

        Assert.DoesNotContain(Samples.SpotDocSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.SpotDocApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.SpotDocApiKey[..4], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.SpotDocApiKey[^4..], text, StringComparison.Ordinal);
        Assert.Contains("apiKey=***", text, StringComparison.Ordinal);
    }
}
