namespace Oms.Simulator.Engine;

// Filter records mirror exchangeInfo filter objects field by field (REFERENCE §1.12 spot, §5.10 USDⓈ-M).
// A zero bound means "disabled", as on Binance.

public sealed record PriceFilter(decimal MinPrice, decimal MaxPrice, decimal TickSize);

public sealed record LotSizeFilter(decimal MinQty, decimal MaxQty, decimal StepSize);

public sealed record PercentPriceFilter(decimal MultiplierUp, decimal MultiplierDown, int AvgPriceMins);

public sealed record PercentPriceBySideFilter(
    decimal BidMultiplierUp,
    decimal BidMultiplierDown,
    decimal AskMultiplierUp,
    decimal AskMultiplierDown,
    int AvgPriceMins);

public sealed record MinNotionalFilter(decimal MinNotional, bool ApplyToMarket, int AvgPriceMins);

public sealed record NotionalFilter(
    decimal MinNotional,
    bool ApplyMinToMarket,
    decimal MaxNotional,
    bool ApplyMaxToMarket,
    int AvgPriceMins);

public sealed record IcebergPartsFilter(int Limit);

public sealed record MaxNumOrdersFilter(int MaxNumOrders);

public sealed record MaxNumAlgoOrdersFilter(int MaxNumAlgoOrders);

public sealed record MaxNumIcebergOrdersFilter(int MaxNumIcebergOrders);

public sealed record MaxPositionFilter(decimal MaxPosition);

public sealed record TrailingDeltaFilter(
    int MinTrailingAboveDelta,
    int MaxTrailingAboveDelta,
    int MinTrailingBelowDelta,
    int MaxTrailingBelowDelta);

/// <summary>The filters of one spot symbol; null = filter absent.</summary>
public sealed record SpotFilters
{
    public PriceFilter? Price { get; init; }
    public PercentPriceFilter? PercentPrice { get; init; }
    public PercentPriceBySideFilter? PercentPriceBySide { get; init; }
    public LotSizeFilter? LotSize { get; init; }
    public LotSizeFilter? MarketLotSize { get; init; }
    public MinNotionalFilter? MinNotional { get; init; }
    public NotionalFilter? Notional { get; init; }
    public IcebergPartsFilter? IcebergParts { get; init; }
    public MaxNumOrdersFilter? MaxNumOrders { get; init; }
    public MaxNumAlgoOrdersFilter? MaxNumAlgoOrders { get; init; }
    public MaxNumIcebergOrdersFilter? MaxNumIcebergOrders { get; init; }
    public MaxPositionFilter? MaxPosition { get; init; }
    public TrailingDeltaFilter? TrailingDelta { get; init; }

    /// <summary>
    /// Returns a copy with one filter set from its exchangeInfo fields (names as on the wire, values as text,
    /// e.g. <c>("LOT_SIZE", {minQty:"0.001", maxQty:"100", stepSize:"0.001"})</c>). Unknown filter types fail.
    /// </summary>
    public EngineResult<SpotFilters> With(string filterType, IReadOnlyDictionary<string, string> fields) =>
        FilterParsing.ApplySpot(this, filterType, fields);
}

/// <summary>USDⓈ-M PERCENT_PRICE: bounds relative to the mark price.</summary>
public sealed record FuturesPercentPriceFilter(decimal MultiplierUp, decimal MultiplierDown, int MultiplierDecimal);

/// <summary>The filters of one USDⓈ-M symbol.</summary>
public sealed record FuturesFilters
{
    public PriceFilter Price { get; init; } = new(0.10m, 4529764m, 0.10m);
    public LotSizeFilter LotSize { get; init; } = new(0.001m, 1000m, 0.001m);
    public LotSizeFilter MarketLotSize { get; init; } = new(0.001m, 120m, 0.001m);
    /// <summary>MAX_NUM_ORDERS <c>limit</c>.</summary>
    public int MaxNumOrders { get; init; } = 200;
    /// <summary>MAX_NUM_ALGO_ORDERS <c>limit</c> (Binance removed it from exchangeInfo on 2025-12-29; still enforced here).</summary>
    public int MaxNumAlgoOrders { get; init; } = 10;
    /// <summary>MIN_NOTIONAL <c>notional</c>.</summary>
    public decimal MinNotional { get; init; } = 5m;
    public FuturesPercentPriceFilter PercentPrice { get; init; } = new(1.0500m, 0.9500m, 4);
}
