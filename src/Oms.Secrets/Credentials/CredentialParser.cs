using System.Text;
using NSec.Cryptography;
using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// Turns the raw text fields a store returned into <see cref="VenueCredentials"/>, or a
/// <see cref="SecretStoreErrorKind.Malformed"/> error naming the field (never its content).
/// </summary>
public static class CredentialParser
{
    private const string PemPrivateKeyHeader = "-----BEGIN PRIVATE KEY-----";
    private const string PemEncryptedHeader = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

    /// <summary>
    /// Builds credentials: <c>api_key</c> is required, and at least one of <c>hmac_secret</c> or <c>ed25519_private_key</c>.
    /// <paramref name="fieldNames"/> says how this store names each field in error messages (a Vault key, a Key Vault secret name).
    /// </summary>
    public static VenueCredentials Build(
        string store,
        Venue venue,
        AccountId account,
        string location,
        IReadOnlyDictionary<SecretField, string?> values,
        Func<SecretField, string> fieldNames,
        string version,
        DateTimeOffset retrievedAt)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(fieldNames);

        var apiKey = Value(SecretField.ApiKey);
        if (apiKey is null)
        {
            throw Malformed(SecretField.ApiKey, "is missing or empty");
        }

        var hmac = Value(SecretField.HmacSecret);
        var ed25519Text = Value(SecretField.Ed25519PrivateKey);
        if (hmac is null && ed25519Text is null)
        {
            throw new SecretStoreException(
                SecretStoreErrorKind.Malformed,
                store,
                SecretStoreException.Compose(store,
                    $"credentials have neither '{fieldNames(SecretField.HmacSecret)}' nor '{fieldNames(SecretField.Ed25519PrivateKey)}' (one signing secret is required)",
                    venue, account, location),
                venue, account, location, SecretField.HmacSecret);
        }

        Ed25519SigningKey? ed25519 = null;
        if (ed25519Text is not null)
        {
            if (!TryParseEd25519(ed25519Text, out ed25519, out var problem))
            {
                throw Malformed(SecretField.Ed25519PrivateKey, problem);
            }
        }

        var passphrase = Value(SecretField.Passphrase);
        return new VenueCredentials(
            venue,
            account,
            new SecretString(apiKey),
            hmac is null ? null : new RedactedBytes(Encoding.UTF8.GetBytes(hmac)),
            ed25519,
            passphrase is null ? null : new SecretString(passphrase),
            version,
            retrievedAt,
            store);

        string? Value(SecretField field) =>
            values.TryGetValue(field, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        SecretStoreException Malformed(SecretField field, string problem) => new(
            SecretStoreErrorKind.Malformed,
            store,
            SecretStoreException.Compose(store, $"field '{fieldNames(field)}' {problem}", venue, account, location),
            venue, account, location, field);
    }

    /// <summary>
    /// Parses an Ed25519 private key given as a PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>), as base64 of a
    /// PKCS#8 DER or of the raw 32-byte seed, or as the seed in hex (64 digits).
    /// On failure <paramref name="problem"/> says why, without any part of the input.
    /// </summary>
    public static bool TryParseEd25519(string text, out Ed25519SigningKey? key, out string problem)
    {
        key = null;
        problem = string.Empty;
        var trimmed = text.Trim();
        var algorithm = SignatureAlgorithm.Ed25519;
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };

        if (trimmed.StartsWith(PemEncryptedHeader, StringComparison.Ordinal))
        {
            problem = "is an encrypted PKCS#8 PEM; store the key unencrypted (the secret store protects it)";
            return false;
        }

        byte[]? blob = null;
        KeyBlobFormat format;
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            if (!trimmed.StartsWith(PemPrivateKeyHeader, StringComparison.Ordinal))
            {
                problem = "is a PEM block that is not an unencrypted PKCS#8 'PRIVATE KEY'";
                return false;
            }

            blob = Encoding.ASCII.GetBytes(trimmed.Replace("\r\n", "\n", StringComparison.Ordinal));
            format = KeyBlobFormat.PkixPrivateKeyText;
        }
        else if (trimmed.Length == 64 && IsHex(trimmed))
        {
            blob = Convert.FromHexString(trimmed);
            format = KeyBlobFormat.RawPrivateKey;
        }
        else
        {
            blob = TryFromBase64(trimmed);
            if (blob is null)
            {
                problem = "is not a PKCS#8 PEM, a base64 key or a 64-digit hex seed";
                return false;
            }

            if (blob.Length == 32)
            {
                format = KeyBlobFormat.RawPrivateKey;
            }
            else
            {
                format = KeyBlobFormat.PkixPrivateKey;
            }
        }

        try
        {
            if (Key.TryImport(algorithm, blob, format, out var imported, in parameters) && imported is not null)
            {
                key = new Ed25519SigningKey(imported);
                return true;
            }

            problem = format == KeyBlobFormat.RawPrivateKey
                ? "is not a valid 32-byte Ed25519 seed"
                : "is not a valid PKCS#8 Ed25519 private key";
            return false;
        }
        finally
        {
            Array.Clear(blob);
        }
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static byte[]? TryFromBase64(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        var buffer = new byte[(compact.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(compact, buffer, out var written) && written > 0)
        {
            var result = buffer.AsSpan(0, written).ToArray();
            Array.Clear(buffer);
            return result;
        }

        Array.Clear(buffer);
        return null;
    }
}
