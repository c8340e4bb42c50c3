using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Sim = Oms.Simulator.Engine;

namespace Oms.Connectors.Contract.Tests;

/// <summary>
/// Protective and advanced orders on Binance USDⓈ-M end to end: oms.v1.AdvancedOrderService over gRPC, the contingent
/// order grain, the account grain, the real USD-M connector (WS API, Algo Service, listenKey user data with
/// ALGO_UPDATE) and the in-process simulator, whose engine is read directly to check what the venue holds. Prices are
/// moved with the simulator's engine controls (last price with a trade print, pinned mark) and given to the OMS as its
/// reference price.
/// </summary>
[Collection(UsdMAdvancedOrderCollection.Name)]
public sealed class BinanceUsdMAdvancedOrderTests(UsdMAdvancedOrderFixture oms, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Symbol = "BTCUSDT";
    private const decimal Start = 65000m;
    private static readonly InstrumentId Btc = new(Venue.Binance, MarketType.UsdMFutures, Symbol);
    private readonly Wire.OrderService.OrderServiceClient _orders = new(oms.Channel);
    private readonly Wire.AccountService.AccountServiceClient _accounts = new(oms.Channel);
    private readonly Wire.AdvancedOrderService.AdvancedOrderServiceClient _advanced = new(oms.Channel);
    private readonly UsdMSimulatorInspector _inspector = new(oms.Sim.Urls.Admin);

    private BinanceUsdMConnector Connector => oms.Services.GetRequiredService<BinanceUsdMConnector>();

    private Sim.SimExchange Exchange => oms.Sim.Exchange;

    public Task InitializeAsync()
    {
        // A quiet market with its maker ladder (a test that turns liquidity off turns it back on here and at its end).
        Engine(Exchange.SetMarketHeld(Sim.MarketKind.UsdM, Symbol, true));
        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, true));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, true));
        _inspector.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_bracket_whose_stop_fires_cancels_its_take_profit_at_the_venue_and_the_oms_matches_the_venue()
    {
        var account = await NewFuturesAccountAsync("fbr");
        await SetPriceAsync(Start);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);

        var submitted = await _advanced.SubmitBracketAsync(Bracket(account, "brstop", MarketEntry("0.010"), StopLeg(64350.0m), TakeProfitLeg(65650.0m)), oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        Assert.Equal(Wire.ExecutionMode.OmsManaged, submitted.Strategy.Mode);

        // The entry fills at the venue; both legs go to the Algo Service reduce-only, for what the entry filled.
        var legs = await WaitStrategyAsync(account, "brstop", s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is Wire.OrderStatus.New or Wire.OrderStatus.Filled),
            "the entry filled and both legs accepted");
        Assert.Equal(0.010m, Dec(legs.FilledQuantity));
        Assert.Equal(0.010m, Dec(legs.OpenQuantity));
        var stop = legs.Children.Single(c => c.Role == Wire.ChildRole.StopLoss);
        var target = legs.Children.Single(c => c.Role == Wire.ChildRole.TakeProfit);
        Assert.Equal(("brstop-sl-1", "brstop-tp-1"), (stop.ClientOrderId, target.ClientOrderId));
        Assert.StartsWith("algo-", stop.Order.VenueOrderId, StringComparison.Ordinal);
        Assert.StartsWith("algo-", target.Order.VenueOrderId, StringComparison.Ordinal);
        var resting = OpenAlgos(account);
        Assert.Equal(2, resting.Count);
        AssertAlgo(resting, stop.ClientOrderId, Sim.FuturesOrderType.StopMarket, 0.010m, 64350.0m);
        AssertAlgo(resting, target.ClientOrderId, Sim.FuturesOrderType.TakeProfitMarket, 0.010m, 65650.0m);
        Assert.Equal(0.010m, VenuePosition(account));

        // The market falls through the stop: it triggers and fills; the OMS cancels the take-profit at the venue.
        await SetPriceAsync(64025.0m);
        var done = await WaitStrategyAsync(account, "brstop", s => s.Status == Wire.StrategyStatus.Completed, "completed");
        Assert.Equal([Wire.OrderStatus.Filled, Wire.OrderStatus.Filled, Wire.OrderStatus.Canceled], done.Children.Select(c => c.Order.Status));
        Assert.Equal(0m, Dec(done.OpenQuantity));
        // The report stream may trail the strategy (it reads the account, the stream is pushed): wait for it.
        await stream.WaitForAsync(r => r.Order.ClientOrderId == stop.ClientOrderId && r.ExecutionType == Wire.ExecutionType.Triggered);

        var algos = AllAlgos(account);
        var firedStop = algos.Single(a => a.ClientAlgoId == stop.ClientOrderId);
        Assert.NotNull(firedStop.ActualOrderId);
        Assert.Equal(Sim.AlgoStatus.Canceled, algos.Single(a => a.ClientAlgoId == target.ClientOrderId).AlgoStatus);
        Assert.Empty(OpenAlgos(account));
        var cancels = (await _inspector.GetRequestsAsync(account)).Where(r => r.Operation == "algoOrder.cancel" && r.Status == 200).ToList();
        var cancel = Assert.Single(cancels);
        Assert.Equal(target.Order.VenueOrderId, "algo-" + cancel.Parameters.GetValueOrDefault("algoId", "?"));

        await AssertOmsEqualsVenueAsync(account, stream);
        output.WriteLine($"entry {legs.Children[0].Order.AveragePrice}; stop triggered at 64350.0, filled at {done.Children[1].Order.AveragePrice}; take-profit {target.ClientOrderId} cancelled at the venue");
    }

    [Fact]
    public async Task Partial_entry_fills_resize_the_reduce_only_legs_at_the_venue_and_the_take_profit_firing_cancels_the_stop()
    {
        var account = await NewFuturesAccountAsync("fbrp");
        var counterparty = new AccountId($"cp-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(counterparty, new Dictionary<string, string>(), new Dictionary<string, string> { ["USDT"] = "100000" });
        await SetPriceAsync(Start);
        // Without the maker's ladder the entry is the only bid: a counterparty's sell fills exactly what it sells.
        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, false));
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);

        const decimal entryPrice = 64950.0m;
        var entry = new Wire.OrderSpec
        {
            Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "0.010",
            LimitPrice = Text(entryPrice), TimeInForce = Wire.TimeInForce.Gtc,
        };
        var submitted = await _advanced.SubmitBracketAsync(Bracket(account, "brpart", entry, StopLeg(64000.0m), TakeProfitLeg(66000.0m)), oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        await WaitStrategyAsync(account, "brpart", s => s.Children.Count == 1 && s.Children[0].Order?.Status == Wire.OrderStatus.New, "the entry resting");
        Assert.Empty(OpenAlgos(account));

        // 0.004 of 0.010: legs of 0.004.
        SellAsCounterparty(counterparty, 0.004m, entryPrice);
        var partial = await WaitForAlgosAsync(account, algos => algos.Count == 2 && algos.All(a => a.Quantity == 0.004m), "two legs of 0.004");
        AssertAlgo(partial, "brpart-sl-1", Sim.FuturesOrderType.StopMarket, 0.004m, 64000.0m);
        AssertAlgo(partial, "brpart-tp-1", Sim.FuturesOrderType.TakeProfitMarket, 0.004m, 66000.0m);
        var afterPartial = await WaitStrategyAsync(account, "brpart", s => s.Children.Count == 3 && Dec(s.FilledQuantity) == 0.004m, "0.004 filled");
        Assert.Equal(Wire.OrderStatus.PartiallyFilled, afterPartial.Children[0].Order.Status);

        // The rest fills: a stop cannot be amended at the venue, so each leg is cancelled and placed again for 0.010.
        SellAsCounterparty(counterparty, 0.006m, entryPrice);
        var resized = await WaitForAlgosAsync(account, algos => algos.Count == 2 && algos.All(a => a.Quantity == 0.010m), "two legs of 0.010");
        AssertAlgo(resized, "brpart-sl-2", Sim.FuturesOrderType.StopMarket, 0.010m, 64000.0m);
        AssertAlgo(resized, "brpart-tp-2", Sim.FuturesOrderType.TakeProfitMarket, 0.010m, 66000.0m);
        var all = AllAlgos(account);
        Assert.Equal(Sim.AlgoStatus.Canceled, all.Single(a => a.ClientAlgoId == "brpart-sl-1").AlgoStatus);
        Assert.Equal(Sim.AlgoStatus.Canceled, all.Single(a => a.ClientAlgoId == "brpart-tp-1").AlgoStatus);
        var full = await WaitStrategyAsync(account, "brpart", s => s.Children.Count == 5 && s.Children.Where(c => c.Generation == 2).All(c => c.Order?.Status == Wire.OrderStatus.New),
            "the second generation of legs accepted");
        Assert.Equal((0.010m, 0.010m), (Dec(full.FilledQuantity), Dec(full.OpenQuantity)));
        Assert.Equal(0.010m, VenuePosition(account));

        // The market rises through the take-profit: it fires and the stop is cancelled.
        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, true));
        await SetPriceAsync(66100.0m);
        var done = await WaitStrategyAsync(account, "brpart", s => s.Status == Wire.StrategyStatus.Completed, "completed");
        Assert.Equal(Wire.OrderStatus.Filled, done.Children.Single(c => c.ClientOrderId == "brpart-tp-2").Order.Status);
        Assert.Equal(Wire.OrderStatus.Canceled, done.Children.Single(c => c.ClientOrderId == "brpart-sl-2").Order.Status);
        Assert.Equal(Sim.AlgoStatus.Canceled, AllAlgos(account).Single(a => a.ClientAlgoId == "brpart-sl-2").AlgoStatus);
        Assert.Empty(OpenAlgos(account));

        await AssertOmsEqualsVenueAsync(account, stream);
        output.WriteLine($"legs 0.004 after the partial fill, 0.010 (generation 2) after the rest; take-profit filled at {done.Children.Single(c => c.ClientOrderId == "brpart-tp-2").Order.AveragePrice}");
    }

    [Fact]
    public async Task Cancelling_a_bracket_whose_stop_limit_triggered_cancels_the_engine_order_the_trigger_placed()
    {
        var account = await NewFuturesAccountAsync("fbrsl");
        await SetPriceAsync(Start);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var stopLimit = new Wire.ProtectiveLeg { Type = Wire.OrderType.StopLimit, StopPrice = "64350.0", LimitPrice = "64300.0" };
        var submitted = await _advanced.SubmitBracketAsync(Bracket(account, "brsl", MarketEntry("0.010"), stopLimit, TakeProfitLeg(65650.0m)), oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        await WaitStrategyAsync(account, "brsl", s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is Wire.OrderStatus.New or Wire.OrderStatus.Filled),
            "the entry filled and both legs accepted");
        var placed = OpenAlgos(account).Single(a => a.ClientAlgoId == "brsl-sl-1");
        Assert.Equal((Sim.FuturesOrderType.Stop, 64350.0m, 64300.0m, true), (placed.OrderType, placed.TriggerPrice, placed.Price, placed.ReduceOnly));

        // The market gaps below the limit: the stop triggers and its LIMIT sell rests on the engine, unfilled.
        await SetPriceAsync(64000.0m);
        await stream.WaitForAsync(r => r.Order.ClientOrderId == "brsl-sl-1" && r.ExecutionType == Wire.ExecutionType.Triggered);
        var resting = Engine(Exchange.GetOpenFuturesOrders(account.Value, Symbol)).Single();
        Assert.Equal(("brsl-sl-1", Sim.FuturesOrderType.Limit, 64300.0m, true), (resting.ClientOrderId, resting.Type, resting.Price, resting.ReduceOnly));
        Assert.Equal(Wire.OrderStatus.New, (await GetOrderAsync(account, "brsl-sl-1")).Status);

        // Cancelling the strategy cancels that engine order (the OMS order still carries the algo order's id).
        var cancel = await _advanced.CancelStrategyAsync(new Wire.CancelStrategyRequest { AccountId = account.Value, StrategyId = "brsl" }, oms.Auth());
        Assert.True(cancel.Accepted, cancel.ToString());
        var cancelled = await WaitStrategyAsync(account, "brsl", s => s.Status == Wire.StrategyStatus.Cancelled, "cancelled");
        Assert.Equal([Wire.OrderStatus.Filled, Wire.OrderStatus.Canceled, Wire.OrderStatus.Canceled], cancelled.Children.Select(c => c.Order.Status));
        Assert.Empty(Engine(Exchange.GetOpenFuturesOrders(account.Value, Symbol)));
        Assert.Empty(OpenAlgos(account));
        Assert.Equal(Sim.OrderStatus.Canceled, VenueOrders(account).Single(o => o.OrderId == resting.OrderId).Status);
        Assert.Contains("no longer protected", cancelled.Reason, StringComparison.Ordinal);

        // Flat again by hand; the OMS equals the venue.
        await MarketAsync(stream, account, Wire.OrderSide.Sell, "0.010");
        await AssertOmsEqualsVenueAsync(account, stream);
    }

    [Fact]
    public async Task A_partially_filled_stop_limit_shrinks_the_take_profit_at_the_venue_and_its_completion_cancels_it()
    {
        var account = await NewFuturesAccountAsync("fbrx");
        var counterparty = new AccountId($"cp-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(counterparty, new Dictionary<string, string>(), new Dictionary<string, string> { ["USDT"] = "100000" });
        await SetPriceAsync(Start);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var stopLimit = new Wire.ProtectiveLeg { Type = Wire.OrderType.StopLimit, StopPrice = "64350.0", LimitPrice = "64300.0" };
        var submitted = await _advanced.SubmitBracketAsync(Bracket(account, "brx", MarketEntry("0.010"), stopLimit, TakeProfitLeg(65650.0m)), oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        await WaitStrategyAsync(account, "brx", s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is Wire.OrderStatus.New or Wire.OrderStatus.Filled),
            "the entry filled and both legs accepted");

        // Without the maker's ladder the triggered stop's LIMIT sell is the only ask: the counterparty takes it in two clips.
        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, false));
        await SetPriceAsync(64000.0m);
        await stream.WaitForAsync(r => r.Order.ClientOrderId == "brx-sl-1" && r.ExecutionType == Wire.ExecutionType.Triggered);
        Assert.Equal(64300.0m, Engine(Exchange.GetOpenFuturesOrders(account.Value, Symbol)).Single(o => o.ClientOrderId == "brx-sl-1").Price);

        // 0.004 of the stop fills: the take-profit (a TAKE_PROFIT_MARKET, not amendable) is replaced for the 0.006 left.
        BuyAsCounterparty(counterparty, 0.004m, 64300.0m);
        var shrunk = await WaitForAlgosAsync(account, algos => algos.Count == 1 && algos[0].ClientAlgoId == "brx-tp-2", "the take-profit replaced");
        AssertAlgo(shrunk, "brx-tp-2", Sim.FuturesOrderType.TakeProfitMarket, 0.006m, 65650.0m);
        Assert.Equal(Sim.AlgoStatus.Canceled, AllAlgos(account).Single(a => a.ClientAlgoId == "brx-tp-1").AlgoStatus);
        var partial = await WaitStrategyAsync(account, "brx", s => s.Children.Count == 4 && s.Children[^1].Order?.Status == Wire.OrderStatus.New, "tp-2 accepted");
        Assert.Equal((0.010m, 0.006m), (Dec(partial.FilledQuantity), Dec(partial.OpenQuantity)));
        Assert.Equal(0.006m, VenuePosition(account));

        // The rest of the stop fills: nothing is left to protect and the take-profit is cancelled.
        BuyAsCounterparty(counterparty, 0.006m, 64300.0m);
        var done = await WaitStrategyAsync(account, "brx", s => s.Status == Wire.StrategyStatus.Completed, "completed");
        Assert.Equal([Wire.OrderStatus.Filled, Wire.OrderStatus.Filled, Wire.OrderStatus.Canceled, Wire.OrderStatus.Canceled], done.Children.Select(c => c.Order.Status));
        Assert.Equal(Sim.AlgoStatus.Canceled, AllAlgos(account).Single(a => a.ClientAlgoId == "brx-tp-2").AlgoStatus);
        Assert.Empty(OpenAlgos(account));

        Engine(Exchange.SetLiquidityEnabled(Sim.MarketKind.UsdM, Symbol, true));
        await AssertOmsEqualsVenueAsync(account, stream);
    }

    [Fact]
    public async Task A_native_trailing_stop_follows_a_price_path_triggers_and_fills_through_algo_updates()
    {
        var account = await NewFuturesAccountAsync("ftrail");
        await SetPriceAsync(Start);
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        await MarketAsync(stream, account, Wire.OrderSide.Buy, "0.010");

        var submitted = await _advanced.SubmitTrailingStopAsync(new Wire.SubmitTrailingStopRequest
        {
            AccountId = account.Value,
            StrategyId = "trail",
            Mode = Wire.ExecutionMode.Native,
            Order = new Wire.OrderSpec
            {
                Instrument = Futures(), Side = Wire.OrderSide.Sell, Type = Wire.OrderType.TrailingStopMarket, Quantity = "0.010",
                TrailingPercent = "1", ActivationPrice = "65650.0", ReduceOnly = true,
            },
        }, oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        var working = await WaitStrategyAsync(account, "trail", s => s.Children.Count == 1 && s.Children[0].Order?.Status == Wire.OrderStatus.New, "the trailing stop accepted");
        var id = working.Children[0].ClientOrderId;
        Assert.Equal(Wire.ChildRole.Stop, working.Children[0].Role);
        Assert.StartsWith("algo-", working.Children[0].Order.VenueOrderId, StringComparison.Ordinal);
        var placed = Assert.Single(OpenAlgos(account));
        Assert.Equal((id, Sim.FuturesOrderType.TrailingStopMarket, Sim.OrderSide.Sell, 0.010m, true), (placed.ClientAlgoId, placed.OrderType, placed.Side, placed.Quantity, placed.ReduceOnly));
        Assert.Equal((1m, 65650.0m, false), (placed.CallbackRate, placed.ActivatePrice, placed.IsActivated));

        // Up to the activation price and beyond (the high is 66300.0, so the stop stands at 65637.0), back down by
        // less than 1 %: nothing fires.
        foreach (var price in new[] { 65300.0m, 65700.0m, 66300.0m, 65900.0m }) await SetPriceAsync(price);
        var activated = Assert.Single(OpenAlgos(account));
        Assert.True(activated.IsActivated);
        Assert.Equal(Wire.OrderStatus.New, (await GetOrderAsync(account, id)).Status);
        Assert.DoesNotContain(stream.Reports, r => r.Order.ClientOrderId == id && r.ExecutionType == Wire.ExecutionType.Triggered);

        // More than 1 % below the high: the venue triggers it and its market order fills.
        await SetPriceAsync(65500.0m);
        var done = await WaitStrategyAsync(account, "trail", s => s.Status == Wire.StrategyStatus.Completed, "completed");
        Assert.Equal(0.010m, Dec(done.FilledQuantity));
        await stream.WaitForAsync(r => r.Order.ClientOrderId == id && r.Order.Status == Wire.OrderStatus.Filled);
        var reports = stream.Reports.Where(r => r.Order.ClientOrderId == id).Select(r => r.ExecutionType).ToList();
        Assert.Equal(Wire.ExecutionType.Accepted, reports.First(t => t is not (Wire.ExecutionType.Submitted)));
        var triggeredAt = reports.IndexOf(Wire.ExecutionType.Triggered);
        Assert.True(triggeredAt > 0, "a Triggered report: " + string.Join(", ", reports));
        Assert.True(reports.LastIndexOf(Wire.ExecutionType.Filled) > triggeredAt, "the fill after the trigger: " + string.Join(", ", reports));
        var fired = AllAlgos(account).Single(a => a.ClientAlgoId == id);
        var engineOrder = VenueOrders(account).Single(o => o.OrderId == fired.ActualOrderId);
        Assert.Equal(Sim.OrderStatus.Filled, engineOrder.Status);
        // The OMS order keeps the algo order's id; its fill names the engine order the trigger placed.
        var order = await GetOrderAsync(account, id);
        Assert.True(order.Triggered);
        Assert.Equal($"algo-{fired.AlgoId}", order.VenueOrderId);
        var fill = Assert.Single(stream.Reports, r => r.Order.ClientOrderId == id && r.Fill is not null).Fill;
        Assert.Equal(fired.ActualOrderId!.Value.ToString(CultureInfo.InvariantCulture), fill.VenueOrderId);

        await AssertOmsEqualsVenueAsync(account, stream);
        output.WriteLine($"trailing stop {id}: activated at 65700.0, high 66300.0, triggered at 65500.0, filled at {order.AveragePrice}; reports: {string.Join(", ", reports)}");
    }

    [Fact]
    public async Task Measure_bracket_reaction_and_fill_to_position_latency_on_loopback()
    {
        const int warmup = 2;
        const int measured = 20;
        var account = await NewFuturesAccountAsync("fmeas");
        using var stream = new ExecutionReportReader(_orders, oms.Auth(), account.Value, fromSequence: 1);
        var reaction = new List<double>();
        var appliedToCancel = new List<double>();
        var fillToPosition = new List<double>();
        for (var i = 0; i < warmup + measured; i++)
        {
            await SetPriceAsync(Start);
            var strategy = $"m{i}";
            await _advanced.SubmitBracketAsync(Bracket(account, strategy, MarketEntry("0.010"), StopLeg(64350.0m), TakeProfitLeg(65650.0m)), oms.Auth());
            await WaitStrategyAsync(account, strategy, s => s.Children.Count == 3 && s.Children.All(c => c.Order?.Status is Wire.OrderStatus.New or Wire.OrderStatus.Filled),
                "legs accepted");
            await SetPriceAsync(64025.0m);
            var done = await WaitStrategyAsync(account, strategy, s => s.Status == Wire.StrategyStatus.Completed, "completed");
            var stopId = new ClientOrderId($"{strategy}-sl-1");
            var targetId = $"{strategy}-tp-1";
            Assert.Equal(Wire.OrderStatus.Canceled, done.Children.Single(c => c.ClientOrderId == targetId).Order.Status);

            var stopFills = oms.Probes.FillsDelivered.Where(f => f.Value.Order == stopId).ToList();
            Assert.NotEmpty(stopFills);
            // The fill that completed the stop is the last one delivered: it is what left nothing to protect.
            var delivered = stopFills.Max(f => f.Value.Timestamp);
            // The cancel's span ends when the venue answered, which may be after the stream reported the cancel.
            var cancelSent = await ProbeAsync(() => oms.Probes.VenueCalls.Where(c => c.Operation == "algoOrder.cancel" && c.ClientOrderId == targetId).Select(c => (long?)c.Timestamp).Min(),
                $"the algoOrder.cancel span of {targetId}");
            var applied = await ProbeAsync(() => oms.Probes.FillsCounted.Where(f => f.Account == account.Value && f.Timestamp >= delivered).Select(f => (long?)f.Timestamp).Min(),
                $"the oms.fills count of {stopId}'s fill");
            var entryFills = oms.Probes.FillsDelivered.Where(f => f.Value.Order.Value == $"{strategy}-en-1").ToList();
            if (i < warmup) continue;
            reaction.Add(LatencyProbes.Ms(delivered, cancelSent));
            appliedToCancel.Add(LatencyProbes.Ms(applied, cancelSent));
            foreach (var (key, (timestamp, _, _)) in stopFills.Concat(entryFills))
            {
                if (oms.Probes.PositionsUpdated.TryGetValue(key, out var updated)) fillToPosition.Add(LatencyProbes.Ms(timestamp, updated));
            }
        }

        await AssertOmsEqualsVenueAsync(account, stream);
        Assert.Equal(measured, reaction.Count);
        Assert.True(fillToPosition.Count >= 2 * measured, $"{fillToPosition.Count} fills were timed to their position");
        output.WriteLine($"Binance USD-M via the simulator on loopback, embedded silo (in-memory storage), {measured} brackets after {warmup} warm-up:");
        output.WriteLine($"  bracket reaction (stop's fill handed by the connector to the OMS -> take-profit's algoOrder.cancel request started): {Summary(reaction)}");
        output.WriteLine($"    of which from the fill counted as applied (account state written) -> cancel request started: {Summary(appliedToCancel)}");
        output.WriteLine($"  fill -> position updated (fill handed by the connector to the OMS -> PositionGrain.ApplyFillsAsync returned), {fillToPosition.Count} fills: {Summary(fillToPosition)}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The OMS against the venue

    /// <summary>
    /// Every fill the venue has for the account reached the OMS exactly once with the venue's trade id, order, side,
    /// quantity, price, fee and realized PnL; every order (engine and algo) has the venue's status, filled quantity and
    /// average price; the position is flat at both with the venue's fees and realized PnL.
    /// </summary>
    private async Task AssertOmsEqualsVenueAsync(AccountId account, ExecutionReportReader stream)
    {
        var venueOrders = VenueOrders(account);
        var trades = Engine(Exchange.GetFuturesTrades(account.Value, new Sim.TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }));
        var clientIds = venueOrders.ToDictionary(o => o.OrderId, o => o.ClientOrderId);
        var expectedFills = trades.OrderBy(t => t.Id).Select(t => (Trade: t.Id.ToString(CultureInfo.InvariantCulture), Order: clientIds[t.OrderId],
            Side: t.Side.ToString(), t.Qty, t.Price, Fee: t.Commission, t.CommissionAsset, Pnl: t.RealizedPnl)).ToList();

        await WaitUntilAsync(() => Task.FromResult(stream.Reports.Count(r => r.Fill is not null) >= trades.Count), $"{trades.Count} fill reports");
        var fills = stream.Reports.Where(r => r.Fill is not null).Select(r => r.Fill).ToList();
        Assert.Equal(fills.Count, fills.Select(f => f.TradeId).Distinct().Count());
        var actualFills = fills.OrderBy(f => long.Parse(f.TradeId, CultureInfo.InvariantCulture)).Select(f => (Trade: f.TradeId, Order: f.ClientOrderId,
            Side: f.Side.ToString(), Dec(f.Quantity), Dec(f.Price), Fee: Dec(f.Fee), f.FeeAsset, Pnl: Dec(f.VenueRealizedPnl))).ToList();
        Assert.Equal(expectedFills, actualFills);

        foreach (var venueOrder in venueOrders)
        {
            var order = await GetOrderAsync(account, venueOrder.ClientOrderId);
            Assert.Equal((venueOrder.ClientOrderId, venueOrder.Status.ToString(), venueOrder.ExecutedQty),
                (order.ClientOrderId, order.Status.ToString(), Dec(order.FilledQuantity)));
            if (venueOrder.ExecutedQty > 0m) Assert.Equal(venueOrder.AvgPrice, Dec(order.AveragePrice));
        }
        foreach (var algo in AllAlgos(account).Where(a => a.ActualOrderId is null))
        {
            var order = await GetOrderAsync(account, algo.ClientAlgoId);
            Assert.Equal((algo.ClientAlgoId, algo.AlgoStatus.ToString(), 0m), (order.ClientOrderId, order.Status.ToString(), Dec(order.FilledQuantity)));
        }

        var position = await WaitUntilAsync(async () =>
        {
            var positions = await _accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = account.Value }, oms.Auth());
            return positions.Positions.SingleOrDefault(p => p.Instrument.Symbol == Symbol && p.FillCount == trades.Count);
        }, $"the position with {trades.Count} fills");
        Assert.Equal(0m, Dec(position.Quantity));
        Assert.Equal(0m, VenuePosition(account));
        Assert.Equal(trades.Where(t => t.CommissionAsset == "USDT").Sum(t => t.Commission), Dec(position.Fees));
        // The OMS reports realized PnL net of fees; the venue's rp has 8 decimals (see BinanceUsdMEndToEndTests).
        var venueRealized = trades.Sum(t => t.RealizedPnl);
        Assert.Equal(venueRealized, decimal.Round(Dec(position.RealizedPnl) + Dec(position.Fees), 8));
        Assert.NotEqual(0m, venueRealized);
        output.WriteLine($"{trades.Count} venue trades = OMS fills; venue sum(rp) {venueRealized}; OMS realized (net) {position.RealizedPnl}, fees {position.Fees}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The venue (the simulator's engine)

    private IReadOnlyList<Sim.AlgoOrderView> OpenAlgos(AccountId account) => Engine(Exchange.GetOpenAlgoOrders(account.Value, Symbol));

    private IReadOnlyList<Sim.AlgoOrderView> AllAlgos(AccountId account) =>
        Engine(Exchange.GetAllAlgoOrders(account.Value, new Sim.OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }));

    private IReadOnlyList<Sim.FuturesOrderView> VenueOrders(AccountId account) =>
        Engine(Exchange.GetAllFuturesOrders(account.Value, new Sim.OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }));

    private decimal VenuePosition(AccountId account) =>
        Engine(Exchange.GetPositionRisk(account.Value, Symbol)).Sum(p => p.PositionAmt);

    private async Task<IReadOnlyList<Sim.AlgoOrderView>> WaitForAlgosAsync(AccountId account, Func<IReadOnlyList<Sim.AlgoOrderView>, bool> match, string what)
    {
        IReadOnlyList<Sim.AlgoOrderView> last = [];
        await WaitUntilAsync(() =>
        {
            last = OpenAlgos(account);
            return Task.FromResult(match(last));
        }, $"open algo orders at the venue: {what} (last: {string.Join("; ", last.Select(a => $"{a.ClientAlgoId} {a.OrderType} {a.Quantity}"))})");
        return last;
    }

    private static void AssertAlgo(IReadOnlyList<Sim.AlgoOrderView> algos, string clientId, Sim.FuturesOrderType type, decimal quantity, decimal trigger)
    {
        var algo = algos.SingleOrDefault(a => a.ClientAlgoId == clientId)
            ?? throw new Xunit.Sdk.XunitException($"no open algo order {clientId} at the venue: {string.Join("; ", algos.Select(a => a.ClientAlgoId))}");
        Assert.Equal((type, Sim.OrderSide.Sell, quantity, trigger, true, Sim.AlgoStatus.New),
            (algo.OrderType, algo.Side, algo.Quantity, algo.TriggerPrice, algo.ReduceOnly, algo.AlgoStatus));
    }

    /// <summary>A sell LIMIT of another venue account that trades against the entry (the only bid while liquidity is off).</summary>
    private void SellAsCounterparty(AccountId counterparty, decimal quantity, decimal price)
    {
        var placed = Engine(Exchange.PlaceFuturesOrder(counterparty.Value, new Sim.FuturesOrderRequest
        {
            Symbol = Symbol, Side = Sim.OrderSide.Sell, Type = Sim.FuturesOrderType.Limit, TimeInForce = Sim.TimeInForce.Gtc, Quantity = quantity, Price = price,
        }));
        Assert.Equal(Sim.OrderStatus.Filled, placed.Status);
    }

    /// <summary>A buy LIMIT of another venue account that trades against a resting sell (the only ask while liquidity is off).</summary>
    private void BuyAsCounterparty(AccountId counterparty, decimal quantity, decimal price)
    {
        var placed = Engine(Exchange.PlaceFuturesOrder(counterparty.Value, new Sim.FuturesOrderRequest
        {
            Symbol = Symbol, Side = Sim.OrderSide.Buy, Type = Sim.FuturesOrderType.Limit, TimeInForce = Sim.TimeInForce.Gtc, Quantity = quantity, Price = price,
        }));
        Assert.Equal(Sim.OrderStatus.Filled, placed.Status);
    }

    /// <summary>
    /// Moves the USD-M last price (a trade prints there, triggers are evaluated) and pins the mark to it, then waits
    /// (bounded) until the OMS's reference price — the mark from the venue's stream — is that price. The stream is
    /// ordered, so once the OMS shows this mark no older one is still on its way: without the wait, the previous
    /// step's mark (below a new bracket's stop) could arrive after the bracket was placed, and the OMS would rightly
    /// send the stop as a market order for a level it believed crossed.
    /// </summary>
    private async Task SetPriceAsync(decimal price)
    {
        Engine(Exchange.SetPrice(Sim.MarketKind.UsdM, Symbol, price));
        Engine(Exchange.SetMarkPrice(Symbol, price));
        var prices = oms.Services.GetRequiredService<Oms.Connectors.Abstractions.IReferencePriceSource>();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 20;
        while (prices.TryGetPrice(Btc) != price)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new Xunit.Sdk.XunitException($"the OMS's reference price of {Btc} did not become {price} within 20 s (it is {prices.TryGetPrice(Btc)?.ToString() ?? "unknown"})");
            await Task.Delay(5);
        }
    }

    private static T Engine<T>(Sim.EngineResult<T> result) =>
        result.IsSuccess ? result.Value : throw new Xunit.Sdk.XunitException($"simulator engine call failed: {result.Error}");

    private static void Engine(Sim.EngineResult result)
    {
        if (!result.IsSuccess) throw new Xunit.Sdk.XunitException($"simulator engine call failed: {result.Error}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The OMS

    private async Task<AccountId> NewFuturesAccountAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        oms.Simulator.CreateAccount(account, new Dictionary<string, string> { ["USDT"] = "1000" }, new Dictionary<string, string> { ["USDT"] = "100000" });
        await oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.UsdMFutures],
            ClientOrderIdPrefix = "cf",
        });
        await WaitUntilAsync(async () => Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling,
            $"the first USD-M reconciliation of {account}");
        return account;
    }

    private async Task MarketAsync(ExecutionReportReader stream, AccountId account, Wire.OrderSide side, string quantity)
    {
        var submitted = await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            Order = new Wire.OrderSpec { Instrument = Futures(), Side = side, Type = Wire.OrderType.Market, Quantity = quantity },
        }, oms.Auth());
        Assert.True(submitted.Created, submitted.ToString());
        var filled = await stream.WaitForAsync(r => r.Order.ClientOrderId == submitted.Order.ClientOrderId && r.Order.Status == Wire.OrderStatus.Filled);
        Assert.Equal(Dec(quantity), Dec(filled.Order.FilledQuantity));
    }

    private async Task<Wire.Order> GetOrderAsync(AccountId account, string clientOrderId) =>
        await _orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account.Value, ClientOrderId = clientOrderId }, oms.Auth());

    private async Task<Wire.Strategy> WaitStrategyAsync(AccountId account, string strategy, Func<Wire.Strategy, bool> match, string what)
    {
        Wire.Strategy? last = null;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 20;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            last = await _advanced.GetStrategyAsync(new Wire.GetStrategyRequest { AccountId = account.Value, StrategyId = strategy }, oms.Auth());
            if (match(last)) return last;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"strategy {strategy} of {account}: {what} was not reached within 20 s; last: {last}");
    }

    private static Wire.SubmitBracketRequest Bracket(AccountId account, string strategy, Wire.OrderSpec entry, Wire.ProtectiveLeg stopLoss, Wire.ProtectiveLeg takeProfit) =>
        new() { AccountId = account.Value, StrategyId = strategy, Entry = entry, StopLoss = stopLoss, TakeProfit = takeProfit };

    private static Wire.OrderSpec MarketEntry(string quantity) =>
        new() { Instrument = Futures(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Market, Quantity = quantity };

    private static Wire.ProtectiveLeg StopLeg(decimal stop) => new() { Type = Wire.OrderType.StopMarket, StopPrice = Text(stop) };

    private static Wire.ProtectiveLeg TakeProfitLeg(decimal trigger) => new() { Type = Wire.OrderType.TakeProfitMarket, StopPrice = Text(trigger) };

    private static Wire.Instrument Futures() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.UsdmFutures, Symbol = Symbol };

    // ---------------------------------------------------------------------------------------------------------------

    private static async Task WaitUntilAsync(Func<Task<bool>> probe, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 20;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await probe()) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"{what} was not reached within 20 s");
    }

    private static async Task<T> WaitUntilAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        T? value = null;
        await WaitUntilAsync(async () => (value = await probe()) is not null, what);
        return value!;
    }

    private static async Task<long> ProbeAsync(Func<long?> probe, string what)
    {
        long? value = null;
        await WaitUntilAsync(() => Task.FromResult((value = probe()) is not null), what);
        return value!.Value;
    }

    private static string Summary(List<double> samples) =>
        FormattableString.Invariant($"p50 {Measurements.Percentile(samples, 50):0.00} ms, p99 {Measurements.Percentile(samples, 99):0.00} ms (n={samples.Count}, min {samples.Min():0.00}, max {samples.Max():0.00})");

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
