namespace Oms.Domain;

/// <summary>What a strategy asked for: the immutable terms of an order (amendable fields change on the order).</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderSpec")]
public sealed record OrderSpec
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required OrderSide Side { get; init; }
    [Id(2)] public required OrderType Type { get; init; }
    [Id(3)] public required decimal Quantity { get; init; }
    /// <summary>Limit price; null for market-type orders.</summary>
    [Id(4)] public decimal? LimitPrice { get; init; }
    /// <summary>Trigger price for stop and take-profit orders.</summary>
    [Id(5)] public decimal? StopPrice { get; init; }
    [Id(6)] public TimeInForce TimeInForce { get; init; } = TimeInForce.Gtc;
    [Id(7)] public bool ReduceOnly { get; init; }
    [Id(8)] public PositionSide PositionSide { get; init; } = PositionSide.Both;
    /// <summary>Trailing distance in percent (e.g. 1.5 = 1.5 %) for trailing stops.</summary>
    [Id(9)] public decimal? TrailingPercent { get; init; }
    /// <summary>Activation price for trailing stops.</summary>
    [Id(10)] public decimal? ActivationPrice { get; init; }
    /// <summary>Visible quantity for iceberg orders.</summary>
    [Id(11)] public decimal? DisplayQuantity { get; init; }
    [Id(12)] public TriggerPriceType TriggerPriceType { get; init; } = TriggerPriceType.LastPrice;
    /// <summary>Free-form strategy tag (for per-strategy limits and reporting).</summary>
    [Id(13)] public string? StrategyTag { get; init; }
    /// <summary>Quote quantity for market orders sized in quote currency (spot); Quantity is then 0.</summary>
    [Id(14)] public decimal? QuoteQuantity { get; init; }

    public bool IsMarketType => Type is OrderType.Market or OrderType.StopMarket or OrderType.TakeProfitMarket or OrderType.TrailingStopMarket;

    public bool IsConditional => Type is OrderType.StopMarket or OrderType.StopLimit or OrderType.TakeProfitMarket
        or OrderType.TakeProfitLimit or OrderType.TrailingStopMarket;

    /// <summary>
    /// Checks the spec is internally consistent (fields required by its type are present, others absent).
    /// Returns null when valid, otherwise a denial naming the offending field.
    /// </summary>
    public Denial? Validate()
    {
        static Denial Bad(string reason) => new(DenialCode.InvalidOrder, reason);
        if (!Enum.IsDefined(Side)) return Bad($"side {(int)Side} is not a known side");
        if (!Enum.IsDefined(Type)) return Bad($"type {(int)Type} is not a known order type");
        if (!Enum.IsDefined(TimeInForce)) return Bad($"time_in_force {(int)TimeInForce} is not known");
        if (!Enum.IsDefined(PositionSide)) return Bad($"position_side {(int)PositionSide} is not known");

        if (QuoteQuantity is { } quote)
        {
            if (Type != OrderType.Market || Instrument.Market != MarketType.Spot)
                return Bad("quote_quantity is only allowed on spot MARKET orders");
            if (quote <= 0m) return Bad($"quote_quantity {quote} must be positive");
            if (Quantity != 0m) return Bad("quantity and quote_quantity are mutually exclusive");
        }
        else if (Quantity <= 0m)
        {
            return Bad($"quantity {Quantity} must be positive");
        }

        var needsLimit = Type is OrderType.Limit or OrderType.LimitMaker or OrderType.StopLimit or OrderType.TakeProfitLimit;
        if (needsLimit && LimitPrice is not > 0m) return Bad($"limit_price is required and must be positive for {Type} orders");
        if (!needsLimit && LimitPrice is not null) return Bad($"limit_price is not allowed on {Type} orders");

        var needsStop = Type is OrderType.StopMarket or OrderType.StopLimit or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit;
        if (needsStop && StopPrice is not > 0m) return Bad($"stop_price is required and must be positive for {Type} orders");
        if (!needsStop && StopPrice is not null) return Bad($"stop_price is not allowed on {Type} orders");

        if (Type == OrderType.TrailingStopMarket)
        {
            if (TrailingPercent is not (> 0m and <= 20m)) return Bad("trailing_percent must be in (0, 20] for TRAILING_STOP_MARKET orders");
            if (ActivationPrice is <= 0m) return Bad($"activation_price {ActivationPrice} must be positive");
        }
        else if (TrailingPercent is not null || ActivationPrice is not null)
        {
            return Bad($"trailing_percent and activation_price are only allowed on TRAILING_STOP_MARKET orders, not {Type}");
        }

        if (IsMarketType && TimeInForce is TimeInForce.Gtx)
            return Bad($"time_in_force GTX (post-only) is not allowed on {Type} orders");
        if (Type == OrderType.LimitMaker && TimeInForce is TimeInForce.Ioc or TimeInForce.Fok)
            return Bad($"time_in_force {TimeInForce} contradicts LIMIT_MAKER (post-only)");

        if (DisplayQuantity is { } display && (display <= 0m || display >= Quantity || needsLimit is false))
            return Bad($"display_quantity {display} must be positive, below quantity {Quantity}, and only on limit orders");

        if (Instrument.Market == MarketType.Spot)
        {
            if (ReduceOnly) return Bad("reduce_only is not available on spot instruments");
            if (PositionSide != PositionSide.Both) return Bad("position_side is not available on spot instruments");
        }
        if (PositionSide != PositionSide.Both && ReduceOnly)
            return Bad("reduce_only cannot be combined with a hedge-mode position_side (closing is implied by side)");

        if (StrategyTag is { Length: > 64 }) return Bad("strategy_tag is longer than 64 characters");
        return null;
    }
}
