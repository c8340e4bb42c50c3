using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Oms.Silo.Accounts;

/// <summary>Whether this silo serves requests: the silo has started and the configured accounts exist.</summary>
public sealed class SiloReadiness
{
    private volatile int state; // 0 starting, 1 ready, 2 stopping

    public bool IsReady => state == 1;

    public void MarkReady() => state = 1;

    public void MarkStopping() => state = 2;
}

/// <summary>Reports the silo's readiness to <c>grpc.health.v1</c> (SERVING only when ready).</summary>
public sealed class SiloReadinessHealthCheck(SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady
            ? HealthCheckResult.Healthy("silo started and accounts provisioned")
            : HealthCheckResult.Unhealthy("silo starting or stopping"));
}
