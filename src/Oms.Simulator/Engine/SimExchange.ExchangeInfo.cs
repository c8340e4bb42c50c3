using System.Globalization;

namespace Oms.Simulator.Engine;

public sealed partial class SimExchange
{
    private static string F8(decimal value) => value.ToString("0.00000000", CultureInfo.InvariantCulture);

    /// <summary>The decimal as configured (keeps its scale: 1.3000 stays "1.3000").</summary>
    private static string Plain(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static ExchangeFilterField S(string name, string value) => new(name, value, FilterValueKind.String);

    private static ExchangeFilterField N(string name, long value) => new(name, Int(value), FilterValueKind.Number);

    private static ExchangeFilterField B(string name, bool value) => new(name, value ? "true" : "false", FilterValueKind.Boolean);

    private ExchangeInfo GetExchangeInfoCore(MarketKind market) =>
        market == MarketKind.Spot
            ? new ExchangeInfo(market, _now, _spotList.Select(m => SpotSymbolInfo(m.Instrument, m.Status)).ToArray())
            : new ExchangeInfo(market, _now, _futuresList.Select(m => FuturesSymbolInfo(m.Instrument, m.Status)).ToArray());

    /// <summary>exchangeInfo filters of a spot symbol, in Binance's field order and formatting.</summary>
    public static IReadOnlyList<ExchangeFilter> SpotFilterList(SpotFilters f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var list = new List<ExchangeFilter>();
        if (f.Price is { } p)
        {
            list.Add(new("PRICE_FILTER", [S("minPrice", F8(p.MinPrice)), S("maxPrice", F8(p.MaxPrice)), S("tickSize", F8(p.TickSize))]));
        }

        if (f.LotSize is { } l)
        {
            list.Add(new("LOT_SIZE", [S("minQty", F8(l.MinQty)), S("maxQty", F8(l.MaxQty)), S("stepSize", F8(l.StepSize))]));
        }

        if (f.IcebergParts is { } ip)
        {
            list.Add(new("ICEBERG_PARTS", [N("limit", ip.Limit)]));
        }

        if (f.MarketLotSize is { } ml)
        {
            list.Add(new("MARKET_LOT_SIZE", [S("minQty", F8(ml.MinQty)), S("maxQty", F8(ml.MaxQty)), S("stepSize", F8(ml.StepSize))]));
        }

        if (f.TrailingDelta is { } td)
        {
            list.Add(new("TRAILING_DELTA",
            [
                N("minTrailingAboveDelta", td.MinTrailingAboveDelta), N("maxTrailingAboveDelta", td.MaxTrailingAboveDelta),
                N("minTrailingBelowDelta", td.MinTrailingBelowDelta), N("maxTrailingBelowDelta", td.MaxTrailingBelowDelta),
            ]));
        }

        if (f.PercentPrice is { } pp)
        {
            list.Add(new("PERCENT_PRICE", [S("multiplierUp", Plain(pp.MultiplierUp)), S("multiplierDown", Plain(pp.MultiplierDown)), N("avgPriceMins", pp.AvgPriceMins)]));
        }

        if (f.PercentPriceBySide is { } pb)
        {
            list.Add(new("PERCENT_PRICE_BY_SIDE",
            [
                S("bidMultiplierUp", Plain(pb.BidMultiplierUp)), S("bidMultiplierDown", Plain(pb.BidMultiplierDown)),
                S("askMultiplierUp", Plain(pb.AskMultiplierUp)), S("askMultiplierDown", Plain(pb.AskMultiplierDown)),
                N("avgPriceMins", pb.AvgPriceMins),
            ]));
        }

        if (f.MinNotional is { } mn)
        {
            list.Add(new("MIN_NOTIONAL", [S("minNotional", F8(mn.MinNotional)), B("applyToMarket", mn.ApplyToMarket), N("avgPriceMins", mn.AvgPriceMins)]));
        }

        if (f.Notional is { } n)
        {
            list.Add(new("NOTIONAL",
            [
                S("minNotional", F8(n.MinNotional)), B("applyMinToMarket", n.ApplyMinToMarket),
                S("maxNotional", F8(n.MaxNotional)), B("applyMaxToMarket", n.ApplyMaxToMarket), N("avgPriceMins", n.AvgPriceMins),
            ]));
        }

        if (f.MaxNumOrders is { } mo)
        {
            list.Add(new("MAX_NUM_ORDERS", [N("maxNumOrders", mo.MaxNumOrders)]));
        }

        if (f.MaxNumAlgoOrders is { } ma)
        {
            list.Add(new("MAX_NUM_ALGO_ORDERS", [N("maxNumAlgoOrders", ma.MaxNumAlgoOrders)]));
        }

        if (f.MaxNumIcebergOrders is { } mi)
        {
            list.Add(new("MAX_NUM_ICEBERG_ORDERS", [N("maxNumIcebergOrders", mi.MaxNumIcebergOrders)]));
        }

        if (f.MaxPosition is { } mp)
        {
            list.Add(new("MAX_POSITION", [S("maxPosition", F8(mp.MaxPosition))]));
        }

        return list;
    }

    /// <summary>exchangeInfo filters of a USDⓈ-M symbol.</summary>
    public static IReadOnlyList<ExchangeFilter> FuturesFilterList(FuturesFilters f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return
        [
            new("PRICE_FILTER", [S("maxPrice", Plain(f.Price.MaxPrice)), S("minPrice", Plain(f.Price.MinPrice)), S("tickSize", Plain(f.Price.TickSize))]),
            new("LOT_SIZE", [S("maxQty", Plain(f.LotSize.MaxQty)), S("minQty", Plain(f.LotSize.MinQty)), S("stepSize", Plain(f.LotSize.StepSize))]),
            new("MARKET_LOT_SIZE", [S("maxQty", Plain(f.MarketLotSize.MaxQty)), S("minQty", Plain(f.MarketLotSize.MinQty)), S("stepSize", Plain(f.MarketLotSize.StepSize))]),
            new("MAX_NUM_ORDERS", [N("limit", f.MaxNumOrders)]),
            new("MAX_NUM_ALGO_ORDERS", [N("limit", f.MaxNumAlgoOrders)]),
            new("MIN_NOTIONAL", [S("notional", Plain(f.MinNotional))]),
            new("PERCENT_PRICE",
            [
                S("multiplierUp", f.PercentPrice.MultiplierUp.ToString("0.0000", CultureInfo.InvariantCulture)),
                S("multiplierDown", f.PercentPrice.MultiplierDown.ToString("0.0000", CultureInfo.InvariantCulture)),
                S("multiplierDecimal", Int(f.PercentPrice.MultiplierDecimal)),
            ]),
        ];
    }

    private static ExchangeSymbolInfo SpotSymbolInfo(SpotInstrument i, SymbolStatus status) => new()
    {
        Symbol = i.Symbol,
        Status = status,
        BaseAsset = i.BaseAsset,
        QuoteAsset = i.QuoteAsset,
        BaseAssetPrecision = i.BaseAssetPrecision,
        QuotePrecision = i.QuotePrecision,
        QuoteAssetPrecision = i.QuoteAssetPrecision,
        BaseCommissionPrecision = i.BaseCommissionPrecision,
        QuoteCommissionPrecision = i.QuoteCommissionPrecision,
        OrderTypes = i.OrderTypes.Select(t => t.ToWire()).ToArray(),
        IcebergAllowed = i.IcebergAllowed,
        OcoAllowed = i.OcoAllowed,
        QuoteOrderQtyMarketAllowed = i.QuoteOrderQtyMarketAllowed,
        AllowTrailingStop = i.AllowTrailingStop,
        CancelReplaceAllowed = i.CancelReplaceAllowed,
        AmendAllowed = i.AmendAllowed,
        DefaultSelfTradePreventionMode = i.DefaultSelfTradePreventionMode,
        AllowedSelfTradePreventionModes = i.AllowedSelfTradePreventionModes,
        Filters = SpotFilterList(i.Filters),
    };

    private static readonly string[] FuturesOrderTypeNames = Enum.GetValues<FuturesOrderType>().Select(t => t.ToWire()).ToArray();
    private static readonly string[] FuturesTifNames = ["GTC", "IOC", "FOK", "GTX", "GTD"];

    private static ExchangeSymbolInfo FuturesSymbolInfo(FuturesInstrument i, SymbolStatus status) => new()
    {
        Symbol = i.Symbol,
        Pair = i.Symbol,
        ContractType = "PERPETUAL",
        DeliveryDate = i.DeliveryDate,
        OnboardDate = i.OnboardDate,
        Status = status,
        MaintMarginPercent = i.MaintMarginPercent.ToString("0.0000", CultureInfo.InvariantCulture),
        RequiredMarginPercent = i.RequiredMarginPercent.ToString("0.0000", CultureInfo.InvariantCulture),
        BaseAsset = i.BaseAsset,
        QuoteAsset = i.QuoteAsset,
        MarginAsset = i.MarginAsset,
        PricePrecision = i.PricePrecision,
        QuantityPrecision = i.QuantityPrecision,
        BaseAssetPrecision = i.BaseAssetPrecision,
        QuotePrecision = i.QuotePrecision,
        TriggerProtect = i.TriggerProtect.ToString("0.0000", CultureInfo.InvariantCulture),
        LiquidationFee = i.LiquidationFee.ToString("0.000000", CultureInfo.InvariantCulture),
        MarketTakeBound = Plain(i.MarketTakeBound),
        OrderTypes = FuturesOrderTypeNames,
        TimeInForce = FuturesTifNames,
        Filters = FuturesFilterList(i.Filters),
    };
}
