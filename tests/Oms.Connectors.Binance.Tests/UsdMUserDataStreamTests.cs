using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Tests.Support;
using Oms.Connectors.Binance.UserData;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

/// <summary>The USD-M listenKey lifecycle and the routed private stream against an in-test Kestrel (REST + WebSocket), on a fake clock.</summary>
public sealed class UsdMUserDataStreamTests : IAsyncLifetime
{
    private static readonly AccountId Account = new("acct-uds");
    private static readonly DateTimeOffset Start0 = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ObservedFakeTime _time = new(Start0);
    private readonly BinanceMetrics _metrics = new();
    private readonly ConcurrentQueue<(string Method, DateTimeOffset At, string? ApiKey, string Query)> _listenKeyCalls = new();
    private readonly ConcurrentQueue<PoolActivityRecord> _activity = new();
    private readonly Recorder _listener = new();
    private readonly BinanceCredentials _credentials = BinanceCredentials.Hmac("uds-key", "uds-secret-" + Guid.NewGuid().ToString("N"));
    private FakeStreamServer _server = null!;
    private BinanceUsdMUserDataStream? _stream;
    private int _keyNumber = 1;
    private volatile bool _keyExpired;

    public async Task InitializeAsync()
    {
        _server = await FakeStreamServer.StartAsync();
        _server.MapRest("POST", "/fapi/v1/listenKey", context => ListenKeyAsync(context, "POST"));
        _server.MapRest("PUT", "/fapi/v1/listenKey", context => ListenKeyAsync(context, "PUT"));
        _server.MapRest("DELETE", "/fapi/v1/listenKey", context => ListenKeyAsync(context, "DELETE"));
    }

    public async Task DisposeAsync()
    {
        if (_stream is not null) await _stream.DisposeAsync();
        await _server.DisposeAsync();
        _metrics.Dispose();
        _credentials.Dispose();
    }

    private string CurrentKey => $"key-{Volatile.Read(ref _keyNumber)}";

    private Task ListenKeyAsync(HttpContext context, string method)
    {
        _listenKeyCalls.Enqueue((method, _time.GetUtcNow(), context.Request.Headers["X-MBX-APIKEY"].ToString(), context.Request.QueryString.Value ?? ""));
        switch (method)
        {
            case "POST":
                if (_keyExpired)
                {
                    Interlocked.Increment(ref _keyNumber);
                    _keyExpired = false;
                }
                return FakeStreamServer.WriteJsonAsync(context, 200, $"{{\"listenKey\":\"{CurrentKey}\"}}");
            case "PUT":
                return _keyExpired
                    ? FakeStreamServer.WriteJsonAsync(context, 400, "{\"code\":-1125,\"msg\":\"This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`\"}")
                    : FakeStreamServer.WriteJsonAsync(context, 200, $"{{\"listenKey\":\"{CurrentKey}\"}}");
            default:
                return FakeStreamServer.WriteJsonAsync(context, 200, "{}");
        }
    }

