namespace Oms.Grains.Tests.Unit;

public sealed class PreTradeRiskCheckTests
{
    private static readonly AccountId Account = new("unit");

    private static PreTradeContext Context(OrderSpec spec, RiskLimits? limits = null, decimal? reference = 60000m, TradingState state = TradingState.Active,
        bool reconciling = false, bool reduces = false, int open = 0, int recent = 0, AccountConfig? config = null) => new()
    {
        Account = Account,
        Config = config ?? TestAccounts.Binance(),
        Spec = spec,
        Instrument = spec.Instrument == TestInstruments.BtcPerp ? TestInstruments.BtcPerpSpec : TestInstruments.BtcSpotSpec,
        ReferencePrice = reference,
        Policy = new RiskPolicy(limits ?? RiskLimits.None, state, 1),
        Reconciling = reconciling,
        ReducesPosition = reduces,
        OpenOrderCount = open,
        OrdersInLastSecond = recent,
    };

    [Fact]
    public void A_legal_order_within_limits_passes()
    {
        var limits = new RiskLimits { MaxOrderNotional = 1000m, MaxOrderQuantity = 1m, MaxOpenOrders = 5, PriceBandPercent = 1m, MaxOrdersPerSecond = 10 };
        Assert.Null(PreTradeRiskCheck.Check(Context(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.01m, 60000m), limits, open: 4, recent: 9)));
    }

    [Fact]
    public void The_notional_denial_names_the_numbers()
    {
        var denial = PreTradeRiskCheck.Check(Context(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.85391m, 60000m) , new RiskLimits { MaxOrderNotional = 50000m }));

        Assert.Equal(new Denial(DenialCode.NotionalExceedsMaxPerOrder, "notional 51234.6 USDT exceeds the maximum 50000 USDT per order", 50000m, 51234.6m, "USDT"), denial);
    }

    [Fact]
    public void Quote_sized_market_orders_are_valued_at_their_quote_quantity()
    {
        var spec = Specs.Market(TestInstruments.BtcSpot, OrderSide.Buy, 0m) with { QuoteQuantity = 600m };

        var tooBig = PreTradeRiskCheck.Check(Context(spec, new RiskLimits { MaxOrderNotional = 500m }));
        var tooSmall = PreTradeRiskCheck.CheckFilters(spec with { QuoteQuantity = 4m }, TestInstruments.BtcSpotSpec, null);
        var quantityUnknown = PreTradeRiskCheck.Check(Context(spec, new RiskLimits { MaxOrderQuantity = 1m }, reference: null));

        Assert.Equal(DenialCode.NotionalExceedsMaxPerOrder, tooBig?.Code);
        Assert.Equal(600m, tooBig?.WouldBe);
        Assert.Equal(DenialCode.NotionalBelowMin, tooSmall?.Code);
        Assert.Equal(DenialCode.NoReferencePrice, quantityUnknown?.Code);
    }

    [Fact]
    public void Stop_market_orders_are_valued_at_their_stop_price()
    {
        var spec = Specs.Market(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m) with { Type = OrderType.StopMarket, StopPrice = 50000m };

        var denial = PreTradeRiskCheck.Check(Context(spec, new RiskLimits { MaxOrderNotional = 400m }, reference: null));

        Assert.Equal(DenialCode.NotionalExceedsMaxPerOrder, denial?.Code);
        Assert.Equal(500m, denial?.WouldBe);
    }

    [Theory]
    [InlineData(59400, null)]
    [InlineData(60600, null)]
    [InlineData(59399.99, 1.000017)]
    [InlineData(60600.01, 1.000017)]
    [InlineData(66000.01, 10.000017)]
    public void The_price_band_is_measured_from_the_reference_price(double price, double? deviation)
    {
        var denial = PreTradeRiskCheck.CheckLimits(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, (decimal)price), TestInstruments.BtcSpotSpec, 60000m,
            new RiskLimits { PriceBandPercent = 1m }, 0, 0);

        if (deviation is null)
        {
            Assert.Null(denial);
        }
        else
        {
            Assert.Equal(DenialCode.PriceBandExceeded, denial?.Code);
            Assert.Equal((decimal)deviation.Value, denial?.WouldBe);
        }
    }

    [Fact]
    public void A_price_band_without_a_reference_price_fails_closed()
    {
        var denial = PreTradeRiskCheck.CheckLimits(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), TestInstruments.BtcSpotSpec, null,
            new RiskLimits { PriceBandPercent = 1m }, 0, 0);

        Assert.Equal(DenialCode.NoReferencePrice, denial?.Code);
    }

    [Theory]
    [InlineData(TradingState.Active, false, false, null)]
    [InlineData(TradingState.Halted, false, true, DenialCode.TradingHalted)]
    [InlineData(TradingState.Reducing, false, false, DenialCode.TradingReducingOnly)]
    [InlineData(TradingState.Reducing, false, true, null)]
    [InlineData(TradingState.Active, true, false, DenialCode.AccountReconciling)]
    [InlineData(TradingState.Active, true, true, null)]
    [InlineData(TradingState.Reducing, true, false, DenialCode.TradingReducingOnly)]
    public void Trading_state_and_reconciliation_gate_orders(TradingState state, bool reconciling, bool reduces, DenialCode? expected)
    {
        var denial = PreTradeRiskCheck.CheckTradingState(Account, Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 60000m), state, reconciling, reduces);

        Assert.Equal(expected, denial?.Code);
    }

    [Theory]
    [InlineData(OrderSide.Sell, 0.5, 0.3, 0.0, true)]
    [InlineData(OrderSide.Sell, 0.5, 0.3, 0.2, true)]
    [InlineData(OrderSide.Sell, 0.5, 0.3, 0.3, false)]
    [InlineData(OrderSide.Sell, 0.5, 0.6, 0.0, false)]
    [InlineData(OrderSide.Buy, 0.5, 0.1, 0.0, false)]
    [InlineData(OrderSide.Buy, -0.5, 0.5, 0.0, true)]
    [InlineData(OrderSide.Sell, 0.0, 0.1, 0.0, false)]
    public void An_order_reduces_only_when_it_does_not_go_through_zero(OrderSide side, double leg, double quantity, double pending, bool expected)
    {
        var spec = Specs.Limit(TestInstruments.BtcPerp, side, (decimal)quantity, 60000m);

        Assert.Equal(expected, PreTradeRiskCheck.Reduces(spec, (decimal)leg, (decimal)pending, 60000m));
        Assert.True(PreTradeRiskCheck.Reduces(spec with { ReduceOnly = true }, (decimal)leg, (decimal)pending, 60000m));
    }

    [Fact]
    public void Position_sides_must_match_the_account_mode_on_derivatives()
    {
        var hedge = TestAccounts.Binance(PositionMode.Hedge);

        Assert.Equal(DenialCode.InvalidOrder, PreTradeRiskCheck.CheckAccountScope(Account, hedge, Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 1m, 1m))?.Code);
        Assert.Null(PreTradeRiskCheck.CheckAccountScope(Account, hedge, Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 1m, 1m, PositionSide.Long)));
        Assert.Equal(DenialCode.InvalidOrder, PreTradeRiskCheck.CheckAccountScope(Account, TestAccounts.Binance(), Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 1m, 1m, PositionSide.Short))?.Code);
        Assert.Null(PreTradeRiskCheck.CheckAccountScope(Account, hedge, Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 1m, 1m)));
    }
}
