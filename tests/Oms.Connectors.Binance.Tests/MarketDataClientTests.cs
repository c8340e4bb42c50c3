using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Tests.Support;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

/// <summary>Market streams, local books and reference prices against an in-test Kestrel stream + REST server replaying the samples.</summary>
public sealed class MarketDataClientTests : IAsyncLifetime
{
    private static readonly InstrumentId SpotBnb = new(Venue.Binance, MarketType.Spot, "BNBBTC");
    private static readonly InstrumentId SpotEth = new(Venue.Binance, MarketType.Spot, "ETHBTC");
    private static readonly InstrumentId UsdMBtc = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BinanceMetrics _metrics = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly Channel<string> _depthAnswers = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _depthRequests = new();
    private FakeStreamServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeStreamServer.StartAsync();
        foreach (var path in new[] { "/api/v3/depth", "/fapi/v1/depth" })
        {
            _server.MapRest("GET", path, async context =>
            {
                _depthRequests.Enqueue(path + context.Request.QueryString.Value);
                var json = await _depthAnswers.Reader.ReadAsync(context.RequestAborted);
                // "503:" answers a server error (a failed snapshot read).
                if (json.StartsWith("503:", StringComparison.Ordinal)) await FakeStreamServer.WriteJsonAsync(context, 503, json[4..]);
                else await FakeStreamServer.WriteJsonAsync(context, 200, json);
            });
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        await _server.DisposeAsync();
        _metrics.Dispose();
    }

    private BinanceMarketData Create(BinanceApi api, BinanceStreamUrlForm form = BinanceStreamUrlForm.Combined, Action<BinanceOptions>? configure = null)
    {
        var options = new BinanceOptions
        {
            SpotMarketStreamAddress = _server.WsRoot,
            UsdMStreamAddress = _server.WsRoot,
            SpotRestBaseAddress = _server.HttpRoot,
            UsdMRestBaseAddress = _server.HttpRoot,
            WebSocketRequestTimeout = TimeSpan.FromSeconds(5),
            MaxRateBudgetWait = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var context = new BinanceApiContext(api, options, BinanceApiContext.CreateLocalBudget(api, options, _time), _metrics, _time);
        var http = new HttpClient();
        IBinanceDepthSource depth = api == BinanceApi.Spot
            ? new BinanceSpotRestClient(http, context, null, null)
            : new BinanceUsdMRestClient(http, context, null, null);
        var data = new BinanceMarketData(context, new BinanceReferencePrices(_time), depth,
            new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, () => 1.0), form);
        _disposables.Add(data);
        return data;
    }

