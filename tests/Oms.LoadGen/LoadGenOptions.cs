using System.Globalization;

namespace Oms.LoadGen;

/// <summary>Which parts of the harness run.</summary>
public enum Scenario
{
    /// <summary>Order flow at every rate (OMS and SDK baseline), the fill-ingest run and the session run.</summary>
    Default,
    /// <summary>Everything: the default runs and the memory run.</summary>
    All,
    /// <summary>Only the order flow at every rate.</summary>
    Orders,
    /// <summary>Only the fill-ingest run.</summary>
    Fills,
    /// <summary>Resident memory and grain state for many accounts with many open orders.</summary>
    Memory,
    /// <summary>WS API connect + logon of the connector, and reconnect + reconcile of an account with open orders.</summary>
    Session,
}

/// <summary>Grain storage of the in-process silo.</summary>
public enum StorageKind
{
    Memory,
    Postgres,
}

/// <summary>Command-line settings of the load generator (see README.md for each option).</summary>
public sealed class LoadGenOptions
{
    public Scenario Scenario { get; set; } = Scenario.Default;
    public bool Quick { get; set; }
    public IReadOnlyList<int> Rates { get; set; } = [200, 1000];
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(3);
    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(15);
    public int Accounts { get; set; } = 10;
    public int FillAccounts { get; set; } = 50;
    public int FillOrdersPerAccount { get; set; } = 100;
    public int MemoryAccounts { get; set; } = 100;
    public int MemoryOrdersPerAccount { get; set; } = 100;
    public int ReconnectOrders { get; set; } = 100;
    public int ReconnectRounds { get; set; } = 3;
    public int Connects { get; set; } = 30;
    /// <summary>Relay the spot WS API through <see cref="Harness.WsFrameTap"/> to timestamp order frames (OMS internal overhead).</summary>
    public bool FrameTap { get; set; }
    public string Symbol { get; set; } = "BTCUSDT";
    public bool Baseline { get; set; } = true;
    public StorageKind Storage { get; set; } = StorageKind.Memory;
    public string? Postgres { get; set; }
    public Uri? Endpoint { get; set; }
    public string? Token { get; set; }
    public Uri? SimulatorUrl { get; set; }
    public int? SiloPid { get; set; }
    public IReadOnlyList<string> AttachAccounts { get; set; } = [];
    public string? Output { get; set; }
    public string Node { get; set; } = "node";
    public string? NodeDirectory { get; set; }
    /// <summary>Extra configuration of the in-process silo (<c>--silo-setting Oms:Grains:ClosedOrderRetention=200</c>).</summary>
    public Dictionary<string, string> SiloSettings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Attached => Endpoint is not null;

