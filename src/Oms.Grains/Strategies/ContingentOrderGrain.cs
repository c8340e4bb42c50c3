using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Oms.Grains;

/// <summary>
/// One contingent-order strategy of one account: a bracket, an iceberg or a trailing stop (see
/// <see cref="IContingentOrderGrain"/>). <see cref="StrategyPlanner"/> decides what is due from the state alone; this
/// grain feeds it facts (child snapshots from the account's notifications, from its own reads on activation and on a
/// timer, the reference price) and carries out its steps through the account:
/// <list type="bullet">
/// <item>Intent first: a new child (with its deterministic client order id) and every cancel reason are written to
/// storage before the account is asked, so after a failover the same id is resubmitted (the account returns the
/// existing order) and nothing is placed twice.</item>
/// <item>A child whose submit is unconfirmed blocks further placement until the account answered for it.</item>
/// <item>A reminder brings a working strategy back after its silo was lost; a timer re-reads its children (and the
/// price, for strategies that watch the market) while it is active.</item>
/// </list>
/// </summary>
public sealed partial class ContingentOrderGrain : Grain, IContingentOrderGrain, IRemindable
{
    /// <summary>State name in the <see cref="OmsStorage.Name"/> provider.</summary>
    public const string StateName = "strategy";

    private const string ReminderName = "contingent-order";
    /// <summary>Plan-and-act rounds per turn; each round waits for the account, so this only bounds pathological churn.</summary>
    private const int MaxRounds = 16;

    private readonly IPersistentState<ContingentOrderState> _state;
    private readonly TimeProvider _clock;
    private readonly IInstrumentCatalog _catalog;
    private readonly IReferencePriceSource _prices;
    private readonly ContingentOrderOptions _options;
    private readonly ILogger<ContingentOrderGrain> _logger;

    private AccountId _account;
    private StrategyId _strategy;
    private IGrainTimer? _timer;
    /// <summary>
    /// One-shot: the pause before a child the account denied while it was reconciling goes out again; while it runs the
    /// planner holds such children back (<see cref="PlanContext.HoldReconcilingRetries"/>).
    /// </summary>
    private IGrainTimer? _retryTimer;
    private long _lastReconcile;
    private bool _reminderRegistered;

    public ContingentOrderGrain(
        [PersistentState(StateName, OmsStorage.Name)] IPersistentState<ContingentOrderState> state,
        [FromKeyedServices(OmsGrainsServiceCollectionExtensions.ClockServiceKey)] TimeProvider clock,
        IInstrumentCatalog catalog,
        IReferencePriceSource prices,
        IOptions<ContingentOrderOptions> options,
        ILogger<ContingentOrderGrain> logger)
    {
        _state = state;
        _clock = clock;
        _catalog = catalog;
        _prices = prices;
        _options = options.Value;
        _logger = logger;
    }

    private ContingentOrderState S => _state.State;

    private IAccountGrain Account => GrainFactory.GetAccount(_account);

    private string Requester => S.RequestedBy is null ? $"strategy {_strategy}" : $"{S.RequestedBy} via strategy {_strategy}";

