using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;

namespace Oms.Simulator.Wire.Operations;

/// <summary>Public market-data operations shared by both venues (ping, time, exchangeInfo, depth, trades, tickers).</summary>
public static class MarketOperations
{
    public static Operation Ping(int weight) => new("ping", Security.None, Operation.Fixed(weight), static ctx =>
    {
        ctx.Params.EnsureAllRead();
        return OperationResult.EmptyObject;
    });

    public static Operation Time(int weight) => new("time", Security.None, Operation.Fixed(weight), static ctx =>
    {
        ctx.Params.EnsureAllRead();
        var now = ctx.Exchange.ServerTime;
        return OperationResult.Ok(w => MarketJson.WriteServerTime(w, now));
    });

    public static Operation ExchangeInfo(int weight) => new("exchangeInfo", Security.None, Operation.Fixed(weight), static ctx =>
    {
        var p = ctx.Params;
        HashSet<string>? wanted = null;
        if (ctx.Venue.IsSpot)
        {
            var symbol = ctx.GetSymbol();
            var symbolsJson = p.GetString("symbols");
            if (symbol is not null && symbolsJson is not null)
            {
                throw new ApiErrorException(new ApiError(400, -1128, "Combination of optional parameters invalid."));
            }

            if (symbol is not null)
            {
                wanted = [symbol];
            }
            else if (symbolsJson is not null)
            {
                wanted = ParseSymbolList(ctx, symbolsJson);
            }

            p.GetString("permissions");
            p.GetBool("showPermissionSets");
            var status = p.GetEnum<SymbolStatus>("symbolStatus", () => new ApiError(400, -1122, "Invalid symbolStatus."));
            p.EnsureAllRead();
            var info = ctx.Exchange.GetExchangeInfo(MarketKind.Spot);
            var symbols = info.Symbols.Where(s => (wanted is null || wanted.Contains(s.Symbol)) && (status is null || s.Status == status)).ToList();
            var limits = ctx.Venue.Limiter.Settings;
            return OperationResult.Ok(w => MarketJson.WriteExchangeInfo(w, info, symbols, limits));
        }

        p.EnsureAllRead();
        var futuresInfo = ctx.Exchange.GetExchangeInfo(MarketKind.UsdM);
        var futuresLimits = ctx.Venue.Limiter.Settings;
        return OperationResult.Ok(w => MarketJson.WriteExchangeInfo(w, futuresInfo, futuresInfo.Symbols, futuresLimits));
    });

    /// <summary>Depth; weight follows the limit (spot 5/25/50/250, futures 2/5/10/20).</summary>
    public static Operation Depth(Func<RequestParameters, int> weight) => new("depth", Security.None, weight, static ctx =>
    {
        var symbol = ctx.RequireSymbol();
        var limit = DepthLimit(ctx.Params, ctx.Venue.IsSpot);
        ctx.Params.EnsureAllRead();
        var book = ctx.Exchange.GetOrderBook(ctx.Venue.Market, symbol, limit).Unwrap();
        var format = ctx.Venue.Format(symbol);
        var futures = !ctx.Venue.IsSpot;
        return OperationResult.Ok(w => MarketJson.WriteDepth(w, book, futures, format));
    });

    public static Operation RecentTrades(int weight) => new("trades", Security.None, Operation.Fixed(weight), static ctx =>
    {
        var symbol = ctx.RequireSymbol();
        var limit = ctx.Params.GetLimit(500, 1000);
        ctx.Params.EnsureAllRead();
        var trades = ctx.Exchange.GetRecentTrades(ctx.Venue.Market, symbol, limit).Unwrap();
        var format = ctx.Venue.Format(symbol);
        var futures = !ctx.Venue.IsSpot;
        return OperationResult.OkArray(trades, (w, trade) => MarketJson.WritePublicTrade(w, trade, futures, format));
    });

    public static Operation AggTrades(int weight) => new("aggTrades", Security.None, Operation.Fixed(weight), static ctx =>
    {
        var symbol = ctx.RequireSymbol();
        var fromId = ctx.Params.GetLong("fromId");
        var startTime = ctx.Params.GetLong("startTime");
        var endTime = ctx.Params.GetLong("endTime");
        var limit = ctx.Params.GetLimit(500, 1000);
        ctx.Params.EnsureAllRead();
        var trades = ctx.Exchange.GetAggTrades(ctx.Venue.Market, symbol, fromId, startTime, endTime, limit).Unwrap();
        var format = ctx.Venue.Format(symbol);
        var futures = !ctx.Venue.IsSpot;
        return OperationResult.OkArray(trades, (w, trade) => MarketJson.WriteAggTrade(w, trade, futures, format));
    });

    /// <summary>ticker/bookTicker: one symbol → object; <c>symbols</c> or none → array.</summary>
    public static Operation BookTicker(int singleWeight, int multiWeight) =>
        new("ticker.book", Security.None, p => p.Has("symbol") ? singleWeight : multiWeight, static ctx =>
        {
            var symbol = ctx.GetSymbol();
            var wanted = ctx.Venue.IsSpot && ctx.Params.GetString("symbols") is { } list ? ParseSymbolList(ctx, list) : null;
            ctx.Params.EnsureAllRead();
            var futures = !ctx.Venue.IsSpot;
            if (symbol is not null)
            {
                var ticker = ctx.Exchange.GetBookTicker(ctx.Venue.Market, symbol).Unwrap();
                var format = ctx.Venue.Format(symbol);
                return OperationResult.Ok(w => MarketJson.WriteBookTicker(w, ticker, futures, format));
            }

            var tickers = ctx.Exchange.GetBookTickers(ctx.Venue.Market).Where(t => wanted is null || wanted.Contains(t.Symbol)).ToList();
            var venue = ctx.Venue;
            return OperationResult.OkArray(tickers, (w, ticker) => MarketJson.WriteBookTicker(w, ticker, futures, venue.Format(ticker.Symbol)));
        });

