namespace Oms.Connectors.Binance;

/// <summary>Which Binance API family a client talks to. Each family has its own hosts and its own rate limits.</summary>
public enum BinanceApi
{
    /// <summary>Spot: REST <c>/api/v3</c>, WebSocket API <c>/ws-api/v3</c>.</summary>
    Spot = 1,
    /// <summary>USDⓈ-M futures: REST <c>/fapi</c>, WebSocket API <c>/ws-fapi/v1</c>.</summary>
    UsdM = 2,
}

/// <summary>
/// Settings of the Binance clients, bound from configuration (section <see cref="SectionName"/>) and validated at
/// start-up with <see cref="Validate"/>. Holds no secrets: keys come from the secret store as <c>BinanceCredentials</c>.
/// </summary>
public sealed class BinanceOptions
{
    public const string SectionName = "Connectors:Binance";

    /// <summary>Spot REST base address (the client appends <c>/api/v3/...</c>).</summary>
    public Uri SpotRestBaseAddress { get; set; } = new("https://api.binance.com");

    /// <summary>Spot WebSocket API address, including the path.</summary>
    public Uri SpotWebSocketApiAddress { get; set; } = new("wss://ws-api.binance.com:443/ws-api/v3");

    /// <summary>USDⓈ-M REST base address (the client appends <c>/fapi/...</c>).</summary>
    public Uri UsdMRestBaseAddress { get; set; } = new("https://fapi.binance.com");

    /// <summary>USDⓈ-M WebSocket API address, including the path.</summary>
    public Uri UsdMWebSocketApiAddress { get; set; } = new("wss://ws-fapi.binance.com/ws-fapi/v1");

    /// <summary>Spot market streams root (the client appends <c>/stream?streams=…</c> or <c>/ws/&lt;stream&gt;</c>).</summary>
    public Uri SpotMarketStreamAddress { get; set; } = new("wss://stream.binance.com:9443");

    /// <summary>
    /// USDⓈ-M streams root. The client appends the routed paths (REFERENCE §5.9): <c>/public</c> (book ticker, depth),
    /// <c>/market</c> (trades, mark price, …) and <c>/private</c> (user data with a listenKey).
    /// </summary>
    public Uri UsdMStreamAddress { get; set; } = new("wss://fstream.binance.com");

    /// <summary>Most streams one market-data connection carries before another is opened (spot allows 1024, USD-M 200).</summary>
    public int MaxStreamsPerConnection { get; set; } = 200;

    /// <summary>Levels requested with the REST depth snapshot that starts a local order book (spot weight 50, USD-M weight 20 at 1000).</summary>
    public int DepthSnapshotLimit { get; set; } = 1000;

    /// <summary>How often the USDⓈ-M listenKey is extended (the venue expires it 60 min after the last keepalive).</summary>
    public TimeSpan ListenKeyKeepAliveInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after its timestamp a signed request stays valid at the venue (Binance default 5 s, max 60 s).</summary>
    public TimeSpan RecvWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a REST call may take before its outcome is declared unknown.</summary>
    public TimeSpan RestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a WebSocket API request waits for its response before its outcome is declared unknown.</summary>
    public TimeSpan WebSocketRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening a WebSocket connection (handshake plus session logon) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of the client's own WebSocket keepalive pings (the venue pings every 20 s as well).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for the pong to a keepalive ping before the connection is considered dead.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions are rotated (a new one opened, the old one drained) after this long, before the venue's 24 h cut.</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(23);

    /// <summary>Most WebSocket API sessions the pool opens for one account at once.</summary>
    public int MaxSessionsPerAccount { get; set; } = 2;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the server time offset is refreshed.</summary>
    public TimeSpan TimeSyncInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Names the public IP the requests leave from. IP-scoped limits (request weight, raw requests, connection attempts)
    /// are shared by everything with the same name; silos behind one NAT must use the same name.
    /// </summary>
    public string IpScope { get; set; } = "default";

    /// <summary>Share of every rate window held back for cancels and reduce-only orders.</summary>
    public double PriorityReserveFraction { get; set; } = 0.1;

    /// <summary>Share of each venue limit the OMS allows itself (a safety margin against other users of the IP).</summary>
    public double UtilizationCap { get; set; } = 0.9;

    /// <summary>How long a call may wait for rate budget before it gives up without sending anything.</summary>
    public TimeSpan MaxRateBudgetWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Log on WebSocket sessions with <c>session.logon</c> when the account key is Ed25519.</summary>
    public bool UseSessionLogon { get; set; } = true;

