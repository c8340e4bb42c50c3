using System.Collections.Concurrent;
using System.Security.Cryptography;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Worker;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Hosting;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.Operations;
using MarketKind = Oms.Simulator.Engine.MarketKind;
using SimSide = Oms.Simulator.Engine.OrderSide;
using SimTimeInForce = Oms.Simulator.Engine.TimeInForce;
using SimOrderRequest = Oms.Simulator.Engine.SpotOrderRequest;
using SimOrderType = Oms.Simulator.Engine.SpotOrderType;

namespace Oms.Connectors.Binance.Tests;

/// <summary>
/// Native spot OCO through the Binance spot worker, against the in-process simulator: a <see cref="PlaceOrderListCommand"/>
/// becomes one <c>orderList.place.oco</c> (WebSocket API, REST when no session opens), each leg is reported as an
/// order of its own and the list as a <see cref="VenueOrderListUpdate"/>; refusals, unknown outcomes and the rate
/// budget behave as for a single placement.
/// </summary>
public sealed class SpotOrderListTests : IClassFixture<SpotOrderListTests.Fixture>
{
    private const string Symbol = "BNBUSDT";
    private static readonly InstrumentId Bnb = new(Oms.Domain.Venue.Binance, MarketType.Spot, Symbol);
    private readonly Fixture _venue;

    public SpotOrderListTests(Fixture venue) => _venue = venue;

    [Fact]
    public async Task Oco_over_the_websocket_api_accepts_both_legs_and_reports_the_list_executing()
    {
        var account = await _venue.NewReadyAccountAsync("oco-ws");
        var command = SellOco(account, "wsA", "wsB", "wsL");

        Assert.Equal(RouteResult.Queued, await _venue.Connector.RouteAsync(command, CancellationToken.None));

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);
        Assert.True(list.Status == VenueOrderListStatus.Executing, $"list {list.Status}: {list.Reason}");
        Assert.Equal(command.ClientOrderId, list.ListClientOrderId);
        Assert.False(string.IsNullOrEmpty(list.VenueListId));
        Assert.Equal(new[] { command.Above.ClientOrderId.Value, command.Below.ClientOrderId.Value }.Order(), list.Legs.Select(l => l.ClientOrderId.Value).Order());
        var events = _venue.Events(account);
        foreach (var leg in new[] { command.Above, command.Below })
        {
            var accepted = events.OfType<VenueOrderUpdate>().Single(u => u.ClientOrderId == leg.ClientOrderId && u.Source == VenueEventSource.Response);
            Assert.Equal(VenueOrderEventKind.Accepted, accepted.Kind);
            Assert.NotNull(accepted.VenueOrderId);
            Assert.Equal(accepted.VenueOrderId, list.Legs.Single(l => l.ClientOrderId == leg.ClientOrderId).VenueOrderId);
        }

