using Microsoft.Extensions.Logging.Abstractions;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Worker;

namespace Oms.Connectors.Binance.Tests;

/// <summary>
/// Disposing the cluster rate budget while its last usage report is in flight to a silo that is leaving the cluster
/// (the report fails with something other than a cancellation, as Orleans' SiloUnavailableException does) completes
/// quietly: a shutdown must not fail because the budget grain can no longer be reached.
/// </summary>
public sealed class ClusterRateBudgetShutdownTests
{
    [Fact]
    public async Task Disposing_while_a_usage_report_fails_because_the_silo_is_leaving_does_not_throw()
    {
        var provider = new LeavingSiloProvider();
        var budget = new ClusterRateBudget(provider, "silo-a", new RateBudgetSettings
        {
            DefaultLimits = new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>
            {
                [RateLimitKind.RequestWeight] = [new(TimeSpan.FromMinutes(1), 6000)],
            },
        }, TimeProvider.System, NullLogger.Instance);

        budget.ObserveUsage(new RateLimitScope(RateLimitKind.RequestWeight, "spot:ip:default"), TimeSpan.FromMinutes(1), used: 42, limit: 6000);
        var report = await provider.ReportStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(42, report.Used);

        var disposal = budget.DisposeAsync().AsTask();
        var exception = await Record.ExceptionAsync(() => disposal.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Null(exception);
        Assert.True(provider.ReportFailed, "the in-flight report should have failed the way a leaving silo's call does");
    }

    /// <summary>Holds the first usage report until the budget stops, then fails it the way a call to a silo that is shutting down fails.</summary>
    private sealed class LeavingSiloProvider : IRateLeaseProvider
    {
        public TaskCompletionSource<RateUsageReport> ReportStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ReportFailed { get; private set; }

        public async Task ReportUsageAsync(RateUsageReport report, CancellationToken cancellationToken = default)
        {
            ReportStarted.TrySetResult(report);
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            ReportFailed = true;
            throw new InvalidOperationException("the silo is shutting down and no longer accepts calls");
        }

        public Task<RateLease> LeaseAsync(RateLeaseRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("this test draws nothing");

        public Task SetLimitsAsync(string scope, IReadOnlyList<RateWindowLimit> windows, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task FreezeAsync(string scope, DateTimeOffset until, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public IDisposable OnFrozen(Action<string, DateTimeOffset> onFrozen) => new Unsubscriber();

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
