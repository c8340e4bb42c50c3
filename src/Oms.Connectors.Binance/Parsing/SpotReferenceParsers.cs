using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>A symbol's trading status (<c>TRADING</c>, <c>HALT</c>, ...).</summary>
public enum SymbolTradingStatus
{
    Unknown = 0,
    Trading = 1,
    EndOfDay = 2,
    Halt = 3,
    Break = 4,
    CancelOnly = 5,
}

/// <summary>A rate limit the venue publishes (<c>exchangeInfo.rateLimits</c>).</summary>
public readonly record struct VenueRateLimit(RateLimitKind Kind, RateLimitWindow Window);

/// <summary>One symbol of <c>exchangeInfo</c>: the domain <see cref="InstrumentSpec"/> plus what the spec has no room for.</summary>
public sealed record BinanceSymbolInfo
{
    public required InstrumentSpec Spec { get; init; }
    public required SymbolTradingStatus Status { get; init; }
    public IReadOnlyList<OrderType> OrderTypes { get; init; } = [];
    public bool IcebergAllowed { get; init; }
    public bool OcoAllowed { get; init; }
    public bool QuoteOrderQtyMarketAllowed { get; init; }
    public bool AllowTrailingStop { get; init; }
    public bool CancelReplaceAllowed { get; init; }
    public bool AmendAllowed { get; init; }
    /// <summary><c>NOTIONAL.applyMaxToMarket</c> (the spec applies its maximum notional like its minimum).</summary>
    public bool ApplyMaxNotionalToMarket { get; init; }
    /// <summary><c>ICEBERG_PARTS.limit</c>, when present.</summary>
    public int? IcebergPartsLimit { get; init; }
    /// <summary><c>MAX_NUM_ORDERS.maxNumOrders</c>, when present.</summary>
    public int? MaxNumOrders { get; init; }
    /// <summary><c>TRAILING_DELTA</c> bounds in BIPS (min above, max above, min below, max below), when present.</summary>
    public (long MinAbove, long MaxAbove, long MinBelow, long MaxBelow)? TrailingDelta { get; init; }
    /// <summary><c>PERCENT_PRICE_BY_SIDE</c> / <c>PERCENT_PRICE</c> multipliers (bid up, bid down, ask up, ask down), when present.</summary>
    public (decimal BidUp, decimal BidDown, decimal AskUp, decimal AskDown)? PercentPrice { get; init; }
}

/// <summary>The parsed <c>exchangeInfo</c>.</summary>
public sealed record BinanceExchangeInfo
{
    public required DateTimeOffset ServerTime { get; init; }
    public required IReadOnlyList<VenueRateLimit> RateLimits { get; init; }
    public required IReadOnlyList<BinanceSymbolInfo> Symbols { get; init; }
}

/// <summary>Parsers for reference and account data (cold paths: <see cref="JsonDocument"/>).</summary>
public static class SpotReferenceParsers
{
    /// <summary>Parses <c>exchangeInfo</c>: instrument specs from PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL / MIN_NOTIONAL and the rest.</summary>
    public static BinanceExchangeInfo ParseExchangeInfo(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var rateLimits = new List<VenueRateLimit>();
        if (root.TryGetProperty("rateLimits", out var limits) && limits.ValueKind == JsonValueKind.Array)
        {
            foreach (var limit in limits.EnumerateArray())
            {
                if (TryParseRateLimit(limit, out var parsed, out _)) rateLimits.Add(parsed);
            }
        }
        var result = new List<BinanceSymbolInfo>();
        if (root.TryGetProperty("symbols", out var list))
        {
            foreach (var symbol in list.EnumerateArray()) result.Add(ParseSymbol(symbol, symbols));
        }
        return new BinanceExchangeInfo
        {
            ServerTime = root.TryGetProperty("serverTime", out var time) ? JsonReading.FromMilliseconds(time.GetInt64()) : DateTimeOffset.UnixEpoch,
            RateLimits = rateLimits,
            Symbols = result,
        };
    }

    /// <summary>Parses one <c>{rateLimitType, interval, intervalNum, limit[, count]}</c> entry; false for unknown or empty ones.</summary>
    public static bool TryParseRateLimit(JsonElement element, out VenueRateLimit limit, out long? count)
    {
        limit = default;
        count = null;
        if (!element.TryGetProperty("rateLimitType", out var type) || !element.TryGetProperty("interval", out var interval)
            || !element.TryGetProperty("intervalNum", out var num) || !element.TryGetProperty("limit", out var max))
            return false;
        RateLimitKind? kind = type.GetString() switch
        {
            "REQUEST_WEIGHT" => RateLimitKind.RequestWeight,
            "ORDERS" => RateLimitKind.Orders,
            "RAW_REQUESTS" => RateLimitKind.RawRequests,
            _ => null,
        };
        var span = BinanceRateScopes.ParseInterval(interval.GetString() ?? string.Empty, num.GetInt32());
        if (kind is null || span is null) return false;
        limit = new VenueRateLimit(kind.Value, new RateLimitWindow(span.Value, max.GetInt64()));
        if (element.TryGetProperty("count", out var c) && c.TryGetInt64(out var used)) count = used;
        return true;
    }

