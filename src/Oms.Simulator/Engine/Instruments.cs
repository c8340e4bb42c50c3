namespace Oms.Simulator.Engine;

/// <summary>Maker/taker commission rates as fractions (0.001 = 0.1 %).</summary>
public sealed record FeeRates(decimal Maker, decimal Taker);

/// <summary>
/// The seeded market-maker process of one symbol: it quotes <see cref="Levels"/> levels each side around a mid
/// that random-walks, re-quoting on every step.
/// </summary>
public sealed record LiquidityOptions
{
    /// <summary>Whether the maker quotes at all. Disable for tests that build the book by hand.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Price levels quoted each side.</summary>
    public int Levels { get; init; } = 10;

    /// <summary>Base quantity per level (jittered ±50 % by the seeded RNG, rounded to the lot step).</summary>
    public decimal QuantityPerLevel { get; init; } = 1m;

    /// <summary>Distance from mid to the best quote, in ticks (≥ 1).</summary>
    public int HalfSpreadTicks { get; init; } = 1;

    /// <summary>Distance between consecutive levels, in ticks (≥ 1).</summary>
    public int LevelSpacingTicks { get; init; } = 1;

    /// <summary>Standard deviation of one random-walk step of the mid, in basis points.</summary>
    public decimal VolatilityBps { get; init; } = 2m;

    /// <summary>Clock time between automatic steps when <see cref="SimExchange.Tick"/> is called.</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Start with the market held (no random walk; the maker still replenishes).</summary>
    public bool Held { get; init; }

    /// <summary>Print one small "other participants" trade at the new mid on every step, so the last price follows the walk.</summary>
    public bool PrintTradeOnStep { get; init; } = true;
}

/// <summary>A spot symbol: assets, precisions, permissions and filters as exchangeInfo shows them.</summary>
public sealed record SpotInstrument
{
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string QuoteAsset { get; init; }
    public SymbolStatus Status { get; init; } = SymbolStatus.Trading;
    public int BaseAssetPrecision { get; init; } = 8;
    public int QuotePrecision { get; init; } = 8;
    public int QuoteAssetPrecision { get; init; } = 8;
    public int BaseCommissionPrecision { get; init; } = 8;
    public int QuoteCommissionPrecision { get; init; } = 8;

    public IReadOnlyList<SpotOrderType> OrderTypes { get; init; } =
    [
        SpotOrderType.Limit, SpotOrderType.LimitMaker, SpotOrderType.Market, SpotOrderType.StopLoss,
        SpotOrderType.StopLossLimit, SpotOrderType.TakeProfit, SpotOrderType.TakeProfitLimit,
    ];

    public bool IcebergAllowed { get; init; } = true;
    public bool OcoAllowed { get; init; } = true;
    public bool QuoteOrderQtyMarketAllowed { get; init; } = true;
    public bool AllowTrailingStop { get; init; } = true;
    public bool CancelReplaceAllowed { get; init; } = true;
    public bool AmendAllowed { get; init; } = true;
    public SelfTradePreventionMode DefaultSelfTradePreventionMode { get; init; } = SelfTradePreventionMode.ExpireMaker;

    public IReadOnlyList<SelfTradePreventionMode> AllowedSelfTradePreventionModes { get; init; } =
    [
        SelfTradePreventionMode.None, SelfTradePreventionMode.ExpireTaker, SelfTradePreventionMode.ExpireMaker,
        SelfTradePreventionMode.ExpireBoth, SelfTradePreventionMode.Decrement,
    ];

    public SpotFilters Filters { get; init; } = new();

    /// <summary>Price the market starts at (mid of the maker's first quotes, and the first last price).</summary>
    public required decimal InitialPrice { get; init; }

    public LiquidityOptions Liquidity { get; init; } = new();
}

/// <summary>One notional bracket of a USDⓈ-M symbol (simplified leverageBracket).</summary>
public sealed record LeverageBracket(int Bracket, int InitialLeverage, decimal NotionalFloor, decimal NotionalCap, decimal MaintMarginRatio, decimal Cum);

/// <summary>A USDⓈ-M perpetual symbol.</summary>
public sealed record FuturesInstrument
{
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public string QuoteAsset { get; init; } = "USDT";
    public string MarginAsset { get; init; } = "USDT";
    public SymbolStatus Status { get; init; } = SymbolStatus.Trading;
    public int PricePrecision { get; init; } = 2;
    public int QuantityPrecision { get; init; } = 3;
    public int BaseAssetPrecision { get; init; } = 8;
    public int QuotePrecision { get; init; } = 8;
    public long DeliveryDate { get; init; } = 4133404800000;
    public long OnboardDate { get; init; } = 1569398400000;
    public decimal MaintMarginPercent { get; init; } = 2.5000m;
    public decimal RequiredMarginPercent { get; init; } = 5.0000m;
    public decimal TriggerProtect { get; init; } = 0.0500m;
    public decimal LiquidationFee { get; init; } = 0.012500m;
    public decimal MarketTakeBound { get; init; } = 0.05m;
    public FuturesFilters Filters { get; init; } = new();

    /// <summary>Notional brackets, ascending. The first bracket's InitialLeverage is the maximum leverage.</summary>
    public IReadOnlyList<LeverageBracket> Brackets { get; init; } =
    [
        new(1, 125, 0m, 50_000m, 0.004m, 0m),
        new(2, 100, 50_000m, 600_000m, 0.005m, 50m),
        new(3, 75, 600_000m, 3_000_000m, 0.0065m, 950m),
        new(4, 50, 3_000_000m, 12_000_000m, 0.01m, 11_450m),
        new(5, 25, 12_000_000m, 70_000_000m, 0.02m, 131_450m),
        new(6, 20, 70_000_000m, 100_000_000m, 0.025m, 481_450m),
        new(7, 10, 100_000_000m, 230_000_000m, 0.05m, 2_981_450m),
        new(8, 5, 230_000_000m, 480_000_000m, 0.1m, 14_481_450m),
        new(9, 4, 480_000_000m, 600_000_000m, 0.125m, 26_481_450m),
        new(10, 3, 600_000_000m, 800_000_000m, 0.15m, 41_481_450m),
        new(11, 2, 800_000_000m, 1_200_000_000m, 0.25m, 121_481_450m),
        new(12, 1, 1_200_000_000m, 1_800_000_000m, 0.5m, 421_481_450m),
    ];

    public int DefaultLeverage { get; init; } = 20;

    /// <summary>Funding rate applied at each funding time (8 h by default).</summary>
    public decimal FundingRate { get; init; } = 0.0001m;

    public required decimal InitialPrice { get; init; }

    public LiquidityOptions Liquidity { get; init; } = new();
}
