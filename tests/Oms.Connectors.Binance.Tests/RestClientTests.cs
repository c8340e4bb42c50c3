using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

public sealed class RestClientTests : IDisposable
{
    private static readonly InstrumentId BtcUsdt = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly BinanceMetrics _metrics = new();
    private readonly BinanceOptions _options = new() { SpotRestBaseAddress = new Uri("http://127.0.0.1:1"), MaxRateBudgetWait = TimeSpan.Zero };
    private readonly LocalRateBudget _budget;
    private readonly BinanceApiContext _context;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly BinanceCredentials _credentials;

    public RestClientTests()
    {
        _budget = BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, _options, _time);
        _context = new BinanceApiContext(BinanceApi.Spot, _options, _budget, _metrics, _time);
        _credentials = BinanceCredentials.Hmac("test-key", _secret);
    }

    public void Dispose()
    {
        _credentials.Dispose();
        _metrics.Dispose();
    }

    private static OrderSpec Limit(decimal quantity = 0.01m, decimal price = 50000m) => new()
    {
        Instrument = BtcUsdt,
        Side = OrderSide.Sell,
        Type = OrderType.Limit,
        Quantity = quantity,
        LimitPrice = price,
    };

    private static readonly string ServerTimeJson = $"{{\"serverTime\":{Start.AddSeconds(3).ToUnixTimeMilliseconds()}}}";

    /// <summary>Answers /api/v3/time with a server 3 s ahead; everything else with <paramref name="respond"/>.</summary>
    private (BinanceSpotRestClient Client, ScriptedHandler Handler) Client(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond,
        bool withKey = true)
    {
        var handler = new ScriptedHandler((request, ct) => request.RequestUri!.AbsolutePath == "/api/v3/time"
            ? Task.FromResult(ScriptedHandler.Json(HttpStatusCode.OK, ServerTimeJson))
            : respond(request, ct));
        var client = new BinanceSpotRestClient(new HttpClient(handler), _context, withKey ? _credentials : null, "acct-1");
        return (client, handler);
    }

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer(HttpStatusCode status, string body, params (string, string)[] headers) =>
        (_, _) => Task.FromResult(ScriptedHandler.Json(status, body, headers));

    private string ExpectedSignature(string unsignedQuery) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(_secret), Encoding.ASCII.GetBytes(unsignedQuery)));

    [Fact]
    public async Task Place_order_sends_a_signed_query_with_server_time_and_parses_the_full_response()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.OK, Encoding.UTF8.GetString(Samples.Bytes("spot-rest/order_new_response_FULL.json")),
            ("X-MBX-USED-WEIGHT-1M", "7"), ("X-MBX-ORDER-COUNT-10S", "3"), ("X-MBX-ORDER-COUNT-1D", "40")));

        var result = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-1"));

        Assert.True(result.Success, result.ToString());
        Assert.Equal(5, result.Value.Fills.Count);
        Assert.Single(handler.To("/api/v3/time"));
        var request = Assert.Single(handler.To("/api/v3/order"));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("test-key", request.Headers.GetValues("X-MBX-APIKEY").Single());
        var query = request.RequestUri!.Query.TrimStart('?');
        var timestamp = Start.AddSeconds(3).ToUnixTimeMilliseconds();
        var unsigned = $"symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=oms-1&newOrderRespType=FULL&recvWindow=5000&timestamp={timestamp}";
        Assert.Equal($"{unsigned}&signature={ExpectedSignature(unsigned)}", query);
        // Usage headers corrected the budget; the successful order's weight was refunded (2026 0-weight rule) before the header said 7.
        Assert.Equal(7, _budget.GetUsage(client.Scopes.Weight).Single().Used);
        Assert.Equal([3L, 40L], _budget.GetUsage(client.Scopes.Orders!.Value).Select(u => u.Used));
    }

    [Fact]
    public async Task Insufficient_balance_says_what_failed_for_which_order()
    {
        var (client, _) = Client(Answer(HttpStatusCode.BadRequest, "{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested action.\"}"));

        var result = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-2"));

        Assert.Equal(VenueErrorKind.InsufficientBalance, result.ErrorKind);
        Assert.True(result.Error!.OutcomeKnown);
        Assert.False(result.Error.RetrySafe);
        Assert.Equal(400, result.Error.HttpStatus);
        Assert.Equal("failed to place order oms-2 on Binance spot: -2010 Account has insufficient balance for requested action.", result.Error.Message);
    }

    [Fact]
    public async Task Timeout_of_a_placement_is_an_unknown_outcome_never_a_rejection()
    {
        var (client, handler) = Client(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });

        var pending = client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-3")).AsTask();
        await WaitForOrderRequest(handler);
        _time.Advance(_options.RestTimeout);
        var result = await pending;

        Assert.Equal(VenueErrorKind.UnknownOutcome, result.ErrorKind);
        Assert.False(result.Error!.OutcomeKnown);
        Assert.Contains("oms-3", result.Error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForOrderRequest(ScriptedHandler handler)
    {
        for (var i = 0; i < 500 && !handler.To("/api/v3/order").Any(); i++) await Task.Delay(10);
        Assert.NotEmpty(handler.To("/api/v3/order"));
    }

    [Fact]
    public async Task Connection_refused_means_nothing_was_sent_and_a_retry_is_safe()
    {
        var (client, _) = Client((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        var result = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-4"));

        Assert.Equal(VenueErrorKind.Network, result.ErrorKind);
        Assert.False(result.Error!.Sent);
        Assert.True(result.Error.RetrySafe);
    }

    [Fact]
    public async Task Connection_dropped_after_sending_is_an_unknown_outcome()
    {
        var (client, _) = Client((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));

        var result = await client.CancelOrderAsync(BtcUsdt, new ClientOrderId("oms-5"));

        Assert.Equal(VenueErrorKind.UnknownOutcome, result.ErrorKind);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "{\"code\":-1000,\"msg\":\"An unknown error occurred\"}")]
    [InlineData(HttpStatusCode.BadRequest, "{\"code\":-1007,\"msg\":\"Timeout waiting for response from backend server. Send status unknown; execution status unknown.\"}")]
    public async Task Server_errors_and_backend_timeouts_on_trading_calls_are_unknown_outcomes(HttpStatusCode status, string body)
    {
        var (client, _) = Client(Answer(status, body));

        var result = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-6"));

        Assert.Equal(VenueErrorKind.UnknownOutcome, result.ErrorKind);
    }

    [Fact]
    public async Task Server_error_on_a_query_is_a_retry_safe_network_error()
    {
        var (client, _) = Client(Answer(HttpStatusCode.BadGateway, ""));

        var result = await client.QueryOrderAsync(BtcUsdt, new ClientOrderId("oms-7"));

        Assert.Equal(VenueErrorKind.Network, result.ErrorKind);
        Assert.True(result.Error!.RetrySafe);
    }

    [Fact]
    public async Task Http_429_freezes_the_weight_scope_until_retry_after_and_nothing_more_is_sent()
    {
        var (client, handler) = Client(Answer((HttpStatusCode)429, "{\"code\":-1003,\"msg\":\"Too much request weight used\"}", ("Retry-After", "30")));

        var first = await client.GetOpenOrdersAsync(BtcUsdt);
        var second = await client.CancelOrderAsync(BtcUsdt, new ClientOrderId("oms-8"));

        Assert.Equal(VenueErrorKind.RateLimited, first.ErrorKind);
        Assert.Equal(Start.AddSeconds(30), first.Error!.RetryAt);
        Assert.Equal(VenueErrorKind.RateLimited, second.ErrorKind);
        Assert.False(second.Error!.Sent);
        Assert.Empty(handler.To("/api/v3/order"));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_budget.TryAcquire(client.Scopes.Weight, 1, RatePriority.Normal).Granted);
    }

    [Fact]
    public async Task Http_429_for_orders_freezes_the_account_order_count_but_not_queries()
    {
        var calls = 0;
        var (client, _) = Client((request, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? ScriptedHandler.Json((HttpStatusCode)429, "{\"code\":-1015,\"msg\":\"Too many new orders; current limit is 50 orders per 10 SECOND.\"}", ("Retry-After", "10"))
            : ScriptedHandler.Json(HttpStatusCode.OK, "[]")));

        var placed = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-9"));
        var again = await client.PlaceOrderAsync(Limit(), new ClientOrderId("oms-10"));
        var query = await client.GetOpenOrdersAsync(BtcUsdt);

        Assert.Equal(VenueErrorKind.RateLimited, placed.ErrorKind);
        Assert.Equal(VenueErrorKind.RateLimited, again.ErrorKind);
        Assert.False(again.Error!.Sent);
        Assert.True(query.Success, query.ToString());
    }

    [Fact]
    public async Task Http_418_bans_every_ip_scope()
    {
        var (client, _) = Client(Answer((HttpStatusCode)418, "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until 1659146400000.\"}", ("Retry-After", "120")));

        var result = await client.GetAccountAsync();

        Assert.Equal(VenueErrorKind.IpBanned, result.ErrorKind);
        Assert.Equal(Start.AddMinutes(2), result.Error!.RetryAt);
        Assert.Equal(RateDenial.Frozen, _budget.TryAcquire(client.Scopes.ConnectionAttempts, 1, RatePriority.RiskReducing).Denial);
        Assert.Equal(RateDenial.Frozen, _budget.TryAcquire(client.Scopes.RawRequests, 1, RatePriority.RiskReducing).Denial);
    }

    [Fact]
    public async Task Invalid_timestamp_invalidates_the_clock_so_the_next_call_resyncs()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.BadRequest, "{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the recvWindow.\"}"));

        var result = await client.GetAccountAsync();
        await client.GetAccountAsync();

        Assert.Equal(VenueErrorKind.InvalidTimestamp, result.ErrorKind);
        Assert.True(result.Error!.RetrySafe);
        Assert.Equal(2, handler.To("/api/v3/time").Count());
    }

    [Fact]
    public async Task Exhausted_local_budget_sends_nothing()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.OK, "{}"));
        _budget.ObserveUsage(client.Scopes.Weight, TimeSpan.FromMinutes(1), 6000);

        var result = await client.GetExchangeInfoAsync();

        Assert.Equal(VenueErrorKind.RateLimited, result.ErrorKind);
        Assert.False(result.Error!.Sent);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Signed_call_without_a_key_is_refused_locally()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.OK, "{}"), withKey: false);

        var result = await client.GetAccountAsync();

        Assert.Equal(VenueErrorKind.Unauthorized, result.ErrorKind);
        Assert.False(result.Error!.Sent);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Unmappable_order_is_refused_before_sending()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.OK, "{}"));

        var result = await client.PlaceOrderAsync(Limit() with { TimeInForce = TimeInForce.Gtx }, new ClientOrderId("oms-11"));

        Assert.Equal(VenueErrorKind.InvalidRequest, result.ErrorKind);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Cancel_replace_partial_failure_409_returns_both_legs()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.Conflict, Encoding.UTF8.GetString(Samples.Bytes("spot-rest/cancelReplace_error_new_order_failed.json"))));

        var result = await client.CancelReplaceAsync(new ClientOrderId("old-1"), Limit(), new ClientOrderId("new-1"));

        Assert.True(result.Success, result.ToString());
        Assert.Equal(CancelReplaceLegResult.Success, result.Value.CancelResult);
        Assert.Equal(VenueErrorKind.Rejected, result.Value.NewOrderError!.Kind);
        Assert.Equal(-2010, result.Value.NewOrderError.Code);
        var query = HttpUtility.ParseQueryString(Assert.Single(handler.To("/api/v3/order/cancelReplace")).RequestUri!.Query);
        Assert.Equal("STOP_ON_FAILURE", query["cancelReplaceMode"]);
        Assert.Equal("old-1", query["cancelOrigClientOrderId"]);
        Assert.Equal("new-1", query["newClientOrderId"]);
    }

    [Fact]
    public async Task Exchange_info_is_public_and_its_limits_reach_the_budget()
    {
        var json = """{"serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],"symbols":[]}""";
        var (client, handler) = Client(Answer(HttpStatusCode.OK, json));

        var result = await client.GetExchangeInfoAsync([BtcUsdt, new InstrumentId(Venue.Binance, MarketType.Spot, "ETHBTC")]);

        Assert.True(result.Success, result.ToString());
        var request = Assert.Single(handler.Requests);
        Assert.False(request.Headers.Contains("X-MBX-APIKEY"));
        Assert.Equal("?symbols=%5B%22BTCUSDT%22%2C%22ETHBTC%22%5D", request.RequestUri!.Query);
        Assert.Equal(1200, _budget.GetUsage(client.Scopes.Weight).Single().Limit);
    }

    [Fact]
    public async Task Query_order_by_client_id_and_unknown_order()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.BadRequest, "{\"code\":-2013,\"msg\":\"Order does not exist.\"}"));

        var result = await client.QueryOrderAsync(BtcUsdt, new ClientOrderId("oms-12"));

        Assert.Equal(VenueErrorKind.UnknownOrder, result.ErrorKind);
        var request = Assert.Single(handler.To("/api/v3/order"));
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.StartsWith("?symbol=BTCUSDT&origClientOrderId=oms-12&recvWindow=5000&timestamp=", request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_trades_pages_from_a_trade_id()
    {
        var (client, handler) = Client(Answer(HttpStatusCode.OK, Encoding.UTF8.GetString(Samples.Bytes("spot-rest/myTrades_response.json"))));

        var result = await client.GetMyTradesAsync(new InstrumentId(Venue.Binance, MarketType.Spot, "BNBBTC"),
            new Dictionary<long, ClientOrderId> { [100234] = new("oms-13") }, fromId: 28000, limit: 500);

        Assert.Equal("28457", Assert.Single(result.Value).Fill.TradeId.Value);
        Assert.StartsWith("?symbol=BNBBTC&fromId=28000&limit=500&", Assert.Single(handler.To("/api/v3/myTrades")).RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oco_and_test_order_and_all_orders_hit_their_paths()
    {
        var (client, handler) = Client((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath switch
        {
            "/api/v3/orderList/oco" => ScriptedHandler.Json(HttpStatusCode.OK, Samples.Bytes("spot-rest/orderList_oco_response_RESULT.json")),
            "/api/v3/order/test" => ScriptedHandler.Json(HttpStatusCode.OK, "{}"),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, Samples.Bytes("spot-rest/allOrders_response.json")),
        }));
        var oco = new SpotOcoRequest
        {
            Instrument = BtcUsdt,
            Side = OrderSide.Sell,
            Quantity = 5m,
            Above = new SpotOcoLeg { Type = OrderType.LimitMaker, ClientOrderId = new("a-1"), Price = 3m },
            Below = new SpotOcoLeg { Type = OrderType.StopLimit, ClientOrderId = new("b-1"), Price = 1m, StopPrice = 1m },
        };

        var list = await client.PlaceOcoAsync(oco);
        var test = await client.TestOrderAsync(Limit(), new ClientOrderId("oms-14"));
        var all = await client.GetAllOrdersAsync(BtcUsdt, startTime: Start.AddHours(-1), endTime: Start);

        Assert.Equal(2, list.Value.OrderReports.Count);
        Assert.True(test.Value);
        Assert.Single(all.Value);
        Assert.Equal(3, handler.Requests.Count(r => r.RequestUri!.AbsolutePath != "/api/v3/time"));
        Assert.Contains($"startTime={Start.AddHours(-1).ToUnixTimeMilliseconds()}&endTime={Start.ToUnixTimeMilliseconds()}",
            Assert.Single(handler.To("/api/v3/allOrders")).RequestUri!.Query, StringComparison.Ordinal);
    }
}
