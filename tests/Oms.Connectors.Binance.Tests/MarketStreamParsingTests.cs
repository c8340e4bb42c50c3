using System.Text;
using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

/// <summary>Every spot and USD-M market-stream sample through the parser, field by field.</summary>
public sealed class MarketStreamParsingTests
{
    private readonly MarketStreamParser _spot = new(new BinanceSymbolMapper(BinanceApi.Spot));
    private readonly MarketStreamParser _usdm = new(new BinanceSymbolMapper(BinanceApi.UsdM));

    private static InstrumentId Spot(string symbol) => new(Venue.Binance, MarketType.Spot, symbol);

    private static InstrumentId UsdM(string symbol) => new(Venue.Binance, MarketType.UsdMFutures, symbol);

    private static byte[] Combined(string stream, string sample) =>
        Encoding.UTF8.GetBytes($"{{\"stream\":\"{stream}\",\"data\":{Samples.Text(sample)}}}");

    private sealed class Sink : IMarketDataEventSink
    {
        public List<object> Events { get; } = [];

        public void OnBookTicker(in BookTickerUpdate update) => Events.Add(update);

        public void OnTrade(in TradeUpdate update) => Events.Add(update);

        public void OnMarkPrice(in MarkPriceUpdate update) => Events.Add(update);

        public void OnDepthUpdate(DepthUpdate update) => Events.Add(update);
    }

    [Fact]
    public void Spot_book_ticker_has_no_event_type_and_is_recognised_by_its_fields()
    {
        var bytes = Samples.Bytes("spot-market-streams/bookTicker.json");

        Assert.Equal(MarketStreamEventType.BookTicker, MarketStreamParser.Classify(bytes, out _));
        var ticker = _spot.ParseBookTicker(bytes);

        Assert.Equal(new BookTickerUpdate(Spot("BNBUSDT"), 400900217, 25.35190000m, 31.21000000m, 25.36520000m, 40.66000000m, null), ticker);
    }

    [Fact]
    public void Spot_trade_and_agg_trade_parse_exactly()
    {
        var trade = _spot.ParseTrade(Samples.Bytes("spot-market-streams/trade.json"));
        var agg = _spot.ParseTrade(Samples.Bytes("spot-market-streams/aggTrade.json"));

        Assert.Equal(new TradeUpdate(Spot("BNBBTC"), 12345, 0.001m, 100m, DateTimeOffset.FromUnixTimeMilliseconds(1672515782136), true, false), trade);
        Assert.Equal(new TradeUpdate(Spot("BNBBTC"), 12345, 0.001m, 100m, DateTimeOffset.FromUnixTimeMilliseconds(1672515782136), true, true), agg);
        Assert.Equal(MarketStreamEventType.Trade, MarketStreamParser.Classify(Samples.Bytes("spot-market-streams/trade.json"), out _));
        Assert.Equal(MarketStreamEventType.AggTrade, MarketStreamParser.Classify(Samples.Bytes("spot-market-streams/aggTrade.json"), out _));
    }

