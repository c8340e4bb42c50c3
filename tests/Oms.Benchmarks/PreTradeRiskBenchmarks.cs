using Oms.Benchmarks.Infrastructure;

namespace Oms.Benchmarks;

/// <summary>
/// The full pre-trade check set of the risk engine (<see cref="PreTradeRiskEngine.Evaluate"/>, src/Oms.Domain/Risk) per
/// order, on a realistic account: a USDⓈ-M futures BTCUSDT limit buy from a tagged strategy, against an account holding
/// spot BTC and three futures positions with 40 open orders across five instruments (resting limits on both sides and
/// reduce-only stops), and every limit set at firm, account, per-instrument and strategy level (per-order quantity and
/// notional, price band, open orders, order rate, position quantity and notional, gross and net exposure, strategy book
/// limits, drawdown and daily loss, leverage), with a margin balance so the margin check runs too.
/// <list type="bullet">
/// <item><b>Baseline</b>: the instrument filters alone (<see cref="PreTradeRiskEngine.CheckFilters"/>: tick, step,
/// min/max quantity and notional) — what an OMS without a risk engine still checks.</item>
/// <item><b>Evaluate</b>: every check on a book already built (the engine's own cost).</item>
/// <item><b>Build book + Evaluate</b>: what the account grain does per submit — one pass over the open orders and the
/// positions into a <see cref="RiskBookBuilder"/> (account and strategy books), marks, then <c>Evaluate</c>.</item>
/// <item><b>Denied by gross exposure</b>: the same order with the account's gross exposure limit just below where the
/// order would take it (the denial formats its reason with the numbers).</item>
/// </list>
/// The firm's exposure reservation (one grain call when the firm has an exposure limit) is not in these numbers: see
/// <see cref="GrainRiskSubmitBenchmarks"/> for the submit path with and without it.
/// </summary>
[Config(typeof(MicroConfig))]
public class PreTradeRiskBenchmarks
{
    private const string Strategy = "mm-alpha";
    private const int OpenOrders = 40;

    private static readonly InstrumentId BtcPerp = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    private static readonly InstrumentId EthPerp = new(Venue.Binance, MarketType.UsdMFutures, "ETHUSDT");
    private static readonly InstrumentId SolPerp = new(Venue.Binance, MarketType.UsdMFutures, "SOLUSDT");
    private static readonly InstrumentId EthSpot = new(Venue.Binance, MarketType.Spot, "ETHUSDT");

    private static readonly InstrumentSpec BtcPerpSpec = new()
    {
        Id = BtcPerp,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        TickSize = 0.1m,
        MinPrice = 556.8m,
        MaxPrice = 4_529_764m,
        StepSize = 0.001m,
        MinQuantity = 0.001m,
        MaxQuantity = 1000m,
        MarketStepSize = 0.001m,
        MarketMinQuantity = 0.001m,
        MarketMaxQuantity = 120m,
        MinNotional = 100m,
    };

    private readonly Dictionary<InstrumentId, (InstrumentSpec Spec, decimal Mark)> _instruments = [];
    private readonly List<(InstrumentId Instrument, OrderSide Side, decimal Leaves, bool ReduceOnly, string? Tag)> _openOrders = [];
    private readonly List<(InstrumentId Instrument, decimal Quantity)> _positions = [];
    private readonly List<(InstrumentId Instrument, decimal Quantity)> _strategyPositions = [];

    private OrderSpec _order = null!;
    private RiskLimits _account = null!;
    private RiskLimits _firm = null!;
    private PreTradeRequest _request = null!;
    private PreTradeRequest _denied = null!;

