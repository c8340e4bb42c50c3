using Oms.Simulator.Wire.RateLimits;

namespace Oms.Simulator.Hosting;

/// <summary>
/// Settings of the simulator's wire layer and host, bound from the <c>Simulator</c> configuration section.
/// Every protocol timer and limit is configurable so tests can shorten or lower them.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Listen address. Only loopback addresses are accepted.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>HTTP and WebSocket port (one port serves REST, WS API, streams and admin). 0 = dynamic.</summary>
    public int Port { get; set; } = 8090;

    /// <summary>Serve https:// and wss:// with a self-signed certificate generated at start.</summary>
    public bool UseTls { get; set; }

    /// <summary>Maximum life of any WebSocket connection (Binance: 24 h). A <c>serverShutdown</c> precedes the close.</summary>
    public TimeSpan MaxConnectionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Validity of a futures listenKey, extended by PUT (Binance: 60 minutes).</summary>
    public TimeSpan ListenKeyValidity { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Server ping interval on spot sockets (Binance: 20 s).</summary>
    public TimeSpan SpotPingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Disconnect a spot socket that has not answered a ping for this long (Binance: 1 min).</summary>
    public TimeSpan SpotPongTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Server ping interval on futures sockets (Binance: 3 min).</summary>
    public TimeSpan FuturesPingInterval { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Disconnect a futures socket that has not answered a ping for this long (Binance: 10 min).</summary>
    public TimeSpan FuturesPongTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Incoming messages per second allowed on a spot market stream connection (Binance: 5).</summary>
    public int SpotStreamMessagesPerSecond { get; set; } = 5;

    /// <summary>Incoming messages per second allowed on a futures stream connection (Binance: 10).</summary>
    public int FuturesStreamMessagesPerSecond { get; set; } = 10;

    /// <summary>How often the host drives the engine clock (liquidity steps, mark price, expiries) and stream pumps.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Default <c>recvWindow</c> in ms when none is sent (Binance: 5000).</summary>
    public int DefaultRecvWindowMs { get; set; } = 5000;

    /// <summary>Largest accepted <c>recvWindow</c> in ms (Binance: 60000).</summary>
    public int MaxRecvWindowMs { get; set; } = 60000;

    /// <summary>Spot limits (REQUEST_WEIGHT per IP, ORDERS per account, connection attempts, bans).</summary>
    public VenueLimitOptions SpotLimits { get; set; } = VenueLimitOptions.SpotDefaults();

    /// <summary>USDⓈ-M limits.</summary>
    public VenueLimitOptions FuturesLimits { get; set; } = VenueLimitOptions.FuturesDefaults();

    /// <summary>Accounts created at start (demo keys only; never real ones).</summary>
    public IList<DemoAccountOptions> Accounts { get; set; } = [];

    /// <summary>Generate one HMAC and one Ed25519 demo account when <see cref="Accounts"/> is empty.</summary>
    public bool GenerateDemoAccounts { get; set; } = true;

    /// <summary>Throws when the options cannot work (non-loopback host, bad port, non-positive timers).</summary>
    public void Validate()
    {
        if (!System.Net.IPAddress.TryParse(Host, out var address) || !System.Net.IPAddress.IsLoopback(address))
        {
            throw new InvalidOperationException($"Simulator:Host must be a loopback IP address, got '{Host}'");
        }

        if (Port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Simulator:Port must be 0..65535, got {Port}");
        }

        foreach (var (name, value) in new (string, TimeSpan)[]
                 {
                     (nameof(MaxConnectionLifetime), MaxConnectionLifetime), (nameof(ListenKeyValidity), ListenKeyValidity),
                     (nameof(SpotPingInterval), SpotPingInterval), (nameof(SpotPongTimeout), SpotPongTimeout),
                     (nameof(FuturesPingInterval), FuturesPingInterval), (nameof(FuturesPongTimeout), FuturesPongTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"Simulator:{name} must be positive, got {value}");
            }
        }

        if (DefaultRecvWindowMs <= 0 || MaxRecvWindowMs < DefaultRecvWindowMs)
        {
            throw new InvalidOperationException($"Simulator:DefaultRecvWindowMs ({DefaultRecvWindowMs}) must be positive and not above MaxRecvWindowMs ({MaxRecvWindowMs})");
        }

        SpotLimits.Validate("SpotLimits");
        FuturesLimits.Validate("FuturesLimits");
        foreach (var account in Accounts)
        {
            account.Validate();
        }
    }
}

/// <summary>Rate limits of one venue scope, in configuration-friendly form.</summary>
public sealed class VenueLimitOptions
{
    /// <summary>REQUEST_WEIGHT per IP per minute (spot 6000, futures 2400).</summary>
    public int WeightPerMinute { get; set; }

    /// <summary>ORDERS per account per 10 seconds (spot 50, futures 300).</summary>
    public int OrdersPer10Seconds { get; set; }

    /// <summary>Spot only: ORDERS per account per day (160000).</summary>
    public int? OrdersPerDay { get; set; }

    /// <summary>Futures only: ORDERS per account per minute (1200).</summary>
    public int? OrdersPerMinute { get; set; }

    /// <summary>WS connection attempts per IP per 5 minutes (300).</summary>
    public int ConnectionAttemptsPer5Minutes { get; set; } = 300;

    /// <summary>Requests an IP may send after a 429 in the same window before it is banned with 418.</summary>
    public int RequestsAfter429BeforeBan { get; set; } = 10;

    /// <summary>First ban; doubles on every repeat up to <see cref="MaxBan"/>.</summary>
    public TimeSpan InitialBan { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan MaxBan { get; set; } = TimeSpan.FromDays(3);

    public static VenueLimitOptions SpotDefaults() => new() { WeightPerMinute = 6000, OrdersPer10Seconds = 50, OrdersPerDay = 160000 };

    public static VenueLimitOptions FuturesDefaults() => new() { WeightPerMinute = 2400, OrdersPer10Seconds = 300, OrdersPerMinute = 1200 };

    public void Validate(string section)
    {
        if (WeightPerMinute <= 0 || OrdersPer10Seconds <= 0 || ConnectionAttemptsPer5Minutes <= 0 || RequestsAfter429BeforeBan < 0
            || OrdersPerDay <= 0 || OrdersPerMinute <= 0 || InitialBan <= TimeSpan.Zero || MaxBan < InitialBan)
        {
            throw new InvalidOperationException($"Simulator:{section} has a non-positive limit or an invalid ban range");
        }
    }

    /// <summary>The rules as Binance publishes them.</summary>
    public RateLimitSettings ToSettings()
    {
        var orders = new List<RateLimitRule> { new(RateLimitType.Orders, RateLimitInterval.Second, 10, OrdersPer10Seconds) };
        if (OrdersPerMinute is { } perMinute)
        {
            orders.Add(new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Minute, 1, perMinute));
        }

        if (OrdersPerDay is { } perDay)
        {
            orders.Add(new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Day, 1, perDay));
        }

        return new RateLimitSettings
        {
            WeightRules = [new RateLimitRule(RateLimitType.RequestWeight, RateLimitInterval.Minute, 1, WeightPerMinute)],
            OrderRules = orders,
            ConnectionAttempts = new RateLimitRule(RateLimitType.RawRequests, RateLimitInterval.Minute, 5, ConnectionAttemptsPer5Minutes),
            RequestsAfter429BeforeBan = RequestsAfter429BeforeBan,
            InitialBan = InitialBan,
            MaxBan = MaxBan,
        };
    }
}

/// <summary>A demo account seeded at start. Keys here are simulator-only demo values.</summary>
public sealed class DemoAccountOptions
{
    /// <summary>Account id; defaults to the API key.</summary>
    public string? AccountId { get; set; }

    /// <summary>API key; generated when empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>HMAC secret (simulator-only demo string). Generated when neither this nor <see cref="Ed25519PublicKey"/> is set.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Ed25519 public key (PEM, hex or base64) for an Ed25519 API key.</summary>
    public string? Ed25519PublicKey { get; set; }

    /// <summary>Spot balances, asset → amount as a decimal string.</summary>
    public IDictionary<string, string> Balances { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>USDⓈ-M wallet balances, asset → amount.</summary>
    public IDictionary<string, string> FuturesBalances { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public void Validate()
    {
        if (SecretKey is not null && Ed25519PublicKey is not null)
        {
            throw new InvalidOperationException($"Simulator:Accounts entry '{ApiKey}' sets both SecretKey and Ed25519PublicKey; one key has one type");
        }
    }
}
