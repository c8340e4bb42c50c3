namespace Oms.Simulator.Wire.Json;

/// <summary>Number of decimals Binance prints for one symbol's prices, base quantities and quote quantities.</summary>
public sealed record SymbolFormat(int PriceScale, int QtyScale, int QuoteScale)
{
    /// <summary>Spot prints every amount with 8 decimals (asset precision).</summary>
    public static SymbolFormat SpotDefault { get; } = new(8, 8, 8);
}
