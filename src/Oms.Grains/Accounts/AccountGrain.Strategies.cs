namespace Oms.Grains;

// Notifications to contingent-order strategies (brackets, icebergs, trailing stops) about their child orders.
public sealed partial class AccountGrain
{
    /// <summary>
    /// Tells each strategy that one of its child orders changed in <paramref name="reports"/>, which were just persisted:
    /// one one-way call per changed child with its latest snapshot. Nothing waits for the strategy, and a lost
    /// notification only delays it (strategies re-read their children on activation and on a timer). Orleans does not
    /// order these calls, and one may reach the strategy after it read a newer state itself: the strategy takes a
    /// notification only when it is provably newer and reads the order back otherwise (see
    /// <see cref="ChildOrderState.MergeNotification"/>).
    /// </summary>
    private void NotifyStrategies(IReadOnlyList<ExecutionReport> reports)
    {
        Dictionary<ClientOrderId, (StrategyId Strategy, OrderSnapshot Order)>? latest = null;
        foreach (var report in reports)
        {
            var id = report.Order.ClientOrderId;
            if (!S.Orders.TryGetValue(id, out var record) || record.ParentStrategyId is not { } strategy) continue;
            (latest ??= [])[id] = (strategy, report.Order);
        }
        if (latest is null) return;
        foreach (var (strategy, order) in latest.Values)
        {
            try
            {
                _ = GrainFactory.GetStrategy(_account, strategy).OnChildOrderChangedAsync(order);
            }
            catch (Exception ex)
            {
                Log.StrategyNotificationFailed(_logger, ex, _account, order.ClientOrderId, strategy);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1080, LogLevel.Warning, "Account {Account} could not notify strategy {Strategy} about order {ClientOrderId}; the strategy's timer will catch up")]
        public static partial void StrategyNotificationFailed(ILogger logger, Exception exception, AccountId account, ClientOrderId clientOrderId, StrategyId strategy);
    }
}
