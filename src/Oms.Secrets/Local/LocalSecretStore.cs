using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Domain;

namespace Oms.Secrets.Local;

/// <summary>
/// The development store: environment variables and a JSON file outside the repository. With neither present it
/// holds nothing and reports <see cref="SecretStoreErrorKind.NotFound"/> for every account (the embedded profile's
/// simulator accounts need no secrets).
/// </summary>
/// <remarks>
/// File format (<c>~/.oms/secrets.json</c> by default; venue names are case-insensitive, account ids exact):
/// <code>
/// { "binance": { "my-account": { "api_key": "…", "hmac_secret": "…", "ed25519_private_key": "-----BEGIN PRIVATE KEY-----…" } } }
/// </code>
/// Environment variables (<see cref="SecretNaming.EnvironmentVariableName"/>) override the file field by field.
/// The file is read on every store read, so editing it rotates the credentials without a restart. The store keeps no
/// history: its version is a keyed fingerprint of the content (random key per process, so it reveals nothing), and a
/// versioned read succeeds only for the current version.
/// </remarks>
public sealed class LocalSecretStore : ISecretStoreBackend
{
    private readonly LocalSecretStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, string?> _environment;
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);
    private readonly string _filePath;
    private int _permissionWarningLogged;

    /// <summary>Creates the store; <paramref name="environment"/> reads a variable (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public LocalSecretStore(LocalSecretStoreOptions options, TimeProvider timeProvider, ILogger<LocalSecretStore> logger, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _filePath = options.ResolveFilePath();
        Description = "local store (" + string.Join(", ", new[]
        {
            options.UseEnvironment ? $"environment {options.EnvironmentPrefix}__*" : null,
            options.UseFile ? $"file {_filePath}" : null,
        }.Where(s => s is not null)) + ")";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public Task<VenueCredentials> ReadAsync(Venue venue, AccountId account, string? version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var credentials = Read(venue, account);
        if (version is not null && version != credentials.Version)
        {
            throw new SecretStoreException(SecretStoreErrorKind.NotFound, Description,
                SecretStoreException.Compose(Description, $"version {version} is not the current one (the local store keeps no history)", venue, account, null),
                venue, account);
        }

        return Task.FromResult(credentials);
    }

    /// <inheritdoc />
    public Task<VenueCredentials?> ReadIfChangedAsync(Venue venue, AccountId account, string knownVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var credentials = Read(venue, account);
        return Task.FromResult(credentials.Version == knownVersion ? null : credentials);
    }

    /// <summary>Checks that the file, when present, is readable JSON of the expected shape.</summary>
    public Task CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_options.UseFile)
        {
            using var file = LoadFile(null, null);
        }

        return Task.CompletedTask;
    }

    private VenueCredentials Read(Venue venue, AccountId account)
    {
        var values = new Dictionary<SecretField, string?>();
        var sources = new Dictionary<SecretField, string>();
        if (_options.UseFile)
        {
            using var file = LoadFile(venue, account);
            if (file is not null && TryFindAccount(file.Document.RootElement, venue, account, out var entry))
            {
                foreach (var field in SecretFieldNames.All)
                {
                    if (!entry.TryGetProperty(SecretFieldNames.SnakeCase(field), out var value) || value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    var location = $"{_filePath} ({SecretNaming.VenueName(venue)}.{account}.{SecretFieldNames.SnakeCase(field)})";
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                            SecretStoreException.Compose(Description, $"field '{SecretFieldNames.SnakeCase(field)}' is a JSON {value.ValueKind}, not a string", venue, account, location),
                            venue, account, location, field);
                    }

                    values[field] = value.GetString();
                    sources[field] = location;
                }
            }
        }

        if (_options.UseEnvironment)
        {
            foreach (var field in SecretFieldNames.All)
            {
                var name = SecretNaming.EnvironmentVariableName(_options.EnvironmentPrefix, venue, account, field);
                var value = _environment(name);
                if (!string.IsNullOrEmpty(value))
                {
                    values[field] = value;
                    sources[field] = $"environment variable {name}";
                }
            }
        }

        if (values.Count == 0)
        {
            var where = string.Join(" or ", new[]
            {
                _options.UseEnvironment ? $"environment variables {SecretNaming.EnvironmentVariableName(_options.EnvironmentPrefix, venue, account, SecretField.ApiKey)} etc." : null,
                _options.UseFile ? $"file {_filePath}" : null,
            }.Where(s => s is not null));
            throw new SecretStoreException(SecretStoreErrorKind.NotFound, Description,
                SecretStoreException.Compose(Description, $"no credentials (looked in {where})", venue, account, null),
                venue, account, _options.UseFile ? _filePath : null);
        }

        return CredentialParser.Build(
            Description,
            venue,
            account,
            sources.TryGetValue(SecretField.ApiKey, out var apiKeySource) ? apiKeySource : sources.Values.First(),
            values,
            field => sources.TryGetValue(field, out var source) ? $"{SecretFieldNames.SnakeCase(field)}' in '{source}" : SecretFieldNames.SnakeCase(field),
            Fingerprint(values),
            _time.GetUtcNow());
    }

    private LoadedFile? LoadFile(Venue? venue, AccountId? account)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(_filePath))
            {
                _logger.LogTrace("Local secrets file {Path} does not exist", _filePath);
                return null;
            }

            WarnIfReadableByOthers();
            bytes = File.ReadAllBytes(_filePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreException(SecretStoreErrorKind.StoreUnavailable, Description,
                SecretStoreException.Compose(Description, $"cannot read the secrets file ({ex.GetType().Name})", venue, account, _filePath),
                venue, account, _filePath, innerException: ex);
        }

        try
        {
            // The document reads straight from the bytes: they are cleared when the LoadedFile is disposed.
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                Array.Clear(bytes);
                throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                    SecretStoreException.Compose(Description, "the secrets file is not a JSON object of venues", venue, account, _filePath),
                    venue, account, _filePath);
            }

            return new LoadedFile(document, bytes);
        }
        catch (JsonException ex)
        {
            Array.Clear(bytes);
            // The parser's message can quote the offending text: report the position only.
            throw new SecretStoreException(SecretStoreErrorKind.Malformed, Description,
                SecretStoreException.Compose(Description, $"the secrets file is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})", venue, account, _filePath),
                venue, account, _filePath);
        }
    }

    private static bool TryFindAccount(JsonElement root, Venue venue, AccountId account, out JsonElement entry)
    {
        entry = default;
        foreach (var venueProperty in root.EnumerateObject())
        {
            if (!string.Equals(venueProperty.Name, SecretNaming.VenueName(venue), StringComparison.OrdinalIgnoreCase) ||
                venueProperty.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (venueProperty.Value.TryGetProperty(account.Value, out entry) && entry.ValueKind == JsonValueKind.Object)
            {
                return true;
            }
        }

        return false;
    }

    private string Fingerprint(Dictionary<SecretField, string?> values)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _fingerprintKey);
        foreach (var field in SecretFieldNames.All)
        {
            var bytes = Encoding.UTF8.GetBytes(values.TryGetValue(field, out var value) ? value ?? string.Empty : string.Empty);
            hmac.AppendData(BitConverter.GetBytes(bytes.Length));
            hmac.AppendData(bytes);
            Array.Clear(bytes);
        }

        return "local-" + Convert.ToHexStringLower(hmac.GetHashAndReset().AsSpan(0, 8));
    }

    private void WarnIfReadableByOthers()
    {
        if (OperatingSystem.IsWindows() || Volatile.Read(ref _permissionWarningLogged) != 0)
        {
            return;
        }

        var mode = File.GetUnixFileMode(_filePath);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 &&
            Interlocked.Exchange(ref _permissionWarningLogged, 1) == 0)
        {
            _logger.LogWarning("The local secrets file {Path} is accessible to other users (mode {Mode}); run: chmod 600 {Path}", _filePath, mode, _filePath);
        }
    }

    private sealed class LoadedFile(JsonDocument document, byte[] bytes) : IDisposable
    {
        public JsonDocument Document { get; } = document;

        public void Dispose()
        {
            Document.Dispose();
            Array.Clear(bytes);
        }
    }
}
