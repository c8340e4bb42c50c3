using Microsoft.Extensions.DependencyInjection;

namespace Oms.Grains;

/// <summary>
/// One account's position in one instrument (key: <see cref="GrainKeys.Position"/>): one leg in one-way mode, a long
/// and a short leg in hedge mode (a fill's <see cref="Fill.PositionSide"/> picks the leg). Fills are applied exactly
/// once by trade id: the grain remembers the most recent <see cref="OmsGrainOptions.PositionTradeIdRetention"/> trade
/// ids (default 10,000), far more than the account's outbox can ever resend. Fees follow <see cref="FeeValuation"/>.
/// Snapshots report <see cref="PositionSnapshot.RealizedPnl"/> after fees (gross realized PnL minus
/// <see cref="PositionSnapshot.Fees"/>), both in the quote/settlement asset.
/// </summary>
public sealed class PositionGrain : Grain, IPositionGrain
{
    private static readonly PositionSide[] LegOrder = [PositionSide.Both, PositionSide.Long, PositionSide.Short];

    private readonly IPersistentState<PositionState> _state;
    private readonly IInstrumentCatalog _catalog;
    private readonly IReferencePriceSource _prices;
    private readonly TimeProvider _clock;
    private readonly OmsGrainOptions _options;
    private readonly ILogger<PositionGrain> _logger;
    private readonly HashSet<TradeId> _applied = [];

    private AccountId _account;
    private InstrumentId _instrument;
    private bool _poisoned;

    public PositionGrain(
        [PersistentState(OmsStorage.PositionState, OmsStorage.Name)] IPersistentState<PositionState> state,
        IInstrumentCatalog catalog,
        IReferencePriceSource prices,
        [FromKeyedServices(OmsGrainsServiceCollectionExtensions.ClockServiceKey)] TimeProvider clock,
        IOptions<OmsGrainOptions> options,
        ILogger<PositionGrain> logger)
    {
        _state = state;
        _catalog = catalog;
        _prices = prices;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    private PositionState S => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_account, _instrument) = GrainKeys.ParsePosition(this.GetPrimaryKeyString());
        ShapeState();
        Reindex();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<PositionSnapshot>> ApplyFillsAsync(IReadOnlyList<Fill> fills)
    {
        ArgumentNullException.ThrowIfNull(fills);
        ThrowIfPoisoned();
        var instrument = _catalog.TryGet(_instrument, out var spec) ? spec : null;
        var changed = false;
        foreach (var fill in fills)
        {
            if (fill is null) continue;
            if (fill.Instrument != _instrument)
            {
                _logger.LogError("Position {Account} {Instrument} refused fill {TradeId} of order {ClientOrderId}: it is for {FillInstrument}",
                    _account, _instrument, fill.TradeId, fill.ClientOrderId, fill.Instrument);
                continue;
            }
            if (fill.Validate() is { } problem)
            {
                _logger.LogError("Position {Account} {Instrument} dropped a malformed fill of order {ClientOrderId}: {Problem}",
                    _account, _instrument, fill.ClientOrderId, problem);
                continue;
            }
            if (!_applied.Add(fill.TradeId)) continue;

            if (instrument is null)
            {
                _logger.LogWarning("Position {Account} {Instrument} has no instrument spec: contract size 1 and fee {Fee} {FeeAsset} left unvalued",
                    _account, _instrument, fill.Fee, fill.FeeAsset);
            }
            try
            {
                Apply(fill, instrument);
                changed = true;
            }
            catch (DomainException ex)
            {
                // A fill the position math refuses is a broken invariant upstream; it must not block the fills after it.
                _applied.Remove(fill.TradeId);
                _logger.LogCritical(ex, "Position {Account} {Instrument} could not apply fill {TradeId} of order {ClientOrderId}; skipped",
                    _account, _instrument, fill.TradeId, fill.ClientOrderId);
            }
        }

        if (changed)
        {
            try
            {
                await _state.WriteStateAsync();
            }
            catch
            {
                // Storage did not take the batch: reload it so the retry (the account's outbox) applies it again.
                // If even that fails, this activation must not answer again: its trade-id set is ahead of storage.
                try
                {
                    await _state.ReadStateAsync();
                    ShapeState();
                    Reindex();
                }
                catch (Exception reloadError)
                {
                    _poisoned = true;
                    _logger.LogError(reloadError, "Position {Account} {Instrument} could not reload its state after a failed write; deactivating", _account, _instrument);
                    this.DeactivateOnIdle();
                }
                throw;
            }
        }
        return Snapshots(null);
    }

