using Oms.Simulator.Engine;

namespace Oms.Simulator.Hosting;

/// <summary>Instruments and market-maker settings the simulator starts with (<c>Simulator:Market</c> section).</summary>
public sealed class MarketSeedOptions
{
    public const string SectionName = "Simulator:Market";

    /// <summary>Seed of the engine's RNG (liquidity walk, generated client ids).</summary>
    public int Seed { get; set; } = 1;

    public IList<SpotInstrumentSeed> SpotInstruments { get; set; } = [];

    public IList<FuturesInstrumentSeed> FuturesInstruments { get; set; } = [];

    /// <summary>Market-maker settings applied to every symbol.</summary>
    public LiquiditySeed Liquidity { get; set; } = new();

    /// <summary>BTCUSDT, ETHUSDT, BNBUSDT and SOLUSDT, spot and perpetual, with Binance-like filters.</summary>
    public static MarketSeedOptions Default() => new()
    {
        SpotInstruments =
        [
            new() { Symbol = "BTCUSDT", BaseAsset = "BTC", InitialPrice = 65000m, TickSize = 0.01m, StepSize = 0.00001m, MinQty = 0.00001m, MaxQty = 9000m, MarketMaxQty = 120m, MinNotional = 5m, QuantityPerLevel = 0.5m },
            new() { Symbol = "ETHUSDT", BaseAsset = "ETH", InitialPrice = 3500m, TickSize = 0.01m, StepSize = 0.0001m, MinQty = 0.0001m, MaxQty = 9000m, MarketMaxQty = 3000m, MinNotional = 5m, QuantityPerLevel = 5m },
            new() { Symbol = "BNBUSDT", BaseAsset = "BNB", InitialPrice = 600m, TickSize = 0.01m, StepSize = 0.001m, MinQty = 0.001m, MaxQty = 9000m, MarketMaxQty = 5000m, MinNotional = 5m, QuantityPerLevel = 20m },
            new() { Symbol = "SOLUSDT", BaseAsset = "SOL", InitialPrice = 150m, TickSize = 0.01m, StepSize = 0.001m, MinQty = 0.001m, MaxQty = 9000m, MarketMaxQty = 8000m, MinNotional = 5m, QuantityPerLevel = 50m },
        ],
        FuturesInstruments =
        [
            new() { Symbol = "BTCUSDT", BaseAsset = "BTC", InitialPrice = 65000m, PricePrecision = 2, QuantityPrecision = 3, TickSize = 0.10m, StepSize = 0.001m, MinQty = 0.001m, MaxQty = 1000m, MarketMaxQty = 120m, MinNotional = 100m, QuantityPerLevel = 0.5m },
            new() { Symbol = "ETHUSDT", BaseAsset = "ETH", InitialPrice = 3500m, PricePrecision = 2, QuantityPrecision = 3, TickSize = 0.01m, StepSize = 0.001m, MinQty = 0.001m, MaxQty = 10000m, MarketMaxQty = 2000m, MinNotional = 20m, QuantityPerLevel = 5m },
            new() { Symbol = "BNBUSDT", BaseAsset = "BNB", InitialPrice = 600m, PricePrecision = 3, QuantityPrecision = 2, TickSize = 0.010m, StepSize = 0.01m, MinQty = 0.01m, MaxQty = 100000m, MarketMaxQty = 2000m, MinNotional = 5m, QuantityPerLevel = 20m },
            new() { Symbol = "SOLUSDT", BaseAsset = "SOL", InitialPrice = 150m, PricePrecision = 4, QuantityPrecision = 0, TickSize = 0.0100m, StepSize = 1m, MinQty = 1m, MaxQty = 1000000m, MarketMaxQty = 5000m, MinNotional = 5m, QuantityPerLevel = 50m },
        ],
    };

    /// <summary>Builds the engine options (instruments with filters, liquidity).</summary>
    public SimExchangeOptions ToExchangeOptions()
    {
        var liquidity = Liquidity.ToOptions();
        return new SimExchangeOptions
        {
            Seed = Seed,
            SpotInstruments = SpotInstruments.Select(s => s.ToInstrument(liquidity)).ToList(),
            FuturesInstruments = FuturesInstruments.Select(s => s.ToInstrument(liquidity)).ToList(),
        };
    }
}

/// <summary>Market-maker settings (see the engine's <see cref="LiquidityOptions"/>).</summary>
public sealed class LiquiditySeed
{
    public bool Enabled { get; set; } = true;

