using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

/// <summary>The WebSocket API client and its session pool against an in-test Kestrel endpoint on loopback.</summary>
public sealed class WsApiClientTests : IAsyncLifetime
{
    private static readonly InstrumentId BtcUsdt = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly AccountId Account = new("acct-ws");
    private readonly ObservedFakeTime _time = new(DateTimeOffset.UtcNow);
    private readonly BinanceMetrics _metrics = new();
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly Ed25519Signer _edKey = Ed25519Signer.Generate();
    private readonly List<IAsyncDisposable> _disposables = [];
    private FakeWsApiServer _server = null!;
    private LocalRateBudget _budget = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeWsApiServer.StartAsync(_secret, _edKey.PublicKey);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        await _server.DisposeAsync();
        _metrics.Dispose();
        _edKey.Dispose();
    }

    private (BinanceSpotWsApiClient Client, BinanceWsApiSessionPool Pool, BinanceApiContext Context) Create(bool ed25519 = false, int maxSessions = 2,
        ReconnectBackoff? backoff = null, Action<BinanceOptions>? configure = null)
    {
        var options = new BinanceOptions
        {
            SpotWebSocketApiAddress = _server.Address,
            MaxSessionsPerAccount = maxSessions,
            WebSocketRequestTimeout = TimeSpan.FromSeconds(5),
            MaxRateBudgetWait = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        _budget = BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, options, _time);
        var context = new BinanceApiContext(BinanceApi.Spot, options, _budget, _metrics, _time);
        var credentials = ed25519 ? new BinanceCredentials("ed-key", _edKey) : BinanceCredentials.Hmac("hmac-key", _secret);
        var pool = new BinanceWsApiSessionPool(context, options.SpotWebSocketApiAddress, credentials,
            Account.Value, backoff ?? new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, () => 1.0));
        _disposables.Add(pool);
        return (new BinanceSpotWsApiClient(context, pool), pool, context);
    }

    private static OrderSpec Limit(decimal price = 50000m) => new()
    {
        Instrument = BtcUsdt,
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Quantity = 0.01m,
        LimitPrice = price,
    };

    private static async Task<T> Within<T>(Task<T> task, int seconds = 10) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    private static async Task Within(Task task, int seconds = 10) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Waits until the request's timeout timer is armed, moves the clock to it and returns the request's result.</summary>
    private async Task<T> AfterTimeout<T>(Task<T> task, TimeSpan timeout)
    {
        await AdvanceWhenArmed(timeout, "the request's timeout");
        return await Within(task);
    }

    /// <summary>
    /// Moves the clock by <paramref name="delay"/> once a timer due then is armed: moving it while the code is between
    /// reading the time and arming its timer would arm it from the moved time, and the wake-up would never come.
    /// </summary>
    private async Task AdvanceWhenArmed(TimeSpan delay, string what)
    {
        await _time.WaitForTimerAsync(_time.GetUtcNow() + delay, what);
        _time.Advance(delay);
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), what);
    }

    [Fact]
    public async Task Hmac_order_place_is_signed_correlated_and_feeds_rate_limits_to_the_budget()
    {
        var (client, pool, _) = Create();
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var result = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-1"), SpotOrderResponseType.Result).AsTask());

        Assert.True(result.Success, result.ToString());
        Assert.Equal(new ClientOrderId("ws-1"), result.Value.ClientOrderId);
        Assert.Equal(OrderStatus.New, result.Value.Status);
        var request = _server.Requests.Single(r => r.Method == "order.place");
        Assert.True(_server.VerifySignature(request, out _));
        Assert.Equal("hmac-key", request.Params.GetProperty("apiKey").GetString());
        Assert.Equal("0.01", request.Params.GetProperty("quantity").GetString());
        Assert.Equal("RESULT", request.Params.GetProperty("newOrderRespType").GetString());
        Assert.Equal(5000, request.Params.GetProperty("recvWindow").GetInt64());
        Assert.Equal(321, _budget.GetUsage(pool.Scopes.Weight).Single().Used);
        Assert.Equal([12L, 4043L], _budget.GetUsage(pool.Scopes.Orders!.Value).Select(u => u.Used));
        var events = result.Value.ToEvents(Account, VenueEventSource.Response, _time.GetUtcNow());
        Assert.Equal(VenueOrderEventKind.Accepted, Assert.IsType<VenueOrderUpdate>(Assert.Single(events)).Kind);
    }

    [Fact]
    public async Task Ed25519_session_logs_on_then_signs_with_timestamp_only_and_subscribes_without_signature()
    {
        var (client, pool, context) = Create(ed25519: true);
        var listener = new RecordingListener();
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));
        await Within(pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener)));

        var result = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-2")).AsTask());

        Assert.True(result.Success, result.ToString());
        var logon = _server.Requests.Single(r => r.Method == "session.logon");
        Assert.True(_server.VerifySignature(logon, out _));
        Assert.Equal(["apiKey", "signature", "timestamp"], logon.Params.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var place = _server.Requests.Single(r => r.Method == "order.place");
        Assert.False(place.Params.TryGetProperty("signature", out _));
        Assert.False(place.Params.TryGetProperty("apiKey", out _));
        Assert.True(place.Params.TryGetProperty("timestamp", out _));
        Assert.Single(_server.Requests, r => r.Method == "userDataStream.subscribe");
        Assert.Equal([false], listener.Active);

        var connection = _server.Connections.Single();
        await connection.SendEventAsync(connection.SubscriptionId!.Value, Samples.Json("spot-user-data/executionReport_NEW.json").GetProperty("event").GetRawText());
        await connection.SendEventAsync(connection.SubscriptionId.Value + 100, Samples.Json("spot-user-data/balanceUpdate.json").GetProperty("event").GetRawText());
        await connection.SendEventAsync(connection.SubscriptionId.Value, Samples.Json("spot-user-data/outboundAccountPosition.json").GetProperty("event").GetRawText());
        await Eventually(() => listener.Events.Count == 2, "both events of our subscription arrived");

        Assert.Equal(VenueOrderEventKind.Accepted, Assert.IsType<VenueOrderUpdate>(listener.Events.First()).Kind);
        Assert.IsType<VenueBalanceUpdate>(listener.Events.Last());
        Assert.Equal(2, listener.Messages.Count);
    }

    [Fact]
    public async Task Hmac_user_data_uses_subscribe_signature()
    {
        var (_, pool, context) = Create();
        var listener = new RecordingListener();
        await Within(pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener)));
        pool.Start();

        await Eventually(() => listener.Active.Count == 1, "the stream became active");

        var subscribe = _server.Requests.Single(r => r.Method == "userDataStream.subscribe.signature");
        Assert.True(_server.VerifySignature(subscribe, out _));
        Assert.False(subscribe.Params.TryGetProperty("recvWindow", out _));
    }

    [Fact]
    public async Task Request_timeout_is_an_unknown_outcome_for_orders_and_a_network_error_for_queries()
    {
        var (client, pool, _) = Create();
        _server.On("order.place", _ => Task.CompletedTask);
        _server.On("order.status", _ => Task.CompletedTask);
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var place = await AfterTimeout(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-3")).AsTask(), TimeSpan.FromSeconds(5));
        var query = await AfterTimeout(client.QueryOrderAsync(BtcUsdt, new ClientOrderId("ws-3")).AsTask(), TimeSpan.FromSeconds(5));

        Assert.Equal(VenueErrorKind.UnknownOutcome, place.ErrorKind);
        Assert.False(place.Error!.OutcomeKnown);
        Assert.Contains("ws-3", place.Error.Message, StringComparison.Ordinal);
        Assert.Equal(VenueErrorKind.Network, query.ErrorKind);
        Assert.True(query.Error!.RetrySafe);
    }

    [Fact]
    public async Task Late_response_after_a_timeout_is_ignored_safely()
    {
        var (client, pool, _) = Create();
        var held = new TaskCompletionSource<FakeWsRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.On("order.place", request =>
        {
            held.TrySetResult(request);
            return Task.CompletedTask;
        });
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));
        var timedOut = await AfterTimeout(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-4")).AsTask(), TimeSpan.FromSeconds(5));

        var request = await Within(held.Task);
        await FakeWsApiServer.RespondAsync(request, FakeWsApiServer.OrderResult(request));
        _server.On("order.place", r => FakeWsApiServer.RespondAsync(r, FakeWsApiServer.OrderResult(r)));
        var next = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-5")).AsTask());

        Assert.Equal(VenueErrorKind.UnknownOutcome, timedOut.ErrorKind);
        Assert.True(next.Success, next.ToString());
        Assert.Equal(new ClientOrderId("ws-5"), next.Value.ClientOrderId);
    }

    [Fact]
    public async Task Dropped_socket_mid_request_is_an_unknown_outcome_and_the_pool_reconnects_after_backoff()
    {
        var activity = new ConcurrentQueue<PoolActivityRecord>();
        var (client, pool, _) = Create();
        pool.Activity += activity.Enqueue;
        _server.On("order.place", request =>
        {
            request.Connection.Drop();
            return Task.CompletedTask;
        });
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var result = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-6")).AsTask());

        Assert.Equal(VenueErrorKind.UnknownOutcome, result.ErrorKind);
        await Eventually(() => activity.Any(a => a.Activity == PoolActivity.ReconnectScheduled), "a reconnect was scheduled");
        var scheduled = activity.First(a => a.Activity == PoolActivity.ReconnectScheduled);
        Assert.Equal(1, scheduled.Attempt);
        Assert.Equal(TimeSpan.FromSeconds(1), scheduled.Delay);
        var offline = await Within(client.QueryOrderAsync(BtcUsdt, new ClientOrderId("ws-6")).AsTask());
        Assert.Equal(VenueErrorKind.Network, offline.ErrorKind);
        Assert.False(offline.Error!.Sent);

        await AdvanceWhenArmed(TimeSpan.FromSeconds(1), "the reconnect backoff");
        await _server.WaitForConnectionAsync(2);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));
        _server.On("order.place", r => FakeWsApiServer.RespondAsync(r, FakeWsApiServer.OrderResult(r)));
        var again = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-7")).AsTask());
        Assert.True(again.Success, again.ToString());
    }

    [Fact]
    public async Task Failed_connects_back_off_exponentially()
    {
        var activity = new ConcurrentQueue<PoolActivityRecord>();
        _server.RejectNextConnections(3);
        var (_, pool, _) = Create();
        pool.Activity += activity.Enqueue;
        pool.Start();

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await Eventually(() => activity.Count(a => a.Activity == PoolActivity.ReconnectScheduled) >= attempt, $"retry {attempt} was scheduled");
            var scheduled = activity.Where(a => a.Activity == PoolActivity.ReconnectScheduled).ElementAt(attempt - 1);
            delays.Add(scheduled.Delay);
            await AdvanceWhenArmed(scheduled.Delay, $"the backoff before retry {attempt}");
        }
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], delays);
        Assert.Equal(3, activity.Count(a => a.Activity == PoolActivity.ConnectFailed));
        Assert.Equal(4, _server.ConnectionAttempts);
    }

    [Fact]
    public async Task Handshake_refused_with_429_freezes_connection_attempts_and_waits_for_retry_after()
    {
        var activity = new ConcurrentQueue<PoolActivityRecord>();
        _server.RejectNextConnections(1, status: 429, retryAfterSeconds: 30);
        var (_, pool, _) = Create();
        pool.Activity += activity.Enqueue;
        pool.Start();

        await Eventually(() => activity.Any(a => a.Activity == PoolActivity.ReconnectScheduled), "a retry was scheduled");

        var failed = activity.Single(a => a.Activity == PoolActivity.ConnectFailed);
        Assert.Contains("429", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), activity.Single(a => a.Activity == PoolActivity.ReconnectScheduled).Delay);
        Assert.Equal(RateDenial.Frozen, _budget.TryAcquire(pool.Scopes.ConnectionAttempts, 1, RatePriority.RiskReducing).Denial);
        await AdvanceWhenArmed(TimeSpan.FromSeconds(30), "the wait for the venue's Retry-After");
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Server_shutdown_rotates_make_before_break_within_the_bound_and_resubscribes_without_gap()
    {
        var (client, pool, context) = Create(maxSessions: 2);
        var listener = new RecordingListener();
        await pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener));
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Eventually(() => listener.Active.Count == 1, "first subscription");

        await first.SendServerShutdownAsync();
        var second = await _server.WaitForConnectionAsync(2);
        await Within(first.Closed.Task);
        await Eventually(() => listener.Active.Count == 2, "resubscribed on the new session");

        Assert.Equal([false, false], listener.Active);
        Assert.NotNull(second.SubscriptionId);
        Assert.True(_server.MaxConcurrentConnections <= 2);
        Assert.True(pool.MaxObservedSessions <= 2);
        var result = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-8")).AsTask());
        Assert.True(result.Success, result.ToString());
        Assert.Equal(second, _server.Requests.Single(r => r.Method == "order.place").Connection);
    }

    [Fact]
    public async Task Sessions_rotate_before_the_24_hour_cut()
    {
        var (_, pool, context) = Create(configure: o => o.SessionMaxLifetime = TimeSpan.FromHours(23));
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        await AdvanceWhenArmed(TimeSpan.FromHours(23), "the session's lifetime");

        await _server.WaitForConnectionAsync(2);
        await Within(first.Closed.Task);
        Assert.Equal(1, pool.OpenSessionCount);
        Assert.True(_server.MaxConcurrentConnections <= context.Options.MaxSessionsPerAccount);
    }

    [Fact]
    public async Task With_one_connection_allowed_rotation_closes_first_and_never_exceeds_the_bound()
    {
        var (_, pool, _) = Create(maxSessions: 1);
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        await first.SendServerShutdownAsync();
        await _server.WaitForConnectionAsync(2);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        Assert.Equal(1, _server.MaxConcurrentConnections);
        Assert.Equal(1, pool.MaxObservedSessions);
    }

    [Fact]
    public async Task With_one_connection_allowed_rotation_connects_again_only_after_the_venue_answered_the_close()
    {
        // A slow venue: the close answer comes late. Sending the close frame and dropping the socket is not enough; until
        // the venue answers, it may still count the old connection.
        _server.CloseAnswerDelay = TimeSpan.FromMilliseconds(500);
        var (_, pool, _) = Create(maxSessions: 1);
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        await first.SendServerShutdownAsync();
        var second = await _server.WaitForConnectionAsync(2);
        await Within(first.Closed.Task);
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        Assert.NotEqual(0, first.CloseAnsweredStep);
        Assert.True(second.AcceptedStep > first.CloseAnsweredStep,
            $"connection 2 was accepted at step {second.AcceptedStep}, before the close of connection 1 was answered at step {first.CloseAnsweredStep}");
        Assert.Equal(1, _server.MaxConcurrentConnections);
        Assert.Equal(1, pool.MaxObservedSessions);
    }

    [Fact]
    public async Task Pool_fills_its_slots_up_to_the_limit_minus_the_rotation_spare()
    {
        var (client, pool, _) = Create(maxSessions: 3);
        pool.Start();

        await _server.WaitForConnectionAsync(2);
        await Eventually(() => pool.OpenSessionCount == 2, "two sessions open");
        var results = await Within(Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.PlaceOrderAsync(Limit(), new ClientOrderId($"ws-p{i}")).AsTask())));

        Assert.All(results, r => Assert.True(r.Success, r.ToString()));
        Assert.Equal(2, _server.Connections.Count);
        Assert.True(_server.MaxConcurrentConnections <= 3);
    }

    [Fact]
    public async Task Http_429_on_the_socket_freezes_the_budget_until_the_venue_retry_after()
    {
        var (client, pool, _) = Create();
        var retryAfter = _time.GetUtcNow().AddSeconds(40).ToUnixTimeMilliseconds();
        _server.On("order.place", r => FakeWsApiServer.ErrorAsync(r, 429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
            $"{{\"serverTime\":1,\"retryAfter\":{retryAfter}}}"));
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var limited = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-9")).AsTask());
        var blocked = await Within(client.GetAccountAsync().AsTask());

        Assert.Equal(VenueErrorKind.RateLimited, limited.ErrorKind);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(retryAfter), limited.Error!.RetryAt);
        Assert.Equal(VenueErrorKind.RateLimited, blocked.ErrorKind);
        Assert.False(blocked.Error!.Sent);
        Assert.DoesNotContain(_server.Requests, r => r.Method == "account.status");
    }

    [Fact]
    public async Task Venue_errors_on_the_socket_are_classified_with_context()
    {
        var (client, pool, _) = Create();
        _server.On("order.place", r => FakeWsApiServer.ErrorAsync(r, 400, -2010, "Account has insufficient balance for requested action."));
        _server.On("order.cancel", r => FakeWsApiServer.ErrorAsync(r, 400, -2011, "Unknown order sent."));
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var place = await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-10")).AsTask());
        var cancel = await Within(client.CancelOrderAsync(BtcUsdt, new ClientOrderId("ws-10")).AsTask());

        Assert.Equal("failed to place order ws-10 on Binance spot: -2010 Account has insufficient balance for requested action.", place.Error!.Message);
        Assert.Equal(VenueErrorKind.InsufficientBalance, place.ErrorKind);
        Assert.Equal(VenueErrorKind.UnknownOrder, cancel.ErrorKind);
    }

    [Fact]
    public async Task Cancel_replace_409_over_the_socket_returns_both_legs()
    {
        var (client, pool, _) = Create();
        var sample = Samples.Json("spot-ws-api/order_cancelReplace_error_409_new_failed.json");
        _server.On("order.cancelReplace", r => r.Connection.SendAsync(sample.GetRawText().Replace("\"b220edfe-f3c4-4a3a-9d13-b35473783a25\"", r.Id.GetRawText(), StringComparison.Ordinal)));
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        var result = await Within(client.CancelReplaceAsync(new ClientOrderId("old-1"), Limit(), new ClientOrderId("new-1")).AsTask());

        Assert.True(result.Success, result.ToString());
        Assert.Equal(CancelReplaceLegResult.Success, result.Value.CancelResult);
        Assert.Equal(VenueErrorKind.Rejected, result.Value.NewOrderError!.Kind);
        var request = _server.Requests.Single(r => r.Method == "order.cancelReplace");
        Assert.Equal("STOP_ON_FAILURE", request.Params.GetProperty("cancelReplaceMode").GetString());
    }

    [Fact]
    public async Task Calls_record_latency_and_errors_on_the_meter()
    {
        var measurements = new ConcurrentQueue<(string Instrument, object? Method)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BinanceMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, Tag(tags, "method"))));
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, Tag(tags, "method") ?? Tag(tags, "scope"))));
        listener.Start();
        var (client, pool, _) = Create();
        _server.On("order.cancel", r => FakeWsApiServer.ErrorAsync(r, 400, -2011, "Unknown order sent."));
        pool.Start();
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        await Within(client.PlaceOrderAsync(Limit(), new ClientOrderId("ws-11")).AsTask());
        await Within(client.CancelOrderAsync(BtcUsdt, new ClientOrderId("ws-11")).AsTask());

        Assert.Contains(("binance.call.duration", (object?)"order.place"), measurements);
        Assert.Contains(("binance.call.errors", (object?)"order.cancel"), measurements);
        Assert.Contains(measurements, m => m.Instrument == "binance.weight.used");
    }

    private static object? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name) return tag.Value;
        }
        return null;
    }

    [Fact]
    public async Task Dropped_stream_session_reports_the_loss_and_resubscribes_with_a_possible_gap()
    {
        var (_, pool, context) = Create();
        var listener = new RecordingListener();
        await pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener));
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Eventually(() => listener.Active.Count == 1, "first subscription");

        first.Drop();
        await Eventually(() => !listener.Lost.IsEmpty, "the loss was reported");
        await AdvanceWhenArmed(TimeSpan.FromSeconds(1), "the reconnect backoff");
        await _server.WaitForConnectionAsync(2);
        await Eventually(() => listener.Active.Count == 2, "resubscribed");

        Assert.Equal([false, true], listener.Active);
    }

    [Fact]
    public async Task Event_stream_terminated_moves_the_stream_to_a_new_session_and_flags_a_gap()
    {
        var (_, pool, context) = Create();
        var listener = new RecordingListener();
        await pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener));
        pool.Start();
        var first = await _server.WaitForConnectionAsync(1);
        await Eventually(() => listener.Active.Count == 1, "first subscription");

        await first.SendEventAsync(first.SubscriptionId!.Value, Samples.Json("spot-user-data/eventStreamTerminated.json").GetProperty("event").GetRawText());
        await _server.WaitForConnectionAsync(2);
        await Eventually(() => listener.Active.Count == 2, "resubscribed");

        Assert.Equal([false, true], listener.Active);
        Assert.Single(listener.Lost);
        Assert.Contains(listener.Messages, m => m.Type == SpotUserDataEventType.EventStreamTerminated);
    }

    [Fact]
    public async Task Unsubscribe_ends_the_subscription_and_drops_later_events()
    {
        var (_, pool, context) = Create();
        var listener = new RecordingListener();
        await pool.SubscribeUserDataAsync(new SpotUserDataDispatcher(context, Account, listener));
        pool.Start();
        var connection = await _server.WaitForConnectionAsync(1);
        await Eventually(() => listener.Active.Count == 1, "subscribed");
        var subscriptionId = connection.SubscriptionId!.Value;

        var result = await Within(pool.UnsubscribeUserDataAsync());
        await connection.SendEventAsync(subscriptionId, Samples.Json("spot-user-data/balanceUpdate.json").GetProperty("event").GetRawText());
        await Within(pool.WaitForOpenSessionAsync(CancellationToken.None));

        Assert.True(result.Value);
        var request = _server.Requests.Single(r => r.Method == "userDataStream.unsubscribe");
        Assert.Equal(subscriptionId, request.Params.GetProperty("subscriptionId").GetInt64());
        Assert.Empty(listener.Messages);
    }

    [Fact]
    public async Task Malformed_user_data_events_are_skipped_and_counted()
    {
        var (_, pool, context) = Create();
        var listener = new RecordingListener();
        var dispatcher = new SpotUserDataDispatcher(context, Account, listener);
        await pool.SubscribeUserDataAsync(dispatcher);
        pool.Start();
        var connection = await _server.WaitForConnectionAsync(1);
        await Eventually(() => listener.Active.Count == 1, "subscribed");

        await connection.SendEventAsync(connection.SubscriptionId!.Value, "{\"e\":\"executionReport\",\"E\":1,\"s\":\"BTCUSDT\",\"x\":\"WHAT\"}");
        await connection.SendEventAsync(connection.SubscriptionId.Value, Samples.Json("spot-user-data/outboundAccountPosition.json").GetProperty("event").GetRawText());
        await Eventually(() => listener.Messages.Count == 1, "the good event arrived");

        Assert.Equal(1, dispatcher.MalformedEvents);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_maximum_with_equal_jitter()
    {
        var low = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 0.0);
        var high = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 1.0);

        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(a => high.Delay(a).TotalSeconds));
        Assert.Equal([0.5, 1, 2, 4, 5, 5], Enumerable.Range(1, 6).Select(a => low.Delay(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(10), high.Ceiling(1000));
    }

    private sealed class RecordingListener : ISpotUserDataListener
    {
        public ConcurrentQueue<VenueEvent> Events { get; } = new();
        public ConcurrentQueue<SpotUserDataMessage> Messages { get; } = new();
        public List<bool> Active { get; } = [];
        public ConcurrentQueue<string> Lost { get; } = new();

        public void OnEvents(IReadOnlyList<VenueEvent> events, SpotUserDataMessage message)
        {
            foreach (var e in events) Events.Enqueue(e);
            Messages.Enqueue(message);
        }

        public void OnStreamActive(bool gapPossible)
        {
            lock (Active) Active.Add(gapPossible);
        }

        public void OnStreamLost(string reason) => Lost.Enqueue(reason);
    }
}
