using System.Text;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Oms.Domain;

namespace Oms.Secrets.AzureKeyVault;

/// <summary>
/// Venue credentials in Azure Key Vault, one secret per field (see <see cref="SecretNaming"/>), read with the Azure
/// SDK's <see cref="SecretClient"/> (challenge-based bearer authentication, <c>DefaultAzureCredential</c> by default).
/// </summary>
/// <remarks>
/// The OMS identity needs the <c>Key Vault Secrets User</c> role (RBAC) or the <c>get</c> secret permission (access
/// policies). The credentials' version is the list of the secrets' version ids (<c>api-key=…;hmac-secret=…</c>);
/// passing it back to <see cref="ReadAsync"/> reads exactly those versions. Key Vault cannot update several secrets
/// atomically: when a key and its secret are rotated one after the other, a poll may see the first change alone and a
/// second rotation notification follows at the next poll. Rotate the signing secret first or add a new venue key
/// (valid alongside the old one) to avoid a window with a mismatched pair.
/// </remarks>
public sealed class AzureKeyVaultSecretStore : ISecretStoreBackend
{
    /// <summary>The secret read by <see cref="CheckAvailabilityAsync"/>; it need not exist (404 proves access).</summary>
    public const string ProbeSecretName = "oms-secret-store-probe";

    private readonly SecretClient _client;
    private readonly AzureKeyVaultSecretStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AzureKeyVaultSecretStore(SecretClient client, AzureKeyVaultSecretStoreOptions options, TimeProvider timeProvider, ILogger<AzureKeyVaultSecretStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        Description = $"azure key vault {client.VaultUri.GetLeftPart(UriPartial.Authority)}";
    }