    [GlobalSetup]
    public void Setup()
    {
        _instruments[BtcPerp] = (BtcPerpSpec, 65_440.0m);
        _instruments[EthPerp] = (BtcPerpSpec with { Id = EthPerp, BaseAsset = "ETH", TickSize = 0.01m, MinPrice = 39.86m, StepSize = 0.001m, MinQuantity = 0.001m, MinNotional = 20m }, 3_210.55m);
        _instruments[SolPerp] = (BtcPerpSpec with { Id = SolPerp, BaseAsset = "SOL", TickSize = 0.01m, MinPrice = 0.42m, StepSize = 1m, MinQuantity = 1m, MinNotional = 5m }, 148.31m);
        _instruments[Realistic.BtcSpot] = (Realistic.BtcSpotSpec, Realistic.ReferencePrice);
        _instruments[EthSpot] = (Realistic.BtcSpotSpec with { Id = EthSpot, BaseAsset = "ETH", StepSize = 0.0001m, MinQuantity = 0.0001m }, 3_210.80m);

        _positions.Add((BtcPerp, 1.250m));
        _positions.Add((EthPerp, -18.400m));
        _positions.Add((SolPerp, 300m));
        _positions.Add((Realistic.BtcSpot, 0.42m));
        _strategyPositions.Add((BtcPerp, 0.750m));

        // 40 open orders: a quoting ladder on BTC and ETH perps (both sides), a few spot orders, and reduce-only stops.
        var instruments = new[] { BtcPerp, EthPerp, SolPerp, Realistic.BtcSpot, EthSpot };
        for (var i = 0; i < OpenOrders; i++)
        {
            var instrument = instruments[i % instruments.Length];
            var side = i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell;
            var reduceOnly = i % 10 == 9 && instrument.Market != MarketType.Spot;
            var leaves = instrument == SolPerp ? 10m : instrument.Market == MarketType.Spot ? 0.0125m : 0.050m;
            _openOrders.Add((instrument, side, leaves, reduceOnly, i % 3 == 0 ? Strategy : null));
        }

        _order = new OrderSpec
        {
            Instrument = BtcPerp,
            Side = OrderSide.Buy,
            Type = OrderType.Limit,
            Quantity = 0.050m,
            LimitPrice = 65_401.3m,
            TimeInForce = TimeInForce.Gtc,
            StrategyTag = Strategy,
        };
        _firm = new RiskLimits
        {
            MaxOrderNotional = 1_000_000m,
            MaxOpenOrders = 1_000,
            MaxOrdersPerSecond = 200,
            MaxGrossExposure = 50_000_000m,
            MaxNetExposure = 20_000_000m,
            PriceBandPercent = 10m,
        };
        _account = new RiskLimits
        {
            MaxOrderNotional = 250_000m,
            MaxOrderQuantity = 5m,
            MaxOpenOrders = 200,
            MaxPositionQuantity = 10m,
            MaxPositionNotional = 1_000_000m,
            MaxGrossExposure = 2_000_000m,
            MaxNetExposure = 1_000_000m,
            PriceBandPercent = 5m,
            MaxOrdersPerSecond = 50,
            MaxDrawdownPercent = 10m,
            MaxDailyLoss = 50_000m,
            Leverage = 5m,
            Instruments = [new InstrumentRiskLimits { Instrument = BtcPerp, MaxOrderQuantity = 2m, MaxPositionQuantity = 5m, PriceBandPercent = 2m }],
            Strategies =
            [
                new StrategyRiskLimits
                {
                    Tag = Strategy,
                    MaxOrderNotional = 100_000m,
                    MaxOpenOrders = 50,
                    MaxPositionQuantity = 3m,
                    MaxGrossExposure = 500_000m,
                    MaxNetExposure = 400_000m,
                },
            ],
        };

        _request = BuildRequest(_order, _account);
        var outcome = PreTradeRiskEngine.Evaluate(_request);
        if (outcome.Denial is { } denial) throw new InvalidOperationException($"the benchmark order must pass: {denial}");
        if (outcome.ExposureAfter is not { } after) throw new InvalidOperationException("the benchmark order must measure the exposure");
        if (!outcome.Limits.NeedsBook || outcome.Limits.Strategy is null) throw new InvalidOperationException("every limit must be in force");

        // Just below where this order takes the gross exposure: denied by the last book check.
        _denied = _request with { Limits = _account with { MaxGrossExposure = decimal.Round(after.Gross - 1m, 2) } };
        if (PreTradeRiskEngine.Evaluate(_denied).Denial?.Code != DenialCode.MaxGrossExposureExceeded)
            throw new InvalidOperationException($"the denied variant must hit the gross exposure limit, got {PreTradeRiskEngine.Evaluate(_denied).Denial}");
        if (PreTradeRiskEngine.CheckFilters(_order, BtcPerpSpec, 65_440.0m) is { } filters)
            throw new InvalidOperationException($"the benchmark order must pass the filters: {filters}");
    }

    [Benchmark(Baseline = true, Description = "Filters only (tick, step, min/max qty, min notional)")]
    public Denial? FiltersOnly() => PreTradeRiskEngine.CheckFilters(_order, BtcPerpSpec, 65_440.0m);

    [Benchmark(Description = "Evaluate, every limit set, built book (passes)")]
    public Denial? Evaluate() => PreTradeRiskEngine.Evaluate(_request).Denial;

    [Benchmark(Description = "Build book (40 open orders, 4 positions) + Evaluate (as the account grain)")]
    public Denial? BuildAndEvaluate() => PreTradeRiskEngine.Evaluate(BuildRequest(_order, _account)).Denial;

    [Benchmark(Description = "Evaluate, denied by gross exposure")]
    public Denial? EvaluateDenied() => PreTradeRiskEngine.Evaluate(_denied).Denial;

    /// <summary>What <c>AccountGrain.BuildRequest</c> does: one pass over the open orders, positions, marks, balances.</summary>
    private PreTradeRequest BuildRequest(OrderSpec spec, RiskLimits limits)
    {
        var book = new RiskBookBuilder();
        var strategyBook = new RiskBookBuilder();
        var open = 0;
        var strategyOpen = 0;
        foreach (var (instrument, side, leaves, reduceOnly, tag) in _openOrders)
        {
            open++;
            book.AddOpenOrder(instrument, PositionSide.Both, side, leaves, reduceOnly);
            if (string.Equals(tag, spec.StrategyTag, StringComparison.Ordinal))
            {
                strategyOpen++;
                strategyBook.AddOpenOrder(instrument, PositionSide.Both, side, leaves, reduceOnly);
            }
        }
        foreach (var (instrument, quantity) in _positions) book.AddPosition(instrument, PositionSide.Both, quantity);
        foreach (var (instrument, quantity) in _strategyPositions) strategyBook.AddPosition(instrument, PositionSide.Both, quantity);
        Mark(book);
        Mark(strategyBook);

        return new PreTradeRequest
        {
            Account = Realistic.Account,
            Venue = Venue.Binance,
            Markets = [MarketType.Spot, MarketType.UsdMFutures],
            Spec = spec,
            Instrument = BtcPerpSpec,
            ReferencePrice = 65_440.0m,
            Limits = limits,
            FirmLimits = _firm,
            OpenOrderCount = open,
            OrdersInLastSecond = 7,
            StrategyOpenOrderCount = strategyOpen,
            Book = book.Build(),
            StrategyBook = strategyBook.Build(),
            Balances = new BalanceView { MarginEquity = 400_000m },
        };
    }

    private void Mark(RiskBookBuilder builder)
    {
        foreach (var (instrument, leg) in builder.Keys.ToArray())
        {
            var (spec, mark) = _instruments[instrument];
            builder.Mark(instrument, leg, mark, spec.ContractSize, spec.QuoteAsset, 1m);
        }
    }
}
