using System.Text.Json;
using Oms.Simulator.Engine;
using Xunit;

namespace Oms.Simulator.Tests.Engine;

public sealed class LiquidityTests
{
    private static readonly LiquidityOptions Maker = new()
    {
        Enabled = true, Levels = 5, QuantityPerLevel = 2m, HalfSpreadTicks = 1, LevelSpacingTicks = 10, VolatilityBps = 10m,
        StepInterval = TimeSpan.FromSeconds(1),
    };

    private static SimExchange SpotWithMaker(out ManualClock clock, LiquidityOptions? liquidity = null, int seed = 3)
    {
        var x = Spot.Exchange(out clock, Spot.Instrument(100m, liquidity: liquidity ?? Maker), seed);
        Spot.Account(x, "me");
        return x;
    }

    [Fact]
    public void Maker_quotes_levels_around_the_initial_price()
    {
        var x = SpotWithMaker(out _);
        var book = x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value;
        Assert.Equal([99.99m, 99.89m, 99.79m, 99.69m, 99.59m], book.Bids.Select(l => l.Price));
        Assert.Equal([100.01m, 100.11m, 100.21m, 100.31m, 100.41m], book.Asks.Select(l => l.Price));
        Assert.All(book.Bids.Concat(book.Asks), l => Assert.InRange(l.Quantity, 1m, 3m));
    }

    [Fact]
    public void Market_orders_fill_against_the_maker_without_a_test_counterparty()
    {
        var x = SpotWithMaker(out _);
        var buy = Spot.Place(x, "me", Spot.Market(OrderSide.Buy, qty: 1m));
        Assert.Equal(OrderStatus.Filled, buy.Order.Status);
        Assert.Equal(100.01m, buy.Fills[0].Price);
        var sell = Spot.Place(x, "me", Spot.Limit(OrderSide.Sell, 1m, 99m));
        Assert.Equal(OrderStatus.Filled, sell.Order.Status);
        Assert.Equal(99.99m, sell.Fills[0].Price);
        var account = x.GetSpotAccount("me").Value;
        Assert.Equal(10m + 0.999m - 1m, account.Balances.Single(b => b.Asset == "BTC").Free);
    }

    [Fact]
    public void Steps_follow_the_clock_and_the_maker_replenishes()
    {
        var x = SpotWithMaker(out var clock);
        Spot.Place(x, "me", Spot.Market(OrderSide.Buy, qty: 1.5m));
        var log = new EventLog(x);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        x.Tick();
        Assert.Empty(log.Of<TradeEvent>());
        clock.Advance(TimeSpan.FromSeconds(4.001));
        x.Tick();
        Assert.Equal(5, log.Of<TradeEvent>().Count);                 // one print per step
        var book = x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value;
        Assert.Equal(5, book.Asks.Count);
        Assert.Equal(5, book.Bids.Count);
        Assert.Equal(x.GetLastPrice(MarketKind.Spot, Spot.Symbol).Value, (book.Bids[0].Price + book.Asks[0].Price) / 2m);
    }

    [Fact]
    public void Held_market_does_not_walk()
    {
        var x = SpotWithMaker(out _);
        Assert.True(x.SetMarketHeld(MarketKind.Spot, Spot.Symbol, true).IsSuccess);
        for (var i = 0; i < 20; i++)
        {
            x.Step();
        }

        var ticker = x.GetBookTicker(MarketKind.Spot, Spot.Symbol).Value;
        Assert.Equal((99.99m, 100.01m), (ticker.BidPrice, ticker.AskPrice));
        Assert.Equal(100m, x.GetLastPrice(MarketKind.Spot, Spot.Symbol).Value);
    }