    public const string Usage = """
        dotnet run -c Release --project tests/Oms.LoadGen -- [options]

          --scenario default|all|orders|fills|session|memory
                                     what to run (default: order flow at every rate + fill ingest + session;
                                     all: default + memory)
          --quick                    ~10 s smoke run: 200 orders/s for 5 s, a small fill sweep
          --rates 200,1000           open-loop submit rates (orders/s)
          --duration 15 --warmup 3   seconds measured / warmed up per rate and client
          --accounts 10              accounts the order flow is spread over (the SDK baseline uses as many)
          --fill-accounts 50 --fill-orders 100     fill-ingest: accounts x resting orders swept
          --memory-accounts 100 --memory-orders 100 memory scenario: accounts x open orders
          --reconnect-orders 100 --reconnect-rounds 3  session: open orders of the account dropped, drops
          --connects 30              session: connector WS API connect + logon measurements
          --frame-tap                relay the spot WS API to timestamp every order frame (OMS internal overhead:
                                     gRPC received -> WS frame written); adds a loopback hop for both clients
          --symbol BTCUSDT           spot symbol traded
          --no-baseline              skip the @binance/spot SDK baseline
          --storage memory|postgres  grain storage of the in-process silo (postgres = the cluster profile)
          --postgres "<conn>"        Npgsql connection string for --storage postgres (or OMS_LOADGEN_POSTGRES,
                                     else OMS_TEST_POSTGRES)
          --endpoint URL --token T --simulator URL --account ID[,ID...] [--silo-pid PID]
                                     attach to a running OMS instead of starting one in-process
          --out PATH                 output without extension (default artifacts/loadgen/<UTC timestamp>)
          --node PATH                node executable (default: node)
          --silo-setting KEY=VALUE   extra configuration of the in-process silo (repeatable),
                                     e.g. Oms:Grains:ClosedOrderRetention=200
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static LoadGenOptions Parse(string[] args)
    {
        var o = new LoadGenOptions();
        var explicitRates = false;
        var explicitDuration = false;
        var explicitWarmup = false;
        var explicitFills = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--scenario":
                    o.Scenario = Value() switch
                    {
                        "default" => Scenario.Default,
                        "all" => Scenario.All,
                        "orders" => Scenario.Orders,
                        "fills" => Scenario.Fills,
                        "memory" => Scenario.Memory,
                        "session" or "reconnect" => Scenario.Session,
                        var other => throw new ArgumentException($"unknown scenario '{other}' (default, all, orders, fills, session, memory)"),
                    };
                    break;
                case "--quick": o.Quick = true; break;
                case "--rates":
                    o.Rates = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => Positive(name, r)).ToArray();
                    explicitRates = true;
                    break;
                case "--duration": o.Duration = TimeSpan.FromSeconds(PositiveDouble(name, Value())); explicitDuration = true; break;
                case "--warmup": o.Warmup = TimeSpan.FromSeconds(NonNegativeDouble(name, Value())); explicitWarmup = true; break;
                case "--drain": o.Drain = TimeSpan.FromSeconds(PositiveDouble(name, Value())); break;
                case "--accounts": o.Accounts = Positive(name, Value()); break;
                case "--fill-accounts": o.FillAccounts = Positive(name, Value()); explicitFills = true; break;
                case "--fill-orders": o.FillOrdersPerAccount = Positive(name, Value()); explicitFills = true; break;
                case "--memory-accounts": o.MemoryAccounts = Positive(name, Value()); break;
                case "--memory-orders": o.MemoryOrdersPerAccount = Positive(name, Value()); break;
                case "--reconnect-orders": o.ReconnectOrders = Positive(name, Value()); break;
                case "--reconnect-rounds": o.ReconnectRounds = Positive(name, Value()); break;
                case "--connects": o.Connects = Positive(name, Value()); break;
                case "--frame-tap": o.FrameTap = true; break;
                case "--symbol": o.Symbol = Value().ToUpperInvariant(); break;
                case "--no-baseline": o.Baseline = false; break;
                case "--storage":
                    o.Storage = Value() switch
                    {
                        "memory" => StorageKind.Memory,
                        "postgres" or "postgresql" => StorageKind.Postgres,
                        var other => throw new ArgumentException($"unknown storage '{other}' (memory, postgres)"),
                    };
                    break;
                case "--postgres": o.Postgres = Value(); break;
                case "--endpoint": o.Endpoint = new Uri(Value()); break;
                case "--token": o.Token = Value(); break;
                case "--simulator": o.SimulatorUrl = new Uri(Value()); break;
                case "--silo-pid": o.SiloPid = Positive(name, Value()); break;
                case "--account":
                    o.AttachAccounts = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--out": o.Output = Value(); break;
                case "--node": o.Node = Value(); break;
                case "--node-dir": o.NodeDirectory = Value(); break;
                case "--silo-setting":
                    var setting = Value();
                    var equals = setting.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0) throw new ArgumentException($"--silo-setting needs KEY=VALUE, got '{setting}'");
                    o.SiloSettings[setting[..equals].Trim()] = setting[(equals + 1)..].Trim();
                    break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        if (o.Quick)
        {
            if (!explicitRates) o.Rates = [200];
            if (!explicitDuration) o.Duration = TimeSpan.FromSeconds(5);
            if (!explicitWarmup) o.Warmup = TimeSpan.FromSeconds(1);
            if (!explicitFills)
            {
                o.FillAccounts = 10;
                o.FillOrdersPerAccount = 20;
            }
            o.Drain = TimeSpan.FromSeconds(10);
            o.ReconnectRounds = 1;
            o.Connects = 10;
        }

        if (o.FillOrdersPerAccount > 190)
            throw new ArgumentException("--fill-orders is at most 190 (the venue's MAX_NUM_ORDERS filter is 200 open orders per symbol and account)");
        if (o.MemoryOrdersPerAccount > 190)
            throw new ArgumentException("--memory-orders is at most 190 (the venue's MAX_NUM_ORDERS filter is 200 open orders per symbol and account)");
        if (o.ReconnectOrders > 180)
            throw new ArgumentException("--reconnect-orders is at most 180 (the venue's MAX_NUM_ORDERS filter is 200 open orders per symbol and account; each round refills the filled ones)");
        o.Postgres ??= Environment.GetEnvironmentVariable("OMS_LOADGEN_POSTGRES") is { Length: > 0 } fromLoadGen
            ? fromLoadGen
            : Environment.GetEnvironmentVariable("OMS_TEST_POSTGRES");
        if (o.Storage == StorageKind.Postgres && string.IsNullOrWhiteSpace(o.Postgres) && !o.Attached)
            throw new ArgumentException("--storage postgres needs --postgres \"<Npgsql connection string>\" (or OMS_LOADGEN_POSTGRES / OMS_TEST_POSTGRES)");
        if (o.Attached)
        {
            if (string.IsNullOrWhiteSpace(o.Token)) throw new ArgumentException("--endpoint needs --token (a gateway API token with Read and Trade on the accounts)");
            if (o.SimulatorUrl is null) throw new ArgumentException("--endpoint needs --simulator (the base URL of the simulator the OMS trades on)");
            if (o.AttachAccounts.Count == 0) throw new ArgumentException("--endpoint needs --account (ids of Binance spot accounts configured in that OMS)");
        }
        return o;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive integer, got '{text}'");

    private static double PositiveDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive number of seconds, got '{text}'");

    private static double NonNegativeDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} must be a non-negative number of seconds, got '{text}'");
}
