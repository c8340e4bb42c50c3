using System.Globalization;

namespace Oms.Domain;

/// <summary>What the balance and margin checks may spend. Null values were never reported by the venue (check skipped).</summary>
public sealed record BalanceView
{
    /// <summary>Spot: quote asset still spendable — the smaller of the free balance and the total less what the OMS's own open buys need.</summary>
    public decimal? QuoteAvailable { get; init; }
    /// <summary>Spot: base asset still sellable — the smaller of the free balance and the total less the OMS's own open sells.</summary>
    public decimal? BaseAvailable { get; init; }
    /// <summary>Derivatives: the margin asset's balance (wallet) plus the unrealized PnL of the account's legs.</summary>
    public decimal? MarginEquity { get; init; }
}

/// <summary>Everything the pre-trade check set needs to judge one new order. Pure data, built by the account grain.</summary>
public sealed record PreTradeRequest
{
    public required AccountId Account { get; init; }
    /// <summary>The account's venue and markets (the instrument must be on them).</summary>
    public required Venue Venue { get; init; }
    public required IReadOnlyList<MarketType> Markets { get; init; }
    public PositionMode PositionMode { get; init; } = PositionMode.OneWay;
    public required OrderSpec Spec { get; init; }
    public required InstrumentSpec Instrument { get; init; }
    /// <summary>The instrument's reference price, when market data has one.</summary>
    public decimal? ReferencePrice { get; init; }
    public required RiskLimits Limits { get; init; }
    public RiskLimits? FirmLimits { get; init; }
    public TradingState TradingState { get; init; } = TradingState.Active;
    public string? TradingStateReason { get; init; }
    public TradingState FirmTradingState { get; init; } = TradingState.Active;
    public string? FirmTradingStateReason { get; init; }
    public bool Reconciling { get; init; }
    /// <summary>Whether the order reduces its position without going through zero (decided by the caller).</summary>
    public bool ReducesPosition { get; init; }
    /// <summary>The account's open orders before this one.</summary>
    public int OpenOrderCount { get; init; }
    /// <summary>Orders the account sent within the last second before this one.</summary>
    public int OrdersInLastSecond { get; init; }
    /// <summary>Open orders carrying the order's strategy tag.</summary>
    public int StrategyOpenOrderCount { get; init; }
    /// <summary>The account's book before this order; null is an empty book.</summary>
    public RiskBook? Book { get; init; }
    /// <summary>The order's strategy tag's own book; null is an empty book.</summary>
    public RiskBook? StrategyBook { get; init; }
    public BalanceView? Balances { get; init; }
    /// <summary>
    /// The leverage the venue applies to each derivatives instrument of the account, as the account learned it from the
    /// venue (leverage changes, settings reads, <c>ACCOUNT_CONFIG_UPDATE</c>); null or missing entries are not known.
    /// The margin check uses it, capped by <see cref="RiskLimits.Leverage"/> (see <see cref="ResolvedRiskLimits.MarginLeverage"/>).
    /// </summary>
    public IReadOnlyDictionary<InstrumentId, decimal>? VenueLeverage { get; init; }
    /// <summary>Converts the instrument's quote asset to the valuation asset (1 when the same); null when unknown.</summary>
    public decimal? QuoteRate { get; init; } = 1m;
    /// <summary>The asset exposure is measured in (named in denials).</summary>
    public string ValuationAsset { get; init; } = "USDT";
    /// <summary>
    /// A protective order of the risk engine itself (stop-loss, flatten): it only reduces, so it is judged by the
    /// account scope, the instrument filters and reduce-only correctness, whatever the trading state and limits.
    /// </summary>
    public bool Protective { get; init; }
}

/// <summary>The verdict: the first denial (or null), and the account's worst-case exposure with the order, when measured.</summary>
public readonly record struct PreTradeOutcome(Denial? Denial, Exposure? ExposureBefore, Exposure? ExposureAfter, ResolvedRiskLimits Limits)
{
    public bool Passed => Denial is null;
}