    [Fact]
    public void Set_price_trades_through_resting_orders_and_triggers_stops()
    {
        var x = SpotWithMaker(out _);
        var ask = Spot.Place(x, "me", Spot.Limit(OrderSide.Sell, 1m, 100.5m));
        var stop = Spot.Place(x, "me", new SpotOrderRequest { Symbol = Spot.Symbol, Side = OrderSide.Buy, Type = SpotOrderType.StopLoss, Quantity = 0.5m, StopPrice = 104m });
        Assert.True(x.SetPrice(MarketKind.Spot, Spot.Symbol, 105m).IsSuccess);

        var sold = x.GetSpotOrder("me", Spot.Symbol, ask.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.Filled, sold.Status);
        Assert.Equal(100.5m, sold.CummulativeQuoteQty);                       // filled at its own price
        var stopped = x.GetSpotOrder("me", Spot.Symbol, stop.Order.OrderId, null).Value;
        Assert.Equal(OrderStatus.Filled, stopped.Status);
        Assert.Equal(105.01m * 0.5m, stopped.CummulativeQuoteQty);           // bought from the re-quoted maker
        Assert.Equal(105m, x.GetRecentTrades(MarketKind.Spot, Spot.Symbol, 10).Value.Select(t => t.Price).Where(p => p == 105m).Single());
    }

    [Fact]
    public void Sweep_takes_the_book_up_to_a_price_and_leaves_it_thin_until_the_next_step()
    {
        var x = SpotWithMaker(out _);
        Assert.True(x.SweepBook(MarketKind.Spot, Spot.Symbol, OrderSide.Buy, 100.25m).IsSuccess);
        var book = x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value;
        Assert.Equal([100.31m, 100.41m], book.Asks.Select(l => l.Price));
        Assert.Equal(100.21m, x.GetLastPrice(MarketKind.Spot, Spot.Symbol).Value);
        x.Step(MarketKind.Spot, Spot.Symbol);
        Assert.Equal(5, x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value.Asks.Count);
    }

    [Fact]
    public void Disabling_liquidity_removes_the_maker()
    {
        var x = SpotWithMaker(out _);
        Assert.True(x.SetLiquidityEnabled(MarketKind.Spot, Spot.Symbol, false).IsSuccess);
        var book = x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value;
        Assert.Empty(book.Bids);
        Assert.Empty(book.Asks);
        Assert.True(x.SetLiquidityEnabled(MarketKind.Spot, Spot.Symbol, true).IsSuccess);
        Assert.Equal(5, x.GetOrderBook(MarketKind.Spot, Spot.Symbol, 100).Value.Bids.Count);
    }

    [Fact]
    public void Futures_mark_follows_the_mid_publishes_each_second_and_funding_runs_on_the_clock()
    {
        var x = Futures.Exchange(out var clock, Futures.Instrument(100m, Maker with { Held = true }));
        Futures.Account(x, "me");
        var log = new EventLog(x);
        var fill = Futures.Place(x, "me", Futures.Market(OrderSide.Buy, 1m));
        Assert.Equal((OrderStatus.Filled, 100.01m), (fill.Status, fill.AvgPrice));
        Assert.Equal(100m, x.GetMarkPrice(Futures.Symbol).Value.MarkPrice);
        clock.Advance(TimeSpan.FromSeconds(1));
        x.Tick();
        var mark = Assert.Single(log.Of<MarkPriceEvent>());
        Assert.Equal(x.GetMarkPrice(Futures.Symbol).Value.NextFundingTime, mark.NextFundingTime);

        var fundingAt = DateTimeOffset.FromUnixTimeMilliseconds(mark.NextFundingTime);
        clock.Advance(fundingAt - clock.GetUtcNow());
        x.Tick();
        var funding = x.GetIncomeHistory("me", new IncomeQuery { IncomeType = IncomeType.FundingFee }).Value.Single();
        Assert.Equal(-(1m * x.GetMarkPrice(Futures.Symbol).Value.MarkPrice * 0.0001m), funding.Income);
    }
}

