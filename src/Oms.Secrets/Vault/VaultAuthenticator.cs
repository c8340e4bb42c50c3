using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Oms.Secrets.Vault;

/// <summary>
/// Holds the Vault token and keeps it alive: learns its lease (login response or <c>lookup-self</c>), renews it with
/// <c>renew-self</c> once <see cref="VaultSecretStoreOptions.RenewAfterLeaseFraction"/> of the lease has passed, and
/// with AppRole logs in again when renewal is refused, the token reached its max TTL, or it expired. The token is
/// never logged.
/// </summary>
internal sealed class VaultAuthenticator : IDisposable
{
    private readonly VaultApi _api;
    private readonly VaultSecretStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _store;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SecretString? _token;
    private DateTimeOffset _obtainedAt;
    private TimeSpan? _lease;
    private bool _renewable;
    private bool _renewalExhausted;

    public VaultAuthenticator(VaultApi api, VaultSecretStoreOptions options, TimeProvider time, ILogger logger, string store)
    {
        _api = api;
        _options = options;
        _time = time;
        _logger = logger;
        _store = store;
    }

    /// <summary>True when a rejected token can be replaced by a fresh one (AppRole login, or re-reading the token file).</summary>
    public bool CanReauthenticate =>
        _options.Auth.Method == VaultAuthMethod.AppRole || !string.IsNullOrWhiteSpace(_options.Auth.TokenFile);

    /// <summary>The current token (so error text echoing it can be scrubbed).</summary>
    public string? CurrentTokenForScrubbing => Volatile.Read(ref _token)?.Reveal();

    /// <summary>Returns a token that is valid now, renewing or logging in first when due.</summary>
    public async Task<SecretString> GetTokenAsync(CancellationToken cancellationToken)
    {
        var token = Volatile.Read(ref _token);
        if (token is not null && !IsDue(_time.GetUtcNow()))
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_token is null)
            {
                return await AcquireAsync(cancellationToken).ConfigureAwait(false);
            }

            if (ExpiresAt is { } expiresAt && now >= expiresAt)
            {
                _logger.LogInformation("Vault token of {Store} expired at {ExpiresAt}; authenticating again", _store, expiresAt);
                Volatile.Write(ref _token, null);
                return await AcquireAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!IsDue(now))
            {
                return _token;
            }

            if (_renewable && !_renewalExhausted)
            {
                if (await TryRenewAsync(cancellationToken).ConfigureAwait(false))
                {
                    return _token;
                }
            }

            if (_options.Auth.Method == VaultAuthMethod.AppRole)
            {
                _logger.LogInformation("Vault token of {Store} cannot be extended; logging in again with AppRole before it expires", _store);
                Volatile.Write(ref _token, null);
                return await AcquireAsync(cancellationToken).ConfigureAwait(false);
            }

            // A static token that cannot be renewed any more: use it until it expires, and say so once.
            if (!_renewalExhausted)
            {
                _logger.LogWarning("Vault token of {Store} cannot be renewed; it expires at {ExpiresAt}. Provide a new token (TokenFile) or use AppRole", _store, ExpiresAt);
            }

            _renewalExhausted = true;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="rejected"/> so the next <see cref="GetTokenAsync"/> authenticates again.</summary>
    public void Invalidate(SecretString rejected) => Interlocked.CompareExchange(ref _token, null, rejected);

    public void Dispose() => _gate.Dispose();

    private DateTimeOffset? ExpiresAt => _lease is { } lease && lease > TimeSpan.Zero ? _obtainedAt + lease : null;

    private bool IsDue(DateTimeOffset now)
    {
        if (_lease is not { } lease || lease <= TimeSpan.Zero)
        {
            return false;
        }

        if (now >= _obtainedAt + lease)
        {
            return true;
        }

        // Once a static token cannot be renewed there is nothing to do before it expires.
        if (_renewalExhausted && _options.Auth.Method != VaultAuthMethod.AppRole)
        {
            return false;
        }

        return now >= _obtainedAt + (lease * Math.Clamp(_options.RenewAfterLeaseFraction, 0.1, 0.95));
    }