    public static BinanceSymbolInfo ParseSymbol(JsonElement symbol, BinanceSymbolMapper symbols)
    {
        var name = symbol.GetRequiredString("symbol");
        var id = symbols.ToInstrument(name);
        decimal tick = 0, minPrice = 0, maxPrice = 0, step = 0, minQty = 0, maxQty = 0, marketStep = 0, marketMin = 0, marketMax = 0;
        decimal minNotional = 0, maxNotional = 0;
        var applyMinToMarket = true;
        var applyMaxToMarket = false;
        int? icebergParts = null, maxNumOrders = null;
        (long, long, long, long)? trailing = null;
        (decimal, decimal, decimal, decimal)? percent = null;
        if (symbol.TryGetProperty("filters", out var filters))
        {
            foreach (var filter in filters.EnumerateArray())
            {
                switch (filter.GetRequiredString("filterType"))
                {
                    case "PRICE_FILTER":
                        minPrice = filter.GetDecimal("minPrice");
                        maxPrice = filter.GetDecimal("maxPrice");
                        tick = filter.GetDecimal("tickSize");
                        break;
                    case "LOT_SIZE":
                        minQty = filter.GetDecimal("minQty");
                        maxQty = filter.GetDecimal("maxQty");
                        step = filter.GetDecimal("stepSize");
                        break;
                    case "MARKET_LOT_SIZE":
                        marketMin = filter.GetDecimal("minQty");
                        marketMax = filter.GetDecimal("maxQty");
                        marketStep = filter.GetDecimal("stepSize");
                        break;
                    case "NOTIONAL":
                        // NOTIONAL replaces the legacy MIN_NOTIONAL; when both appear the stricter minimum wins.
                        minNotional = Math.Max(minNotional, filter.GetDecimal("minNotional"));
                        maxNotional = filter.GetDecimal("maxNotional");
                        applyMinToMarket = filter.GetBoolOrDefault("applyMinToMarket", true);
                        applyMaxToMarket = filter.GetBoolOrDefault("applyMaxToMarket", false);
                        break;
                    case "MIN_NOTIONAL":
                        minNotional = Math.Max(minNotional, filter.GetDecimal("minNotional"));
                        applyMinToMarket = filter.GetBoolOrDefault("applyToMarket", true);
                        break;
                    case "ICEBERG_PARTS":
                        icebergParts = (int)filter.GetRequiredInt64("limit");
                        break;
                    case "MAX_NUM_ORDERS":
                        maxNumOrders = (int)filter.GetRequiredInt64("maxNumOrders");
                        break;
                    case "TRAILING_DELTA":
                        trailing = (filter.GetRequiredInt64("minTrailingAboveDelta"), filter.GetRequiredInt64("maxTrailingAboveDelta"),
                            filter.GetRequiredInt64("minTrailingBelowDelta"), filter.GetRequiredInt64("maxTrailingBelowDelta"));
                        break;
                    case "PERCENT_PRICE_BY_SIDE":
                        percent = (filter.GetDecimal("bidMultiplierUp"), filter.GetDecimal("bidMultiplierDown"),
                            filter.GetDecimal("askMultiplierUp"), filter.GetDecimal("askMultiplierDown"));
                        break;
                    case "PERCENT_PRICE":
                        var up = filter.GetDecimal("multiplierUp");
                        var down = filter.GetDecimal("multiplierDown");
                        percent ??= (up, down, up, down);
                        break;
                    default:
                        // Account-wide and count filters (MAX_NUM_ALGO_ORDERS, MAX_POSITION, ...) are not pre-trade inputs here.
                        break;
                }
            }
        }

        var orderTypes = new List<OrderType>();
        if (symbol.TryGetProperty("orderTypes", out var types))
        {
            foreach (var type in types.EnumerateArray())
            {
                if (SpotEnums.ParseOrderType(System.Text.Encoding.UTF8.GetBytes(type.GetString() ?? string.Empty)) is { } parsed) orderTypes.Add(parsed);
            }
        }

        return new BinanceSymbolInfo
        {
            Spec = new InstrumentSpec
            {
                Id = id,
                BaseAsset = symbol.GetRequiredString("baseAsset"),
                QuoteAsset = symbol.GetRequiredString("quoteAsset"),
                TickSize = tick,
                MinPrice = minPrice,
                MaxPrice = maxPrice,
                StepSize = step,
                MinQuantity = minQty,
                MaxQuantity = maxQty,
                MarketStepSize = marketStep,
                MarketMinQuantity = marketMin,
                MarketMaxQuantity = marketMax,
                MinNotional = minNotional,
                MaxNotional = maxNotional,
                ApplyMinNotionalToMarket = applyMinToMarket,
            },
            Status = (symbol.TryGetProperty("status", out var status) ? status.GetString() : null) switch
            {
                "TRADING" => SymbolTradingStatus.Trading,
                "END_OF_DAY" => SymbolTradingStatus.EndOfDay,
                "HALT" => SymbolTradingStatus.Halt,
                "BREAK" => SymbolTradingStatus.Break,
                "CANCEL_ONLY" => SymbolTradingStatus.CancelOnly,
                _ => SymbolTradingStatus.Unknown,
            },
            OrderTypes = orderTypes,
            IcebergAllowed = symbol.GetBoolOrDefault("icebergAllowed", false),
            OcoAllowed = symbol.GetBoolOrDefault("ocoAllowed", false),
            QuoteOrderQtyMarketAllowed = symbol.GetBoolOrDefault("quoteOrderQtyMarketAllowed", false),
            AllowTrailingStop = symbol.GetBoolOrDefault("allowTrailingStop", false),
            CancelReplaceAllowed = symbol.GetBoolOrDefault("cancelReplaceAllowed", false),
            AmendAllowed = symbol.GetBoolOrDefault("amendAllowed", false),
            ApplyMaxNotionalToMarket = applyMaxToMarket,
            IcebergPartsLimit = icebergParts,
            MaxNumOrders = maxNumOrders,
            TrailingDelta = trailing,
            PercentPrice = percent,
        };
    }

