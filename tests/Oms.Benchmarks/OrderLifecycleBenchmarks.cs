using Oms.Benchmarks.Infrastructure;

namespace Oms.Benchmarks;

/// <summary>
/// The order aggregate (src/Oms.Domain/Orders/Order.cs): <see cref="Order.Submit"/> → <see cref="Order.Accept"/> →
/// partial <see cref="Order.ApplyFill"/> → completing <see cref="Order.ApplyFill"/> of a BTCUSDT limit buy (0.01234 at
/// 65432.10, filled 0.00500 + 0.00734), each step through the transition table and producing its event. Baseline:
/// constructing the <see cref="OrderSpec"/> only (which the lifecycle benchmark also does).
/// </summary>
[Config(typeof(MicroConfig))]
public class OrderLifecycleBenchmarks
{
    private Fill _partial = null!;
    private Fill _rest = null!;
    private VenueOrderId _venueOrderId;
    private DateTimeOffset _acceptedAt;

    [GlobalSetup]
    public void Setup()
    {
        _venueOrderId = new VenueOrderId("52149783412");
        _acceptedAt = Realistic.Now.AddMilliseconds(3);
        _partial = NewFill("283579160", 0.00500m, LiquiditySide.Maker, Realistic.Now.AddMilliseconds(40));
        _rest = NewFill("283579171", 0.00734m, LiquiditySide.Maker, Realistic.Now.AddMilliseconds(95));
        if (Lifecycle() != OrderStatus.Filled) throw new InvalidOperationException("the lifecycle must end Filled");
    }

    [Benchmark(Baseline = true, Description = "new OrderSpec")]
    public OrderSpec NewSpec() => Realistic.LimitBuy();

    [Benchmark(Description = "Submit → Accept → PartialFill → FullFill")]
    public OrderStatus Lifecycle()
    {
        var (order, _) = Order.Submit(Realistic.Account, Realistic.ClientOrderId, Realistic.LimitBuy(), Realistic.Now);
        order.Accept(_venueOrderId, _acceptedAt);
        order.ApplyFill(_partial);
        order.ApplyFill(_rest);
        return order.Status;
    }

    private Fill NewFill(string tradeId, decimal quantity, LiquiditySide liquidity, DateTimeOffset at) => new()
    {
        Instrument = Realistic.BtcSpot,
        TradeId = new TradeId(tradeId),
        ClientOrderId = Realistic.ClientOrderId,
        VenueOrderId = _venueOrderId,
        Side = OrderSide.Buy,
        Quantity = quantity,
        Price = Realistic.Price,
        Fee = decimal.Round(quantity * 0.001m, 8),
        FeeAsset = "BTC",
        Liquidity = liquidity,
        Timestamp = at,
    };
}
