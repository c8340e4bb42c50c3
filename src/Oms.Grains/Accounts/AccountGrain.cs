using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Oms.Grains;

/// <summary>
/// One venue account: the single writer of its orders, fills, balances and execution-report sequence.
/// <list type="bullet">
/// <item>Submits are idempotent by client order id; the intent is persisted before the place command is routed.</item>
/// <item>Fills are applied once by (instrument, trade id) and forwarded to their <see cref="PositionGrain"/> through a
/// persisted outbox, so a fill is never lost between the two grains.</item>
/// <item>Every order event gets the next execution-report sequence (gap-free); readers see a report only after the
/// state write that contains it returned.</item>
/// <item>The persisted state is hot only (see <see cref="AccountState"/>): closed orders, report history and old fill keys
/// move to the <see cref="IExecutionReportJournal"/> after the write that closed or produced them, and queries and
/// de-duplication of old fills read them back from there.</item>
/// </list>
/// Venue I/O never happens inside a turn: <see cref="IVenueOrderRouter.RouteAsync"/> only queues.
/// </summary>
public sealed partial class AccountGrain : Grain, IAccountGrain
{
    private readonly IPersistentState<AccountState> _state;
    private readonly TimeProvider _clock;
    private readonly IVenueOrderRouter _router;
    private readonly IInstrumentCatalog _catalog;
    private readonly IReferencePriceSource _prices;
    private readonly IExecutionReportJournal _journal;
    private readonly OmsGrainOptions _options;
    private readonly ILogger<AccountGrain> _logger;

    /// <summary>
    /// Keys of every fill the hot state holds (orders' fills, the window, unarchived unknown ones), with how many of
    /// those places hold each key, so a key leaving one place stays known while another still holds it.
    /// </summary>
    private readonly Dictionary<FillKey, int> _fillIndex = [];
    /// <summary>When orders passed the pre-trade check, for the per-second order rate (in memory only).</summary>
    private readonly Queue<DateTimeOffset> _recentSubmits = new();
    /// <summary>Orders whose place command may not have been queued; a query is routed for them.</summary>
    private readonly HashSet<ClientOrderId> _needsQuery = [];

    private AccountId _account;
    private string _accountHash = string.Empty;
    private IGrainTimer? _maintenanceTimer;
    private DeepCopier? _copier;

    public AccountGrain(
        [PersistentState(OmsStorage.AccountState, OmsStorage.Name)] IPersistentState<AccountState> state,
        [FromKeyedServices(OmsGrainsServiceCollectionExtensions.ClockServiceKey)] TimeProvider clock,
        IVenueOrderRouter router,
        IInstrumentCatalog catalog,
        IReferencePriceSource prices,
        IExecutionReportJournal journal,
        IOptions<OmsGrainOptions> options,
        ILogger<AccountGrain> logger)
    {
        _state = state;
        _clock = clock;
        _router = router;
        _catalog = catalog;
        _prices = prices;
        _journal = journal;
        _options = options.Value;
        _logger = logger;
    }

    private AccountState S => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = new AccountId(this.GetPrimaryKeyString());
        _accountHash = ClientOrderIds.AccountHash(_account);
        MigrateLegacyState();
        RebuildIndexes();
        _published = S.LastSequence;
        _journaledThrough = S.JournaledThrough;

