using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

/// <summary>The USD-M REST client: exact request strings, order and algo mapping, futures error codes, settings and the futures rate scopes.</summary>
public sealed class UsdMRestClientTests : IDisposable
{
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    private static readonly AccountId Account = new("acct-usdm");
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly long Timestamp = Start.AddSeconds(2).ToUnixTimeMilliseconds();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly BinanceMetrics _metrics = new();
    private readonly BinanceOptions _options = new() { UsdMRestBaseAddress = new Uri("http://127.0.0.1:1"), MaxRateBudgetWait = TimeSpan.Zero };
    private readonly LocalRateBudget _budget;
    private readonly BinanceApiContext _context;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly BinanceCredentials _credentials;

    public UsdMRestClientTests()
    {
        _budget = BinanceApiContext.CreateLocalBudget(BinanceApi.UsdM, _options, _time);
        _context = new BinanceApiContext(BinanceApi.UsdM, _options, _budget, _metrics, _time);
        _credentials = BinanceCredentials.Hmac("usdm-key", _secret);
    }

    public void Dispose()
    {
        _credentials.Dispose();
        _metrics.Dispose();
    }

    private (BinanceUsdMRestClient Client, ScriptedHandler Handler) Client(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        var handler = new ScriptedHandler((request, ct) => request.RequestUri!.AbsolutePath == "/fapi/v1/time"
            ? Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK, $"{{\"serverTime\":{Timestamp}}}"))
            : respond(request, ct));
        return (new BinanceUsdMRestClient(new HttpClient(handler), _context, _credentials, Account.Value), handler);
    }

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer(HttpStatusCode status, string body, params (string, string)[] headers) =>
        (_, _) => Task.FromResult(ScriptedHandler.Json(status, body, headers));

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Sample(string sample, params (string, string)[] headers) =>
        Answer(HttpStatusCode.OK, Samples.Text(sample), headers);

    private string Signed(string unsigned)
    {
        var query = $"{unsigned}{(unsigned.Length == 0 ? "" : "&")}recvWindow=5000&timestamp={Timestamp}";
        return $"{query}&signature={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(_secret), Encoding.ASCII.GetBytes(query)))}";
    }

    private static string QueryOf(HttpRequestMessage request) => request.RequestUri!.Query.TrimStart('?');

    private static OrderSpec Spec(OrderType type, OrderSide side = OrderSide.Buy, decimal? price = null, decimal? stop = null) => new()
    {
        Instrument = Btc,
        Side = side,
        Type = type,
        Quantity = 0.01m,
        LimitPrice = price,
        StopPrice = stop,
    };

    [Fact]
    public async Task Limit_order_is_signed_exactly_and_order_count_headers_feed_the_10s_and_1m_scopes()
    {
        var (client, handler) = Client((_, _) => Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK,
            Samples.Property("usdm-ws-api/order_place_response.json", "result"), ("X-MBX-USED-WEIGHT-1M", "12"), ("X-MBX-ORDER-COUNT-10S", "3"), ("X-MBX-ORDER-COUNT-1M", "7"))));

        var result = await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 50000m), new ClientOrderId("oms-1"));

        Assert.True(result.Success, result.ToString());
        Assert.Equal(OrderStatus.New, result.Value.Status);
        var request = Assert.Single(handler.To("/fapi/v1/order"));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("usdm-key", request.Headers.GetValues("X-MBX-APIKEY").Single());
        Assert.Equal(Signed("symbol=BTCUSDT&side=BUY&positionSide=BOTH&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=oms-1&newOrderRespType=RESULT"),
            QueryOf(request));
        Assert.Equal([(TimeSpan.FromSeconds(10), 3L, 300L), (TimeSpan.FromMinutes(1), 7L, 1200L)],
            _budget.GetUsage(client.Scopes.Orders!.Value).Select(u => (u.Interval, u.Used, u.Limit)));
        Assert.Equal(12, _budget.GetUsage(client.Scopes.Weight).Single().Used);
        Assert.Equal("usdm:account:acct-usdm", client.Scopes.Orders!.Value.Key);
    }

    [Fact]
    public async Task Post_only_is_limit_gtx_market_has_no_time_in_force_and_reduce_only_is_text()
    {
        var (client, handler) = Client(Sample("usdm-rest/order_query_response.json"));

        await client.PlaceOrderAsync(Spec(OrderType.LimitMaker, OrderSide.Sell, price: 51000.5m), new ClientOrderId("oms-2"));
        await client.PlaceOrderAsync(Spec(OrderType.Market) with { ReduceOnly = true }, new ClientOrderId("oms-3"), responseType: UsdMOrderResponseType.Ack);
        await client.PlaceOrderAsync(Spec(OrderType.Limit, OrderSide.Sell, price: 52000m) with { PositionSide = PositionSide.Short, TimeInForce = TimeInForce.Ioc },
            new ClientOrderId("oms-4"));

        var requests = handler.To("/fapi/v1/order").ToArray();
        Assert.Equal(Signed("symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=LIMIT&timeInForce=GTX&quantity=0.01&price=51000.5&newClientOrderId=oms-2&newOrderRespType=RESULT"),
            QueryOf(requests[0]));
        Assert.Equal(Signed("symbol=BTCUSDT&side=BUY&positionSide=BOTH&type=MARKET&quantity=0.01&reduceOnly=true&newClientOrderId=oms-3&newOrderRespType=ACK"),
            QueryOf(requests[1]));
        Assert.Equal(Signed("symbol=BTCUSDT&side=SELL&positionSide=SHORT&type=LIMIT&timeInForce=IOC&quantity=0.01&price=52000&newClientOrderId=oms-4&newOrderRespType=RESULT"),
            QueryOf(requests[2]));
    }

    [Fact]
    public async Task Good_till_date_and_self_trade_prevention_options_are_sent()
    {
        var (client, handler) = Client(Sample("usdm-rest/order_query_response.json"));
        var gtd = new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);

        await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 50000m), new ClientOrderId("oms-5"),
            new UsdMOrderOptions { GoodTillDate = gtd, SelfTradePrevention = UsdMSelfTradePrevention.ExpireMaker });

        Assert.Equal(Signed("symbol=BTCUSDT&side=BUY&positionSide=BOTH&type=LIMIT&timeInForce=GTD&quantity=0.01&price=50000&selfTradePreventionMode=EXPIRE_MAKER"
            + $"&goodTillDate={gtd.ToUnixTimeMilliseconds()}&newClientOrderId=oms-5&newOrderRespType=RESULT"), QueryOf(handler.To("/fapi/v1/order").Single()));
    }

    [Fact]
    public async Task Conditional_types_are_refused_on_the_order_endpoint_before_anything_is_sent()
    {
        var (client, handler) = Client(Sample("usdm-rest/order_query_response.json"));

        var result = await client.PlaceOrderAsync(Spec(OrderType.StopMarket, stop: 48000m), new ClientOrderId("oms-6"));

        Assert.Equal(VenueErrorKind.InvalidRequest, result.ErrorKind);
        Assert.False(result.Error!.Sent);
        Assert.Contains("Algo Service", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("oms-6", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
        Assert.Equal(UsdMOrderRoute.Algo, UsdMOrderRouting.RouteOf(OrderType.StopMarket));
        Assert.Equal(UsdMOrderRoute.Order, UsdMOrderRouting.RouteOf(OrderType.LimitMaker));
    }

    public static TheoryData<string, OrderSpec, UsdMOrderOptions?, string> AlgoMappings => new()
    {
        {
            "stop market, mark price, reduce-only",
            Spec(OrderType.StopMarket, OrderSide.Sell, stop: 48000m) with { ReduceOnly = true, TriggerPriceType = TriggerPriceType.MarkPrice },
            null,
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=STOP_MARKET&quantity=0.01&triggerPrice=48000&workingType=MARK_PRICE&reduceOnly=true"
                + "&clientAlgoId=algo-1&newOrderRespType=RESULT"
        },
        {
            "stop limit",
            Spec(OrderType.StopLimit, OrderSide.Buy, price: 52100m, stop: 52000m) with { PositionSide = PositionSide.Long },
            null,
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=BUY&positionSide=LONG&type=STOP&timeInForce=GTC&quantity=0.01&price=52100&triggerPrice=52000"
                + "&workingType=CONTRACT_PRICE&clientAlgoId=algo-1&newOrderRespType=RESULT"
        },
        {
            "take profit market closing the position with price protection",
            Spec(OrderType.TakeProfitMarket, OrderSide.Sell, stop: 55000m),
            new UsdMOrderOptions { ClosePosition = true, PriceProtect = true },
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=TAKE_PROFIT_MARKET&triggerPrice=55000&workingType=CONTRACT_PRICE&priceProtect=TRUE"
                + "&closePosition=true&clientAlgoId=algo-1&newOrderRespType=RESULT"
        },
        {
            "take profit limit",
            Spec(OrderType.TakeProfitLimit, OrderSide.Sell, price: 55100m, stop: 55000m) with { TimeInForce = TimeInForce.Gtx },
            null,
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=TAKE_PROFIT&timeInForce=GTX&quantity=0.01&price=55100&triggerPrice=55000"
                + "&workingType=CONTRACT_PRICE&clientAlgoId=algo-1&newOrderRespType=RESULT"
        },
        {
            "trailing stop with activation price and callback rate in percent",
            Spec(OrderType.TrailingStopMarket, OrderSide.Sell) with { TrailingPercent = 1.5m, ActivationPrice = 53000m },
            null,
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=BOTH&type=TRAILING_STOP_MARKET&quantity=0.01&workingType=CONTRACT_PRICE"
                + "&activatePrice=53000&callbackRate=1.5&clientAlgoId=algo-1&newOrderRespType=RESULT"
        },
    };

    [Theory]
    [MemberData(nameof(AlgoMappings))]
    public async Task Conditional_orders_map_to_the_algo_service(string what, OrderSpec spec, UsdMOrderOptions? options, string expected)
    {
        Assert.NotNull(what);
        Assert.Null(spec.Validate());
        var (client, handler) = Client(Sample("usdm-rest/algoOrder_new_response.json"));

        var result = await client.PlaceAlgoOrderAsync(spec, new ClientOrderId("algo-1"), options);

        Assert.True(result.Success, result.ToString());
        var request = Assert.Single(handler.To("/fapi/v1/algoOrder"));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Signed(expected), QueryOf(request));
    }

    [Theory]
    [InlineData("iceberg", "iceberg orders do not exist")]
    [InlineData("limit-close", "closePosition applies to STOP_MARKET and TAKE_PROFIT_MARKET orders only")]
    [InlineData("close-reduce", "cannot be combined with reduce-only")]
    [InlineData("trailing-rate", "must be in [0.1, 20]")]
    [InlineData("gtd-market", "good-till-date applies to LIMIT orders only")]
    [InlineData("spot", "is not a Binance USD-M instrument")]
    public async Task Orders_that_cannot_be_expressed_on_usdm_are_refused_with_the_reason(string which, string reason)
    {
        var (client, handler) = Client(Sample("usdm-rest/order_query_response.json"));
        var id = new ClientOrderId("oms-x");

        var result = which switch
        {
            "iceberg" => await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 1m) with { Quantity = 2m, DisplayQuantity = 1m }, id),
            "limit-close" => await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 1m), id, new UsdMOrderOptions { ClosePosition = true }),
            "close-reduce" => (await client.PlaceAlgoOrderAsync(Spec(OrderType.StopMarket, stop: 1m) with { ReduceOnly = true }, id,
                new UsdMOrderOptions { ClosePosition = true })).Map(_ => (OrderReport)null!),
            "trailing-rate" => (await client.PlaceAlgoOrderAsync(Spec(OrderType.TrailingStopMarket) with { TrailingPercent = 0.05m }, id)).Map(_ => (OrderReport)null!),
            "gtd-market" => await client.PlaceOrderAsync(Spec(OrderType.Market), id, new UsdMOrderOptions { GoodTillDate = Start.AddDays(1) }),
            _ => await client.PlaceOrderAsync(Spec(OrderType.Market) with { Instrument = new(Venue.Binance, MarketType.Spot, "BTCUSDT") }, id),
        };

        Assert.Equal(VenueErrorKind.InvalidRequest, result.ErrorKind);
        Assert.Contains(reason, result.Error!.Message, StringComparison.Ordinal);
        Assert.False(result.Error.Sent);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Modify_cancel_and_query_go_by_client_order_id_or_the_known_engine_id()
    {
        var (client, handler) = Client(Sample("usdm-rest/order_cancel_response.json"));

        await client.ModifyOrderAsync(Btc, new ClientOrderId("oms-1"), null, OrderSide.Buy, 0.02m, 49000.1m);
        await client.CancelOrderAsync(Btc, new ClientOrderId("oms-1"));
        await client.CancelOrderAsync(Btc, new ClientOrderId("oms-1"), new VenueOrderId("283194212"));
        await client.QueryOrderAsync(Btc, new ClientOrderId("oms-1"));
        var algoModify = await client.ModifyOrderAsync(Btc, new ClientOrderId("algo-1"), new VenueOrderId("algo-5"), OrderSide.Buy, 1m, 1m);

        var requests = handler.To("/fapi/v1/order").ToArray();
        Assert.Equal(HttpMethod.Put, requests[0].Method);
        Assert.Equal(Signed("symbol=BTCUSDT&origClientOrderId=oms-1&side=BUY&quantity=0.02&price=49000.1"), QueryOf(requests[0]));
        Assert.Equal(HttpMethod.Delete, requests[1].Method);
        Assert.Equal(Signed("symbol=BTCUSDT&origClientOrderId=oms-1"), QueryOf(requests[1]));
        Assert.Equal(Signed("symbol=BTCUSDT&orderId=283194212"), QueryOf(requests[2]));
        Assert.Equal(HttpMethod.Get, requests[3].Method);
        Assert.Equal(Signed("symbol=BTCUSDT&origClientOrderId=oms-1"), QueryOf(requests[3]));
        Assert.Equal(VenueErrorKind.InvalidRequest, algoModify.ErrorKind);
        Assert.Contains("cannot be modified", algoModify.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(4, requests.Length);
    }

    [Fact]
    public async Task Algo_orders_are_cancelled_and_queried_by_algo_id_or_client_algo_id_and_listed_separately()
    {
        var (client, handler) = Client((request, _) => Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK, request.RequestUri!.AbsolutePath switch
        {
            "/fapi/v1/openAlgoOrders" => $"[{Samples.Text("usdm-rest/algoOrder_new_response.json")}]",
            _ when request.Method == HttpMethod.Delete => Samples.Text("usdm-rest/algoOrder_cancel_response.json"),
            _ => Samples.Text("usdm-rest/algoOrder_query_response.json"),
        })));
        var bnb = new InstrumentId(Venue.Binance, MarketType.UsdMFutures, "BNBUSDT");

        var byAlgoId = await client.CancelAlgoOrderAsync(bnb, new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"), new VenueOrderId("algo-2146760"));
        var byClientId = await client.CancelAlgoOrderAsync(bnb, new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"));
        var query = await client.QueryAlgoOrderAsync(bnb, new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"));
        var open = await client.GetOpenAlgoOrdersAsync(bnb);

        Assert.Equal(2146760, byAlgoId.Value.AlgoId);
        Assert.Equal(AlgoOrderStatus.Canceled, query.Value.Status);
        Assert.Single(open.Value);
        var requests = handler.To("/fapi/v1/algoOrder").ToArray();
        Assert.Equal(Signed("algoId=2146760"), QueryOf(requests[0]));
        Assert.Equal(Signed("clientAlgoId=6B2I9XVcJpCjqPAJ4YoFX7"), QueryOf(requests[1]));
        Assert.Equal(HttpMethod.Get, requests[2].Method);
        Assert.Equal(Signed("symbol=BNBUSDT"), QueryOf(handler.To("/fapi/v1/openAlgoOrders").Single()));
        Assert.True(byClientId.Success);
    }

    [Fact]
    public async Task Cancel_without_a_venue_id_falls_back_to_the_algo_service_when_the_order_endpoint_knows_no_such_order()
    {
        var (client, handler) = Client((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/fapi/v1/order"
            ? ScriptedHandler.Json(HttpStatusCode.BadRequest, "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}")
            : ScriptedHandler.Json(HttpStatusCode.OK, Samples.Text("usdm-rest/algoOrder_cancel_response.json"))));

        var result = await client.CancelAnyAsync(Account, Btc, new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"));

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(result.Value));
        Assert.Equal((VenueOrderEventKind.Canceled, new VenueOrderId("algo-2146760")), (update.Kind, update.VenueOrderId));
        Assert.Single(handler.To("/fapi/v1/order"));
        Assert.Single(handler.To("/fapi/v1/algoOrder"));
    }

    [Theory]
    [InlineData(400, -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.", VenueErrorKind.Rejected)]
    [InlineData(400, -2021, "Order would immediately trigger.", VenueErrorKind.Rejected)]
    [InlineData(400, -2022, "ReduceOnly Order is rejected.", VenueErrorKind.Rejected)]
    [InlineData(400, -5022, "Due to the order could not be executed as maker, the Post Only order will be rejected.", VenueErrorKind.Rejected)]
    [InlineData(400, -4164, "Order's notional must be no smaller than 5.0 (unless you choose reduce only)", VenueErrorKind.FilterFailure)]
    [InlineData(400, -4014, "Price not increased by tick size.", VenueErrorKind.FilterFailure)]
    [InlineData(400, -2019, "Margin is insufficient.", VenueErrorKind.InsufficientBalance)]
    [InlineData(400, -2028, "Leverage is smaller than permitted: insufficient margin balance.", VenueErrorKind.InsufficientBalance)]
    [InlineData(400, -4116, "clientOrderId is duplicated", VenueErrorKind.DuplicateOrder)]
    [InlineData(400, -5028, "Timestamp for this request is outside of the ME recvWindow.", VenueErrorKind.InvalidTimestamp)]
    [InlineData(503, -1008, "Request throttled by system-level protection.", VenueErrorKind.UnknownOutcome)]
    [InlineData(400, -1008, "Request throttled by system-level protection. Reduce-only/close-position orders are exempt.", VenueErrorKind.RateLimited)]
    [InlineData(408, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.", VenueErrorKind.UnknownOutcome)]
    [InlineData(400, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.", VenueErrorKind.UnknownOutcome)]
    public async Task Futures_error_codes_are_classified_with_context(int status, int code, string message, VenueErrorKind kind)
    {
        var (client, _) = Client(Answer((HttpStatusCode)status, JsonSerializer.Serialize(new { code, msg = message })));

        var result = await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 50000m), new ClientOrderId("oms-e"));

        Assert.Equal(kind, result.ErrorKind);
        Assert.Equal($"failed to place order oms-e on Binance USD-M: {code} {message}", result.Error!.Message);
        var update = BinanceVenueEvents.FromFailure(result.Error, VenueRequestKind.Place, Account, Btc, new ClientOrderId("oms-e"), null, Start);
        Assert.Equal(kind == VenueErrorKind.UnknownOutcome || kind == VenueErrorKind.DuplicateOrder ? VenueOrderEventKind.OutcomeUnknown : VenueOrderEventKind.Rejected,
            update!.Kind);
    }

    [Theory]
    [InlineData(-4046, VenueErrorKind.Rejected)]
    [InlineData(-4047, VenueErrorKind.Rejected)]
    [InlineData(-4048, VenueErrorKind.Rejected)]
    [InlineData(-4059, VenueErrorKind.Rejected)]
    [InlineData(-4067, VenueErrorKind.Rejected)]
    [InlineData(-2011, VenueErrorKind.UnknownOrder)]
    [InlineData(-2013, VenueErrorKind.UnknownOrder)]
    [InlineData(-1125, VenueErrorKind.Rejected)]
    [InlineData(-4131, VenueErrorKind.FilterFailure)]
    [InlineData(-1021, VenueErrorKind.InvalidTimestamp)]
    [InlineData(-1022, VenueErrorKind.InvalidSignature)]
    [InlineData(-2015, VenueErrorKind.Unauthorized)]
    public void Futures_codes_map_into_the_taxonomy(int code, VenueErrorKind kind)
    {
        Assert.Equal(kind, BinanceErrorClassifier.Classify(400, code, "message", readOnly: false, BinanceApi.UsdM));
        // Spot keeps its own table: -4164 is not a spot filter code.
        Assert.Equal(VenueErrorKind.Rejected, BinanceErrorClassifier.Classify(400, -4164, "x", readOnly: false, BinanceApi.Spot));
    }

    [Fact]
    public async Task Margin_type_and_position_mode_report_no_change_as_success_and_refusals_as_errors()
    {
        var answers = new Queue<(HttpStatusCode, string)>([
            (HttpStatusCode.OK, Samples.Text("usdm-rest/marginType_response.json")),
            (HttpStatusCode.BadRequest, "{\"code\":-4046,\"msg\":\"No need to change margin type.\"}"),
            (HttpStatusCode.BadRequest, "{\"code\":-4048,\"msg\":\"Margin type cannot be changed if there exists position.\"}"),
            (HttpStatusCode.OK, Samples.Text("usdm-rest/positionSide_dual_response.json")),
            (HttpStatusCode.BadRequest, "{\"code\":-4059,\"msg\":\"No need to change position side.\"}"),
            (HttpStatusCode.OK, Samples.Text("usdm-rest/positionSide_dual_GET_response.json")),
        ]);
        var (client, handler) = Client((_, _) =>
        {
            var (status, body) = answers.Dequeue();
            return Task.FromResult(ScriptedHandler.Json(status, body));
        });

        var changed = await client.SetMarginTypeAsync(Btc, VenueMarginType.Isolated);
        var unchanged = await client.SetMarginTypeAsync(Btc, VenueMarginType.Cross);
        var refused = await client.SetMarginTypeAsync(Btc, VenueMarginType.Isolated);
        var hedge = await client.SetPositionModeAsync(PositionMode.Hedge);
        var same = await client.SetPositionModeAsync(PositionMode.OneWay);
        var mode = await client.GetPositionModeAsync();

        Assert.True(changed.Value);
        Assert.False(unchanged.Value);
        Assert.Equal(VenueErrorKind.Rejected, refused.ErrorKind);
        Assert.Equal("failed to set the margin type of BINANCE:USDM:BTCUSDT to Isolated on Binance USD-M: -4048 Margin type cannot be changed if there exists position.",
            refused.Error!.Message);
        Assert.True(hedge.Value);
        Assert.False(same.Value);
        Assert.Equal(PositionMode.Hedge, mode.Value);
        var margin = handler.To("/fapi/v1/marginType").ToArray();
        Assert.Equal(Signed("symbol=BTCUSDT&marginType=ISOLATED"), QueryOf(margin[0]));
        Assert.Equal(Signed("symbol=BTCUSDT&marginType=CROSSED"), QueryOf(margin[1]));
        var dual = handler.To("/fapi/v1/positionSide/dual").ToArray();
        Assert.Equal(Signed("dualSidePosition=true"), QueryOf(dual[0]));
        Assert.Equal(Signed("dualSidePosition=false"), QueryOf(dual[1]));
        Assert.Equal(HttpMethod.Get, dual[2].Method);
    }

    [Fact]
    public async Task Account_endpoints_use_v3_paths_and_exact_parameters()
    {
        var (client, handler) = Client((request, _) => Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK, request.RequestUri!.AbsolutePath switch
        {
            "/fapi/v1/leverage" => Samples.Text("usdm-rest/leverage_response.json"),
            "/fapi/v3/positionRisk" => Samples.Text("usdm-rest/positionRisk_v3_oneway_response.json"),
            "/fapi/v3/account" => Samples.Text("usdm-rest/account_v3_single_asset_response.json"),
            "/fapi/v3/balance" => Samples.Text("usdm-rest/balance_v3_response.json"),
            "/fapi/v1/income" => Samples.Text("usdm-rest/income_response.json"),
            "/fapi/v1/userTrades" => Samples.Text("usdm-rest/userTrades_response.json"),
            "/fapi/v1/countdownCancelAll" => Samples.Text("usdm-rest/countdownCancelAll_response.json"),
            "/fapi/v1/allOpenOrders" => Samples.Text("usdm-rest/allOpenOrders_cancel_response.json"),
            "/fapi/v1/openOrders" => Samples.Text("usdm-rest/openOrders_response.json"),
            "/fapi/v1/allOrders" => Samples.Text("usdm-rest/allOrders_response.json"),
            _ => "{}",
        })));

        Assert.Equal(21, (await client.SetLeverageAsync(Btc, 21)).Value.Leverage);
        Assert.Single((await client.GetPositionsAsync(Btc)).Value);
        Assert.Equal(103.12345678m, (await client.GetAccountAsync()).Value.TotalWalletBalance);
        Assert.Single((await client.GetBalancesAsync()).Value);
        Assert.Equal(2, (await client.GetIncomeAsync(Btc, UsdMIncomeType.FundingFee, Start.AddDays(-1), Start, page: 2, limit: 100)).Value.Count);
        Assert.Single((await client.GetUserTradesAsync(Btc, new Dictionary<long, ClientOrderId> { [25851813] = new("oms-1") }, fromId: 698000, limit: 500)).Value);
        Assert.Equal(TimeSpan.FromSeconds(100), (await client.SetCountdownCancelAllAsync(Btc, TimeSpan.FromSeconds(100))).Value);
        Assert.True((await client.CancelAllOpenOrdersAsync(Btc)).Value);
        Assert.Single((await client.GetOpenOrdersAsync()).Value);
        Assert.Single((await client.GetAllOrdersAsync(Btc, fromOrderId: 1917000, limit: 50)).Value);
        Assert.Equal(VenueErrorKind.InvalidRequest, (await client.SetLeverageAsync(Btc, 126)).ErrorKind);

        string Query(string path) => QueryOf(handler.To(path).Single());
        Assert.Equal(Signed("symbol=BTCUSDT&leverage=21"), Query("/fapi/v1/leverage"));
        Assert.Equal(Signed("symbol=BTCUSDT"), Query("/fapi/v3/positionRisk"));
        Assert.Equal(Signed(""), Query("/fapi/v3/account"));
        Assert.Equal(Signed(""), Query("/fapi/v3/balance"));
        Assert.Equal(Signed($"symbol=BTCUSDT&incomeType=FUNDING_FEE&startTime={Start.AddDays(-1).ToUnixTimeMilliseconds()}&endTime={Start.ToUnixTimeMilliseconds()}&page=2&limit=100"),
            Query("/fapi/v1/income"));
        Assert.Equal(Signed("symbol=BTCUSDT&fromId=698000&limit=500"), Query("/fapi/v1/userTrades"));
        Assert.Equal(Signed("symbol=BTCUSDT&countdownTime=100000"), Query("/fapi/v1/countdownCancelAll"));
        Assert.Equal(Signed("symbol=BTCUSDT"), Query("/fapi/v1/allOpenOrders"));
        Assert.Equal(Signed(""), Query("/fapi/v1/openOrders"));
        Assert.Equal(Signed("symbol=BTCUSDT&orderId=1917000&limit=50"), Query("/fapi/v1/allOrders"));
        // Weights: server time 1; positionRisk, account, balance and userTrades 5; income 30; countdown 10; open orders without symbol 40; allOrders 5;
        // leverage 1; cancel-all 1.
        Assert.Equal(1 + 5 + 5 + 5 + 5 + 30 + 10 + 40 + 5 + 1 + 1, _budget.GetUsage(client.Scopes.Weight).Single().Used);
    }

    [Fact]
    public async Task Listen_key_calls_carry_the_api_key_without_signature()
    {
        var (client, handler) = Client((request, _) => Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK, request.Method == HttpMethod.Delete
            ? "{}" : Samples.Text("usdm-rest/listenKey_POST_response.json"))));

        var created = await client.StartUserDataStreamAsync();
        var kept = await client.KeepAliveUserDataStreamAsync();
        var closed = await client.CloseUserDataStreamAsync();

        Assert.Equal("pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1", created.Value);
        Assert.Equal(created.Value, kept.Value);
        Assert.True(closed.Value);
        var requests = handler.To("/fapi/v1/listenKey").ToArray();
        Assert.Equal([HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete], requests.Select(r => r.Method));
        Assert.All(requests, r =>
        {
            Assert.Equal("", r.RequestUri!.Query);
            Assert.Equal("usdm-key", r.Headers.GetValues("X-MBX-APIKEY").Single());
        });
        Assert.Empty(handler.To("/fapi/v1/time"));
    }

    [Fact]
    public async Task Batch_orders_send_one_json_array_and_answer_per_order()
    {
        var (client, handler) = Client(Sample("usdm-rest/batchOrders_response.json"));

        var result = await client.PlaceBatchAsync([
            (Spec(OrderType.Limit, price: 50000m), new ClientOrderId("b-1")),
            (Spec(OrderType.Market, OrderSide.Sell) with { ReduceOnly = true }, new ClientOrderId("b-2")),
        ]);

        Assert.True(result.Success, result.ToString());
        Assert.True(result.Value[0].Success);
        Assert.Equal(VenueErrorKind.Rejected, result.Value[1].ErrorKind);
        Assert.Equal("failed to place order b-2 on Binance USD-M: -2022 ReduceOnly Order is rejected.", result.Value[1].Error!.Message);
        var request = handler.To("/fapi/v1/batchOrders").Single();
        var batch = Uri.UnescapeDataString(QueryOf(request).Split('&').Single(p => p.StartsWith("batchOrders=", StringComparison.Ordinal))["batchOrders=".Length..]);
        Assert.Equal("""[{"symbol":"BTCUSDT","side":"BUY","positionSide":"BOTH","type":"LIMIT","timeInForce":"GTC","quantity":"0.01","price":"50000","newClientOrderId":"b-1","newOrderRespType":"RESULT"},"""
            + """{"symbol":"BTCUSDT","side":"SELL","positionSide":"BOTH","type":"MARKET","quantity":"0.01","reduceOnly":"true","newClientOrderId":"b-2","newOrderRespType":"RESULT"}]""",
            batch);
        Assert.Equal([2L, 2L], _budget.GetUsage(client.Scopes.Orders!.Value).Select(u => u.Used));
        Assert.Equal(1 + 5, _budget.GetUsage(client.Scopes.Weight).Single().Used);
        var tooMany = await client.PlaceBatchAsync([.. Enumerable.Range(0, 6).Select(i => (Spec(OrderType.Market), new ClientOrderId($"b-{i}")))]);
        Assert.Equal(VenueErrorKind.InvalidRequest, tooMany.ErrorKind);
    }

    [Fact]
    public async Task Exchange_info_applies_the_venue_limits_to_the_budget()
    {
        var (client, _) = Client(Sample("usdm-rest/exchangeInfo_response.json"));

        var info = await client.GetExchangeInfoAsync();

        Assert.Equal(MarketType.UsdMFutures, Assert.Single(info.Value.Symbols).Spec.Market);
        Assert.Equal([(TimeSpan.FromMinutes(1), 1200L)], _budget.GetUsage(client.Scopes.Orders!.Value).Select(u => (u.Interval, u.Limit)));
    }

    [Fact]
    public async Task Order_count_429_freezes_the_account_order_scope_while_cancels_still_go()
    {
        var calls = 0;
        var (client, handler) = Client((request, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? ScriptedHandler.Json((HttpStatusCode)429, "{\"code\":-1015,\"msg\":\"Too many new orders; current limit is 300 orders per 10 SECOND.\"}", ("Retry-After", "10"))
            : ScriptedHandler.Json(HttpStatusCode.OK, Samples.Text("usdm-rest/order_cancel_response.json"))));

        var limited = await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 1m), new ClientOrderId("oms-r1"));
        var blocked = await client.PlaceOrderAsync(Spec(OrderType.Limit, price: 1m), new ClientOrderId("oms-r2"));
        var cancel = await client.CancelOrderAsync(Btc, new ClientOrderId("oms-r0"));

        Assert.Equal(VenueErrorKind.RateLimited, limited.ErrorKind);
        Assert.Equal(VenueErrorKind.RateLimited, blocked.ErrorKind);
        Assert.False(blocked.Error!.Sent);
        Assert.True(cancel.Success, cancel.ToString());
        Assert.Equal(2, handler.To("/fapi/v1/order").Count());
    }

    [Fact]
    public void Algo_venue_ids_round_trip_and_never_collide_with_engine_ids()
    {
        Assert.True(UsdMOrderIds.TryGetAlgoId(UsdMOrderIds.Algo(42), out var algo));
        Assert.Equal(42, algo);
        Assert.False(UsdMOrderIds.TryGetOrderId(UsdMOrderIds.Algo(42), out _));
        Assert.True(UsdMOrderIds.TryGetOrderId(UsdMOrderIds.Order(42), out var order));
        Assert.Equal(42, order);
        Assert.False(UsdMOrderIds.IsAlgo(UsdMOrderIds.Order(42)));
        Assert.False(UsdMOrderIds.IsAlgo(null));
    }
}