    public int Levels { get; set; } = 10;

    public decimal VolatilityBps { get; set; } = 2m;

    public TimeSpan StepInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool Held { get; set; }

    public LiquidityOptions ToOptions() => new()
    {
        Enabled = Enabled,
        Levels = Levels,
        VolatilityBps = VolatilityBps,
        StepInterval = StepInterval,
        Held = Held,
    };
}

/// <summary>A spot symbol in configuration form.</summary>
public sealed class SpotInstrumentSeed
{
    public string Symbol { get; set; } = "";

    public string BaseAsset { get; set; } = "";

    public string QuoteAsset { get; set; } = "USDT";

    public decimal InitialPrice { get; set; }

    public decimal TickSize { get; set; } = 0.01m;

    public decimal MinPrice { get; set; } = 0.01m;

    public decimal MaxPrice { get; set; } = 1000000m;

    public decimal StepSize { get; set; } = 0.00001m;

    public decimal MinQty { get; set; } = 0.00001m;

    public decimal MaxQty { get; set; } = 9000m;

    public decimal MarketMaxQty { get; set; } = 100m;

    public decimal MinNotional { get; set; } = 5m;

    public decimal MaxNotional { get; set; } = 9000000m;

    /// <summary>Market-maker base quantity per level.</summary>
    public decimal QuantityPerLevel { get; set; } = 1m;

    public SpotInstrument ToInstrument(LiquidityOptions liquidity) => new()
    {
        Symbol = Symbol,
        BaseAsset = BaseAsset,
        QuoteAsset = QuoteAsset,
        InitialPrice = InitialPrice,
        Filters = new SpotFilters
        {
            Price = new PriceFilter(MinPrice, MaxPrice, TickSize),
            LotSize = new LotSizeFilter(MinQty, MaxQty, StepSize),
            MarketLotSize = new LotSizeFilter(0m, MarketMaxQty, 0m),
            IcebergParts = new IcebergPartsFilter(100),
            TrailingDelta = new TrailingDeltaFilter(10, 2000, 10, 2000),
            PercentPriceBySide = new PercentPriceBySideFilter(5m, 0.2m, 5m, 0.2m, 5),
            Notional = new NotionalFilter(MinNotional, true, MaxNotional, false, 5),
            MaxNumOrders = new MaxNumOrdersFilter(200),
            MaxNumAlgoOrders = new MaxNumAlgoOrdersFilter(5),
        },
        Liquidity = liquidity with { QuantityPerLevel = QuantityPerLevel },
    };
}

/// <summary>A USDⓈ-M perpetual in configuration form.</summary>
public sealed class FuturesInstrumentSeed
{
    public string Symbol { get; set; } = "";

    public string BaseAsset { get; set; } = "";

    public string QuoteAsset { get; set; } = "USDT";

    public decimal InitialPrice { get; set; }

    public int PricePrecision { get; set; } = 2;

    public int QuantityPrecision { get; set; } = 3;

    public decimal TickSize { get; set; } = 0.10m;

    public decimal MinPrice { get; set; } = 0.10m;

    public decimal MaxPrice { get; set; } = 4529764m;

    public decimal StepSize { get; set; } = 0.001m;

    public decimal MinQty { get; set; } = 0.001m;

    public decimal MaxQty { get; set; } = 1000m;

    public decimal MarketMaxQty { get; set; } = 120m;

    public decimal MinNotional { get; set; } = 5m;

    public int DefaultLeverage { get; set; } = 20;

    public decimal QuantityPerLevel { get; set; } = 1m;

    public FuturesInstrument ToInstrument(LiquidityOptions liquidity) => new()
    {
        Symbol = Symbol,
        BaseAsset = BaseAsset,
        QuoteAsset = QuoteAsset,
        MarginAsset = QuoteAsset,
        InitialPrice = InitialPrice,
        PricePrecision = PricePrecision,
        QuantityPrecision = QuantityPrecision,
        DefaultLeverage = DefaultLeverage,
        Filters = new FuturesFilters
        {
            Price = new PriceFilter(MinPrice, MaxPrice, TickSize),
            LotSize = new LotSizeFilter(MinQty, MaxQty, StepSize),
            MarketLotSize = new LotSizeFilter(MinQty, MarketMaxQty, StepSize),
            MinNotional = MinNotional,
        },
        Liquidity = liquidity with { QuantityPerLevel = QuantityPerLevel },
    };
}
