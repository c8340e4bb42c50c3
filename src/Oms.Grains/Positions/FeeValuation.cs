namespace Oms.Grains;

/// <summary>How one fill's fee enters the position: its quote value (expensed) and the part that changes inventory.</summary>
public readonly record struct FeeEffect(decimal QuoteValue, decimal BaseAssetFee, Money? Unvalued);

/// <summary>
/// Values fees for <see cref="Position.ApplyFill"/>:
/// <list type="bullet">
/// <item>fee in the quote asset: expensed as is;</item>
/// <item>fee in the base asset on spot: it reduces the inventory received (buy) or adds to what is delivered (sell),
/// and is expensed at the fill price; on derivatives it is only expensed at the fill price;</item>
/// <item>fee in another asset (e.g. BNB): valued at the reference price of <c>{feeAsset}{quote}</c> on the same venue
/// and market (then the venue's spot market); when there is none it is expensed as 0 and returned as <see cref="FeeEffect.Unvalued"/> for the
/// history entry.</item>
/// </list>
/// A base-asset fee that is not smaller than a bought quantity is impossible; it is expensed only, never applied to
/// inventory, so a bad venue report cannot corrupt the quantity.
/// </summary>
public static class FeeValuation
{
    public static FeeEffect Evaluate(Fill fill, InstrumentSpec? instrument, IReferencePriceSource prices)
    {
        ArgumentNullException.ThrowIfNull(fill);
        if (fill.Fee == 0m) return default;
        var asset = fill.FeeAsset;
        if (instrument is null) return new FeeEffect(0m, 0m, new Money(fill.Fee, asset));
        if (string.Equals(asset, instrument.QuoteAsset, StringComparison.Ordinal)) return new FeeEffect(fill.Fee, 0m, null);
        if (string.Equals(asset, instrument.BaseAsset, StringComparison.Ordinal))
        {
            var changesInventory = instrument.Market == MarketType.Spot && fill.Fee > 0m && (fill.Side == OrderSide.Sell || fill.Fee < fill.Quantity);
            return new FeeEffect(fill.Fee * fill.Price * instrument.ContractSize, changesInventory ? fill.Fee : 0m, null);
        }

        // Same venue and market first, then the venue's spot market.
        foreach (var market in instrument.Market == MarketType.Spot ? new[] { MarketType.Spot } : new[] { instrument.Market, MarketType.Spot })
        {
            if (TryInstrument(instrument.Id.Venue, market, asset + instrument.QuoteAsset, out var feeInstrument)
                && prices.TryGetPrice(feeInstrument) is { } price && price > 0m)
            {
                return new FeeEffect(fill.Fee * price, 0m, null);
            }
        }
        return new FeeEffect(0m, 0m, new Money(fill.Fee, asset));
    }

    private static bool TryInstrument(Venue venue, MarketType market, string symbol, out InstrumentId instrument)
    {
        instrument = default;
        if (string.IsNullOrWhiteSpace(symbol) || symbol.Length > 32 || symbol.Any(char.IsWhiteSpace)) return false;
        instrument = new InstrumentId(venue, market, symbol);
        return true;
    }
}
