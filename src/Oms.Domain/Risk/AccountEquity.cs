namespace Oms.Domain;

/// <summary>
/// An account's equity at one moment, in the valuation asset: the venue's balances valued at reference prices plus
/// the unrealized PnL of its derivatives legs marked to market. Spot inventory is in the balances already.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.AccountEquity")]
public sealed record AccountEquity
{
    [Id(0)] public required decimal Equity { get; init; }
    [Id(1)] public required decimal BalanceValue { get; init; }
    [Id(2)] public required decimal UnrealizedPnl { get; init; }
    [Id(3)] public required string Asset { get; init; }
    [Id(4)] public required DateTimeOffset At { get; init; }
    /// <summary>Assets with a balance but no price to value them: left out of the equity.</summary>
    [Id(5)] public IReadOnlyList<string> UnvaluedAssets { get; init; } = [];
    /// <summary>Derivatives legs with neither a reference price nor a last fill price: their PnL is left out.</summary>
    [Id(6)] public IReadOnlyList<InstrumentId> UnmarkedInstruments { get; init; } = [];
    /// <summary>Whether the venue has reported any balance (without balances the equity is the unrealized PnL only).</summary>
    [Id(7)] public bool HasBalances { get; init; }
}

/// <summary>One derivatives leg for the equity: its position (quantity and average entry) and where it is marked.</summary>
public readonly record struct EquityLeg(InstrumentId Instrument, Position Position, decimal? MarkPrice, decimal? QuoteRate);

/// <summary>Computes <see cref="AccountEquity"/>.</summary>
public static class EquityCalculator
{
    /// <param name="valuationAsset">The asset equity is measured in.</param>
    /// <param name="balances">Total (free + locked) per asset as the venue reported it.</param>
    /// <param name="assetPrice">The price of one unit of an asset in the valuation asset, or null (the valuation asset itself is 1).</param>
    /// <param name="derivativeLegs">Derivatives legs (spot inventory is valued through the balances).</param>
    /// <param name="at">When the equity is observed.</param>
    public static AccountEquity Compute(string valuationAsset, IEnumerable<KeyValuePair<string, decimal>> balances, Func<string, decimal?> assetPrice,
        IEnumerable<EquityLeg> derivativeLegs, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(valuationAsset);
        ArgumentNullException.ThrowIfNull(balances);
        ArgumentNullException.ThrowIfNull(assetPrice);
        ArgumentNullException.ThrowIfNull(derivativeLegs);
        var balanceValue = 0m;
        var hasBalances = false;
        List<string>? unvalued = null;
        foreach (var (asset, total) in balances)
        {
            hasBalances = true;
            if (total == 0m) continue;
            var price = string.Equals(asset, valuationAsset, StringComparison.Ordinal) ? 1m : assetPrice(asset);
            if (price is { } p && p > 0m) balanceValue += total * p;
            else (unvalued ??= []).Add(asset);
        }

        var unrealized = 0m;
        List<InstrumentId>? unmarked = null;
        foreach (var leg in derivativeLegs)
        {
            if (leg.Position.IsFlat) continue;
            if (leg.MarkPrice is { } mark && mark > 0m && leg.QuoteRate is { } rate) unrealized += leg.Position.UnrealizedPnl(mark) * rate;
            else (unmarked ??= []).Add(leg.Instrument);
        }

        return new AccountEquity
        {
            Equity = balanceValue + unrealized,
            BalanceValue = balanceValue,
            UnrealizedPnl = unrealized,
            Asset = valuationAsset,
            At = at,
            UnvaluedAssets = unvalued?.ToArray() ?? [],
            UnmarkedInstruments = unmarked?.ToArray() ?? [],
            HasBalances = hasBalances,
        };
    }
}