    /// <summary>Creates the store with a <see cref="SecretClient"/> built from the options (credential default: <c>DefaultAzureCredential</c>).</summary>
    public static AzureKeyVaultSecretStore Create(AzureKeyVaultSecretStoreOptions options, TimeProvider timeProvider, ILogger<AzureKeyVaultSecretStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credential = options.Credential ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            TenantId = string.IsNullOrWhiteSpace(options.TenantId) ? null : options.TenantId,
        });
        var client = new SecretClient(new Uri(options.VaultUri!, UriKind.Absolute), credential, options.ClientOptions ?? new SecretClientOptions());
        return new AzureKeyVaultSecretStore(client, options, timeProvider, logger);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public async Task<VenueCredentials> ReadAsync(Venue venue, AccountId account, string? version, CancellationToken cancellationToken)
    {
        var requested = version is null ? null : ParseVersion(version, venue, account);
        var values = new Dictionary<SecretField, string?>();
        var versions = new StringBuilder();
        foreach (var field in SecretFieldNames.All)
        {
            var name = SecretName(venue, account, field);
            string? fieldVersion = null;
            if (requested is not null)
            {
                if (!requested.TryGetValue(field, out fieldVersion))
                {
                    continue;
                }
            }

            var secret = await GetSecretAsync(name, fieldVersion, venue, account, field, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                continue;
            }

            values[field] = secret.Value;
            if (versions.Length > 0)
            {
                versions.Append(';');
            }

            versions.Append(SecretFieldNames.KebabCase(field)).Append('=').Append(secret.Properties.Version);
        }

        var apiKeyName = SecretName(venue, account, SecretField.ApiKey);
        var credentials = CredentialParser.Build(
            Description, venue, account, apiKeyName, values,
            field => SecretName(venue, account, field),
            versions.ToString(), _time.GetUtcNow());
        _logger.LogDebug("Read credentials of {Venue} account {Account} version {Version} from {Store}",
            SecretNaming.VenueName(venue), account.Value, credentials.Version, Description);
        return credentials;
    }

    /// <inheritdoc />
    public async Task<VenueCredentials?> ReadIfChangedAsync(Venue venue, AccountId account, string knownVersion, CancellationToken cancellationToken)
    {
        // Key Vault has no cheap "current version of several secrets" call: read the latest versions and compare ids.
        var latest = await ReadAsync(venue, account, version: null, cancellationToken).ConfigureAwait(false);
        return latest.Version == knownVersion ? null : latest;
    }

    /// <summary>Reads <see cref="ProbeSecretName"/>: found or 404 proves the vault is reachable and the identity may read secrets.</summary>
    public async Task CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetSecretAsync(ProbeSecretName, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException)
        {
            throw Translate(ex, ProbeSecretName, null, null, null);
        }
    }

    private async Task<KeyVaultSecret?> GetSecretAsync(
        string name, string? version, Venue venue, AccountId account, SecretField field, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetSecretAsync(name, version, cancellationToken).ConfigureAwait(false);
            var secret = response.Value;
            if (secret.Properties.Enabled == false)
            {
                throw new SecretStoreException(SecretStoreErrorKind.NotFound, Description,
                    SecretStoreException.Compose(Description, "the secret is disabled", venue, account, name), venue, account, name, field);
            }

            return secret;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && field != SecretField.ApiKey && version is null)
        {
            // Optional fields are simply absent.
            return null;
        }
        catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException)
        {
            throw Translate(ex, name, version, venue, account, field);
        }
    }

    private SecretStoreException Translate(Exception ex, string name, string? version, Venue? venue, AccountId? account, SecretField? field = null)
    {
        var location = version is null ? name : $"{name} version {version}";
        if (ex is AuthenticationFailedException or CredentialUnavailableException)
        {
            return new SecretStoreException(SecretStoreErrorKind.AuthenticationFailed, Description,
                SecretStoreException.Compose(Description, $"the Azure credential could not get a token ({ex.GetType().Name}: {SecretRedaction.ScrubServerText(ex.Message)})", venue, account, location),
                venue, account, location, field, ex);
        }

        var failure = (RequestFailedException)ex;
        var code = string.IsNullOrEmpty(failure.ErrorCode) ? string.Empty : $", {failure.ErrorCode}";
        var (kind, what) = failure.Status switch
        {
            404 => (SecretStoreErrorKind.NotFound, version is null ? "secret not found" : "secret version not found"),
            403 => (SecretStoreErrorKind.AccessDenied, $"access denied (HTTP 403{code}): the identity needs the 'Key Vault Secrets User' role or the 'get' secret permission"),
            401 => (SecretStoreErrorKind.AuthenticationFailed, $"authentication failed (HTTP 401{code})"),
            400 => (SecretStoreErrorKind.InvalidConfiguration, $"Key Vault rejected the request (HTTP 400{code})"),
            0 => (SecretStoreErrorKind.StoreUnavailable, $"unreachable ({SecretRedaction.ScrubServerText(failure.InnerException?.Message ?? failure.Message)})"),
            _ => (SecretStoreErrorKind.StoreUnavailable, $"unavailable (HTTP {failure.Status}{code})"),
        };
        return new SecretStoreException(kind, Description, SecretStoreException.Compose(Description, what, venue, account, location),
            venue, account, location, field, ex);
    }

    private string SecretName(Venue venue, AccountId account, SecretField field)
    {
        try
        {
            return SecretNaming.KeyVaultSecretName(_options.NameTemplate, venue, account, field);
        }
        catch (ArgumentException ex)
        {
            throw new SecretStoreException(SecretStoreErrorKind.InvalidConfiguration, Description,
                SecretStoreException.Compose(Description, ex.Message, venue, account, null), venue, account, innerException: ex);
        }
    }

    private Dictionary<SecretField, string> ParseVersion(string version, Venue venue, AccountId account)
    {
        var result = new Dictionary<SecretField, string>();
        foreach (var part in version.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            var field = separator > 0
                ? SecretFieldNames.All.FirstOrDefault(f => SecretFieldNames.KebabCase(f) == part[..separator])
                : default;
            if (field == default || separator == part.Length - 1)
            {
                throw new ArgumentException(
                    $"'{version}' is not a Key Vault credentials version of {SecretNaming.VenueName(venue)} account '{account}' (expected api-key=<id>;hmac-secret=<id>…)",
                    nameof(version));
            }

            result[field] = part[(separator + 1)..];
        }

        if (!result.ContainsKey(SecretField.ApiKey))
        {
            throw new ArgumentException($"'{version}' has no api-key version", nameof(version));
        }

        return result;
    }
}
