using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.MarketData;

/// <summary>Which market data to keep for an instrument.</summary>
[Flags]
public enum MarketDataFeeds
{
    None = 0,
    /// <summary><c>@bookTicker</c>: best bid/ask, real time (the mid is the fallback reference price).</summary>
    BookTicker = 1,
    /// <summary>Last trade price: <c>@trade</c> on spot, <c>@aggTrade</c> on USD-M.</summary>
    Trades = 2,
    /// <summary><c>@markPrice@1s</c>: mark price and funding rate (USD-M only).</summary>
    MarkPrice = 4,
    /// <summary>A local order book from a REST snapshot and <c>@depth@100ms</c>.</summary>
    OrderBook = 8,
    /// <summary>What the reference price needs: last trade, else mid.</summary>
    Reference = BookTicker | Trades,
}

/// <summary>The top of a local order book.</summary>
public readonly record struct OrderBookTop(InstrumentId Instrument, OrderBookSyncState State, long LastUpdateId, PriceLevel? BestBid, PriceLevel? BestAsk)
{
    public decimal? Mid => BestBid is { } bid && BestAsk is { } ask ? (bid.Price + ask.Price) / 2m : null;
}

/// <summary>
/// Market data of one API family (spot or USD-M) for the OMS: tracks instruments on a <see cref="BinanceMarketStreamClient"/>,
/// feeds <see cref="BinanceReferencePrices"/> (last trade, best bid/ask, mark price and funding) and keeps local order
/// books in sync (<see cref="OrderBookSynchronizer"/>). A book's best bid/ask feeds the reference mid when the
/// instrument has no book ticker. Malformed messages are logged and counted, never thrown to the receive loop.
/// </summary>
public sealed class BinanceMarketData : IAsyncDisposable
{
    private readonly BinanceApiContext _context;
    private readonly BinanceReferencePrices _prices;
    private readonly IBinanceDepthSource? _depth;
    private readonly MarketStreamParser _parser;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<InstrumentId, MarketDataFeeds> _feeds = new();
    private readonly ConcurrentDictionary<InstrumentId, OrderBookSynchronizer> _books = new();
    private readonly ConcurrentDictionary<string, InstrumentId> _depthStreams = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Handler _handler;
    private long _malformed;

    /// <param name="context">The API family's context.</param>
    /// <param name="prices">The store the streams feed (shared by both API families in a silo).</param>
    /// <param name="depth">Where depth snapshots come from (the family's public REST client); required for order books.</param>
    /// <param name="backoff">Reconnect and snapshot-retry backoff; defaults from the options.</param>
    /// <param name="form">URL form of the stream connections.</param>
    public BinanceMarketData(BinanceApiContext context, BinanceReferencePrices prices, IBinanceDepthSource? depth, ReconnectBackoff? backoff = null,
        BinanceStreamUrlForm form = BinanceStreamUrlForm.Combined)
    {
        _context = context;
        _prices = prices;
        _depth = depth;
        _parser = new MarketStreamParser(context.Symbols);
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.MarketData");
        Backoff = backoff ?? new ReconnectBackoff(context.Options.ReconnectBaseDelay, context.Options.ReconnectMaxDelay);
        _handler = new Handler(this);
        Streams = new BinanceMarketStreamClient(context, _handler, Backoff, form);
    }

    /// <summary>The stream connections (subscriptions, activity).</summary>
    public BinanceMarketStreamClient Streams { get; }

    public BinanceReferencePrices Prices => _prices;

    private ReconnectBackoff Backoff { get; }

    /// <summary>Stream messages that could not be parsed (each is logged).</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Starts the stream connections.</summary>
    public void Start() => Streams.Start();

    /// <summary>
    /// Starts keeping <paramref name="feeds"/> of <paramref name="instrument"/> (in addition to what is kept already).
    /// Returns the subscription result of the stream client (false: carried by the next connection).
    /// </summary>
    public Task<BinanceResult<bool>> TrackAsync(InstrumentId instrument, MarketDataFeeds feeds = MarketDataFeeds.Reference, CancellationToken cancellationToken = default)
    {
        if (!_context.Symbols.TryToSymbol(instrument, out _))
            throw new ArgumentException($"instrument {instrument} is not a Binance {_context.ApiName} instrument", nameof(instrument));
        if (feeds.HasFlag(MarketDataFeeds.MarkPrice) && _context.Api != BinanceApi.UsdM)
            throw new ArgumentException($"mark prices exist on USD-M only, not for {instrument}", nameof(feeds));
        if (feeds.HasFlag(MarketDataFeeds.OrderBook) && _depth is null)
            throw new InvalidOperationException($"an order book of {instrument} needs a depth snapshot source");
        var streams = new List<string>(4);
        if (feeds.HasFlag(MarketDataFeeds.BookTicker)) streams.Add(BinanceStreams.BookTicker(instrument));
        if (feeds.HasFlag(MarketDataFeeds.Trades))
            streams.Add(_context.Api == BinanceApi.Spot ? BinanceStreams.Trade(instrument) : BinanceStreams.AggTrade(instrument));
        if (feeds.HasFlag(MarketDataFeeds.MarkPrice)) streams.Add(BinanceStreams.MarkPrice(instrument));
        if (feeds.HasFlag(MarketDataFeeds.OrderBook))
        {
            var stream = BinanceStreams.Depth(instrument);
            _books.GetOrAdd(instrument, id => new OrderBookSynchronizer(id, _context.Api, _depth!, _context.Options.DepthSnapshotLimit, _context.Time, Backoff,
                _logger, BookChanged, _stop.Token));
            _depthStreams[stream] = instrument;
            streams.Add(stream);
        }
        _feeds.AddOrUpdate(instrument, feeds, (_, existing) => existing | feeds);
        return Streams.SubscribeAsync(streams, cancellationToken);
    }