    private async Task<SecretString> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_options.Auth.Method == VaultAuthMethod.AppRole)
        {
            return await LoginWithAppRoleAsync(cancellationToken).ConfigureAwait(false);
        }

        return await AdoptStaticTokenAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SecretString> AdoptStaticTokenAsync(CancellationToken cancellationToken)
    {
        var auth = _options.Auth;
        var token = new SecretString(ReadSecretSetting(auth.Token, auth.TokenFile, "token"));
        using var response = await SendAsync(HttpMethod.Get, "auth/token/lookup-self", null, token, "look up the configured token", cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.OK)
        {
            throw Refused(response, "refused the configured token (auth/token/lookup-self): it is invalid, expired or revoked", token.Reveal());
        }

        using var document = response.TryParse() ?? throw Unreadable("auth/token/lookup-self");
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw Unreadable("auth/token/lookup-self");
        }

        var ttl = data.TryGetProperty("ttl", out var ttlElement) && ttlElement.TryGetInt64(out var seconds) ? seconds : 0;
        var renewable = data.TryGetProperty("renewable", out var renewableElement) && renewableElement.ValueKind == JsonValueKind.True;
        Adopt(token, TimeSpan.FromSeconds(ttl), renewable);
        _logger.LogInformation("Using the configured Vault token for {Store}: {Lease}, {Renewable}",
            _store, ttl > 0 ? $"TTL {ttl} s" : "no expiry", renewable ? "renewable" : "not renewable");
        return token;
    }

    private async Task<SecretString> LoginWithAppRoleAsync(CancellationToken cancellationToken)
    {
        var auth = _options.Auth;
        var secretId = ReadSecretSetting(auth.SecretId, auth.SecretIdFile, "AppRole secret_id");
        var mount = auth.AppRoleMount.Trim('/');
        var path = $"auth/{mount}/login";
        using var response = await SendAsync(
            HttpMethod.Post, path, new Dictionary<string, string> { ["role_id"] = auth.RoleId!, ["secret_id"] = secretId },
            token: null, "log in with AppRole", cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.OK)
        {
            throw Refused(response, $"refused the AppRole login of role_id '{auth.RoleId}' ({path})", secretId);
        }

        var (token, lease, renewable) = ReadAuthBlock(response, path);
        Adopt(token, lease, renewable);
        _logger.LogInformation("Logged in to {Store} with AppRole role_id {RoleId}: token TTL {Lease} s, {Renewable}",
            _store, auth.RoleId, (long)lease.TotalSeconds, renewable ? "renewable" : "not renewable");
        return token;
    }

    private async Task<bool> TryRenewAsync(CancellationToken cancellationToken)
    {
        var token = _token!;
        const string path = "auth/token/renew-self";
        VaultResponse response;
        try
        {
            response = await _api.SendAsync(HttpMethod.Post, path, new Dictionary<string, string>(), token, useNamespace: true, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultTransportException ex)
        {
            // The token is still valid: keep it and try again on the next request.
            _logger.LogWarning("Could not renew the Vault token of {Store} ({Reason}); will retry", _store, ex.Message);
            return ExpiresAt is { } expiresAt && _time.GetUtcNow() < expiresAt;
        }

        using (response)
        {
            if (response.Status == HttpStatusCode.OK)
            {
                var (_, lease, renewable) = ReadAuthBlock(response, path, expectToken: false);
                var previous = _lease ?? TimeSpan.Zero;
                _obtainedAt = _time.GetUtcNow();
                _lease = lease;
                _renewable = renewable;
                // Vault caps a renewal at the token's max TTL: a shorter lease than before means the end is near.
                _renewalExhausted = !renewable || lease < previous;
                _logger.LogDebug("Renewed the Vault token of {Store}: TTL {Lease} s{Capped}", _store, (long)lease.TotalSeconds,
                    _renewalExhausted ? " (max TTL reached)" : string.Empty);
                return true;
            }

            var reason = response.ErrorText(token.Reveal());
            if (response.StatusCode is 400 or 401 or 403)
            {
                _logger.LogWarning("Vault refused to renew the token of {Store} ({Status}: {Reason})", _store, response.StatusCode, reason);
                _renewalExhausted = true;
                return false;
            }

            _logger.LogWarning("Could not renew the Vault token of {Store} ({Status}: {Reason}); will retry", _store, response.StatusCode, reason);
            return true;
        }
    }

    private void Adopt(SecretString token, TimeSpan lease, bool renewable)
    {
        _obtainedAt = _time.GetUtcNow();
        _lease = lease > TimeSpan.Zero ? lease : null;
        _renewable = renewable;
        _renewalExhausted = false;
        Volatile.Write(ref _token, token);
    }

    private (SecretString Token, TimeSpan Lease, bool Renewable) ReadAuthBlock(VaultResponse response, string path, bool expectToken = true)
    {
        using var document = response.TryParse() ?? throw Unreadable(path);
        if (!document.RootElement.TryGetProperty("auth", out var auth) || auth.ValueKind != JsonValueKind.Object)
        {
            throw Unreadable(path);
        }

        SecretString? token = null;
        if (expectToken)
        {
            var text = auth.TryGetProperty("client_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(text))
            {
                throw Unreadable(path);
            }

            token = new SecretString(text);
        }

        var seconds = auth.TryGetProperty("lease_duration", out var d) && d.TryGetInt64(out var s) ? s : 0;
        var renewable = auth.TryGetProperty("renewable", out var r) && r.ValueKind == JsonValueKind.True;
        return (token ?? _token!, TimeSpan.FromSeconds(seconds), renewable);
    }

    private async Task<VaultResponse> SendAsync(
        HttpMethod method, string path, object? body, SecretString? token, string purpose, CancellationToken cancellationToken)
    {
        VaultResponse response;
        try
        {
            response = await _api.SendAsync(method, path, body, token, useNamespace: true, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultTransportException ex)
        {
            throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, _store,
                $"{_store}: could not {purpose}: {ex.Message}", location: path, innerException: ex);
        }

        if (response.IsSealed)
        {
            response.Dispose();
            throw new SecretStoreException(SecretStoreErrorKind.Sealed, _store, $"{_store}: Vault is sealed; could not {purpose}", location: path);
        }

        if (response.StatusCode >= 500 || response.StatusCode == 429)
        {
            var reason = response.ErrorText();
            response.Dispose();
            throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, _store,
                $"{_store}: could not {purpose}: HTTP {response.StatusCode}{Suffix(reason)}", location: path);
        }

        return response;
    }

    private SecretStoreException Refused(VaultResponse response, string what, string? secret) => new(
        SecretStoreErrorKind.AuthenticationFailed,
        _store,
        $"{_store}: Vault {what}: HTTP {response.StatusCode}{Suffix(response.ErrorText(secret))}",
        location: null);

    private SecretStoreException Unreadable(string path) => new(
        SecretStoreErrorKind.StoreUnavailable, _store, $"{_store}: unexpected response from /v1/{path} (is Address a Vault server?)", location: path);

    private string ReadSecretSetting(string? inline, string? file, string what)
    {
        if (!string.IsNullOrWhiteSpace(file))
        {
            try
            {
                var text = File.ReadAllText(file).Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecretStoreException(SecretStoreErrorKind.AuthenticationFailed, _store,
                    $"{_store}: cannot read the Vault {what} file {file}: {ex.GetType().Name}", location: file, innerException: ex);
            }

            throw new SecretStoreException(SecretStoreErrorKind.AuthenticationFailed, _store, $"{_store}: the Vault {what} file {file} is empty", location: file);
        }

        if (!string.IsNullOrWhiteSpace(inline))
        {
            return inline.Trim();
        }

        throw new SecretStoreException(SecretStoreErrorKind.InvalidConfiguration, _store, $"{_store}: no Vault {what} is configured");
    }

    private static string Suffix(string reason) => string.IsNullOrEmpty(reason) ? string.Empty : $" ({reason})";
}