    [Fact]
    public void Spot_diff_depth_keeps_update_ids_and_levels()
    {
        var update = _spot.ParseDepthUpdate(Samples.Bytes("spot-market-streams/depthUpdate_diff.json"));

        Assert.Equal(Spot("BNBBTC"), update.Instrument);
        Assert.Equal(157, update.FirstUpdateId);
        Assert.Equal(160, update.FinalUpdateId);
        Assert.Null(update.PreviousFinalUpdateId);
        Assert.Equal([new PriceLevel(0.0024m, 10m)], update.Bids);
        Assert.Equal([new PriceLevel(0.0026m, 100m)], update.Asks);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1672515782136), update.EventTime);
    }

    [Fact]
    public void Spot_partial_depth_and_rest_depth_parse_as_snapshots()
    {
        var partial = MarketStreamParser.ParseDepthSnapshot(Samples.Bytes("spot-market-streams/partial_depth.json"), Spot("BNBBTC"));
        var rest = MarketStreamParser.ParseDepthSnapshot(Samples.Bytes("spot-rest/depth_response.json"), Spot("BNBBTC"));

        Assert.Equal(160, partial.LastUpdateId);
        Assert.Equal([new PriceLevel(0.0024m, 10m)], partial.Bids);
        Assert.Equal(1027024, rest.LastUpdateId);
        Assert.Equal([new PriceLevel(4.00000000m, 431.00000000m)], rest.Bids);
        Assert.Equal([new PriceLevel(4.00000200m, 12.00000000m)], rest.Asks);
    }

    [Fact]
    public void Server_shutdown_is_recognised_raw_and_combined()
    {
        Assert.Equal(MarketStreamEventType.ServerShutdown, MarketStreamParser.Classify(Samples.Bytes("spot-market-streams/serverShutdown_raw.json"), out _));
        var combined = Samples.Bytes("spot-market-streams/serverShutdown_combined.json");
        Assert.Equal(MarketStreamEventType.ServerShutdown, MarketStreamParser.Classify(combined, out var range));
        Assert.StartsWith("{", Encoding.UTF8.GetString(combined.AsSpan()[range]), StringComparison.Ordinal);
        Assert.Contains("serverShutdown", Encoding.UTF8.GetString(combined.AsSpan()[range]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spot-market-streams/SUBSCRIBE_response.json")]
    [InlineData("spot-market-streams/UNSUBSCRIBE_response.json")]
    [InlineData("spot-market-streams/LIST_SUBSCRIPTIONS_response.json")]
    [InlineData("usdm-market-streams/SUBSCRIBE_request.json")]
    public void Control_responses_are_told_apart_from_events(string sample)
    {
        Assert.Equal(MarketStreamEventType.ControlResponse, MarketStreamParser.Classify(Samples.Bytes(sample), out _));
    }

    [Fact]
    public void Unused_streams_are_unknown_and_reach_no_sink()
    {
        var sink = new Sink();

        var type = _spot.Dispatch(Samples.Bytes("spot-market-streams/avgPrice.json"), sink);

        Assert.Equal(MarketStreamEventType.Unknown, type);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void Combined_wrappers_are_unwrapped_before_parsing()
    {
        var sink = new Sink();

        Assert.Equal(MarketStreamEventType.BookTicker, _spot.Dispatch(Combined("bnbusdt@bookTicker", "spot-market-streams/bookTicker.json"), sink));
        Assert.Equal(MarketStreamEventType.DepthUpdate, _usdm.Dispatch(Combined("btcusdt@depth@100ms", "usdm-market-streams/depthUpdate_diff.json"), sink));
        Assert.Equal(MarketStreamEventType.MarkPrice, _usdm.Dispatch(Combined("btcusdt@markPrice@1s", "usdm-market-streams/markPriceUpdate.json"), sink));

        Assert.Equal(Spot("BNBUSDT"), Assert.IsType<BookTickerUpdate>(sink.Events[0]).Instrument);
        Assert.Equal(149, Assert.IsType<DepthUpdate>(sink.Events[1]).PreviousFinalUpdateId);
        Assert.Equal(11794.15000000m, Assert.IsType<MarkPriceUpdate>(sink.Events[2]).MarkPrice);
    }

    [Fact]
    public void UsdM_book_ticker_carries_event_time()
    {
        var ticker = _usdm.ParseBookTicker(Samples.Bytes("usdm-market-streams/bookTicker.json"));

        Assert.Equal(new BookTickerUpdate(UsdM("BNBUSDT"), 400900217, 25.35190000m, 31.21000000m, 25.36520000m, 40.66000000m,
            DateTimeOffset.FromUnixTimeMilliseconds(1568014460893)), ticker);
        Assert.Equal(MarketType.UsdMFutures, ticker.Instrument.Market);
    }

    [Fact]
    public void UsdM_agg_trade_uses_the_aggregate_id()
    {
        var trade = _usdm.ParseTrade(Samples.Bytes("usdm-market-streams/aggTrade.json"));

        Assert.Equal(new TradeUpdate(UsdM("BTCUSDT"), 5933014, 0.001m, 100m, DateTimeOffset.FromUnixTimeMilliseconds(123456785), true, true), trade);
    }

    [Fact]
    public void UsdM_mark_price_has_index_settle_funding_and_next_funding_time()
    {
        var mark = _usdm.ParseMarkPrice(Samples.Bytes("usdm-market-streams/markPriceUpdate.json"));

        Assert.Equal(new MarkPriceUpdate(UsdM("BTCUSDT"), 11794.15000000m, 11784.62659091m, 11784.25641265m, 0.00038167m,
            DateTimeOffset.FromUnixTimeMilliseconds(1562306400000), DateTimeOffset.FromUnixTimeMilliseconds(1562305380000)), mark);
    }

    [Fact]
    public void UsdM_mark_price_of_a_delivery_contract_has_no_funding_rate()
    {
        var json = """{"e":"markPriceUpdate","E":1,"s":"BTCUSDT_260925","p":"11794.15","i":"11784.6","P":"11784.2","r":"","T":0}""";

        var mark = _usdm.ParseMarkPrice(Encoding.UTF8.GetBytes(json));

        Assert.Null(mark.FundingRate);
        Assert.Null(mark.NextFundingTime);
    }

    [Fact]
    public void UsdM_diff_and_partial_depth_carry_pu()
    {
        var diff = _usdm.ParseDepthUpdate(Samples.Bytes("usdm-market-streams/depthUpdate_diff.json"));
        var partial = _usdm.ParseDepthUpdate(Samples.Bytes("usdm-market-streams/partial_depth.json"));

        Assert.Equal((157L, 160L, (long?)149L), (diff.FirstUpdateId, diff.FinalUpdateId, diff.PreviousFinalUpdateId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(123456789), diff.EventTime);
        Assert.Equal((390497796L, 390497878L, (long?)390497794L), (partial.FirstUpdateId, partial.FinalUpdateId, partial.PreviousFinalUpdateId));
        Assert.Equal(5, partial.Bids.Count);
        Assert.Equal(new PriceLevel(7403.89m, 0.002m), partial.Bids[0]);
        Assert.Equal(new PriceLevel(7407.20m, 0.175m), partial.Asks[4]);
    }

    [Fact]
    public void UsdM_rest_depth_snapshot_parses()
    {
        var snapshot = MarketStreamParser.ParseDepthSnapshot(Samples.Bytes("usdm-rest/depth_response.json"), UsdM("BTCUSDT"));

        Assert.Equal(1027024, snapshot.LastUpdateId);
        Assert.Equal([new PriceLevel(4.00000000m, 431.00000000m)], snapshot.Bids);
    }

    [Theory]
    [InlineData("""{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":4,"b":[],"a":[]}""", "first update id 5 after final 4")]
    [InlineData("""{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":4,"b":[["x","1"]],"a":[]}""", "not a decimal")]
    [InlineData("""{"e":"trade","E":1,"s":"BTCUSDT","p":"1","q":"1","T":1}""", "no trade id")]
    [InlineData("""{"u":1,"s":"BTCUSDT","b":"1","a":"2"}""", "lacks one of")]
    public void Malformed_events_name_what_is_wrong(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var exception = Assert.Throws<BinanceProtocolException>(() => _spot.Dispatch(bytes, new Sink()));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_names_and_usdm_routes_follow_the_reference()
    {
        var btc = UsdM("BTCUSDT");

        Assert.Equal("btcusdt@bookTicker", BinanceStreams.BookTicker(btc));
        Assert.Equal("btcusdt@depth@100ms", BinanceStreams.Depth(btc));
        Assert.Equal("btcusdt@markPrice@1s", BinanceStreams.MarkPrice(btc));
        Assert.Equal("bnbbtc@trade", BinanceStreams.Trade(Spot("BNBBTC")));
        Assert.Throws<ArgumentException>(() => BinanceStreams.Trade(btc));
        Assert.Throws<ArgumentException>(() => BinanceStreams.MarkPrice(Spot("BNBBTC")));
        Assert.Equal(BinanceStreamRoute.UsdMPublic, BinanceStreams.RouteOf(BinanceApi.UsdM, "btcusdt@bookTicker"));
        Assert.Equal(BinanceStreamRoute.UsdMPublic, BinanceStreams.RouteOf(BinanceApi.UsdM, "!bookTicker"));
        Assert.Equal(BinanceStreamRoute.UsdMPublic, BinanceStreams.RouteOf(BinanceApi.UsdM, "btcusdt@depth20@100ms"));
        Assert.Equal(BinanceStreamRoute.UsdMPublic, BinanceStreams.RouteOf(BinanceApi.UsdM, "btcusdt@rpiDepth@500ms"));
        Assert.Equal(BinanceStreamRoute.UsdMMarket, BinanceStreams.RouteOf(BinanceApi.UsdM, "btcusdt@aggTrade"));
        Assert.Equal(BinanceStreamRoute.UsdMMarket, BinanceStreams.RouteOf(BinanceApi.UsdM, "btcusdt@markPrice@1s"));
        Assert.Equal(BinanceStreamRoute.UsdMMarket, BinanceStreams.RouteOf(BinanceApi.UsdM, "!markPrice@arr"));
        Assert.Equal(BinanceStreamRoute.Spot, BinanceStreams.RouteOf(BinanceApi.Spot, "btcusdt@depth"));
    }
}
