using Oms.Simulator.Engine;

namespace Oms.Simulator.Wire.Streams;

/// <summary>Kinds of market stream the simulator serves.</summary>
public enum StreamKind
{
    Trade,
    AggTrade,
    BookTicker,
    AllBookTickers,
    DepthDiff,
    PartialDepth,
    MarkPrice,
    AllMarkPrices,
}

/// <summary>Which futures route a stream is served on (§5.9); spot streams use <see cref="Spot"/>.</summary>
public enum StreamRoute
{
    Spot,
    Public,
    Market,
    Private,
}

/// <summary>A parsed market stream name such as <c>btcusdt@depth10@100ms</c>.</summary>
public sealed record StreamName(string Name, StreamKind Kind, string? Symbol, int Levels)
{
    /// <summary>Parses a stream name for a venue and route; null when it is not a stream the route serves.</summary>
    public static StreamName? TryParse(string name, StreamRoute route, Func<string, bool> isSymbol)
    {
        if (name.Length is 0 or > 100)
        {
            return null;
        }

        var spot = route == StreamRoute.Spot;
        if (name.StartsWith('!'))
        {
            return name switch
            {
                "!bookTicker" when route == StreamRoute.Public => new StreamName(name, StreamKind.AllBookTickers, null, 0),
                "!markPrice@arr" or "!markPrice@arr@1s" when route == StreamRoute.Market => new StreamName(name, StreamKind.AllMarkPrices, null, 0),
                _ => null,
            };
        }

        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return null;
        }

        var symbolPart = name[..at];
        if (symbolPart.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))))
        {
            return null;
        }

        var symbol = symbolPart.ToUpperInvariant();
        if (!isSymbol(symbol))
        {
            return null;
        }

        var rest = name[(at + 1)..];
        var speed = string.Empty;
        var speedAt = rest.IndexOf('@', StringComparison.Ordinal);
        if (speedAt >= 0)
        {
            speed = rest[(speedAt + 1)..];
            rest = rest[..speedAt];
        }

        var bookRoute = spot || route == StreamRoute.Public;
        var marketRoute = spot || route == StreamRoute.Market;
        switch (rest)
        {
            case "trade" when marketRoute && speed.Length == 0:
                return new StreamName(name, StreamKind.Trade, symbol, 0);
            case "aggTrade" when marketRoute && speed.Length == 0:
                return new StreamName(name, StreamKind.AggTrade, symbol, 0);
            case "bookTicker" when bookRoute && speed.Length == 0:
                return new StreamName(name, StreamKind.BookTicker, symbol, 0);
            case "markPrice" when !spot && route == StreamRoute.Market && speed is "" or "1s":
                return new StreamName(name, StreamKind.MarkPrice, symbol, 0);
            case "depth" when bookRoute && ValidDepthSpeed(speed, spot):
                return new StreamName(name, StreamKind.DepthDiff, symbol, 0);
            case "depth5" or "depth10" or "depth20" when bookRoute && ValidDepthSpeed(speed, spot):
                return new StreamName(name, StreamKind.PartialDepth, symbol, int.Parse(rest.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture));
            default:
                return null;
        }
    }

    /// <summary>Whether this stream carries events of the given kind for <paramref name="symbol"/>.</summary>
    public bool Matches(StreamKind kind, string symbol) =>
        Kind == kind && (Symbol is null || string.Equals(Symbol, symbol, StringComparison.Ordinal));

    private static bool ValidDepthSpeed(string speed, bool spot) =>
        spot ? speed is "" or "100ms" or "1000ms" : speed is "" or "100ms" or "250ms" or "500ms";

    /// <summary>The stream kind a market event feeds (the all-symbols variants are matched separately).</summary>
    public static StreamKind? KindOf(MarketEvent e) => e switch
    {
        TradeEvent => StreamKind.Trade,
        AggTradeEvent => StreamKind.AggTrade,
        BookTickerEvent => StreamKind.BookTicker,
        DepthUpdateEvent => StreamKind.DepthDiff,
        MarkPriceEvent => StreamKind.MarkPrice,
        _ => null,
    };
}
