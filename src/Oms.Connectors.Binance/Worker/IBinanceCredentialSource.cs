using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// Where the spot worker gets each account's API key (the host adapts its secret store). Keys are never configured in
/// files; the embedded profile serves the in-process simulator's generated demo keys.
/// </summary>
public interface IBinanceCredentialSource
{
    /// <summary>
    /// The account's current credentials, or null when none exist for it. The caller owns (and disposes) the returned
    /// instance. Throws when the store cannot be read.
    /// </summary>
    Task<BinanceCredentials?> GetAsync(AccountId account, CancellationToken cancellationToken);

    /// <summary>Raised when an account's credentials were rotated: its sessions are re-established with the new key.</summary>
    event Action<AccountId>? Rotated;
}
