using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;

namespace Oms.Simulator.Wire.Streams;

/// <summary>
/// Fans engine market events out to stream connections: each event is rendered once, then framed per connection
/// (raw or combined). Partial book depth (<c>@depth5/10/20</c>) is sent by <see cref="PumpPartialDepth"/> whenever the
/// book changed since the last snapshot sent on that stream.
/// </summary>
public sealed class MarketStreamHub : IDisposable
{
    private readonly object gate = new();
    private readonly List<StreamConnection> connections = [];
    private readonly SimExchange exchange;
    private readonly Func<MarketKind, string, SymbolFormat> format;
    private readonly IDisposable subscription;

    public MarketStreamHub(SimExchange exchange, Func<MarketKind, string, SymbolFormat> format)
    {
        this.exchange = exchange;
        this.format = format;
        subscription = exchange.Subscribe(OnEvent);
    }

    public void Register(StreamConnection connection)
    {
        lock (gate)
        {
            connections.Add(connection);
        }
    }

    public void Unregister(StreamConnection connection)
    {
        lock (gate)
        {
            connections.Remove(connection);
        }
    }

    /// <summary>Sends fresh partial-depth snapshots to every subscribed stream whose book changed. Call every ~100 ms.</summary>
    public void PumpPartialDepth()
    {
        StreamConnection[] targets;
        lock (gate)
        {
            targets = connections.ToArray();
        }

        var books = new Dictionary<(MarketKind, string, int), OrderBookSnapshot?>();
        var now = exchange.ServerTime;
        foreach (var connection in targets)
        {
            foreach (var (stream, lastSent) in connection.PartialDepthStreams())
            {
                var key = (connection.Market, stream.Symbol!, stream.Levels);
                if (!books.TryGetValue(key, out var book))
                {
                    var result = exchange.GetOrderBook(connection.Market, stream.Symbol!, stream.Levels);
                    book = result.IsSuccess ? result.Value : null;
                    books[key] = book;
                }

                if (book is null || book.LastUpdateId == lastSent)
                {
                    continue;
                }

                var symbolFormat = format(connection.Market, stream.Symbol!);
                var market = connection.Market;
                var previous = lastSent < 0 ? book.LastUpdateId - 1 : lastSent;
                var payload = JsonFrames.Render(w => MarketJson.WritePartialDepth(w, market, stream.Symbol!, book, previous, now, symbolFormat));
                connection.SendStream(stream.Name, payload);
                connection.MarkPartialDepthSent(stream.Name, book.LastUpdateId);
            }
        }
    }

    public void Dispose() => subscription.Dispose();

    private void OnEvent(SimEvent e)
    {
        if (e is not MarketEvent marketEvent || StreamName.KindOf(marketEvent) is not { } kind)
        {
            return;
        }

        StreamConnection[] targets;
        lock (gate)
        {
            targets = connections.Where(c => c.Market == marketEvent.Market).ToArray();
        }

        if (targets.Length == 0)
        {
            return;
        }

        byte[]? payload = null;
        byte[]? arrayPayload = null;
        foreach (var connection in targets)
        {
            foreach (var stream in connection.MatchingStreams(kind, marketEvent.Symbol))
            {
                if (stream.Kind == StreamKind.AllMarkPrices)
                {
                    arrayPayload ??= RenderArray(marketEvent);
                    connection.SendStream(stream.Name, arrayPayload);
                }
                else
                {
                    payload ??= Render(marketEvent);
                    connection.SendStream(stream.Name, payload);
                }
            }
        }
    }

    private byte[] Render(MarketEvent e)
    {
        var f = format(e.Market, e.Symbol);
        return e switch
        {
            TradeEvent x => JsonFrames.Render(w => MarketJson.WriteTradeEvent(w, x, f)),
            AggTradeEvent x => JsonFrames.Render(w => MarketJson.WriteAggTradeEvent(w, x, f)),
            BookTickerEvent x => JsonFrames.Render(w => MarketJson.WriteBookTickerEvent(w, x, f)),
            DepthUpdateEvent x => JsonFrames.Render(w => MarketJson.WriteDepthUpdateEvent(w, x, f)),
            MarkPriceEvent x => JsonFrames.Render(w => MarketJson.WriteMarkPriceEvent(w, x)),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a stream event"),
        };
    }

    private static byte[] RenderArray(MarketEvent e) => JsonFrames.Render(w =>
    {
        w.WriteStartArray();
        MarketJson.WriteMarkPriceEvent(w, (MarkPriceEvent)e);
        w.WriteEndArray();
    });
}
