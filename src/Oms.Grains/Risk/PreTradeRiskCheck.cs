using System.Globalization;

namespace Oms.Grains;

/// <summary>Everything the pre-trade check needs to judge one new order. Built by the account grain.</summary>
public sealed record PreTradeContext
{
    public required AccountId Account { get; init; }
    public required AccountConfig Config { get; init; }
    public required OrderSpec Spec { get; init; }
    public required InstrumentSpec Instrument { get; init; }
    /// <summary>The reference price of the instrument, when market data has one.</summary>
    public decimal? ReferencePrice { get; init; }
    public required RiskPolicy Policy { get; init; }
    public bool Reconciling { get; init; }
    /// <summary>Whether the order reduces the current position (see <see cref="PreTradeRiskCheck.Reduces"/>).</summary>
    public bool ReducesPosition { get; init; }
    /// <summary>The account's open orders before this one.</summary>
    public int OpenOrderCount { get; init; }
    /// <summary>Orders the account sent within the last second (sliding window) before this one.</summary>
    public int OrdersInLastSecond { get; init; }
}

/// <summary>
/// The pre-trade checks on the submit path, pure and free of Orleans: instrument filters, trading state and the
/// per-order limits of <see cref="RiskLimits"/>. Each refusal is a <see cref="Denial"/> with its code, a reason that
/// names the numbers, and the numbers themselves (limit, would-be value, unit).
/// <para>
/// Valuation: a priced order is valued at its limit price; a stop or trailing market order at its stop (or
/// activation) price; a market order at the reference price; a spot market order sized in quote currency at its
/// quote quantity. A check that needs a value no price can give is refused with <see cref="DenialCode.NoReferencePrice"/>
/// (the check fails closed).
/// </para>
/// </summary>
public static class PreTradeRiskCheck
{
    /// <summary>Runs every check in order: filters, trading state, limits. Returns the first denial, or null.</summary>
    public static Denial? Check(PreTradeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CheckAccountScope(context.Account, context.Config, context.Spec)
            ?? CheckFilters(context.Spec, context.Instrument, context.ReferencePrice)
            ?? CheckTradingState(context.Account, context.Spec, context.Policy.TradingState, context.Reconciling, context.ReducesPosition)
            ?? CheckLimits(context.Spec, context.Instrument, context.ReferencePrice, context.Policy.Limits, context.OpenOrderCount, context.OrdersInLastSecond);
    }

    /// <summary>The instrument must be on the account's venue and in one of its markets; position sides must match the position mode.</summary>
    public static Denial? CheckAccountScope(AccountId account, AccountConfig config, OrderSpec spec)
    {
        var instrument = spec.Instrument;
        if (instrument.Venue != config.Venue)
        {
            return new Denial(DenialCode.InvalidOrder,
                $"instrument {instrument} is on {instrument.Venue}, but account {account} trades on {config.Venue}");
        }
        if (!config.Markets.Contains(instrument.Market))
        {
            return new Denial(DenialCode.InvalidOrder,
                $"account {account} does not trade the {instrument.Market} market (it trades {string.Join(", ", config.Markets)}), so it cannot trade {instrument}");
        }
        if (instrument.Market != MarketType.Spot)
        {
            if (config.PositionMode == PositionMode.Hedge && spec.PositionSide == PositionSide.Both)
                return new Denial(DenialCode.InvalidOrder, $"account {account} is in hedge mode: orders on {instrument} need position_side LONG or SHORT");
            if (config.PositionMode == PositionMode.OneWay && spec.PositionSide != PositionSide.Both)
                return new Denial(DenialCode.InvalidOrder, $"account {account} is in one-way mode: position_side {spec.PositionSide} is not allowed on {instrument}");
        }
        return null;
    }