        // The stream's listStatus is forwarded too, and the venue holds both legs as open orders of one list.
        var streamed = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Stream);
        Assert.Equal(VenueOrderListStatus.Executing, streamed.Status);
        Assert.Equal(list.VenueListId, streamed.VenueListId);
        var open = _venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol);
        Assert.True(open.IsSuccess);
        Assert.Equal(2, open.Value.Count);
        var request = Assert.Single(_venue.Requests(account), r => r.Operation == "orderList.place.oco");
        Assert.Equal(Transport.WsApi, request.Transport);
        Assert.Equal(command.ClientOrderId.Value, request.Parameters["listClientOrderId"]);
    }

    [Fact]
    public async Task Oco_counts_as_two_orders_in_the_rate_budget()
    {
        var account = await _venue.NewReadyAccountAsync("oco-rate");
        var command = SellOco(account, "rtA", "rtB", "rtL");

        await _venue.Connector.RouteAsync(command, CancellationToken.None);
        await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);

        // One draw on the account's order counter, of two orders, for the one list (no per-leg draws).
        var draws = _venue.Budget.OrderDraws($"spot:account:{account.Value}");
        Assert.Equal([2], draws);
    }

    [Fact]
    public async Task A_leg_that_fills_reports_its_fill_the_other_leg_expired_and_the_list_all_done()
    {
        var account = await _venue.NewReadyAccountAsync("oco-fill");
        var command = SellOco(account, "flA", "flB", "flL");
        await _venue.Connector.RouteAsync(command, CancellationToken.None);
        await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);

        // An outside buyer lifts the above (limit-maker) leg: the stop leg expires with it.
        var taken = _venue.Sim.Exchange.PlaceSpotOrder(_venue.Counterparty, new SimOrderRequest
        {
            Symbol = Symbol, Side = SimSide.Buy, Type = SimOrderType.Limit, TimeInForce = SimTimeInForce.Ioc, Price = 620m, Quantity = 1m,
        });
        Assert.True(taken.IsSuccess, taken.Error?.ToString());

        var done = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.AllDone);
        Assert.Equal(command.ClientOrderId, done.ListClientOrderId);
        await _venue.WaitForAsync<VenueOrderUpdate>(account, u => u.ClientOrderId == command.Below.ClientOrderId && u.Kind == VenueOrderEventKind.Expired);
        var events = _venue.Events(account);
        var fills = events.OfType<VenueFill>().Select(f => f.Fill).Where(f => f.ClientOrderId == command.Above.ClientOrderId)
            .GroupBy(f => f.TradeId).Select(g => g.First()).ToArray();
        var fill = Assert.Single(fills);
        Assert.Equal(1m, fill.Quantity);
        Assert.Equal(620m, fill.Price);
        Assert.Equal(OrderSide.Sell, fill.Side);
        Assert.DoesNotContain(events.OfType<VenueFill>(), f => f.Fill.ClientOrderId == command.Below.ClientOrderId);
        Assert.Empty(_venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value);
    }

    [Fact]
    public async Task Without_a_websocket_session_the_oco_goes_over_rest()
    {
        var account = _venue.NewAccount("oco-rest");
        var command = SellOco(account, "rsA", "rsB", "rsL");

        Assert.Equal(RouteResult.Queued, await _venue.RestOnlyConnector.RouteAsync(command, CancellationToken.None));

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);
        Assert.Equal(VenueOrderListStatus.Executing, list.Status);
        var events = _venue.Events(account);
        Assert.All(new[] { command.Above, command.Below }, leg =>
            Assert.Contains(events.OfType<VenueOrderUpdate>(), u => u.ClientOrderId == leg.ClientOrderId && u.Kind == VenueOrderEventKind.Accepted && u.VenueOrderId is not null));
        var request = Assert.Single(_venue.Requests(account), r => r.Operation == "orderList.place.oco");
        Assert.Equal(Transport.Rest, request.Transport);
        Assert.Equal("POST /api/v3/orderList/oco", request.Route);
    }

    [Fact]
    public async Task A_venue_rejection_rejects_both_legs_and_the_list_with_the_venue_code()
    {
        var account = await _venue.NewReadyAccountAsync("oco-rej");
        // A sell OCO's limit-maker leg must rest above the last price (600): 590 is the wrong side.
        var command = SellOco(account, "rjA", "rjB", "rjL", abovePrice: 590m);

        await _venue.Connector.RouteAsync(command, CancellationToken.None);

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.Rejected);
        Assert.Contains("-2010", list.Reason);
        var events = _venue.Events(account);
        foreach (var leg in new[] { command.Above, command.Below })
        {
            var rejected = Assert.Single(events.OfType<VenueOrderUpdate>(), u => u.ClientOrderId == leg.ClientOrderId);
            Assert.Equal(VenueOrderEventKind.Rejected, rejected.Kind);
            Assert.Equal("-2010", rejected.VenueCode);
            Assert.Contains("relationship of the prices", rejected.Reason);
        }
        Assert.Empty(_venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value);
    }

    [Fact]
    public async Task Terms_binance_cannot_express_as_an_oco_reject_both_legs_without_a_venue_call()
    {
        var account = await _venue.NewReadyAccountAsync("oco-bad");
        var command = SellOco(account, "bdA", "bdB", "bdL");
        command = command with { Below = command.Below with { Spec = command.Below.Spec with { Quantity = 2m } } };

        await _venue.Connector.RouteAsync(command, CancellationToken.None);

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.Rejected);
        Assert.Contains("share one quantity", list.Reason);
        var events = _venue.Events(account);
        foreach (var leg in new[] { command.Above, command.Below })
        {
            var rejected = Assert.Single(events.OfType<VenueOrderUpdate>(), u => u.ClientOrderId == leg.ClientOrderId);
            Assert.Equal(VenueOrderEventKind.Rejected, rejected.Kind);
            Assert.Equal("INVALID_REQUEST", rejected.VenueCode);
            Assert.Contains("the above leg bdA has 1 and the below leg bdB has 2", rejected.Reason);
        }
        Assert.DoesNotContain(_venue.Requests(account), r => r.Operation.StartsWith("orderList", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ambiguous_answer_after_execution_leaves_both_legs_in_flight_until_queries_find_them()
    {
        var account = await _venue.NewReadyAccountAsync("oco-unk");
        var command = SellOco(account, "ukA", "ukB", "ukL");
        _venue.Sim.Runtime.Faults.Add(new FaultRule
        {
            Action = FaultAction.Error, Target = "orderList.place.oco", AccountId = account.Value, Status = 503, Code = -1007, AfterExecution = true, Times = 1,
        });

        await _venue.Connector.RouteAsync(command, CancellationToken.None);

        foreach (var leg in new[] { command.Above, command.Below })
        {
            var unknown = await _venue.WaitForAsync<VenueOrderUpdate>(account, u => u.ClientOrderId == leg.ClientOrderId && u.Source == VenueEventSource.Response);
            Assert.Equal(VenueOrderEventKind.OutcomeUnknown, unknown.Kind);
            Assert.Equal("-1007", unknown.VenueCode);
            // The follow-up query by the leg's client order id finds it live at the venue.
            var found = await _venue.WaitForAsync<VenueOrderUpdate>(account, u => u.ClientOrderId == leg.ClientOrderId && u.Source == VenueEventSource.Reconciliation);
            Assert.Equal(VenueOrderEventKind.Accepted, found.Kind);
            Assert.NotNull(found.VenueOrderId);
        }
        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Reconciliation);
        Assert.Equal(VenueOrderListStatus.Executing, list.Status);
        Assert.False(string.IsNullOrEmpty(list.VenueListId));
        Assert.Equal(2, list.Legs.Count);
        var events = _venue.Events(account);
        Assert.DoesNotContain(events.OfType<VenueOrderUpdate>(), u => u.Kind is VenueOrderEventKind.Rejected or VenueOrderEventKind.NotFound);
        Assert.DoesNotContain(events.OfType<VenueOrderListUpdate>(), u => u.Status == VenueOrderListStatus.Rejected);
        Assert.Equal(2, _venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value.Count);
        Assert.Single(_venue.Requests(account), r => r.Operation == "orderList.place.oco");
    }

    [Fact]
    public async Task A_buy_oco_with_a_limit_maker_above_the_market_is_refused_naming_the_leg()
    {
        var account = await _venue.NewReadyAccountAsync("oco-type");
        var sell = SellOco(account, "tyA", "tyB", "tyL");
        var command = sell with
        {
            Above = sell.Above with { Spec = sell.Above.Spec with { Side = OrderSide.Buy } },
            Below = sell.Below with { Spec = sell.Below.Spec with { Side = OrderSide.Buy } },
        };

        await _venue.Connector.RouteAsync(command, CancellationToken.None);

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.Rejected);
        Assert.Contains("the above leg tyA is LimitMaker; the above leg of a Buy OCO on Binance spot must be StopMarket, StopLimit or TrailingStopMarket", list.Reason);
        Assert.DoesNotContain(_venue.Requests(account), r => r.Operation.StartsWith("orderList", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconciliation_reads_the_legs_of_an_open_list_as_the_orders_they_are()
    {
        var account = await _venue.NewReadyAccountAsync("oco-rec");
        var command = SellOco(account, "rcA", "rcB", "rcL");
        await _venue.Connector.RouteAsync(command, CancellationToken.None);
        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);
        Assert.Equal(VenueOrderListStatus.Executing, list.Status);

        // The OMS holds both legs as working orders; the venue lists them among its open orders (with their list id).
        _venue.Reconciliation.SetOpenOrders(account, list.Legs.Select(leg => new TrackedOrder
        {
            ClientOrderId = leg.ClientOrderId, Instrument = Bnb, VenueOrderId = leg.VenueOrderId, Status = OrderStatus.New, Quantity = 1m, FilledQuantity = 0m,
            LimitPrice = leg.ClientOrderId == command.Above.ClientOrderId ? 620m : 579m, CreatedAt = command.CreatedAt,
        }).ToArray());
        var worker = _venue.Connector.GetWorker(account)!;
        var before = worker.Reconciliations;
        worker.RequestReconcile("test: open order list");
        for (var i = 0; i < 600 && worker.Reconciliations == before; i++) await Task.Delay(25);
        Assert.True(worker.Reconciliations > before, "the reconciliation did not complete");

        var found = _venue.Events(account).OfType<VenueOrderUpdate>().Where(u => u.Source == VenueEventSource.Reconciliation).ToArray();
        foreach (var leg in list.Legs)
        {
            var update = Assert.Single(found, u => u.ClientOrderId == leg.ClientOrderId);
            Assert.Equal(VenueOrderEventKind.Accepted, update.Kind);
            Assert.Equal(leg.VenueOrderId, update.VenueOrderId);
            Assert.Equal(0m, update.CumulativeFilledQuantity);
        }
        Assert.Equal(2, found.Length);
        var listState = Assert.Single(_venue.Events(account).OfType<VenueOrderListUpdate>(), u => u.Source == VenueEventSource.Reconciliation);
        Assert.Equal(VenueOrderListStatus.Executing, listState.Status);
        Assert.Equal(list.VenueListId, listState.VenueListId);

        // The list ends (the above leg fills, the stop expires); an OMS that still holds both legs open is brought in line.
        Assert.True(_venue.Sim.Exchange.PlaceSpotOrder(_venue.Counterparty, new SimOrderRequest
        {
            Symbol = Symbol, Side = SimSide.Buy, Type = SimOrderType.Limit, TimeInForce = SimTimeInForce.Ioc, Price = 620m, Quantity = 1m,
        }).IsSuccess);
        await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.AllDone && u.Source == VenueEventSource.Stream);
        before = worker.Reconciliations;
        worker.RequestReconcile("test: ended order list");
        for (var i = 0; i < 600 && worker.Reconciliations == before; i++) await Task.Delay(25);
        Assert.True(worker.Reconciliations > before, "the second reconciliation did not complete");
        var after = _venue.Events(account).Where(e => e.Source == VenueEventSource.Reconciliation).ToArray();
        Assert.Contains(after.OfType<VenueOrderUpdate>(), u => u.ClientOrderId == command.Below.ClientOrderId && u.Kind == VenueOrderEventKind.Expired);
        Assert.Contains(after.OfType<VenueFill>(), f => f.Fill.ClientOrderId == command.Above.ClientOrderId && f.Fill.Quantity == 1m);
        Assert.Contains(after.OfType<VenueOrderListUpdate>(), u => u.Status == VenueOrderListStatus.AllDone && u.VenueListId == list.VenueListId);
        Assert.Equal(0, worker.ReconcileFailures);
        Assert.Empty(_venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancelling_one_leg_cancels_the_list_and_the_answer_is_read_as_the_legs_cancel(bool overRest)
    {
        var connector = overRest ? _venue.RestOnlyConnector : _venue.Connector;
        var account = overRest ? _venue.NewAccount("oco-cxr") : await _venue.NewReadyAccountAsync("oco-cx");
        var command = SellOco(account, "cxA", "cxB", "cxL");
        await connector.RouteAsync(command, CancellationToken.None);
        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);
        Assert.Equal(VenueOrderListStatus.Executing, list.Status);
        var below = list.Legs.Single(l => l.ClientOrderId == command.Below.ClientOrderId);

        // Binance answers a leg's cancel with the whole list (both legs cancelled).
        await connector.RouteAsync(new CancelOrderCommand
        {
            Account = account, Instrument = Bnb, ClientOrderId = below.ClientOrderId, VenueOrderId = below.VenueOrderId, CreatedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);

        var cancelled = await _venue.WaitForAsync<VenueOrderUpdate>(account,
            u => u.ClientOrderId == command.Below.ClientOrderId && u.Source == VenueEventSource.Response && u.Kind != VenueOrderEventKind.Accepted);
        Assert.Equal(VenueOrderEventKind.Canceled, cancelled.Kind);
        Assert.Equal(below.VenueOrderId, cancelled.VenueOrderId);
        Assert.Empty(_venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value);
        if (!overRest)
        {
            // The other leg's cancel and the end of the list come on the stream.
            await _venue.WaitForAsync<VenueOrderUpdate>(account, u => u.ClientOrderId == command.Above.ClientOrderId && u.Kind == VenueOrderEventKind.Canceled);
            await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.AllDone && u.Source == VenueEventSource.Stream);
        }
        Assert.DoesNotContain(_venue.Events(account).OfType<VenueOrderUpdate>(),
            u => u.Kind is VenueOrderEventKind.OutcomeUnknown or VenueOrderEventKind.CancelRejected or VenueOrderEventKind.Rejected);
    }

    [Fact]
    public async Task An_amend_of_a_leg_is_refused_and_the_list_stays_as_it_is()
    {
        var account = await _venue.NewReadyAccountAsync("oco-amd");
        var command = SellOco(account, "amA", "amB", "amL");
        await _venue.Connector.RouteAsync(command, CancellationToken.None);
        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Source == VenueEventSource.Response);
        var above = list.Legs.Single(l => l.ClientOrderId == command.Above.ClientOrderId);

        await _venue.Connector.RouteAsync(new AmendOrderCommand
        {
            Account = account, Instrument = Bnb, ClientOrderId = above.ClientOrderId, VenueOrderId = above.VenueOrderId, Spec = command.Above.Spec,
            NewLimitPrice = 625m, CreatedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);

        var refused = await _venue.WaitForAsync<VenueOrderUpdate>(account, u => u.Kind == VenueOrderEventKind.ReplaceRejected);
        Assert.Equal(command.Above.ClientOrderId, refused.ClientOrderId);
        Assert.Contains($"leg of Binance spot order list {list.VenueListId}", refused.Reason);
        var open = _venue.Sim.Exchange.GetOpenSpotOrders(account.Value, Symbol).Value;
        Assert.Equal(2, open.Count);
        Assert.DoesNotContain(_venue.Requests(account), r => r.Operation is "order.cancelReplace" or "order.amend.keepPriority" or "order.cancel");
    }

    [Fact]
    public async Task Usdm_has_no_order_lists_so_both_legs_are_rejected_saying_so()
    {
        var account = _venue.NewAccount("oco-usdm");
        var perp = new InstrumentId(Oms.Domain.Venue.Binance, MarketType.UsdMFutures, "BNBUSDT");
        var sell = SellOco(account, "umA", "umB", "umL");
        var command = sell with
        {
            Instrument = perp,
            Above = sell.Above with { Spec = sell.Above.Spec with { Instrument = perp } },
            Below = sell.Below with { Spec = sell.Below.Spec with { Instrument = perp } },
        };

        Assert.Equal(RouteResult.Queued, await _venue.UsdMConnector.RouteAsync(command, CancellationToken.None));

        var list = await _venue.WaitForAsync<VenueOrderListUpdate>(account, u => u.Status == VenueOrderListStatus.Rejected);
        Assert.Contains("Binance USD-M futures have no order lists", list.Reason);
        var events = _venue.Events(account).OfType<VenueOrderUpdate>().ToArray();
        Assert.All(new[] { command.Above, command.Below }, leg =>
        {
            var rejected = Assert.Single(events, u => u.ClientOrderId == leg.ClientOrderId);
            Assert.Equal(VenueOrderEventKind.Rejected, rejected.Kind);
            Assert.Equal("INVALID_REQUEST", rejected.VenueCode);
        });
        Assert.Empty(_venue.Requests(account));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Mapping (no venue)

    [Fact]
    public void A_buy_oco_maps_its_stop_above_and_take_profit_below()
    {
        var account = new AccountId("map");
        var command = new PlaceOrderListCommand
        {
            Account = account, Instrument = Bnb, ClientOrderId = new ClientOrderId("mapL"), CreatedAt = DateTimeOffset.UnixEpoch,
            Above = new OrderListLeg(new ClientOrderId("mapA"), Spec(OrderSide.Buy, OrderType.StopLimit, 2m, limit: 651m, stop: 650m) with { TimeInForce = TimeInForce.Fok }),
            Below = new OrderListLeg(new ClientOrderId("mapB"), Spec(OrderSide.Buy, OrderType.TakeProfitMarket, 2m, stop: 550m)),
        };

        Assert.Null(SpotRequests.TryMapOco(command, out var request));

        Assert.NotNull(request);
        Assert.Equal(OrderSide.Buy, request.Side);
        Assert.Equal(2m, request.Quantity);
        Assert.Equal("mapL", request.ListClientOrderId);
        Assert.Equal(new SpotOcoLeg { Type = OrderType.StopLimit, ClientOrderId = new ClientOrderId("mapA"), Price = 651m, StopPrice = 650m, TimeInForce = TimeInForce.Fok },
            request.Above);
        Assert.Equal(new SpotOcoLeg { Type = OrderType.TakeProfitMarket, ClientOrderId = new ClientOrderId("mapB"), StopPrice = 550m }, request.Below);
        Assert.Null(SpotRequests.TryBuildOco(Symbol, request, SpotOrderResponseType.Full, out var parameters));
        var written = Enumerable.Range(0, parameters.Count).Select(i => parameters[i].ToString()).ToArray();
        Assert.Contains("aboveType=STOP_LOSS_LIMIT", written);
        Assert.Contains("aboveTimeInForce=FOK", written);
        Assert.Contains("belowType=TAKE_PROFIT", written);
        Assert.Contains("belowStopPrice=550", written);
        Assert.Contains("listClientOrderId=mapL", written);
    }

    [Fact]
    public void A_trailing_stop_leg_maps_to_a_stop_loss_with_a_trailing_delta_in_bips()
    {
        var command = SellOco(new AccountId("map"), "trA", "trB", "trL");
        command = command with
        {
            Below = command.Below with { Spec = Spec(OrderSide.Sell, OrderType.TrailingStopMarket, 1m) with { TrailingPercent = 1.5m, ActivationPrice = 590m } },
        };

        Assert.Null(SpotRequests.TryMapOco(command, out var request));

        Assert.Equal(OrderType.StopMarket, request!.Below.Type);
        Assert.Equal(150L, request.Below.TrailingDelta);
        Assert.Equal(590m, request.Below.StopPrice);
    }

    [Theory]
    [InlineData("side", "OCO legs share one side, but the above leg xA is Sell and the below leg xB is Buy")]
    [InlineData("instrument", "the below leg xB trades BINANCE:SPOT:ETHUSDT, not the list's")]
    [InlineData("same-id", "both legs have client order id xA; each leg needs its own")]
    [InlineData("limit-on-stop-market", "the below leg xB (StopMarket) takes no limit price")]
    [InlineData("gtx", "the below leg xB: time in force GTX does not exist on Binance spot")]
    [InlineData("quote", "the above leg xA is sized in quote currency")]
    public void Terms_that_are_no_binance_oco_are_named(string defect, string expected)
    {
        var command = SellOco(new AccountId("map"), "xA", "xB", "xL");
        var below = command.Below.Spec;
        command = defect switch
        {
            "side" => command with { Below = command.Below with { Spec = below with { Side = OrderSide.Buy } } },
            "instrument" => command with { Below = command.Below with { Spec = below with { Instrument = new InstrumentId(Oms.Domain.Venue.Binance, MarketType.Spot, "ETHUSDT") } } },
            "same-id" => command with { Below = command.Below with { ClientOrderId = command.Above.ClientOrderId } },
            "limit-on-stop-market" => command with { Below = command.Below with { Spec = below with { Type = OrderType.StopMarket } } },
            "gtx" => command with { Below = command.Below with { Spec = below with { TimeInForce = TimeInForce.Gtx } } },
            "quote" => command with { Above = command.Above with { Spec = command.Above.Spec with { QuoteQuantity = 600m } } },
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var problem = SpotRequests.TryMapOco(command, out var request);

        Assert.Null(request);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void A_cancel_answered_with_the_order_list_yields_the_report_of_the_leg_asked_for()
    {
        var json = Support.Samples.Property("spot-ws-api/order_cancel_response_orderList.json", "result");
        var symbols = new Symbols.BinanceSymbolMapper(BinanceApi.Spot);

        var byClientId = WebSocket.SpotCancelResponses.Parse(json, symbols, new ClientOrderId("Tnu2IP0J5Y4mxw3IATBfmW"), null);
        var byOrderId = WebSocket.SpotCancelResponses.Parse(json, symbols, null, 12569099453);

        Assert.Equal(new ClientOrderId("Tnu2IP0J5Y4mxw3IATBfmW"), byClientId.ClientOrderId);
        Assert.Equal(new VenueOrderId("12569099454"), byClientId.VenueOrderId);
        Assert.Equal(OrderStatus.Canceled, byClientId.Status);
        Assert.Equal(19431L, byClientId.OrderListId);
        Assert.Equal(new ClientOrderId("bX5wROblo6YeDwa9iTLeyY"), byOrderId.ClientOrderId);
        var events = byClientId.ToEvents(new AccountId("acc"), VenueEventSource.Response, DateTimeOffset.UnixEpoch);
        Assert.Equal(VenueOrderEventKind.Canceled, Assert.IsType<VenueOrderUpdate>(Assert.Single(events)).Kind);
        Assert.Throws<BinanceProtocolException>(() => WebSocket.SpotCancelResponses.Parse(json, symbols, new ClientOrderId("someoneElse"), null));
    }

    [Theory]
    [InlineData("EXECUTING", VenueOrderListStatus.Executing)]
    [InlineData("ALL_DONE", VenueOrderListStatus.AllDone)]
    [InlineData("REJECT", VenueOrderListStatus.Rejected)]
    public void A_list_status_maps_to_the_list_update(string status, VenueOrderListStatus expected)
    {
        var report = new OrderListReport
        {
            OrderListId = 42, ListClientOrderId = "lst1", Instrument = Bnb, ContingencyType = "OCO", ListStatusType = "RESPONSE", ListOrderStatus = status,
            RejectReason = status == "REJECT" ? "OCO_BAD_PRICES" : null, Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Orders = [(new ClientOrderId("lg1"), new VenueOrderId("7")), (new ClientOrderId("lg2"), new VenueOrderId("8"))],
        };

        var update = BinanceVenueEvents.FromOrderList(report, new AccountId("acc"), VenueEventSource.Stream);

        Assert.NotNull(update);
        Assert.Equal(expected, update.Status);
        Assert.Equal("42", update.VenueListId);
        Assert.Equal(new ClientOrderId("lst1"), update.ListClientOrderId);
        Assert.Equal([new VenueOrderListLeg(new ClientOrderId("lg1"), new VenueOrderId("7")), new VenueOrderListLeg(new ClientOrderId("lg2"), new VenueOrderId("8"))],
            update.Legs);
        Assert.Equal(status == "REJECT" ? "OCO_BAD_PRICES" : null, update.Reason);
        Assert.Null(BinanceVenueEvents.FromOrderList(report with { ListOrderStatus = "SOMETHING_NEW" }, new AccountId("acc"), VenueEventSource.Stream));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>A sell OCO of 1 BNB at a last price of 600: take profit with a limit-maker at 620, stop at 580 (limit 579).</summary>
    private static PlaceOrderListCommand SellOco(AccountId account, string above, string below, string list, decimal abovePrice = 620m) => new()
    {
        Account = account,
        Instrument = Bnb,
        ClientOrderId = new ClientOrderId(list),
        CreatedAt = DateTimeOffset.UtcNow,
        Above = new OrderListLeg(new ClientOrderId(above), Spec(OrderSide.Sell, OrderType.LimitMaker, 1m, limit: abovePrice)),
        Below = new OrderListLeg(new ClientOrderId(below), Spec(OrderSide.Sell, OrderType.StopLimit, 1m, limit: 579m, stop: 580m)),
    };

    private static OrderSpec Spec(OrderSide side, OrderType type, decimal quantity, decimal? limit = null, decimal? stop = null) => new()
    {
        Instrument = Bnb, Side = side, Type = type, Quantity = quantity, LimitPrice = limit, StopPrice = stop,
    };

    /// <summary>
    /// The simulator with BNBUSDT held at 600 and its own liquidity off, an outside counterparty, and two spot
    /// connectors on it: one normal, one whose WebSocket API address is dead (every call goes over REST).
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<AccountId, (string ApiKey, byte[] Seed)> _keys = new();
        private readonly RecordingSink _sink = new();
        private readonly List<IAsyncDisposable> _disposables = [];
        private HttpClient? _http;
        private BinanceMetrics? _binanceMetrics;
        private ConnectorMetrics? _connectorMetrics;

        public SimulatorHost Sim { get; private set; } = null!;

        public BinanceSpotConnector Connector { get; private set; } = null!;

        public BinanceSpotConnector RestOnlyConnector { get; private set; } = null!;

        public BinanceUsdMConnector UsdMConnector { get; private set; } = null!;

        public ViewReconciliation Reconciliation { get; } = new();

        public RecordingBudget Budget { get; } = new(BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, new BinanceOptions()));

        public string Counterparty { get; } = "counterparty-" + Guid.NewGuid().ToString("N")[..8];

        public async Task InitializeAsync()
        {
            Sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, GenerateDemoAccounts = false });
            Check(Sim.Exchange.SetMarketHeld(MarketKind.Spot, Symbol, true));
            Check(Sim.Exchange.SetLiquidityEnabled(MarketKind.Spot, Symbol, false));
            Check(Sim.Exchange.SetPrice(MarketKind.Spot, Symbol, 600m));
            Sim.Runtime.Accounts.Create(new CreateAccountRequest
            {
                AccountId = Counterparty,
                Balances = new Dictionary<string, string> { ["USDT"] = "100000000", ["BNB"] = "1000000" },
            });

            _http = new HttpClient();
            _binanceMetrics = new BinanceMetrics();
            _connectorMetrics = new ConnectorMetrics();
            var credentials = new SeedCredentials(_keys);
            var reconciliation = Reconciliation;
            var worker = new BinanceSpotWorkerOptions { SessionWait = TimeSpan.FromSeconds(5) };

            var options = Options(Sim.Urls.SpotWsApi);
            var context = new BinanceApiContext(BinanceApi.Spot, options, Budget, _binanceMetrics);
            Connector = new BinanceSpotConnector(context, _http, credentials, _sink, reconciliation, _connectorMetrics, worker);
            _disposables.Add(Connector);

            // Nothing listens on this address: no session ever opens, so commands go over REST after the session wait.
            var dead = new Uri($"ws://127.0.0.1:{DeadPort()}/ws-api/v3");
            var restOptions = Options(dead);
            restOptions.ConnectTimeout = TimeSpan.FromSeconds(1);
            var restContext = new BinanceApiContext(BinanceApi.Spot, restOptions, Budget, _binanceMetrics);
            RestOnlyConnector = new BinanceSpotConnector(restContext, _http, credentials, _sink, reconciliation, _connectorMetrics,
                new BinanceSpotWorkerOptions { SessionWait = TimeSpan.FromMilliseconds(300) });
            _disposables.Add(RestOnlyConnector);

            var usdmContext = new BinanceApiContext(BinanceApi.UsdM, options, BinanceApiContext.CreateLocalBudget(BinanceApi.UsdM, options), _binanceMetrics);
            UsdMConnector = new BinanceUsdMConnector(usdmContext, _http, credentials, _sink, reconciliation, _connectorMetrics, worker,
                new BinanceUsdMWorkerOptions());
            _disposables.Add(UsdMConnector);
        }

        private BinanceOptions Options(Uri webSocketApi) => new()
        {
            SpotRestBaseAddress = Sim.Urls.Rest,
            SpotWebSocketApiAddress = webSocketApi,
            SpotMarketStreamAddress = Sim.Urls.SpotStreams,
            UsdMRestBaseAddress = Sim.Urls.Rest,
            UsdMWebSocketApiAddress = Sim.Urls.FuturesWsApi,
            UsdMStreamAddress = Sim.Urls.FuturesStreams,
        };

        private static int DeadPort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        /// <summary>A new simulator account (same id as the OMS account) with an Ed25519 key the connectors are given.</summary>
        public AccountId NewAccount(string prefix)
        {
            // Every scenario starts at a last price of 600 (a fill moves it) with an empty book (earlier scenarios' lists
            // would otherwise be first in line at the same prices).
            foreach (var earlier in _keys.Keys)
            {
                if (Sim.Exchange.GetOpenSpotOrders(earlier.Value, Symbol) is { IsSuccess: true, Value.Count: > 0 })
                    Check(Sim.Exchange.CancelAllSpotOrders(earlier.Value, Symbol));
            }
            Check(Sim.Exchange.SetPrice(MarketKind.Spot, Symbol, 600m));
            var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..8]}");
            var seed = RandomNumberGenerator.GetBytes(32);
            using var signer = Ed25519Signer.FromSeed(seed);
            var created = Sim.Runtime.Accounts.Create(new CreateAccountRequest
            {
                AccountId = account.Value,
                Ed25519PublicKey = Convert.ToHexString(signer.PublicKey),
                Balances = new Dictionary<string, string> { ["USDT"] = "100000", ["BNB"] = "100" },
                FuturesBalances = new Dictionary<string, string> { ["USDT"] = "100000" },
            });
            _keys[account] = (created.ApiKey, seed);
            return account;
        }

        /// <summary>A new account attached to <see cref="Connector"/> whose user-data stream is subscribed and first reconciliation done.</summary>
        public async Task<AccountId> NewReadyAccountAsync(string prefix)
        {
            var account = NewAccount(prefix);
            await Connector.AttachAsync(account, CancellationToken.None);
            for (var i = 0; i < 600; i++)
            {
                if (Connector.GetWorker(account) is { Reconciliations: > 0 }) return account;
                await Task.Delay(25);
            }
            throw new Xunit.Sdk.XunitException($"account {account} did not finish its first reconciliation within 15 s");
        }

        public IReadOnlyList<VenueEvent> Events(AccountId account) => _sink.Of(account);

        public IReadOnlyList<Oms.Simulator.Wire.Admin.RequestLogEntry> Requests(AccountId account) => Sim.Runtime.RequestLog.Snapshot(account.Value);

        /// <summary>The first event of <typeparamref name="T"/> for the account that matches (waits up to 20 s).</summary>
        public async Task<T> WaitForAsync<T>(AccountId account, Func<T, bool> match) where T : VenueEvent
        {
            for (var i = 0; i < 800; i++)
            {
                if (_sink.Of(account).OfType<T>().FirstOrDefault(match) is { } found) return found;
                await Task.Delay(25);
            }
            var seen = string.Join(Environment.NewLine, _sink.Of(account).Select(e => e.ToString()));
            throw new Xunit.Sdk.XunitException($"no matching {typeof(T).Name} for {account} within 20 s; events:{Environment.NewLine}{seen}");
        }

        private static void Check(Oms.Simulator.Engine.EngineResult result)
        {
            if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
        }

        private static void Check<T>(Oms.Simulator.Engine.EngineResult<T> result)
        {
            if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
        }

        public async Task DisposeAsync()
        {
            foreach (var disposable in _disposables) await disposable.DisposeAsync();
            if (Sim is not null) await Sim.DisposeAsync();
            _http?.Dispose();
            _binanceMetrics?.Dispose();
            _connectorMetrics?.Dispose();
            foreach (var key in _keys.Values) CryptographicOperations.ZeroMemory(key.Seed);
        }
    }

    /// <summary>Serves each account's simulator key (Ed25519, from its seed).</summary>
    private sealed class SeedCredentials(ConcurrentDictionary<AccountId, (string ApiKey, byte[] Seed)> keys) : IBinanceCredentialSource
    {
        public Task<BinanceCredentials?> GetAsync(AccountId account, CancellationToken cancellationToken)
        {
            if (!keys.TryGetValue(account, out var key)) return Task.FromResult<BinanceCredentials?>(null);
            return Task.FromResult<BinanceCredentials?>(new BinanceCredentials(key.ApiKey, Ed25519Signer.FromSeed(key.Seed)));
        }

        public event Action<AccountId>? Rotated
        {
            add { }
            remove { }
        }
    }

    /// <summary>Records every event delivered for each account, in order.</summary>
    private sealed class RecordingSink : IVenueEventSink
    {
        private readonly ConcurrentDictionary<AccountId, List<VenueEvent>> _events = new();

        public Task PublishAsync(AccountId account, IReadOnlyList<VenueEvent> events, CancellationToken cancellationToken = default)
        {
            var list = _events.GetOrAdd(account, _ => []);
            lock (list) list.AddRange(events);
            return Task.CompletedTask;
        }

        public IReadOnlyList<VenueEvent> Of(AccountId account)
        {
            if (!_events.TryGetValue(account, out var list)) return [];
            lock (list) return [.. list];
        }
    }

    /// <summary>What the OMS believes is open, set per account by the test (nothing by default: each test's account is new).</summary>
    public sealed class ViewReconciliation : IAccountReconciliationPort
    {
        private readonly ConcurrentDictionary<AccountId, IReadOnlyList<TrackedOrder>> _open = new();

        public void SetOpenOrders(AccountId account, IReadOnlyList<TrackedOrder> orders) => _open[account] = orders;

        public Task BeginAsync(AccountId account, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<AccountReconciliationView> GetViewAsync(AccountId account, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AccountReconciliationView { Account = account, OpenOrders = _open.TryGetValue(account, out var open) ? open : [], TradeCursors = [] });

        public Task EndAsync(AccountId account, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>The connectors' rate budget, recording every draw on an account's order counter.</summary>
    public sealed class RecordingBudget(IRateBudget inner) : IRateBudget
    {
        private readonly ConcurrentQueue<RateCharge> _orderDraws = new();

        /// <summary>The order counts drawn (and granted) on one order-counter scope key, in order.</summary>
        public IReadOnlyList<int> OrderDraws(string scopeKey) =>
            _orderDraws.Where(c => c.Scope.Key == scopeKey).Select(c => c.Cost).ToArray();

        public RateDecision TryAcquire(ReadOnlySpan<RateCharge> charges, RatePriority priority)
        {
            var decision = inner.TryAcquire(charges, priority);
            if (decision.Granted)
            {
                foreach (var charge in charges)
                {
                    if (charge.Scope.Kind == RateLimitKind.Orders) _orderDraws.Enqueue(charge);
                }
            }
            return decision;
        }

        public void Release(ReadOnlySpan<RateCharge> charges) => inner.Release(charges);

        public void ObserveUsage(RateLimitScope scope, TimeSpan interval, long used, long? limit = null) => inner.ObserveUsage(scope, interval, used, limit);

        public void SetLimits(RateLimitKind kind, IReadOnlyList<RateLimitWindow> windows) => inner.SetLimits(kind, windows);

        public void Freeze(RateLimitScope scope, DateTimeOffset until) => inner.Freeze(scope, until);

        public IReadOnlyList<RateWindowUsage> GetUsage(RateLimitScope scope) => inner.GetUsage(scope);
    }
}