    /// <summary>Parses <c>account</c> / <c>account.status</c>.</summary>
    public static AccountSnapshot ParseAccount(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var balances = new List<VenueBalance>();
        foreach (var balance in root.GetProperty("balances").EnumerateArray())
        {
            balances.Add(new VenueBalance(balance.GetRequiredString("asset"), balance.GetDecimal("free"), balance.GetDecimal("locked")));
        }
        decimal? maker = null, taker = null;
        if (root.TryGetProperty("commissionRates", out var rates))
        {
            maker = rates.GetDecimalOrNull("maker");
            taker = rates.GetDecimalOrNull("taker");
        }
        return new AccountSnapshot
        {
            Balances = balances,
            CanTrade = root.GetBoolOrDefault("canTrade", false),
            CanWithdraw = root.GetBoolOrDefault("canWithdraw", false),
            CanDeposit = root.GetBoolOrDefault("canDeposit", false),
            AccountType = root.TryGetProperty("accountType", out var type) ? type.GetString() : null,
            UpdateTime = JsonReading.FromMilliseconds(root.GetRequiredInt64("updateTime")),
            MakerCommissionRate = maker,
            TakerCommissionRate = taker,
        };
    }

    /// <summary>
    /// Parses <c>myTrades</c> into fills. The client order id is not in the trade rows: <paramref name="clientOrderIds"/>
    /// maps venue order ids to client ids (from the orders queried alongside); rows of unknown orders are skipped and
    /// returned in <paramref name="unmatchedOrderIds"/> so the caller can query those orders.
    /// </summary>
    public static IReadOnlyList<AccountTrade> ParseMyTrades(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols,
        IReadOnlyDictionary<long, ClientOrderId> clientOrderIds, ICollection<long>? unmatchedOrderIds = null)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var trades = new List<AccountTrade>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            var orderId = row.GetRequiredInt64("orderId");
            if (!clientOrderIds.TryGetValue(orderId, out var clientId))
            {
                unmatchedOrderIds?.Add(orderId);
                continue;
            }
            var fill = new Fill
            {
                Instrument = symbols.ToInstrument(row.GetRequiredString("symbol")),
                TradeId = new TradeId(row.GetRequiredInt64("id").ToString(CultureInfo.InvariantCulture)),
                ClientOrderId = clientId,
                VenueOrderId = new VenueOrderId(orderId.ToString(CultureInfo.InvariantCulture)),
                Side = row.GetBoolOrDefault("isBuyer", false) ? OrderSide.Buy : OrderSide.Sell,
                Quantity = row.GetDecimal("qty"),
                Price = row.GetDecimal("price"),
                Fee = row.GetDecimal("commission"),
                FeeAsset = row.TryGetProperty("commissionAsset", out var asset) ? asset.GetString() ?? string.Empty : string.Empty,
                Liquidity = row.GetBoolOrDefault("isMaker", false) ? LiquiditySide.Maker : LiquiditySide.Taker,
                Timestamp = JsonReading.FromMilliseconds(row.GetRequiredInt64("time")),
            };
            trades.Add(new AccountTrade(fill, row.TryGetProperty("orderListId", out var list) ? list.GetInt64() : -1, row.GetBoolOrDefault("isBestMatch", false)));
        }
        return trades;
    }

    /// <summary>Parses <c>{"serverTime": ms}</c>.</summary>
    public static long ParseServerTime(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        JsonReading.ExpectStartObject(ref reader, "the time response");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isServerTime = reader.ValueSpan.SequenceEqual("serverTime"u8);
            JsonReading.Next(ref reader);
            if (isServerTime) return JsonReading.ReadInt64(ref reader, "serverTime");
            reader.Skip();
        }
        throw new BinanceProtocolException("the time response has no 'serverTime'");
    }
}