    /// <summary>
    /// Checks the order's price(s) and quantity against the instrument's filters without changing them: the
    /// strategy must send legal values, and the denial names the numbers.
    /// </summary>
    public static Denial? CheckFilters(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice)
    {
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
    /// Trading state: Halted refuses every order; Reducing and reconciling refuse orders that do not reduce a
    /// position. Cancels never come here.
    /// </summary>
    public static Denial? CheckTradingState(AccountId account, OrderSpec spec, TradingState state, bool reconciling, bool reducesPosition)
    {
        switch (state)
        {
            case TradingState.Halted:
                return new Denial(DenialCode.TradingHalted, $"trading is halted for account {account}: only cancels are accepted");
            case TradingState.Reducing when !reducesPosition:
                return new Denial(DenialCode.TradingReducingOnly,
                    $"account {account} may only reduce positions: this {spec.Side} order on {spec.Instrument} would not reduce the current position");
        }
        if (reconciling && !reducesPosition)
        {
            return new Denial(DenialCode.AccountReconciling,
                $"account {account} is reconciling with {spec.Instrument.Venue}: only cancels and orders that reduce a position are accepted until it finishes");
        }
        return null;
    }

    /// <summary>Per-order limits, open-order cap, price band and order rate.</summary>
    public static Denial? CheckLimits(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice, RiskLimits limits, int openOrderCount, int ordersInLastSecond)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var quoteAsset = instrument.QuoteAsset;
        var quantity = EstimatedQuantity(spec, referencePrice);
        var notional = Notional(spec, instrument, referencePrice);

        if (limits.MaxOrderQuantity is { } maxQuantity)
        {
            if (quantity is null)
                return NoPrice(spec, "the maximum order quantity");
            if (quantity.Value > maxQuantity)
            {
                return new Denial(DenialCode.QuantityExceedsMaxPerOrder,
                    $"quantity {Fmt(quantity.Value)} {instrument.BaseAsset} exceeds the maximum {Fmt(maxQuantity)} {instrument.BaseAsset} per order",
                    maxQuantity, quantity.Value, instrument.BaseAsset);
            }
        }

        if (limits.MaxOrderNotional is { } maxNotional)
        {
            if (notional is null)
                return NoPrice(spec, "the maximum order notional");
            if (notional.Value > maxNotional)
            {
                return new Denial(DenialCode.NotionalExceedsMaxPerOrder,
                    $"notional {Fmt(notional.Value)} {quoteAsset} exceeds the maximum {Fmt(maxNotional)} {quoteAsset} per order",
                    maxNotional, notional.Value, quoteAsset);
            }
        }

        if (limits.PriceBandPercent is { } band && spec.LimitPrice is { } limitPrice)
        {
            if (referencePrice is not > 0m)
                return NoPrice(spec, $"the price band of {Fmt(band)}%");
            var reference = referencePrice.Value;
            var exact = Math.Abs(limitPrice - reference) / reference * 100m;
            if (exact > band)
            {
                // Compared exactly; shown rounded up to six places, so the number never looks inside the band.
                var deviation = decimal.Ceiling(exact * 1_000_000m) / 1_000_000m;
                return new Denial(DenialCode.PriceBandExceeded,
                    $"limit price {Fmt(limitPrice)} is {Fmt(deviation)}% away from the reference price {Fmt(reference)}, outside the band of {Fmt(band)}%",
                    band, deviation, "%");
            }
        }

        if (limits.MaxOpenOrders is { } maxOpen && openOrderCount + 1 > maxOpen)
        {
            return new Denial(DenialCode.MaxOpenOrdersExceeded,
                $"open orders would be {openOrderCount + 1}, above the maximum of {maxOpen}",
                maxOpen, openOrderCount + 1, "orders");
        }

        if (limits.MaxOrdersPerSecond is { } maxRate && ordersInLastSecond + 1 > maxRate)
        {
            return new Denial(DenialCode.OrderRateExceeded,
                $"order rate would be {ordersInLastSecond + 1} orders in the last second, above the maximum of {maxRate} per second",
                maxRate, ordersInLastSecond + 1, "orders/s");
        }
        return null;
    }

    /// <summary>
    /// Whether an order reduces the current position leg without going through zero, counting the other open
    /// orders that already reduce it. Reduce-only orders always count as reducing (the venue guarantees they never
    /// increase a position).
    /// </summary>
    /// <param name="spec">The order.</param>
    /// <param name="legQuantity">The signed position of the leg the order trades (long &gt; 0, short &lt; 0).</param>
    /// <param name="pendingReduction">Leaves quantity of the other open orders on the same leg and side.</param>
    /// <param name="referencePrice">Converts a quote-sized order to a quantity.</param>
    public static bool Reduces(OrderSpec spec, decimal legQuantity, decimal pendingReduction, decimal? referencePrice)
    {
        if (spec.ReduceOnly) return true;
        if (EstimatedQuantity(spec, referencePrice) is not { } quantity) return false;
        var total = quantity + Math.Max(0m, pendingReduction);
        return spec.Side switch
        {
            OrderSide.Sell => legQuantity > 0m && total <= legQuantity,
            OrderSide.Buy => legQuantity < 0m && total <= -legQuantity,
            _ => false,
        };
    }

    /// <summary>The order's notional in the quote asset, or null when it cannot be valued.</summary>
    public static decimal? Notional(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice)
    {
        if (spec.QuoteQuantity is { } quote) return quote;
        var price = spec.LimitPrice ?? spec.StopPrice ?? spec.ActivationPrice ?? referencePrice;
        return price is > 0m ? price.Value * spec.Quantity * instrument.ContractSize : null;
    }

    private static decimal? EstimatedQuantity(OrderSpec spec, decimal? referencePrice)
    {
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

    internal static string Fmt(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