    public Task<IReadOnlyList<PositionSnapshot>> GetAsync(decimal? markPrice)
    {
        ThrowIfPoisoned();
        return Task.FromResult(Snapshots(markPrice));
    }

    public Task<IReadOnlyList<PositionHistoryEntry>> GetHistoryAsync(int maxCount)
    {
        var history = S.RecentHistory;
        var count = Math.Clamp(maxCount, 0, history.Count);
        var entries = new PositionHistoryEntry[count];
        for (var i = 0; i < count; i++) entries[i] = history[history.Count - count + i];
        return Task.FromResult<IReadOnlyList<PositionHistoryEntry>>(entries);
    }

    private void Apply(Fill fill, InstrumentSpec? instrument)
    {
        var side = Enum.IsDefined(fill.PositionSide) ? fill.PositionSide : PositionSide.Both;
        if (!S.Legs.TryGetValue(side, out var leg))
        {
            leg = new PositionLeg { Position = new Position(instrument?.ContractSize ?? 1m) };
            S.Legs[side] = leg;
        }
        var fee = FeeValuation.Evaluate(fill, instrument, _prices);
        var change = leg.Position.ApplyFill(fill.Side, fill.Quantity, fill.Price, fee.QuoteValue, fee.BaseAssetFee);
        leg.FillCount++;
        leg.UpdatedAt = Max(leg.UpdatedAt, fill.Timestamp);

        S.FillCount++;
        S.UpdatedAt = _clock.GetUtcNow();
        // O(1): the oldest trade id and history entry leave their rings.
        if (S.RecentTradeIds.Add(fill.TradeId, out var forgotten)) _applied.Remove(forgotten);
        S.RecentHistory.Add(new PositionHistoryEntry(fill.Timestamp, side, change, fill.TradeId, fill.Quantity, fill.Price) { UnvaluedFee = fee.Unvalued });

        if (fee.Unvalued is { } unvalued)
        {
            _logger.LogWarning("Position {Account} {Instrument} could not value fee {Fee} of trade {TradeId}: expensed as 0 and recorded in the history",
                _account, _instrument, unvalued, fill.TradeId);
        }
    }

    private IReadOnlyList<PositionSnapshot> Snapshots(decimal? markPrice)
    {
        var result = new List<PositionSnapshot>(S.Legs.Count);
        foreach (var side in LegOrder)
        {
            if (!S.Legs.TryGetValue(side, out var leg)) continue;
            var position = leg.Position;
            result.Add(new PositionSnapshot
            {
                Account = _account,
                Instrument = _instrument,
                Side = side,
                Quantity = position.Quantity,
                AverageEntryPrice = position.AverageEntryPrice,
                RealizedPnl = position.RealizedPnl,
                Fees = position.Fees,
                MarkPrice = markPrice,
                UnrealizedPnl = markPrice is { } mark ? position.UnrealizedPnl(mark) : null,
                UpdatedAt = leg.UpdatedAt,
                FillCount = leg.FillCount,
            });
        }
        return result;
    }

    private void Reindex()
    {
        _applied.Clear();
        for (var i = 0; i < S.RecentTradeIds.Count; i++) _applied.Add(S.RecentTradeIds[i]);
    }

    /// <summary>Sizes the rings to the configured retention and moves a legacy state's lists into them.</summary>
    private void ShapeState()
    {
        if (S.RecentTradeIds.Capacity != _options.PositionTradeIdRetention) S.RecentTradeIds.Resize(_options.PositionTradeIdRetention);
        if (S.RecentHistory.Capacity != _options.PositionHistoryCapacity) S.RecentHistory.Resize(_options.PositionHistoryCapacity);
        if (S.AppliedTradeIds.Count > 0)
        {
            foreach (var id in S.AppliedTradeIds) S.RecentTradeIds.Add(id);
            S.AppliedTradeIds.Clear();
        }
        if (S.History.Count > 0)
        {
            foreach (var entry in S.History) S.RecentHistory.Add(entry);
            S.History.Clear();
        }
    }

    private void ThrowIfPoisoned()
    {
        if (_poisoned) throw new InvalidOperationException($"position {_account} {_instrument} is deactivating after a storage failure; retry");
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
