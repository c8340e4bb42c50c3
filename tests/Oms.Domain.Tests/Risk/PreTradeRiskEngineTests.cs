using static Oms.Domain.Tests.Risk.RiskFixtures;

namespace Oms.Domain.Tests.Risk;

public sealed class PreTradeRiskEngineTests
{
    private static Denial? Check(PreTradeRequest request) => PreTradeRiskEngine.Evaluate(request).Denial;

    private static void AssertDenial(Denial? denial, DenialCode code, decimal? limit, decimal? wouldBe, string? unit, string reasonPart)
    {
        Assert.NotNull(denial);
        Assert.Equal(code, denial.Code);
        Assert.Equal(limit, denial.Limit);
        Assert.Equal(wouldBe, denial.WouldBe);
        Assert.Equal(unit, denial.Unit);
        Assert.Contains(reasonPart, denial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gross_exposure_counts_positions_open_orders_and_the_order_and_names_the_numbers()
    {
        // 0.5 BTC long marked at 60000 = 30000 USDT; buying 0.35 more could take it to 0.85 BTC = 51000 USDT.
        var book = new RiskBook([Line(BtcPerp, 0.5m, 60000m)]);
        var request = Request(Limit(BtcPerp, OrderSide.Buy, 0.35m, 60000m), new RiskLimits { MaxGrossExposure = 50000m }, book: book);

        var outcome = PreTradeRiskEngine.Evaluate(request);

        AssertDenial(outcome.Denial, DenialCode.MaxGrossExposureExceeded, 50000m, 51000m, "USDT",
            "account gross exposure would be 51000 USDT with this order (now 30000 USDT), above the maximum 50000 USDT");
        Assert.Equal("MAX_GROSS_EXPOSURE_EXCEEDED", outcome.Denial!.Code.Name());
        Assert.Equal(30000m, outcome.ExposureBefore?.Gross);
        Assert.Equal(51000m, outcome.ExposureAfter?.Gross);
    }

    [Fact]
    public void Open_orders_count_at_their_worst_case()
    {
        // Resting buys of 0.3 on a 0.5 long: the leg can reach 0.8; another 0.1 makes 0.9 BTC = 54000.
        var book = new RiskBook([Line(BtcPerp, 0.5m, 60000m, openBuys: 0.3m)]);

        var denial = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.1m, 60000m), new RiskLimits { MaxGrossExposure = 50000m }, book: book));

