using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Domain;

namespace Oms.Secrets.Vault;

/// <summary>
/// Venue credentials in HashiCorp Vault's KV v2 engine, over Vault's HTTP API: <c>GET /v1/{mount}/data/{path}[?version=N]</c>
/// for secrets and <c>GET /v1/{mount}/metadata/{path}</c> for the current version (what rotation polling reads).
/// </summary>
/// <remarks>
/// The Vault policy the OMS needs (default layout):
/// <code>
/// path "secret/data/oms/venues/*"     { capabilities = ["read"] }
/// path "secret/metadata/oms/venues/*" { capabilities = ["read"] }
/// </code>
/// plus the default policy's <c>auth/token/lookup-self</c> and <c>auth/token/renew-self</c>.
/// Reads are retried with exponential backoff and jitter after timeouts, network errors, 429 and 5xx; a 403 is
/// answered once by authenticating again (when possible) before it is reported as access denied.
/// </remarks>
public sealed class VaultSecretStore : ISecretStoreBackend, IDisposable
{
    private readonly VaultSecretStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VaultApi _api;
    private readonly VaultAuthenticator _auth;

    /// <summary>
    /// Creates the store; <paramref name="handler"/> replaces the default HTTP handler (which trusts
    /// <see cref="VaultSecretStoreOptions.CaCertificateFile"/> when set).
    /// </summary>
    public VaultSecretStore(VaultSecretStoreOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("Vault Address must be an absolute http(s) URL", nameof(options));
        }

        _options = options;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger<VaultSecretStore>();
        Description = $"vault {address.GetLeftPart(UriPartial.Authority)}" +
            (string.IsNullOrWhiteSpace(options.Namespace) ? string.Empty : $" (namespace {options.Namespace.Trim()})");
        _api = new VaultApi(options, handler, timeProvider, _logger);
        _auth = new VaultAuthenticator(_api, options, timeProvider, _logger, Description);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public async Task<VenueCredentials> ReadAsync(Venue venue, AccountId account, string? version, CancellationToken cancellationToken)
    {
        var path = SecretPath(venue, account);
        var dataPath = $"{Mount}/data/{path}";
        var query = string.Empty;
        if (version is not null)
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                throw new ArgumentException($"'{version}' is not a Vault KV v2 version number", nameof(version));
            }