    /// <summary>ticker/price (last trade price).</summary>
    public static Operation PriceTicker(int singleWeight, int multiWeight) =>
        new("ticker.price", Security.None, p => p.Has("symbol") ? singleWeight : multiWeight, static ctx =>
        {
            var symbol = ctx.GetSymbol();
            var wanted = ctx.Venue.IsSpot && ctx.Params.GetString("symbols") is { } list ? ParseSymbolList(ctx, list) : null;
            ctx.Params.EnsureAllRead();
            long? time = ctx.Venue.IsSpot ? null : ctx.Exchange.ServerTime;
            var venue = ctx.Venue;
            if (symbol is not null)
            {
                var price = ctx.Exchange.GetLastPrice(venue.Market, symbol).Unwrap();
                return OperationResult.Ok(w => MarketJson.WritePriceTicker(w, symbol, price, time, venue.Format(symbol)));
            }

            var prices = ctx.Exchange.GetExchangeInfo(venue.Market).Symbols
                .Where(s => wanted is null || wanted.Contains(s.Symbol))
                .Select(s => (s.Symbol, Price: ctx.Exchange.GetLastPrice(venue.Market, s.Symbol)))
                .Where(x => x.Price.IsSuccess)
                .Select(x => (x.Symbol, x.Price.Value))
                .ToList();
            return OperationResult.OkArray(prices, (w, x) => MarketJson.WritePriceTicker(w, x.Symbol, x.Value, time, venue.Format(x.Symbol)));
        });

    /// <summary>Spot avgPrice.</summary>
    public static Operation AvgPrice() => new("avgPrice", Security.None, Operation.Fixed(2), static ctx =>
    {
        var symbol = ctx.RequireSymbol();
        ctx.Params.EnsureAllRead();
        var avg = ctx.Exchange.GetAvgPrice(symbol).Unwrap();
        var format = ctx.Venue.Format(symbol);
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("mins", avg.Mins);
            w.WriteFixed("price", avg.Price, format.PriceScale);
            w.WriteNumber("closeTime", avg.CloseTime);
            w.WriteEndObject();
        });
    });

    /// <summary>USDⓈ-M premiumIndex (mark price): one symbol → object, none → array.</summary>
    public static Operation PremiumIndex() => new("premiumIndex", Security.None, Operation.Fixed(1), static ctx =>
    {
        var symbol = ctx.GetSymbol();
        ctx.Params.EnsureAllRead();
        if (symbol is not null)
        {
            var mark = ctx.Exchange.GetMarkPrice(symbol).Unwrap();
            return OperationResult.Ok(w => MarketJson.WritePremiumIndex(w, mark));
        }

        var marks = ctx.Exchange.GetMarkPrices();
        return OperationResult.OkArray(marks, MarketJson.WritePremiumIndex);
    });

    /// <summary>Spot depth weight: 5 (≤100), 25 (≤500), 50 (≤1000), 250 (≤5000).</summary>
    public static int SpotDepthWeight(RequestParameters p) =>
        WeightLimit(p, 100) switch
        {
            <= 100 => 5,
            <= 500 => 25,
            <= 1000 => 50,
            _ => 250,
        };

    /// <summary>Futures depth weight: 2 (≤50), 5 (100), 10 (500), 20 (1000).</summary>
    public static int FuturesDepthWeight(RequestParameters p) =>
        WeightLimit(p, 500) switch
        {
            <= 50 => 2,
            <= 100 => 5,
            <= 500 => 10,
            _ => 20,
        };

    /// <summary>The <c>limit</c> a weight is computed from, read without validation (that happens in the handler).</summary>
    private static int WeightLimit(RequestParameters p, int defaultValue)
    {
        var text = p.Has("limit") ? p.Raw("limit") : null;
        return text is not null && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : defaultValue;
    }

    private static int DepthLimit(RequestParameters p, bool spot)
    {
        var limit = p.GetInt("limit") ?? (spot ? 100 : 500);
        if (spot)
        {
            if (limit < 1)
            {
                throw new ApiErrorException(ApiErrors.InvalidParameterData("limit"));
            }

            return Math.Min(limit, 5000);
        }

        if (limit is not (5 or 10 or 20 or 50 or 100 or 500 or 1000))
        {
            throw new ApiErrorException(new ApiError(400, -4021, $"Invalid depth limit. '{limit}' is not valid depth limit."));
        }

        return limit;
    }

    private static HashSet<string> ParseSymbolList(OperationContext ctx, string json)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ApiErrorException(ApiErrors.InvalidJson("symbols"));
            }

            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw new ApiErrorException(ApiErrors.InvalidJson("symbols"));
                }

                var symbol = Parse.ValidateSymbol(ctx, "symbols", item.GetString()!);
                if (!result.Add(symbol))
                {
                    throw new ApiErrorException(ApiErrors.DuplicateSymbols());
                }
            }
        }
        catch (JsonException)
        {
            throw new ApiErrorException(ApiErrors.InvalidJson("symbols"));
        }

        return result;
    }
}
