using Microsoft.Extensions.DependencyInjection;
using Oms.Observability;
using Orleans.Serialization.Invocation;

namespace Oms.Grains;

/// <summary>
/// An account's risk limits, trading state and equity watch (or the firm's limits and state, under
/// <see cref="GrainKeys.Firm"/>). Every change is audited (who, when, old, new, reason), persisted, and then pushed —
/// awaited before the call returns, so it takes effect on the next submit: to the account, or for the firm through the
/// <see cref="IFirmRiskGrain"/> to every member account.
/// <para>
/// Equity watch (accounts with a drawdown or daily-loss limit): equity is observed after every fill batch (the account
/// sends it one-way) and by an Orleans reminder every <see cref="OmsGrainOptions.EquityCheckPeriod"/>, which asks the
/// account for its equity at current reference prices, so an account that stops trading while prices move against it
/// is still caught. A breach moves the trading state to the configured action (<see cref="RiskLimits.BreachAction"/>)
/// — an automatic change, which only ever tightens — and optionally cancels every order and flattens. An operator's
/// resume re-bases the high-water mark and the day's start at the current equity (audited), so the loss that caused
/// the breach does not re-trigger it.
/// </para>
/// <para>
/// Reads (<see cref="GetPolicyAsync"/>, <see cref="GetAuditAsync"/>) interleave with changes: an account activated by
/// this grain's own push pulls its policy from here, and must not wait behind the push. They return only what a
/// completed write made durable.
/// </para>
/// </summary>
[MayInterleave(nameof(MayInterleave))]
public sealed class RiskLimitGrain : Grain, IRiskLimitGrain, IRemindable
{
    /// <summary>The name of the equity-watch reminder.</summary>
    public const string EquityReminder = "equity-watch";

    /// <summary>Who the audit names for the risk engine's own changes.</summary>
    public const string RiskEngine = "risk-engine";

    private readonly IPersistentState<RiskLimitState> _state;
    private readonly TimeProvider _clock;
    private readonly OmsGrainOptions _options;
    private readonly ILogger<RiskLimitGrain> _logger;

    private RiskPolicy _committed = RiskPolicy.Default;
    private IReadOnlyList<RiskAuditEntry> _committedAudit = [];
    private AccountId? _account;
    private AccountEquity? _lastEquity;

    public RiskLimitGrain(
        [PersistentState(OmsStorage.RiskLimitState, OmsStorage.Name)] IPersistentState<RiskLimitState> state,
        [FromKeyedServices(OmsGrainsServiceCollectionExtensions.ClockServiceKey)] TimeProvider clock,
        IOptions<OmsGrainOptions> options,
        ILogger<RiskLimitGrain> logger)
    {
        _state = state;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    private RiskLimitState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    /// <summary>Lets the read-only queries interleave with an in-flight change (see the class remarks).</summary>
    public static bool MayInterleave(IInvokable request) =>
        request?.GetMethodName() is nameof(GetPolicyAsync) or nameof(GetAuditAsync);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = Key == GrainKeys.Firm ? null : new AccountId(Key);
        Commit();
        // The configured period may have changed since the reminder was registered.
        if (_account is not null && S.Limits.WatchesEquity && S.ReminderPeriod != _options.EquityCheckPeriod)
        {
            await SyncReminderAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // This silo no longer hosts the equity watch: stop reporting it (the next activation reports again).
        if (_account is not null) OmsTelemetry.AccountRisk.RemoveEquity(Key);
        return Task.CompletedTask;
    }

    public Task<RiskPolicy> GetPolicyAsync() => Task.FromResult(_committed);

    public Task<IReadOnlyList<RiskAuditEntry>> GetAuditAsync(int maxCount)
    {
        var audit = _committedAudit;
        var count = Math.Clamp(maxCount, 0, audit.Count);
        IReadOnlyList<RiskAuditEntry> entries = audit.Skip(audit.Count - count).ToArray();
        return Task.FromResult(entries);
    }

    public async Task<RiskPolicy> SetLimitsAsync(RiskLimits limits, string changedBy)
    {
        ArgumentNullException.ThrowIfNull(limits);
        RequireWho(changedBy);
        var problems = RiskLimitsValidator.Validate(limits);
        if (problems.Count > 0) throw new ArgumentException($"risk limits for {Key} are invalid: {string.Join("; ", problems)}", nameof(limits));
        if (_account is null && limits.StopLoss is not null)
            throw new ArgumentException("a stop-loss policy is set per account, not for the firm", nameof(limits));
        if (limits == S.Limits) return _committed;

        var old = S.Limits;
        var startsWatching = limits.WatchesEquity && !old.WatchesEquity;
        S.Limits = limits;
        await ChangeAsync(changedBy, [("limits", Describe(old), Describe(limits))], reason: null);
        if (_account is not null)
        {
            await SyncReminderAsync();
            // A new drawdown limit starts from the equity of now: take the first observation at once.
            if (startsWatching) await TryCheckEquityAsync("limits set");
        }
        return _committed;
    }

    public Task<RiskPolicy> SetDrawdownAsync(DrawdownSettings settings, string changedBy)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return SetLimitsAsync(S.Limits with
        {
            MaxDrawdownPercent = settings.MaxDrawdownPercent,
            MaxDailyLoss = settings.MaxDailyLoss,
            BreachAction = settings.BreachAction,
            CancelOrdersOnBreach = settings.CancelOrdersOnBreach,
            FlattenOnBreach = settings.FlattenOnBreach,
        }, changedBy);
    }