    /// <summary>Returns every problem with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
        static bool IsWs(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == "ws" || uri.Scheme == "wss");
        if (!IsHttp(SpotRestBaseAddress)) errors.Add($"{nameof(SpotRestBaseAddress)} '{SpotRestBaseAddress}' must be an absolute http(s) address");
        if (!IsHttp(UsdMRestBaseAddress)) errors.Add($"{nameof(UsdMRestBaseAddress)} '{UsdMRestBaseAddress}' must be an absolute http(s) address");
        if (!IsWs(SpotWebSocketApiAddress)) errors.Add($"{nameof(SpotWebSocketApiAddress)} '{SpotWebSocketApiAddress}' must be an absolute ws(s) address");
        if (!IsWs(UsdMWebSocketApiAddress)) errors.Add($"{nameof(UsdMWebSocketApiAddress)} '{UsdMWebSocketApiAddress}' must be an absolute ws(s) address");
        if (!IsWs(SpotMarketStreamAddress)) errors.Add($"{nameof(SpotMarketStreamAddress)} '{SpotMarketStreamAddress}' must be an absolute ws(s) address");
        if (!IsWs(UsdMStreamAddress)) errors.Add($"{nameof(UsdMStreamAddress)} '{UsdMStreamAddress}' must be an absolute ws(s) address");
        if (MaxStreamsPerConnection is < 1 or > 1024) errors.Add($"{nameof(MaxStreamsPerConnection)} {MaxStreamsPerConnection} must be in [1, 1024]");
        if (DepthSnapshotLimit is < 5 or > 5000) errors.Add($"{nameof(DepthSnapshotLimit)} {DepthSnapshotLimit} must be in [5, 5000]");
        if (ListenKeyKeepAliveInterval <= TimeSpan.Zero || ListenKeyKeepAliveInterval >= TimeSpan.FromMinutes(60))
            errors.Add($"{nameof(ListenKeyKeepAliveInterval)} {ListenKeyKeepAliveInterval} must be positive and below the venue's 60 min listenKey validity");
        if (RecvWindow <= TimeSpan.Zero || RecvWindow > TimeSpan.FromSeconds(60))
            errors.Add($"{nameof(RecvWindow)} {RecvWindow} must be positive and at most 60 s (Binance maximum)");
        if (RecvWindow.Ticks % TimeSpan.TicksPerMillisecond != 0)
            errors.Add($"{nameof(RecvWindow)} {RecvWindow} must be a whole number of milliseconds");
        Positive(errors, nameof(RestTimeout), RestTimeout);
        Positive(errors, nameof(WebSocketRequestTimeout), WebSocketRequestTimeout);
        Positive(errors, nameof(ConnectTimeout), ConnectTimeout);
        Positive(errors, nameof(KeepAliveInterval), KeepAliveInterval);
        Positive(errors, nameof(KeepAliveTimeout), KeepAliveTimeout);
        Positive(errors, nameof(ReconnectBaseDelay), ReconnectBaseDelay);
        Positive(errors, nameof(TimeSyncInterval), TimeSyncInterval);
        if (SessionMaxLifetime <= TimeSpan.Zero || SessionMaxLifetime >= TimeSpan.FromHours(24))
            errors.Add($"{nameof(SessionMaxLifetime)} {SessionMaxLifetime} must be positive and below the venue's 24 h limit");
        if (ReconnectMaxDelay < ReconnectBaseDelay)
            errors.Add($"{nameof(ReconnectMaxDelay)} {ReconnectMaxDelay} must not be below {nameof(ReconnectBaseDelay)} {ReconnectBaseDelay}");
        if (MaxSessionsPerAccount < 1) errors.Add($"{nameof(MaxSessionsPerAccount)} {MaxSessionsPerAccount} must be at least 1");
        if (string.IsNullOrWhiteSpace(IpScope)) errors.Add($"{nameof(IpScope)} must not be empty");
        if (PriorityReserveFraction is < 0 or >= 1) errors.Add($"{nameof(PriorityReserveFraction)} {PriorityReserveFraction} must be in [0, 1)");
        if (UtilizationCap is <= 0 or > 1) errors.Add($"{nameof(UtilizationCap)} {UtilizationCap} must be in (0, 1]");
        if (MaxRateBudgetWait < TimeSpan.Zero) errors.Add($"{nameof(MaxRateBudgetWait)} {MaxRateBudgetWait} must not be negative");
        return errors;
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{name} {value} must be positive");
    }
}
