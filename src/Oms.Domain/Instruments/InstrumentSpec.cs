using System.Globalization;

namespace Oms.Domain;

/// <summary>
/// An instrument with the venue's trading filters. Orders are normalised and checked against these before
/// they leave the OMS, so a filter failure is a denial, never a venue reject.
/// <para>
/// Tick and step grids: Binance documents spot filters on a grid anchored at zero (<c>price % tickSize == 0</c>) and
/// USDⓈ-M futures filters on a grid anchored at the minimum (<c>(price − minPrice) % tickSize == 0</c>, the same for
/// quantities and <c>minQty</c>). Normalisation and <see cref="Check"/> use the same grid, so a normalised value inside
/// the limits always passes the tick and step checks.
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.InstrumentSpec")]
public sealed record InstrumentSpec
{
    [Id(0)] public required InstrumentId Id { get; init; }
    [Id(1)] public required string BaseAsset { get; init; }
    [Id(2)] public required string QuoteAsset { get; init; }
    /// <summary>Price increment; 0 disables the tick check.</summary>
    [Id(3)] public decimal TickSize { get; init; }
    [Id(4)] public decimal MinPrice { get; init; }
    /// <summary>0 means no maximum.</summary>
    [Id(5)] public decimal MaxPrice { get; init; }
    /// <summary>Quantity increment for limit orders; 0 disables the step check.</summary>
    [Id(6)] public decimal StepSize { get; init; }
    [Id(7)] public decimal MinQuantity { get; init; }
    /// <summary>0 means no maximum.</summary>
    [Id(8)] public decimal MaxQuantity { get; init; }
    /// <summary>Quantity increment for market orders; 0 means use <see cref="StepSize"/>.</summary>
    [Id(9)] public decimal MarketStepSize { get; init; }
    [Id(10)] public decimal MarketMinQuantity { get; init; }
    /// <summary>0 means no maximum.</summary>
    [Id(11)] public decimal MarketMaxQuantity { get; init; }
    [Id(12)] public decimal MinNotional { get; init; }
    /// <summary>0 means no maximum.</summary>
    [Id(13)] public decimal MaxNotional { get; init; }
    /// <summary>Whether the minimum notional applies to market orders (Binance <c>applyMinToMarket</c>).</summary>
    [Id(14)] public bool ApplyMinNotionalToMarket { get; init; } = true;
    /// <summary>Futures contract multiplier; 1 for spot and linear USDⓈ-M contracts.</summary>
    [Id(15)] public decimal ContractSize { get; init; } = 1m;
    /// <summary>
    /// Whether the maximum notional applies to market orders (Binance <c>applyMaxToMarket</c>). Null follows
    /// <see cref="ApplyMinNotionalToMarket"/>, which is how both limits behaved before this flag existed.
    /// </summary>
    [Id(16)] public bool? ApplyMaxNotionalToMarket { get; init; }

    public MarketType Market => Id.Market;

    /// <summary>Rounds a price down (buys) or up (sells) to the tick so a limit never becomes more aggressive.</summary>
    public decimal NormalizePrice(decimal price, OrderSide side)
    {
        if (TickSize <= 0m) return price;
        var origin = GridOrigin(MinPrice);
        return origin + (side == OrderSide.Buy ? FloorTo(price - origin, TickSize) : CeilTo(price - origin, TickSize));
    }

    /// <summary>Rounds a quantity down to the step (never up: the OMS never sends more than asked).</summary>
    public decimal NormalizeQuantity(decimal quantity, bool isMarket)
    {
        var (step, min, _) = QuantityFilter(isMarket);
        if (step <= 0m) return quantity;
        var origin = GridOrigin(min);
        return origin + FloorTo(quantity - origin, step);
    }

