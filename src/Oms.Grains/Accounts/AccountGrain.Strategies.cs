using System.Diagnostics;

namespace Oms.Grains;

// Notifications to contingent-order strategies (brackets, icebergs, trailing stops) about their child orders.
public sealed partial class AccountGrain
{
    /// <summary>Notifications a strategy did not acknowledge, by strategy and child; sent again by <see cref="_notificationRetryTimer"/>.</summary>
    private Dictionary<(StrategyId Strategy, ClientOrderId Order), PendingStrategyNotification>? _pendingNotifications;
    private IGrainTimer? _notificationRetryTimer;
    /// <summary>When the armed <see cref="_notificationRetryTimer"/> fires (<see cref="Stopwatch"/> ticks).</summary>
    private long _notificationRetryDue;
    private ContingentOrderOptions? _strategyOptions;

    private ContingentOrderOptions StrategyOptions =>
        _strategyOptions ??= (ServiceProvider.GetService(typeof(IOptions<ContingentOrderOptions>)) as IOptions<ContingentOrderOptions>)?.Value
            ?? new ContingentOrderOptions();

    /// <summary>
    /// Tells each strategy that one of its child orders changed in <paramref name="reports"/>, which were just persisted:
    /// one call per changed child with its latest snapshot. Nothing waits for the strategy (the account's turn goes on at
    /// once), but the call is acknowledged: when it fails (the strategy's silo was lost before the cluster declared it
    /// dead, the call timed out) the same notification is sent again after
    /// <see cref="ContingentOrderOptions.NotificationRetryDelay"/>, doubled per attempt, at most
    /// <see cref="ContingentOrderOptions.NotificationAttempts"/> times. Once the cluster declared the silo dead, a retry
    /// activates the strategy on another silo, where it re-reads its children and carries on instead of waiting for its
    /// reminder. A success costs one response and no turn of the account. Orleans does not order these calls, and one
    /// may reach the strategy after it read a newer state itself or twice (a retry after a lost answer): the strategy
    /// takes a notification only when it is provably newer, ignores older or equal news and reads the order back
    /// otherwise (see <see cref="ChildOrderState.MergeNotification"/>).
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
        foreach (var (strategy, order) in latest.Values) NotifyStrategy(strategy, order, attempt: 1);
    }

    private void NotifyStrategy(StrategyId strategy, OrderSnapshot order, int attempt)
    {
        Task call;
        try
        {
            call = GrainFactory.GetStrategy(_account, strategy).OnChildOrderChangedAsync(order);
        }
        catch (Exception ex)
        {
            OnStrategyNotificationFailed(new PendingStrategyNotification(strategy, order, attempt, 0), ex);
            return;
        }
        if (call.IsCompletedSuccessfully) return;
        // Runs on the account's scheduler (captured here, inside the account's turn) and only when the call failed.
        call.ContinueWith(
            static (task, state) =>
            {
                var (grain, notification) = ((AccountGrain, PendingStrategyNotification))state!;
                grain.OnStrategyNotificationFailed(notification, task.Exception?.GetBaseException() ?? new TaskCanceledException(task));
            },
            (this, new PendingStrategyNotification(strategy, order, attempt, 0)),
            CancellationToken.None,
            TaskContinuationOptions.NotOnRanToCompletion,
            TaskScheduler.Current);
    }

    private void OnStrategyNotificationFailed(PendingStrategyNotification failed, Exception exception)
    {
        var options = StrategyOptions;
        var order = failed.Order;
        if (failed.Attempt >= options.NotificationAttempts)
        {
            Log.StrategyNotificationAbandoned(_logger, exception, _account, order.ClientOrderId, failed.Strategy, failed.Attempt);
            return;
        }
        var delay = options.NotificationRetryDelay;
        for (var i = 1; i < failed.Attempt && delay < options.NotificationRetryMaxDelay; i++) delay += delay;
        if (delay > options.NotificationRetryMaxDelay) delay = options.NotificationRetryMaxDelay;
        Log.StrategyNotificationFailed(_logger, exception, _account, order.ClientOrderId, failed.Strategy, failed.Attempt, delay);

        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        var key = (failed.Strategy, order.ClientOrderId);
        var pending = _pendingNotifications ??= [];
        var next = new PendingStrategyNotification(failed.Strategy, order, failed.Attempt + 1, due);
        if (pending.TryGetValue(key, out var queued))
        {
            // One retry per child: the newest news (fills only grow; an end is final), the further attempt, the sooner time.
            var newer = order.FilledQuantity > queued.Order.FilledQuantity
                || (order.FilledQuantity == queued.Order.FilledQuantity && !OrderStateMachine.IsTerminal(queued.Order.Status));
            next = new PendingStrategyNotification(failed.Strategy, newer ? order : queued.Order, Math.Max(next.Attempt, queued.Attempt), Math.Min(due, queued.Due));
        }
        pending[key] = next;
        ArmNotificationRetry(next.Due);
    }

    private void ArmNotificationRetry(long due)
    {
        if (_notificationRetryTimer is not null && _notificationRetryDue <= due) return;
        _notificationRetryTimer?.Dispose();
        var wait = TimeSpan.FromSeconds(Math.Max(0L, due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        try
        {
            _notificationRetryTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnNotificationRetryTimer(),
                this,
                new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
            _notificationRetryDue = due;
        }
        catch (Exception ex)
        {
            // The account is deactivating: the strategies' own timers and reminders catch up.
            _notificationRetryTimer = null;
            Log.StrategyNotificationRetryNotScheduled(_logger, ex, _account);
        }
    }

    /// <summary>Sends again the notifications that are due; arms the timer for the next one.</summary>
    private Task OnNotificationRetryTimer()
    {
        _notificationRetryTimer?.Dispose();
        _notificationRetryTimer = null;
        if (_pendingNotifications is not { Count: > 0 } pending) return Task.CompletedTask;
        var now = Stopwatch.GetTimestamp();
        var due = new List<PendingStrategyNotification>();
        foreach (var notification in pending.Values)
        {
            if (notification.Due <= now) due.Add(notification);
        }
        foreach (var notification in due) pending.Remove((notification.Strategy, notification.Order.ClientOrderId));
        foreach (var notification in due) NotifyStrategy(notification.Strategy, notification.Order, notification.Attempt);
        if (pending.Count > 0) ArmNotificationRetry(pending.Values.Min(n => n.Due));
        return Task.CompletedTask;
    }

    /// <summary>A notification to send (again): its attempt number and when it is due (<see cref="Stopwatch"/> ticks).</summary>
    private sealed record PendingStrategyNotification(StrategyId Strategy, OrderSnapshot Order, int Attempt, long Due);

    private static partial class Log
    {
        [LoggerMessage(1080, LogLevel.Warning, "Account {Account}: notification of strategy {Strategy} about order {ClientOrderId} failed (attempt {Attempt}); sent again in {Delay}")]
        public static partial void StrategyNotificationFailed(ILogger logger, Exception exception, AccountId account, ClientOrderId clientOrderId, StrategyId strategy, int attempt, TimeSpan delay);

        [LoggerMessage(1081, LogLevel.Warning, "Account {Account}: notification of strategy {Strategy} about order {ClientOrderId} failed {Attempt} times; the strategy's timer and reminder will catch up")]
        public static partial void StrategyNotificationAbandoned(ILogger logger, Exception exception, AccountId account, ClientOrderId clientOrderId, StrategyId strategy, int attempt);

        [LoggerMessage(1082, LogLevel.Warning, "Account {Account}: the retry of unacknowledged strategy notifications could not be scheduled; the strategies' timers and reminders will catch up")]
        public static partial void StrategyNotificationRetryNotScheduled(ILogger logger, Exception exception, AccountId account);
    }
}
