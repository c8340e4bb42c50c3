using Oms.Silo.Accounts;

namespace Oms.Silo.Connectors;

/// <summary>
/// Touches every configured account at a fixed interval. An account grain holds its venue sessions for as long as it
/// is active, so this keeps it (and them) alive while idle; and when the silo hosting it dies, the next touch from any
/// surviving silo re-activates the grain there — which attaches the sessions and reconciles — within one interval.
/// </summary>
public sealed class AccountKeepAlive(
    IGrainFactory grains,
    IReadOnlyList<AccountOptions> accounts,
    SiloReadiness readiness,
    ConnectorHostOptions options,
    TimeProvider time,
    ILogger<AccountKeepAlive> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (accounts.Count == 0) return;
        using var timer = new PeriodicTimer(options.KeepAliveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!readiness.IsReady) continue;
                foreach (var account in accounts)
                {
                    try
                    {
                        await grains.GetAccount(new AccountId(account.Id)).GetInfoAsync().WaitAsync(stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogDebug(ex, "Keep-alive of account {Account} failed; the next touch retries", account.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