        AssertDenial(denial, DenialCode.MaxGrossExposureExceeded, 50000m, 54000m, "USDT", "(now 48000 USDT)");
    }

    [Fact]
    public void An_account_over_its_limit_can_still_reduce()
    {
        // The price moved: 1 BTC is 60000, above the 50000 limit. Selling 0.2 does not make the worst case larger.
        var book = new RiskBook([Line(BtcPerp, 1m, 60000m)]);
        var limits = new RiskLimits { MaxGrossExposure = 50000m, MaxNetExposure = 50000m, MaxPositionQuantity = 0.5m };

        Assert.Null(Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.2m, 60000m), limits, book: book)));
        // Selling 2.5 would flip to 1.5 short: larger than the 1 long, refused.
        AssertDenial(Check(Request(Limit(BtcPerp, OrderSide.Sell, 2.5m, 60000m), limits, book: book)),
            DenialCode.MaxPositionExceeded, 0.5m, 1.5m, "BTC", "could reach 1.5 BTC");
    }

    [Fact]
    public void Net_exposure_is_the_larger_of_every_buy_filling_and_every_sell_filling()
    {
        // 0.5 BTC long (30000) against 10 ETH short at 3000 (-30000): net 0, gross 60000.
        var book = new RiskBook([Line(BtcPerp, 0.5m, 60000m), Line(EthPerp, -10m, 3000m)]);
        var limits = new RiskLimits { MaxNetExposure = 20000m };

        var denial = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.4m, 60000m), limits, book: book));
        var hedged = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.3m, 60000m), limits, book: book));

        AssertDenial(denial, DenialCode.MaxNetExposureExceeded, 20000m, 24000m, "USDT", "account net exposure would be 24000 USDT");
        Assert.Null(hedged);
    }

    [Fact]
    public void Position_limits_use_the_per_instrument_override_of_the_level()
    {
        var book = new RiskBook([Line(BtcPerp, 0.3m, 60000m)]);
        var limits = new RiskLimits
        {
            MaxPositionQuantity = 1m,
            Instruments = [new InstrumentRiskLimits { Instrument = BtcPerp, MaxPositionQuantity = 0.5m }],
        };

        var btc = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.3m, 60000m), limits, book: book));
        var eth = Check(Request(Limit(EthPerp, OrderSide.Buy, 0.9m, 3000m), limits, reference: 3000m, book: book));

        AssertDenial(btc, DenialCode.MaxPositionExceeded, 0.5m, 0.6m, "BTC", "position in BINANCE:");
        Assert.Null(eth);
    }

    [Fact]
    public void Position_notional_is_marked_at_the_reference_price()
    {
        var denial = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.2m, 59000m), new RiskLimits { MaxPositionNotional = 10000m }, reference: 60000m));

        AssertDenial(denial, DenialCode.MaxPositionNotionalExceeded, 10000m, 12000m, "USDT", "could reach 12000 USDT");
    }

    [Fact]
    public void Reduce_only_orders_must_not_increase_or_flip_the_position()
    {
        var book = new RiskBook([Line(BtcPerp, 0.3m, 60000m)]);

        var flip = Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.5m, 60000m, reduceOnly: true), book: book));
        var increase = Check(Request(Market(BtcPerp, OrderSide.Buy, 0.1m, reduceOnly: true), book: book));
        var exact = Check(Request(Market(BtcPerp, OrderSide.Sell, 0.3m, reduceOnly: true), book: book));
        var stopAhead = Check(Request(Market(BtcPerp, OrderSide.Buy, 0.1m, reduceOnly: true) with { Type = OrderType.StopMarket, StopPrice = 61000m }, book: book));
        var flatButKnown = Check(Request(Market(BtcPerp, OrderSide.Sell, 0.1m, reduceOnly: true), book: new RiskBook([Line(BtcPerp, 0m, 60000m)])));
        var neverTraded = Check(Request(Market(EthPerp, OrderSide.Sell, 0.1m, reduceOnly: true), reference: 3000m, book: book));

        AssertDenial(flip, DenialCode.ReduceOnlyWouldIncrease, 0.3m, 0.5m, "BTC", "larger than the position 0.3 BTC and would flip it beyond zero");
        AssertDenial(increase, DenialCode.ReduceOnlyWouldIncrease, 0m, 0.1m, "BTC", "there is nothing to reduce on that side");
        Assert.Null(exact);
        Assert.Null(stopAhead); // the venue judges a conditional reduce-only order when it triggers
        Assert.Equal(DenialCode.ReduceOnlyWouldIncrease, flatButKnown?.Code);
        Assert.Null(neverTraded); // a leg the account never traded may hold a position opened elsewhere: the venue judges it
    }

    [Fact]
    public void Closing_a_hedge_leg_must_not_be_larger_than_the_leg()
    {
        var book = new RiskBook([Line(BtcPerp, 0.2m, 60000m, leg: PositionSide.Long)]);

        var tooMuch = Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.3m, 60000m, positionSide: PositionSide.Long), book: book, mode: PositionMode.Hedge));
        var fine = Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.2m, 60000m, positionSide: PositionSide.Long), book: book, mode: PositionMode.Hedge));
        var openShort = Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.3m, 60000m, positionSide: PositionSide.Short), book: book, mode: PositionMode.Hedge));

        AssertDenial(tooMuch, DenialCode.ReduceOnlyWouldIncrease, 0.2m, 0.3m, "BTC", "closing (Long leg)");
        Assert.Null(fine);
        Assert.Null(openShort);
    }

    [Fact]
    public void Spot_buys_need_the_quote_with_the_fee_estimate_and_sells_need_the_base()
    {
        var balances = new BalanceView { QuoteAvailable = 1000m, BaseAvailable = 0.5m };

        var buy = Check(Request(Limit(BtcSpot, OrderSide.Buy, 0.02m, 50000m), reference: 50000m, balances: balances));
        var cheaperFee = Check(Request(Limit(BtcSpot, OrderSide.Buy, 0.02m, 50000m), new RiskLimits { FeeEstimatePercent = 0m }, reference: 50000m, balances: balances));
        var sell = Check(Request(Limit(BtcSpot, OrderSide.Sell, 0.6m, 50000m), reference: 50000m, balances: balances));
        var unknown = Check(Request(Limit(BtcSpot, OrderSide.Buy, 1m, 50000m), reference: 50000m, balances: new BalanceView()));

        AssertDenial(buy, DenialCode.InsufficientBalance, 1000m, 1001m, "USDT", "buying needs 1001 USDT (notional 1000 + 0.1% fee estimate)");
        Assert.Null(cheaperFee);
        AssertDenial(sell, DenialCode.InsufficientBalance, 0.5m, 0.6m, "BTC", "selling 0.6 BTC");
        Assert.Null(unknown); // the venue never reported those balances
    }

    [Fact]
    public void Futures_margin_is_the_worst_case_gross_over_the_leverage_plus_the_fee()
    {
        var balances = new BalanceView { MarginEquity = 1000m };

        var at10x = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.2m, 60000m), new RiskLimits { Leverage = 10m }, balances: balances));
        var at20x = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.2m, 60000m), new RiskLimits { Leverage = 20m }, balances: balances));
        var reducing = Check(Request(Limit(BtcPerp, OrderSide.Sell, 0.2m, 60000m), new RiskLimits { Leverage = 10m },
            book: new RiskBook([Line(BtcPerp, 0.5m, 60000m)]), balances: balances));

        // 12000 notional / 10 + 0.1% of 12000 = 1212 > 1000.
        AssertDenial(at10x, DenialCode.InsufficientMargin, 1000m, 1212m, "USDT", "worst-case gross 12000 USDT at 10x leverage");
        Assert.Null(at20x);
        Assert.Null(reducing);
    }

    [Fact]
    public void The_tightest_level_applies_and_the_denial_names_it()
    {
        var firm = new RiskLimits { MaxOrderNotional = 1000m };
        var account = new RiskLimits
        {
            MaxOrderNotional = 5000m,
            Strategies = [new StrategyRiskLimits { Tag = "alpha", MaxOrderNotional = 500m }],
        };

        var byFirm = Check(Request(Limit(BtcSpot, OrderSide.Buy, 0.02m, 60000m), account, firm: firm));
        var byStrategy = Check(Request(Limit(BtcSpot, OrderSide.Buy, 0.01m, 60000m, tag: "alpha"), account, firm: firm));
        var otherTag = Check(Request(Limit(BtcSpot, OrderSide.Buy, 0.01m, 60000m, tag: "beta"), account, firm: firm));

        AssertDenial(byFirm, DenialCode.NotionalExceedsMaxPerOrder, 1000m, 1200m, "USDT", "exceeds the maximum 1000 USDT per order (firm limit)");
        AssertDenial(byStrategy, DenialCode.NotionalExceedsMaxPerOrder, 500m, 600m, "USDT", "(strategy 'alpha' limit)");
        Assert.Null(otherTag);
    }

    [Fact]
    public void Strategy_limits_apply_to_the_strategy_book_and_open_orders()
    {
        var limits = new RiskLimits
        {
            Strategies = [new StrategyRiskLimits { Tag = "alpha", MaxOpenOrders = 2, MaxGrossExposure = 10000m }],
        };
        var strategyBook = new RiskBook([Line(BtcPerp, 0.1m, 60000m)]);
        var spec = Limit(BtcPerp, OrderSide.Buy, 0.1m, 60000m, tag: "alpha");

        var exposure = PreTradeRiskEngine.Evaluate(Request(spec, limits) with { StrategyBook = strategyBook }).Denial;
        var openOrders = PreTradeRiskEngine.Evaluate(Request(spec with { Quantity = 0.01m }, limits) with { StrategyOpenOrderCount = 2 }).Denial;

        AssertDenial(exposure, DenialCode.MaxGrossExposureExceeded, 10000m, 12000m, "USDT", "strategy 'alpha' gross exposure would be 12000 USDT");
        AssertDenial(openOrders, DenialCode.MaxOpenOrdersExceeded, 2m, 3m, "orders", "open orders of strategy 'alpha' would be 3");
    }

    [Fact]
    public void Firm_and_strategy_states_gate_orders()
    {
        var spec = Limit(BtcPerp, OrderSide.Buy, 0.01m, 60000m);
        var halted = Check(Request(spec, firmState: TradingState.Halted) with { FirmTradingStateReason = "kill switch" });
        var reducing = Check(Request(spec, firmState: TradingState.Reducing));
        var reducingButReduces = Check(Request(spec, firmState: TradingState.Reducing, reduces: true));
        var strategyHalted = Check(Request(spec with { StrategyTag = "alpha" },
            new RiskLimits { Strategies = [new StrategyRiskLimits { Tag = "alpha", Halted = true }] }));

        AssertDenial(halted, DenialCode.FirmTradingHalted, null, null, null, "trading is halted firm-wide: only cancels are accepted (kill switch)");
        AssertDenial(reducing, DenialCode.TradingReducingOnly, null, null, null, "the firm may only reduce positions");
        Assert.Null(reducingButReduces);
        AssertDenial(strategyHalted, DenialCode.StrategyHalted, null, null, null, "strategy 'alpha' of account risk-1 is halted");
    }

    [Fact]
    public void A_protective_order_passes_a_halt_and_the_limits_but_not_filters_or_reduce_only()
    {
        var book = new RiskBook([Line(BtcPerp, 0.3m, 60000m)]);
        var limits = new RiskLimits { MaxOpenOrders = 1, MaxGrossExposure = 1m };
        var stop = Market(BtcPerp, OrderSide.Sell, 0.3m, reduceOnly: true) with { Type = OrderType.StopMarket, StopPrice = 57000m };

        var passes = Check(Request(stop, limits, book: book, state: TradingState.Halted, open: 5) with { Protective = true });
        var offTick = Check(Request(stop with { StopPrice = 57000.05m }, limits, book: book, state: TradingState.Halted) with { Protective = true });
        var flatten = Check(Request(Market(BtcPerp, OrderSide.Sell, 0.4m, reduceOnly: true), limits, book: book, state: TradingState.Halted) with { Protective = true });

        Assert.Null(passes);
        Assert.Equal(DenialCode.PriceNotOnTick, offTick?.Code);
        Assert.Equal(DenialCode.ReduceOnlyWouldIncrease, flatten?.Code);
    }

    [Fact]
    public void A_book_line_nothing_can_value_fails_the_exposure_check_closed()
    {
        var book = new RiskBook([Line(BtcPerp, 0.1m, 60000m), Line(EthPerp, 1m, 3000m) with { MarkPrice = null }]);

        var denial = Check(Request(Limit(BtcPerp, OrderSide.Buy, 0.01m, 60000m), new RiskLimits { MaxGrossExposure = 100000m }, book: book));

        Assert.Equal(DenialCode.NoReferencePrice, denial?.Code);
        Assert.Contains("in BINANCE:", denial!.Reason, StringComparison.Ordinal);
        Assert.Contains("ETHUSDT", denial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_market_order_without_a_price_cannot_be_measured_against_exposure()
    {
        var denial = Check(Request(Market(BtcPerp, OrderSide.Buy, 0.01m), new RiskLimits { MaxGrossExposure = 100000m }, reference: null));

        Assert.Equal(DenialCode.NoReferencePrice, denial?.Code);
    }

    [Fact]
    public void The_firm_rule_sums_the_other_accounts_with_this_one()
    {
        var others = new Exposure(40000m, 40000m, 0m);

        var over = FirmExposureRules.Check(50000m, null, others, new Exposure(5000m, 5000m, 0m), new Exposure(15000m, 15000m, 0m), "USDT");
        var within = FirmExposureRules.Check(50000m, null, others, new Exposure(5000m, 5000m, 0m), new Exposure(10000m, 10000m, 0m), "USDT");
        var net = FirmExposureRules.Check(null, 30000m, others, Exposure.Zero, new Exposure(1000m, -1000m, -1000m), "USDT");

        AssertDenial(over, DenialCode.FirmMaxGrossExposureExceeded, 50000m, 55000m, "USDT", "firm gross exposure would be 55000 USDT with this order (now 45000 USDT)");
        Assert.Null(within);
        Assert.Null(net); // the firm's net falls from 40000 to 39000: reducing passes even above the limit
    }

    [Fact]
    public void Both_exit_legs_of_a_bracket_each_sized_to_the_whole_position_pass_reduce_only_and_the_reducing_state()
    {
        // One-way 1 BTC long: a reduce-only stop-loss for 1 BTC already rests; the take-profit for 1 BTC is judged
        // against the position alone (the siblings cannot both fill: the venue expires the second once flat).
        var stopLoss = new OrderSpec { Instrument = BtcPerp, Side = OrderSide.Sell, Type = OrderType.StopMarket, Quantity = 1m, StopPrice = 57000m, ReduceOnly = true };
        var takeProfit = Limit(BtcPerp, OrderSide.Sell, 1m, 63000m, reduceOnly: true);
        var book = new RiskBook([Line(BtcPerp, 1m, 60000m)]);
        var limits = new RiskLimits { MaxGrossExposure = 10000m, PriceBandPercent = 10m };

        var reduces = PreTradeRiskEngine.Reduces(takeProfit, 1m, pendingReduction: 0m, 60000m);
        var denial = Check(Request(takeProfit, limits, book: book, state: TradingState.Reducing, reduces: reduces));
        var stopDenial = Check(Request(stopLoss, limits, book: book, state: TradingState.Reducing, reduces: PreTradeRiskEngine.Reduces(stopLoss, 1m, 1m, 60000m)));

        Assert.True(reduces);
        Assert.Null(denial);
        Assert.Null(stopDenial);
        Assert.False(PreTradeRiskEngine.CountsAsPendingReduction(stopLoss));
    }

    [Fact]
    public void Hedge_mode_exit_legs_close_the_leg_and_count_as_reducing_whatever_else_rests()
    {
        // Hedge mode, LONG leg 1 BTC: sells on the long leg close it; a resting 1 BTC closing stop does not make the
        // take-profit a flip, but a closing limit larger than the leg is still refused with the numbers.
        var takeProfit = Limit(BtcPerp, OrderSide.Sell, 1m, 63000m, positionSide: PositionSide.Long);
        var tooLarge = Limit(BtcPerp, OrderSide.Sell, 1.5m, 63000m, positionSide: PositionSide.Long);
        var book = new RiskBook([Line(BtcPerp, 1m, 60000m, leg: PositionSide.Long)]);

        var passes = Check(Request(takeProfit, book: book, state: TradingState.Reducing, mode: PositionMode.Hedge,
            reduces: PreTradeRiskEngine.Reduces(takeProfit, 1m, pendingReduction: 1m, 60000m)));
        var refused = Check(Request(tooLarge, book: book, state: TradingState.Reducing, mode: PositionMode.Hedge,
            reduces: PreTradeRiskEngine.Reduces(tooLarge, 1m, 0m, 60000m)));

        Assert.Null(passes);
        AssertDenial(refused, DenialCode.ReduceOnlyWouldIncrease, 1m, 1.5m, "BTC", "closing (Long leg) Sell order of 1.5 BTC");
        Assert.False(PreTradeRiskEngine.CountsAsPendingReduction(takeProfit));
    }

    [Fact]
    public void An_ordinary_order_that_could_flip_the_position_with_another_resting_one_does_not_reduce()
    {
        // 1 BTC long with an ordinary 0.6 BTC sell resting: another ordinary 0.6 sell could take it to -0.2.
        var sell = Limit(BtcPerp, OrderSide.Sell, 0.6m, 60000m);

        Assert.True(PreTradeRiskEngine.CountsAsPendingReduction(sell));
        Assert.False(PreTradeRiskEngine.Reduces(sell, 1m, pendingReduction: 0.6m, 60000m));
        Assert.True(PreTradeRiskEngine.Reduces(sell, 1m, pendingReduction: 0.4m, 60000m));
        Assert.False(PreTradeRiskEngine.Reduces(Limit(BtcPerp, OrderSide.Buy, 0.1m, 60000m), 1m, 0m, 60000m));
    }
}
