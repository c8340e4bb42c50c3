using Oms.Benchmarks.Infrastructure;
using Oms.Simulator.Engine;
using SimOrderSide = Oms.Simulator.Engine.OrderSide;
using SimTimeInForce = Oms.Simulator.Engine.TimeInForce;

namespace Oms.Benchmarks;

/// <summary>
/// Matching-engine throughput through the simulator's public API (src/Oms.Simulator/Engine, see Engine/API.md):
/// <c>SimExchange.PlaceSpotOrder</c> on one symbol (BTCUSDT at 65432.10, Binance-like filters) with the liquidity
/// process held (no random walk, no <c>Tick</c>) and the maker's quotes 50 ticks either side of the mid.
/// <list type="bullet">
/// <item>Mixed: 500 pairs per invocation — a resting limit buy at the mid by one account, then a limit sell at the
/// same price by another account that crosses it and fills it completely (one trade, two execution reports each).
/// The book returns to its starting shape after every pair.</item>
/// <item>Baseline: 1,000 non-crossing resting limit buys spread over 100 price levels below the best bid.</item>
/// </list>
/// A fresh exchange is built before every iteration (not measured), so both start from the same book. The mean is per
/// order and <c>Op/s</c> is orders per second.
/// </summary>
[Config(typeof(BatchConfig))]
public class MatchingEngineBenchmarks
{
    public const int OrdersPerInvoke = 1000;
    private const string Symbol = "BTCUSDT";
    private const decimal Mid = 65432.10m;
    private const decimal Tick = 0.01m;

    private SpotOrderRequest[] _resting = null!;
    private SpotOrderRequest[] _mixed = null!;
    private string[] _mixedAccounts = null!;
    private SimExchange _exchange = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resting = new SpotOrderRequest[OrdersPerInvoke];
        for (var i = 0; i < OrdersPerInvoke; i++)
        {
            // 100 levels from 60 to 159 ticks below the mid: under the maker's best bid (mid - 50 ticks), never crossing.
            _resting[i] = Limit(SimOrderSide.Buy, Mid - (60 + i % 100) * Tick, $"oms-k3x9qz-r{i}");
        }

        _mixed = new SpotOrderRequest[OrdersPerInvoke];
        _mixedAccounts = new string[OrdersPerInvoke];
        for (var i = 0; i < OrdersPerInvoke; i += 2)
        {
            _mixed[i] = Limit(SimOrderSide.Buy, Mid, $"oms-k3x9qz-b{i}");
            _mixedAccounts[i] = "maker-a";
            _mixed[i + 1] = Limit(SimOrderSide.Sell, Mid, $"oms-p7w2mc-s{i}");
            _mixedAccounts[i + 1] = "taker-b";
        }

        // Sanity: the mixed flow trades once per pair, the baseline never trades.
        NewExchange();
        var trades = 0;
        for (var i = 0; i < OrdersPerInvoke; i++) trades += Place(_mixedAccounts[i], _mixed[i]).Fills.Count;
        if (trades != OrdersPerInvoke / 2) throw new InvalidOperationException($"mixed flow: expected {OrdersPerInvoke / 2} trades, got {trades}");
        NewExchange();
        trades = 0;
        foreach (var order in _resting) trades += Place("maker-a", order).Fills.Count;
        if (trades != 0) throw new InvalidOperationException($"resting flow: expected no trade, got {trades}");
    }

    [IterationSetup]
    public void NewExchange()
    {
        _exchange = new SimExchange(new SimExchangeOptions
        {
            Seed = 42,
            SpotInstruments =
            [
                new SpotInstrument
                {
                    Symbol = Symbol,
                    BaseAsset = "BTC",
                    QuoteAsset = "USDT",
                    InitialPrice = Mid,
                    Filters = new SpotFilters
                    {
                        Price = new PriceFilter(0.01m, 1_000_000m, Tick),
                        LotSize = new LotSizeFilter(0.00001m, 9000m, 0.00001m),
                        MarketLotSize = new LotSizeFilter(0m, 120m, 0m),
                        Notional = new NotionalFilter(5m, true, 9_000_000m, false, 5),
                    },
                    Liquidity = new LiquidityOptions { Held = true, HalfSpreadTicks = 50, Levels = 10, QuantityPerLevel = 1m },
                },
            ],
        }, TimeProvider.System);
        Check(_exchange.CreateAccount("maker-a", new AccountSetup { SpotBalances = new Dictionary<string, decimal> { ["USDT"] = 1_000_000_000m, ["BTC"] = 10m } }));
        Check(_exchange.CreateAccount("taker-b", new AccountSetup { SpotBalances = new Dictionary<string, decimal> { ["USDT"] = 1_000_000m, ["BTC"] = 100_000m } }));
        Check(_exchange.SetMarketHeld(MarketKind.Spot, Symbol, true));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OrdersPerInvoke, Description = "resting limits only")]
    public int RestingOnly()
    {
        var placed = 0;
        foreach (var order in _resting)
        {
            Place("maker-a", order);
            placed++;
        }
        return placed;
    }

    [Benchmark(OperationsPerInvoke = OrdersPerInvoke, Description = "50 % resting + 50 % crossing (full fill)")]
    public int Mixed()
    {
        var trades = 0;
        for (var i = 0; i < OrdersPerInvoke; i++) trades += Place(_mixedAccounts[i], _mixed[i]).Fills.Count;
        return trades;
    }

    private SpotOrderResult Place(string account, SpotOrderRequest order)
    {
        var result = _exchange.PlaceSpotOrder(account, order);
        if (!result.IsSuccess) throw new InvalidOperationException($"{order.NewClientOrderId} refused: {result.Error}");
        return result.Value!;
    }

    private static SpotOrderRequest Limit(SimOrderSide side, decimal price, string clientOrderId) => new()
    {
        Symbol = Symbol,
        Side = side,
        Type = SpotOrderType.Limit,
        TimeInForce = SimTimeInForce.Gtc,
        Quantity = Realistic.Quantity,
        Price = price,
        NewClientOrderId = clientOrderId,
    };

    private static void Check(EngineResult result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error.ToString());
    }

    private static void Check<T>(EngineResult<T> result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error.ToString());
    }
}
