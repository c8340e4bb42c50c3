using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Http;

namespace Oms.Secrets.Tests.Support;

/// <summary>
/// An in-test Azure Key Vault (HTTPS, secrets GET API) with the bearer challenge: a request without the expected
/// token gets 401 and <c>WWW-Authenticate: Bearer authorization="…/{tenant}", resource="https://vault.azure.net"</c>.
/// </summary>
internal sealed class FakeKeyVaultServer : IAsyncDisposable
{
    public const string Resource = "https://vault.azure.net";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(string Version, string Value, bool Enabled)>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _denied = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _tenantId;
    private readonly string _acceptedToken;
    private KestrelHost? _host;

    private FakeKeyVaultServer(string tenantId, string acceptedToken)
    {
        _tenantId = tenantId;
        _acceptedToken = acceptedToken;
    }

    public Uri VaultUri => _host!.Address;

    public ConcurrentQueue<(string Path, string? Authorization, int Status)> Requests { get; } = new();

    public static async Task<FakeKeyVaultServer> StartAsync(X509Certificate2 certificate, string tenantId, string acceptedToken)
    {
        var server = new FakeKeyVaultServer(tenantId, acceptedToken);
        server._host = await KestrelHost.StartAsync(server.HandleAsync, certificate);
        return server;
    }

    /// <summary>Adds a new version of a secret and returns its version id.</summary>
    public string SetSecret(string name, string value, bool enabled = true)
    {
        var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            versions.Add((version, value, enabled));
        }

        return version;
    }

    public void Deny(string name)
    {
        lock (_gate)
        {
            _denied.Add(name);
        }
    }

    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var status = await RespondAsync(context);
        Requests.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, status));
    }

    private async Task<int> RespondAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Authorization.ToString() != "Bearer " + _acceptedToken)
        {
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{_tenantId}\", resource=\"{Resource}\"";
            return await Error(context, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return await Error(context, 400, "BadParameter", "The 'api-version' query parameter is missing.");
        }

        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        if (request.Method != "GET" || segments.Length is < 2 or > 3 || segments[0] != "secrets")
        {
            return await Error(context, 404, "NotFound", "Not found.");
        }

        var name = segments[1];
        var requestedVersion = segments.Length == 3 && segments[2].Length > 0 ? segments[2] : null;
        (string Version, string Value, bool Enabled)? found = null;
        bool denied;
        lock (_gate)
        {
            denied = _denied.Contains(name);
            if (_secrets.TryGetValue(name, out var versions) && versions.Count > 0)
            {
                found = requestedVersion is null
                    ? versions[^1]
                    : versions.FirstOrDefault(v => v.Version == requestedVersion) is { Version: not null } match ? match : null;
            }
        }

        if (denied)
        {
            return await Error(context, 403, "Forbidden",
                "Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
                "ForbiddenByRbac");
        }

        if (found is not { } secret)
        {
            return await Error(context, 404, "SecretNotFound",
                $"A secret with (name/id) {name}{(requestedVersion is null ? string.Empty : "/" + requestedVersion)} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.");
        }

        if (!secret.Enabled)
        {
            return await Error(context, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["value"] = secret.Value,
            ["id"] = new Uri(VaultUri, $"secrets/{name}/{secret.Version}").ToString(),
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["created"] = now,
                ["updated"] = now,
                ["recoveryLevel"] = "Recoverable+Purgeable",
                ["recoverableDays"] = 90,
            },
            ["tags"] = new JsonObject(),
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
        return 200;
    }

    private static async Task<int> Error(HttpContext context, int status, string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString());
        return status;
    }
}

/// <summary>A test <see cref="TokenCredential"/> that hands out one generated token and records what was asked.</summary>
internal sealed class TestTokenCredential(string token) : TokenCredential
{
    public ConcurrentQueue<TokenRequestContext> Requests { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests.Enqueue(requestContext);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