    private BinanceUsdMUserDataStream Start(Action<BinanceOptions>? configure = null)
    {
        var options = new BinanceOptions
        {
            UsdMRestBaseAddress = _server.HttpRoot,
            UsdMStreamAddress = _server.WsRoot,
            MaxRateBudgetWait = TimeSpan.Zero,
            ListenKeyKeepAliveInterval = TimeSpan.FromMinutes(30),
        };
        configure?.Invoke(options);
        var context = new BinanceApiContext(BinanceApi.UsdM, options, BinanceApiContext.CreateLocalBudget(BinanceApi.UsdM, options, _time), _metrics, _time);
        var rest = new BinanceUsdMRestClient(new HttpClient(), context, _credentials, Account.Value);
        _stream = new BinanceUsdMUserDataStream(context, rest, Account, _listener, new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, () => 1.0));
        _stream.Activity += _activity.Enqueue;
        _stream.Start();
        return _stream;
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), what);
    }

    /// <summary>
    /// Connection <paramref name="count"/> is open and reported active. With <paramref name="wakeAt"/>, also waits until the
    /// serving loop is parked on its timer for that fake time (the next keepalive or rotation), so that the test may move
    /// the clock: moving it while the loop is between reading the time and arming the timer would arm it from the moved time.
    /// </summary>
    private async Task<FakeStreamConnection> Connected(int count, DateTimeOffset? wakeAt = null)
    {
        var connection = await _server.WaitForConnectionAsync(count);
        await Eventually(() => _listener.Active.Count == count, $"the stream reported connection {count} active");
        if (wakeAt is { } due) await _time.WaitForTimerAsync(due, $"the loop of connection {count} waits for its next keepalive or rotation");
        return connection;
    }

    private int Calls(string method) => _listenKeyCalls.Count(c => c.Method == method);

    [Fact]
    public async Task Creates_a_listen_key_connects_the_private_route_and_delivers_parsed_events()
    {
        Start();
        var connection = await Connected(1);

        Assert.Equal("/private/ws", connection.Path);
        Assert.Equal("?listenKey=key-1", connection.Query);
        Assert.False(connection.Combined);
        var post = Assert.Single(_listenKeyCalls);
        Assert.Equal(("POST", "uds-key", ""), (post.Method, post.ApiKey, post.Query));
        Assert.Equal([false], _listener.Active);
        Assert.Equal("key-1", _stream!.ListenKey);

        await connection.SendAsync(Samples.Text("usdm-user-data/ORDER_TRADE_UPDATE.json"));
        await connection.SendAsync(Samples.Text("usdm-user-data/ACCOUNT_UPDATE.json"));
        await connection.SendAsync(Samples.Text("usdm-user-data/ALGO_UPDATE.json"));
        await connection.SendAsync("{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":1,\"T\":1,\"o\":{\"s\":\"BTCUSDT\",\"x\":\"WHAT\"}}");
        await connection.SendAsync(Samples.Text("usdm-user-data/MARGIN_CALL.json"));
        await Eventually(() => _listener.Messages.Count == 4, "the well-formed events arrived");

        Assert.Equal([UsdMUserDataEventType.OrderTradeUpdate, UsdMUserDataEventType.AccountUpdate, UsdMUserDataEventType.AlgoUpdate, UsdMUserDataEventType.MarginCall],
            _listener.Messages.Select(m => m.Type));
        Assert.Equal([typeof(VenueOrderUpdate), typeof(VenueBalanceUpdate), typeof(VenuePositionUpdate), typeof(VenueOrderUpdate), typeof(VenueMarginCall)],
            _listener.Events.Select(e => e.GetType()));
        Assert.All(_listener.Events, e => Assert.Equal(Account, e.Account));
        Assert.Equal(1, _stream.MalformedEvents);
    }

    [Fact]
    public async Task Keepalive_extends_the_key_every_interval()
    {
        var start = _time.GetUtcNow();
        Start();
        await Connected(1, wakeAt: start.AddMinutes(30));

        _time.Advance(TimeSpan.FromMinutes(30));
        await Eventually(() => Calls("PUT") == 1, "the first keepalive");
        // The next keepalive is scheduled from the answered one, not from when the test moves the clock.
        await _time.WaitForTimerAsync(start.AddMinutes(60), "the loop waits for the second keepalive");
        _time.Advance(TimeSpan.FromMinutes(29));
        // Give a premature keepalive the chance to show.
        await Task.Delay(100);
        Assert.Equal(1, Calls("PUT"));
        Assert.Contains(start.AddMinutes(60), _time.ArmedDueTimes);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually(() => Calls("PUT") == 2, "the second keepalive");

        var puts = _listenKeyCalls.Where(c => c.Method == "PUT").ToArray();
        Assert.Equal([start.AddMinutes(30), start.AddMinutes(60)], puts.Select(p => p.At));
        Assert.All(puts, p => Assert.Equal(("uds-key", ""), (p.ApiKey, p.Query)));
        Assert.Single(_server.Connections);
        Assert.Equal([false], _listener.Active);
    }

    [Fact]
    public async Task A_failed_keepalive_moves_to_a_new_key_and_connection_and_reports_a_possible_gap()
    {
        Start(o => o.ListenKeyKeepAliveInterval = TimeSpan.FromMinutes(10));
        var first = await Connected(1, wakeAt: Start0.AddMinutes(10));
        _keyExpired = true;

        _time.Advance(TimeSpan.FromMinutes(10));
        var second = await Connected(2);

        Assert.Equal("?listenKey=key-2", second.Query);
        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["POST", "PUT", "POST"], _listenKeyCalls.Select(c => c.Method));
        Assert.Equal([false, true], _listener.Active);
        Assert.Contains("-1125", Assert.Single(_listener.Lost), StringComparison.Ordinal);
        Assert.Equal("key-2", _stream!.ListenKey);
    }

    [Fact]
    public async Task Listen_key_expired_event_moves_to_a_new_key_and_reports_a_possible_gap()
    {
        Start();
        var first = await Connected(1);
        _keyExpired = true;

        await first.SendAsync(Samples.Text("usdm-user-data/listenKeyExpired.json").Replace("WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv", "key-1",
            StringComparison.Ordinal));
        var second = await Connected(2);

        Assert.Equal("?listenKey=key-2", second.Query);
        Assert.Equal([false, true], _listener.Active);
        Assert.Equal("listenKeyExpired", Assert.Single(_listener.Lost));
        Assert.Contains(_listener.Messages, m => m.Type == UsdMUserDataEventType.ListenKeyExpired);
        Assert.Equal(2, Calls("POST"));
    }

    [Fact]
    public async Task A_dropped_connection_comes_back_after_backoff_on_the_same_key_with_a_possible_gap()
    {
        Start();
        var first = await Connected(1);

        first.Drop();
        await Eventually(() => _activity.Any(a => a.Activity == PoolActivity.ReconnectScheduled), "a reconnect was scheduled");
        Assert.Equal(TimeSpan.FromSeconds(1), _activity.First(a => a.Activity == PoolActivity.ReconnectScheduled).Delay);
        Assert.Single(_listener.Lost);
        await _time.WaitForTimerAsync(Start0.AddSeconds(1), "the reconnect waits out its backoff");
        Assert.Single(_server.Connections);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await Connected(2);

        Assert.Equal("?listenKey=key-1", second.Query);
        Assert.Equal([false, true], _listener.Active);
        Assert.Equal(1, Calls("POST"));
    }

    [Fact]
    public async Task Server_shutdown_rotates_make_before_break_without_a_gap()
    {
        Start();
        var first = await Connected(1);

        await first.SendAsync("{\"e\":\"serverShutdown\",\"E\":1770123456789}");
        var second = await Connected(2);
        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("?listenKey=key-1", second.Query);
        Assert.Equal([false, false], _listener.Active);
        Assert.Empty(_listener.Lost);
        await second.SendAsync(Samples.Text("usdm-user-data/ACCOUNT_CONFIG_UPDATE_leverage.json"));
        await Eventually(() => _listener.Events.OfType<VenueAccountConfigUpdate>().Any(), "the new connection delivers");
    }

    [Fact]
    public async Task The_connection_is_rotated_before_the_24_hour_cut_and_keepalives_continue()
    {
        Start(o => o.SessionMaxLifetime = TimeSpan.FromHours(23));
        var first = await Connected(1, wakeAt: Start0.AddMinutes(30));

        _time.Advance(TimeSpan.FromHours(23));
        await Connected(2);
        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([false, false], _listener.Active);
        Assert.Equal(1, Calls("PUT"));
        Assert.Equal(1, Calls("POST"));
    }

    [Fact]
    public async Task Disposing_closes_the_listen_key()
    {
        var stream = Start();
        await Connected(1);

        await stream.DisposeAsync();
        _stream = null;

        Assert.Equal(["POST", "DELETE"], _listenKeyCalls.Select(c => c.Method));
        await _server.Connections.Single().Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class Recorder : IUsdMUserDataListener
    {
        public ConcurrentQueue<VenueEvent> Events { get; } = new();
        public ConcurrentQueue<UsdMUserDataMessage> Messages { get; } = new();
        public List<bool> Active { get; } = [];
        public ConcurrentQueue<string> Lost { get; } = new();

        public void OnEvents(IReadOnlyList<VenueEvent> events, UsdMUserDataMessage message)
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
