using Microsoft.Extensions.Logging;
using Oms.Domain;

namespace Oms.Secrets;

/// <summary>One account (or the store itself, when <see cref="Venue"/> is null) that failed the check.</summary>
public sealed record SecretStoreCheckFailure(Venue? Venue, AccountId? Account, SecretStoreErrorKind Kind, string Message);

/// <summary>The result of <see cref="ISecretStoreHealthCheck.CheckAsync"/>.</summary>
public sealed record SecretStoreHealthReport(string Store, int AccountsChecked, IReadOnlyList<SecretStoreCheckFailure> Failures)
{
    public bool IsHealthy => Failures.Count == 0;

    /// <summary>One line per failure, naming the store and each failed account.</summary>
    public override string ToString() => IsHealthy
        ? $"{Store}: ready ({AccountsChecked} account(s) verified)"
        : $"{Store}: not ready: " + string.Join(" | ", Failures.Select(f => f.Venue is { } v
            ? $"{SecretNaming.VenueName(v)} account '{f.Account}' ({f.Kind}): {f.Message}"
            : $"store ({f.Kind}): {f.Message}"));
}

/// <summary>Thrown by <see cref="ISecretStoreHealthCheck.VerifyAsync"/> so start-up fails with one clear message.</summary>
public sealed class SecretStoreVerificationException(SecretStoreHealthReport report)
    : Exception(report?.ToString())
{
    public SecretStoreHealthReport Report { get; } = report ?? throw new ArgumentNullException(nameof(report));
}

/// <summary>Start-up check of the secret store and of the configured accounts' credentials.</summary>
public interface ISecretStoreHealthCheck
{
    /// <summary>
    /// Checks that the store is reachable (and unsealed, and accepts the OMS's identity), then loads every account's
    /// credentials into the cache (which also enrols them for rotation polling). Never throws for store failures.
    /// </summary>
    Task<SecretStoreHealthReport> CheckAsync(IEnumerable<(Venue Venue, AccountId Account)> accounts, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="CheckAsync"/>, throwing <see cref="SecretStoreVerificationException"/> naming the store and every failed account.</summary>
    Task VerifyAsync(IEnumerable<(Venue Venue, AccountId Account)> accounts, CancellationToken cancellationToken = default);
}

/// <summary>The <see cref="ISecretStoreHealthCheck"/> over the silo's store.</summary>
public sealed class SecretStoreHealthCheck : ISecretStoreHealthCheck
{
    private readonly CachingVenueCredentialStore _store;
    private readonly ILogger<SecretStoreHealthCheck> _logger;

    public SecretStoreHealthCheck(CachingVenueCredentialStore store, ILogger<SecretStoreHealthCheck> logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<SecretStoreHealthReport> CheckAsync(IEnumerable<(Venue Venue, AccountId Account)> accounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var list = accounts.Distinct().ToList();
        var store = _store.Backend.Description;
        try
        {
            await _store.Backend.CheckAvailabilityAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex)
        {
            _logger.LogError("Secret store {Store} is not available ({Kind}): {Reason}", store, ex.Kind, ex.Message);
            var unverified = list.Count == 0 ? string.Empty :
                "; not verified: " + string.Join(", ", list.Select(a => $"{SecretNaming.VenueName(a.Venue)} account '{a.Account}'"));
            return new SecretStoreHealthReport(store, 0, [new SecretStoreCheckFailure(null, null, ex.Kind, ex.Message + unverified)]);
        }

        var failures = new List<SecretStoreCheckFailure>();
        foreach (var (venue, account) in list)
        {
            try
            {
                await _store.GetAsync(venue, account, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException ex)
            {
                _logger.LogError("Credentials of {Venue} account {Account} are not usable ({Kind}): {Reason}",
                    SecretNaming.VenueName(venue), account.Value, ex.Kind, ex.Message);
                failures.Add(new SecretStoreCheckFailure(venue, account, ex.Kind, ex.Message));
            }
        }

        var report = new SecretStoreHealthReport(store, list.Count, failures);
        if (report.IsHealthy)
        {
            _logger.LogInformation("{Report}", report.ToString());
        }

        return report;
    }

    /// <inheritdoc />
    public async Task VerifyAsync(IEnumerable<(Venue Venue, AccountId Account)> accounts, CancellationToken cancellationToken = default)
    {
        var report = await CheckAsync(accounts, cancellationToken).ConfigureAwait(false);
        if (!report.IsHealthy)
        {
            throw new SecretStoreVerificationException(report);
        }
    }
}