/// <summary>
/// The pre-trade check set, pure: account scope, instrument filters, trading state (firm and account), strategy halt,
/// reduce-only correctness, per-order limits, open orders and order rate, position per instrument, gross and net
/// exposure (account and strategy tag), balance or margin. The first failing check wins. Each refusal is a
/// <see cref="Denial"/> with one code, a reason naming the numbers, and the numbers (limit, would-be, unit).
/// <para>
/// Valuation: a priced order is valued at its limit price; a stop or trailing market order at its stop (or activation)
/// price; a market order at the reference price; a spot market order sized in quote currency at its quote quantity.
/// Positions and open orders are marked at the reference price (the caller's mark when none). A check that needs a
/// value no price can give is refused with <see cref="DenialCode.NoReferencePrice"/> (fails closed).
/// </para>
/// <para>
/// Position and exposure limits are measured in the worst case (see <see cref="BookLine"/>) and refuse an order only
/// when it would take the measure above the limit <em>and</em> make it larger than it is: an account already over a
/// limit (prices moved) can always reduce.
/// </para>
/// </summary>
public static class PreTradeRiskEngine
{
    /// <summary>Runs every check; returns the first denial (or none) and the exposure measured on the way.</summary>
    public static PreTradeOutcome Evaluate(PreTradeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Spec;
        var limits = RiskLimitHierarchy.Resolve(request.FirmLimits, request.Limits, spec.Instrument, spec.StrategyTag);

        var denial = CheckAccountScope(request.Account, request.Venue, request.Markets, request.PositionMode, spec)
            ?? CheckFilters(spec, request.Instrument, request.ReferencePrice);
        if (denial is not null) return new PreTradeOutcome(denial, null, null, limits);

        var book = request.Book ?? RiskBook.Empty;
        var line = OrderLine(request, book);
        if (request.Protective) return new PreTradeOutcome(CheckReduceOnly(spec, request.Instrument, request.ReferencePrice, line), null, null, limits);

        denial = CheckTradingStates(request, limits)
            ?? CheckReduceOnly(spec, request.Instrument, request.ReferencePrice, line)
            ?? CheckOrderLimits(spec, request.Instrument, request.ReferencePrice, limits)
            ?? CheckCounts(limits, request.OpenOrderCount, request.OrdersInLastSecond, request.StrategyOpenOrderCount);
        if (denial is not null) return new PreTradeOutcome(denial, null, null, limits);

        Exposure? before = null;
        Exposure? after = null;
        if (limits.NeedsBook)
        {
            denial = CheckBook(request, limits, book, line, out before, out after)
                ?? CheckStrategyBook(request, limits);
            if (denial is not null) return new PreTradeOutcome(denial, before, after, limits);
        }
        denial = CheckBalance(request, limits, book, line);
        return new PreTradeOutcome(denial, before, after, limits);
    }

    /// <summary>The instrument must be on the account's venue and in one of its markets; position sides must match the position mode.</summary>
    public static Denial? CheckAccountScope(AccountId account, Venue venue, IReadOnlyList<MarketType> markets, PositionMode positionMode, OrderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(spec);
        var instrument = spec.Instrument;
        if (instrument.Venue != venue)
        {
            return new Denial(DenialCode.InvalidOrder,
                $"instrument {instrument} is on {instrument.Venue}, but account {account} trades on {venue}");
        }
        if (!markets.Contains(instrument.Market))
        {
            return new Denial(DenialCode.InvalidOrder,
                $"account {account} does not trade the {instrument.Market} market (it trades {string.Join(", ", markets)}), so it cannot trade {instrument}");
        }
        if (instrument.Market != MarketType.Spot)
        {
            if (positionMode == PositionMode.Hedge && spec.PositionSide == PositionSide.Both)
                return new Denial(DenialCode.InvalidOrder, $"account {account} is in hedge mode: orders on {instrument} need position_side LONG or SHORT");
            if (positionMode == PositionMode.OneWay && spec.PositionSide != PositionSide.Both)
                return new Denial(DenialCode.InvalidOrder, $"account {account} is in one-way mode: position_side {spec.PositionSide} is not allowed on {instrument}");
        }
        return null;
    }

    /// <summary>
    /// Checks the order's price(s) and quantity against the instrument's filters without changing them: the strategy
    /// must send legal values, and the denial names the numbers.
    /// </summary>
    public static Denial? CheckFilters(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instrument);
        if (spec.QuoteQuantity is { } quote)
        {
            if (instrument.ApplyMinNotionalToMarket && instrument.MinNotional > 0m && quote < instrument.MinNotional)
            {
                return new Denial(DenialCode.NotionalBelowMin,
                    $"quote quantity {Fmt(quote)} {instrument.QuoteAsset} is below the minimum notional {Fmt(instrument.MinNotional)} {instrument.QuoteAsset} for {instrument.Id}",
                    instrument.MinNotional, quote, instrument.QuoteAsset);
            }
            if (instrument.MaxNotional > 0m && quote > instrument.MaxNotional)
            {
                return new Denial(DenialCode.NotionalAboveMax,
                    $"quote quantity {Fmt(quote)} {instrument.QuoteAsset} is above the maximum notional {Fmt(instrument.MaxNotional)} {instrument.QuoteAsset} for {instrument.Id}",
                    instrument.MaxNotional, quote, instrument.QuoteAsset);
            }
            return null;
        }

