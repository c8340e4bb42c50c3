using System.Text;
using System.Text.Json;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Symbols;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

public sealed class ResponseParsingTests
{
    private static readonly AccountId Account = new("acct-1");
    private readonly BinanceSymbolMapper _symbols = new(BinanceApi.Spot);
    private static readonly InstrumentId BtcUsdt = new(Venue.Binance, MarketType.Spot, "BTCUSDT");

    private OrderReport Order(byte[] json) => SpotOrderParser.ParseOrder(json, _symbols);

    [Theory]
    [InlineData("spot-rest/order_new_response_ACK.json", false)]
    [InlineData("spot-ws-api/order_place_response_ACK.json", true)]
    public void Ack_response_has_ids_only_and_means_accepted(string sample, bool ws)
    {
        var report = Order(ws ? Samples.Property(sample, "result") : Samples.Bytes(sample));

        Assert.Equal(BtcUsdt, report.Instrument);
        Assert.Null(report.Status);
        Assert.Null(report.OrderListId);
        Assert.Empty(report.Fills);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(report.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch)));
        Assert.Equal(VenueOrderEventKind.Accepted, update.Kind);
        Assert.Equal(report.VenueOrderId, update.VenueOrderId);
        Assert.Equal(VenueEventSource.Response, update.Source);
    }

    [Fact]
    public void Rest_full_market_response_yields_acceptance_then_every_fill()
    {
        var report = Order(Samples.Bytes("spot-rest/order_new_response_FULL.json"));

        Assert.Equal(new ClientOrderId("6gCrw2kRUAF9CvJDGP16IP"), report.ClientOrderId);
        Assert.Equal(new VenueOrderId("28"), report.VenueOrderId);
        Assert.Equal(OrderStatus.Filled, report.Status);
        Assert.Equal(OrderType.Market, report.Type);
        Assert.Equal(OrderSide.Sell, report.Side);
        Assert.Equal(TimeInForce.Gtc, report.TimeInForce);
        Assert.Equal(10m, report.Quantity);
        Assert.Equal(10m, report.ExecutedQuantity);
        Assert.Equal(10m, report.CumulativeQuoteQuantity);
        Assert.Equal(0m, report.Price);
        Assert.Null(report.QuoteOrderQuantity);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1507725176595), report.Timestamp);
        Assert.Equal(5, report.Fills.Count);
        var first = report.Fills[0];
        Assert.Equal(new TradeId("56"), first.TradeId);
        Assert.Equal(4000m, first.Price);
        Assert.Equal(1m, first.Quantity);
        Assert.Equal(4m, first.Fee);
        Assert.Equal("USDT", first.FeeAsset);
        Assert.Equal(OrderSide.Sell, first.Side);
        Assert.Equal(LiquiditySide.Taker, first.Liquidity);
        Assert.Equal(report.ClientOrderId, first.ClientOrderId);
        Assert.Equal(19.995m, report.Fills[1].Fee);
        Assert.Equal(["56", "57", "58", "59", "60"], report.Fills.Select(f => f.TradeId.Value));

        var events = report.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch);
        Assert.Equal(VenueOrderEventKind.Accepted, Assert.IsType<VenueOrderUpdate>(events[0]).Kind);
        Assert.Equal(10m, ((VenueOrderUpdate)events[0]).CumulativeFilledQuantity);
        Assert.All(events.Skip(1), e => Assert.IsType<VenueFill>(e));
        Assert.Equal(6, events.Count);
    }

    [Fact]
    public void Ws_full_response_fills_are_parsed_exactly()
    {
        var report = Order(Samples.Property("spot-ws-api/order_place_response_FULL.json", "result"));

        Assert.Equal(new ClientOrderId("4d96324ff9d44481926157ec08158a40"), report.ClientOrderId);
        Assert.Equal(new VenueOrderId("12569099453"), report.VenueOrderId);
        Assert.Equal(23416.1m, report.Price);
        Assert.Equal(0.00847m, report.Quantity);
        Assert.Equal(198.335215m, report.CumulativeQuoteQuantity);
        Assert.Equal([(1650422481L, 0.00635m, 23416.1m), (1650422482L, 0.00212m, 23416.5m)],
            report.Fills.Select(f => (long.Parse(f.TradeId.Value, System.Globalization.CultureInfo.InvariantCulture), f.Quantity, f.Price)));
        Assert.Equal(report.Quantity, report.Fills.Sum(f => f.Quantity));
    }

    [Theory]
    [InlineData("spot-rest/order_new_response_RESULT.json", false, OrderStatus.Filled)]
    [InlineData("spot-ws-api/order_place_response_RESULT.json", true, OrderStatus.New)]
    [InlineData("spot-ws-api/response_envelope_success.json", true, OrderStatus.New)]
    public void Result_response_has_status_without_fills(string sample, bool ws, OrderStatus status)
    {
        var report = Order(ws ? Samples.Property(sample, "result") : Samples.Bytes(sample));

        Assert.Equal(status, report.Status);
        Assert.Empty(report.Fills);
        Assert.Single(report.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("spot-rest/order_cancel_response.json", false, "myOrder1", "cancelMyOrder1", "4")]
    [InlineData("spot-ws-api/order_cancel_response.json", true, "4d96324ff9d44481926157", "91fe37ce9e69c90d6358c0", "12569099453")]
    public void Cancel_response_names_the_cancelled_order_and_yields_canceled(string sample, bool ws, string orderId, string cancelId, string venueId)
    {
        var report = Order(ws ? Samples.Property(sample, "result") : Samples.Bytes(sample));

        Assert.Equal(new ClientOrderId(orderId), report.ClientOrderId);
        Assert.Equal(cancelId, report.CancelRequestId);
        Assert.Equal(new VenueOrderId(venueId), report.VenueOrderId);
        Assert.Equal(OrderStatus.Canceled, report.Status);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(report.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch)));
        Assert.Equal(VenueOrderEventKind.Canceled, update.Kind);
        Assert.Equal(new ClientOrderId(orderId), update.ClientOrderId);
    }

    [Fact]
    public void Query_response_reads_times_conditional_fields_and_zero_stop_as_absent()
    {
        var report = Order(Samples.Property("spot-ws-api/order_status_response.json", "result"));

        Assert.Equal(OrderStatus.Filled, report.Status);
        Assert.Equal(0.00847m, report.ExecutedQuantity);
        Assert.Null(report.StopPrice);
        Assert.Null(report.IcebergQuantity);
        Assert.Equal(10, report.TrailingDelta);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1660801717945), report.Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1660801715639), report.CreatedAt);
        Assert.True(report.IsWorking);
    }

    [Theory]
    [InlineData("spot-rest/order_query_response.json")]
    [InlineData("spot-rest/openOrders_response.json")]
    [InlineData("spot-rest/allOrders_response.json")]
    public void Rest_order_queries_parse(string sample)
    {
        var bytes = Samples.Bytes(sample);
        var reports = bytes[0] == (byte)'[' ? SpotOrderParser.ParseOrders(bytes, _symbols) : [Order(bytes)];

        var report = Assert.Single(reports);
        Assert.Equal(new InstrumentId(Venue.Binance, MarketType.Spot, "LTCBTC"), report.Instrument);
        Assert.Equal(new ClientOrderId("myOrder1"), report.ClientOrderId);
        Assert.Equal(OrderStatus.New, report.Status);
        Assert.Equal(0.1m, report.Price);
        Assert.Equal(1m, report.Quantity);
        Assert.Equal(0m, report.ExecutedQuantity);
        Assert.Equal(OrderType.Limit, report.Type);
        Assert.Equal(OrderSide.Buy, report.Side);
    }

    [Fact]
    public void Ws_open_orders_status_parses_partially_filled()
    {
        var reports = SpotOrderParser.ParseOrders(Samples.Property("spot-ws-api/openOrders_status_response.json", "result"), _symbols);

        var report = Assert.Single(reports);
        Assert.Equal(OrderStatus.PartiallyFilled, report.Status);
        Assert.Equal(0.0072m, report.ExecutedQuantity);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(report.ToEvents(Account, VenueEventSource.Reconciliation, DateTimeOffset.UnixEpoch)));
        Assert.Equal(VenueOrderEventKind.Accepted, update.Kind);
        Assert.Equal(0.0072m, update.CumulativeFilledQuantity);
    }

    [Theory]
    [InlineData("spot-rest/orderList_oco_response_RESULT.json", false, 1, "LTCBTC", 2)]
    [InlineData("spot-ws-api/orderList_place_oco_response.json", true, 2, "LTCBNB", 2)]
    [InlineData("spot-rest/order_oco_deprecated_response.json", false, 0, "LTCBTC", 2)]
    [InlineData("spot-rest/orderList_cancel_response.json", false, 0, "LTCBTC", 2)]
    [InlineData("spot-rest/orderList_query_response.json", false, 27, "LTCBTC", 0)]
    [InlineData("spot-ws-api/order_cancel_response_orderList.json", true, 19431, "BTCUSDT", 2)]
    public void Order_list_responses_parse_with_their_legs(string sample, bool ws, long listId, string symbol, int reports)
    {
        var bytes = ws ? Samples.Property(sample, "result") : Samples.Bytes(sample);

        var list = SpotOrderParser.ParseOrderList(bytes, _symbols);

        Assert.Equal(listId, list.OrderListId);
        Assert.Equal(symbol, list.Instrument.Symbol);
        Assert.Equal("OCO", list.ContingencyType);
        Assert.Equal(2, list.Orders.Count);
        Assert.Equal(reports, list.OrderReports.Count);
        Assert.All(list.OrderReports, r => Assert.Equal(listId, r.OrderListId));
    }

    [Fact]
    public void Oco_legs_keep_their_types_stop_and_iceberg()
    {
        var list = SpotOrderParser.ParseOrderList(Samples.Bytes("spot-rest/orderList_oco_response_RESULT.json"), _symbols);

        var stop = list.OrderReports[0];
        Assert.Equal(OrderType.StopLimit, stop.Type);
        Assert.Equal(1m, stop.StopPrice);
        Assert.Equal(1m, stop.IcebergQuantity);
        Assert.Equal(OrderType.LimitMaker, list.OrderReports[1].Type);
        Assert.Equal(3m, list.OrderReports[1].Price);
    }

    [Fact]
    public void Cancel_replace_success_has_both_reports()
    {
        using var document = JsonDocument.Parse(Samples.Bytes("spot-rest/cancelReplace_response_both_success.json"));

        var report = SpotOrderParser.ParseCancelReplace(document.RootElement, _symbols, "replace order x");

        Assert.Equal(CancelReplaceLegResult.Success, report.CancelResult);
        Assert.Equal(CancelReplaceLegResult.Success, report.NewOrderResult);
        Assert.Equal(new ClientOrderId("DnLo3vTAQcjha43lAZhZ0y"), report.CancelResponse!.ClientOrderId);
        Assert.Equal(OrderStatus.Canceled, report.CancelResponse.Status);
        Assert.Equal(new ClientOrderId("wOceeeOzNORyLiQfw7jd8S"), report.NewOrderResponse!.ClientOrderId);
        Assert.Equal(OrderStatus.New, report.NewOrderResponse.Status);
        Assert.Null(report.CancelError);
        Assert.Null(report.NewOrderError);
    }

    [Theory]
    [InlineData("spot-rest/cancelReplace_error_both_failed.json", CancelReplaceLegResult.Failure, CancelReplaceLegResult.Failure, VenueErrorKind.UnknownOrder, VenueErrorKind.Rejected)]
    [InlineData("spot-rest/cancelReplace_error_cancel_failed_STOP_ON_FAILURE.json", CancelReplaceLegResult.Failure, CancelReplaceLegResult.NotAttempted, VenueErrorKind.UnknownOrder, VenueErrorKind.None)]
    [InlineData("spot-rest/cancelReplace_error_cancel_failed_ALLOW_FAILURE.json", CancelReplaceLegResult.Failure, CancelReplaceLegResult.Success, VenueErrorKind.UnknownOrder, VenueErrorKind.None)]
    [InlineData("spot-rest/cancelReplace_error_new_order_failed.json", CancelReplaceLegResult.Success, CancelReplaceLegResult.Failure, VenueErrorKind.None, VenueErrorKind.Rejected)]
    [InlineData("spot-rest/cancelReplace_error_rate_limit_CANCEL_ONLY.json", CancelReplaceLegResult.Success, CancelReplaceLegResult.Failure, VenueErrorKind.None, VenueErrorKind.RateLimited)]
    public void Cancel_replace_errors_describe_each_leg(string sample, CancelReplaceLegResult cancel, CancelReplaceLegResult created, VenueErrorKind cancelError, VenueErrorKind newError)
    {
        using var document = JsonDocument.Parse(Samples.Bytes(sample));

        var report = SpotOrderParser.ParseCancelReplace(document.RootElement.GetProperty("data"), _symbols, "replace order x");

        Assert.Equal(cancel, report.CancelResult);
        Assert.Equal(created, report.NewOrderResult);
        Assert.Equal(cancelError, report.CancelError?.Kind ?? VenueErrorKind.None);
        Assert.Equal(newError, report.NewOrderError?.Kind ?? VenueErrorKind.None);
        Assert.Equal(cancel == CancelReplaceLegResult.Success, report.CancelResponse is not null);
        Assert.Equal(created == CancelReplaceLegResult.Success, report.NewOrderResponse is not null);
    }

    [Theory]
    [InlineData("spot-ws-api/order_cancelReplace_error_400_both_failed.json")]
    [InlineData("spot-ws-api/order_cancelReplace_error_400_cancel_failed.json")]
    [InlineData("spot-ws-api/order_cancelReplace_error_409_CANCEL_ONLY.json")]
    [InlineData("spot-ws-api/order_cancelReplace_error_409_cancel_failed_new_ok.json")]
    [InlineData("spot-ws-api/order_cancelReplace_error_409_new_failed.json")]
    public void Ws_cancel_replace_error_data_parses(string sample)
    {
        var data = Samples.Json(sample).GetProperty("error").GetProperty("data");

        var report = SpotOrderParser.ParseCancelReplace(data, _symbols, "replace order x");

        Assert.True(report.CancelResponse is not null || report.CancelError is not null);
        Assert.True(report.NewOrderResult == CancelReplaceLegResult.NotAttempted || report.NewOrderResponse is not null || report.NewOrderError is not null);
    }

    [Fact]
    public void Ws_cancel_replace_success_parses()
    {
        var result = Samples.Json("spot-ws-api/order_cancelReplace_response_success.json").GetProperty("result");

        var report = SpotOrderParser.ParseCancelReplace(result, _symbols, "replace order x");

        Assert.Equal(0.00001m, report.CancelResponse!.ExecutedQuantity);
        Assert.Equal(new ClientOrderId("bX5wROblo6YeDwa9iTLeyY"), report.NewOrderResponse!.ClientOrderId);
    }

    [Theory]
    [InlineData("spot-rest/account_response.json", false)]
    [InlineData("spot-ws-api/account_status_response.json", true)]
    public void Account_becomes_a_balance_snapshot(string sample, bool ws)
    {
        var account = SpotReferenceParsers.ParseAccount(ws ? Samples.Property(sample, "result") : Samples.Bytes(sample));

        Assert.True(account.CanTrade);
        Assert.Equal("SPOT", account.AccountType);
        Assert.Equal(0.0015m, account.MakerCommissionRate);
        var update = account.ToEvent(Account, VenueEventSource.Reconciliation);
        Assert.True(update.IsSnapshot);
        if (ws)
        {
            Assert.Equal([new VenueBalance("BNB", 0m, 0m), new VenueBalance("BTC", 1.3447112m, 0.086m), new VenueBalance("USDT", 1021.21m, 0m)], update.Balances);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1660801833000), update.Timestamp);
        }
        else
        {
            Assert.Equal([new VenueBalance("BTC", 4723846.89208129m, 0m), new VenueBalance("LTC", 4763368.68006011m, 0m)], update.Balances);
        }
    }

    [Fact]
    public void My_trades_become_fills_of_known_orders_and_report_unknown_ones()
    {
        var ids = new Dictionary<long, ClientOrderId> { [12569099453] = new("4d96324ff9d44481926157") };
        var unmatched = new List<long>();

        var trades = SpotReferenceParsers.ParseMyTrades(Samples.Property("spot-ws-api/myTrades_response.json", "result"), _symbols, ids, unmatched);
        var restTrades = SpotReferenceParsers.ParseMyTrades(Samples.Bytes("spot-rest/myTrades_response.json"), _symbols, ids, unmatched);

        Assert.Equal(2, trades.Count);
        var fill = trades[0].Fill;
        Assert.Equal(BtcUsdt, fill.Instrument);
        Assert.Equal(new TradeId("1650422481"), fill.TradeId);
        Assert.Equal(new VenueOrderId("12569099453"), fill.VenueOrderId);
        Assert.Equal(OrderSide.Sell, fill.Side);
        Assert.Equal(LiquiditySide.Maker, fill.Liquidity);
        Assert.Equal(0.00635m, fill.Quantity);
        Assert.Equal(23416.1m, fill.Price);
        Assert.Equal("BNB", fill.FeeAsset);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1660801715793), fill.Timestamp);
        Assert.Empty(restTrades);
        Assert.Equal([100234L], unmatched);
    }

    [Fact]
    public void Exchange_info_skeleton_parses_symbol_flags_and_skips_empty_rate_limits()
    {
        var info = SpotReferenceParsers.ParseExchangeInfo(Samples.Bytes("spot-rest/exchangeInfo_response_skeleton.json"), _symbols);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1565246363776), info.ServerTime);
        Assert.Empty(info.RateLimits);
        var symbol = Assert.Single(info.Symbols);
        Assert.Equal("ETH", symbol.Spec.BaseAsset);
        Assert.Equal("BTC", symbol.Spec.QuoteAsset);
        Assert.Equal(SymbolTradingStatus.Trading, symbol.Status);
        Assert.Equal([OrderType.Limit, OrderType.LimitMaker, OrderType.Market, OrderType.StopMarket, OrderType.StopLimit, OrderType.TakeProfitMarket, OrderType.TakeProfitLimit],
            symbol.OrderTypes);
        Assert.True(symbol.IcebergAllowed);
        Assert.True(symbol.OcoAllowed);
        Assert.False(symbol.AllowTrailingStop);
        Assert.False(symbol.CancelReplaceAllowed);
    }

    private BinanceSymbolInfo SymbolWithFilters(params string[] filterSamples)
    {
        var filters = string.Join(',', filterSamples.Select(f => Samples.Text($"spot-filters/{f}.json")));
        var json = $$"""
            {"serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},
              {"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000},
              {"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":300000}],
             "symbols":[{"symbol":"BTCUSDT","status":"HALT","baseAsset":"BTC","quoteAsset":"USDT","filters":[{{filters}}]}]}
            """;
        return Assert.Single(SpotReferenceParsers.ParseExchangeInfo(Encoding.UTF8.GetBytes(json), _symbols).Symbols);
    }

    [Fact]
    public void Every_filter_sample_maps_onto_the_instrument_spec()
    {
        var symbol = SymbolWithFilters("PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL", "ICEBERG_PARTS", "MAX_NUM_ORDERS", "TRAILING_DELTA",
            "PERCENT_PRICE_BY_SIDE", "PERCENT_PRICE", "MAX_NUM_ALGO_ORDERS", "MAX_NUM_ICEBERG_ORDERS", "MAX_POSITION", "MAX_NUM_ORDER_AMENDS",
            "MAX_NUM_ORDER_LISTS", "EXCHANGE_MAX_NUM_ORDERS", "EXCHANGE_MAX_NUM_ALGO_ORDERS", "EXCHANGE_MAX_NUM_ICEBERG_ORDERS",
            "EXCHANGE_MAX_NUM_ORDER_LISTS", "MAX_ASSET");

        var spec = symbol.Spec;
        Assert.Equal(BtcUsdt, spec.Id);
        Assert.Equal(SymbolTradingStatus.Halt, symbol.Status);
        Assert.Equal(0.000001m, spec.MinPrice);
        Assert.Equal(100000m, spec.MaxPrice);
        Assert.Equal(0.000001m, spec.TickSize);
        Assert.Equal(0.001m, spec.MinQuantity);
        Assert.Equal(100000m, spec.MaxQuantity);
        Assert.Equal(0.001m, spec.StepSize);
        Assert.Equal(0.001m, spec.MarketMinQuantity);
        Assert.Equal(100000m, spec.MarketMaxQuantity);
        Assert.Equal(0.001m, spec.MarketStepSize);
        Assert.Equal(10m, spec.MinNotional);
        Assert.Equal(10000m, spec.MaxNotional);
        Assert.False(spec.ApplyMinNotionalToMarket);
        Assert.False(symbol.ApplyMaxNotionalToMarket);
        Assert.Equal(10, symbol.IcebergPartsLimit);
        Assert.Equal(25, symbol.MaxNumOrders);
        Assert.Equal((10L, 2000L, 10L, 2000L), symbol.TrailingDelta);
        Assert.Equal((1.2m, 0.2m, 5m, 0.8m), symbol.PercentPrice);
    }

    [Fact]
    public void Legacy_min_notional_applies_to_market_as_it_says()
    {
        var spec = SymbolWithFilters("MIN_NOTIONAL").Spec;

        Assert.Equal(0.001m, spec.MinNotional);
        Assert.True(spec.ApplyMinNotionalToMarket);
        Assert.Equal(0m, spec.MaxNotional);
    }

    [Fact]
    public void Percent_price_alone_is_used_for_both_sides()
    {
        Assert.Equal((1.3m, 0.7m, 1.3m, 0.7m), SymbolWithFilters("PERCENT_PRICE").PercentPrice);
    }

    [Fact]
    public void Exchange_info_rate_limits_are_read_as_windows()
    {
        var json = """{"serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000},{"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":300000}],"symbols":[]}""";

        var info = SpotReferenceParsers.ParseExchangeInfo(Encoding.UTF8.GetBytes(json), _symbols);

        Assert.Equal(
        [
            new VenueRateLimit(RateLimitKind.RequestWeight, new RateLimitWindow(TimeSpan.FromMinutes(1), 6000)),
            new VenueRateLimit(RateLimitKind.Orders, new RateLimitWindow(TimeSpan.FromSeconds(10), 50)),
            new VenueRateLimit(RateLimitKind.Orders, new RateLimitWindow(TimeSpan.FromDays(1), 160000)),
            new VenueRateLimit(RateLimitKind.RawRequests, new RateLimitWindow(TimeSpan.FromMinutes(5), 300000)),
        ], info.RateLimits);
    }

    [Theory]
    [InlineData("spot-rest/rateLimiter_ORDERS.json", RateLimitKind.Orders, 1, 10)]
    [InlineData("spot-rest/rateLimiter_RAW_REQUESTS.json", RateLimitKind.RawRequests, 300, 61000)]
    [InlineData("spot-rest/rateLimiter_REQUEST_WEIGHT.json", RateLimitKind.RequestWeight, 60, 6000)]
    public void Rate_limiter_samples_parse(string sample, RateLimitKind kind, int seconds, long limit)
    {
        Assert.True(SpotReferenceParsers.TryParseRateLimit(Samples.Json(sample), out var parsed, out var count));

        Assert.Equal(new VenueRateLimit(kind, new RateLimitWindow(TimeSpan.FromSeconds(seconds), limit)), parsed);
        Assert.Null(count);
    }

    [Fact]
    public void Server_time_parses()
    {
        Assert.Equal(1499827319559, SpotReferenceParsers.ParseServerTime(Samples.Bytes("spot-rest/time_response.json")));
    }
}
