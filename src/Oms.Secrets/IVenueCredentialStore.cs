using Oms.Domain;

namespace Oms.Secrets;

/// <summary>Resolves venue credentials per account. The silo's implementation is <see cref="CachingVenueCredentialStore"/>.</summary>
public interface IVenueCredentialStore
{
    /// <summary>
    /// Returns the newest known credentials of an account (from the cache once loaded; rotations are picked up by
    /// polling). Throws <see cref="SecretStoreException"/> naming the venue, account and location when they cannot be had.
    /// </summary>
    Task<VenueCredentials> GetAsync(Venue venue, AccountId account, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="GetAsync"/>, but returns null when the store has no credentials for the account (e.g. the
    /// simulator's demo accounts in the embedded profile); every other failure still throws.</summary>
    Task<VenueCredentials?> TryGetAsync(Venue venue, AccountId account, CancellationToken cancellationToken = default);

    /// <summary>Reads one specific version from the store, bypassing the cache (audit, rollback checks).</summary>
    Task<VenueCredentials> GetVersionAsync(Venue venue, AccountId account, string version, CancellationToken cancellationToken = default);
}
