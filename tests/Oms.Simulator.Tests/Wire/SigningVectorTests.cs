using System.Text;
using NSec.Cryptography;
using Oms.Simulator.Tests.Support;
using Oms.Simulator.Wire;
using Oms.Simulator.Wire.Auth;
using Xunit;

namespace Oms.Simulator.Tests.Wire;

public sealed class SigningVectorTests
{
    public static TheoryData<string> HmacVectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Samples.Load("signing/hmac_vectors.json").GetProperty("vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static TheoryData<string> Ed25519VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Samples.Load("signing/ed25519_selfgenerated_vectors.json").GetProperty("vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HmacVectorNames))]
    public void Hmac_vector_verifies_over_the_documented_payload(string name)
    {
        var vector = FindVector("signing/hmac_vectors.json", name);
        var credential = ApiCredential.ForHmac(vector.GetProperty("apiKey").GetString()!, "acc", vector.GetProperty("secretKey").GetString()!);
        var expected = vector.GetProperty("expectedSignature").GetString()!;
        var payload = vector.GetProperty("signedPayload").GetString()!;

        Assert.True(credential.Verify(payload, expected));
        Assert.True(credential.Verify(payload, expected.ToUpperInvariant()));
        Assert.False(credential.Verify(payload + "0", expected));
        Assert.Equal(expected, SignatureVerifier.SignHmac(vector.GetProperty("secretKey").GetString()!, payload));
    }

    [Theory]
    [MemberData(nameof(HmacVectorNames))]
    public void Rest_payload_is_query_then_body_without_separator(string name)
    {
        var vector = FindVector("signing/hmac_vectors.json", name);
        if (!vector.TryGetProperty("queryString", out var query))
        {
            return;
        }

        var body = vector.GetProperty("body").GetString();
        var signature = vector.GetProperty("expectedSignature").GetString()!;
        var payloadFromWire = string.IsNullOrEmpty(body)
            ? SignatureVerifier.RestPayload(query.GetString() + "&signature=" + signature, null)
            : SignatureVerifier.RestPayload(query.GetString(), body + "&signature=" + signature);

        Assert.Equal(vector.GetProperty("signedPayload").GetString(), payloadFromWire);
    }

    [Fact]
    public void Ws_api_payload_is_sorted_params_without_signature_and_not_percent_encoded()
    {
        var request = Samples.Load("spot-ws-api/signing_hmac_nonascii_signed_request.json");
        var parameters = RequestParameters.FromJson(request.GetProperty("params"));
        var vector = FindVector("signing/hmac_vectors.json", "spot_wsapi_hmac_nonascii_raw_utf8");

        Assert.Equal(vector.GetProperty("signedPayload").GetString(), parameters.SortedPayload());
        var credential = ApiCredential.ForHmac(vector.GetProperty("apiKey").GetString()!, "acc", vector.GetProperty("secretKey").GetString()!);
        Assert.True(credential.Verify(parameters.SortedPayload(), request.GetProperty("params").GetProperty("signature").GetString()!));
    }

    [Fact]
    public void Ws_api_ascii_signed_request_sample_verifies()
    {
        var request = Samples.Load("spot-ws-api/signing_hmac_ascii_signed_request.json");
        var parameters = RequestParameters.FromJson(request.GetProperty("params"));
        var vector = FindVector("signing/hmac_vectors.json", "spot_wsapi_hmac_ascii");
        var credential = ApiCredential.ForHmac(vector.GetProperty("apiKey").GetString()!, "acc", vector.GetProperty("secretKey").GetString()!);

        Assert.True(credential.Verify(parameters.SortedPayload(), request.GetProperty("params").GetProperty("signature").GetString()!));
    }

    [Theory]
    [MemberData(nameof(Ed25519VectorNames))]
    public void Ed25519_self_generated_vector_verifies_with_pem_hex_and_base64_public_keys(string name)
    {
        var file = Samples.Load("signing/ed25519_selfgenerated_vectors.json");
        var vector = FindVector("signing/ed25519_selfgenerated_vectors.json", name);
        var payload = vector.GetProperty("payload").GetString()!;
        var signature = vector.GetProperty("signatureBase64").GetString()!;
        var publicHex = file.GetProperty("publicKeyHex").GetString()!;
        var pem = File.ReadAllText(Samples.Path("signing/" + file.GetProperty("publicKeyPem").GetString()));

        foreach (var publicKey in new[] { pem, publicHex, Convert.ToBase64String(Convert.FromHexString(publicHex)) })
        {
            var credential = ApiCredential.ForEd25519("k", "acc", publicKey);
            Assert.True(credential.Verify(payload, signature));
            Assert.False(credential.Verify(payload.Replace("=", "=1", StringComparison.Ordinal), signature));
        }
    }

    [Fact]
    public void Ed25519_signature_from_the_rfc8032_seed_matches_the_vector()
    {
        var file = Samples.Load("signing/ed25519_selfgenerated_vectors.json");
        var seed = Convert.FromHexString(file.GetProperty("privateSeedHex").GetString()!);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var vector = FindVector("signing/ed25519_selfgenerated_vectors.json", "wsapi_session_logon");

        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!));

        Assert.Equal(vector.GetProperty("signatureBase64").GetString(), Convert.ToBase64String(signature));
    }

    [Fact]
    public void Hmac_rejects_malformed_signatures()
    {
        var credential = ApiCredential.ForHmac("k", "acc", "secret");
        Assert.False(credential.Verify("a=1", "zz"));
        Assert.False(credential.Verify("a=1", new string('g', 64)));
        Assert.False(credential.Verify("a=1", string.Empty));
    }

    private static System.Text.Json.JsonElement FindVector(string file, string name) =>
        Samples.Load(file).GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
}
