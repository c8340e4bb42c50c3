using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.RateLimits;

namespace Oms.Simulator.Wire.Json;

/// <summary>Renders market-data REST bodies, exchangeInfo and market stream events for both venues.</summary>
public static class MarketJson
{
    public static void WriteServerTime(Utf8JsonWriter w, long serverTime)
    {
        w.WriteStartObject();
        w.WriteNumber("serverTime", serverTime);
        w.WriteEndObject();
    }

    /// <summary>exchangeInfo: spot or USDⓈ-M layout.</summary>
    public static void WriteExchangeInfo(Utf8JsonWriter w, ExchangeInfo info, IEnumerable<ExchangeSymbolInfo> symbols, RateLimitSettings limits)
    {
        var spot = info.Market == MarketKind.Spot;
        var rules = limits.WeightRules.Concat(limits.OrderRules).ToList();
        w.WriteStartObject();
        if (spot)
        {
            w.WriteString("timezone", "UTC");
            w.WriteNumber("serverTime", info.ServerTime);
            WriteRateLimitRules(w, rules, spot);
            w.WriteStartArray("exchangeFilters");
            w.WriteEndArray();
            w.WriteArray("symbols", symbols, WriteSpotSymbol);
        }
        else
        {
            w.WriteStartArray("exchangeFilters");
            w.WriteEndArray();
            WriteRateLimitRules(w, rules, spot);
            w.WriteNumber("serverTime", info.ServerTime);
            w.WriteStartArray("assets");
            foreach (var asset in info.Symbols.Select(s => s.MarginAsset ?? s.QuoteAsset).Distinct(StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("asset", asset);
                w.WriteBoolean("marginAvailable", true);
                w.WriteString("autoAssetExchange", "0");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteArray("symbols", symbols, WriteFuturesSymbol);
            w.WriteString("timezone", "UTC");
        }

        w.WriteEndObject();
    }

    private static void WriteRateLimitRules(Utf8JsonWriter w, IEnumerable<RateLimitRule> rules, bool spot)
    {
        w.WriteStartArray("rateLimits");
        foreach (var rule in rules)
        {
            if (spot)
            {
                WriteRateLimit(w, rule);
                continue;
            }

            w.WriteStartObject();
            w.WriteString("interval", rule.IntervalName);
            w.WriteNumber("intervalNum", rule.IntervalNum);
            w.WriteNumber("limit", rule.Limit);
            w.WriteString("rateLimitType", rule.TypeName);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// A rate-limit rule as spot exchangeInfo, the rateLimit/order endpoints and WS API <c>rateLimits</c> show it;
    /// with <paramref name="count"/> the current usage is appended.
    /// </summary>
    public static void WriteRateLimit(Utf8JsonWriter w, RateLimitRule rule, int? count = null)
    {
        w.WriteStartObject();
        w.WriteString("rateLimitType", rule.TypeName);
        w.WriteString("interval", rule.IntervalName);
        w.WriteNumber("intervalNum", rule.IntervalNum);
        w.WriteNumber("limit", rule.Limit);
        if (count is { } used)
        {
            w.WriteNumber("count", used);
        }

        w.WriteEndObject();
    }

    private static void WriteSpotSymbol(Utf8JsonWriter w, ExchangeSymbolInfo s)
    {
        w.WriteStartObject();
        w.WriteString("symbol", s.Symbol);
        w.WriteString("status", s.Status.ToWire());
        w.WriteString("baseAsset", s.BaseAsset);
        w.WriteNumber("baseAssetPrecision", s.BaseAssetPrecision);
        w.WriteString("quoteAsset", s.QuoteAsset);
        w.WriteNumber("quotePrecision", s.QuotePrecision);
        w.WriteNumber("quoteAssetPrecision", s.QuoteAssetPrecision ?? s.QuotePrecision);
        w.WriteNumber("baseCommissionPrecision", s.BaseCommissionPrecision ?? s.BaseAssetPrecision);
        w.WriteNumber("quoteCommissionPrecision", s.QuoteCommissionPrecision ?? s.QuotePrecision);
        WriteStrings(w, "orderTypes", s.OrderTypes);
        w.WriteBoolean("icebergAllowed", s.IcebergAllowed ?? false);
        w.WriteBoolean("ocoAllowed", s.OcoAllowed ?? false);
        w.WriteBoolean("otoAllowed", false);
        w.WriteBoolean("opoAllowed", false);
        w.WriteBoolean("quoteOrderQtyMarketAllowed", s.QuoteOrderQtyMarketAllowed ?? false);
        w.WriteBoolean("allowTrailingStop", s.AllowTrailingStop ?? false);
        w.WriteBoolean("cancelReplaceAllowed", s.CancelReplaceAllowed ?? false);
        w.WriteBoolean("amendAllowed", s.AmendAllowed ?? false);
        w.WriteBoolean("pegInstructionsAllowed", false);
        w.WriteBoolean("isSpotTradingAllowed", true);
        w.WriteBoolean("isMarginTradingAllowed", false);
        WriteFilters(w, s.Filters);
        w.WriteStartArray("permissions");
        w.WriteEndArray();
        w.WriteStartArray("permissionSets");
        w.WriteStartArray();
        w.WriteStringValue("SPOT");
        w.WriteEndArray();
        w.WriteEndArray();
        w.WriteString("defaultSelfTradePreventionMode", (s.DefaultSelfTradePreventionMode ?? SelfTradePreventionMode.None).ToWire());
        WriteStrings(w, "allowedSelfTradePreventionModes", (s.AllowedSelfTradePreventionModes ?? []).Select(m => m.ToWire()));
        w.WriteEndObject();
    }

    private static void WriteFuturesSymbol(Utf8JsonWriter w, ExchangeSymbolInfo s)
    {
        w.WriteStartObject();
        w.WriteString("symbol", s.Symbol);
        w.WriteString("pair", s.Pair ?? s.Symbol);
        w.WriteString("contractType", s.ContractType ?? "PERPETUAL");
        w.WriteNumber("deliveryDate", s.DeliveryDate ?? 4133404800000);
        w.WriteNumber("onboardDate", s.OnboardDate ?? 0);
        w.WriteString("status", s.Status.ToWire());
        w.WriteString("maintMarginPercent", s.MaintMarginPercent ?? "2.5000");
        w.WriteString("requiredMarginPercent", s.RequiredMarginPercent ?? "5.0000");
        w.WriteString("baseAsset", s.BaseAsset);
        w.WriteString("quoteAsset", s.QuoteAsset);
        w.WriteString("marginAsset", s.MarginAsset ?? s.QuoteAsset);
        w.WriteNumber("pricePrecision", s.PricePrecision ?? 2);
        w.WriteNumber("quantityPrecision", s.QuantityPrecision ?? 3);
        w.WriteNumber("baseAssetPrecision", s.BaseAssetPrecision);
        w.WriteNumber("quotePrecision", s.QuotePrecision);
        w.WriteString("underlyingType", "COIN");
        w.WriteStartArray("underlyingSubType");
        w.WriteEndArray();
        w.WriteNumber("settlePlan", 0);
        w.WriteString("triggerProtect", s.TriggerProtect ?? "0.0500");
        WriteFilters(w, s.Filters);
        WriteStrings(w, "orderTypes", s.OrderTypes);
        WriteStrings(w, "timeInForce", s.TimeInForce ?? []);
        w.WriteString("liquidationFee", s.LiquidationFee ?? "0.012500");
        w.WriteString("marketTakeBound", s.MarketTakeBound ?? "0.05");
        w.WriteEndObject();
    }

    private static void WriteFilters(Utf8JsonWriter w, IReadOnlyList<ExchangeFilter> filters)
    {
        w.WriteStartArray("filters");
        foreach (var filter in filters)
        {
            w.WriteStartObject();
            w.WriteString("filterType", filter.FilterType);
            foreach (var field in filter.Fields)
            {
                switch (field.Kind)
                {
                    case FilterValueKind.Number:
                        w.WritePropertyName(field.Name);
                        w.WriteRawValue(field.Value);
                        break;
                    case FilterValueKind.Boolean:
                        w.WriteBoolean(field.Name, string.Equals(field.Value, "true", StringComparison.OrdinalIgnoreCase));
                        break;
                    default:
                        w.WriteString(field.Name, field.Value);
                        break;
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values) =>
        w.WriteArray(name, values, static (w, value) => w.WriteStringValue(value));

    /// <summary>GET depth: spot <c>{lastUpdateId,bids,asks}</c>; futures adds <c>E</c> and <c>T</c>.</summary>
    public static void WriteDepth(Utf8JsonWriter w, OrderBookSnapshot book, bool futures, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteNumber("lastUpdateId", book.LastUpdateId);
        if (futures)
        {
            w.WriteNumber("E", book.EventTime);
            w.WriteNumber("T", book.TransactionTime);
        }

        WriteLevels(w, "bids", book.Bids, f);
        WriteLevels(w, "asks", book.Asks, f);
        w.WriteEndObject();
    }

    public static void WriteLevels(Utf8JsonWriter w, string name, IReadOnlyList<PriceLevel> levels, SymbolFormat f)
    {
        w.WriteStartArray(name);
        foreach (var level in levels)
        {
            w.WriteStartArray();
            w.WriteStringValue(Fmt.Fixed(level.Price, f.PriceScale));
            w.WriteStringValue(Fmt.Fixed(level.Quantity, f.QtyScale));
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    /// <summary>GET trades element.</summary>
    public static void WritePublicTrade(Utf8JsonWriter w, PublicTrade t, bool futures, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteNumber("id", t.Id);
        w.WriteFixed("price", t.Price, f.PriceScale);
        w.WriteFixed("qty", t.Qty, f.QtyScale);
        w.WriteFixed("quoteQty", t.QuoteQty, f.QuoteScale);
        w.WriteNumber("time", t.Time);
        w.WriteBoolean("isBuyerMaker", t.IsBuyerMaker);
        if (!futures)
        {
            w.WriteBoolean("isBestMatch", t.IsBestMatch);
        }

        w.WriteEndObject();
    }

    /// <summary>GET aggTrades element.</summary>
    public static void WriteAggTrade(Utf8JsonWriter w, AggregateTrade t, bool futures, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteNumber("a", t.AggTradeId);
        w.WriteFixed("p", t.Price, f.PriceScale);
        w.WriteFixed("q", t.Qty, f.QtyScale);
        w.WriteNumber("f", t.FirstTradeId);
        w.WriteNumber("l", t.LastTradeId);
        w.WriteNumber("T", t.Time);
        w.WriteBoolean("m", t.IsBuyerMaker);
        if (!futures)
        {
            w.WriteBoolean("M", true);
        }

        w.WriteEndObject();
    }

    /// <summary>GET ticker/bookTicker element.</summary>
    public static void WriteBookTicker(Utf8JsonWriter w, BookTicker t, bool futures, SymbolFormat f)
    {
        w.WriteStartObject();
        if (futures)
        {
            w.WriteNumber("lastUpdateId", t.UpdateId);
        }

        w.WriteString("symbol", t.Symbol);
        w.WriteFixed("bidPrice", t.BidPrice, f.PriceScale);
        w.WriteFixed("bidQty", t.BidQty, f.QtyScale);
        w.WriteFixed("askPrice", t.AskPrice, f.PriceScale);
        w.WriteFixed("askQty", t.AskQty, f.QtyScale);
        if (futures)
        {
            w.WriteNumber("time", t.Time);
        }

        w.WriteEndObject();
    }

    /// <summary>GET ticker/price element.</summary>
    public static void WritePriceTicker(Utf8JsonWriter w, string symbol, decimal price, long? time, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", symbol);
        w.WriteFixed("price", price, f.PriceScale);
        if (time is { } t)
        {
            w.WriteNumber("time", t);
        }

        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v1/premiumIndex element.</summary>
    public static void WritePremiumIndex(Utf8JsonWriter w, MarkPriceView m)
    {
        w.WriteStartObject();
        w.WriteString("symbol", m.Symbol);
        w.WriteFixed("markPrice", m.MarkPrice, 8);
        w.WriteFixed("indexPrice", m.IndexPrice, 8);
        w.WriteFixed("estimatedSettlePrice", m.EstimatedSettlePrice, 8);
        w.WriteFixed("lastFundingRate", m.LastFundingRate, 8);
        w.WriteFixed("interestRate", m.InterestRate, 8);
        w.WriteNumber("nextFundingTime", m.NextFundingTime);
        w.WriteNumber("time", m.Time);
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ stream payloads

    public static void WriteTradeEvent(Utf8JsonWriter w, TradeEvent e, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("e", "trade");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("s", e.Symbol);
        w.WriteNumber("t", e.TradeId);
        w.WriteFixed("p", e.Price, f.PriceScale);
        w.WriteFixed("q", e.Quantity, f.QtyScale);
        w.WriteNumber("T", e.TradeTime);
        w.WriteBoolean("m", e.IsBuyerMaker);
        if (e.Market == MarketKind.Spot)
        {
            w.WriteBoolean("M", true);
        }

        w.WriteEndObject();
    }

    public static void WriteAggTradeEvent(Utf8JsonWriter w, AggTradeEvent e, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("e", "aggTrade");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("s", e.Symbol);
        w.WriteNumber("a", e.AggTradeId);
        w.WriteFixed("p", e.Price, f.PriceScale);
        w.WriteFixed("q", e.Quantity, f.QtyScale);
        w.WriteNumber("f", e.FirstTradeId);
        w.WriteNumber("l", e.LastTradeId);
        w.WriteNumber("T", e.TradeTime);
        w.WriteBoolean("m", e.IsBuyerMaker);
        if (e.Market == MarketKind.Spot)
        {
            w.WriteBoolean("M", true);
        }

        w.WriteEndObject();
    }

    /// <summary>bookTicker: spot has no <c>e</c>/<c>E</c>; futures adds <c>e, E, T</c>.</summary>
    public static void WriteBookTickerEvent(Utf8JsonWriter w, BookTickerEvent e, SymbolFormat f)
    {
        w.WriteStartObject();
        if (e.Market == MarketKind.UsdM)
        {
            w.WriteString("e", "bookTicker");
            w.WriteNumber("u", e.UpdateId);
            w.WriteNumber("E", e.EventTime);
            w.WriteNumber("T", e.TransactionTime);
        }
        else
        {
            w.WriteNumber("u", e.UpdateId);
        }

        w.WriteString("s", e.Symbol);
        w.WriteFixed("b", e.BidPrice, f.PriceScale);
        w.WriteFixed("B", e.BidQty, f.QtyScale);
        w.WriteFixed("a", e.AskPrice, f.PriceScale);
        w.WriteFixed("A", e.AskQty, f.QtyScale);
        w.WriteEndObject();
    }

    /// <summary>depthUpdate diff; futures adds <c>T</c> and <c>pu</c>.</summary>
    public static void WriteDepthUpdateEvent(Utf8JsonWriter w, DepthUpdateEvent e, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("e", "depthUpdate");
        w.WriteNumber("E", e.EventTime);
        if (e.Market == MarketKind.UsdM)
        {
            w.WriteNumber("T", e.TransactionTime);
        }

        w.WriteString("s", e.Symbol);
        w.WriteNumber("U", e.FirstUpdateId);
        w.WriteNumber("u", e.FinalUpdateId);
        if (e.Market == MarketKind.UsdM)
        {
            w.WriteNumber("pu", e.PreviousFinalUpdateId);
        }

        WriteLevels(w, "b", e.Bids, f);
        WriteLevels(w, "a", e.Asks, f);
        w.WriteEndObject();
    }

    /// <summary>Partial book depth: spot <c>{lastUpdateId,bids,asks}</c>; futures a depthUpdate-shaped top-N snapshot.</summary>
    public static void WritePartialDepth(Utf8JsonWriter w, MarketKind market, string symbol, OrderBookSnapshot book, long previousUpdateId, long eventTime, SymbolFormat f)
    {
        if (market == MarketKind.Spot)
        {
            WriteDepth(w, book, futures: false, f);
            return;
        }

        w.WriteStartObject();
        w.WriteString("e", "depthUpdate");
        w.WriteNumber("E", eventTime);
        w.WriteNumber("T", book.TransactionTime);
        w.WriteString("s", symbol);
        w.WriteNumber("U", previousUpdateId + 1);
        w.WriteNumber("u", book.LastUpdateId);
        w.WriteNumber("pu", previousUpdateId);
        WriteLevels(w, "b", book.Bids, f);
        WriteLevels(w, "a", book.Asks, f);
        w.WriteEndObject();
    }

    public static void WriteMarkPriceEvent(Utf8JsonWriter w, MarkPriceEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e", "markPriceUpdate");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("s", e.Symbol);
        w.WriteFixed("p", e.MarkPrice, 8);
        w.WriteFixed("i", e.IndexPrice, 8);
        w.WriteFixed("P", e.EstimatedSettlePrice, 8);
        w.WriteFixed("r", e.FundingRate, 8);
        w.WriteNumber("T", e.NextFundingTime);
        w.WriteEndObject();
    }

    public static void WriteServerShutdown(Utf8JsonWriter w, long eventTime)
    {
        w.WriteStartObject();
        w.WriteString("e", "serverShutdown");
        w.WriteNumber("E", eventTime);
        w.WriteEndObject();
    }
}
