using Oms.Benchmarks.Infrastructure;
using Oms.Contracts;
using Oms.Grains;

namespace Oms.Benchmarks;

/// <summary>
/// The pre-trade check set on the submit path (src/Oms.Grains/Risk/PreTradeRiskCheck.cs, called from
/// <c>AccountGrain.Evaluate</c>): account scope, instrument filters, trading state and every per-order limit, for a
/// BTCUSDT limit buy against a policy with every <see cref="RiskLimits"/> field set. Baseline: <see cref="OrderSpec.Validate"/>
/// alone (the spec's own consistency check, which <c>Evaluate</c> runs first).
/// </summary>
[Config(typeof(MicroConfig))]
public class PreTradeCheckBenchmarks
{
    private OrderSpec _spec = null!;
    private OrderSpec _outsideBand = null!;
    private AccountConfig _config = null!;
    private RiskPolicy _policy = null!;
    private PreTradeContext _context = null!;
    private PreTradeContext _deniedContext = null!;

    [GlobalSetup]
    public void Setup()
    {
        _spec = Realistic.LimitBuy();
        _outsideBand = _spec with { LimitPrice = 71_000.00m };
        _config = new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.Spot, MarketType.UsdMFutures],
            PositionMode = PositionMode.OneWay,
            ClientOrderIdPrefix = "oms",
        };
        _policy = new RiskPolicy(new RiskLimits
        {
            MaxOrderNotional = 250_000m,
            MaxOrderQuantity = 5m,
            MaxOpenOrders = 200,
            MaxPositionNotional = 1_000_000m,
            MaxGrossExposure = 5_000_000m,
            MaxNetExposure = 2_000_000m,
            PriceBandPercent = 5m,
            MaxOrdersPerSecond = 50,
            MaxDrawdownPercent = 10m,
            MaxDailyLoss = 50_000m,
        }, TradingState.Active, Version: 7);
        _context = NewContext(_spec);
        _deniedContext = NewContext(_outsideBand);

        if (PreTradeRiskCheck.Check(_context) is { } denial) throw new InvalidOperationException($"the benchmark order must pass: {denial.Reason}");
        if (PreTradeRiskCheck.Check(_deniedContext)?.Code != DenialCode.PriceBandExceeded) throw new InvalidOperationException("the outside-band order must be denied by the price band");
    }

    [Benchmark(Baseline = true, Description = "OrderSpec.Validate")]
    public Denial? Validate() => _spec.Validate();

    [Benchmark(Description = "PreTradeRiskCheck.Check (passes)")]
    public Denial? Check() => PreTradeRiskCheck.Check(_context);

    [Benchmark(Description = "Validate + new context + Check (as Evaluate)")]
    public Denial? ValidateAndCheck() => _spec.Validate() ?? PreTradeRiskCheck.Check(NewContext(_spec));

    [Benchmark(Description = "Check, denied by price band")]
    public Denial? CheckDenied() => PreTradeRiskCheck.Check(_deniedContext);

    private PreTradeContext NewContext(OrderSpec spec) => new()
    {
        Account = Realistic.Account,
        Config = _config,
        Spec = spec,
        Instrument = Realistic.BtcSpotSpec,
        ReferencePrice = Realistic.ReferencePrice,
        Policy = _policy,
        Reconciling = false,
        ReducesPosition = false,
        OpenOrderCount = 12,
        OrdersInLastSecond = 3,
    };
}
