namespace Oms.Simulator.Engine;

/// <summary>Configuration of a <see cref="SimExchange"/>. Same options + same seed + same calls ⇒ same events.</summary>
public sealed record SimExchangeOptions
{
    /// <summary>Seed of the single RNG behind the liquidity process and generated client order ids.</summary>
    public int Seed { get; init; } = 1;

    public IReadOnlyList<SpotInstrument> SpotInstruments { get; init; } = [];

    public IReadOnlyList<FuturesInstrument> FuturesInstruments { get; init; } = [];

    /// <summary>Default spot commission (Binance standard 0.1 %/0.1 %); per-account override in <see cref="AccountSetup"/>.</summary>
    public FeeRates SpotFees { get; init; } = new(0.001m, 0.001m);

    /// <summary>Default USDⓈ-M commission (0.02 % maker, 0.05 % taker).</summary>
    public FeeRates FuturesFees { get; init; } = new(0.0002m, 0.0005m);

    /// <summary>Margin ratio (maintenance margin / margin balance) at which MARGIN_CALL is raised.</summary>
    public decimal MarginCallRatio { get; init; } = 0.8m;

    /// <summary>Funding interval for USDⓈ-M perpetuals.</summary>
    public TimeSpan FundingInterval { get; init; } = TimeSpan.FromHours(8);

    /// <summary>First spot order id / trade id / order-list id (ids then increase by 1 per symbol).</summary>
    public long FirstId { get; init; } = 1;

    /// <summary>Maximum orders, trades and income rows kept per account for history queries.</summary>
    public int HistoryLimit { get; init; } = 100_000;

    /// <summary>Called when an event subscriber throws; the engine itself carries on. Default: ignore.</summary>
    public Action<Exception>? SubscriberError { get; init; }
}

/// <summary>Initial state of a new account (it has a spot wallet and a USDⓈ-M wallet).</summary>
public sealed record AccountSetup
{
    public IReadOnlyDictionary<string, decimal> SpotBalances { get; init; } = new Dictionary<string, decimal>();

    public IReadOnlyDictionary<string, decimal> FuturesBalances { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Per-account spot commission; null = exchange default.</summary>
    public FeeRates? SpotFees { get; init; }

    /// <summary>Per-account futures commission; null = exchange default.</summary>
    public FeeRates? FuturesFees { get; init; }

    public bool CanTrade { get; init; } = true;

    /// <summary>USDⓈ-M hedge mode at creation.</summary>
    public bool DualSidePosition { get; init; }
}
