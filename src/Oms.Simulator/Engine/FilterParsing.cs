using System.Globalization;

namespace Oms.Simulator.Engine;

/// <summary>Builds spot filter records from exchangeInfo-style text fields.</summary>
internal static class FilterParsing
{
    public static EngineResult<SpotFilters> ApplySpot(SpotFilters filters, string filterType, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(fields);
        try
        {
            return filterType switch
            {
                "PRICE_FILTER" => filters with { Price = new PriceFilter(D(fields, "minPrice"), D(fields, "maxPrice"), D(fields, "tickSize")) },
                "LOT_SIZE" => filters with { LotSize = new LotSizeFilter(D(fields, "minQty"), D(fields, "maxQty"), D(fields, "stepSize")) },
                "MARKET_LOT_SIZE" => filters with { MarketLotSize = new LotSizeFilter(D(fields, "minQty"), D(fields, "maxQty"), D(fields, "stepSize")) },
                "PERCENT_PRICE" => filters with { PercentPrice = new PercentPriceFilter(D(fields, "multiplierUp"), D(fields, "multiplierDown"), I(fields, "avgPriceMins")) },
                "PERCENT_PRICE_BY_SIDE" => filters with
                {
                    PercentPriceBySide = new PercentPriceBySideFilter(
                        D(fields, "bidMultiplierUp"), D(fields, "bidMultiplierDown"), D(fields, "askMultiplierUp"), D(fields, "askMultiplierDown"), I(fields, "avgPriceMins")),
                },
                "MIN_NOTIONAL" => filters with { MinNotional = new MinNotionalFilter(D(fields, "minNotional"), Bool(fields, "applyToMarket"), I(fields, "avgPriceMins")) },
                "NOTIONAL" => filters with
                {
                    Notional = new NotionalFilter(D(fields, "minNotional"), Bool(fields, "applyMinToMarket"), D(fields, "maxNotional"), Bool(fields, "applyMaxToMarket"), I(fields, "avgPriceMins")),
                },
                "ICEBERG_PARTS" => filters with { IcebergParts = new IcebergPartsFilter(I(fields, "limit")) },
                "MAX_NUM_ORDERS" => filters with { MaxNumOrders = new MaxNumOrdersFilter(I(fields, "maxNumOrders")) },
                "MAX_NUM_ALGO_ORDERS" => filters with { MaxNumAlgoOrders = new MaxNumAlgoOrdersFilter(I(fields, "maxNumAlgoOrders")) },
                "MAX_NUM_ICEBERG_ORDERS" => filters with { MaxNumIcebergOrders = new MaxNumIcebergOrdersFilter(I(fields, "maxNumIcebergOrders")) },
                "MAX_POSITION" => filters with { MaxPosition = new MaxPositionFilter(D(fields, "maxPosition")) },
                "TRAILING_DELTA" => filters with
                {
                    TrailingDelta = new TrailingDeltaFilter(
                        I(fields, "minTrailingAboveDelta"), I(fields, "maxTrailingAboveDelta"), I(fields, "minTrailingBelowDelta"), I(fields, "maxTrailingBelowDelta")),
                },
                _ => new EngineError(-1130, $"Data sent for parameter 'filterType' is not valid. (unsupported filter '{filterType}')"),
            };
        }
        catch (FormatException ex)
        {
            return new EngineError(-1130, $"Data sent for parameter '{filterType}' is not valid. ({ex.Message})");
        }
    }

    private static string Get(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var v) ? v : throw new FormatException($"field '{name}' is missing");

    private static decimal D(IReadOnlyDictionary<string, string> fields, string name) =>
        decimal.TryParse(Get(fields, name), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"field '{name}' is not a decimal");

    private static int I(IReadOnlyDictionary<string, string> fields, string name) =>
        int.TryParse(Get(fields, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new FormatException($"field '{name}' is not an integer");

    private static bool Bool(IReadOnlyDictionary<string, string> fields, string name) =>
        bool.TryParse(Get(fields, name), out var b) ? b : throw new FormatException($"field '{name}' is not a boolean");
}