public sealed class DeterminismTests
{
    private static List<string> Run(int seed)
    {
        var clock = new ManualClock();
        var liquidity = new LiquidityOptions { Enabled = true, Levels = 4, QuantityPerLevel = 1m, VolatilityBps = 20m, StepInterval = TimeSpan.FromMilliseconds(250) };
        var x = new SimExchange(
            new SimExchangeOptions
            {
                Seed = seed,
                SpotInstruments = [Spot.Instrument(100m, liquidity: liquidity)],
                FuturesInstruments = [Futures.Instrument(100m, liquidity)],
            },
            clock);
        var events = new List<string>();
        x.Subscribe(e => events.Add(e.GetType().Name + JsonSerializer.Serialize(e, e.GetType())));
        Assert.True(x.CreateAccount("a", new AccountSetup
        {
            SpotBalances = new Dictionary<string, decimal> { ["BTC"] = 10m, ["USDT"] = 100_000m },
            FuturesBalances = new Dictionary<string, decimal> { ["USDT"] = 100_000m },
        }).IsSuccess);
        for (var i = 0; i < 40; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(300));
            x.Tick();
            x.PlaceSpotOrder("a", Spot.Market(i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell, qty: 0.1m) with { SelfTradePreventionMode = null });
            x.PlaceSpotOrder("a", new SpotOrderRequest { Symbol = Spot.Symbol, Side = OrderSide.Buy, Type = SpotOrderType.Limit, TimeInForce = TimeInForce.Gtc, Quantity = 0.1m, Price = 99m });
            x.PlaceFuturesOrder("a", Futures.Market(i % 3 == 0 ? OrderSide.Sell : OrderSide.Buy, 0.2m));
            if (i % 7 == 0)
            {
                x.PlaceAlgoOrder("a", new FuturesAlgoOrderRequest { Symbol = Futures.Symbol, Side = OrderSide.Buy, Type = FuturesOrderType.TrailingStopMarket, Quantity = 0.1m, CallbackRate = 0.2m });
            }
        }

        return events;
    }

    [Fact]
    public void Same_seed_and_calls_give_identical_event_streams()
    {
        var first = Run(42);
        var second = Run(42);
        Assert.True(first.Count > 500, $"only {first.Count} events");
        Assert.Equal(first, second);
        Assert.Contains(first, e => e.StartsWith("FuturesAlgoUpdate", StringComparison.Ordinal) && e.Contains("\"AlgoStatus\":4", StringComparison.Ordinal));
    }

    [Fact]
    public void Different_seeds_give_different_markets()
    {
        Assert.NotEqual(Run(1), Run(2));
    }
}

public sealed class ConcurrencyAndDeliveryTests
{
    [Fact]
    public void Concurrent_callers_keep_sequence_order_and_balances()
    {
        var x = Spot.Exchange(out _);
        for (var i = 0; i < 4; i++)
        {
            Spot.Account(x, "t" + i);
        }

        var sequences = new List<long>();
        x.Subscribe(e =>
        {
            lock (sequences)
            {
                sequences.Add(e.Sequence);
            }
        });
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var rnd = new Random(t);
            for (var i = 0; i < 250; i++)
            {
                var side = rnd.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
                x.PlaceSpotOrder("t" + t, Spot.Limit(side, 0.1m, 99m + rnd.Next(0, 200) / 100m));
            }
        });

        Assert.Equal(sequences.Order().ToArray(), sequences.ToArray());
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        var fees = x.GetCollectedFees(MarketKind.Spot);
        var btc = Enumerable.Range(0, 4).Sum(i => Spot.Balance(x, "t" + i, "BTC").Free + Spot.Balance(x, "t" + i, "BTC").Locked) + fees.GetValueOrDefault("BTC");
        Assert.Equal(40m, btc);
    }

    [Fact]
    public void Handlers_may_call_back_into_the_engine_and_throwing_handlers_do_not_stop_delivery()
    {
        var errors = new List<Exception>();
        var clock = new ManualClock();
        var x = new SimExchange(new SimExchangeOptions { SpotInstruments = [Spot.Instrument()], SubscriberError = errors.Add }, clock);
        Spot.Account(x, "a");
        var seenDepth = new List<long>();
        x.Subscribe(_ => throw new InvalidOperationException("boom"));
        x.Subscribe(e =>
        {
            if (e is SpotExecutionReport)
            {
                seenDepth.Add(x.GetOrderBook(MarketKind.Spot, Spot.Symbol).Value.LastUpdateId);
            }
        });
        Spot.Place(x, "a", Spot.Limit(OrderSide.Buy, 1m, 99m));
        Assert.Single(seenDepth);
        Assert.NotEmpty(errors);

        using (x.Subscribe(_ => { }))
        {
        }
    }
}
