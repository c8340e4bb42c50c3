using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Domain;
using Oms.Secrets;

namespace Oms.Cli.Secrets;

/// <summary>
/// Reads one account's credentials straight from the configured secret store, built exactly as the silo builds it:
/// <see cref="OmsSecretsServiceCollectionExtensions.AddOmsSecrets"/> over <c>Oms:Secrets</c> from the given JSON
/// files (later ones win) and then the environment (<c>Oms__Secrets__Provider</c>, …), which wins over files as in the silo.
/// </summary>
internal static class SecretsInspector
{
    public static async Task<(SecretsDocument Document, IReadOnlyList<string> Notes)> InspectAsync(
        IReadOnlyList<string> configFiles, string currentDirectory, Venue venue, AccountId account, string? version, bool showSecret,
        CliOutput output, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(configFiles, currentDirectory);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddProvider(new StderrLoggerProvider(output, LogLevel.Warning)));
        services.AddOmsSecrets(configuration);
        await using var provider = services.BuildServiceProvider();

        OmsSecretsOptions options;
        try
        {
            options = provider.GetRequiredService<IOptions<OmsSecretsOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new CliException(ExitCodes.SecretStore, "secret_store",
                $"invalid secret store settings ({OmsSecretsOptions.SectionName}): {string.Join("; ", ex.Failures)}");
        }

        ISecretStoreBackend backend;
        try
        {
            backend = provider.GetRequiredService<ISecretStoreBackend>();
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ExitCodes.SecretStore, "secret_store", $"cannot create the {options.Provider} secret store: {ex.Message}");
        }

        var credentials = await backend.ReadAsync(venue, account, version, cancellationToken).ConfigureAwait(false);
        var notes = new List<string>();
        var fields = new Dictionary<string, SecretFieldView>(StringComparer.Ordinal);
        foreach (var field in SecretFieldNames.All)
        {
            var present = field switch
            {
                SecretField.ApiKey => true,
                SecretField.HmacSecret => credentials.HmacSecret is not null,
                SecretField.Ed25519PrivateKey => credentials.Ed25519PrivateKey is not null,
                SecretField.Passphrase => credentials.Passphrase is not null,
                _ => false,
            };
            string? value = null;
            if (present && showSecret)
            {
                value = field switch
                {
                    SecretField.ApiKey => credentials.ApiKey.Reveal(),
                    SecretField.HmacSecret => credentials.HmacSecret!.Use(bytes => Encoding.UTF8.GetString(bytes)),
                    SecretField.Passphrase => credentials.Passphrase!.Reveal(),
                    _ => null,
                };
                if (field == SecretField.Ed25519PrivateKey)
                {
                    notes.Add("the Ed25519 private key cannot be shown: it is imported into NSec and cannot be exported (its public key is shown)");
                }
            }
            fields[SecretFieldNames.SnakeCase(field)] = new SecretFieldView(present, present ? FieldLocation(options, venue, account, field, environment) : null, value);
        }

        var keyType = (credentials.HmacSecret is not null, credentials.Ed25519PrivateKey is not null) switch
        {
            (true, true) => "HMAC + Ed25519",
            (true, false) => "HMAC",
            (false, true) => "Ed25519",
            _ => "none",
        };
        var document = new SecretsDocument(
            SecretNaming.VenueName(venue),
            account.Value,
            options.Provider.ToString(),
            credentials.Source,
            Location(options, venue, account, credentials.Version),
            credentials.Version,
            credentials.RetrievedAt,
            keyType,
            fields,
            credentials.Ed25519PrivateKey is { } key ? Convert.ToBase64String(key.PublicKey.Span) : null,
            showSecret);
        return (document, notes);
    }

    private static IConfiguration BuildConfiguration(IReadOnlyList<string> configFiles, string currentDirectory)
    {
        var builder = new ConfigurationBuilder();
        foreach (var file in configFiles)
        {
            var path = Path.GetFullPath(file, currentDirectory);
            if (!File.Exists(path)) throw CliException.Usage($"--config {file}: the file {path} does not exist");
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables();
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new CliException(ExitCodes.SecretStore, "secret_store", $"cannot read the configuration: {ex.Message}");
        }
    }

    /// <summary>Where the store keeps the account as a whole (Vault path, Key Vault, local file), or null.</summary>
    private static string? Location(OmsSecretsOptions options, Venue venue, AccountId account, string version) => options.Provider switch
    {
        SecretStoreProvider.Vault =>
            $"{options.Vault.Mount.Trim('/')}/data/{SecretNaming.VaultSecretPath(options.Vault.PathTemplate, venue, account)} version {version}",
        SecretStoreProvider.AzureKeyVault => options.AzureKeyVault.VaultUri,
        _ => options.Local.UseFile ? options.Local.ResolveFilePath() : null,
    };

    /// <summary>Where one field comes from: the key inside the Vault secret, the Key Vault secret name, the variable or the file entry.</summary>
    private static string FieldLocation(OmsSecretsOptions options, Venue venue, AccountId account, SecretField field, Func<string, string?> environment)
    {
        switch (options.Provider)
        {
            case SecretStoreProvider.Vault:
                return $"key '{options.Vault.Keys.For(field)}'";
            case SecretStoreProvider.AzureKeyVault:
                return $"secret '{SecretNaming.KeyVaultSecretName(options.AzureKeyVault.NameTemplate, venue, account, field)}'";
            default:
                var local = options.Local;
                if (local.UseEnvironment)
                {
                    var name = SecretNaming.EnvironmentVariableName(local.EnvironmentPrefix, venue, account, field);
                    if (!string.IsNullOrEmpty(environment(name))) return $"environment variable {name}";
                }
                return $"file {local.ResolveFilePath()} ({SecretNaming.VenueName(venue)}.{account}.{SecretFieldNames.SnakeCase(field)})";
        }
    }
}