    private static string Depth(long first, long final, string bids = "[]", string asks = "[]", string symbol = "BNBBTC", long? previous = null) =>
        $"{{\"e\":\"depthUpdate\",\"E\":{final},\"s\":\"{symbol}\",\"U\":{first},\"u\":{final}{(previous is { } pu ? $",\"pu\":{pu}" : "")},\"b\":{bids},\"a\":{asks}}}";

    private static string Snapshot(long lastUpdateId, string bids, string asks) => $"{{\"lastUpdateId\":{lastUpdateId},\"bids\":{bids},\"asks\":{asks}}}";

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), what);
    }

    private static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Advances fake time in steps until <paramref name="task"/> completes (control frames are paced on the fake clock).</summary>
    private async Task<T> AdvanceUntil<T>(Task<T> task)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(task, Task.Delay(20));
        }
        return await Within(task);
    }

    /// <summary>Advances fake time by <paramref name="step"/> until the server sees connection <paramref name="count"/> (the timer may be armed after the first step).</summary>
    private async Task<FakeStreamConnection> AdvanceUntilConnection(int count, TimeSpan step)
    {
        for (var i = 0; i < 50 && _server.Connections.Count < count; i++)
        {
            _time.Advance(step);
            for (var j = 0; j < 20 && _server.Connections.Count < count; j++) await Task.Delay(10);
        }
        return await _server.WaitForConnectionAsync(count);
    }

    private static async Task WaitActive(BinanceMarketData data, int connections = 1) =>
        await Eventually(() => data.Streams.ActiveConnectionCount == connections, $"{connections} stream connection(s) active");

    [Fact]
    public async Task Spot_reference_price_is_the_mid_until_a_trade_then_the_last_trade()
    {
        var data = Create(BinanceApi.Spot);
        var queued = await data.TrackAsync(SpotBnb);
        data.Start();
        var connection = await _server.WaitForStreamAsync("bnbbtc@trade");
        await WaitActive(data);

        Assert.True(queued.Success);
        Assert.False(queued.Value);
        Assert.Equal("/stream", connection.Path);
        Assert.True(connection.Combined);
        Assert.Equal(["bnbbtc@bookTicker", "bnbbtc@trade"], connection.Streams.Order(StringComparer.Ordinal));
        Assert.Null(data.Prices.TryGetPrice(SpotBnb));

        await _server.PublishAsync("bnbbtc@bookTicker", Samples.Text("spot-market-streams/bookTicker.json").Replace("BNBUSDT", "BNBBTC", StringComparison.Ordinal));
        await Eventually(() => data.Prices.TryGetPrice(SpotBnb) is not null, "the mid arrived");
        Assert.Equal(25.35855m, data.Prices.TryGetPrice(SpotBnb));

        await _server.PublishAsync("bnbbtc@trade", Samples.Text("spot-market-streams/trade.json"));
        await Eventually(() => data.Prices.TryGetPrice(SpotBnb) == 0.001m, "the last trade price replaced the mid");
        Assert.True(data.Prices.TryGetSnapshot(SpotBnb, out var snapshot));
        Assert.Equal(25.35190000m, snapshot.BidPrice);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1672515782136), snapshot.LastTradeAt);
        Assert.Empty(_server.ControlRequests);
    }

    [Fact]
    public async Task Subscribe_list_and_unsubscribe_are_control_requests_with_increasing_ids()
    {
        var data = Create(BinanceApi.Spot);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.Trades);
        data.Start();
        await _server.WaitForStreamAsync("bnbbtc@trade");
        await WaitActive(data);

        var subscribed = await Within(data.TrackAsync(SpotEth, MarketDataFeeds.BookTicker));
        var listed = await AdvanceUntil(data.Streams.ListSubscriptionsAsync(BinanceStreamRoute.Spot));
        var unsubscribed = await AdvanceUntil(data.UntrackAsync(SpotEth));

        Assert.True(subscribed.Value);
        Assert.Equal(["bnbbtc@trade", "ethbtc@bookTicker"], listed.Value);
        Assert.True(unsubscribed.Value);
        var requests = _server.ControlRequests.ToArray();
        Assert.Equal(["SUBSCRIBE", "LIST_SUBSCRIPTIONS", "UNSUBSCRIBE"], requests.Select(r => r.Method));
        Assert.Equal([1L, 2L, 3L], requests.Select(r => r.Id));
        Assert.Equal("""{"method":"SUBSCRIBE","params":["ethbtc@bookTicker"],"id":1}""", requests[0].Text);
        Assert.Equal("""{"method":"LIST_SUBSCRIPTIONS","id":2}""", requests[1].Text);
        Assert.Equal(["ethbtc@bookTicker"], requests[2].Params);
        Assert.Equal(["bnbbtc@trade"], data.Streams.Streams);
    }

    [Fact]
    public async Task A_refused_subscription_returns_the_venue_error_and_is_forgotten()
    {
        var data = Create(BinanceApi.Spot);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.Trades);
        data.Start();
        await WaitActive(data);
        _server.ControlHandler = r => r.Connection.SendAsync($"{{\"code\":2,\"msg\":\"Invalid request: invalid stream\",\"id\":{r.Id}}}");

        var result = await Within(data.Streams.SubscribeAsync(["ethbtc@nonsense"]));

        Assert.False(result.Success);
        Assert.Equal(2, result.Error!.Code);
        Assert.Contains("ethbtc@nonsense", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(["bnbbtc@trade"], data.Streams.Streams);
    }

    [Fact]
    public async Task Spot_book_syncs_from_snapshot_and_diffs_and_resyncs_after_a_deliberate_gap()
    {
        var data = Create(BinanceApi.Spot);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.OrderBook);
        data.Start();
        await _server.WaitForStreamAsync("bnbbtc@depth@100ms");
        await WaitActive(data);

        // Buffered before the snapshot: the sample diff 157..160 and the next one.
        await _server.PublishAsync("bnbbtc@depth@100ms", Samples.Text("spot-market-streams/depthUpdate_diff.json"));
        await Eventually(() => _depthRequests.Count == 1, "the snapshot was requested");
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(161, 165, bids: """[["0.0025","3"]]"""));
        await _depthAnswers.Writer.WriteAsync(Snapshot(160, """[["0.0024","10"],["0.0023","5"]]""", """[["0.0026","100"],["0.0027","7"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 165, "the book bridged the snapshot");

        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(166, 170, bids: """[["0.0025","0"]]""", asks: """[["0.0026","0"],["0.00265","1.5"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 170, "the next diff applied");
        Assert.True(data.TryGetBookTop(SpotBnb, out var top));
        Assert.Equal(OrderBookSyncState.Synced, top.State);
        Assert.Equal(new PriceLevel(0.0024m, 10m), top.BestBid);
        Assert.Equal(new PriceLevel(0.00265m, 1.5m), top.BestAsk);
        Assert.Equal(0.002525m, data.Prices.TryGetPrice(SpotBnb));
        Assert.Equal("/api/v3/depth?symbol=BNBBTC&limit=1000", _depthRequests.Single());

        // 171..174 never arrives: the next event does not continue the book.
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(175, 180, asks: """[["0.0031","2"]]"""));
        await Eventually(() => _depthRequests.Count == 2, "the gap forced a new snapshot");
        Assert.Equal(1, data.GetBookResyncs(SpotBnb));
        Assert.True(data.TryGetBookTop(SpotBnb, out var resyncing));
        Assert.Equal(OrderBookSyncState.Buffering, resyncing.State);
        Assert.Null(resyncing.BestBid);

        await _depthAnswers.Writer.WriteAsync(Snapshot(177, """[["0.0030","1"]]""", """[["0.0032","4"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 180, "the book resynced and applied the buffered event");
        var (bids, asks) = data.GetBookLevels(SpotBnb, 5);
        Assert.Equal([new PriceLevel(0.0030m, 1m)], bids);
        Assert.Equal([new PriceLevel(0.0031m, 2m), new PriceLevel(0.0032m, 4m)], asks);
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(181, 181, bids: """[["0.00305","9"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 181, "the resynced book follows the stream");
        Assert.Equal(0.003075m, data.Prices.TryGetPrice(SpotBnb));
        Assert.Equal(1, data.GetBookResyncs(SpotBnb));
    }

    [Fact]
    public async Task UsdM_streams_are_routed_and_feed_mark_price_funding_last_trade_and_a_pu_checked_book()
    {
        var data = Create(BinanceApi.UsdM);
        await data.TrackAsync(UsdMBtc, MarketDataFeeds.Reference | MarketDataFeeds.MarkPrice | MarketDataFeeds.OrderBook);
        data.Start();
        var book = await _server.WaitForStreamAsync("btcusdt@depth@100ms");
        var market = await _server.WaitForStreamAsync("btcusdt@markPrice@1s");
        await WaitActive(data, 2);

        Assert.Equal("/public/stream", book.Path);
        Assert.Equal(["btcusdt@bookTicker", "btcusdt@depth@100ms"], book.Streams.Order(StringComparer.Ordinal));
        Assert.Equal("/market/stream", market.Path);
        Assert.Equal(["btcusdt@aggTrade", "btcusdt@markPrice@1s"], market.Streams.Order(StringComparer.Ordinal));

        await _server.PublishAsync("btcusdt@markPrice@1s", Samples.Text("usdm-market-streams/markPriceUpdate.json"));
        await _server.PublishAsync("btcusdt@aggTrade", Samples.Text("usdm-market-streams/aggTrade.json"));
        await Eventually(() => data.Prices.TryGetMarkPrice(UsdMBtc) is not null
            && data.Prices.TryGetSnapshot(UsdMBtc, out var arrived) && arrived.LastTradePrice is not null, "mark and trade arrived");
        Assert.Equal(11794.15000000m, data.Prices.TryGetMarkPrice(UsdMBtc));
        // A futures instrument's reference price is its mark (the venue bands and margins at the mark), not the last trade.
        Assert.Equal(11794.15000000m, data.Prices.TryGetPrice(UsdMBtc));
        Assert.True(data.Prices.TryGetSnapshot(UsdMBtc, out var snapshot));
        Assert.Equal(0.001m, snapshot.LastTradePrice);
        Assert.Equal(0.00038167m, snapshot.FundingRate);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1562306400000), snapshot.NextFundingTime);
        Assert.Null(data.Prices.TryGetPrice(new InstrumentId(Venue.Binance, MarketType.Spot, "BTCUSDT")));

        // The sample diff (157..160, pu 149) bridges a snapshot at 158; the next must carry pu = 160.
        await _server.PublishAsync("btcusdt@depth@100ms", Samples.Text("usdm-market-streams/depthUpdate_diff.json"));
        await Eventually(() => _depthRequests.Count == 1, "the snapshot was requested");
        await _depthAnswers.Writer.WriteAsync(Snapshot(158, """[["0.0023","1"]]""", """[["0.0027","1"]]"""));
        await Eventually(() => data.TryGetBookTop(UsdMBtc, out var t) && t.LastUpdateId == 160, "the book bridged");
        await _server.PublishAsync("btcusdt@depth@100ms", Depth(161, 163, bids: """[["0.0025","2"]]""", symbol: "BTCUSDT", previous: 160));
        await Eventually(() => data.TryGetBookTop(UsdMBtc, out var t) && t.LastUpdateId == 163, "pu continued the book");
        Assert.True(data.TryGetBookTop(UsdMBtc, out var top));
        Assert.Equal(new PriceLevel(0.0025m, 2m), top.BestBid);
        Assert.Equal(new PriceLevel(0.0026m, 100m), top.BestAsk);
        Assert.Equal("/fapi/v1/depth?symbol=BTCUSDT&limit=1000", _depthRequests.Single());

        await _server.PublishAsync("btcusdt@depth@100ms", Depth(170, 172, symbol: "BTCUSDT", previous: 168));
        await Eventually(() => _depthRequests.Count == 2, "a pu gap forced a new snapshot");
        Assert.Equal(1, data.GetBookResyncs(UsdMBtc));
    }

    [Fact]
    public async Task Server_shutdown_rotates_make_before_break_and_the_book_continues_without_resync()
    {
        var activity = new ConcurrentQueue<PoolActivityRecord>();
        var data = Create(BinanceApi.Spot);
        data.Streams.Activity += activity.Enqueue;
        await data.TrackAsync(SpotBnb, MarketDataFeeds.OrderBook);
        data.Start();
        var first = await _server.WaitForStreamAsync("bnbbtc@depth@100ms");
        await WaitActive(data);
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(101, 105));
        await _depthAnswers.Writer.WriteAsync(Snapshot(103, """[["1","1"]]""", """[["2","1"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 105, "the book synced");

        await first.SendServerShutdownAsync();
        var second = await _server.WaitForStreamAsync("bnbbtc@depth@100ms", minConnectionId: 2);
        // The old connection is closed only after its replacement became the active one.
        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitActive(data);

        await second.SendEventAsync("bnbbtc@depth@100ms", Depth(106, 108, bids: """[["1.5","2"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 108, "the replacement continued the book");
        Assert.Equal(0, data.GetBookResyncs(SpotBnb));
        Assert.Single(_depthRequests);
        Assert.Contains(activity, a => a.Activity == PoolActivity.RotationStarted && a.Reason == "serverShutdown");
        Assert.Equal("/stream", second.Path);
    }

    [Fact]
    public async Task Dropped_connection_reconnects_after_backoff_and_the_book_is_rebuilt()
    {
        var activity = new ConcurrentQueue<PoolActivityRecord>();
        var data = Create(BinanceApi.Spot);
        data.Streams.Activity += activity.Enqueue;
        await data.TrackAsync(SpotBnb, MarketDataFeeds.OrderBook | MarketDataFeeds.Trades);
        data.Start();
        var first = await _server.WaitForStreamAsync("bnbbtc@depth@100ms");
        await WaitActive(data);
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(101, 105));
        await _depthAnswers.Writer.WriteAsync(Snapshot(103, """[["1","1"]]""", """[["2","1"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.State == OrderBookSyncState.Synced, "the book synced");

        first.Drop();
        await Eventually(() => activity.Any(a => a.Activity == PoolActivity.ReconnectScheduled), "a reconnect was scheduled");
        Assert.True(data.TryGetBookTop(SpotBnb, out var interrupted));
        Assert.Equal(OrderBookSyncState.Idle, interrupted.State);
        Assert.Equal(TimeSpan.FromSeconds(1), activity.First(a => a.Activity == PoolActivity.ReconnectScheduled).Delay);
        Assert.Single(_server.Connections);

        var second = await AdvanceUntilConnection(2, TimeSpan.FromSeconds(1));
        await WaitActive(data);
        Assert.Equal(["bnbbtc@depth@100ms", "bnbbtc@trade"], second.Streams.Order(StringComparer.Ordinal));
        await second.SendEventAsync("bnbbtc@depth@100ms", Depth(120, 125));
        await Eventually(() => _depthRequests.Count == 2, "the book asked for a new snapshot");
        await _depthAnswers.Writer.WriteAsync(Snapshot(122, """[["1","3"]]""", """[["2","3"]]"""));
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 125, "the book was rebuilt");
        Assert.Equal(1, data.GetBookResyncs(SpotBnb));
    }

    [Fact]
    public async Task A_failed_snapshot_read_is_retried_after_backoff()
    {
        var data = Create(BinanceApi.Spot);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.OrderBook);
        data.Start();
        await WaitActive(data);
        await _server.PublishAsync("bnbbtc@depth@100ms", Depth(101, 105));
        await _depthAnswers.Writer.WriteAsync("503:{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}");
        await Eventually(() => _depthRequests.Count == 1, "the first snapshot read failed");
        await Task.Delay(50);

        await _depthAnswers.Writer.WriteAsync(Snapshot(103, """[["1","1"]]""", """[["2","1"]]"""));
        for (var i = 0; i < 50 && _depthRequests.Count < 2; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        await Eventually(() => data.TryGetBookTop(SpotBnb, out var t) && t.LastUpdateId == 105, "the retried snapshot started the book");
        Assert.Equal(2, _depthRequests.Count);
    }

    [Fact]
    public async Task Streams_beyond_the_per_connection_limit_open_another_connection()
    {
        var data = Create(BinanceApi.Spot, configure: o => o.MaxStreamsPerConnection = 2);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.Reference);
        await data.TrackAsync(SpotEth, MarketDataFeeds.Trades);
        data.Start();
        await WaitActive(data, 2);

        Assert.Equal(2, _server.Connections.Count);
        Assert.Equal([1, 2], _server.Connections.Select(c => c.Streams.Count).Order());
        Assert.Equal(3, data.Streams.Streams.Count);
        await _server.PublishAsync("ethbtc@trade", Samples.Text("spot-market-streams/trade.json").Replace("BNBBTC", "ETHBTC", StringComparison.Ordinal));
        await Eventually(() => data.Prices.TryGetPrice(SpotEth) == 0.001m, "the second connection delivers");
    }

    [Fact]
    public async Task Connections_rotate_before_the_24_hour_cut()
    {
        var data = Create(BinanceApi.Spot, configure: o => o.SessionMaxLifetime = TimeSpan.FromHours(23));
        await data.TrackAsync(SpotBnb, MarketDataFeeds.Trades);
        data.Start();
        var first = await _server.WaitForStreamAsync("bnbbtc@trade");
        await WaitActive(data);

        await AdvanceUntilConnection(2, TimeSpan.FromHours(23));
        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitActive(data);
        await _server.PublishAsync("bnbbtc@trade", Samples.Text("spot-market-streams/trade.json"));
        await Eventually(() => data.Prices.TryGetPrice(SpotBnb) == 0.001m, "the rotated connection delivers");
    }

    [Fact]
    public async Task Raw_form_names_the_first_stream_in_the_path_and_subscribes_the_rest()
    {
        var data = Create(BinanceApi.UsdM, BinanceStreamUrlForm.Raw);
        await data.TrackAsync(UsdMBtc, MarketDataFeeds.Trades | MarketDataFeeds.MarkPrice);
        data.Start();
        var connection = await _server.WaitForStreamAsync("btcusdt@markPrice@1s");
        await WaitActive(data);

        Assert.StartsWith("/market/ws/btcusdt@", connection.Path, StringComparison.Ordinal);
        Assert.False(connection.Combined);
        var subscribe = Assert.Single(_server.ControlRequests);
        Assert.Equal("SUBSCRIBE", subscribe.Method);
        Assert.Equal(["btcusdt@aggTrade", "btcusdt@markPrice@1s"], connection.Streams.Order(StringComparer.Ordinal));
        await _server.PublishAsync("btcusdt@markPrice@1s", Samples.Text("usdm-market-streams/markPriceUpdate.json"));
        await Eventually(() => data.Prices.TryGetMarkPrice(UsdMBtc) == 11794.15000000m, "bare events are parsed");
    }

    [Fact]
    public async Task Malformed_stream_messages_are_counted_and_skipped()
    {
        var data = Create(BinanceApi.Spot);
        await data.TrackAsync(SpotBnb, MarketDataFeeds.Trades);
        data.Start();
        await WaitActive(data);

        await _server.PublishAsync("bnbbtc@trade", """{"e":"trade","E":1,"s":"BNBBTC","t":1,"p":"oops","q":"1","T":1}""");
        await _server.PublishAsync("bnbbtc@trade", Samples.Text("spot-market-streams/trade.json"));
        await Eventually(() => data.Prices.TryGetPrice(SpotBnb) == 0.001m, "the good trade arrived");

        Assert.Equal(1, data.MalformedMessages);
    }

    /// <summary>The venue pings (every 20 s on spot, 3 min on USD-M); the stream connection answers with a pong echoing the payload.</summary>
    [Fact]
    public async Task Stream_connection_answers_server_pings_with_a_pong_echoing_the_payload()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new BinanceOptions();
        var context = new BinanceApiContext(BinanceApi.Spot, options, BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, options, _time), _metrics, _time);
        var observer = new RecordingObserver();
        var connection = new BinanceStreamConnection(context, new Uri($"ws://127.0.0.1:{port}/stream?streams=bnbbtc@trade"), ["bnbbtc@trade"], observer,
            TimeSpan.FromMilliseconds(250), "spot market streams");

        var connecting = connection.ConnectAsync(CancellationToken.None);
        using var peer = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var stream = peer.GetStream();
        var request = await RawWebSocketPeer.CompleteHandshakeAsync(stream);
        Assert.Null(await connecting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("GET /stream?streams=bnbbtc@trade ", request, StringComparison.Ordinal);

        var payload = "ping-7"u8.ToArray();
        await RawWebSocketPeer.SendFrameAsync(stream, 0x9, payload);
        var (header, body) = await RawWebSocketPeer.ReadFrameAsync(stream);

        Assert.Equal(0x8A, header);
        Assert.Equal(payload, body);
        await RawWebSocketPeer.SendFrameAsync(stream, 0x1, "{\"e\":\"serverShutdown\",\"E\":1}"u8.ToArray());
        await Eventually(() => observer.Shutdowns == 1, "serverShutdown reached the owner");
        Assert.Equal(WsSessionState.Open, connection.State);
        peer.Close();
        await connection.DisposeAsync();
    }

    private sealed class RecordingObserver : IStreamConnectionObserver
    {
        private int _shutdowns;

        public int Shutdowns => Volatile.Read(ref _shutdowns);

        public void OnMessage(BinanceStreamConnection connection, ReadOnlySpan<byte> message, MarketStreamEventType type, Range eventRange)
        {
        }

        public void OnServerShutdown(BinanceStreamConnection connection) => Interlocked.Increment(ref _shutdowns);

        public void OnClosed(BinanceStreamConnection connection, string reason)
        {
        }
    }
}
