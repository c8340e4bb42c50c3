using Oms.Observability;

namespace Oms.Grains;

// The risk engine inside the account grain: the pre-trade check set on the submit path (inside the single-writer turn,
// so two orders on one account can never jointly pass an account limit), the firm exposure reservation, the account's
// own book (positions from its fills, open orders, marks), equity, position sizing, automatic stop-loss and flatten.
public sealed partial class AccountGrain : IAccountRiskGrain, ILifecycleParticipant<IGrainLifecycle>
{
    /// <summary>Who the order history names for the automatic stop-loss.</summary>
    public const string StopLossRequester = "risk-engine:stop-loss";

    /// <summary>Legs whose position changed in the current venue-event batch (for the stop-loss policy).</summary>
    private readonly HashSet<PositionLegKey> _legsChanged = [];
    /// <summary>Set while the risk engine submits its own protective order (stop-loss, flatten) through the submit path.</summary>
    private bool _protectiveSubmit;

    private AccountRiskState R => S.Risk;

    // ------------------------------------------------------------------ submit and amend

    /// <summary>
    /// Validation, filters, trading state and every limit for a new order (see <see cref="PreTradeRiskEngine"/>); then,
    /// only when the firm has an exposure limit, the one hop that reserves the account's new exposure with the firm.
    /// A futures margin verdict that depends on a venue leverage the account does not know yet reads it from the venue
    /// first (once per instrument). Null means the order may go.
    /// </summary>
    private async Task<Denial?> EvaluateAsync(OrderSpec spec, ClientOrderId clientOrderId)
    {
        var config = S.Config!;
        if (ClientOrderIds.Problem(config.Venue, clientOrderId) is { } idProblem) return new Denial(DenialCode.InvalidOrder, idProblem);
        if (spec.Validate() is { } invalid) return invalid;
        if (!_catalog.TryGet(spec.Instrument, out var instrument)) return UnknownInstrument(spec.Instrument);

        var request = BuildRequest(spec, instrument, exclude: null, amend: false);
        var outcome = PreTradeRiskEngine.Evaluate(request);
        // The venue's leverage is read only when the verdict may depend on it (once per instrument), then judged again.
        if (!request.Protective && MayDependOnVenueLeverage(instrument, outcome) && await ReadMissingLeverageAsync(instrument))
        {
            request = BuildRequest(spec, instrument, exclude: null, amend: false);
            outcome = PreTradeRiskEngine.Evaluate(request);
        }
        if (outcome.Denial is not null || request.Protective || !outcome.Limits.HasFirmExposureLimit) return outcome.Denial;
        return outcome.ExposureAfter is { } after
            ? await ReserveFirmExposureAsync(after)
            : new Denial(DenialCode.FirmRiskUnavailable, $"the exposure of account {_account} with this order could not be measured for the firm limit");
    }

    /// <summary>
    /// An amend is judged like a new order on its new terms (the amended order's old terms left out of the book),
    /// except that an amend which only lowers the quantity (risk-reducing) passes whatever the trading state and limits.
    /// </summary>
    private async Task<Denial?> EvaluateAmendAsync(Order order, decimal? newQuantity, decimal? newLimitPrice)
    {
        if (!_catalog.TryGet(order.Instrument, out var instrument)) return UnknownInstrument(order.Instrument);
        var amended = order.Spec with { Quantity = newQuantity ?? order.Quantity, LimitPrice = newLimitPrice ?? order.LimitPrice };
        var onlyReduces = newLimitPrice is null && newQuantity is { } q && q < order.Quantity;
        Denial? denial;
        if (onlyReduces)
        {
            denial = PreTradeRiskEngine.CheckFilters(amended, instrument, _prices.TryGetPrice(order.Instrument));
        }
        else
        {
            var outcome = PreTradeRiskEngine.Evaluate(BuildRequest(amended, instrument, exclude: order.ClientOrderId, amend: true));
            if (MayDependOnVenueLeverage(instrument, outcome) && await ReadMissingLeverageAsync(instrument))
                outcome = PreTradeRiskEngine.Evaluate(BuildRequest(amended, instrument, exclude: order.ClientOrderId, amend: true));
            denial = outcome.Denial;
            if (denial is null && outcome.Limits.HasFirmExposureLimit && outcome.ExposureAfter is { } after) denial = await ReserveFirmExposureAsync(after);
        }
        return denial is null ? null : denial with { Reason = $"amend of order {order.ClientOrderId} refused: {denial.Reason}" };
    }

    private Denial UnknownInstrument(InstrumentId instrument) =>
        new(DenialCode.UnknownInstrument, $"instrument {instrument} is not known to the OMS");

