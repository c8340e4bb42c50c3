using System.Text;
using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// Where each store keeps an account's credentials. All three conventions are built here, so the CLI and operators'
/// scripts can compute the same names.
/// </summary>
/// <remarks>
/// <para><b>Vault KV v2</b>: secret <c>{mount}/{PathTemplate}</c>, default <c>secret</c> + <c>oms/venues/{venue}/{account}</c>,
/// holding the keys <c>api_key</c>, <c>hmac_secret</c>, <c>ed25519_private_key</c>, <c>passphrase</c>. <c>{venue}</c> is the
/// lower-case venue name; <c>{account}</c> is the account id unchanged (account ids are <c>[A-Za-z0-9._-]</c>, all legal in
/// a Vault path; the ids <c>.</c> and <c>..</c> are refused).</para>
/// <para><b>Key Vault</b>: one secret per field named from <c>NameTemplate</c>, default
/// <c>oms-{venue}-{account}-{field}</c> with <c>{field}</c> = <c>api-key</c>, <c>hmac-secret</c>,
/// <c>ed25519-private-key</c>, <c>passphrase</c>. Key Vault names allow only letters, digits and '-', compare
/// case-insensitively and are at most 127 characters, so the account id is escaped: lower-case letters and digits stay,
/// '-' becomes <c>--</c>, '.' becomes <c>-0</c>, '_' becomes <c>-1</c>, an upper-case letter X becomes <c>-x</c>.
/// Example: <c>demo-spot</c> → <c>oms-binance-demo--spot-api-key</c>; <c>Desk_1</c> → <c>oms-binance--desk-11-api-key</c>.
/// The escaping is reversible, so two accounts never share a secret, case-insensitivity included.</para>
/// <para><b>Environment</b> (local store): <c>{prefix}__{VENUE}__{ACCOUNT}__{FIELD}</c>, default prefix <c>OMS_SECRET</c>,
/// e.g. <c>OMS_SECRET__BINANCE__DEMO_SPOT__API_KEY</c>: the account upper-cased with '-' and '.' as '_'. This mapping
/// is not reversible (accounts that differ only in case or punctuation share variables); it is meant for development.</para>
/// </remarks>
public static class SecretNaming
{
    /// <summary>Key Vault's limit on secret names.</summary>
    public const int KeyVaultMaxNameLength = 127;

    /// <summary>The lower-case venue name used in every convention (<c>binance</c>, <c>bybit</c>, <c>okx</c>).</summary>
    public static string VenueName(Venue venue) => venue switch
    {
        Venue.Binance => "binance",
        Venue.Bybit => "bybit",
        Venue.Okx => "okx",
        _ => venue.ToString().ToLowerInvariant(),
    };

    /// <summary>Builds the KV v2 secret path (without mount) from a template with <c>{venue}</c> and <c>{account}</c>.</summary>
    /// <exception cref="ArgumentException">The account id is <c>.</c> or <c>..</c> (not a legal path segment).</exception>
    public static string VaultSecretPath(string pathTemplate, Venue venue, AccountId account)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathTemplate);
        if (account.Value is "." or "..")
        {
            throw new ArgumentException($"account id '{account}' cannot be used as a Vault path segment", nameof(account));
        }

        return pathTemplate
            .Replace("{venue}", VenueName(venue), StringComparison.Ordinal)
            .Replace("{account}", account.Value, StringComparison.Ordinal)
            .Trim('/');
    }

    /// <summary>Escapes an account id for a Key Vault secret name (see the remarks on <see cref="SecretNaming"/>).</summary>
    public static string EscapeForKeyVault(AccountId account)
    {
        var value = account.Value ?? throw new ArgumentException("account id is empty", nameof(account));
        var builder = new StringBuilder(value.Length * 2);
        foreach (var c in value)
        {
            switch (c)
            {
                case >= 'a' and <= 'z':
                case >= '0' and <= '9':
                    builder.Append(c);
                    break;
                case >= 'A' and <= 'Z':
                    builder.Append('-').Append(char.ToLowerInvariant(c));
                    break;
                case '-':
                    builder.Append("--");
                    break;
                case '.':
                    builder.Append("-0");
                    break;
                case '_':
                    builder.Append("-1");
                    break;
                default:
                    throw new ArgumentException($"account id '{account}' has a character Key Vault names cannot carry", nameof(account));
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="EscapeForKeyVault"/>; false when <paramref name="escaped"/> is not a valid escape.</summary>
    public static bool TryUnescapeFromKeyVault(string escaped, out AccountId account)
    {
        account = default;
        if (string.IsNullOrEmpty(escaped))
        {
            return false;
        }

        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = char.ToLowerInvariant(escaped[i]);
            if (c != '-')
            {
                if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9')))
                {
                    return false;
                }

                builder.Append(c);
                continue;
            }

            if (++i >= escaped.Length)
            {
                return false;
            }

            var code = char.ToLowerInvariant(escaped[i]);
            switch (code)
            {
                case '-': builder.Append('-'); break;
                case '0': builder.Append('.'); break;
                case '1': builder.Append('_'); break;
                case >= 'a' and <= 'z': builder.Append(char.ToUpperInvariant(code)); break;
                default: return false;
            }
        }

        return AccountId.TryParse(builder.ToString(), out account);
    }

    /// <summary>
    /// Builds a Key Vault secret name from a template with <c>{venue}</c>, <c>{account}</c> and <c>{field}</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name would exceed 127 characters or contain illegal characters.</exception>
    public static string KeyVaultSecretName(string nameTemplate, Venue venue, AccountId account, SecretField field)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameTemplate);
        var name = nameTemplate
            .Replace("{venue}", VenueName(venue), StringComparison.Ordinal)
            .Replace("{account}", EscapeForKeyVault(account), StringComparison.Ordinal)
            .Replace("{field}", SecretFieldNames.KebabCase(field), StringComparison.Ordinal);
        if (name.Length > KeyVaultMaxNameLength)
        {
            throw new ArgumentException(
                $"the Key Vault secret name for {VenueName(venue)} account '{account}' would be {name.Length} characters; Key Vault allows {KeyVaultMaxNameLength}",
                nameof(account));
        }

        if (!IsValidKeyVaultName(name))
        {
            throw new ArgumentException($"Key Vault secret name template '{nameTemplate}' yields a name with characters other than letters, digits and '-'", nameof(nameTemplate));
        }

        return name;
    }

    /// <summary>True when <paramref name="name"/> is a legal Key Vault secret name (1-127 of letters, digits, '-').</summary>
    public static bool IsValidKeyVaultName(string name) =>
        name.Length is > 0 and <= KeyVaultMaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The environment variable for one field: <c>{prefix}__{VENUE}__{ACCOUNT}__{FIELD}</c>.</summary>
    public static string EnvironmentVariableName(string prefix, Venue venue, AccountId account, SecretField field)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var accountPart = account.Value.ToUpperInvariant().Replace('-', '_').Replace('.', '_');
        return $"{prefix}__{VenueName(venue).ToUpperInvariant()}__{accountPart}__{SecretFieldNames.EnvironmentCase(field)}";
    }
}
