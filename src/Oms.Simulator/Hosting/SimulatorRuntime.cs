using Microsoft.Extensions.Logging;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Admin;
using Oms.Simulator.Wire.Auth;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.Futures;
using Oms.Simulator.Wire.Operations;
using Oms.Simulator.Wire.RateLimits;
using Oms.Simulator.Wire.Spot;
using Oms.Simulator.Wire.Streams;
using Oms.Simulator.Wire.UserData;
using Oms.Simulator.Wire.WebSockets;
using Oms.Simulator.Wire.WsApi;

namespace Oms.Simulator.Hosting;

/// <summary>
/// Everything one running simulator consists of: the engine, both venues with their rate limiters and operation
/// catalogues, API keys, faults, the request log, user-data and market-stream hubs, listenKeys and open sockets.
/// </summary>
public sealed class SimulatorRuntime : IDisposable
{
    public SimulatorRuntime(SimulatorOptions options, SimExchange exchange, ILoggerFactory loggers)
    {
        Options = options;
        Exchange = exchange;
        Clock = exchange.TimeProvider;
        Loggers = loggers;
        ListenKeys = new ListenKeyStore(Clock, options.ListenKeyValidity);
        SpotVenue = new Venue(MarketKind.Spot, exchange, new VenueRateLimiter(options.SpotLimits.ToSettings()), options, Keys, RequestLog);
        FuturesVenue = new Venue(MarketKind.UsdM, exchange, new VenueRateLimiter(options.FuturesLimits.ToSettings()), options, Keys, RequestLog)
        {
            ListenKeys = ListenKeys,
        };
        SpotCatalog = SpotOperations.Build();
        FuturesCatalog = FuturesOperations.Build();
        UserData = new UserDataHub(exchange, SpotVenue.Format, Clock);
        MarketStreams = new MarketStreamHub(exchange, (market, symbol) => Venue(market).Format(symbol));
        ListenKeys.Expired += OnListenKeyExpired;
        Accounts = new SimulatorAccounts(this);
    }

    public SimulatorOptions Options { get; }

    public SimExchange Exchange { get; }

    public TimeProvider Clock { get; }

    public ILoggerFactory Loggers { get; }

    public ApiKeyRegistry Keys { get; } = new();

    public FaultInjector Faults { get; } = new();

    public RequestLog RequestLog { get; } = new();

    public ConnectionRegistry Connections { get; } = new();

    public ListenKeyStore ListenKeys { get; }

    public UserDataHub UserData { get; }

    public MarketStreamHub MarketStreams { get; }

    public Venue SpotVenue { get; }

    public Venue FuturesVenue { get; }

    public OperationCatalog SpotCatalog { get; }

    public OperationCatalog FuturesCatalog { get; }

    /// <summary>Account and API-key management (admin API, seeding).</summary>
    public SimulatorAccounts Accounts { get; }

    public Venue Venue(MarketKind market) => market == MarketKind.Spot ? SpotVenue : FuturesVenue;

    public OperationCatalog Catalog(MarketKind market) => market == MarketKind.Spot ? SpotCatalog : FuturesCatalog;

    /// <summary>Periodic work: engine clock, listenKey expiry, held (reordered) events, partial-depth snapshots.</summary>
    public void OnTimer()
    {
        Exchange.Tick();
        ListenKeys.ExpireDue();
        UserData.FlushHeld();
        MarketStreams.PumpPartialDepth();
    }

    /// <summary>Revokes an API key: removes it and answers any WS API session using it with 401 (session revoked).</summary>
    public bool RevokeKey(string apiKey)
    {
        if (!Keys.Remove(apiKey))
        {
            return false;
        }

        foreach (var connection in Connections.Snapshot().OfType<WsApiConnection>())
        {
            connection.RevokeKey(apiKey);
        }

        return true;
    }

    public void Dispose()
    {
        ListenKeys.Expired -= OnListenKeyExpired;
        UserData.Dispose();
        MarketStreams.Dispose();
    }

    private void OnListenKeyExpired(string listenKey, string accountId)
    {
        foreach (var connection in Connections.Snapshot().OfType<StreamConnection>())
        {
            connection.OnListenKeyExpired(listenKey);
        }
    }
}
