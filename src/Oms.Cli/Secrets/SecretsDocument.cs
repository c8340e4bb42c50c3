namespace Oms.Cli.Secrets;

/// <summary>One credential field: whether the store has it, where, and (only with <c>--show-secret</c>) its value.</summary>
internal sealed record SecretFieldView(bool Present, string? Location, string? Value);

/// <summary>
/// What <c>oms secrets get</c> prints: where an account's credentials come from and which parts exist. Secret values
/// appear only in <see cref="SecretFieldView.Value"/> and only with <c>--show-secret</c>; the Ed25519 public key is
/// not secret (the venue holds it) and is always shown.
/// </summary>
internal sealed record SecretsDocument(
    string Venue,
    string Account,
    string Provider,
    string Store,
    string? Location,
    string Version,
    DateTimeOffset RetrievedAt,
    string KeyType,
    IReadOnlyDictionary<string, SecretFieldView> Fields,
    string? Ed25519PublicKey,
    bool SecretsShown);
