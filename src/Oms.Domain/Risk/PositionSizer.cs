namespace Oms.Domain;

/// <summary>How a position size is derived before it is clamped to the limits.</summary>
public enum SizingMethod
{
    /// <summary>Risk a percentage of equity between the entry and the stop: equity × risk% / (|entry − stop| × contract size).</summary>
    FixedFractional = 1,
    /// <summary>A fixed notional in the quote asset: notional / (entry × contract size).</summary>
    FixedNotional = 2,
    /// <summary>Scale to a target volatility: equity × (target vol / instrument vol) / (entry × contract size).</summary>
    VolatilityScaled = 3,
}

/// <summary>What to size. Percentages are in percent (1.5 = 1.5 %); volatilities in the same unit as each other.</summary>
[GenerateSerializer, Immutable, Alias("oms.SizingRequest")]
public sealed record SizingRequest
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required OrderSide Side { get; init; }
    [Id(2)] public required SizingMethod Method { get; init; }
    /// <summary>Entry price: the order becomes a limit order there. Null: a market order at the reference price.</summary>
    [Id(3)] public decimal? EntryPrice { get; init; }
    /// <summary>Equity to size from (valuation asset); null uses the account's current equity.</summary>
    [Id(4)] public decimal? Equity { get; init; }
    /// <summary>Fixed-fractional: the share of equity to risk, in percent.</summary>
    [Id(5)] public decimal? RiskPercent { get; init; }
    /// <summary>Fixed-fractional: the stop price (on the losing side of the entry).</summary>
    [Id(6)] public decimal? StopPrice { get; init; }
    /// <summary>Fixed-notional: the notional in the quote asset.</summary>
    [Id(7)] public decimal? Notional { get; init; }
    [Id(8)] public decimal? TargetVolatility { get; init; }
    [Id(9)] public decimal? InstrumentVolatility { get; init; }
    [Id(10)] public PositionSide PositionSide { get; init; } = PositionSide.Both;
    [Id(11)] public string? StrategyTag { get; init; }
}

/// <summary>
/// The size: the quantity (rounded down to the instrument's step, 0 when nothing fits), the unrounded size the method
/// asked for, and what bound it — the method itself (<c>METHOD</c>) or the first limit that a larger size would break
/// (its denial code, with the numbers in <see cref="BindingDenial"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.SizingResult")]
public sealed record SizingResult
{
    [Id(0)] public required decimal Quantity { get; init; }
    [Id(1)] public required decimal RawQuantity { get; init; }
    [Id(2)] public decimal? Notional { get; init; }
    /// <summary><c>METHOD</c>, <c>STEP_SIZE</c> (rounding was all), or a denial code name such as <c>MAX_POSITION_EXCEEDED</c>.</summary>
    [Id(3)] public required string BindingConstraint { get; init; }
    [Id(4)] public Denial? BindingDenial { get; init; }
    [Id(5)] public decimal? Price { get; init; }
    [Id(6)] public required string Explanation { get; init; }
    /// <summary>The order that was checked (quantity as sized), for a caller that wants to submit it.</summary>
    [Id(7)] public OrderSpec? Order { get; init; }
}

/// <summary>
/// Position sizing as a service: derives the size by <see cref="SizingMethod"/>, rounds it down to the step, then
/// clamps it to every pre-trade check (per-order, position, exposure and balance limits, instrument maximums): the
/// result is the largest size on the instrument's grid, not above the method's, that <see cref="PreTradeRiskEngine"/>
/// passes. The passing sizes form an interval from the instrument minimum (every check that grows with the size is
/// monotone), so a binary search over the grid finds it.
/// </summary>
public static class PositionSizer
{
    public const string MethodConstraint = "METHOD";
    public const string StepConstraint = "STEP_SIZE";

