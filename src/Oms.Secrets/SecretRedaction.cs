using System.Text;
using System.Text.RegularExpressions;

namespace Oms.Secrets;

/// <summary>
/// Redaction helpers for logs and error messages. Secret values are never logged by this library: secrets live in
/// <see cref="SecretString"/>/<see cref="RedactedBytes"/>/<see cref="Ed25519SigningKey"/> (which print <c>***</c>), and
/// text that comes from a store's error response goes through <see cref="ScrubServerText"/> before it is put in a
/// message.
/// </summary>
public static partial class SecretRedaction
{
    /// <summary>What a secret looks like in any output.</summary>
    public const string Mask = "***";

    /// <summary>The most characters of server-provided text kept in a message.</summary>
    public const int MaxServerTextLength = 300;

    /// <summary>Returns <c>***</c> for a set secret and <c>(not set)</c> otherwise: for options' <c>ToString</c>.</summary>
    public static string Describe(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : Mask;

    /// <summary>
    /// Makes server-provided error text (Vault's <c>errors</c>, Key Vault's <c>error.message</c>) safe to log: every
    /// occurrence of a known secret is replaced by <c>***</c>, anything shaped like a Vault token or a bearer token is
    /// replaced too, control characters and runs of white space become one space (no log forging), and the result is
    /// cut to <see cref="MaxServerTextLength"/> characters.
    /// </summary>
    public static string ScrubServerText(string? text, params IEnumerable<string?> knownSecrets)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var result = text;
        foreach (var secret in knownSecrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        result = VaultTokenPattern().Replace(result, Mask);
        result = BearerPattern().Replace(result, "Bearer " + Mask);

        var builder = new StringBuilder(Math.Min(result.Length, MaxServerTextLength + 1));
        var lastWasSpace = false;
        foreach (var c in result)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            builder.Append(c);
            if (builder.Length >= MaxServerTextLength)
            {
                builder.Append('…');
                break;
            }
        }

        return builder.ToString().Trim();
    }

    // Vault service/batch/recovery tokens (hvs./hvb./hvr. and the legacy s./b./r. forms).
    [GeneratedRegex(@"\b(?:hv[sbr]|[sbr])\.[A-Za-z0-9_\-~.]{8,}")]
    private static partial Regex VaultTokenPattern();

    [GeneratedRegex(@"Bearer\s+[^\s,;""]+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();
}
