using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Oms.Secrets;

/// <summary>
/// Calls <see cref="CachingVenueCredentialStore.RefreshAsync"/> every <see cref="OmsSecretsOptions.PollInterval"/>
/// (on the injected <see cref="TimeProvider"/>), so rotated keys reach the connectors without a restart.
/// </summary>
public sealed class CredentialRotationPollingService : BackgroundService
{
    private readonly CachingVenueCredentialStore _store;
    private readonly OmsSecretsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialRotationPollingService> _logger;
    private PeriodicTimer? _timer;

    public CredentialRotationPollingService(
        CachingVenueCredentialStore store,
        IOptions<OmsSecretsOptions> options,
        TimeProvider timeProvider,
        ILogger<CredentialRotationPollingService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Starts the poll clock here, so the first poll is due one interval after start-up returned.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.RotationPollingEnabled)
        {
            _timer = new PeriodicTimer(_options.PollInterval, _time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            _logger.LogInformation("Credential rotation polling is disabled; rotated keys are picked up after a restart");
            return;
        }

        _logger.LogInformation("Polling {Store} for rotated credentials every {Interval}", _store.Backend.Description, _options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var result = await _store.RefreshAsync(stoppingToken).ConfigureAwait(false);
                    _logger.LogDebug(
                        "Credential poll: {Checked} checked, {Rotated} rotated, {Failed} failed",
                        result.Checked, result.Rotated, result.Failed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogError(ex, "Credential poll failed unexpectedly; the next poll runs in {Interval}", _options.PollInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