    /// <param name="request">What to size.</param>
    /// <param name="instrument">The instrument's filters (step, minimums).</param>
    /// <param name="referencePrice">The reference price (market orders are sized and valued at it).</param>
    /// <param name="quoteRate">Converts the quote asset to the valuation asset equity is in (1 when the same).</param>
    /// <param name="judge">The full pre-trade check of a candidate order: its denial, or null when it would pass.</param>
    /// <param name="accountEquity">The account's equity (valuation asset), used when the request gives none.</param>
    public static SizingResult Size(SizingRequest request, InstrumentSpec instrument, decimal? referencePrice, decimal? quoteRate,
        Func<OrderSpec, Denial?> judge, decimal? accountEquity)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(judge);
        var isMarket = request.EntryPrice is null;
        var template = new OrderSpec
        {
            Instrument = request.Instrument,
            Side = request.Side,
            Type = isMarket ? OrderType.Market : OrderType.Limit,
            Quantity = 0m,
            LimitPrice = isMarket ? null : request.EntryPrice,
            PositionSide = request.PositionSide,
            StrategyTag = request.StrategyTag,
        };
        var price = request.EntryPrice ?? referencePrice;
        if (price is not > 0m) return Zero(0m, null, DenialCode.NoReferencePrice.Name(), "there is no entry price and no reference price to size from");
        var unit = price.Value * instrument.ContractSize;
        var equity = request.Equity ?? accountEquity;

        decimal raw;
        string method;
        switch (request.Method)
        {
            case SizingMethod.FixedFractional:
                if (equity is not > 0m) return Zero(0m, price, "EQUITY", "fixed-fractional sizing needs a positive equity");
                if (request.RiskPercent is not (> 0m and <= 100m)) return Zero(0m, price, "RISK_PERCENT", "risk_percent must be in (0, 100]");
                if (request.StopPrice is not > 0m) return Zero(0m, price, "STOP_PRICE", "fixed-fractional sizing needs a stop price");
                var stopDistance = request.Side == OrderSide.Buy ? price.Value - request.StopPrice.Value : request.StopPrice.Value - price.Value;
                if (stopDistance <= 0m)
                    return Zero(0m, price, "STOP_PRICE", $"the stop {Fmt(request.StopPrice.Value)} must be on the losing side of the entry {Fmt(price.Value)} for a {request.Side}");
                var riskAmount = equity.Value * request.RiskPercent.Value / 100m;
                raw = riskAmount / (stopDistance * instrument.ContractSize * (quoteRate ?? 1m));
                method = $"risking {Fmt(request.RiskPercent.Value)}% of equity {Fmt(equity.Value)} = {Fmt(riskAmount)} over a stop distance of {Fmt(stopDistance)}";
                break;
            case SizingMethod.FixedNotional:
                if (request.Notional is not > 0m) return Zero(0m, price, "NOTIONAL", "fixed-notional sizing needs a positive notional");
                raw = request.Notional.Value / unit;
                method = $"a notional of {Fmt(request.Notional.Value)} {instrument.QuoteAsset} at {Fmt(price.Value)}";
                break;
            case SizingMethod.VolatilityScaled:
                if (equity is not > 0m) return Zero(0m, price, "EQUITY", "volatility-scaled sizing needs a positive equity");
                if (request.TargetVolatility is not > 0m || request.InstrumentVolatility is not > 0m)
                    return Zero(0m, price, "VOLATILITY", "volatility-scaled sizing needs a positive target and instrument volatility");
                var notional = equity.Value * request.TargetVolatility.Value / request.InstrumentVolatility.Value / (quoteRate ?? 1m);
                raw = notional / unit;
                method = $"equity {Fmt(equity.Value)} scaled by target/instrument volatility {Fmt(request.TargetVolatility.Value)}/{Fmt(request.InstrumentVolatility.Value)} = notional {Fmt(notional)} {instrument.QuoteAsset}";
                break;
            default:
                return Zero(0m, price, "METHOD", $"sizing method {(int)request.Method} is not known");
        }

