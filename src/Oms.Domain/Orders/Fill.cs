namespace Oms.Domain;

/// <summary>One execution reported by a venue. Applied exactly once per <see cref="Key"/>.</summary>
[GenerateSerializer, Immutable, Alias("oms.Fill")]
public sealed record Fill
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required TradeId TradeId { get; init; }
    [Id(2)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(3)] public VenueOrderId? VenueOrderId { get; init; }
    [Id(4)] public required OrderSide Side { get; init; }
    [Id(5)] public required decimal Quantity { get; init; }
    [Id(6)] public required decimal Price { get; init; }
    /// <summary>Fee charged for this fill (positive = paid).</summary>
    [Id(7)] public decimal Fee { get; init; }
    [Id(8)] public string FeeAsset { get; init; } = string.Empty;
    [Id(9)] public LiquiditySide Liquidity { get; init; }
    [Id(10)] public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The venue's own realized PnL for this fill, where the venue reports one (futures <c>rp</c>).</summary>
    [Id(11)] public decimal? VenueRealizedPnl { get; init; }
    [Id(12)] public PositionSide PositionSide { get; init; } = PositionSide.Both;

    public FillKey Key => new(Instrument, TradeId);

    public decimal Notional => Quantity * Price;

    /// <summary>Checks the fill is well-formed. Returns the problem, or null.</summary>
    public string? Validate()
    {
        if (Quantity <= 0m) return $"fill {Key} has non-positive quantity {Quantity}";
        if (Price <= 0m) return $"fill {Key} has non-positive price {Price}";
        if (Fee != 0m && string.IsNullOrEmpty(FeeAsset)) return $"fill {Key} has a fee of {Fee} without a fee asset";
        if (string.IsNullOrEmpty(TradeId.Value)) return $"fill for order {ClientOrderId} has no trade id";
        return null;
    }
}