    /// <summary>
    /// Builds the check request: one pass over the orders (open-order counts, the book's open orders, pending reductions,
    /// the quote and base that open spot orders lock), the positions from the account's fills, marks and balances.
    /// </summary>
    private PreTradeRequest BuildRequest(OrderSpec spec, InstrumentSpec instrument, ClientOrderId? exclude, bool amend)
    {
        var config = S.Config!;
        var policy = S.Policy;
        var firm = R.FirmPolicy;
        var reference = _prices.TryGetPrice(spec.Instrument);
        var limits = RiskLimitHierarchy.Resolve(firm.Limits, policy.Limits, spec.Instrument, spec.StrategyTag);
        var protective = _protectiveSubmit;
        var hasBalances = S.Balances.Count > 0;
        var strategyTag = limits.Strategy is { } strategy
            && (strategy.MaxPositionQuantity ?? strategy.MaxPositionNotional ?? strategy.MaxGrossExposure ?? strategy.MaxNetExposure) is not null
            ? strategy.Tag
            : null;
        var needsBook = protective || limits.NeedsBook || hasBalances || spec.ReduceOnly || spec.PositionSide != PositionSide.Both;
        var needsReduce = policy.TradingState == TradingState.Reducing || firm.TradingState == TradingState.Reducing || S.Reconciling
            || limits.Strategy is { Halted: true };

        var book = needsBook ? new RiskBookBuilder() : null;
        var strategyBook = strategyTag is null ? null : new RiskBookBuilder();
        var fallbackMarks = needsBook ? new Dictionary<InstrumentId, decimal>() : null;
        Dictionary<string, decimal>? quoteLocks = null;
        Dictionary<string, decimal>? baseLocks = null;
        var feeRate = limits.FeeEstimatePercent / 100m;
        var openCount = 0;
        var strategyOpen = 0;
        var pendingReduction = 0m;
        foreach (var record in S.Orders.Values)
        {
            var order = record.Order;
            if (!order.IsOpen) continue;
            openCount++;
            var other = order.Spec;
            if (other.StrategyTag is { } tag && spec.StrategyTag is not null && string.Equals(tag, spec.StrategyTag, StringComparison.Ordinal)) strategyOpen++;
            if (exclude is { } skip && order.ClientOrderId == skip) continue;
            if (IsCoveredBySibling(record)) continue; // an OCO pair counts once (only one leg can execute)
            var leaves = order.LeavesQuantity;
            // Reduce-only and hedge-closing orders (a bracket's other exit leg) cannot flip the leg with this order: not counted.
            if (other.Instrument == spec.Instrument && other.PositionSide == spec.PositionSide && other.Side == spec.Side
                && PreTradeRiskEngine.CountsAsPendingReduction(other)) pendingReduction += leaves;
            if (book is null) continue;

            var reduceOnly = other.ReduceOnly;
            book.AddOpenOrder(other.Instrument, other.PositionSide, other.Side, leaves, reduceOnly);
            if (strategyBook is not null && string.Equals(other.StrategyTag, strategyTag, StringComparison.Ordinal))
                strategyBook.AddOpenOrder(other.Instrument, other.PositionSide, other.Side, leaves, reduceOnly);
            var price = order.LimitPrice ?? other.StopPrice ?? other.ActivationPrice;
            if (price is > 0m) fallbackMarks!.TryAdd(other.Instrument, price.Value);

            if (hasBalances && other.Instrument.Market == MarketType.Spot && _catalog.TryGet(other.Instrument, out var otherSpec))
            {
                if (other.Side == OrderSide.Buy)
                {
                    var valuation = price ?? _prices.TryGetPrice(other.Instrument);
                    var lockAmount = other.QuoteQuantity is { } quote && order.FilledQuantity == 0m ? quote
                        : valuation is { } p ? leaves * p * otherSpec.ContractSize : 0m;
                    quoteLocks ??= new(StringComparer.Ordinal);
                    quoteLocks[otherSpec.QuoteAsset] = quoteLocks.GetValueOrDefault(otherSpec.QuoteAsset) + (lockAmount * (1m + feeRate));
                }
                else
                {
                    baseLocks ??= new(StringComparer.Ordinal);
                    baseLocks[otherSpec.BaseAsset] = baseLocks.GetValueOrDefault(otherSpec.BaseAsset) + leaves;
                }
            }
        }

        RiskBook? riskBook = null;
        RiskBook? riskStrategyBook = null;
        if (book is not null)
        {
            // Flat legs too: a leg the account has traded is a known position (reduce-only correctness needs it).
            foreach (var (leg, quantity) in S.NetPositions) book.AddPosition(leg.Instrument, leg.Side, quantity);
            riskBook = MarkAll(book, fallbackMarks!).Build();
        }
        if (strategyBook is not null)
        {
            foreach (var (key, quantity) in R.StrategyPositions)
            {
                if (quantity != 0m && string.Equals(key.Tag, strategyTag, StringComparison.Ordinal)) strategyBook.AddPosition(key.Instrument, key.Side, quantity);
            }
            riskStrategyBook = MarkAll(strategyBook, fallbackMarks!).Build();
        }

        return new PreTradeRequest
        {
            Account = _account,
            Venue = config.Venue,
            Markets = config.Markets,
            PositionMode = config.PositionMode,
            Spec = spec,
            Instrument = instrument,
            ReferencePrice = reference,
            Limits = policy.Limits,
            TradingState = policy.TradingState,
            TradingStateReason = policy.TradingStateReason,
            FirmLimits = firm.Limits,
            FirmTradingState = firm.TradingState,
            FirmTradingStateReason = firm.TradingStateReason,
            Reconciling = S.Reconciling,
            ReducesPosition = needsReduce && ReducesPosition(spec, instrument, reference, pendingReduction),
            OpenOrderCount = amend ? 0 : openCount,
            OrdersInLastSecond = amend ? 0 : OrdersInLastSecond(),
            StrategyOpenOrderCount = amend ? 0 : strategyOpen,
            Book = riskBook,
            StrategyBook = riskStrategyBook,
            Balances = hasBalances ? Balances(instrument, riskBook, quoteLocks, baseLocks) : null,
            VenueLeverage = R.VenueLeverage,
            QuoteRate = QuoteRate(instrument.QuoteAsset),
            ValuationAsset = _options.RiskValuationAsset,
            Protective = protective,
        };
    }