    public Task<RiskPolicy> SetExposureLimitsAsync(decimal? maxGrossExposure, decimal? maxNetExposure, string changedBy) =>
        SetLimitsAsync(S.Limits with { MaxGrossExposure = maxGrossExposure, MaxNetExposure = maxNetExposure }, changedBy);

    public Task<RiskPolicy> SetStopLossAsync(ProtectiveStopPolicy? policy, string changedBy) =>
        SetLimitsAsync(S.Limits with { StopLoss = policy }, changedBy);

    public async Task<RiskPolicy> SetTradingStateAsync(TradingState state, string reason, string changedBy)
    {
        RequireWho(changedBy);
        var change = TradingStateMachine.Move(S.TradingState, state, TradingStateChangeKind.Manual);
        if (!change.Allowed) throw new ArgumentException($"trading state of {Key} cannot change: {change.Error}", nameof(state));
        if (!change.Changed) return _committed;

        var changes = new List<(string, string?, string?)> { ("trading_state", change.From.ToString(), change.To.ToString()) };
        if (_account is { } account && !TradingStateMachine.IsTightening(change.From, change.To) && S.Watermark.LastEquity is not null)
        {
            // Resuming after a breach: start the watch again from the equity of now, so the same loss does not halt again.
            var equity = await TryGetEquityAsync(account);
            var basis = equity?.Equity ?? S.Watermark.LastEquity.Value;
            var at = equity?.At ?? _clock.GetUtcNow();
            changes.Add(("equity_high_water_mark", Fmt(S.Watermark.HighWaterMark), Fmt(basis)));
            S.Watermark = S.Watermark.Rebase(basis, at);
            S.LastBreach = null;
        }
        S.TradingState = state;
        S.TradingStateReason = state == TradingState.Active ? null : reason;
        await ChangeAsync(changedBy, changes, reason);
        _logger.LogWarning("Trading state of {Account} moved from {From} to {To} by {ChangedBy}: {Reason}", Key, change.From, change.To, changedBy, reason);
        return _committed;
    }

    public async Task<EquityStatus> CheckEquityAsync()
    {
        if (_account is not { } account) return Status();
        var equity = await GrainFactory.GetAccountRisk(account).GetEquityAsync();
        await ObserveAsync(equity, "check");
        return Status();
    }

