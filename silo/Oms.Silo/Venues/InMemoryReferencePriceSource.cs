using System.Collections.Concurrent;

namespace Oms.Silo.Venues;

/// <summary>
/// Reference prices kept in memory, empty until market data (or a test) sets them. Without a price, checks that
/// need one (market order notional, price band) behave as the risk rules say for "no reference price".
/// </summary>
public sealed class InMemoryReferencePriceSource : IReferencePriceSource
{
    private readonly ConcurrentDictionary<InstrumentId, decimal> prices = new();

    public decimal? TryGetPrice(InstrumentId instrument) => prices.TryGetValue(instrument, out var price) ? price : null;

    /// <summary>Sets the latest reference price of <paramref name="instrument"/>.</summary>
    public void SetPrice(InstrumentId instrument, decimal price)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price);
        prices[instrument] = price;
    }

    /// <summary>Forgets the price of <paramref name="instrument"/>.</summary>
    public void Clear(InstrumentId instrument) => prices.TryRemove(instrument, out _);
}
