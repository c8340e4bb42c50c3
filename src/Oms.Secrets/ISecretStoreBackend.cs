using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// One secret store (Vault, Key Vault, local). Reads go to the store every time; caching and rotation are the
/// job of <see cref="CachingVenueCredentialStore"/>. Failures are <see cref="SecretStoreException"/>s.
/// </summary>
public interface ISecretStoreBackend
{
    /// <summary>Names the store for messages and logs, e.g. <c>vault https://vault:8200 (namespace team-a)</c>. Never secret.</summary>
    string Description { get; }

    /// <summary>Reads an account's credentials: the newest version, or <paramref name="version"/> when given.</summary>
    Task<VenueCredentials> ReadAsync(Venue venue, AccountId account, string? version, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the store's current version of an account's credentials and returns the new credentials when it differs
    /// from <paramref name="knownVersion"/>, or null when unchanged. Stores with cheap version metadata (Vault) read only
    /// metadata when nothing changed.
    /// </summary>
    Task<VenueCredentials?> ReadIfChangedAsync(Venue venue, AccountId account, string knownVersion, CancellationToken cancellationToken);

    /// <summary>Checks that the store is reachable, unsealed and accepts the OMS's identity; throws otherwise.</summary>
    Task CheckAvailabilityAsync(CancellationToken cancellationToken);
}
