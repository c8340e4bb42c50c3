using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

/// <summary>The USD-M WebSocket API client (<c>/ws-fapi/v1</c>) on the session pool against an in-test Kestrel endpoint.</summary>
public sealed class UsdMWsApiClientTests : IAsyncLifetime
{
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BinanceMetrics _metrics = new();
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly Ed25519Signer _edKey = Ed25519Signer.Generate();
    private readonly List<IAsyncDisposable> _disposables = [];
    private FakeWsApiServer _server = null!;
    private LocalRateBudget _budget = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeWsApiServer.StartAsync(_secret, _edKey.PublicKey, "/ws-fapi/v1");
        _server.RateLimitsJson = Samples.Json("usdm-ws-api/order_place_response.json").GetProperty("rateLimits").GetRawText();
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        await _server.DisposeAsync();
        _metrics.Dispose();
        _edKey.Dispose();
    }

    private (BinanceUsdMWsApiClient Client, BinanceWsApiSessionPool Pool) Create(bool ed25519 = false)
    {
        var options = new BinanceOptions
        {
            UsdMWebSocketApiAddress = _server.Address,
            WebSocketRequestTimeout = TimeSpan.FromSeconds(5),
            MaxRateBudgetWait = TimeSpan.Zero,
        };
        _budget = BinanceApiContext.CreateLocalBudget(BinanceApi.UsdM, options, _time);
        var context = new BinanceApiContext(BinanceApi.UsdM, options, _budget, _metrics, _time);
        var credentials = ed25519 ? new BinanceCredentials("ed-key", _edKey) : BinanceCredentials.Hmac("hmac-key", _secret);
        var pool = new BinanceWsApiSessionPool(context, options.UsdMWebSocketApiAddress, credentials, "acct-ws-usdm",
            new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, () => 1.0));
        _disposables.Add(pool);
        return (new BinanceUsdMWsApiClient(context, pool), pool);
    }

    /// <summary>Answers a method with a sample's <c>result</c> (and rate limits), under the request's id.</summary>
    private void AnswerWith(string method, string sample) =>
        _server.On(method, r => FakeWsApiServer.RespondAsync(r, Samples.Json(sample).GetProperty("result").GetRawText(), _server.RateLimitsJson));

    private static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(10));

    private static async Task Within(Task task) => await task.WaitAsync(TimeSpan.FromSeconds(10));

    private async Task<T> AdvanceUntil<T>(Task<T> task, TimeSpan step)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            _time.Advance(step);
            await Task.WhenAny(task, Task.Delay(20));
        }
        return await Within(task);
    }

    [Fact]
    public async Task Ed25519_session_logs_on_and_places_with_timestamp_only_and_futures_typed_params()
    {
        var (client, pool) = Create(ed25519: true);
        AnswerWith("order.place", "usdm-ws-api/order_place_response.json");
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var spec = new OrderSpec { Instrument = Btc, Side = OrderSide.Buy, Type = OrderType.Market, Quantity = 0.100m, ReduceOnly = true };
        var result = await Within(client.PlaceOrderAsync(spec, new ClientOrderId("ws-u1")).AsTask());

        Assert.True(result.Success, result.ToString());
        Assert.Equal(new VenueOrderId("336829446"), result.Value.VenueOrderId);
        var logon = _server.Requests.Single(r => r.Method == "session.logon");
        Assert.True(_server.VerifySignature(logon, out _));
        var place = _server.Requests.Single(r => r.Method == "order.place");
        Assert.False(place.Params.TryGetProperty("signature", out _));
        Assert.Equal(["newClientOrderId", "newOrderRespType", "positionSide", "quantity", "recvWindow", "reduceOnly", "side", "symbol", "timestamp", "type"],
            place.Params.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0.1", place.Params.GetProperty("quantity").GetString());
        Assert.Equal("true", place.Params.GetProperty("reduceOnly").GetString());
        Assert.Equal(JsonValueKind.Number, place.Params.GetProperty("timestamp").ValueKind);
        Assert.Equal("BOTH", place.Params.GetProperty("positionSide").GetString());
        // Handshake 5 + server time 1 + logon 2 + placement 0; the order counters hold the larger of ours and the venue's counts.
        Assert.Equal(8, _budget.GetUsage(pool.Scopes.Weight).Single().Used);
        Assert.Equal([1L, 1L], _budget.GetUsage(pool.Scopes.Orders!.Value).Select(u => u.Used));
        Assert.Equal("usdm:ip:default", pool.Scopes.Weight.Key);
    }

    [Fact]
    public async Task Hmac_modify_cancel_and_status_are_signed_over_sorted_params()
    {
        var (client, pool) = Create();
        AnswerWith("order.modify", "usdm-ws-api/order_modify_response.json");
        AnswerWith("order.cancel", "usdm-ws-api/order_cancel_response.json");
        AnswerWith("order.status", "usdm-ws-api/order_status_response.json");
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var modified = await Within(client.ModifyOrderAsync(Btc, new ClientOrderId("xGHfltUMExx0TbQstQQfRX"), new VenueOrderId("328971409"), OrderSide.Sell, 0.11m,
            43769.1m).AsTask());
        var cancelled = await Within(client.CancelOrderAsync(Btc, new ClientOrderId("myOrder1")).AsTask());
        var status = await Within(client.QueryOrderAsync(Btc, new ClientOrderId("abc")).AsTask());

        Assert.Equal(43769.10m, modified.Value.Price);
        Assert.Equal(OrderStatus.Canceled, cancelled.Value.Status);
        Assert.Equal(OrderStatus.New, status.Value.Status);
        var modify = _server.Requests.Single(r => r.Method == "order.modify");
        Assert.True(_server.VerifySignature(modify, out _));
        Assert.Equal(328971409, modify.Params.GetProperty("orderId").GetInt64());
        Assert.False(modify.Params.TryGetProperty("origClientOrderId", out _));
        Assert.Equal(("SELL", "0.11", "43769.1"), (modify.Params.GetProperty("side").GetString(), modify.Params.GetProperty("quantity").GetString(),
            modify.Params.GetProperty("price").GetString()));
        var cancel = _server.Requests.Single(r => r.Method == "order.cancel");
        Assert.True(_server.VerifySignature(cancel, out _));
        Assert.Equal("myOrder1", cancel.Params.GetProperty("origClientOrderId").GetString());
        Assert.True(_server.VerifySignature(_server.Requests.Single(r => r.Method == "order.status"), out _));
    }

    [Fact]
    public async Task Algo_orders_are_placed_and_cancelled_on_the_socket()
    {
        var (client, pool) = Create();
        AnswerWith("algoOrder.place", "usdm-ws-api/algoOrder_place_response.json");
        _server.On("algoOrder.cancel", r => FakeWsApiServer.RespondAsync(r, Samples.Text("usdm-rest/algoOrder_cancel_response.json")));
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var spec = new OrderSpec
        {
            Instrument = Btc,
            Side = OrderSide.Sell,
            Type = OrderType.TakeProfitLimit,
            Quantity = 1m,
            LimitPrice = 160000m,
            StopPrice = 120000m,
            PositionSide = PositionSide.Short,
        };
        var placed = await Within(client.PlaceAlgoOrderAsync(spec, new ClientOrderId("0Xkl1p621E4EryvufmYre1")).AsTask());
        var cancelled = await Within(client.CancelAlgoOrderAsync(Btc, new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"), UsdMOrderIds.Algo(2146760)).AsTask());

        Assert.Equal(AlgoOrderStatus.New, placed.Value.Status);
        Assert.Equal(new VenueOrderId("algo-3000000000003505"), placed.Value.VenueOrderId);
        Assert.Equal(2146760, cancelled.Value.AlgoId);
        var place = _server.Requests.Single(r => r.Method == "algoOrder.place");
        Assert.True(_server.VerifySignature(place, out _));
        Assert.Equal(("CONDITIONAL", "TAKE_PROFIT", "120000", "160000", "GTC", "CONTRACT_PRICE", "0Xkl1p621E4EryvufmYre1"),
            (place.Params.GetProperty("algoType").GetString(), place.Params.GetProperty("type").GetString(), place.Params.GetProperty("triggerPrice").GetString(),
                place.Params.GetProperty("price").GetString(), place.Params.GetProperty("timeInForce").GetString(), place.Params.GetProperty("workingType").GetString(),
                place.Params.GetProperty("clientAlgoId").GetString()));
        var cancel = _server.Requests.Single(r => r.Method == "algoOrder.cancel");
        Assert.Equal(2146760, cancel.Params.GetProperty("algoId").GetInt64());
    }

    [Fact]
    public async Task Futures_errors_on_the_socket_are_classified_and_a_timeout_is_an_unknown_outcome()
    {
        var (client, pool) = Create();
        _server.On("order.place", r => FakeWsApiServer.ErrorAsync(r, 400, -5022,
            "Due to the order could not be executed as maker, the Post Only order will be rejected."));
        _server.On("algoOrder.place", _ => Task.CompletedTask);
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var postOnly = await Within(client.PlaceOrderAsync(new OrderSpec
        {
            Instrument = Btc,
            Side = OrderSide.Buy,
            Type = OrderType.LimitMaker,
            Quantity = 0.01m,
            LimitPrice = 60000m,
        }, new ClientOrderId("ws-u2")).AsTask());
        var silent = await AdvanceUntil(client.PlaceAlgoOrderAsync(new OrderSpec
        {
            Instrument = Btc,
            Side = OrderSide.Sell,
            Type = OrderType.StopMarket,
            Quantity = 0.01m,
            StopPrice = 40000m,
        }, new ClientOrderId("ws-u3")).AsTask(), TimeSpan.FromSeconds(5));

        Assert.Equal(VenueErrorKind.Rejected, postOnly.ErrorKind);
        Assert.Equal("failed to place order ws-u2 on Binance USD-M: -5022 Due to the order could not be executed as maker, the Post Only order will be rejected.",
            postOnly.Error!.Message);
        Assert.Equal("GTX", _server.Requests.Single(r => r.Method == "order.place").Params.GetProperty("timeInForce").GetString());
        Assert.Equal(VenueErrorKind.UnknownOutcome, silent.ErrorKind);
        Assert.Contains("ws-u3", silent.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_socket_refuses_what_it_cannot_carry_before_sending()
    {
        var (client, pool) = Create();
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var conditional = await Within(client.PlaceOrderAsync(new OrderSpec
        {
            Instrument = Btc,
            Side = OrderSide.Sell,
            Type = OrderType.TrailingStopMarket,
            Quantity = 0.01m,
            TrailingPercent = 1m,
        }, new ClientOrderId("ws-u4")).AsTask());
        var algoQuery = await Within(client.QueryOrderAsync(Btc, new ClientOrderId("ws-u4"), UsdMOrderIds.Algo(9)).AsTask());

        Assert.Equal(VenueErrorKind.InvalidRequest, conditional.ErrorKind);
        Assert.Equal(VenueErrorKind.InvalidRequest, algoQuery.ErrorKind);
        Assert.DoesNotContain(_server.Requests, r => r.Method is "order.place" or "order.status");
    }

    [Fact]
    public async Task The_usdm_socket_offers_no_user_data_subscription()
    {
        var (_, pool) = Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.SubscribeUserDataAsync(new NoUserData()));

        Assert.Contains("listenKey", error.Message, StringComparison.Ordinal);
    }

    private sealed class NoUserData : IUserDataStreamHandler
    {
        public void OnEvent(ReadOnlySpan<byte> eventJson) => throw new InvalidOperationException("no user data is expected");

        public void OnSubscribed(long subscriptionId, bool gapPossible) => throw new InvalidOperationException("no subscription is expected");

        public void OnSubscriptionLost(string reason) => throw new InvalidOperationException("no subscription is expected");
    }
}
