using Xunit;
using System.Text.Json;
using Oms.Simulator.Engine;

namespace Oms.Simulator.Tests.Engine;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public ManualClock()
        : this(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public long NowMs => _now.ToUnixTimeMilliseconds();
}

/// <summary>Records every event the exchange raises.</summary>
internal sealed class EventLog
{
    private readonly List<SimEvent> _events = [];

    public EventLog(SimExchange exchange) => exchange.Subscribe(e =>
    {
        lock (_events)
        {
            _events.Add(e);
        }
    });

    public IReadOnlyList<SimEvent> All
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public IReadOnlyList<T> Of<T>(string? accountId = null)
        where T : SimEvent => All.OfType<T>().Where(e => accountId is null || (e is AccountEvent a && a.AccountId == accountId)).ToArray();

    public void Clear()
    {
        lock (_events)
        {
            _events.Clear();
        }
    }
}

internal static class Spot
{
    public const string Symbol = "BTCUSDT";

    public static SpotFilters Filters { get; } = new()
    {
        Price = new PriceFilter(0.01m, 1_000_000m, 0.01m),
        LotSize = new LotSizeFilter(0.001m, 9_000m, 0.001m),
        MarketLotSize = new LotSizeFilter(0.001m, 1_000m, 0.001m),
        IcebergParts = new IcebergPartsFilter(10),
        Notional = new NotionalFilter(5m, true, 9_000_000m, false, 5),
        TrailingDelta = new TrailingDeltaFilter(10, 2000, 10, 2000),
        MaxNumOrders = new MaxNumOrdersFilter(200),
        MaxNumAlgoOrders = new MaxNumAlgoOrdersFilter(5),
    };

    public static SpotInstrument Instrument(decimal price = 100m, SpotFilters? filters = null, LiquidityOptions? liquidity = null) => new()
    {
        Symbol = Symbol,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        InitialPrice = price,
        Filters = filters ?? Filters,
        Liquidity = liquidity ?? new LiquidityOptions { Enabled = false },
    };

    public static SimExchange Exchange(out ManualClock clock, SpotInstrument? instrument = null, int seed = 7, FeeRates? fees = null)
    {
        clock = new ManualClock();
        return new SimExchange(
            new SimExchangeOptions { Seed = seed, SpotInstruments = [instrument ?? Instrument()], SpotFees = fees ?? new FeeRates(0.001m, 0.001m) },
            clock);
    }

    public static void Account(SimExchange exchange, string id, decimal btc = 10m, decimal usdt = 100_000m) =>
        Assert.True(exchange.CreateAccount(id, new AccountSetup { SpotBalances = new Dictionary<string, decimal> { ["BTC"] = btc, ["USDT"] = usdt } }).IsSuccess);

    public static SpotOrderRequest Limit(OrderSide side, decimal qty, decimal price, TimeInForce tif = TimeInForce.Gtc, string? clientId = null) => new()
    {
        Symbol = Symbol, Side = side, Type = SpotOrderType.Limit, TimeInForce = tif, Quantity = qty, Price = price, NewClientOrderId = clientId,
        SelfTradePreventionMode = SelfTradePreventionMode.None,
    };

    public static SpotOrderRequest Market(OrderSide side, decimal? qty = null, decimal? quote = null) => new()
    {
        Symbol = Symbol, Side = side, Type = SpotOrderType.Market, Quantity = qty, QuoteOrderQty = quote, SelfTradePreventionMode = SelfTradePreventionMode.None,
    };

    public static SpotOrderResult Place(SimExchange exchange, string account, SpotOrderRequest request)
    {
        var result = exchange.PlaceSpotOrder(account, request);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    public static SpotBalanceView Balance(SimExchange exchange, string account, string asset) =>
        exchange.GetSpotAccount(account).Value.Balances.FirstOrDefault(b => b.Asset == asset) ?? new SpotBalanceView(asset, 0, 0);

    public static void AssertError(EngineError? error, int code, string message)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }
}

internal static class Futures
{
    public const string Symbol = "BTCUSDT";