    /// <summary>Strategies that act on the reference price read it on the faster timer.</summary>
    private bool WatchesMarket => S.Kind switch
    {
        StrategyKind.TrailingStop => S.Mode == ExecutionMode.OmsManaged,
        StrategyKind.Bracket => S.Order.Instrument.Market == MarketType.Spot && S.StopLoss is not null && S.TakeProfit is not null,
        _ => false,
    };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_account, _strategy) = ContingentOrderIds.ParseGrainKey(this.GetPrimaryKeyString());
        if (!S.Submitted || S.IsTerminal) return;
        // Resuming (after a deactivation or the loss of a silo): the account holds the truth about the children.
        StartTimer();
        try
        {
            await ReconcileChildrenAsync();
            await ProgressAsync();
        }
        catch (Exception ex)
        {
            Log.StepFailed(_logger, ex, _account, _strategy, "resume");
        }
        await EnsureReminderAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        _retryTimer?.Dispose();
        _retryTimer = null;
        return Task.CompletedTask;
    }

    public Task<StrategySubmitResult> SubmitBracketAsync(SubmitBracket command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SubmitAsync(StrategyKind.Bracket, command.RequestedBy, ContingentOrderValidation.Validate(command), () =>
        {
            S.Order = command.Entry;
            S.StopLoss = command.StopLoss;
            S.TakeProfit = command.TakeProfit;
            S.Mode = ExecutionMode.OmsManaged;
            return null;
        });
    }

    public Task<StrategySubmitResult> SubmitIcebergAsync(SubmitIceberg command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SubmitAsync(StrategyKind.Iceberg, command.RequestedBy, ContingentOrderValidation.Validate(command), () =>
        {
            var mode = command.Mode ?? (NativeSupport.Iceberg(command.Order.Instrument) ? ExecutionMode.Native : ExecutionMode.OmsManaged);
            if (mode == ExecutionMode.OmsManaged && CheckSlices(command.Order) is { } problem) return problem;
            S.Order = command.Order;
            S.Mode = mode;
            return null;
        });
    }

    public Task<StrategySubmitResult> SubmitTrailingStopAsync(SubmitTrailingStop command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SubmitAsync(StrategyKind.TrailingStop, command.RequestedBy, ContingentOrderValidation.Validate(command), () =>
        {
            S.Order = command.Order;
            S.Mode = command.Mode ?? (NativeSupport.TrailingStop(command.Order.Instrument) ? ExecutionMode.Native : ExecutionMode.OmsManaged);
            return null;
        });
    }

    public Task<StrategySnapshot?> GetAsync() => Task.FromResult(S.Submitted ? Snapshot() : null);

    public async Task<StrategyCommandResult> CancelAsync(string? requestedBy)
    {
        if (!S.Submitted)
        {
            return new StrategyCommandResult(null, new Denial(DenialCode.OrderNotFound, $"account {_account} has no strategy '{_strategy}'"));
        }
        if (S.IsTerminal)
        {
            return new StrategyCommandResult(Snapshot(), new Denial(DenialCode.OrderNotCancelable,
                $"strategy {_strategy} is {S.Status.ToString().ToLowerInvariant()} and can no longer be cancelled"));
        }
        if (!S.CancelRequested)
        {
            S.CancelRequested = true;
            S.CancelledBy = requestedBy;
            S.Status = StrategyStatus.Cancelling;
            S.UpdatedAt = _clock.GetUtcNow();
            await WriteAsync();
            Log.CancelRequested(_logger, _account, _strategy, requestedBy);
        }
        await ProgressAsync();
        return new StrategyCommandResult(Snapshot(), null);
    }

    public async Task<StrategySnapshot?> ReconcileAsync()
    {
        if (!S.Submitted) return null;
        if (!S.IsTerminal)
        {
            await ReconcileChildrenAsync();
            await ProgressAsync();
        }
        return Snapshot();
    }

    public async Task OnChildOrderChangedAsync(OrderSnapshot order)
    {
        if (order is null || !S.Submitted || S.IsTerminal) return;
        var child = FindChild(order.ClientOrderId);
        if (child is null)
        {
            Log.UnknownChild(_logger, _account, _strategy, order.ClientOrderId);
            return;
        }
        try
        {
            switch (child.MergeNotification(order))
            {
                case ChildNotification.Ignored:
                    // Older or duplicate news changes nothing.
                    return;
                case ChildNotification.ReadNeeded:
                    // Notifications are not awaited by the account and may arrive out of order (or twice, when sent
                    // again), even after a read of a newer state: what cannot be ordered from the snapshot is read from
                    // the account, which answers with its current state.
                    var current = await Account.GetOrderAsync(child.Id);
                    // Null: the account evicted the (closed) order; its end arrives as a notification of its own.
                    if (current is null || !child.Merge(current)) return;
                    break;
            }
            await ProgressAsync();
        }
        catch (Exception ex)
        {
            // Nobody waits for a notification: the timer retries.
            Log.StepFailed(_logger, ex, _account, _strategy, "notification");
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName) return;
        _reminderRegistered = true;
        if (!S.Submitted || S.IsTerminal)
        {
            await StopAsync();
            return;
        }
        StartTimer();
        await ReconcileChildrenAsync();
        await ProgressAsync();
    }

    private async Task<StrategySubmitResult> SubmitAsync(StrategyKind kind, string? requestedBy, IReadOnlyList<StrategyProblem> problems, Func<StrategyProblem?> initialize)
    {
        if (S.Submitted)
        {
            if (S.Kind != kind)
            {
                return new StrategySubmitResult(null, false, new StrategyProblem("strategy_id", new Denial(DenialCode.DuplicateClientOrderId,
                    $"strategy id '{_strategy}' of account {_account} is already used by a {KindName(S.Kind)}")));
            }
            // A retry (after a timeout, say): finish what the first call may have left, answer with what exists.
            if (!S.IsTerminal) await ProgressAsync();
            return new StrategySubmitResult(Snapshot(), false, null);
        }
        if (problems.Count > 0) return new StrategySubmitResult(null, false, problems[0]);

        var now = _clock.GetUtcNow();
        if (initialize() is { } problem)
        {
            _state.State = new ContingentOrderState();
            return new StrategySubmitResult(null, false, problem);
        }
        S.Submitted = true;
        S.Kind = kind;
        S.Status = StrategyStatus.Working;
        S.RequestedBy = requestedBy;
        S.CreatedAt = now;
        S.UpdatedAt = now;
        await WriteAsync();
        Log.Submitted(_logger, _account, _strategy, kind, S.Mode, S.Order.Instrument, S.Order.Side, S.Order.Quantity);

        StartTimer();
        await ProgressAsync();
        if (!S.IsTerminal) await EnsureReminderAsync();
        return new StrategySubmitResult(Snapshot(), true, null);
    }

    /// <summary>
    /// OMS-managed iceberg: every slice must pass the instrument's filters, so one is checked at the display quantity
    /// and, when the quantity is not a multiple of it, the last (smaller) slice too.
    /// </summary>
    private StrategyProblem? CheckSlices(OrderSpec order)
    {
        if (!_catalog.TryGet(order.Instrument, out var instrument) || order.DisplayQuantity is not { } display || order.LimitPrice is not { } price) return null;
        if (instrument.Check(price, display, isMarket: false, null) is { } denial)
        {
            return new StrategyProblem("order.display_quantity", denial with { Reason = $"a slice of {display}: {denial.Reason}" });
        }
        var last = decimal.Remainder(order.Quantity, display);
        if (last > 0m && instrument.Check(price, last, isMarket: false, null) is { } lastDenial)
        {
            return new StrategyProblem("order.display_quantity", lastDenial with { Reason = $"the last slice would be {last}: {lastDenial.Reason}" });
        }
        return null;
    }

    /// <summary>Plans and acts until nothing is due (or the strategy ended), writing intent before each round's calls.</summary>
    private async Task ProgressAsync()
    {
        if (!S.Submitted || S.IsTerminal) return;
        var dirty = await ResubmitUnconfirmedAsync();
        for (var round = 0; round < MaxRounds && !S.IsTerminal; round++)
        {
            var plan = StrategyPlanner.Plan(S, Context());
            dirty |= plan.StateChanged;
            if (plan.Actions.Count == 0) break;

            // Cancels first (they reduce risk and free balance), then amends, then new children.
            var actions = plan.Actions.OrderBy(a => a switch { CancelChild => 0, AmendChild => 1, _ => 2 }).ToArray();
            var children = new Dictionary<ChildAction, ChildOrderState>();
            foreach (var action in actions)
            {
                switch (action)
                {
                    case SubmitChild submit:
                        children[action] = AddChild(submit);
                        break;
                    case CancelChild cancel:
                        cancel.Child.CancelReason = cancel.Reason;
                        cancel.Child.CancelAttempts++;
                        break;
                    case AmendChild amend:
                        amend.Child.AmendRequested = amend.NewQuantity;
                        amend.Child.AmendPending = false;
                        break;
                }
            }
            S.UpdatedAt = _clock.GetUtcNow();
            await WriteAsync();
            dirty = false;

            foreach (var action in actions)
            {
                switch (action)
                {
                    case SubmitChild:
                        await SubmitChildAsync(children[action]);
                        // The account reconciles with the venue: the child goes out again after a pause (the next
                        // rounds hold it back; everything else proceeds).
                        if (children[action].DeniedWhileReconciling) ScheduleReconcilingRetry(children[action]);
                        break;
                    case CancelChild cancel:
                        await CancelChildAsync(cancel.Child);
                        break;
                    case AmendChild amend:
                        await AmendChildAsync(amend.Child, amend.NewQuantity);
                        break;
                }
            }
            dirty = true;
        }
        if (dirty)
        {
            S.UpdatedAt = _clock.GetUtcNow();
            await WriteAsync();
        }
        if (S.IsTerminal)
        {
            Log.Ended(_logger, _account, _strategy, S.Status, S.Reason);
            await StopAsync();
        }
    }

    /// <summary>
    /// <paramref name="denied"/> was denied because the account was reconciling with the venue (any kind of strategy: a
    /// bracket's entry or leg, an iceberg slice, a trailing stop's stop or market order): plan again after
    /// <see cref="ContingentOrderOptions.ReconcilingRetryDelay"/>, doubled for each such denial in a row of the same role
    /// (at most <see cref="ContingentOrderOptions.ReconcileInterval"/>), so a long reconciliation is not flooded with
    /// submits. Until then the planner holds such children back.
    /// </summary>
    private void ScheduleReconcilingRetry(ChildOrderState denied)
    {
        if (_retryTimer is not null) return;
        var denials = 0;
        foreach (var child in S.Children.Where(c => c.Role == denied.Role).OrderByDescending(c => c.Generation))
        {
            if (!child.DeniedWhileReconciling) break;
            denials++;
        }
        var delay = _options.ReconcilingRetryDelay;
        for (var i = 1; i < denials && delay < _options.ReconcileInterval; i++) delay += delay;
        if (delay > _options.ReconcileInterval) delay = _options.ReconcileInterval;
        Log.ChildDeferred(_logger, _account, _strategy, denied.Id, delay);
        _retryTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.OnReconcilingRetryAsync(),
            this,
            new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
    }

    private async Task OnReconcilingRetryAsync()
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        try
        {
            await ProgressAsync();
        }
        catch (Exception ex)
        {
            Log.StepFailed(_logger, ex, _account, _strategy, "retry after a denial while reconciling");
        }
    }

    private ChildOrderState AddChild(SubmitChild submit)
    {
        var generation = 1;
        foreach (var existing in S.Children)
        {
            if (existing.Role == submit.Role) generation = Math.Max(generation, existing.Generation + 1);
        }
        var child = new ChildOrderState
        {
            Id = ContingentOrderIds.Child(S.Order.Instrument.Venue, _strategy, submit.Role, generation),
            Role = submit.Role,
            Generation = generation,
            Spec = submit.Spec,
            CreatedAt = _clock.GetUtcNow(),
        };
        S.Children.Add(child);
        return child;
    }

    /// <summary>
    /// Submits children whose submit was persisted but not confirmed (same id: the account answers with the existing
    /// order). Returns whether any was.
    /// </summary>
    private async Task<bool> ResubmitUnconfirmedAsync()
    {
        var any = false;
        foreach (var child in S.Children)
        {
            if (child.Last is not null || S.IsTerminal) continue;
            await SubmitChildAsync(child);
            any = true;
            if (child.DeniedWhileReconciling) ScheduleReconcilingRetry(child);
        }
        return any;
    }

    private async Task SubmitChildAsync(ChildOrderState child)
    {
        var result = await Account.SubmitOrderAsync(new SubmitOrder
        {
            Spec = child.Spec,
            ClientOrderId = child.Id,
            RequestedBy = Requester,
            ParentStrategyId = _strategy,
        });
        var order = result.Order;
        if (!result.Created && (order.Spec.Instrument != child.Spec.Instrument || order.Spec.Side != child.Spec.Side || order.Spec.Type != child.Spec.Type))
        {
            // The id belongs to an order this strategy did not place: never take it over.
            Log.ChildIdTaken(_logger, _account, _strategy, child.Id);
            S.Status = StrategyStatus.Failed;
            S.Reason = $"client order id {child.Id} is already used by another order of account {_account}";
            return;
        }
        child.Merge(order);
        Log.ChildSubmitted(_logger, _account, _strategy, child.Id, child.Role, order.Status);
    }

    private async Task CancelChildAsync(ChildOrderState child)
    {
        var result = await Account.CancelOrderAsync(new CancelOrder { ClientOrderId = child.Id, RequestedBy = Requester });
        if (result.Order is { } order) child.Merge(order);
        if (result.Denial is { } denial) Log.ChildCommandRefused(_logger, _account, _strategy, child.Id, "cancel", denial.ToString());
    }

    private async Task AmendChildAsync(ChildOrderState child, decimal quantity)
    {
        var result = await Account.AmendOrderAsync(new AmendOrder { ClientOrderId = child.Id, NewQuantity = quantity, RequestedBy = Requester });
        if (result.Order is { } order) child.Merge(order);
        if (result.Denial is { } denial)
        {
            // Resize by cancel and replace from now on.
            child.AmendRefused = true;
            child.AmendRequested = null;
            child.AmendPending = false;
            Log.ChildCommandRefused(_logger, _account, _strategy, child.Id, "amend", denial.ToString());
        }
    }

    /// <summary>Reads every open child from the account (catches notifications that never arrived).</summary>
    private async Task ReconcileChildrenAsync()
    {
        _lastReconcile = Stopwatch.GetTimestamp();
        foreach (var child in S.Children)
        {
            if (!child.IsOpen || child.Last is null) continue;
            var order = await Account.GetOrderAsync(child.Id);
            // Null: the account evicted the (closed) order; what was last reported stands.
            if (order is not null && child.Merge(order)) Log.ChildReconciled(_logger, _account, _strategy, child.Id, order.Status);
            // A new period: cancels that were refused may be tried again.
            child.CancelAttempts = 0;
        }
    }

    private ChildOrderState? FindChild(ClientOrderId id)
    {
        for (var i = S.Children.Count - 1; i >= 0; i--)
        {
            if (S.Children[i].Id == id) return S.Children[i];
        }
        return null;
    }

    private PlanContext Context() => new(
        _catalog.TryGet(S.Order.Instrument, out var instrument) ? instrument : null,
        _prices.TryGetPrice(S.Order.Instrument),
        _clock.GetUtcNow(),
        _options,
        HoldReconcilingRetries: _retryTimer is not null);

    private void StartTimer()
    {
        if (_timer is not null) return;
        var interval = WatchesMarket ? _options.PriceInterval : _options.ReconcileInterval;
        _lastReconcile = Stopwatch.GetTimestamp();
        _timer = this.RegisterGrainTimer(
            static (grain, _) => grain.OnTimerAsync(),
            this,
            new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = true });
    }

    private async Task OnTimerAsync()
    {
        if (!S.Submitted || S.IsTerminal)
        {
            await StopAsync();
            return;
        }
        try
        {
            if (Stopwatch.GetElapsedTime(_lastReconcile) >= _options.ReconcileInterval) await ReconcileChildrenAsync();
            await ProgressAsync();
        }
        catch (Exception ex)
        {
            Log.StepFailed(_logger, ex, _account, _strategy, "timer");
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered) return;
        try
        {
            await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
            _reminderRegistered = true;
        }
        catch (Exception ex)
        {
            // Without a reminder the strategy still runs while active; only resumption after a silo loss waits for the
            // next notification or call.
            Log.ReminderFailed(_logger, ex, _account, _strategy);
        }
    }

    /// <summary>The strategy ended: no timer, no reminder.</summary>
    private async Task StopAsync()
    {
        _timer?.Dispose();
        _timer = null;
        _retryTimer?.Dispose();
        _retryTimer = null;
        try
        {
            var reminder = await this.GetReminder(ReminderName);
            if (reminder is not null) await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }
        catch (Exception ex)
        {
            Log.ReminderFailed(_logger, ex, _account, _strategy);
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Memory is ahead of storage: start over from storage (and the account's view of the children).
            Log.WriteFailed(_logger, ex, _account, _strategy);
            this.DeactivateOnIdle();
            throw;
        }
    }

    private StrategySnapshot Snapshot()
    {
        var entryFilled = 0m;
        var legsFilled = 0m;
        var childrenFilled = 0m;
        foreach (var child in S.Children)
        {
            childrenFilled += child.Filled;
            if (child.Role == ChildRole.Entry) entryFilled += child.Filled;
            else if (child.Role is ChildRole.StopLoss or ChildRole.TakeProfit) legsFilled += child.Filled;
        }
        var bracket = S.Kind == StrategyKind.Bracket;
        var managedTrailing = S.Kind == StrategyKind.TrailingStop && S.Mode == ExecutionMode.OmsManaged;
        return new StrategySnapshot
        {
            Account = _account,
            StrategyId = _strategy,
            Kind = S.Kind,
            Mode = S.Mode,
            Status = S.Status,
            Reason = S.Reason,
            Order = S.Order,
            StopLoss = S.StopLoss,
            TakeProfit = S.TakeProfit,
            FilledQuantity = bracket ? entryFilled : childrenFilled,
            OpenQuantity = bracket ? Math.Max(0m, entryFilled - legsFilled) : null,
            TrailingStopPrice = managedTrailing ? S.TrailingStopPrice : null,
            TrailingExtremePrice = managedTrailing ? S.ExtremePrice : null,
            Children = S.Children.Select(c => c.ToContract()).ToArray(),
            CreatedAt = S.CreatedAt,
            UpdatedAt = S.UpdatedAt,
            RequestedBy = S.RequestedBy,
        };
    }

    private static string KindName(StrategyKind kind) => kind switch
    {
        StrategyKind.Bracket => "bracket",
        StrategyKind.Iceberg => "iceberg",
        StrategyKind.TrailingStop => "trailing stop",
        _ => kind.ToString(),
    };
}
