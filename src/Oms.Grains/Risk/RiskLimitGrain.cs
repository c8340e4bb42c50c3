using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization.Invocation;

namespace Oms.Grains;

/// <summary>
/// An account's risk limits and trading state (or the firm's, under <see cref="GrainKeys.Firm"/>). Every change is
/// audited (who, when, old, new, reason), persisted, and then pushed to the account, awaited before the call returns,
/// so it takes effect on the account's next submit. The firm grain has no account to push to.
/// <para>
/// Reads (<see cref="GetPolicyAsync"/>, <see cref="GetAuditAsync"/>) interleave with changes: an account activated
/// by this grain's own push pulls its policy from here, and must not wait behind the push. They return only what a
/// completed write made durable.
/// </para>
/// </summary>
[MayInterleave(nameof(MayInterleave))]
public sealed class RiskLimitGrain : Grain, IRiskLimitGrain
{
    private readonly IPersistentState<RiskLimitState> _state;
    private readonly TimeProvider _clock;
    private readonly OmsGrainOptions _options;
    private readonly ILogger<RiskLimitGrain> _logger;

    private RiskPolicy _committed = RiskPolicy.Default;
    private IReadOnlyList<RiskAuditEntry> _committedAudit = [];
    private AccountId? _account;

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

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = Key == GrainKeys.Firm ? null : new AccountId(Key);
        Commit();
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
        if (limits == S.Limits) return _committed;

        var old = S.Limits;
        S.Limits = limits;
        await ChangeAsync(changedBy, "limits", Describe(old), Describe(limits), reason: null);
        return _committed;
    }

    public async Task<RiskPolicy> SetTradingStateAsync(TradingState state, string reason, string changedBy)
    {
        RequireWho(changedBy);
        var change = TradingStateMachine.Move(S.TradingState, state, TradingStateChangeKind.Manual);
        if (!change.Allowed) throw new ArgumentException($"trading state of {Key} cannot change: {change.Error}", nameof(state));
        if (!change.Changed) return _committed;

        S.TradingState = state;
        await ChangeAsync(changedBy, "trading_state", change.From.ToString(), change.To.ToString(), reason);
        _logger.LogWarning("Trading state of {Account} moved from {From} to {To} by {ChangedBy}: {Reason}", Key, change.From, change.To, changedBy, reason);
        return _committed;
    }

    private async Task ChangeAsync(string changedBy, string setting, string? oldValue, string? newValue, string? reason)
    {
        S.Version++;
        S.Audit.Add(new RiskAuditEntry(_clock.GetUtcNow(), changedBy, setting, oldValue, newValue, reason));
        var excess = S.Audit.Count - _options.RiskAuditCapacity;
        if (excess > 0) S.Audit.RemoveRange(0, excess);
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            // Storage did not take the change: go back to what it has, so reads never show an unpersisted policy.
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
        Commit();

        if (_account is { } account)
        {
            // Takes effect immediately: the call returns only once the account applied this version.
            await GrainFactory.GetAccount(account).ApplyRiskPolicyAsync(_committed);
        }
    }

    private void Commit()
    {
        _committed = new RiskPolicy(S.Limits, S.TradingState, S.Version);
        _committedAudit = S.Audit.ToArray();
    }

    private static void RequireWho(string changedBy)
    {
        if (string.IsNullOrWhiteSpace(changedBy)) throw new ArgumentException("a risk change must say who made it", nameof(changedBy));
    }

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
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