            query = $"?version={number}";
        }

        var location = version is null ? dataPath : $"{dataPath} version {version}";
        using var response = await ReadWithRetriesAsync(dataPath + query, venue, account, location, cancellationToken).ConfigureAwait(false);
        using var document = response.TryParse();
        if (response.Status == HttpStatusCode.NotFound)
        {
            throw new SecretStoreException(SecretStoreErrorKind.NotFound, Description,
                SecretStoreException.Compose(Description, DescribeMissing(document, version), venue, account, location),
                venue, account, location);
        }

        if (document is null ||
            !document.RootElement.TryGetProperty("data", out var outer) || outer.ValueKind != JsonValueKind.Object ||
            !outer.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ||
            !outer.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object ||
            !metadata.TryGetProperty("version", out var versionElement) || !versionElement.TryGetInt32(out var readVersion))
        {
            throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                SecretStoreException.Compose(Description, "the response is not a KV v2 secret (is the mount a KV version 2 engine?)", venue, account, location),
                venue, account, location);
        }

        var values = new Dictionary<SecretField, string?>();
        foreach (var field in SecretFieldNames.All)
        {
            var key = _options.Keys.For(field);
            if (!data.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                    SecretStoreException.Compose(Description, $"field '{key}' is a JSON {value.ValueKind}, not a string", venue, account, location),
                    venue, account, location, field);
            }

            values[field] = value.GetString();
        }

        var credentials = CredentialParser.Build(
            Description, venue, account, $"{dataPath} version {readVersion}", values, _options.Keys.For,
            readVersion.ToString(CultureInfo.InvariantCulture), _time.GetUtcNow());
        _logger.LogDebug("Read credentials of {Venue} account {Account} version {Version} from {Store} at {Path}",
            SecretNaming.VenueName(venue), account.Value, readVersion, Description, dataPath);
        return credentials;
    }

    /// <inheritdoc />
    public async Task<VenueCredentials?> ReadIfChangedAsync(Venue venue, AccountId account, string knownVersion, CancellationToken cancellationToken)
    {
        var path = SecretPath(venue, account);
        var metadataPath = $"{Mount}/metadata/{path}";
        int current;
        using (var response = await ReadWithRetriesAsync(metadataPath, venue, account, metadataPath, cancellationToken).ConfigureAwait(false))
        {
            if (response.Status == HttpStatusCode.NotFound)
            {
                throw new SecretStoreException(SecretStoreErrorKind.NotFound, Description,
                    SecretStoreException.Compose(Description, "the secret no longer exists", venue, account, metadataPath),
                    venue, account, metadataPath);
            }

            using var document = response.TryParse();
            if (document is null ||
                !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ||
                !data.TryGetProperty("current_version", out var currentElement) || !currentElement.TryGetInt32(out current))
            {
                throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                    SecretStoreException.Compose(Description, "the metadata response has no current_version", venue, account, metadataPath),
                    venue, account, metadataPath);
            }
        }

        var currentText = current.ToString(CultureInfo.InvariantCulture);
        if (currentText == knownVersion)
        {
            return null;
        }

        _logger.LogDebug("Vault reports version {Version} of {Venue} account {Account} (cached: {Known})",
            current, SecretNaming.VenueName(venue), account.Value, knownVersion);
        return await ReadAsync(venue, account, currentText, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks <c>sys/health</c> (standbys count as available: they forward reads) and that the OMS can authenticate.
    /// </summary>
    public async Task CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        const string path = "sys/health?standbyok=true&perfstandbyok=true";
        VaultResponse response;
        try
        {
            response = await _api.SendAsync(HttpMethod.Get, path, null, token: null, useNamespace: false, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultTransportException ex)
        {
            throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description,
                $"{Description}: unreachable (sys/health): {ex.Message}", location: "sys/health", innerException: ex);
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case 200 or 429 or 473:
                    break;
                case 503:
                    throw new SecretStoreException(SecretStoreErrorKind.Sealed, Description, $"{Description}: Vault is sealed (sys/health 503)", location: "sys/health");
                case 501:
                    throw new SecretStoreException(SecretStoreErrorKind.Sealed, Description, $"{Description}: Vault is not initialised (sys/health 501)", location: "sys/health");
                case 472:
                    throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description, $"{Description}: this node is a disaster-recovery secondary and cannot serve secrets (sys/health 472)", location: "sys/health");
                default:
                    throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description, $"{Description}: unhealthy (sys/health {response.StatusCode})", location: "sys/health");
            }
        }

        await _auth.GetTokenAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _auth.Dispose();
        _api.Dispose();
    }

    private string Mount => _options.Mount.Trim('/');

    private string SecretPath(Venue venue, AccountId account)
    {
        try
        {
            return SecretNaming.VaultSecretPath(_options.PathTemplate, venue, account);
        }
        catch (ArgumentException ex)
        {
            throw new SecretStoreException(SecretStoreErrorKind.InvalidConfiguration, Description,
                SecretStoreException.Compose(Description, ex.Message, venue, account, null), venue, account, innerException: ex);
        }
    }

    private async Task<VaultResponse> ReadWithRetriesAsync(
        string relativePath, Venue venue, AccountId account, string location, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var reauthenticated = false;
        while (true)
        {
            var token = await _auth.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            VaultResponse response;
            try
            {
                response = await _api.SendAsync(HttpMethod.Get, relativePath, null, token, useNamespace: true, cancellationToken).ConfigureAwait(false);
            }
            catch (VaultTransportException ex)
            {
                if (attempt < _options.MaxReadRetries)
                {
                    await BackOffAsync(++attempt, ex.Message, location, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description,
                    SecretStoreException.Compose(Description, $"could not read credentials after {attempt + 1} attempt(s): {ex.Message}", venue, account, location),
                    venue, account, location, innerException: ex);
            }

            var status = response.StatusCode;
            if (status is 200 or 404)
            {
                return response;
            }

            using (response)
            {
                var reason = response.ErrorText(token.Reveal());
                if (status is 401 or 403)
                {
                    if (!reauthenticated && _auth.CanReauthenticate)
                    {
                        reauthenticated = true;
                        _auth.Invalidate(token);
                        _logger.LogDebug("Vault denied {Path} with the current token; authenticating again once", location);
                        continue;
                    }

                    throw new SecretStoreException(SecretStoreErrorKind.AccessDenied, Description,
                        SecretStoreException.Compose(Description,
                            $"permission denied (HTTP {status}{Suffix(reason)}): the token's policies do not allow reading this path, or the token was revoked",
                            venue, account, location),
                        venue, account, location);
                }

                var sealedVault = response.IsSealed;
                if (status is 429 or >= 500 && attempt < _options.MaxReadRetries)
                {
                    await BackOffAsync(++attempt, $"HTTP {status}{Suffix(reason)}", location, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (sealedVault)
                {
                    throw new SecretStoreException(SecretStoreErrorKind.Sealed, Description,
                        SecretStoreException.Compose(Description, "Vault is sealed and cannot serve secrets until it is unsealed", venue, account, location),
                        venue, account, location);
                }

                if (status == 400)
                {
                    throw new SecretStoreException(SecretStoreErrorKind.InvalidConfiguration, Description,
                        SecretStoreException.Compose(Description, $"Vault rejected the request (HTTP 400{Suffix(reason)}); check Mount and PathTemplate", venue, account, location),
                        venue, account, location);
                }

                throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description,
                    SecretStoreException.Compose(Description, $"could not read credentials after {attempt + 1} attempt(s): HTTP {status}{Suffix(reason)}", venue, account, location),
                    venue, account, location);
            }
        }
    }

    private async Task BackOffAsync(int attempt, string reason, string location, CancellationToken cancellationToken)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential > _options.RetryMaxDelay ? _options.RetryMaxDelay : exponential;
        var delay = capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
        _logger.LogWarning("Vault read of {Path} failed ({Reason}); retry {Attempt} of {MaxRetries} in {Delay} ms",
            location, reason, attempt, _options.MaxReadRetries, (long)delay.TotalMilliseconds);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string DescribeMissing(JsonDocument? document, string? version)
    {
        // KV v2 answers 404 for a deleted or destroyed version, with the version's metadata in the body.
        if (document is not null &&
            document.RootElement.TryGetProperty("data", out var outer) && outer.ValueKind == JsonValueKind.Object &&
            outer.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            var number = metadata.TryGetProperty("version", out var v) && v.TryGetInt32(out var n) ? n.ToString(CultureInfo.InvariantCulture) : version ?? "current";
            if (metadata.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True)
            {
                return $"version {number} of the secret was destroyed";
            }

            if (metadata.TryGetProperty("deletion_time", out var deleted) && deleted.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(deleted.GetString()))
            {
                return $"version {number} of the secret was deleted";
            }
        }

        return version is null ? "no credentials stored" : $"version {version} of the credentials does not exist";
    }

    private static string Suffix(string reason) => string.IsNullOrEmpty(reason) ? string.Empty : $": {reason}";
}