    public Task ObserveEquityAsync(AccountEquity equity)
    {
        ArgumentNullException.ThrowIfNull(equity);
        return _account is null ? Task.CompletedTask : ObserveAsync(equity, "fill");
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!string.Equals(reminderName, EquityReminder, StringComparison.Ordinal)) return;
        if (_account is null || !S.Limits.WatchesEquity)
        {
            // Left over from limits that no longer watch equity (or a firm key): stop it.
            await SyncReminderAsync();
            return;
        }
        await TryCheckEquityAsync("reminder");
    }

    private async Task TryCheckEquityAsync(string trigger)
    {
        try
        {
            var equity = await GrainFactory.GetAccountRisk(_account!.Value).GetEquityAsync();
            await ObserveAsync(equity, trigger);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Equity check ({Trigger}) of {Account} failed", trigger, Key);
        }
    }

    private async Task<AccountEquity?> TryGetEquityAsync(AccountId account)
    {
        try
        {
            return await GrainFactory.GetAccountRisk(account).GetEquityAsync();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Equity of {Account} could not be read; re-basing on the last observation", Key);
            return null;
        }
    }

    /// <summary>Adds an observation to the watermark, persists what matters, and acts on a breach.</summary>
    private async Task ObserveAsync(AccountEquity equity, string trigger)
    {
        var before = S.Watermark;
        var after = before.Observe(equity.Equity, equity.At);
        PublishEquity(after);
        if (ReferenceEquals(before, after)) return;
        _lastEquity = equity;
        S.Watermark = after;
        var limits = S.Limits;
        var breach = limits.WatchesEquity ? DrawdownRules.Evaluate(after, limits, equity.Asset) : null;
        if (breach is not null)
        {
            await BreachAsync(breach, trigger);
            return;
        }
        // The last equity is kept in memory; the high-water mark and the day's start are what must survive.
        if (after.HighWaterMark != before.HighWaterMark || after.Day != before.Day) await WriteAsync();
    }

    private async Task BreachAsync(EquityBreach breach, string trigger)
    {
        var limits = S.Limits;
        var action = limits.EffectiveBreachAction;
        var move = TradingStateMachine.Move(S.TradingState, action, TradingStateChangeKind.Automatic);
        S.LastBreach = breach;
        if (!move.Changed)
        {
            // Already at least as strict: nothing to do again (no repeated cancel-all or flatten on every tick).
            await WriteAsync();
            return;
        }
        S.TradingState = action;
        S.TradingStateReason = $"{breach.Code.Name()}: {breach.Reason}";
        await ChangeAsync(RiskEngine, [("trading_state", move.From.ToString(), move.To.ToString())], $"{S.TradingStateReason} (found by {trigger})");
        _logger.LogWarning("Account {Account} moved from {From} to {To} by the risk engine ({Trigger}): {Breach}", Key, move.From, move.To, trigger, breach.Reason);

        var account = _account!.Value;
        if (limits.CancelOrdersOnBreach)
        {
            try
            {
                var result = await GrainFactory.GetAccount(account).CancelAllOrdersAsync(new CancelAllOrders { RequestedBy = RiskEngine });
                _logger.LogWarning("Breach of {Account}: cancel requested for {Count} orders, {Refused} refused", Key, result.CancelRequested.Count, result.Refused.Count);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Breach of {Account}: cancel-all failed", Key);
            }
        }
        if (limits.FlattenOnBreach)
        {
            try
            {
                var result = await GrainFactory.GetAccountRisk(account).FlattenAsync(breach.Reason, RiskEngine);
                _logger.LogWarning("Breach of {Account}: flatten submitted {Count} orders; skipped: {Skipped}", Key, result.Submitted.Count, string.Join("; ", result.Skipped));
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Breach of {Account}: flatten failed", Key);
            }
        }
    }

    /// <summary>Reports the watch's equity, high-water mark and drawdown on the account gauges (see <c>OmsTelemetry.AccountRisk</c>).</summary>
    private void PublishEquity(EquityWatermark watermark)
    {
        if (watermark.LastEquity is not { } equity || watermark.HighWaterMark is not { } mark) return;
        OmsTelemetry.AccountRisk.SetEquity(Key, (double)equity, (double)mark, (double)(watermark.DrawdownPercent / 100m));
    }

    private EquityStatus Status()
    {
        var watermark = S.Watermark;
        var limits = S.Limits;
        return new EquityStatus
        {
            Account = _account ?? default,
            Equity = _lastEquity,
            Watermark = watermark,
            DrawdownPercent = watermark.DrawdownPercent,
            DailyLoss = watermark.DailyLoss,
            MaxDrawdownPercent = limits.MaxDrawdownPercent,
            MaxDailyLoss = limits.MaxDailyLoss,
            Breach = limits.WatchesEquity ? DrawdownRules.Evaluate(watermark, limits, _lastEquity?.Asset ?? _options.RiskValuationAsset) : null,
            TradingState = S.TradingState,
            PeriodicCheckActive = S.ReminderPeriod is not null,
            PeriodicCheckPeriod = S.ReminderPeriod,
        };
    }

    /// <summary>Registers the equity reminder when the limits watch equity, unregisters it when they no longer do.</summary>
    private async Task SyncReminderAsync()
    {
        var wanted = _account is not null && S.Limits.WatchesEquity ? _options.EquityCheckPeriod : (TimeSpan?)null;
        if (wanted is null && _account is not null) OmsTelemetry.AccountRisk.RemoveEquity(Key);
        if (wanted == S.ReminderPeriod) return;
        try
        {
            if (wanted is { } period)
            {
                await this.RegisterOrUpdateReminder(EquityReminder, period, period);
            }
            else if (await this.GetReminder(EquityReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            S.ReminderPeriod = wanted;
            await WriteAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without a reminder service the watch still runs on every fill; the status says the periodic check is off.
            _logger.LogError(ex, "The equity reminder of {Account} could not be {Action}: drawdown is checked on fills only until it is",
                Key, wanted is null ? "removed" : "registered");
        }
    }

    private async Task ChangeAsync(string changedBy, IReadOnlyList<(string Setting, string? Old, string? New)> changes, string? reason)
    {
        S.Version++;
        var now = _clock.GetUtcNow();
        foreach (var (setting, oldValue, newValue) in changes) S.Audit.Add(new RiskAuditEntry(now, changedBy, setting, oldValue, newValue, reason));
        var excess = S.Audit.Count - _options.RiskAuditCapacity;
        if (excess > 0) S.Audit.RemoveRange(0, excess);
        await WriteAsync();
        Commit();

        if (_account is { } account)
        {
            // Takes effect immediately: the call returns only once the account applied this version.
            await GrainFactory.GetAccount(account).ApplyRiskPolicyAsync(_committed);
        }
        else
        {
            await PushFirmPolicyAsync(_committed);
        }
    }

    /// <summary>Stores the firm policy with the firm risk grain, then pushes it to every member account (retried, in parallel).</summary>
    private async Task PushFirmPolicyAsync(RiskPolicy policy)
    {
        var members = await GrainFactory.GetFirmRisk().ApplyPolicyAsync(policy);
        var failed = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(members.Select(async member =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await GrainFactory.GetAccountRisk(member).ApplyFirmPolicyAsync(policy);
                    return;
                }
                catch (Exception ex) when (attempt < 3)
                {
                    _logger.LogWarning(ex, "Firm policy {Version} did not reach account {Account} (attempt {Attempt}); retrying", policy.Version, member, attempt);
                }
                catch (Exception ex)
                {
                    failed.Add($"{member}: {ex.Message}");
                    return;
                }
            }
        }));
        if (!failed.IsEmpty)
        {
            throw new InvalidOperationException(
                $"firm policy version {policy.Version} is stored, but {failed.Count} of {members.Count} accounts did not apply it (they pull it when they next activate): {string.Join("; ", failed)}");
        }
    }

    /// <summary>Writes the state; on failure goes back to what storage has, so reads never show an unpersisted policy.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await _state.ReadStateAsync();
            }
            catch (Exception reloadError)
            {
                _logger.LogError(reloadError, "Risk limits of {Account} could not reload after a failed write; deactivating", Key);
                this.DeactivateOnIdle();
            }
            throw;
        }
    }

    private void Commit()
    {
        _committed = new RiskPolicy(S.Limits, S.TradingState, S.Version) { TradingStateReason = S.TradingStateReason };
        _committedAudit = S.Audit.ToArray();
    }

    private static void RequireWho(string changedBy)
    {
        if (string.IsNullOrWhiteSpace(changedBy)) throw new ArgumentException("a risk change must say who made it", nameof(changedBy));
    }

    private static string Fmt(decimal? value) => value is { } v ? PreTradeRiskCheck.Fmt(v) : "none";

    /// <summary>The limits that are set, as <c>name=value</c> pairs, or <c>none</c>.</summary>
    public static string Describe(RiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var parts = new List<string>();
        void Add(string name, decimal? value)
        {
            if (value is { } v) parts.Add($"{name}={PreTradeRiskCheck.Fmt(v)}");
        }
        Add("max_order_notional", limits.MaxOrderNotional);
        Add("max_order_quantity", limits.MaxOrderQuantity);
        Add("max_open_orders", limits.MaxOpenOrders);
        Add("max_position_notional", limits.MaxPositionNotional);
        Add("max_gross_exposure", limits.MaxGrossExposure);
        Add("max_net_exposure", limits.MaxNetExposure);
        Add("price_band_percent", limits.PriceBandPercent);
        Add("max_orders_per_second", limits.MaxOrdersPerSecond);
        Add("max_drawdown_percent", limits.MaxDrawdownPercent);
        Add("max_daily_loss", limits.MaxDailyLoss);
        Add("max_position_quantity", limits.MaxPositionQuantity);
        foreach (var entry in limits.Instruments)
        {
            var prefix = $"instrument[{entry.Instrument}].";
            Add(prefix + "max_order_notional", entry.MaxOrderNotional);
            Add(prefix + "max_order_quantity", entry.MaxOrderQuantity);
            Add(prefix + "max_position_quantity", entry.MaxPositionQuantity);
            Add(prefix + "max_position_notional", entry.MaxPositionNotional);
            Add(prefix + "price_band_percent", entry.PriceBandPercent);
        }
        foreach (var entry in limits.Strategies)
        {
            var prefix = $"strategy[{entry.Tag}].";
            Add(prefix + "max_order_notional", entry.MaxOrderNotional);
            Add(prefix + "max_order_quantity", entry.MaxOrderQuantity);
            Add(prefix + "max_open_orders", entry.MaxOpenOrders);
            Add(prefix + "max_position_quantity", entry.MaxPositionQuantity);
            Add(prefix + "max_position_notional", entry.MaxPositionNotional);
            Add(prefix + "max_gross_exposure", entry.MaxGrossExposure);
            Add(prefix + "max_net_exposure", entry.MaxNetExposure);
            Add(prefix + "price_band_percent", entry.PriceBandPercent);
            if (entry.Halted) parts.Add(prefix + "halted=true");
        }
        if (limits.BreachAction is { } action) parts.Add($"breach_action={action}");
        if (limits.CancelOrdersOnBreach) parts.Add("cancel_orders_on_breach=true");
        if (limits.FlattenOnBreach) parts.Add("flatten_on_breach=true");
        Add("fee_estimate_percent", limits.FeeEstimatePercent);
        Add("leverage", limits.Leverage);
        if (limits.StopLoss is { } stop)
        {
            parts.Add($"stop_loss={stop.Kind}:{PreTradeRiskCheck.Fmt(stop.Distance)}{(stop.Kind == StopDistanceKind.Percent ? "%" : string.Empty)}:{stop.TriggerPrice}");
        }
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
