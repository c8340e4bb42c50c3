using Oms.Benchmarks.Infrastructure;

namespace Oms.Benchmarks;

/// <summary>
/// <see cref="Position.ApplyFill"/> over a cycle of eight BTCUSDT fills that opens, adds, reduces, flips to short,
/// adds short, reduces, flips back to long and closes (so the position returns to flat and the decimals do not drift),
/// repeated to 64 fills per invocation; 0.1 % fee valued in USDT. Baseline: a decimal multiply-add loop over the same
/// 64 (quantity, price, fee) triples, the arithmetic floor of any position update.
/// </summary>
[Config(typeof(MicroConfig))]
public class PositionBenchmarks
{
    public const int FillsPerInvoke = 64;

    private static readonly (OrderSide Side, decimal Quantity, decimal Price)[] Cycle =
    [
        (OrderSide.Buy, 0.01234m, 65432.10m),  // open long   0.01234
        (OrderSide.Buy, 0.02000m, 65440.50m),  // add         0.03234
        (OrderSide.Sell, 0.01500m, 65450.00m), // reduce      0.01734
        (OrderSide.Sell, 0.04000m, 65460.25m), // flip short -0.02266
        (OrderSide.Sell, 0.01000m, 65458.00m), // add short  -0.03266
        (OrderSide.Buy, 0.02000m, 65445.75m),  // reduce     -0.01266
        (OrderSide.Buy, 0.03000m, 65430.10m),  // flip long   0.01734
        (OrderSide.Sell, 0.01734m, 65436.60m), // close       0
    ];

    private readonly OrderSide[] _sides = new OrderSide[FillsPerInvoke];
    private readonly decimal[] _quantities = new decimal[FillsPerInvoke];
    private readonly decimal[] _prices = new decimal[FillsPerInvoke];
    private readonly decimal[] _fees = new decimal[FillsPerInvoke];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < FillsPerInvoke; i++)
        {
            var (side, quantity, price) = Cycle[i % Cycle.Length];
            _sides[i] = side;
            _quantities[i] = quantity;
            _prices[i] = price;
            _fees[i] = decimal.Round(quantity * price * 0.001m, 8);
        }
        var check = ApplyFills();
        if (check != 0m) throw new InvalidOperationException($"the fill cycle must end flat, ended at {check}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FillsPerInvoke, Description = "decimal multiply-add loop")]
    public decimal MultiplyAdd()
    {
        var cash = 0m;
        var fees = 0m;
        for (var i = 0; i < FillsPerInvoke; i++)
        {
            var signed = _sides[i] == OrderSide.Buy ? _quantities[i] : -_quantities[i];
            cash += signed * _prices[i];
            fees += _fees[i];
        }
        return cash + fees;
    }

    [Benchmark(OperationsPerInvoke = FillsPerInvoke, Description = "Position.ApplyFill (open/add/reduce/flip/close)")]
    public decimal ApplyFills()
    {
        var position = new Position();
        for (var i = 0; i < FillsPerInvoke; i++) position.ApplyFill(_sides[i], _quantities[i], _prices[i], _fees[i]);
        return position.Quantity;
    }
}