    /// <summary>Marks every line: reference price, else the last fill price, else an open order's price on the instrument.</summary>
    private RiskBookBuilder MarkAll(RiskBookBuilder builder, Dictionary<InstrumentId, decimal> fallbackMarks)
    {
        foreach (var (instrument, leg) in builder.Keys.ToArray())
        {
            var mark = Mark(instrument) ?? (fallbackMarks.TryGetValue(instrument, out var fallback) ? fallback : null);
            if (_catalog.TryGet(instrument, out var spec))
                builder.Mark(instrument, leg, mark, spec.ContractSize, spec.QuoteAsset, QuoteRate(spec.QuoteAsset));
            else
                builder.Mark(instrument, leg, mark, 1m, string.Empty, null);
        }
        return builder;
    }

    /// <summary>What the balance and margin checks may spend on an order of this instrument.</summary>
    private BalanceView Balances(InstrumentSpec instrument, RiskBook? book, Dictionary<string, decimal>? quoteLocks, Dictionary<string, decimal>? baseLocks)
    {
        if (instrument.Market == MarketType.Spot)
        {
            decimal? Available(string asset, Dictionary<string, decimal>? locks) => S.Balances.TryGetValue(asset, out var balance)
                ? Math.Min(balance.Free, balance.Free + balance.Locked - (locks?.GetValueOrDefault(asset) ?? 0m))
                : null;
            return new BalanceView
            {
                QuoteAvailable = Available(instrument.QuoteAsset, quoteLocks),
                BaseAvailable = Available(instrument.BaseAsset, baseLocks),
            };
        }
        if (!S.Balances.TryGetValue(instrument.QuoteAsset, out var margin)) return new BalanceView();
        var unrealized = 0m;
        foreach (var (leg, position) in R.Legs)
        {
            if (leg.Instrument.Market == MarketType.Spot || position.IsFlat) continue;
            if (!_catalog.TryGet(leg.Instrument, out var spec) || !string.Equals(spec.QuoteAsset, instrument.QuoteAsset, StringComparison.Ordinal)) continue;
            if (Mark(leg.Instrument) is { } mark) unrealized += position.UnrealizedPnl(mark);
        }
        return new BalanceView { MarginEquity = margin.Free + margin.Locked + unrealized };
    }

    /// <summary>
    /// Whether an order reduces its position leg. Futures use the leg the account's own fills add up to (less the other
    /// open orders already reducing it); spot uses the free balance of the base asset when the venue reported one (what
    /// can be sold), else the fills.
    /// </summary>
    private bool ReducesPosition(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice, decimal pendingReduction)
    {
        if (instrument.Market == MarketType.Spot && S.Balances.TryGetValue(instrument.BaseAsset, out var balance))
        {
            return PreTradeRiskEngine.Reduces(spec, balance.Free, 0m, referencePrice);
        }
        var leg = S.NetPositions.GetValueOrDefault(new PositionLegKey(spec.Instrument, spec.PositionSide));
        return PreTradeRiskEngine.Reduces(spec, leg, pendingReduction, referencePrice);
    }

