namespace Oms.Domain.Tests.Orders;

/// <summary><see cref="OrderSpec.Validate"/>: every rule, each failure an InvalidOrder denial naming the offending field.</summary>
public sealed class OrderSpecValidationTests
{
    private static readonly InstrumentId Spot = TestIds.BtcUsdtSpot;
    private static readonly InstrumentId Perp = TestIds.BtcUsdtPerp;

    private static OrderSpec Limit(InstrumentId? instrument = null) => new()
    {
        Instrument = instrument ?? Spot, Side = OrderSide.Buy, Type = OrderType.Limit, Quantity = 1m, LimitPrice = 100m,
    };

    private static OrderSpec Market(InstrumentId? instrument = null) => new()
    {
        Instrument = instrument ?? Spot, Side = OrderSide.Sell, Type = OrderType.Market, Quantity = 1m,
    };

    public static TheoryData<string, OrderSpec> ValidSpecs() => new()
    {
        { "limit", Limit() },
        { "limit IOC", Limit() with { TimeInForce = TimeInForce.Ioc } },
        { "limit GTX on futures", Limit(Perp) with { TimeInForce = TimeInForce.Gtx } },
        { "limit maker", Limit() with { Type = OrderType.LimitMaker } },
        { "iceberg", Limit() with { DisplayQuantity = 0.1m } },
        { "market", Market() },
        { "market by quote", Market() with { Side = OrderSide.Buy, Quantity = 0m, QuoteQuantity = 250m } },
        { "stop market", Market(Perp) with { Type = OrderType.StopMarket, StopPrice = 90m, TriggerPriceType = TriggerPriceType.MarkPrice } },
        { "stop limit", Limit() with { Type = OrderType.StopLimit, StopPrice = 99m } },
        { "take profit market", Market(Perp) with { Type = OrderType.TakeProfitMarket, StopPrice = 120m } },
        { "take profit limit", Limit() with { Type = OrderType.TakeProfitLimit, StopPrice = 101m } },
        { "trailing stop", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 1.5m } },
        { "trailing stop at the 20 % cap with activation", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 20m, ActivationPrice = 110m } },
        { "reduce-only on futures", Market(Perp) with { ReduceOnly = true } },
        { "hedge-mode long on futures", Limit(Perp) with { PositionSide = PositionSide.Long } },
        { "strategy tag of 64", Limit() with { StrategyTag = new string('s', 64) } },
    };

    [Theory]
    [MemberData(nameof(ValidSpecs))]
    public void Valid_specs_pass(string name, OrderSpec spec)
    {
        Assert.True(spec.Validate() is null, $"{name}: {spec.Validate()}");
    }

    public static TheoryData<string, OrderSpec, string> InvalidSpecs() => new()
    {
        { "unknown side", Limit() with { Side = (OrderSide)7 }, "side" },
        { "unknown type", Limit() with { Type = (OrderType)42 }, "type" },
        { "unknown time in force", Limit() with { TimeInForce = (TimeInForce)9 }, "time_in_force" },
        { "unknown position side", Limit(Perp) with { PositionSide = (PositionSide)9 }, "position_side" },
        { "zero quantity", Limit() with { Quantity = 0m }, "quantity" },
        { "negative quantity", Limit() with { Quantity = -1m }, "quantity" },
        { "quote quantity on a limit order", Limit() with { Quantity = 0m, QuoteQuantity = 100m }, "quote_quantity" },
        { "quote quantity on futures", Market(Perp) with { Quantity = 0m, QuoteQuantity = 100m }, "quote_quantity" },
        { "non-positive quote quantity", Market() with { Quantity = 0m, QuoteQuantity = 0m }, "quote_quantity" },
        { "quantity and quote quantity", Market() with { QuoteQuantity = 100m }, "quote_quantity" },
        { "limit without price", Limit() with { LimitPrice = null }, "limit_price" },
        { "limit with zero price", Limit() with { LimitPrice = 0m }, "limit_price" },
        { "limit maker without price", Limit() with { Type = OrderType.LimitMaker, LimitPrice = -1m }, "limit_price" },
        { "stop limit without price", Limit() with { Type = OrderType.StopLimit, LimitPrice = null, StopPrice = 99m }, "limit_price" },
        { "market with price", Market() with { LimitPrice = 100m }, "limit_price" },
        { "stop market without stop", Market(Perp) with { Type = OrderType.StopMarket }, "stop_price" },
        { "take profit with zero stop", Market(Perp) with { Type = OrderType.TakeProfitMarket, StopPrice = 0m }, "stop_price" },
        { "stop limit without stop", Limit() with { Type = OrderType.StopLimit }, "stop_price" },
        { "limit with stop", Limit() with { StopPrice = 99m }, "stop_price" },
        { "trailing stop with stop", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m, StopPrice = 99m }, "stop_price" },
        { "trailing stop without percent", Market(Perp) with { Type = OrderType.TrailingStopMarket }, "trailing_percent" },
        { "trailing stop with zero percent", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 0m }, "trailing_percent" },
        { "trailing stop above 20 %", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 20.01m }, "trailing_percent" },
        { "trailing stop with zero activation", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m, ActivationPrice = 0m }, "activation_price" },
        { "trailing stop with negative activation", Market(Perp) with { Type = OrderType.TrailingStopMarket, TrailingPercent = 1m, ActivationPrice = -5m }, "activation_price" },
        { "percent on a market order", Market() with { TrailingPercent = 1m }, "trailing_percent" },
        { "activation on a limit order", Limit() with { ActivationPrice = 100m }, "activation_price" },
        { "GTX on a market order", Market(Perp) with { TimeInForce = TimeInForce.Gtx }, "time_in_force" },
        { "GTX on a stop market order", Market(Perp) with { Type = OrderType.StopMarket, StopPrice = 90m, TimeInForce = TimeInForce.Gtx }, "time_in_force" },
        { "IOC on a limit maker", Limit() with { Type = OrderType.LimitMaker, TimeInForce = TimeInForce.Ioc }, "time_in_force" },
        { "FOK on a limit maker", Limit() with { Type = OrderType.LimitMaker, TimeInForce = TimeInForce.Fok }, "time_in_force" },
        { "zero display quantity", Limit() with { DisplayQuantity = 0m }, "display_quantity" },
        { "display quantity equal to quantity", Limit() with { DisplayQuantity = 1m }, "display_quantity" },
        { "display quantity on a market order", Market() with { DisplayQuantity = 0.5m }, "display_quantity" },
        { "reduce-only on spot", Market() with { ReduceOnly = true }, "reduce_only" },
        { "position side on spot", Limit() with { PositionSide = PositionSide.Short }, "position_side" },
        { "reduce-only with a hedge position side", Limit(Perp) with { PositionSide = PositionSide.Long, ReduceOnly = true }, "reduce_only" },
        { "strategy tag of 65", Limit() with { StrategyTag = new string('s', 65) }, "strategy_tag" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void Each_rule_denies_naming_the_offending_field(string name, OrderSpec spec, string field)
    {
        var denial = spec.Validate();

        Assert.True(denial is not null, $"{name} passed validation");
        Assert.Equal(DenialCode.InvalidOrder, denial.Code);
        Assert.Contains(field, denial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Market_and_conditional_classification()
    {
        OrderType[] market = [OrderType.Market, OrderType.StopMarket, OrderType.TakeProfitMarket, OrderType.TrailingStopMarket];
        OrderType[] conditional = [OrderType.StopMarket, OrderType.StopLimit, OrderType.TakeProfitMarket, OrderType.TakeProfitLimit, OrderType.TrailingStopMarket];
        foreach (var type in Enum.GetValues<OrderType>())
        {
            var spec = Limit() with { Type = type };
            Assert.Equal(market.Contains(type), spec.IsMarketType);
            Assert.Equal(conditional.Contains(type), spec.IsConditional);
        }
    }
}