        if (S.Provisioned)
        {
            await RefreshPolicyAsync();
            // A PendingNew order without a venue id may never have been queued (crash between persist and route):
            // ask the venue; the answer (accepted, fills or not found) comes back as venue events.
            foreach (var record in S.Orders.Values)
            {
                if (record.Order.Status == OrderStatus.PendingNew && record.Order.VenueOrderId is null) _needsQuery.Add(record.Order.ClientOrderId);
            }
            await RouteQueriesAsync();
            await CatchUpJournalAsync();
            await ArchiveClosedAsync();
            await FlushOutboxAsync();
            await AttachSessionsAsync();
        }
        EnsureMaintenanceTimer();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _maintenanceTimer?.Dispose();
        await DetachSessionsAsync();
        // Wake long-polling readers so they return what exists instead of waiting on a dead activation.
        _reportsArrived.TrySetResult();
        if (_outboxDirty)
        {
            try
            {
                await WriteAsync();
            }
            catch (Exception ex)
            {
                Log.DeactivationWriteFailed(_logger, ex, _account);
            }
        }
    }

    public async Task<AccountInfo> ProvisionAsync(AccountConfig config)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(config);
        ValidateConfig(config);
        if (S.Provisioned && S.Config!.Venue != config.Venue && S.Orders.Values.Any(r => r.Order.IsOpen))
        {
            throw new InvalidOperationException(
                $"account {_account} has open orders on {S.Config.Venue}; cancel them before moving the account to {config.Venue}");
        }

        var first = !S.Provisioned;
        S.Config = config with { Markets = config.Markets.Distinct().ToArray() };
        if (first)
        {
            S.Provisioned = true;
            S.ProvisionedAt = _clock.GetUtcNow();
        }
        await RefreshPolicyAsync();
        await PersistAsync();
        Log.Provisioned(_logger, _account, config.Venue, first);
        await AttachSessionsAsync();
        return Info();
    }

    public Task<AccountInfo> GetInfoAsync()
    {
        EnsureProvisioned();
        return Task.FromResult(Info());
    }

    public async Task<OrderSnapshot?> GetOrderAsync(ClientOrderId clientOrderId)
    {
        if (clientOrderId.Value is null) return null;
        if (S.Orders.TryGetValue(clientOrderId, out var record)) return Snap(record);
        // Closed and archived: the journal has it.
        var archived = await FindArchivedAsync(clientOrderId, "read order");
        return archived is null ? null : Snap(archived);
    }

    public async Task<IReadOnlyList<OrderSnapshot>> ListOrdersAsync(OrderQuery query)
    {
        query ??= new OrderQuery();
        var limit = Math.Clamp(query.Limit, 1, 10_000);
        var hot = S.Orders.Values
            .Where(r => (!query.OpenOnly || r.Order.IsOpen) && (query.Instrument is null || r.Order.Instrument == query.Instrument))
            .ToList();
        if (!query.OpenOnly)
        {
            // Closed orders come from the journal; an order both there and here (re-opened by a late fill) is the hot one.
            IReadOnlyList<OrderRecord> archived;
            try
            {
                archived = await _journal.ListOrdersAsync(_account, query.Instrument, limit);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"account {_account} could not list its closed orders from the execution-report journal: {ex.Message}", ex);
            }
            foreach (var record in archived)
            {
                if (!S.Orders.ContainsKey(record.Order.ClientOrderId)) hot.Add(record);
            }
        }
        IReadOnlyList<OrderSnapshot> orders = hot
            .OrderByDescending(r => r.CreatedSequence)
            .Take(limit)
            .Select(r => Snap(r))
            .ToArray();
        return orders;
    }

    public Task<IReadOnlyList<BalanceSnapshot>> GetBalancesAsync()
    {
        IReadOnlyList<BalanceSnapshot> balances = S.Balances
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .Select(b => new BalanceSnapshot(b.Key, b.Value.Free, b.Value.Locked, b.Value.UpdatedAt))
            .ToArray();
        return Task.FromResult(balances);
    }

    public async Task<IReadOnlyList<PositionSnapshot>> GetPositionsAsync()
    {
        var instruments = S.TradedInstruments.OrderBy(i => i.ToString(), StringComparer.Ordinal).ToArray();
        var legs = await Task.WhenAll(instruments.Select(instrument =>
            GrainFactory.GetPosition(_account, instrument).GetAsync(_prices.TryGetPrice(instrument))));
        return legs.SelectMany(l => l).ToArray();
    }

    public async Task ApplyRiskPolicyAsync(RiskPolicy policy)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(policy);
        if (!S.Provisioned)
        {
            // Nothing to enforce yet; provisioning pulls the current policy from the risk grain.
            return;
        }
        if (policy.Version <= S.Policy.Version)
        {
            Log.StalePolicyIgnored(_logger, _account, policy.Version, S.Policy.Version);
            return;
        }
        S.Policy = policy;
        await PersistAsync();
        Log.PolicyApplied(_logger, _account, policy.Version, policy.TradingState);
        await OnRiskPolicyAppliedAsync();
    }

    public async Task BeginReconciliationAsync(string reason)
    {
        EnsureProvisioned();
        S.Reconciling = true;
        S.ReconcilingReason = reason;
        S.ReconcilingSince ??= _clock.GetUtcNow();
        await PersistAsync();
        Log.ReconciliationStarted(_logger, _account, reason);
    }

    public async Task EndReconciliationAsync()
    {
        EnsureProvisioned();
        if (!S.Reconciling) return;
        S.Reconciling = false;
        S.ReconcilingReason = null;
        S.ReconcilingSince = null;
        await PersistAsync();
        Log.ReconciliationEnded(_logger, _account);
    }

    private AccountInfo Info() => new()
    {
        Account = _account,
        Config = S.Config!,
        TradingState = S.Policy.TradingState,
        Reconciling = S.Reconciling,
        LastSequence = _published,
        OpenOrderCount = OpenOrderCount(),
    };

    private int OpenOrderCount()
    {
        var count = 0;
        foreach (var record in S.Orders.Values)
        {
            if (record.Order.IsOpen) count++;
        }
        return count;
    }

    private void EnsureProvisioned()
    {
        if (!S.Provisioned) throw new KeyNotFoundException($"account {_account} is not provisioned");
    }

    private static void ValidateConfig(AccountConfig config)
    {
        if (!Enum.IsDefined(config.Venue)) throw new ArgumentException($"venue {(int)config.Venue} is not a known venue", nameof(config));
        if (config.Markets is null || config.Markets.Count == 0) throw new ArgumentException("an account must trade at least one market", nameof(config));
        foreach (var market in config.Markets)
        {
            if (!Enum.IsDefined(market)) throw new ArgumentException($"market type {(int)market} is not known", nameof(config));
        }
        if (!Enum.IsDefined(config.PositionMode)) throw new ArgumentException($"position mode {(int)config.PositionMode} is not known", nameof(config));
        if (!ClientOrderIds.IsValidPrefix(config.ClientOrderIdPrefix))
        {
            throw new ArgumentException(
                $"client order id prefix '{config.ClientOrderIdPrefix}' is invalid: use 1-{ClientOrderIds.MaxPrefixLength} letters or digits", nameof(config));
        }
    }

    /// <summary>Pulls the account's current policy from its risk grain; keeps the cached one when that fails.</summary>
    private async Task RefreshPolicyAsync()
    {
        try
        {
            var policy = await GrainFactory.GetRiskLimit(_account).GetPolicyAsync();
            if (policy.Version > S.Policy.Version) S.Policy = policy;
        }
        catch (Exception ex)
        {
            Log.PolicyRefreshFailed(_logger, ex, _account, S.Policy.Version);
        }
        await JoinFirmAsync();
    }

    private void EnsureMaintenanceTimer()
    {
        _maintenanceTimer ??= this.RegisterGrainTimer(
            static (grain, _) => grain.MaintainAsync(),
            this,
            new GrainTimerCreationOptions(_options.MaintenanceInterval, _options.MaintenanceInterval) { Interleave = false, KeepAlive = false });
    }

    /// <summary>Retries what could not be done inside a turn: position outbox, journal appends and archives, order queries.</summary>
    private async Task MaintainAsync()
    {
        if (_poisoned) return;
        await FlushOutboxAsync();
        await CatchUpJournalAsync();
        await ArchiveClosedAsync();
        await RouteQueriesAsync();
        if (_outboxDirty) await PersistAsync();
    }

    private void RebuildIndexes()
    {
        _fillIndex.Clear();
        foreach (var record in S.Orders.Values)
        {
            foreach (var key in record.FillKeys) IndexFill(key);
        }
        for (var i = 0; i < S.RecentFills.Count; i++) IndexFill(S.RecentFills[i].Key);
        foreach (var fill in S.UnarchivedFills) IndexFill(fill.Key);
        _ring = new RingBuffer<ExecutionReport>(_options.ExecutionReportRingCapacity);
        foreach (var report in S.RecentReports) _ring.Add(report);
    }

    /// <summary>
    /// Brings a state written before the hot/cold split (or under other retention options) into shape: closed orders
    /// still in <see cref="AccountState.Orders"/> are queued for the archive, the old trade-key list joins the window
    /// (with the activation time as their time, so older fills are checked against the journal), journaled reports leave.
    /// </summary>
    private void MigrateLegacyState()
    {
        var queued = S.ClosedOrders.ToHashSet();
        foreach (var record in S.Orders.Values.OrderBy(r => r.CreatedSequence))
        {
            if (!record.Order.IsOpen && queued.Add(record.Order.ClientOrderId)) S.ClosedOrders.Add(record.Order.ClientOrderId);
        }
        S.ClosedOrders.RemoveAll(id => !S.Orders.TryGetValue(id, out var record) || record.Order.IsOpen);

        if (S.RecentFills.Capacity != _options.RecentTradeKeyRetention)
        {
            foreach (var dropped in S.RecentFills.Resize(_options.RecentTradeKeyRetention)) MoveHorizon(dropped.Timestamp);
        }
        if (S.RecentTradeKeys.Count > 0)
        {
            var now = _clock.GetUtcNow();
            foreach (var key in S.RecentTradeKeys)
            {
                var trace = new FillTrace(key, now);
                S.UnarchivedFills.Add(trace);
                if (S.RecentFills.Add(trace, out var dropped)) MoveHorizon(dropped.Timestamp);
            }
            S.RecentTradeKeys.Clear();
        }
        S.RecentReports.RemoveAll(r => r.Sequence <= S.JournaledThrough);
    }

    /// <summary>The archived (closed) order with this id, or null; a journal failure fails the call, naming what it was for.</summary>
    private async Task<OrderRecord?> FindArchivedAsync(ClientOrderId clientOrderId, string purpose)
    {
        try
        {
            var found = await _journal.FindOrdersAsync(_account, [clientOrderId]);
            return found.Count > 0 ? found[0] : null;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"account {_account} could not {purpose} '{clientOrderId}' against its closed orders in the execution-report journal: {ex.Message}", ex);
        }
    }

    private void IndexFill(FillKey key) => _fillIndex[key] = _fillIndex.GetValueOrDefault(key) + 1;

    private void UnindexFill(FillKey key)
    {
        if (!_fillIndex.TryGetValue(key, out var count)) return;
        if (count <= 1) _fillIndex.Remove(key);
        else _fillIndex[key] = count - 1;
    }

    private bool IsKnownFill(FillKey key) => _fillIndex.ContainsKey(key);

    private DeepCopier Copier => _copier ??= ServiceProvider.GetRequiredService<DeepCopier>();
}