        var isMarket = spec.IsMarketType;
        var price = isMarket ? 0m : spec.LimitPrice ?? 0m;
        var marketValuation = spec.StopPrice ?? spec.ActivationPrice ?? referencePrice;
        return instrument.Check(price, spec.Quantity, isMarket, isMarket ? marketValuation : null)
            ?? CheckTriggerPrice("stop price", spec.StopPrice, instrument)
            ?? CheckTriggerPrice("activation price", spec.ActivationPrice, instrument);
    }

    /// <summary>
    /// Trading state: Halted refuses every order; Reducing and reconciling refuse orders that do not reduce a position.
    /// Cancels never come here.
    /// </summary>
    public static Denial? CheckTradingState(AccountId account, OrderSpec spec, TradingState state, bool reconciling, bool reducesPosition, string? stateReason = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var because = stateReason is null ? string.Empty : $" ({stateReason})";
        switch (state)
        {
            case TradingState.Halted:
                return new Denial(DenialCode.TradingHalted, $"trading is halted for account {account}: only cancels are accepted{because}");
            case TradingState.Reducing when !reducesPosition:
                return new Denial(DenialCode.TradingReducingOnly,
                    $"account {account} may only reduce positions: this {spec.Side} order on {spec.Instrument} would not reduce the current position{because}");
        }
        if (reconciling && !reducesPosition)
        {
            return new Denial(DenialCode.AccountReconciling,
                $"account {account} is reconciling with {spec.Instrument.Venue}: only cancels and orders that reduce a position are accepted until it finishes");
        }
        return null;
    }

    /// <summary>Firm state first (it covers every account), then the account's, then the strategy tag's halt.</summary>
    private static Denial? CheckTradingStates(PreTradeRequest request, ResolvedRiskLimits limits)
    {
        var spec = request.Spec;
        var because = request.FirmTradingStateReason is null ? string.Empty : $" ({request.FirmTradingStateReason})";
        switch (request.FirmTradingState)
        {
            case TradingState.Halted:
                return new Denial(DenialCode.FirmTradingHalted, $"trading is halted firm-wide: only cancels are accepted{because}");
            case TradingState.Reducing when !request.ReducesPosition:
                return new Denial(DenialCode.TradingReducingOnly,
                    $"the firm may only reduce positions: this {spec.Side} order on {spec.Instrument} would not reduce the current position of account {request.Account}{because}");
        }
        if (CheckTradingState(request.Account, spec, request.TradingState, request.Reconciling, request.ReducesPosition, request.TradingStateReason) is { } denial)
            return denial;
        if (limits.Strategy is { Halted: true } strategy && !request.ReducesPosition)
            return new Denial(DenialCode.StrategyHalted, $"strategy '{strategy.Tag}' of account {request.Account} is halted: only cancels and orders that reduce a position are accepted");
        return null;
    }

    /// <summary>
    /// Reduce-only correctness against the current position of the order's leg: a reduce-only order must be on the
    /// closing side and no larger than the position (it must not increase the position or flip it beyond zero); an
    /// order closing a hedge-mode leg must not be larger than the leg. Other open reduce-only orders are not counted:
    /// a stop and a take-profit may each cover the whole position (the venue expires what is left once it is flat).
    /// Conditional orders (stops, take-profits, trailing stops) are judged by the venue against the position at the
    /// moment they trigger (Binance rejects or expires a reduce-only order that would increase it), so they may be
    /// placed ahead of the position they protect. A leg the account has never traded (<see cref="BookLine.PositionKnown"/>
    /// false) may hold a position opened outside the OMS: the venue judges those too.
    /// </summary>
    public static Denial? CheckReduceOnly(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice, BookLine line)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(line);
        var closesHedgeLeg = ClosesHedgeLeg(spec);
        if ((!spec.ReduceOnly && !closesHedgeLeg) || spec.IsConditional || !line.PositionKnown) return null;
        if (EstimatedQuantity(spec, referencePrice) is not { } quantity) return NoPrice(spec, "the position it reduces");

        var position = line.Position;
        var closable = spec.Side == OrderSide.Sell ? Math.Max(0m, position) : Math.Max(0m, -position);
        if (quantity <= closable) return null;
        var what = spec.ReduceOnly ? "reduce-only" : $"closing ({spec.PositionSide} leg)";
        var reason = closable == 0m
            ? $"{what} {spec.Side} order of {Fmt(quantity)} {instrument.BaseAsset} on {spec.Instrument} would increase the position {Fmt(position)} {instrument.BaseAsset}: there is nothing to reduce on that side"
            : $"{what} {spec.Side} order of {Fmt(quantity)} {instrument.BaseAsset} on {spec.Instrument} is larger than the position {Fmt(Math.Abs(position))} {instrument.BaseAsset} and would flip it beyond zero";
        return new Denial(DenialCode.ReduceOnlyWouldIncrease, reason, closable, quantity, instrument.BaseAsset);
    }

    /// <summary>Per-order quantity and notional and the price band, with the tightest value of firm, account and strategy.</summary>
    public static Denial? CheckOrderLimits(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice, ResolvedRiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(limits);
        var quoteAsset = instrument.QuoteAsset;

        if (limits.MaxOrderQuantity is { } maxQuantity)
        {
            if (EstimatedQuantity(spec, referencePrice) is not { } quantity)
                return NoPrice(spec, "the maximum order quantity");
            if (quantity > maxQuantity.Value)
            {
                return new Denial(DenialCode.QuantityExceedsMaxPerOrder,
                    $"quantity {Fmt(quantity)} {instrument.BaseAsset} exceeds the maximum {Fmt(maxQuantity.Value)} {instrument.BaseAsset} per order{maxQuantity.Suffix}",
                    maxQuantity.Value, quantity, instrument.BaseAsset);
            }
        }

        if (limits.MaxOrderNotional is { } maxNotional)
        {
            if (Notional(spec, instrument, referencePrice) is not { } notional)
                return NoPrice(spec, "the maximum order notional");
            if (notional > maxNotional.Value)
            {
                return new Denial(DenialCode.NotionalExceedsMaxPerOrder,
                    $"notional {Fmt(notional)} {quoteAsset} exceeds the maximum {Fmt(maxNotional.Value)} {quoteAsset} per order{maxNotional.Suffix}",
                    maxNotional.Value, notional, quoteAsset);
            }
        }

        if (limits.PriceBandPercent is { } band && spec.LimitPrice is { } limitPrice)
        {
            if (referencePrice is not > 0m)
                return NoPrice(spec, $"the price band of {Fmt(band.Value)}%");
            var reference = referencePrice.Value;
            var exact = Math.Abs(limitPrice - reference) / reference * 100m;
            if (exact > band.Value)
            {
                // Compared exactly; shown rounded up to six places, so the number never looks inside the band.
                var deviation = decimal.Ceiling(exact * 1_000_000m) / 1_000_000m;
                return new Denial(DenialCode.PriceBandExceeded,
                    $"limit price {Fmt(limitPrice)} is {Fmt(deviation)}% away from the reference price {Fmt(reference)}, outside the band of {Fmt(band.Value)}%{band.Suffix}",
                    band.Value, deviation, "%");
            }
        }
        return null;
    }

    /// <summary>Open-order caps (account and strategy) and the account's order rate.</summary>
    public static Denial? CheckCounts(ResolvedRiskLimits limits, int openOrderCount, int ordersInLastSecond, int strategyOpenOrderCount)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.MaxOpenOrders is { } maxOpen && openOrderCount + 1 > maxOpen.Value)
        {
            return new Denial(DenialCode.MaxOpenOrdersExceeded,
                $"open orders would be {openOrderCount + 1}, above the maximum of {Fmt(maxOpen.Value)}{maxOpen.Suffix}",
                maxOpen.Value, openOrderCount + 1, "orders");
        }
        if (limits.Strategy is { MaxOpenOrders: { } strategyMax } strategy && strategyOpenOrderCount + 1 > strategyMax)
        {
            return new Denial(DenialCode.MaxOpenOrdersExceeded,
                $"open orders of strategy '{strategy.Tag}' would be {strategyOpenOrderCount + 1}, above the maximum of {strategyMax} (strategy '{strategy.Tag}' limit)",
                strategyMax, strategyOpenOrderCount + 1, "orders");
        }
        if (limits.MaxOrdersPerSecond is { } maxRate && ordersInLastSecond + 1 > maxRate.Value)
        {
            return new Denial(DenialCode.OrderRateExceeded,
                $"order rate would be {ordersInLastSecond + 1} orders in the last second, above the maximum of {Fmt(maxRate.Value)} per second{maxRate.Suffix}",
                maxRate.Value, ordersInLastSecond + 1, "orders/s");
        }
        return null;
    }

    /// <summary>
    /// The order's line in the account book, marked at the reference price (else the line's own mark, else the order's
    /// valuation price), so the order and the position it joins are valued alike.
    /// </summary>
    public static BookLine OrderLine(PreTradeRequest request, RiskBook book)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(book);
        return MarkedLine(book.Find(request.Spec.Instrument, request.Spec.PositionSide), request);
    }

    private static BookLine MarkedLine(BookLine? found, PreTradeRequest request)
    {
        var spec = request.Spec;
        var instrument = request.Instrument;
        var mark = request.ReferencePrice is > 0m ? request.ReferencePrice : found?.MarkPrice ?? ValuationPrice(spec, request.ReferencePrice);
        var line = found ?? new BookLine { Instrument = spec.Instrument, Leg = spec.PositionSide, PositionKnown = false };
        return line with { MarkPrice = mark, ContractSize = instrument.ContractSize, QuoteAsset = instrument.QuoteAsset, QuoteRate = request.QuoteRate };
    }

    private static Denial? CheckBook(PreTradeRequest request, ResolvedRiskLimits limits, RiskBook book, BookLine line, out Exposure? before, out Exposure? after)
    {
        before = null;
        after = null;
        var spec = request.Spec;
        if (EstimatedQuantity(spec, request.ReferencePrice) is not { } quantity) return NoPrice(spec, "the position and exposure limits");
        var lineAfter = line.With(spec.Side, quantity, spec.ReduceOnly);

        var position = CheckPosition(request, line, lineAfter, limits.MaxPositionQuantity, limits.MaxPositionNotional, scope: null);
        if (position is not null) return position;

        var needsExposure = limits.MaxGrossExposure is not null || limits.MaxNetExposure is not null || limits.HasFirmExposureLimit;
        if (!needsExposure) return null;
        if (!TryExposure(book, line, lineAfter, out var exposureBefore, out var exposureAfter, out var unvalued))
            return Unvalued(spec, unvalued, request.Spec.Instrument == unvalued ? null : "the exposure limits");
        before = exposureBefore;
        after = exposureAfter;
        return CheckExposure(exposureBefore, exposureAfter, limits.MaxGrossExposure, limits.MaxNetExposure, request.ValuationAsset, scope: null,
            DenialCode.MaxGrossExposureExceeded, DenialCode.MaxNetExposureExceeded);
    }

    private static Denial? CheckStrategyBook(PreTradeRequest request, ResolvedRiskLimits limits)
    {
        if (limits.Strategy is not { } strategy) return null;
        var spec = request.Spec;
        var book = request.StrategyBook ?? RiskBook.Empty;
        var line = MarkedLine(book.Find(spec.Instrument, spec.PositionSide), request);
        if (EstimatedQuantity(spec, request.ReferencePrice) is not { } quantity) return NoPrice(spec, $"the limits of strategy '{strategy.Tag}'");
        var lineAfter = line.With(spec.Side, quantity, spec.ReduceOnly);
        LimitBound? Bound(decimal? value) => value is { } v ? new LimitBound(v, RiskLevel.Strategy, strategy.Tag) : null;

        var position = CheckPosition(request, line, lineAfter, Bound(strategy.MaxPositionQuantity), Bound(strategy.MaxPositionNotional), strategy.Tag);
        if (position is not null) return position;
        if (strategy.MaxGrossExposure is null && strategy.MaxNetExposure is null) return null;
        if (!TryExposure(book, line, lineAfter, out var before, out var after, out var unvalued))
            return Unvalued(spec, unvalued, $"the exposure limits of strategy '{strategy.Tag}'");
        return CheckExposure(before, after, strategy.MaxGrossExposure, strategy.MaxNetExposure, request.ValuationAsset, strategy.Tag,
            DenialCode.MaxGrossExposureExceeded, DenialCode.MaxNetExposureExceeded);
    }

    private static Denial? CheckPosition(PreTradeRequest request, BookLine before, BookLine after, LimitBound? maxQuantity, LimitBound? maxNotional, string? scope)
    {
        var instrument = request.Instrument;
        var of = scope is null ? string.Empty : $" of strategy '{scope}'";
        var quantityBefore = before.WorstAbsolute;
        var quantityAfter = after.WorstAbsolute;
        if (quantityAfter <= quantityBefore) return null;

        if (maxQuantity is { } maxQ && quantityAfter > maxQ.Value)
        {
            return new Denial(DenialCode.MaxPositionExceeded,
                $"position{of} in {request.Spec.Instrument} could reach {Fmt(quantityAfter)} {instrument.BaseAsset} with this order, above the maximum {Fmt(maxQ.Value)} {instrument.BaseAsset}{maxQ.Suffix}",
                maxQ.Value, quantityAfter, instrument.BaseAsset);
        }
        if (maxNotional is { } maxN)
        {
            if (after.UnitQuoteValue is not { } unit) return NoPrice(request.Spec, "the maximum position notional");
            var notional = quantityAfter * unit;
            if (notional > maxN.Value)
            {
                return new Denial(DenialCode.MaxPositionNotionalExceeded,
                    $"position{of} in {request.Spec.Instrument} could reach {Fmt(notional)} {instrument.QuoteAsset} with this order, above the maximum {Fmt(maxN.Value)} {instrument.QuoteAsset}{maxN.Suffix}",
                    maxN.Value, notional, instrument.QuoteAsset);
            }
        }
        return null;
    }

    /// <summary>Exposure of the book with the order's line before and after the order (false when a line has no value).</summary>
    public static bool TryExposure(RiskBook book, BookLine lineBefore, BookLine lineAfter, out Exposure before, out Exposure after, out InstrumentId unvalued)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(lineBefore);
        ArgumentNullException.ThrowIfNull(lineAfter);
        before = after = Exposure.Zero;
        if (!book.TryExposure(out var others, out unvalued, (lineBefore.Instrument, lineBefore.Leg))) return false;
        if (lineBefore.ToExposure() is not { } lb || lineAfter.ToExposure() is not { } la)
        {
            unvalued = lineBefore.Instrument;
            return false;
        }
        before = others + lb;
        after = others + la;
        return true;
    }

    /// <summary>Gross and net exposure against their limits: refused only when the order takes a measure above its limit and makes it larger.</summary>
    public static Denial? CheckExposure(Exposure before, Exposure after, decimal? maxGross, decimal? maxNet, string unit, string? scope, DenialCode grossCode, DenialCode netCode)
    {
        var who = scope is null ? (grossCode == DenialCode.FirmMaxGrossExposureExceeded ? "firm" : "account") : $"strategy '{scope}'";
        if (maxGross is { } gross && after.Gross > gross && after.Gross > before.Gross)
        {
            return new Denial(grossCode,
                $"{who} gross exposure would be {Fmt(after.Gross)} {unit} with this order (now {Fmt(before.Gross)} {unit}), above the maximum {Fmt(gross)} {unit}",
                gross, after.Gross, unit);
        }
        if (maxNet is { } net && after.Net > net && after.Net > before.Net)
        {
            return new Denial(netCode,
                $"{who} net exposure would be {Fmt(after.Net)} {unit} with this order (now {Fmt(before.Net)} {unit}), above the maximum {Fmt(net)} {unit}",
                net, after.Net, unit);
        }
        return null;
    }

    /// <summary>
    /// Balance (spot) or margin (derivatives) sufficiency. Spot: a buy needs its notional plus the fee estimate in the
    /// quote asset, a sell needs its quantity in the base asset. Derivatives (simple model): the initial margin of every
    /// leg margined in the quote asset — its worst-case gross over the leverage of its instrument (the venue's leverage,
    /// capped by the maximum leverage of the limits; see <see cref="ResolvedRiskLimits.MarginLeverage"/>) — plus this
    /// order's fee estimate, must fit in the margin equity (wallet balance + unrealized PnL); only orders that grow their
    /// leg are refused. Skipped when the venue has not reported the balance, and when nothing can value the order or a
    /// leg (a market order before the first reference price): the venue enforces its own balance and margin, so this
    /// check only refuses what it can measure, unlike the OMS's own limits, which fail closed.
    /// </summary>
    private static Denial? CheckBalance(PreTradeRequest request, ResolvedRiskLimits limits, RiskBook book, BookLine line)
    {
        if (request.Balances is not { } balances) return null;
        var spec = request.Spec;
        var instrument = request.Instrument;
        var feeRate = limits.FeeEstimatePercent / 100m;
        if (instrument.Market == MarketType.Spot)
        {
            if (spec.Side == OrderSide.Buy && balances.QuoteAvailable is { } quoteAvailable)
            {
                if (Notional(spec, instrument, request.ReferencePrice) is not { } notional) return null;
                var required = notional * (1m + feeRate);
                if (required > quoteAvailable)
                {
                    return new Denial(DenialCode.InsufficientBalance,
                        $"buying needs {Fmt(required)} {instrument.QuoteAsset} (notional {Fmt(notional)} + {Fmt(limits.FeeEstimatePercent)}% fee estimate), but only {Fmt(quoteAvailable)} {instrument.QuoteAsset} is available after open orders",
                        quoteAvailable, required, instrument.QuoteAsset);
                }
            }
            else if (spec.Side == OrderSide.Sell && balances.BaseAvailable is { } baseAvailable)
            {
                if (EstimatedQuantity(spec, request.ReferencePrice) is not { } quantity) return null;
                if (quantity > baseAvailable)
                {
                    return new Denial(DenialCode.InsufficientBalance,
                        $"selling {Fmt(quantity)} {instrument.BaseAsset} needs more than the {Fmt(baseAvailable)} {instrument.BaseAsset} available after open orders",
                        baseAvailable, quantity, instrument.BaseAsset);
                }
            }
            return null;
        }

        if (balances.MarginEquity is not { } marginEquity) return null;
        if (EstimatedQuantity(spec, request.ReferencePrice) is not { } orderQuantity) return null;
        var lineAfter = line.With(spec.Side, orderQuantity, spec.ReduceOnly);
        if (lineAfter.WorstAbsolute <= line.WorstAbsolute) return null;
        if (line.UnitQuoteValue is not { } unit) return null;
        var venueLeverage = request.VenueLeverage;
        var grossByLeverage = new Dictionary<decimal, decimal>();
        if (!book.TryMarginGrossByLeverage(instrument.QuoteAsset, id => MarginLeverageOf(limits, venueLeverage, id).Value, grossByLeverage, out _,
                (line.Instrument, line.Leg)))
        {
            return null;
        }
        var leverage = MarginLeverageOf(limits, venueLeverage, spec.Instrument);
        var lineGross = lineAfter.WorstAbsolute * unit;
        grossByLeverage[leverage.Value] = grossByLeverage.TryGetValue(leverage.Value, out var sameLeverage) ? sameLeverage + lineGross : lineGross;
        var initialMargin = 0m;
        foreach (var (groupLeverage, gross) in grossByLeverage) initialMargin += gross / groupLeverage;
        var notionalOrder = Notional(spec, instrument, request.ReferencePrice) ?? orderQuantity * unit;
        var fee = notionalOrder * feeRate;
        var requiredMargin = initialMargin + fee;
        if (requiredMargin > marginEquity)
        {
            var lineMargin = lineGross / leverage.Value;
            var others = initialMargin - lineMargin;
            var asset = instrument.QuoteAsset;
            return new Denial(DenialCode.InsufficientMargin,
                $"margin needed would be {Fmt(requiredMargin)} {asset}: {spec.Instrument.Symbol} worst-case gross {Fmt(lineGross)} {asset} at {Fmt(leverage.Value)}x leverage "
                + $"({leverage.Basis(spec.Instrument)}) = {Fmt(Round(lineMargin))} {asset}, other legs' initial margin {Fmt(Round(others))} {asset}, "
                + $"{Fmt(limits.FeeEstimatePercent)}% fee estimate {Fmt(Round(fee))} {asset}; above the margin equity {Fmt(marginEquity)} {asset}",
                marginEquity, requiredMargin, asset);
        }
        return null;
    }

    /// <summary>The leverage the margin check applies to <paramref name="instrument"/> (see <see cref="ResolvedRiskLimits.MarginLeverage"/>).</summary>
    public static MarginLeverage MarginLeverageOf(ResolvedRiskLimits limits, IReadOnlyDictionary<InstrumentId, decimal>? venueLeverage, InstrumentId instrument)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return limits.MarginLeverage(venueLeverage is not null && venueLeverage.TryGetValue(instrument, out var v) ? v : null);
    }

    /// <summary>Rounds a figure shown in a reason (not the denial's numbers) to 8 places.</summary>
    private static decimal Round(decimal value) => decimal.Round(value, 8, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Whether an order reduces the current position leg without going through zero, counting the other open orders that
    /// already reduce it. Reduce-only orders and orders that close a hedge-mode leg count as reducing: neither can take
    /// the leg through zero (the venue caps them at the position when they execute; <see cref="CheckReduceOnly"/>
    /// enforces the size of the non-conditional ones). So the two exit legs of one bracket or OCO pair, each sized to
    /// the whole position, both pass in the Reducing state.
    /// </summary>
    /// <param name="spec">The order.</param>
    /// <param name="legQuantity">The signed position of the leg the order trades (long &gt; 0, short &lt; 0).</param>
    /// <param name="pendingReduction">
    /// Leaves quantity of the other open orders on the same leg and side that could take it through zero with this one:
    /// ordinary orders only (see <see cref="CountsAsPendingReduction"/>).
    /// </param>
    /// <param name="referencePrice">Converts a quote-sized order to a quantity.</param>
    public static bool Reduces(OrderSpec spec, decimal legQuantity, decimal pendingReduction, decimal? referencePrice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ReduceOnly || ClosesHedgeLeg(spec)) return true;
        if (EstimatedQuantity(spec, referencePrice) is not { } quantity) return false;
        var total = quantity + Math.Max(0m, pendingReduction);
        return spec.Side switch
        {
            OrderSide.Sell => legQuantity > 0m && total <= legQuantity,
            OrderSide.Buy => legQuantity < 0m && total <= -legQuantity,
            _ => false,
        };
    }

    /// <summary>
    /// Whether an open order counts against a new order's reduction of the same leg (<see cref="Reduces"/>): a
    /// reduce-only order or one closing a hedge-mode leg can never take the leg through zero (the venue expires or caps
    /// it once the position is gone), so it does not make the new order flip the position; an ordinary order on the
    /// closing side can, and counts.
    /// </summary>
    public static bool CountsAsPendingReduction(OrderSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return !other.ReduceOnly && !ClosesHedgeLeg(other);
    }

    /// <summary>A sell on a hedge-mode long leg or a buy on a short leg: it closes the leg and cannot open the other side.</summary>
    public static bool ClosesHedgeLeg(OrderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (spec.PositionSide == PositionSide.Long && spec.Side == OrderSide.Sell)
            || (spec.PositionSide == PositionSide.Short && spec.Side == OrderSide.Buy);
    }

    /// <summary>The price the order is valued at (limit, stop, activation, else the reference price), or null.</summary>
    public static decimal? ValuationPrice(OrderSpec spec, decimal? referencePrice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var price = spec.LimitPrice ?? spec.StopPrice ?? spec.ActivationPrice ?? referencePrice;
        return price is > 0m ? price : null;
    }

    /// <summary>The order's notional in the quote asset, or null when it cannot be valued.</summary>
    public static decimal? Notional(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instrument);
        if (spec.QuoteQuantity is { } quote) return quote;
        return ValuationPrice(spec, referencePrice) is { } price ? price * spec.Quantity * instrument.ContractSize : null;
    }

    /// <summary>The order's quantity; a quote-sized order converted at the reference price (null without one).</summary>
    public static decimal? EstimatedQuantity(OrderSpec spec, decimal? referencePrice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.QuoteQuantity is not { } quote) return spec.Quantity;
        return referencePrice is > 0m ? quote / referencePrice.Value : null;
    }

    private static Denial? CheckTriggerPrice(string name, decimal? value, InstrumentSpec instrument)
    {
        if (value is not { } price) return null;
        if (instrument.MinPrice > 0m && price < instrument.MinPrice)
        {
            return new Denial(DenialCode.PriceBelowMin,
                $"{name} {Fmt(price)} is below the minimum {Fmt(instrument.MinPrice)} for {instrument.Id}", instrument.MinPrice, price);
        }
        if (instrument.MaxPrice > 0m && price > instrument.MaxPrice)
        {
            return new Denial(DenialCode.PriceAboveMax,
                $"{name} {Fmt(price)} is above the maximum {Fmt(instrument.MaxPrice)} for {instrument.Id}", instrument.MaxPrice, price);
        }
        // On the tick grid exactly when normalising leaves it unchanged (the instrument knows where its grid starts).
        if (instrument.TickSize > 0m && instrument.NormalizePrice(price, OrderSide.Buy) != price)
        {
            return new Denial(DenialCode.PriceNotOnTick,
                $"{name} {Fmt(price)} is not a multiple of the tick size {Fmt(instrument.TickSize)} for {instrument.Id}", instrument.TickSize, price);
        }
        return null;
    }

    private static Denial NoPrice(OrderSpec spec, string what) =>
        new(DenialCode.NoReferencePrice,
            $"there is no reference price for {spec.Instrument} to value this {spec.Type} order against {what}");

    private static Denial Unvalued(OrderSpec spec, InstrumentId unvalued, string? what) => unvalued == spec.Instrument || what is null
        ? NoPrice(spec, what ?? "the exposure limits")
        : new Denial(DenialCode.NoReferencePrice,
            $"there is no price to value the position or open orders in {unvalued} for {what}, so this order on {spec.Instrument} cannot be checked");

    /// <summary>Formats a decimal without trailing zeros or exponent, in invariant culture.</summary>
    public static string Fmt(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
