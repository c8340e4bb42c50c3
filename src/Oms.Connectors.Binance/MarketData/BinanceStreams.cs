namespace Oms.Connectors.Binance.MarketData;

/// <summary>Which stream endpoint a stream lives on. USD-M splits its streams by path since 2026-04-23 (REFERENCE §5.9).</summary>
public enum BinanceStreamRoute
{
    /// <summary>Spot market streams: <c>/ws</c> and <c>/stream</c> on the spot stream host.</summary>
    Spot = 1,
    /// <summary>USD-M high-frequency book data: <c>/public</c> (<c>@bookTicker</c>, <c>!bookTicker</c>, <c>@depth…</c>, <c>@rpiDepth…</c>).</summary>
    UsdMPublic = 2,
    /// <summary>USD-M other market data: <c>/market</c> (<c>@aggTrade</c>, <c>@markPrice</c>, klines, tickers, …).</summary>
    UsdMMarket = 3,
    /// <summary>USD-M user data: <c>/private</c> with a listenKey.</summary>
    UsdMPrivate = 4,
}

/// <summary>How a stream connection names its streams in the URL.</summary>
public enum BinanceStreamUrlForm
{
    /// <summary><c>/stream?streams=a/b</c>: every payload is wrapped as <c>{"stream","data"}</c>.</summary>
    Combined = 1,
    /// <summary><c>/ws/&lt;first&gt;</c> plus <c>SUBSCRIBE</c> for the rest: payloads are the bare events.</summary>
    Raw = 2,
}

/// <summary>Stream names (lower-case symbols, REFERENCE §4 and §5.9) and the USD-M route of each stream.</summary>
public static class BinanceStreams
{
    /// <summary>Best bid/ask in real time: <c>btcusdt@bookTicker</c>.</summary>
    public static string BookTicker(InstrumentId instrument) => Name(instrument, "@bookTicker");

    /// <summary>Every trade (spot only): <c>btcusdt@trade</c>.</summary>
    public static string Trade(InstrumentId instrument)
    {
        if (instrument.Market != MarketType.Spot) throw new ArgumentException($"instrument {instrument} has no @trade stream on Binance (USD-M has @aggTrade only)", nameof(instrument));
        return Name(instrument, "@trade");
    }

    /// <summary>Aggregated trades: <c>btcusdt@aggTrade</c>.</summary>
    public static string AggTrade(InstrumentId instrument) => Name(instrument, "@aggTrade");

    /// <summary>Diff depth every 100 ms: <c>btcusdt@depth@100ms</c>.</summary>
    public static string Depth(InstrumentId instrument) => Name(instrument, "@depth@100ms");

    /// <summary>Mark price and funding rate every second (USD-M only): <c>btcusdt@markPrice@1s</c>.</summary>
    public static string MarkPrice(InstrumentId instrument)
    {
        if (instrument.Market != MarketType.UsdMFutures) throw new ArgumentException($"instrument {instrument} has no @markPrice stream (USD-M only)", nameof(instrument));
        return Name(instrument, "@markPrice@1s");
    }

    /// <summary>The endpoint a stream of <paramref name="api"/> lives on.</summary>
    public static BinanceStreamRoute RouteOf(BinanceApi api, string stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (api == BinanceApi.Spot) return BinanceStreamRoute.Spot;
        // The official SDK's mapping: book data on /public, everything else on /market.
        if (stream.EndsWith("@bookTicker", StringComparison.Ordinal) || stream == "!bookTicker") return BinanceStreamRoute.UsdMPublic;
        var at = stream.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var kind = stream.AsSpan(at + 1);
            if (kind.StartsWith("depth", StringComparison.Ordinal) || kind.StartsWith("rpiDepth", StringComparison.Ordinal)) return BinanceStreamRoute.UsdMPublic;
        }
        return BinanceStreamRoute.UsdMMarket;
    }

    /// <summary>The URL path prefix of a route (empty for spot).</summary>
    public static string PathOf(BinanceStreamRoute route) => route switch
    {
        BinanceStreamRoute.Spot => string.Empty,
        BinanceStreamRoute.UsdMPublic => "/public",
        BinanceStreamRoute.UsdMMarket => "/market",
        BinanceStreamRoute.UsdMPrivate => "/private",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "unknown stream route"),
    };

    private static string Name(InstrumentId instrument, string suffix)
    {
        if (instrument.Venue != Venue.Binance) throw new ArgumentException($"instrument {instrument} is not a Binance instrument", nameof(instrument));
        return instrument.Symbol.ToLowerInvariant() + suffix;
    }
}
