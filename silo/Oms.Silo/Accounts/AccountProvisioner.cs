using Oms.Gateway.Errors;

namespace Oms.Silo.Accounts;

/// <summary>
/// Provisions the configured accounts once the silo has started (it is registered after the silo, and hosted services
/// start in order), then marks the host ready. Every silo of a cluster does it; provisioning is idempotent.
/// Transient cluster errors during start-up are retried a bounded number of times.
/// </summary>
public sealed class AccountProvisioner(
    IGrainFactory grains,
    IReadOnlyList<AccountOptions> accounts,
    SiloReadiness readiness,
    ILogger<AccountProvisioner> logger) : IHostedService
{
    private const int MaxAttempts = 20;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var account in accounts)
        {
            var id = new AccountId(account.Id);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var info = await grains.GetAccount(id).ProvisionAsync(account.ToConfig()).WaitAsync(cancellationToken);
                    logger.LogInformation("Provisioned account {Account} on {Venue} ({Markets}), trading state {TradingState}",
                        id, info.Config.Venue, string.Join(",", info.Config.Markets), info.TradingState);
                    break;
                }
                catch (Exception ex) when (GrpcErrorMapper.IsTransient(ex) && attempt < MaxAttempts)
                {
                    logger.LogWarning("Provisioning account {Account} failed transiently ({Error}), attempt {Attempt} of {MaxAttempts}",
                        id, ex.GetType().Name, attempt, MaxAttempts);
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)), cancellationToken);
                }
            }
        }
        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.MarkStopping();
        return Task.CompletedTask;
    }
}
