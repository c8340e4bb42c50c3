using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Oms.Secrets.Vault;

/// <summary>One HTTP exchange with Vault: status, Vault's <c>errors</c>, and the body (which may hold secrets).</summary>
internal sealed class VaultResponse(HttpStatusCode status, byte[] body) : IDisposable
{
    public HttpStatusCode Status { get; } = status;

    public int StatusCode => (int)Status;

    /// <summary>Parses the body; the caller disposes the document before this response.</summary>
    public JsonDocument? TryParse()
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Vault's <c>{"errors":[...]}</c> joined, scrubbed of anything secret-looking.</summary>
    public string ErrorText(params IEnumerable<string?> knownSecrets)
    {
        using var document = TryParse();
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var parts = errors.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.String)
            .Select(e => e.GetString())
            .Where(e => !string.IsNullOrWhiteSpace(e));
        return SecretRedaction.ScrubServerText(string.Join("; ", parts), knownSecrets);
    }

    public bool IsSealed => Status == HttpStatusCode.ServiceUnavailable &&
        ErrorText().Contains("sealed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Zeroes the body: it may have carried a secret or a token.</summary>
    public void Dispose() => Array.Clear(body);
}

/// <summary>The request did not produce an HTTP response: network failure or the per-request time limit.</summary>
internal sealed class VaultTransportException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>Sends requests to Vault's HTTP API (<c>/v1/...</c>) with the namespace header and a per-request time limit.</summary>
internal sealed class VaultApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly VaultSecretStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public VaultApi(VaultSecretStoreOptions options, HttpMessageHandler? handler, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        var address = options.Address!.EndsWith('/') ? options.Address : options.Address + "/";
        _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = new Uri(address, UriKind.Absolute),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri Address => _http.BaseAddress!;

    /// <summary>Sends one request. <paramref name="relativePath"/> is below <c>/v1/</c>.</summary>
    public async Task<VaultResponse> SendAsync(
        HttpMethod method,
        string relativePath,
        object? jsonBody,
        SecretString? token,
        bool useNamespace,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, "v1/" + relativePath);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Vault-Request", "true");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Vault-Token", token.Reveal());
        }

        if (useNamespace && !string.IsNullOrWhiteSpace(_options.Namespace))
        {
            request.Headers.TryAddWithoutValidation("X-Vault-Namespace", _options.Namespace.Trim());
        }

        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(jsonBody));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            _logger.LogDebug("Vault {Method} /v1/{Path} -> {Status} in {Elapsed} ms",
                method.Method, relativePath, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new VaultResponse(response.StatusCode, body);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new VaultTransportException($"no answer within {_options.RequestTimeout.TotalSeconds:0.###} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new VaultTransportException($"request failed: {ex.HttpRequestError}", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static SocketsHttpHandler CreateHandler(VaultSecretStoreOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.RequestTimeout,
        };
        if (!string.IsNullOrWhiteSpace(options.CaCertificateFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaCertificateFile);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return handler;
    }
}