        var upper = instrument.NormalizeQuantity(raw, isMarket);
        var (step, lower, minQuantity) = Grid(instrument, isMarket, price.Value);
        if (upper < lower || upper <= 0m)
        {
            var tooSmall = upper < minQuantity || instrument.MinNotional <= 0m
                ? new Denial(DenialCode.QuantityBelowMin,
                    $"quantity {Fmt(upper)} is below the minimum {Fmt(minQuantity)} for {instrument.Id}", minQuantity, upper, instrument.BaseAsset)
                : new Denial(DenialCode.NotionalBelowMin,
                    $"notional {Fmt(upper * unit)} {instrument.QuoteAsset} is below the minimum {Fmt(instrument.MinNotional)} {instrument.QuoteAsset} for {instrument.Id}",
                    instrument.MinNotional, upper * unit, instrument.QuoteAsset);
            return Zero(raw, price, tooSmall.Code.Name(), $"{method} gives {Fmt(raw)}, below the smallest tradable size {Fmt(lower)} {instrument.BaseAsset}", tooSmall);
        }

        Denial? Judge(decimal quantity) => judge(template with { Quantity = quantity });

        var top = Judge(upper);
        if (top is null)
        {
            var binding = upper < raw ? StepConstraint : MethodConstraint;
            return Result(upper, raw, price.Value, instrument, binding, null, $"{method}: {Fmt(raw)} rounded down to the step = {Fmt(upper)}", template);
        }
        var bottom = Judge(lower);
        if (bottom is not null) return Zero(raw, price, bottom.Code.Name(), $"{method} gives {Fmt(raw)}, but not even the smallest size {Fmt(lower)} passes: {bottom.Reason}", bottom);

        // Passing sizes are [lower, x*]: find the largest grid step that passes.
        var steps = step > 0m ? (long)decimal.Floor((upper - lower) / step) : 0L;
        long low = 0, high = steps; // low passes, high fails
        var firstFailure = top;
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            var denial = Judge(lower + (middle * step));
            if (denial is null) low = middle;
            else
            {
                high = middle;
                firstFailure = denial;
            }
        }
        var quantityFound = lower + (low * step);
        return Result(quantityFound, raw, price.Value, instrument, firstFailure.Code.Name(), firstFailure,
            $"{method} gives {Fmt(raw)}; clamped to {Fmt(quantityFound)} because a larger size is refused: {firstFailure.Reason}", template);
    }

    /// <summary>The grid step and the smallest grid quantity that meets the minimum quantity and minimum notional at <paramref name="price"/>.</summary>
    private static (decimal Step, decimal Lower, decimal MinQuantity) Grid(InstrumentSpec instrument, bool isMarket, decimal price)
    {
        var step = isMarket && instrument.MarketStepSize > 0m ? instrument.MarketStepSize : instrument.StepSize;
        var minQuantity = isMarket && instrument.MarketMinQuantity > 0m ? instrument.MarketMinQuantity : instrument.MinQuantity;
        var minimum = minQuantity;
        if (instrument.MinNotional > 0m && (!isMarket || instrument.ApplyMinNotionalToMarket))
            minimum = Math.Max(minimum, instrument.MinNotional / (price * instrument.ContractSize));
        if (step <= 0m) return (0m, minimum, minQuantity);
        // The smallest grid value at or above the minimum: normalise (floors) and add a step when it fell below.
        var lower = instrument.NormalizeQuantity(minimum, isMarket);
        if (lower < minimum) lower += step;
        if (lower <= 0m) lower = step;
        return (step, lower, minQuantity);
    }

    private static SizingResult Result(decimal quantity, decimal raw, decimal price, InstrumentSpec instrument, string binding, Denial? denial, string explanation, OrderSpec template) => new()
    {
        Quantity = quantity,
        RawQuantity = raw,
        Notional = quantity * price * instrument.ContractSize,
        BindingConstraint = binding,
        BindingDenial = denial,
        Price = price,
        Explanation = explanation,
        Order = template with { Quantity = quantity },
    };

    private static SizingResult Zero(decimal raw, decimal? price, string binding, string explanation, Denial? denial = null) => new()
    {
        Quantity = 0m,
        RawQuantity = raw,
        Notional = 0m,
        BindingConstraint = binding,
        BindingDenial = denial,
        Price = price,
        Explanation = explanation,
    };

    private static string Fmt(decimal value) => PreTradeRiskEngine.Fmt(value);
}