    public static FuturesInstrument Instrument(decimal price = 100m, LiquidityOptions? liquidity = null) => new()
    {
        Symbol = Symbol,
        BaseAsset = "BTC",
        InitialPrice = price,
        PricePrecision = 2,
        QuantityPrecision = 3,
        Filters = new FuturesFilters
        {
            Price = new PriceFilter(0.01m, 1_000_000m, 0.01m),
            LotSize = new LotSizeFilter(0.001m, 1000m, 0.001m),
            MarketLotSize = new LotSizeFilter(0.001m, 500m, 0.001m),
            MinNotional = 5m,
            PercentPrice = new FuturesPercentPriceFilter(1.5m, 0.5m, 4),
        },
        Liquidity = liquidity ?? new LiquidityOptions { Enabled = false },
    };

    public static SimExchange Exchange(out ManualClock clock, FuturesInstrument? instrument = null, int seed = 7, FeeRates? fees = null)
    {
        clock = new ManualClock();
        return new SimExchange(
            new SimExchangeOptions { Seed = seed, FuturesInstruments = [instrument ?? Instrument()], FuturesFees = fees ?? new FeeRates(0.0002m, 0.0005m) },
            clock);
    }

    public static void Account(SimExchange exchange, string id, decimal usdt = 100_000m, bool hedge = false) =>
        Assert.True(exchange.CreateAccount(id, new AccountSetup { FuturesBalances = new Dictionary<string, decimal> { ["USDT"] = usdt }, DualSidePosition = hedge }).IsSuccess);

    public static FuturesOrderRequest Limit(OrderSide side, decimal qty, decimal price, TimeInForce tif = TimeInForce.Gtc, PositionSide? ps = null, bool? reduceOnly = null) => new()
    {
        Symbol = Symbol, Side = side, Type = FuturesOrderType.Limit, TimeInForce = tif, Quantity = qty, Price = price, PositionSide = ps, ReduceOnly = reduceOnly,
    };

    public static FuturesOrderRequest Market(OrderSide side, decimal qty, PositionSide? ps = null, bool? reduceOnly = null) => new()
    {
        Symbol = Symbol, Side = side, Type = FuturesOrderType.Market, Quantity = qty, PositionSide = ps, ReduceOnly = reduceOnly,
    };

    public static FuturesOrderView Place(SimExchange exchange, string account, FuturesOrderRequest request)
    {
        var result = exchange.PlaceFuturesOrder(account, request);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    public static PositionView Position(SimExchange exchange, string account, PositionSide side = PositionSide.Both) =>
        exchange.GetPositionRisk(account, Symbol).Value.Single(p => p.PositionSide == side);

    public static decimal Wallet(SimExchange exchange, string account) =>
        exchange.GetFuturesBalances(account).Value.Single(b => b.Asset == "USDT").WalletBalance;
}

/// <summary>Loads the Binance samples in ../shared relative to the repository root.</summary>
internal static class SharedSamples
{
    private static readonly Lazy<string> Root = new(
        () =>
        {
            // The repository root is the directory holding Oms.Orleans.sln above the test binaries
            // (or, for out-of-tree builds, above this source file).
            var root = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Path.GetDirectoryName(SourcePath()) ?? "")
                ?? throw new InvalidOperationException("repository root (Oms.Orleans.sln) not found above " + AppContext.BaseDirectory);
            return Path.GetFullPath(Path.Combine(root, "..", "shared", "protocol", "binance", "samples"));
        },
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string? FindRoot(string start)
    {
        var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Oms.Orleans.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    /// <summary>The fields of a spot-filters sample as exchangeInfo text (numbers and booleans as their JSON text).</summary>
    public static (string FilterType, Dictionary<string, string> Fields) SpotFilter(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf($"spot-filters/{name}.json")));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? type = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "filterType")
            {
                type = p.Value.GetString();
                continue;
            }

            fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }

        return (type ?? throw new InvalidDataException(name), fields);
    }

    public static SpotFilters SpotFilters(params string[] names)
    {
        var filters = new SpotFilters();
        foreach (var name in names)
        {
            var (type, fields) = SpotFilter(name);
            var result = filters.With(type, fields);
            Assert.True(result.IsSuccess, result.Error?.ToString());
            filters = result.Value;
        }

        return filters;
    }
}
