using Oms.Secrets;
using Oms.Silo.Accounts;

namespace Oms.Silo.Connectors;

/// <summary>
/// Start-up step (registered before the Orleans silo): verifies that the configured secret store is reachable and that
/// every provisioned account whose keys come from the store has usable credentials; otherwise start-up fails with a
/// <see cref="SecretStoreVerificationException"/> naming the store and each failed account. Binance accounts created in
/// the embedded simulator are skipped: the silo gets their keys from the in-process simulator, not from the store.
/// </summary>
public sealed class SecretStoreStartupCheck : IHostedService
{
    private readonly ISecretStoreHealthCheck _check;
    private readonly IReadOnlyList<AccountOptions> _accounts;
    private readonly bool _embeddedSimulator;
    private readonly ILogger<SecretStoreStartupCheck> _logger;

    public SecretStoreStartupCheck(ISecretStoreHealthCheck check, IReadOnlyList<AccountOptions> accounts, IServiceProvider services,
        ILogger<SecretStoreStartupCheck> logger)
    {
        _check = check;
        _accounts = accounts;
        _embeddedSimulator = services.GetService<EmbeddedBinanceSimulator>() is not null;
        _logger = logger;
    }

    /// <summary>The accounts whose credentials the store must hold.</summary>
    public IReadOnlyList<(Venue Venue, AccountId Account)> StoreAccounts() =>
        _accounts
            .Where(a => a.Venue is { } venue && !(_embeddedSimulator && venue == Venue.Binance))
            .Select(a => (a.Venue!.Value, new AccountId(a.Id)))
            .ToList();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var accounts = StoreAccounts();
        if (accounts.Count == 0)
        {
            _logger.LogInformation("No provisioned account takes its keys from the secret store; nothing to verify at start-up");
            return;
        }
        // Throws SecretStoreVerificationException (store and accounts named, never a value): the host stops starting.
        await _check.VerifyAsync(accounts, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