    /// <summary>Stops keeping any market data of <paramref name="instrument"/> and forgets its prices and book.</summary>
    public async Task<BinanceResult<bool>> UntrackAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        if (!_feeds.TryRemove(instrument, out var feeds)) return BinanceResult<bool>.Ok(false);
        var streams = new List<string>(4);
        if (feeds.HasFlag(MarketDataFeeds.BookTicker)) streams.Add(BinanceStreams.BookTicker(instrument));
        if (feeds.HasFlag(MarketDataFeeds.Trades))
            streams.Add(_context.Api == BinanceApi.Spot ? BinanceStreams.Trade(instrument) : BinanceStreams.AggTrade(instrument));
        if (feeds.HasFlag(MarketDataFeeds.MarkPrice)) streams.Add(BinanceStreams.MarkPrice(instrument));
        if (feeds.HasFlag(MarketDataFeeds.OrderBook))
        {
            var stream = BinanceStreams.Depth(instrument);
            streams.Add(stream);
            _depthStreams.TryRemove(stream, out _);
            if (_books.TryRemove(instrument, out var book)) book.Interrupt();
        }
        var result = await Streams.UnsubscribeAsync(streams, cancellationToken).ConfigureAwait(false);
        _prices.Remove(instrument);
        return result;
    }

    /// <summary>The top of the local book of <paramref name="instrument"/>, when it has one.</summary>
    public bool TryGetBookTop(InstrumentId instrument, out OrderBookTop top)
    {
        if (!_books.TryGetValue(instrument, out var book))
        {
            top = default;
            return false;
        }
        top = book.Read(b => new OrderBookTop(instrument, book.State, b.LastUpdateId, b.BestBid, b.BestAsk));
        return true;
    }

    /// <summary>The best <paramref name="depth"/> levels per side of the local book (empty when it is not synced).</summary>
    public (IReadOnlyList<PriceLevel> Bids, IReadOnlyList<PriceLevel> Asks) GetBookLevels(InstrumentId instrument, int depth)
    {
        if (!_books.TryGetValue(instrument, out var book)) return ([], []);
        return book.Read(b => (b.Bids(depth), b.Asks(depth)));
    }

    /// <summary>How often the book of <paramref name="instrument"/> had to be rebuilt from a new snapshot.</summary>
    public long GetBookResyncs(InstrumentId instrument) => _books.TryGetValue(instrument, out var book) ? book.Resyncs : 0;

    private void BookChanged(BinanceOrderBook book)
    {
        // A book ticker is real time; the 100 ms book only feeds the mid when there is none.
        if (_feeds.TryGetValue(book.Instrument, out var feeds) && feeds.HasFlag(MarketDataFeeds.BookTicker)) return;
        if (!book.IsSynced)
        {
            _prices.ClearQuote(book.Instrument);
            return;
        }
        _prices.OnQuote(book.Instrument, book.BestBid?.Price, book.BestAsk?.Price, book.LastEventTime);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Streams.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>The stream client's listener and the parser's sink.</summary>
    private sealed class Handler(BinanceMarketData owner) : IBinanceStreamListener, IMarketDataEventSink
    {
        public void OnMessage(ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange)
        {
            var payload = message[eventRange];
            try
            {
                switch (type)
                {
                    case MarketStreamEventType.BookTicker:
                        var ticker = owner._parser.ParseBookTicker(payload);
                        OnBookTicker(in ticker);
                        break;
                    case MarketStreamEventType.Trade or MarketStreamEventType.AggTrade:
                        var trade = owner._parser.ParseTrade(payload);
                        OnTrade(in trade);
                        break;
                    case MarketStreamEventType.MarkPrice:
                        var mark = owner._parser.ParseMarkPrice(payload);
                        OnMarkPrice(in mark);
                        break;
                    case MarketStreamEventType.DepthUpdate:
                        OnDepthUpdate(owner._parser.ParseDepthUpdate(payload));
                        break;
                    default:
                        break;
                }
            }
            catch (Exception ex) when (ex is BinanceProtocolException or JsonException)
            {
                Interlocked.Increment(ref owner._malformed);
                owner._logger.LogError(ex, "Skipped a malformed Binance {Api} market message: {Message}", owner._context.ApiName, Encoding.UTF8.GetString(message));
            }
        }

        public void OnStreamsActive(IReadOnlyCollection<string> streams, bool gapPossible)
        {
            // Nothing to do: an interruption already dropped the books (OnStreamsInterrupted), and they rebuild from the
            // first event of the new connection; a make-before-break rotation keeps them, the sequence rules catch any hole.
        }

        public void OnStreamsInterrupted(IReadOnlyCollection<string> streams, string reason)
        {
            foreach (var stream in streams)
            {
                if (owner._depthStreams.TryGetValue(stream, out var instrument) && owner._books.TryGetValue(instrument, out var book)) book.Interrupt();
            }
        }

        public void OnBookTicker(in BookTickerUpdate update) => owner._prices.OnQuote(update.Instrument, update.BidPrice, update.AskPrice, update.EventTime);

        public void OnTrade(in TradeUpdate update) => owner._prices.OnTrade(update.Instrument, update.Price, update.TradeTime);

        public void OnMarkPrice(in MarkPriceUpdate update) =>
            owner._prices.OnMarkPrice(update.Instrument, update.MarkPrice, update.FundingRate, update.NextFundingTime, update.EventTime);

        public void OnDepthUpdate(DepthUpdate update)
        {
            if (owner._books.TryGetValue(update.Instrument, out var book)) book.OnUpdate(update);
        }
    }
}