    /// <summary>The reference price, else the last fill price, else null.</summary>
    private decimal? Mark(InstrumentId instrument) =>
        _prices.TryGetPrice(instrument) is > 0m and var price ? price : R.LastFillPrices.TryGetValue(instrument, out var last) ? last : null;

    /// <summary>Converts one unit of an asset to the valuation asset: 1 for itself, else the reference price of <c>{asset}{valuation}</c> on the account's venue.</summary>
    private decimal? QuoteRate(string asset) => AssetPrice(asset);

    private decimal? AssetPrice(string asset)
    {
        var valuation = _options.RiskValuationAsset;
        if (string.Equals(asset, valuation, StringComparison.Ordinal)) return 1m;
        var venue = S.Config?.Venue ?? Venue.Binance;
        var symbol = asset + valuation;
        if (string.IsNullOrEmpty(asset) || symbol.Length > 32 || symbol.Any(c => char.IsWhiteSpace(c) || c == ':')) return null;
        return _prices.TryGetPrice(new InstrumentId(venue, MarketType.Spot, symbol)) is > 0m and var price ? price : null;
    }

    // ------------------------------------------------------------------ firm

    private async Task<Denial?> ReserveFirmExposureAsync(Exposure after)
    {
        var claim = NextClaim(after);
        try
        {
            return (await GrainFactory.GetFirmRisk().ReserveAsync(claim)).Denial;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account} could not reserve exposure with the firm risk grain", _account);
            return new Denial(DenialCode.FirmRiskUnavailable,
                $"the firm exposure limit could not be checked, so the order is refused: {ex.Message}");
        }
    }

    private ExposureClaim NextClaim(Exposure exposure)
    {
        var now = _clock.GetUtcNow();
        R.ClaimSequence = Math.Max(R.ClaimSequence + 1, now.UtcTicks);
        return new ExposureClaim(_account, R.ClaimSequence, exposure.Gross, exposure.NetLong, exposure.NetShort, now);
    }

    /// <summary>Registers with the firm risk grain and takes the firm policy (on activation and provisioning).</summary>
    private async Task JoinFirmAsync()
    {
        try
        {
            var firm = await GrainFactory.GetFirmRisk().JoinAsync(_account);
            if (firm.Version > R.FirmPolicy.Version) R.FirmPolicy = firm;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Account {Account} could not join the firm risk book; keeping firm policy version {Version}", _account, R.FirmPolicy.Version);
        }
        if (S.Provisioned) PublishRiskGauges();
    }

    public async Task ApplyFirmPolicyAsync(RiskPolicy firmPolicy)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(firmPolicy);
        if (firmPolicy.Version <= R.FirmPolicy.Version) return;
        R.FirmPolicy = firmPolicy;
        if (!S.Provisioned) return;
        await PersistAsync();
        PublishRiskGauges();
        _logger.LogInformation("Account {Account} applied firm policy version {Version} ({State})", _account, firmPolicy.Version, firmPolicy.TradingState);
        await ReportExposureToFirmAsync();
    }

    /// <summary>Sends the account's current exposure to the firm (one-way) while the firm has an exposure limit.</summary>
    private async Task ReportExposureToFirmAsync((Exposure Exposure, List<InstrumentId> Unvalued)? measured = null)
    {
        var firm = R.FirmPolicy.Limits;
        if (firm.MaxGrossExposure is null && firm.MaxNetExposure is null) return;
        var (exposure, unvalued) = measured ?? CurrentExposure();
        if (unvalued.Count > 0) return; // the firm keeps the last claim it could value
        try
        {
            await GrainFactory.GetFirmRisk().UpdateClaimAsync(NextClaim(exposure));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Account {Account} could not report its exposure to the firm", _account);
        }
    }

    /// <summary>The account's worst-case exposure over the lines that can be valued, and the instruments that cannot.</summary>
    private (Exposure Exposure, List<InstrumentId> Unvalued) CurrentExposure()
    {
        var builder = new RiskBookBuilder();
        var fallback = new Dictionary<InstrumentId, decimal>();
        foreach (var record in S.Orders.Values)
        {
            var order = record.Order;
            if (!order.IsOpen || IsCoveredBySibling(record)) continue;
            builder.AddOpenOrder(order.Instrument, order.Spec.PositionSide, order.Spec.Side, order.LeavesQuantity, order.Spec.ReduceOnly);
            if ((order.LimitPrice ?? order.Spec.StopPrice ?? order.Spec.ActivationPrice) is > 0m and var price) fallback.TryAdd(order.Instrument, price);
        }
        foreach (var (leg, quantity) in S.NetPositions)
        {
            if (quantity != 0m) builder.AddPosition(leg.Instrument, leg.Side, quantity);
        }
        var exposure = Exposure.Zero;
        var unvalued = new List<InstrumentId>();
        foreach (var line in MarkAll(builder, fallback).Build().Lines)
        {
            if (line.ToExposure() is { } value) exposure += value;
            else unvalued.Add(line.Instrument);
        }
        return (exposure, unvalued);
    }

    // ------------------------------------------------------------------ gauges

    /// <summary>
    /// Reports the account's worst-case exposure and its trading state in force (the stricter of the account's and the
    /// firm's) on the account gauges (<c>OmsTelemetry.AccountRisk</c>, tag: account only). Refreshed after every
    /// venue-event batch (acks, fills, cancels), every policy change and on activation; lines nothing can value are
    /// left out, as in <see cref="GetExposureAsync"/>.
    /// </summary>
    private void PublishRiskGauges(Exposure? measured = null)
    {
        try
        {
            var exposure = measured ?? CurrentExposure().Exposure;
            var state = (TradingState)Math.Max((int)S.Policy.TradingState, (int)R.FirmPolicy.TradingState);
            OmsTelemetry.AccountRisk.SetExposure(_account.Value, (double)exposure.Gross, (double)exposure.Net);
            OmsTelemetry.AccountRisk.SetTradingState(_account.Value, (int)state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "Account {Account} could not report its risk gauges", _account);
        }
    }

    /// <summary>Stops reporting the account's gauges on this silo when the activation ends (the next activation reports again).</summary>
    void ILifecycleParticipant<IGrainLifecycle>.Participate(IGrainLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AccountGrain) + ".RiskGauges", GrainLifecycleStage.Activate, _ => Task.CompletedTask, _ =>
        {
            if (_account.Value is not null) OmsTelemetry.AccountRisk.RemoveExposure(_account.Value);
            return Task.CompletedTask;
        });

    // ------------------------------------------------------------------ venue events and policy hooks

    /// <summary>Adds a fill to the risk engine's view: the leg's position and entry, the last fill price, the strategy's position.</summary>
    private void TrackRiskFill(Fill fill)
    {
        var leg = new PositionLegKey(fill.Instrument, fill.PositionSide);
        var instrument = _catalog.TryGet(fill.Instrument, out var spec) ? spec : null;
        var baseFee = instrument is { Market: MarketType.Spot } && fill.Fee > 0m && string.Equals(fill.FeeAsset, instrument.BaseAsset, StringComparison.Ordinal)
            && (fill.Side == OrderSide.Sell || fill.Fee < fill.Quantity)
            ? fill.Fee
            : 0m;
        if (!R.Legs.TryGetValue(leg, out var position))
        {
            position = new Position(instrument?.ContractSize ?? 1m);
            R.Legs[leg] = position;
        }
        try
        {
            position.ApplyFill(fill.Side, fill.Quantity, fill.Price, 0m, baseFee);
        }
        catch (DomainException ex)
        {
            _logger.LogError(ex, "Account {Account} could not add fill {TradeId} to its risk view of {Instrument}", _account, fill.TradeId, fill.Instrument);
        }
        if (position.IsFlat) R.Legs.Remove(leg);
        R.LastFillPrices[fill.Instrument] = fill.Price;

        if (S.Orders.TryGetValue(fill.ClientOrderId, out var record) && record.Order.Spec.StrategyTag is { } tag)
        {
            var key = new StrategyLegKey(tag, fill.Instrument, fill.PositionSide);
            var delta = fill.Side == OrderSide.Buy ? fill.Quantity - baseFee : -(fill.Quantity + baseFee);
            var next = R.StrategyPositions.GetValueOrDefault(key) + delta;
            if (next == 0m) R.StrategyPositions.Remove(key);
            else R.StrategyPositions[key] = next;
        }
        _legsChanged.Add(leg);
    }

    /// <summary>
    /// After a venue-event batch was applied and persisted: keeps the protective stops in step with the positions,
    /// reports the exposure to the firm and the equity to the risk grain (both one-way: the account never waits for them).
    /// </summary>
    private async Task OnVenueEventsAppliedAsync()
    {
        if (!S.Provisioned || _poisoned) return;
        var changed = _legsChanged.ToArray();
        _legsChanged.Clear();
        if (S.Policy.Limits.StopLoss is not null && changed.Length > 0) await MaintainProtectiveStopsAsync(changed);
        var exposure = CurrentExposure();
        PublishRiskGauges(exposure.Exposure);
        await ReportExposureToFirmAsync(exposure);
        if (S.Policy.Limits.WatchesEquity)
        {
            try
            {
                await GrainFactory.GetRiskLimit(_account).ObserveEquityAsync(ComputeEquity());
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Account {Account} could not report its equity to its risk grain", _account);
            }
        }
    }

    /// <summary>After a new risk policy was applied: protect every open position when a stop-loss policy is set, drop the stops when it is removed.</summary>
    private async Task OnRiskPolicyAppliedAsync()
    {
        if (!S.Provisioned || _poisoned) return;
        PublishRiskGauges();
        var legs = S.NetPositions.Where(p => p.Value != 0m).Select(p => p.Key).Concat(R.ProtectiveStops.Keys).Distinct().ToArray();
        if (legs.Length > 0) await MaintainProtectiveStopsAsync(legs);
    }

    // ------------------------------------------------------------------ automatic stop-loss and flatten

    /// <summary>Decides (<see cref="ProtectiveStopPlanner"/>) and carries out each leg's protective stop: place, replace (cancel + place) or cancel.</summary>
    private async Task MaintainProtectiveStopsAsync(IReadOnlyCollection<PositionLegKey> legs)
    {
        var policy = S.Policy.Limits.StopLoss;
        foreach (var leg in legs)
        {
            try
            {
                ClientOrderId? workingId = null;
                WorkingStop? working = null;
                if (R.ProtectiveStops.TryGetValue(leg, out var id))
                {
                    if (S.Orders.TryGetValue(id, out var record) && record.Order.IsOpen && record.Order.Status != OrderStatus.PendingCancel)
                    {
                        workingId = id;
                        working = new WorkingStop(record.Order.Spec.Side, record.Order.Quantity, record.Order.Spec.StopPrice ?? 0m);
                    }
                    else
                    {
                        R.ProtectiveStops.Remove(leg);
                    }
                }

                ProtectiveStopDecision decision;
                if (policy is null)
                {
                    decision = working is null
                        ? new ProtectiveStopDecision(ProtectiveStopAction.None, null, "no stop-loss policy")
                        : new ProtectiveStopDecision(ProtectiveStopAction.Cancel, null, "the stop-loss policy was removed");
                }
                else if (!_catalog.TryGet(leg.Instrument, out var instrument))
                {
                    continue;
                }
                else
                {
                    var entry = R.Legs.TryGetValue(leg, out var position) ? position.AverageEntryPrice : 0m;
                    decision = ProtectiveStopPlanner.Plan(policy, instrument, S.Config!.PositionMode, leg.Side, S.NetPositions.GetValueOrDefault(leg), entry, working);
                }
                if (decision.Action == ProtectiveStopAction.None) continue;

                _logger.LogInformation("Stop-loss of {Account} {Instrument} {Leg}: {Action} — {Reason}", _account, leg.Instrument, leg.Side, decision.Action, decision.Reason);
                if (decision.Action is ProtectiveStopAction.Cancel or ProtectiveStopAction.Replace && workingId is { } cancelId)
                {
                    R.ProtectiveStops.Remove(leg);
                    var cancel = await CancelOrderAsync(new CancelOrder { ClientOrderId = cancelId, RequestedBy = StopLossRequester });
                    if (cancel.Denial is { } refused) _logger.LogWarning("Stop-loss of {Account}: cancel of {Order} refused: {Denial}", _account, cancelId, refused);
                }
                if (decision.Action is ProtectiveStopAction.Place or ProtectiveStopAction.Replace && decision.Spec is { } spec)
                {
                    var newId = NextClientOrderId();
                    R.ProtectiveStops[leg] = newId;
                    var result = await SubmitProtectiveAsync(spec, StopLossRequester, newId);
                    if (result.Order.Status == OrderStatus.Denied)
                    {
                        R.ProtectiveStops.Remove(leg);
                        _logger.LogWarning("Stop-loss of {Account} {Instrument}: the stop was denied: {Denial}", _account, leg.Instrument, result.Order.Denial);
                    }
                }
            }
            catch (Exception ex) when (!_poisoned)
            {
                _logger.LogError(ex, "Stop-loss of {Account} {Instrument} {Leg} failed; retried on the next position change", _account, leg.Instrument, leg.Side);
            }
        }
    }

    /// <summary>Submits an order of the risk engine itself through the normal submit path, judged as a protective order.</summary>
    private async Task<SubmitOrderResult> SubmitProtectiveAsync(OrderSpec spec, string requestedBy, ClientOrderId? clientOrderId = null)
    {
        _protectiveSubmit = true;
        try
        {
            return await SubmitOrderAsync(new SubmitOrder { Spec = spec, ClientOrderId = clientOrderId, RequestedBy = requestedBy });
        }
        finally
        {
            _protectiveSubmit = false;
        }
    }

    public async Task<FlattenResult> FlattenAsync(string reason, string requestedBy)
    {
        ThrowIfPoisoned();
        EnsureProvisioned();
        var who = string.IsNullOrWhiteSpace(requestedBy) ? "risk-engine" : requestedBy;
        var submitted = new List<OrderSnapshot>();
        var skipped = new List<string>();
        var config = S.Config!;
        foreach (var (leg, quantity) in S.NetPositions.Where(p => p.Value != 0m).OrderBy(p => p.Key.Instrument.ToString(), StringComparer.Ordinal).ToArray())
        {
            if (!_catalog.TryGet(leg.Instrument, out var instrument))
            {
                skipped.Add($"{leg.Instrument}: instrument not known");
                continue;
            }
            // A spot stop locks the inventory: cancel the leg's protective stop first (the venue sees the cancel first).
            if (R.ProtectiveStops.Remove(leg, out var stopId) && S.Orders.TryGetValue(stopId, out var stop) && stop.Order.IsOpen)
            {
                await CancelOrderAsync(new CancelOrder { ClientOrderId = stopId, RequestedBy = who });
            }

            var spot = instrument.Market == MarketType.Spot;
            var amount = Math.Abs(quantity);
            if (spot)
            {
                if (quantity < 0m)
                {
                    skipped.Add($"{leg.Instrument}: a short spot balance cannot be closed by selling");
                    continue;
                }
                if (S.Balances.TryGetValue(instrument.BaseAsset, out var balance)) amount = Math.Min(amount, balance.Free + balance.Locked);
            }
            amount = instrument.NormalizeQuantity(amount, isMarket: true);
            if (amount <= 0m)
            {
                skipped.Add($"{leg.Instrument}: position {PreTradeRiskCheck.Fmt(quantity)} is below one step");
                continue;
            }
            var spec = new OrderSpec
            {
                Instrument = leg.Instrument,
                Side = quantity > 0m ? OrderSide.Sell : OrderSide.Buy,
                Type = OrderType.Market,
                Quantity = amount,
                ReduceOnly = !spot && config.PositionMode == PositionMode.OneWay,
                PositionSide = !spot && config.PositionMode == PositionMode.Hedge ? leg.Side : PositionSide.Both,
            };
            var result = await SubmitProtectiveAsync(spec, who);
            if (result.Order.Status == OrderStatus.Denied) skipped.Add($"{leg.Instrument}: {result.Order.Denial}");
            else submitted.Add(result.Order);
        }
        _logger.LogWarning("Account {Account} flattened by {RequestedBy} ({Reason}): {Submitted} orders, {Skipped} skipped", _account, who, reason, submitted.Count, skipped.Count);
        return new FlattenResult(submitted, skipped);
    }

    // ------------------------------------------------------------------ queries

    public async Task<OrderCheckResult> CheckOrderAsync(OrderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!S.Provisioned) return new OrderCheckResult { Denial = new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned") };
        if (spec.Validate() is { } invalid) return new OrderCheckResult { Denial = invalid };
        if (!_catalog.TryGet(spec.Instrument, out var instrument)) return new OrderCheckResult { Denial = UnknownInstrument(spec.Instrument) };

        var request = BuildRequest(spec, instrument, exclude: null, amend: false);
        var outcome = PreTradeRiskEngine.Evaluate(request);
        if (MayDependOnVenueLeverage(instrument, outcome) && await ReadMissingLeverageAsync(instrument))
        {
            request = BuildRequest(spec, instrument, exclude: null, amend: false);
            outcome = PreTradeRiskEngine.Evaluate(request);
        }
        var denial = outcome.Denial;
        var asset = _options.RiskValuationAsset;
        ExposureView? before = outcome.ExposureBefore is { } b ? new ExposureView(b.Gross, b.Net, asset) : null;
        ExposureView? after = outcome.ExposureAfter is { } a ? new ExposureView(a.Gross, a.Net, asset) : null;
        if (before is null && request.Book is { } book && PreTradeRiskEngine.EstimatedQuantity(spec, request.ReferencePrice) is { } quantity)
        {
            var line = PreTradeRiskEngine.OrderLine(request, book);
            if (PreTradeRiskEngine.TryExposure(book, line, line.With(spec.Side, quantity, spec.ReduceOnly), out var eb, out var ea, out _))
            {
                before = new ExposureView(eb.Gross, eb.Net, asset);
                after = new ExposureView(ea.Gross, ea.Net, asset);
            }
        }
        if (denial is null && outcome.Limits.HasFirmExposureLimit && outcome.ExposureAfter is { } firmAfter)
        {
            var claim = new ExposureClaim(_account, R.ClaimSequence, firmAfter.Gross, firmAfter.NetLong, firmAfter.NetShort, _clock.GetUtcNow());
            try
            {
                denial = (await GrainFactory.GetFirmRisk().CheckAsync(claim)).Denial;
            }
            catch (Exception ex)
            {
                denial = new Denial(DenialCode.FirmRiskUnavailable, $"the firm exposure limit could not be checked: {ex.Message}");
            }
        }
        return new OrderCheckResult
        {
            Denial = denial,
            Notional = PreTradeRiskEngine.Notional(spec, instrument, request.ReferencePrice),
            Before = before,
            After = after,
        };
    }

    public async Task<SizingResult> CalculatePositionSizeAsync(SizingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!S.Provisioned) return SizingFailure(DenialCode.AccountNotFound, $"account {_account} is not provisioned");
        if (!Enum.IsDefined(request.Side)) return SizingFailure(DenialCode.InvalidOrder, $"side {(int)request.Side} is not a known side");
        if (!_catalog.TryGet(request.Instrument, out var instrument)) return SizingFailure(DenialCode.UnknownInstrument, $"instrument {request.Instrument} is not known to the OMS");

        FirmHeadroom? headroom = null;
        var firm = R.FirmPolicy.Limits;
        if (firm.MaxGrossExposure is not null || firm.MaxNetExposure is not null)
        {
            try
            {
                headroom = await GrainFactory.GetFirmRisk().GetHeadroomAsync(_account);
            }
            catch (Exception ex)
            {
                return SizingFailure(DenialCode.FirmRiskUnavailable, $"the firm exposure limit could not be read: {ex.Message}");
            }
        }
        // Sizing judges many candidate quantities: the venue's leverage is read first when it is not known.
        await ReadMissingLeverageAsync(instrument);
        var equity = request.Equity ?? (request.Method == SizingMethod.FixedNotional ? null : ComputeEquity().Equity);

        Denial? Judge(OrderSpec spec)
        {
            var outcome = PreTradeRiskEngine.Evaluate(BuildRequest(spec, instrument, exclude: null, amend: false));
            if (outcome.Denial is not null || headroom is null) return outcome.Denial;
            if (outcome.ExposureAfter is not { } after) return null;
            return FirmExposureRules.Check(headroom.MaxGross, headroom.MaxNet,
                new Exposure(headroom.OthersGross, headroom.OthersNetLong, headroom.OthersNetShort),
                new Exposure(headroom.AccountGross, headroom.AccountNetLong, headroom.AccountNetShort), after, headroom.Asset);
        }

        return PositionSizer.Size(request, instrument, _prices.TryGetPrice(request.Instrument), QuoteRate(instrument.QuoteAsset), Judge, equity);
    }

    private static SizingResult SizingFailure(DenialCode code, string reason) => new()
    {
        Quantity = 0m,
        RawQuantity = 0m,
        BindingConstraint = code.Name(),
        BindingDenial = new Denial(code, reason),
        Explanation = reason,
    };

    public Task<AccountEquity> GetEquityAsync() => Task.FromResult(ComputeEquity());

    public Task<ExposureView> GetExposureAsync()
    {
        var (exposure, unvalued) = CurrentExposure();
        return Task.FromResult(new ExposureView(exposure.Gross, exposure.Net, _options.RiskValuationAsset) { Unvalued = unvalued });
    }

    /// <summary>Balances (free + locked) valued at reference prices, plus the unrealized PnL of the derivatives legs.</summary>
    private AccountEquity ComputeEquity()
    {
        var legs = new List<EquityLeg>();
        foreach (var (leg, position) in R.Legs)
        {
            if (leg.Instrument.Market == MarketType.Spot) continue;
            var quote = _catalog.TryGet(leg.Instrument, out var spec) ? QuoteRate(spec.QuoteAsset) : null;
            legs.Add(new EquityLeg(leg.Instrument, position, Mark(leg.Instrument), quote));
        }
        var balances = S.Balances.Select(b => new KeyValuePair<string, decimal>(b.Key, b.Value.Free + b.Value.Locked));
        return EquityCalculator.Compute(_options.RiskValuationAsset, balances, AssetPrice, legs, _clock.GetUtcNow());
    }
}
