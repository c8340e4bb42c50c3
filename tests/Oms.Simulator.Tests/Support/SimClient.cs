using System.Net;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Auth;

namespace Oms.Simulator.Tests.Support;

/// <summary>Where a signed REST request puts its parameters.</summary>
public enum Placement
{
    Query,
    Body,

    /// <summary>First half in the query, second half (and the signature) in the form body.</summary>
    Mixed,
}

/// <summary>Test credentials: an HMAC secret or an Ed25519 private key (generated per test; never real keys).</summary>
public sealed class TestKey : IDisposable
{
    private TestKey(string apiKey, string? secret, Key? ed25519)
    {
        ApiKey = apiKey;
        Secret = secret;
        Ed25519 = ed25519;
    }

    public string ApiKey { get; }

    public string? Secret { get; }

    public Key? Ed25519 { get; }

    public string AccountId { get; private set; } = "";

    public static TestKey Hmac() => new(SimulatorAccounts.NewKey(), SimulatorAccounts.NewKey(), null);

    public static TestKey NewEd25519() =>
        new(SimulatorAccounts.NewKey(), null, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    public string PublicKeyPem => Encoding.ASCII.GetString(Ed25519!.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));

    /// <summary>HMAC → lower-case hex; Ed25519 → base64.</summary>
    public string Sign(string payload) => Secret is not null
        ? SignatureVerifier.SignHmac(Secret, payload)
        : Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(Ed25519!, Encoding.UTF8.GetBytes(payload)));

    /// <summary>Registers the key with a new account holding the given balances.</summary>
    public TestKey Register(SimulatorHost host, string? accountId = null, Dictionary<string, string>? spot = null, Dictionary<string, string>? futures = null, bool dualSide = false)
    {
        var created = host.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = accountId ?? "acct-" + Guid.NewGuid().ToString("N")[..12],
            ApiKey = ApiKey,
            SecretKey = Secret,
            Ed25519PublicKey = Ed25519 is null ? null : PublicKeyPem,
            Balances = spot ?? new Dictionary<string, string> { ["USDT"] = "1000000", ["BTC"] = "10", ["ETH"] = "100", ["BNB"] = "1000", ["SOL"] = "1000" },
            FuturesBalances = futures ?? new Dictionary<string, string> { ["USDT"] = "1000000" },
            DualSidePosition = dualSide,
        });
        AccountId = created.AccountId;
        return this;
    }

    public void Dispose() => Ed25519?.Dispose();
}

/// <summary>A decoded Binance REST response.</summary>
public sealed record RestResponse(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Message)
{
    public string? Header(string name) => Message.Headers.TryGetValues(name, out var values) ? values.First() : null;

    public int Code => Json.GetProperty("code").GetInt32();

    public string Msg => Json.GetProperty("msg").GetString()!;
}

/// <summary>Signs and sends Binance REST requests exactly as the official clients do (percent-encoded, signature last).</summary>
public sealed class SimClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static string Now(SimulatorHost host) => host.Exchange.ServerTime.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<RestResponse> PublicAsync(HttpMethod method, string path, params (string Name, string Value)[] parameters) =>
        SendAsync(method, path, Encode(parameters), string.Empty, apiKey: null);

    /// <summary>Adds timestamp (unless given), signs query+body and sends.</summary>
    public Task<RestResponse> SignedAsync(HttpMethod method, string path, TestKey key, (string Name, string Value)[] parameters,
        Placement placement = Placement.Query, bool addTimestamp = true, Func<string, string>? tamper = null)
    {
        var list = parameters.ToList();
        if (addTimestamp && list.All(p => p.Name != "timestamp"))
        {
            list.Add(("timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        string query;
        string body;
        switch (placement)
        {
            case Placement.Body:
                query = string.Empty;
                body = Encode(list);
                break;
            case Placement.Mixed:
                var half = list.Count / 2;
                query = Encode(list.Take(half));
                body = Encode(list.Skip(half));
                break;
            default:
                query = Encode(list);
                body = string.Empty;
                break;
        }

        var signature = key.Sign(query + body);
        if (tamper is not null)
        {
            signature = tamper(signature);
        }

        var encodedSignature = Uri.EscapeDataString(signature);
        if (body.Length > 0)
        {
            body += "&signature=" + encodedSignature;
        }
        else
        {
            query += (query.Length > 0 ? "&" : string.Empty) + "signature=" + encodedSignature;
        }

        return SendAsync(method, path, query, body, key.ApiKey);
    }

    public async Task<RestResponse> SendAsync(HttpMethod method, string path, string query, string body, string? apiKey)
    {
        using var request = new HttpRequestMessage(method, path + (query.Length > 0 ? "?" + query : string.Empty));
        if (apiKey is not null)
        {
            request.Headers.Add("X-MBX-APIKEY", apiKey);
        }

        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        var response = await Http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return new RestResponse(response.StatusCode, document.RootElement.Clone(), response);
    }

    public static string Encode(IEnumerable<(string Name, string Value)> parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
}
