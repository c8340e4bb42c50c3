using Microsoft.Extensions.Options;
using Oms.Secrets.Vault;

namespace Oms.Secrets;

/// <summary>Validates <see cref="OmsSecretsOptions"/> at start-up; messages name the setting and never print secrets.</summary>
public sealed class OmsSecretsOptionsValidator : IValidateOptions<OmsSecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, OmsSecretsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add($"{OmsSecretsOptions.SectionName}:Provider must be Local, Vault or AzureKeyVault");
        }

        if (options.RotationPollingEnabled && options.PollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{OmsSecretsOptions.SectionName}:PollInterval must be at least 00:00:01 (or set RotationPollingEnabled=false)");
        }

        switch (options.Provider)
        {
            case SecretStoreProvider.Vault:
                ValidateVault(options.Vault, errors);
                break;
            case SecretStoreProvider.AzureKeyVault:
                ValidateKeyVault(options, errors);
                break;
            case SecretStoreProvider.Local:
                ValidateLocal(options, errors);
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateVault(VaultSecretStoreOptions vault, List<string> errors)
    {
        const string section = OmsSecretsOptions.SectionName + ":Vault";
        if (!IsAbsolute(vault.Address, "http", "https"))
        {
            errors.Add($"{section}:Address must be an absolute http(s) URL such as https://vault.internal:8200");
        }

        if (string.IsNullOrWhiteSpace(vault.Mount))
        {
            errors.Add($"{section}:Mount is required (the KV v2 mount, e.g. secret)");
        }

        if (string.IsNullOrWhiteSpace(vault.PathTemplate) || !vault.PathTemplate.Contains("{account}", StringComparison.Ordinal) ||
            !vault.PathTemplate.Contains("{venue}", StringComparison.Ordinal))
        {
            errors.Add($"{section}:PathTemplate must contain {{venue}} and {{account}}");
        }

        if (vault.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:RequestTimeout must be positive");
        }

        if (vault.MaxReadRetries is < 0 or > 10)
        {
            errors.Add($"{section}:MaxReadRetries must be between 0 and 10");
        }

        if (vault.RetryBaseDelay < TimeSpan.Zero || vault.RetryMaxDelay < vault.RetryBaseDelay)
        {
            errors.Add($"{section}:RetryBaseDelay must be >= 0 and RetryMaxDelay >= RetryBaseDelay");
        }

        if (vault.RenewAfterLeaseFraction is <= 0 or >= 1)
        {
            errors.Add($"{section}:RenewAfterLeaseFraction must be between 0 and 1 (exclusive)");
        }

        if (!string.IsNullOrWhiteSpace(vault.CaCertificateFile) && !File.Exists(vault.CaCertificateFile))
        {
            errors.Add($"{section}:CaCertificateFile {vault.CaCertificateFile} does not exist");
        }

        var keys = SecretFieldNames.All.Select(vault.Keys.For).ToList();
        if (keys.Any(string.IsNullOrWhiteSpace) || keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            errors.Add($"{section}:Keys must name four different, non-empty keys");
        }

        var auth = vault.Auth;
        switch (auth.Method)
        {
            case VaultAuthMethod.Token:
                if (string.IsNullOrWhiteSpace(auth.Token) && string.IsNullOrWhiteSpace(auth.TokenFile))
                {
                    errors.Add($"{section}:Auth: Method Token needs Token or TokenFile");
                }

                if (!string.IsNullOrWhiteSpace(auth.TokenFile) && !File.Exists(auth.TokenFile))
                {
                    errors.Add($"{section}:Auth:TokenFile {auth.TokenFile} does not exist");
                }

                break;
            case VaultAuthMethod.AppRole:
                if (string.IsNullOrWhiteSpace(auth.RoleId))
                {
                    errors.Add($"{section}:Auth: Method AppRole needs RoleId");
                }

                if (string.IsNullOrWhiteSpace(auth.SecretId) && string.IsNullOrWhiteSpace(auth.SecretIdFile))
                {
                    errors.Add($"{section}:Auth: Method AppRole needs SecretId or SecretIdFile");
                }

                if (!string.IsNullOrWhiteSpace(auth.SecretIdFile) && !File.Exists(auth.SecretIdFile))
                {
                    errors.Add($"{section}:Auth:SecretIdFile {auth.SecretIdFile} does not exist");
                }

                if (string.IsNullOrWhiteSpace(auth.AppRoleMount))
                {
                    errors.Add($"{section}:Auth:AppRoleMount is required (default approle)");
                }

                break;
            default:
                errors.Add($"{section}:Auth:Method must be Token or AppRole");
                break;
        }
    }

    private static void ValidateKeyVault(OmsSecretsOptions options, List<string> errors)
    {
        const string section = OmsSecretsOptions.SectionName + ":AzureKeyVault";
        var keyVault = options.AzureKeyVault;
        if (!IsAbsolute(keyVault.VaultUri, "https"))
        {
            errors.Add($"{section}:VaultUri must be an absolute https URL such as https://my-vault.vault.azure.net/");
        }

        var template = keyVault.NameTemplate ?? string.Empty;
        if (!template.Contains("{account}", StringComparison.Ordinal) || !template.Contains("{field}", StringComparison.Ordinal) ||
            !template.Contains("{venue}", StringComparison.Ordinal))
        {
            errors.Add($"{section}:NameTemplate must contain {{venue}}, {{account}} and {{field}}");
        }
        else
        {
            var literal = template.Replace("{venue}", "v", StringComparison.Ordinal)
                .Replace("{account}", "a", StringComparison.Ordinal)
                .Replace("{field}", "f", StringComparison.Ordinal);
            if (!SecretNaming.IsValidKeyVaultName(literal))
            {
                errors.Add($"{section}:NameTemplate may contain only letters, digits and '-' besides the placeholders");
            }
        }
    }

    private static void ValidateLocal(OmsSecretsOptions options, List<string> errors)
    {
        const string section = OmsSecretsOptions.SectionName + ":Local";
        var local = options.Local;
        if (local.UseEnvironment && (string.IsNullOrWhiteSpace(local.EnvironmentPrefix) ||
            !local.EnvironmentPrefix.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')))
        {
            errors.Add($"{section}:EnvironmentPrefix must be upper-case letters, digits and '_'");
        }

        if (local.UseFile && !local.AllowFileInsideGitRepository)
        {
            var path = local.ResolveFilePath();
            var repository = FindGitRepository(Path.GetDirectoryName(path));
            if (repository is not null)
            {
                errors.Add($"{section}:FilePath {path} is inside the git working tree {repository}; keep venue keys outside repositories " +
                    "(default ~/.oms/secrets.json) or set AllowFileInsideGitRepository=true");
            }
        }
    }

    private static string? FindGitRepository(string? directory)
    {
        for (var current = directory is null ? null : new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (Directory.Exists(Path.Combine(current.FullName, ".git")) || File.Exists(Path.Combine(current.FullName, ".git")))
            {
                return current.FullName;
            }
        }

        return null;
    }

    private static bool IsAbsolute(string? value, params string[] schemes) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) &&
        !string.IsNullOrEmpty(uri.Host);
}
