using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Oms.Secrets.Tests.Support;

/// <summary>
/// An in-test Vault: KV v2 data/metadata with versions, token auth (<c>X-Vault-Token</c>), lookup-self and renew-self
/// with TTLs on the test's fake clock, AppRole login, namespaces (<c>X-Vault-Namespace</c>), per-token path policies,
/// sealing, sys/health, and fault injection. Responses follow the JSON shapes of Vault's API documentation.
/// </summary>
internal sealed class FakeVaultServer : IAsyncDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenState> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Mount, string Path), List<VersionState>> _secrets = [];
    private readonly Dictionary<(string Namespace, string RoleId), RoleState> _roles = [];
    private KestrelHost? _host;
    private int _failNextReads;
    private TaskCompletionSource? _hangArrived;

    private FakeVaultServer(FakeTimeProvider time) => _time = time;

    public Uri Address => _host!.Address;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public bool Sealed { get; set; }

    /// <summary>renew-self answers 403 permission denied (as for a token whose policy lost renew-self).</summary>
    public bool RefuseRenewal { get; set; }

    public int FailureStatus { get; set; } = 500;

    public static async Task<FakeVaultServer> StartAsync(FakeTimeProvider time, X509Certificate2? certificate = null)
    {
        var server = new FakeVaultServer(time);
        server._host = await KestrelHost.StartAsync(server.HandleAsync, certificate);
        return server;
    }

    /// <summary>Creates a token with read access to paths starting with any of <paramref name="allowedPrefixes"/> (e.g. <c>secret/</c>).</summary>
    public void AddToken(string token, TimeSpan ttl, bool renewable, TimeSpan? maxTtl = null, string ns = "", params string[] allowedPrefixes)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _tokens[token] = new TokenState(token, ns, ttl, renewable, now, ttl > TimeSpan.Zero ? now + ttl : null,
                maxTtl is { } max ? now + max : null, allowedPrefixes);
        }
    }

    public void AddAppRole(string roleId, string secretId, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, string ns = "", params string[] allowedPrefixes)
    {
        lock (_gate)
        {
            _roles[(ns, roleId)] = new RoleState(secretId, tokenTtl, tokenMaxTtl, allowedPrefixes);
        }
    }

    /// <summary>Writes a new version of a KV v2 secret and returns its version number.</summary>
    public int PutSecret(string mount, string path, IReadOnlyDictionary<string, string> data, string ns = "")
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue((ns, mount, path), out var versions))
            {
                _secrets[(ns, mount, path)] = versions = [];
            }

            versions.Add(new VersionState(versions.Count + 1, new Dictionary<string, string>(data), _time.GetUtcNow()));
            return versions.Count;
        }
    }

    /// <summary>Soft-deletes one version (KV v2 <c>delete</c>): reads of it answer 404 with its metadata.</summary>
    public void DeleteVersion(string mount, string path, int version, string ns = "")
    {
        lock (_gate)
        {
            _secrets[(ns, mount, path)][version - 1].DeletedAt = _time.GetUtcNow();
        }
    }

    /// <summary>Makes the next <paramref name="count"/> KV reads (data or metadata) answer <see cref="FailureStatus"/>.</summary>
    public void FailNextReads(int count) => Interlocked.Exchange(ref _failNextReads, count);

    /// <summary>Makes the next KV read hang until the client gives up; the task completes when that read arrived.</summary>
    public Task HangNextRead()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _hangArrived, arrived);
        return arrived.Task;
    }

    public int Count(string method, string pathPrefix) =>
        Requests.Count(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var ns = request.Headers["X-Vault-Namespace"].ToString().Trim('/');
        var path = request.Path.Value ?? string.Empty;
        Requests.Enqueue(new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty,
            request.Headers.ContainsKey("X-Vault-Namespace") ? ns : null, request.Headers.ContainsKey("X-Vault-Token")));

        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            await Errors(context, 404);
            return;
        }

        var relative = path[4..];
        if (relative == "sys/health")
        {
            await HealthAsync(context);
            return;
        }

        if (Sealed)
        {
            await Errors(context, 503, "Vault is sealed");
            return;
        }

        if (request.Method == "POST" && relative.StartsWith("auth/", StringComparison.Ordinal) && relative.EndsWith("/login", StringComparison.Ordinal))
        {
            await LoginAsync(context, ns);
            return;
        }

        var token = Authenticate(request.Headers["X-Vault-Token"].ToString(), ns);
        if (token is null)
        {
            await Errors(context, 403, "permission denied");
            return;
        }

        switch (relative)
        {
            case "auth/token/lookup-self" when request.Method == "GET":
                await LookupSelfAsync(context, token);
                return;
            case "auth/token/renew-self" when request.Method is "POST" or "PUT":
                await RenewSelfAsync(context, token);
                return;
        }

        if (request.Method != "GET")
        {
            await Errors(context, 405);
            return;
        }

        if (!token.AllowedPrefixes.Any(p => relative.StartsWith(p, StringComparison.Ordinal)))
        {
            await Errors(context, 403, "1 error occurred:\n\t* permission denied\n\n");
            return;
        }

        if (Interlocked.Decrement(ref _failNextReads) >= 0)
        {
            await Errors(context, FailureStatus, "internal error");
            return;
        }

        if (Interlocked.Exchange(ref _hangArrived, null) is { } arrived)
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        var mount = slash > 0 ? relative[..slash] : relative;
        var rest = slash > 0 ? relative[(slash + 1)..] : string.Empty;
        if (rest.StartsWith("data/", StringComparison.Ordinal))
        {
            await ReadDataAsync(context, ns, mount, rest[5..]);
        }
        else if (rest.StartsWith("metadata/", StringComparison.Ordinal))
        {
            await ReadMetadataAsync(context, ns, mount, rest[9..]);
        }
        else
        {
            await Errors(context, 404);
        }
    }

    private TokenState? Authenticate(string header, string ns)
    {
        lock (_gate)
        {
            if (string.IsNullOrEmpty(header) || !_tokens.TryGetValue(header, out var token) || token.Namespace != ns)
            {
                return null;
            }

            if (token.ExpiresAt is { } expires && _time.GetUtcNow() >= expires)
            {
                _tokens.Remove(header);
                return null;
            }

            return token;
        }
    }

    private async Task HealthAsync(HttpContext context)
    {
        var body = new JsonObject
        {
            ["initialized"] = true,
            ["sealed"] = Sealed,
            ["standby"] = false,
            ["performance_standby"] = false,
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = "disabled",
            ["server_time_utc"] = _time.GetUtcNow().ToUnixTimeSeconds(),
            ["version"] = "1.19.0",
            ["cluster_name"] = "vault-cluster-test",
        };
        await Json(context, Sealed ? 503 : 200, body);
    }

    private async Task LoginAsync(HttpContext context, string ns)
    {
        var segments = context.Request.Path.Value!.Split('/');
        var mount = segments.Length == 5 ? segments[3] : string.Empty;
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            await Errors(context, 400, "failed to parse JSON input");
            return;
        }

        var roleId = body?["role_id"]?.GetValue<string>() ?? string.Empty;
        var secretId = body?["secret_id"]?.GetValue<string>() ?? string.Empty;
        RoleState? role;
        lock (_gate)
        {
            _roles.TryGetValue((ns, roleId), out role);
        }

        if (mount != "approle" || role is null)
        {
            await Errors(context, 400, "invalid role ID");
            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(role.SecretId), System.Text.Encoding.UTF8.GetBytes(secretId)))
        {
            await Errors(context, 400, "invalid secret id");
            return;
        }

        var token = TestSecrets.NewVaultToken();
        AddToken(token, role.TokenTtl, renewable: true, role.TokenMaxTtl, ns, role.AllowedPrefixes);
        await Json(context, 200, Envelope(auth: AuthBlock(token, role.TokenTtl, renewable: true, roleId)));
    }

    private async Task LookupSelfAsync(HttpContext context, TokenState token)
    {
        var now = _time.GetUtcNow();
        var data = new JsonObject
        {
            ["accessor"] = token.Accessor,
            ["creation_time"] = token.IssuedAt.ToUnixTimeSeconds(),
            ["creation_ttl"] = (long)token.Ttl.TotalSeconds,
            ["display_name"] = "token",
            ["entity_id"] = string.Empty,
            ["expire_time"] = token.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
            ["explicit_max_ttl"] = 0,
            ["id"] = token.Id,
            ["issue_time"] = token.IssuedAt.ToString("O", CultureInfo.InvariantCulture),
            ["meta"] = null,
            ["num_uses"] = 0,
            ["orphan"] = false,
            ["path"] = "auth/token/create",
            ["policies"] = new JsonArray("default", "oms-venues"),
            ["renewable"] = token.Renewable,
            ["ttl"] = token.ExpiresAt is { } expires ? (long)(expires - now).TotalSeconds : 0,
            ["type"] = "service",
        };
        await Json(context, 200, Envelope(data: data));
    }

    private async Task RenewSelfAsync(HttpContext context, TokenState token)
    {
        if (RefuseRenewal)
        {
            await Errors(context, 403, "permission denied");
            return;
        }

        if (!token.Renewable)
        {
            await Errors(context, 400, "lease is not renewable");
            return;
        }

        var now = _time.GetUtcNow();
        var expires = now + token.Ttl;
        if (token.MaxExpiresAt is { } max && expires > max)
        {
            expires = max;
        }

        lock (_gate)
        {
            _tokens[token.Id] = token with { ExpiresAt = expires };
        }

        await Json(context, 200, Envelope(auth: AuthBlock(token.Id, expires - now, renewable: true, null)));
    }

    private async Task ReadDataAsync(HttpContext context, string ns, string mount, string path)
    {
        VersionState? version;
        lock (_gate)
        {
            if (!_secrets.TryGetValue((ns, mount, path), out var versions) || versions.Count == 0)
            {
                version = null;
            }
            else if (context.Request.Query.TryGetValue("version", out var requested) && int.TryParse(requested, out var number) && number > 0)
            {
                version = number <= versions.Count ? versions[number - 1] : null;
            }
            else
            {
                version = versions[^1];
            }
        }

        if (version is null)
        {
            await Errors(context, 404);
            return;
        }

        var metadata = new JsonObject
        {
            ["created_time"] = version.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["custom_metadata"] = null,
            ["deletion_time"] = version.DeletedAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
            ["destroyed"] = false,
            ["version"] = version.Number,
        };
        if (version.DeletedAt is not null)
        {
            await Json(context, 404, Envelope(data: new JsonObject { ["data"] = null, ["metadata"] = metadata }));
            return;
        }

        var values = new JsonObject();
        foreach (var (key, value) in version.Data)
        {
            values[key] = value;
        }

        await Json(context, 200, Envelope(data: new JsonObject { ["data"] = values, ["metadata"] = metadata }));
    }

    private async Task ReadMetadataAsync(HttpContext context, string ns, string mount, string path)
    {
        JsonObject? data = null;
        lock (_gate)
        {
            if (_secrets.TryGetValue((ns, mount, path), out var versions) && versions.Count > 0)
            {
                var versionsNode = new JsonObject();
                foreach (var v in versions)
                {
                    versionsNode[v.Number.ToString(CultureInfo.InvariantCulture)] = new JsonObject
                    {
                        ["created_time"] = v.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                        ["deletion_time"] = v.DeletedAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
                        ["destroyed"] = false,
                    };
                }

                data = new JsonObject
                {
                    ["cas_required"] = false,
                    ["created_time"] = versions[0].CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["current_version"] = versions.Count,
                    ["custom_metadata"] = null,
                    ["delete_version_after"] = "0s",
                    ["max_versions"] = 0,
                    ["oldest_version"] = 0,
                    ["updated_time"] = versions[^1].CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["versions"] = versionsNode,
                };
            }
        }

        if (data is null)
        {
            await Errors(context, 404);
            return;
        }

        await Json(context, 200, Envelope(data: data));
    }

    private static JsonObject AuthBlock(string token, TimeSpan lease, bool renewable, string? roleName)
    {
        var auth = new JsonObject
        {
            ["accessor"] = "acc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            ["policies"] = new JsonArray("default", "oms-venues"),
            ["token_policies"] = new JsonArray("default", "oms-venues"),
            ["metadata"] = roleName is null ? null : new JsonObject { ["role_name"] = "oms" },
            ["lease_duration"] = (long)lease.TotalSeconds,
            ["renewable"] = renewable,
            ["entity_id"] = string.Empty,
            ["token_type"] = "service",
            ["orphan"] = true,
        };
        // renew-self echoes the token too (as Vault does); the client must not log it.
        auth["client_token"] = token;
        return auth;
    }

    private static JsonObject Envelope(JsonObject? data = null, JsonObject? auth = null) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = string.Empty,
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = auth,
    };

    private static Task Errors(HttpContext context, int status, params string[] errors) =>
        Json(context, status, new JsonObject { ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)JsonValue.Create(e)!)]) });

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    internal sealed record RecordedRequest(string Method, string Path, string Query, string? Namespace, bool HadToken);

    private sealed record TokenState(
        string Id, string Namespace, TimeSpan Ttl, bool Renewable, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt,
        DateTimeOffset? MaxExpiresAt, string[] AllowedPrefixes)
    {
        public string Accessor { get; } = "acc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    }

    private sealed record RoleState(string SecretId, TimeSpan TokenTtl, TimeSpan TokenMaxTtl, string[] AllowedPrefixes);

    private sealed class VersionState(int number, Dictionary<string, string> data, DateTimeOffset createdAt)
    {
        public int Number { get; } = number;

        public Dictionary<string, string> Data { get; } = data;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset? DeletedAt { get; set; }
    }
}
