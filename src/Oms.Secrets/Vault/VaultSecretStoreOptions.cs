namespace Oms.Secrets.Vault;

/// <summary>How the OMS authenticates to Vault.</summary>
public enum VaultAuthMethod
{
    /// <summary>A Vault token (<see cref="VaultAuthOptions.Token"/> or <see cref="VaultAuthOptions.TokenFile"/>), renewed while renewable.</summary>
    Token = 0,

    /// <summary>AppRole login with role_id and secret_id; logs in again when the token cannot be renewed or has expired.</summary>
    AppRole = 1,
}

/// <summary>Vault settings (<c>Oms:Secrets:Vault</c>).</summary>
public sealed class VaultSecretStoreOptions
{
    /// <summary>Vault's address, absolute http(s) URL, e.g. <c>https://vault.internal:8200</c>. Required.</summary>
    public string? Address { get; set; }

    /// <summary>Vault Enterprise / HCP namespace sent as <c>X-Vault-Namespace</c> on every request (login included). Optional.</summary>
    public string? Namespace { get; set; }

    /// <summary>The KV v2 mount. Default: <c>secret</c>.</summary>
    public string Mount { get; set; } = "secret";

    /// <summary>The secret path under the mount, with <c>{venue}</c> and <c>{account}</c>. Default: <c>oms/venues/{venue}/{account}</c>.</summary>
    public string PathTemplate { get; set; } = "oms/venues/{venue}/{account}";

    public VaultAuthOptions Auth { get; set; } = new();

    /// <summary>Keys inside the secret. Defaults: <c>api_key</c>, <c>hmac_secret</c>, <c>ed25519_private_key</c>, <c>passphrase</c>.</summary>
    public VaultSecretKeys Keys { get; set; } = new();

    /// <summary>Time limit of one HTTP request. Default: 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a read (GET) after a timeout, a network error, 429 or 5xx. Default: 3. Logins and renewals are not retried.</summary>
    public int MaxReadRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles per retry with jitter, capped by <see cref="RetryMaxDelay"/>. Default: 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay. Default: 5 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The fraction of the token's lease after which it is renewed (or, for AppRole when renewal is no longer
    /// possible, replaced by a new login). Default: 2/3, Vault Agent's rule.
    /// </summary>
    public double RenewAfterLeaseFraction { get; set; } = 2.0 / 3.0;

    /// <summary>A PEM file with the CA certificate(s) that issued Vault's TLS certificate, when not in the system store. Optional.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Describes the settings with the token and secret_id shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Address={Address}; Namespace={Namespace ?? "(none)"}; Mount={Mount}; PathTemplate={PathTemplate}; Auth=({Auth}); " +
        $"RequestTimeout={RequestTimeout}; MaxReadRetries={MaxReadRetries}; CaCertificateFile={CaCertificateFile ?? "(system)"}";
}

/// <summary>Vault authentication settings (<c>Oms:Secrets:Vault:Auth</c>). Secrets here are redacted in <see cref="ToString"/>.</summary>
public sealed class VaultAuthOptions
{
    public VaultAuthMethod Method { get; set; } = VaultAuthMethod.Token;

    /// <summary>The Vault token (secret). Prefer <see cref="TokenFile"/> or an environment variable over a config file.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token (e.g. written by Vault Agent); re-read whenever the token must be replaced.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The AppRole auth mount. Default: <c>approle</c>.</summary>
    public string AppRoleMount { get; set; } = "approle";

    /// <summary>The AppRole role_id (an identifier, not a secret).</summary>
    public string? RoleId { get; set; }

    /// <summary>The AppRole secret_id (secret). Prefer <see cref="SecretIdFile"/>.</summary>
    public string? SecretId { get; set; }

    /// <summary>A file holding the secret_id; re-read at every login.</summary>
    public string? SecretIdFile { get; set; }

    /// <summary>Describes the settings with <see cref="Token"/> and <see cref="SecretId"/> shown as <c>***</c>.</summary>
    public override string ToString() => Method == VaultAuthMethod.AppRole
        ? $"Method=AppRole; AppRoleMount={AppRoleMount}; RoleId={RoleId}; SecretId={SecretRedaction.Describe(SecretId)}; SecretIdFile={SecretIdFile ?? "(none)"}"
        : $"Method=Token; Token={SecretRedaction.Describe(Token)}; TokenFile={TokenFile ?? "(none)"}";
}

/// <summary>Key names inside a Vault secret (<c>Oms:Secrets:Vault:Keys</c>).</summary>
public sealed class VaultSecretKeys
{
    public string ApiKey { get; set; } = SecretFieldNames.SnakeCase(SecretField.ApiKey);

    public string HmacSecret { get; set; } = SecretFieldNames.SnakeCase(SecretField.HmacSecret);

    public string Ed25519PrivateKey { get; set; } = SecretFieldNames.SnakeCase(SecretField.Ed25519PrivateKey);

    public string Passphrase { get; set; } = SecretFieldNames.SnakeCase(SecretField.Passphrase);

    /// <summary>The key that holds <paramref name="field"/>.</summary>
    public string For(SecretField field) => field switch
    {
        SecretField.ApiKey => ApiKey,
        SecretField.HmacSecret => HmacSecret,
        SecretField.Ed25519PrivateKey => Ed25519PrivateKey,
        SecretField.Passphrase => Passphrase,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "unknown secret field"),
    };
}