    /// <summary>
    /// Checks price and quantity against every filter. <paramref name="referencePrice"/> values the notional of
    /// market orders; when it is null the notional of a market order is not checked here.
    /// </summary>
    public Denial? Check(decimal price, decimal quantity, bool isMarket, decimal? referencePrice)
    {
        if (quantity <= 0m) return new Denial(DenialCode.InvalidOrder, $"quantity {Fmt(quantity)} must be positive for {Id}");
        if (!isMarket)
        {
            if (price <= 0m) return new Denial(DenialCode.InvalidOrder, $"price {Fmt(price)} must be positive for a priced order on {Id}");
            if (MinPrice > 0m && price < MinPrice)
                return new Denial(DenialCode.PriceBelowMin, $"price {Fmt(price)} is below the minimum {Fmt(MinPrice)} for {Id}", MinPrice, price);
            if (MaxPrice > 0m && price > MaxPrice)
                return new Denial(DenialCode.PriceAboveMax, $"price {Fmt(price)} is above the maximum {Fmt(MaxPrice)} for {Id}", MaxPrice, price);
            if (TickSize > 0m && !IsMultiple(price - GridOrigin(MinPrice), TickSize))
                return new Denial(DenialCode.PriceNotOnTick, $"price {Fmt(price)} is not a multiple of the tick size {Fmt(TickSize)} for {Id}", TickSize, price);
        }

        var (step, min, max) = QuantityFilter(isMarket);
        if (min > 0m && quantity < min)
            return new Denial(DenialCode.QuantityBelowMin, $"quantity {Fmt(quantity)} is below the minimum {Fmt(min)} for {Id}", min, quantity);
        if (max > 0m && quantity > max)
            return new Denial(DenialCode.QuantityAboveMax, $"quantity {Fmt(quantity)} is above the maximum {Fmt(max)} for {Id}", max, quantity);
        if (step > 0m && !IsMultiple(quantity - GridOrigin(min), step))
            return new Denial(DenialCode.QuantityNotOnStep, $"quantity {Fmt(quantity)} is not a multiple of the step size {Fmt(step)} for {Id}", step, quantity);

        var valuationPrice = isMarket ? referencePrice : price;
        if (valuationPrice is { } p && p > 0m)
        {
            var notional = p * quantity * ContractSize;
            if (MinNotional > 0m && notional < MinNotional && (!isMarket || ApplyMinNotionalToMarket))
                return new Denial(DenialCode.NotionalBelowMin, $"notional {Fmt(notional)} {QuoteAsset} is below the minimum {Fmt(MinNotional)} {QuoteAsset} for {Id}", MinNotional, notional, QuoteAsset);
            if (MaxNotional > 0m && notional > MaxNotional && (!isMarket || (ApplyMaxNotionalToMarket ?? ApplyMinNotionalToMarket)))
                return new Denial(DenialCode.NotionalAboveMax, $"notional {Fmt(notional)} {QuoteAsset} is above the maximum {Fmt(MaxNotional)} {QuoteAsset} for {Id}", MaxNotional, notional, QuoteAsset);
        }
        return null;
    }

    private (decimal Step, decimal Min, decimal Max) QuantityFilter(bool isMarket) => isMarket
        ? (MarketStepSize > 0m ? MarketStepSize : StepSize, MarketMinQuantity > 0m ? MarketMinQuantity : MinQuantity, MarketMaxQuantity > 0m ? MarketMaxQuantity : MaxQuantity)
        : (StepSize, MinQuantity, MaxQuantity);

    /// <summary>Where the tick or step grid starts: at the minimum on USDⓈ-M futures, at zero on spot (see the type's remarks).</summary>
    private decimal GridOrigin(decimal minimum) => Market == MarketType.UsdMFutures ? minimum : 0m;

    private static bool IsMultiple(decimal value, decimal step) => decimal.Remainder(value, step) == 0m;

    private static decimal FloorTo(decimal value, decimal step) => decimal.Floor(value / step) * step;

    private static decimal CeilTo(decimal value, decimal step) => decimal.Ceiling(value / step) * step;

    internal static string Fmt(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
