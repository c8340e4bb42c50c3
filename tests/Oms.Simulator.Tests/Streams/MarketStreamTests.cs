using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Xunit;

namespace Oms.Simulator.Tests.Streams;

/// <summary>Spot <c>/ws</c> and <c>/stream</c>, futures <c>/public</c> and <c>/market</c>: payloads, framing and control messages.</summary>
public sealed class MarketStreamTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimExchange Exchange => fixture.Host.Exchange;

    private Uri Root => fixture.Host.Urls.SpotStreams;

    private void MoveSpot(string symbol, decimal factor)
    {
        var price = decimal.Round(Exchange.GetLastPrice(MarketKind.Spot, symbol).Value * factor, 2);
        Assert.True(Exchange.SetPrice(MarketKind.Spot, symbol, price).IsSuccess);
    }

    [Fact]
    public async Task Raw_spot_streams_deliver_trade_agg_trade_book_ticker_and_depth()
    {
        await using var trade = await WsClient.ConnectAsync(new Uri(Root, "ws/ethusdt@trade"));
        await using var agg = await WsClient.ConnectAsync(new Uri(Root, "ws/ethusdt@aggTrade"));
        await using var book = await WsClient.ConnectAsync(new Uri(Root, "ws/ethusdt@bookTicker"));
        await using var depth = await WsClient.ConnectAsync(new Uri(Root, "ws/ethusdt@depth@100ms"));
        await using var partial = await WsClient.ConnectAsync(new Uri(Root, "ws/ethusdt@depth5"));

        MoveSpot("ETHUSDT", 1.01m);

        Shape.AssertMatches(Samples.Load("spot-market-streams/trade.json"), await trade.ReceiveAsync());
        Shape.AssertMatches(Samples.Load("spot-market-streams/aggTrade.json"), await agg.ReceiveAsync());
        Shape.AssertMatches(Samples.Load("spot-market-streams/bookTicker.json"), await book.ReceiveAsync());
        var first = await depth.ReceiveAsync();
        Shape.AssertMatches(Samples.Load("spot-market-streams/depthUpdate_diff.json"), first);
        var snapshot = await partial.ReceiveAsync();
        Shape.AssertMatches(Samples.Load("spot-market-streams/partial_depth.json"), snapshot);
        Assert.True(snapshot.GetProperty("bids").GetArrayLength() <= 5);
    }

    [Fact]
    public async Task Depth_diffs_have_contiguous_update_ids()
    {
        await using var depth = await WsClient.ConnectAsync(new Uri(Root, "ws/bnbusdt@depth"));
        MoveSpot("BNBUSDT", 1.01m);
        MoveSpot("BNBUSDT", 0.99m);

        var a = await depth.ReceiveAsync();
        var b = await depth.ReceiveAsync();
        Assert.Equal(a.GetProperty("u").GetInt64() + 1, b.GetProperty("U").GetInt64());
    }

    [Fact]
    public async Task Combined_stream_wraps_payloads_and_accepts_subscribe_list_unsubscribe()
    {
        await using var ws = await WsClient.ConnectAsync(new Uri(Root, "stream?streams=solusdt@trade"));
        await ws.SendAsync("""{"method":"SUBSCRIBE","params":["solusdt@bookTicker"],"id":1}""");
        var subscribed = await ws.ReceiveAsync(m => m.TryGetProperty("id", out _));
        Shape.AssertMatches(Samples.Load("spot-market-streams/SUBSCRIBE_response.json"), subscribed);

        await ws.SendAsync("""{"method":"LIST_SUBSCRIPTIONS","id":3}""");
        var list = await ws.ReceiveAsync(m => m.TryGetProperty("id", out _));
        Shape.AssertMatches(Samples.Load("spot-market-streams/LIST_SUBSCRIPTIONS_response.json"), list);
        Assert.Equal(["solusdt@trade", "solusdt@bookTicker"], list.GetProperty("result").EnumerateArray().Select(e => e.GetString()));

        MoveSpot("SOLUSDT", 1.01m);
        var tradeFrame = await ws.ReceiveAsync(m => m.TryGetProperty("stream", out var s) && s.GetString() == "solusdt@trade");
        Assert.Equal("trade", tradeFrame.GetProperty("data").GetProperty("e").GetString());
        await ws.ReceiveAsync(m => m.TryGetProperty("stream", out var s) && s.GetString() == "solusdt@bookTicker");

        await ws.SendAsync("""{"method":"UNSUBSCRIBE","params":["solusdt@trade","solusdt@bookTicker"],"id":312}""");
        var unsubscribed = await ws.ReceiveAsync(m => m.TryGetProperty("id", out _));
        Shape.AssertMatches(Samples.Load("spot-market-streams/UNSUBSCRIBE_response.json"), unsubscribed);
    }

    [Fact]
    public async Task Control_message_errors_and_properties()
    {
        await using var ws = await WsClient.ConnectAsync(new Uri(Root, "ws"));
        await ws.SendAsync("""{"method":"SUBSCRIBE","params":["nosuch@trade"],"id":7}""");
        var invalid = await ws.ReceiveAsync();
        await ws.SendAsync("""{"method":"FLY","id":8}""");
        var unknown = await ws.ReceiveAsync();
        await ws.SendAsync("""{"method":"SET_PROPERTY","params":["combined",true],"id":9}""");
        await ws.ReceiveAsync();
        await ws.SendAsync("""{"method":"GET_PROPERTY","params":["combined"],"id":10}""");
        var property = await ws.ReceiveAsync();

        Assert.Equal(2, invalid.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(7, invalid.GetProperty("id").GetInt32());
        Assert.Equal(2, unknown.GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(property.GetProperty("result").GetBoolean());
    }

    [Fact]
    public async Task Futures_routes_serve_book_streams_on_public_and_mark_price_on_market()
    {
        await using var publicWs = await WsClient.ConnectAsync(new Uri(Root, "public/ws/btcusdt@bookTicker"));
        await using var depthWs = await WsClient.ConnectAsync(new Uri(Root, "public/stream?streams=btcusdt@depth@100ms/btcusdt@depth5"));
        await using var marketWs = await WsClient.ConnectAsync(new Uri(Root, "market/stream?streams="));
        await marketWs.SendAsync("""{"method":"SUBSCRIBE","params":["btcusdt@markPrice@1s","btcusdt@aggTrade"],"id":1}""");
        Assert.Equal(JsonValueKind.Null, (await marketWs.ReceiveAsync(m => m.TryGetProperty("id", out _))).GetProperty("result").ValueKind);
        await marketWs.SendAsync("""{"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":2}""");
        Assert.Equal(2, (await marketWs.ReceiveAsync(m => m.TryGetProperty("id", out _))).GetProperty("error").GetProperty("code").GetInt32());

        var price = decimal.Round(Exchange.GetLastPrice(MarketKind.UsdM, "BTCUSDT").Value * 1.01m, 1);
        Assert.True(Exchange.SetPrice(MarketKind.UsdM, "BTCUSDT", price).IsSuccess);
        Assert.True(Exchange.SetMarkPrice("BTCUSDT", price).IsSuccess);

        Shape.AssertMatches(Samples.Load("usdm-market-streams/bookTicker.json"), await publicWs.ReceiveAsync());
        var diff = await depthWs.ReceiveAsync(m => m.GetProperty("stream").GetString() == "btcusdt@depth@100ms");
        Shape.AssertMatches(Samples.Load("usdm-market-streams/depthUpdate_diff.json"), diff.GetProperty("data"));
        var partial = await depthWs.ReceiveAsync(m => m.GetProperty("stream").GetString() == "btcusdt@depth5");
        Shape.AssertMatches(Samples.Load("usdm-market-streams/partial_depth.json"), partial.GetProperty("data"));
        var mark = await marketWs.ReceiveAsync(m => m.TryGetProperty("stream", out var s) && s.GetString() == "btcusdt@markPrice@1s");
        Shape.AssertMatches(Samples.Load("usdm-market-streams/markPriceUpdate.json"), mark.GetProperty("data"));
        var agg = await marketWs.ReceiveAsync(m => m.TryGetProperty("stream", out var s) && s.GetString() == "btcusdt@aggTrade");
        Shape.AssertMatches(Samples.Load("usdm-market-streams/aggTrade.json"), agg.GetProperty("data"), extra: ["nq"]);
    }

    [Fact]
    public async Task Server_shutdown_is_sent_in_each_framing()
    {
        await using var raw = await WsClient.ConnectAsync(new Uri(Root, "ws/btcusdt@trade"));
        await using var combined = await WsClient.ConnectAsync(new Uri(Root, "stream?streams=btcusdt@trade"));
        await using var api = await WsClient.ConnectAsync(fixture.Host.Urls.SpotWsApi);
        await api.CallAsync("ping");

        fixture.Host.Runtime.Connections.ServerShutdown(null, Exchange.ServerTime, close: false);

        Shape.AssertMatches(Samples.Load("spot-market-streams/serverShutdown_raw.json"), await raw.ReceiveAsync());
        Shape.AssertMatches(Samples.Load("spot-market-streams/serverShutdown_combined.json"), await combined.ReceiveAsync());
        Shape.AssertMatches(Samples.Load("spot-ws-api/event_serverShutdown.json"), await api.ReceiveAsync(m => m.TryGetProperty("event", out _)));
    }
}
