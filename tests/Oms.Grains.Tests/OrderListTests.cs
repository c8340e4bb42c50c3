namespace Oms.Grains.Tests;

/// <summary>
/// Order lists (OCO) through the account grain: validated as a pair, both legs persisted before one list command is
/// routed, risk counted once for the pair, venue list status applied, cancels and reconciliation per leg.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OrderListTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    /// <summary>A sell OCO on BTCUSDT: take profit as a limit-maker at 62000, stop-limit at 58000 (limit 57900).</summary>
    private static SubmitOrderList SellOco(string? listId = null, decimal quantity = 0.01m, InstrumentId? instrument = null) => new()
    {
        ListClientOrderId = listId is null ? null : new ClientOrderId(listId),
        Instrument = instrument ?? TestInstruments.BtcSpot,
        Side = OrderSide.Sell,
        Quantity = quantity,
        Above = new OrderListLegTerms { Type = OrderType.LimitMaker, LimitPrice = 62000m },
        Below = new OrderListLegTerms { Type = OrderType.StopLimit, StopPrice = 58000m, LimitPrice = 57900m },
        RequestedBy = "grain-tests",
    };

    private static VenueOrderListUpdate ListUpdate(AccountId account, OrderListSnapshot list, VenueOrderListStatus status, string? venueListId = "77", string? reason = null) => new()
    {
        Account = account,
        Timestamp = TestEnvironment.Clock.GetUtcNow(),
        Instrument = list.Instrument,
        ListClientOrderId = list.ListClientOrderId,
        VenueListId = venueListId,
        Status = status,
        Legs = [new VenueOrderListLeg(list.Above.ClientOrderId, list.Above.VenueOrderId), new VenueOrderListLeg(list.Below.ClientOrderId, list.Below.VenueOrderId)],
        Reason = reason,
    };

    /// <summary>Submits and has the venue accept both legs and the list.</summary>
    private async Task<(AccountId Id, IAccountGrain Account, OrderListSnapshot List)> LiveList(string purpose)
    {
        var accountId = TestAccounts.New(purpose);
        var account = await _grains.Provision(accountId);
        var submitted = (await account.SubmitOrderListAsync(SellOco($"{purpose}-list"))).List!;
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, submitted.Above, VenueOrderEventKind.Accepted, VenueDriver.NewVenueOrderId()),
            VenueDriver.Update(accountId, submitted.Below, VenueOrderEventKind.Accepted, VenueDriver.NewVenueOrderId()),
            ListUpdate(accountId, submitted, VenueOrderListStatus.Executing));
        var live = (await account.GetOrderListAsync(submitted.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.Executing, live.Status);
        return (accountId, account, live);
    }

    [Fact]
    public async Task Submit_persists_both_legs_linked_to_the_list_then_routes_one_list_command()
    {
        var accountId = TestAccounts.New("oco-submit");
        var account = await _grains.Provision(accountId);

        var result = await account.SubmitOrderListAsync(SellOco("oco-submit-1"));

        Assert.True(result.Created);
        Assert.Empty(result.Problems);
        var list = result.List!;
        Assert.Equal(OrderListStatus.Pending, list.Status);
        Assert.Equal("oco-submit-1-a", list.Above.ClientOrderId.Value);
        Assert.Equal("oco-submit-1-b", list.Below.ClientOrderId.Value);
        Assert.All(new[] { list.Above, list.Below }, leg =>
        {
            Assert.Equal(OrderStatus.PendingNew, leg.Status);
            Assert.Equal(list.ListClientOrderId, leg.OrderListId);
            Assert.Equal(OrderSide.Sell, leg.Spec.Side);
            Assert.Equal(0.01m, leg.Spec.Quantity);
        });

        var command = Assert.Single(TestEnvironment.Venue.Commands(accountId));
        var place = Assert.IsType<PlaceOrderListCommand>(command);
        Assert.Equal(list.ListClientOrderId, place.ClientOrderId);
        Assert.Equal(TestInstruments.BtcSpot, place.Instrument);
        Assert.Equal(list.Above.ClientOrderId, place.Above.ClientOrderId);
        Assert.Equal(list.Above.Spec, place.Above.Spec);
        Assert.Equal(OrderType.LimitMaker, place.Above.Spec.Type);
        Assert.Equal(62000m, place.Above.Spec.LimitPrice);
        Assert.Equal(list.Below.ClientOrderId, place.Below.ClientOrderId);
        Assert.Equal(OrderType.StopLimit, place.Below.Spec.Type);
        Assert.Equal(58000m, place.Below.Spec.StopPrice);
        Assert.Equal(57900m, place.Below.Spec.LimitPrice);

        // Reads show each leg's list id; two submitted reports, gap-free.
        Assert.Equal(list.ListClientOrderId, (await account.GetOrderAsync(list.Above.ClientOrderId))!.OrderListId);
        var open = await account.ListOrdersAsync(new OrderQuery { OpenOnly = true });
        Assert.Equal(2, open.Count);
        Assert.All(open, o => Assert.Equal(list.ListClientOrderId, o.OrderListId));
        var reports = await account.ReadAll();
        ReportReading.AssertGapFree(reports);
        Assert.Equal(2, reports.Count(r => r.Event is OrderSubmitted));
        Assert.All(reports, r => Assert.Equal(list.ListClientOrderId, r.Order.OrderListId));
    }

    [Fact]
    public async Task Leg_ids_are_generated_when_absent_and_the_list_id_too()
    {
        var accountId = TestAccounts.New("oco-ids");
        var account = await _grains.Provision(accountId);

        // A refused request hands its generated id back.
        Assert.NotEmpty((await account.SubmitOrderListAsync(SellOco() with { Quantity = 0m })).Problems);
        await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "taken-leg"));
        var taken = await account.SubmitOrderListAsync(SellOco() with { Above = SellOco().Above with { ClientOrderId = new ClientOrderId("taken-leg") } });
        Assert.Equal("above.client_order_id", Assert.Single(taken.Problems).Field);
        var generated = (await account.SubmitOrderListAsync(SellOco())).List!;
        var longId = new string('x', 36);
        var chosen = (await account.SubmitOrderListAsync(SellOco(longId) with
        {
            Below = SellOco().Below with { ClientOrderId = new ClientOrderId("my-stop-leg") },
        })).List!;

        Assert.Equal($"oms-{ClientOrderIds.AccountHash(accountId)}-1", generated.ListClientOrderId.Value);
        Assert.Equal(generated.ListClientOrderId.Value + "-a", generated.Above.ClientOrderId.Value);
        Assert.Equal(36, chosen.Above.ClientOrderId.Value.Length);
        Assert.EndsWith("-a", chosen.Above.ClientOrderId.Value, StringComparison.Ordinal);
        Assert.Equal("my-stop-leg", chosen.Below.ClientOrderId.Value);
    }

    [Fact]
    public async Task A_resubmitted_list_returns_the_same_list_live_or_archived_and_sends_nothing_again()
    {
        var (accountId, account, live) = await LiveList("oco-dup");

        var again = await account.SubmitOrderListAsync(SellOco("oco-dup-list"));
        // Even different terms under the same list id answer with the existing list.
        var different = await account.SubmitOrderListAsync(SellOco("oco-dup-list", quantity: 0.5m));

        Assert.False(again.Created);
        Assert.False(different.Created);
        Assert.Equal(live.Above.ClientOrderId, again.List!.Above.ClientOrderId);
        Assert.Equal(0.01m, different.List!.Quantity);
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderListCommand>(accountId));

        // Closed and archived: still the same answer (from the journal).
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, live.Above, VenueOrderEventKind.Canceled, live.Above.VenueOrderId),
            VenueDriver.Update(accountId, live.Below, VenueOrderEventKind.Canceled, live.Below.VenueOrderId),
            ListUpdate(accountId, live, VenueOrderListStatus.AllDone));
        await Eventually.Until<IReadOnlyList<OrderRecord>>(() => TestEnvironment.Journal.FindOrdersAsync(accountId, [live.Above.ClientOrderId, live.Below.ClientOrderId]).AsTask(),
            found => found.Count == 2, "both legs archived");
        await Eventually.Until(async () => (await account.ListOrdersAsync(new OrderQuery { OpenOnly = true })).Count, c => c == 0, "no open legs");

        var archived = await account.SubmitOrderListAsync(SellOco("oco-dup-list"));
        Assert.False(archived.Created);
        Assert.Equal(OrderListStatus.AllDone, archived.List!.Status);
        Assert.Equal(OrderStatus.Canceled, archived.List.Above.Status);
        Assert.Equal("77", archived.List.VenueOrderListId);
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderListCommand>(accountId));
        Assert.Equal(OrderListStatus.AllDone, (await account.GetOrderListAsync(live.ListClientOrderId))!.Status);
    }

    [Fact]
    public async Task An_archived_list_whose_legs_have_ids_of_their_own_is_still_found()
    {
        var accountId = TestAccounts.New("oco-own-ids");
        var account = await _grains.Provision(accountId);
        var command = SellOco("oco-own-1") with
        {
            Above = SellOco().Above with { ClientOrderId = new ClientOrderId("own-tp") },
            Below = SellOco().Below with { ClientOrderId = new ClientOrderId("own-sl") },
        };
        var list = (await account.SubmitOrderListAsync(command)).List!;
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, list.Above, VenueOrderEventKind.Rejected, reason: "-2010"),
            VenueDriver.Update(accountId, list.Below, VenueOrderEventKind.Rejected, reason: "-2010"));
        await Eventually.Until<IReadOnlyList<OrderRecord>>(() => TestEnvironment.Journal.FindOrdersAsync(accountId, [list.Above.ClientOrderId, list.Below.ClientOrderId]).AsTask(),
            found => found.Count == 2, "both legs archived");
        await Eventually.Until(async () => (await account.GetInfoAsync()).OpenOrderCount, c => c == 0, "no open legs");

        var read = await account.GetOrderListAsync(new ClientOrderId("oco-own-1"));
        var again = await account.SubmitOrderListAsync(command);

        Assert.NotNull(read);
        Assert.Equal(OrderListStatus.Rejected, read.Status);
        Assert.Equal("own-tp", read.Above.ClientOrderId.Value);
        Assert.Equal("own-sl", read.Below.ClientOrderId.Value);
        Assert.False(again.Created);
        Assert.Equal(OrderListStatus.Rejected, again.List!.Status);
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderListCommand>(accountId));
    }

    [Fact]
    public async Task When_one_leg_fills_the_venue_expires_the_other_and_the_list_is_done()
    {
        var (accountId, account, live) = await LiveList("oco-fill");
        Assert.Equal("77", live.VenueOrderListId);
        Assert.Equal("77", (await account.GetOrderAsync(live.Below.ClientOrderId))!.VenueOrderListId);

        await _venue.Send(accountId,
            VenueDriver.Fill(accountId, live.Above, 0.01m, 62000m),
            VenueDriver.Update(accountId, live.Below, VenueOrderEventKind.Expired, live.Below.VenueOrderId, reason: "the other leg of the list executed"),
            ListUpdate(accountId, live, VenueOrderListStatus.AllDone));

        var done = (await account.GetOrderListAsync(live.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.AllDone, done.Status);
        Assert.Equal(OrderStatus.Filled, done.Above.Status);
        Assert.Equal(0.01m, done.Above.FilledQuantity);
        Assert.Equal(OrderStatus.Expired, done.Below.Status);
        Assert.Equal(0m, done.Below.FilledQuantity);
        Assert.Empty(await account.ListOrdersAsync(new OrderQuery { OpenOnly = true }));
    }

    [Fact]
    public async Task A_cancel_of_either_leg_or_of_the_list_sends_one_cancel_and_both_legs_end()
    {
        var (accountId, account, live) = await LiveList("oco-cancel");

        var legCancel = await account.CancelOrderAsync(new CancelOrder { ClientOrderId = live.Below.ClientOrderId, RequestedBy = "grain-tests" });
        var listCancel = await account.CancelOrderListAsync(new CancelOrderList { ListClientOrderId = live.ListClientOrderId, RequestedBy = "grain-tests" });

        Assert.True(legCancel.Accepted);
        Assert.True(listCancel.Accepted);
        // The list cancel found a leg's cancel in flight: nothing more is sent, the venue cancels the whole list.
        var cancel = Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));
        Assert.Equal(live.Below.ClientOrderId, cancel.ClientOrderId);
        Assert.Equal(live.Below.VenueOrderId, cancel.VenueOrderId);

        await _venue.Send(accountId,
            VenueDriver.Update(accountId, live.Below, VenueOrderEventKind.Canceled, live.Below.VenueOrderId),
            VenueDriver.Update(accountId, live.Above, VenueOrderEventKind.Canceled, live.Above.VenueOrderId),
            ListUpdate(accountId, live, VenueOrderListStatus.AllDone));
        var done = (await account.GetOrderListAsync(live.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.AllDone, done.Status);
        Assert.Equal(OrderStatus.Canceled, done.Above.Status);
        Assert.Equal(OrderStatus.Canceled, done.Below.Status);

        // A done list cannot be cancelled again; nothing is sent.
        var late = await account.CancelOrderListAsync(new CancelOrderList { ListClientOrderId = live.ListClientOrderId });
        Assert.Equal(DenialCode.OrderNotCancelable, late.Denial!.Code);
        Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));
    }

    [Fact]
    public async Task A_list_cancel_sends_one_cancel_and_cancel_all_sends_one_per_list()
    {
        var (accountId, account, live) = await LiveList("oco-cancel-list");

        var result = await account.CancelOrderListAsync(new CancelOrderList { ListClientOrderId = live.ListClientOrderId });

        Assert.True(result.Accepted);
        var cancel = Assert.Single(TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId));
        Assert.Equal(live.Above.ClientOrderId, cancel.ClientOrderId);
        Assert.Equal(OrderStatus.PendingCancel, result.List!.Above.Status);

        // A second list, cancelled with cancel-all: one command for its two legs.
        var second = (await account.SubmitOrderListAsync(SellOco("oco-cancel-list-2"))).List!;
        var all = await account.CancelAllOrdersAsync(new CancelAllOrders { RequestedBy = "grain-tests" });
        Assert.Empty(all.Refused);
        Assert.Contains(second.Above.ClientOrderId, all.CancelRequested);
        Assert.Contains(second.Below.ClientOrderId, all.CancelRequested);
        Assert.Equal(2, TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId).Count);
        Assert.Equal(second.Above.ClientOrderId, TestEnvironment.Venue.Commands<CancelOrderCommand>(accountId)[1].ClientOrderId);
    }

    [Fact]
    public async Task A_list_the_venue_rejects_rejects_both_legs()
    {
        var accountId = TestAccounts.New("oco-reject");
        var account = await _grains.Provision(accountId);
        var list = (await account.SubmitOrderListAsync(SellOco("oco-reject-1"))).List!;

        await _venue.Send(accountId, ListUpdate(accountId, list, VenueOrderListStatus.Rejected, venueListId: null, reason: "-2010: Order would immediately trigger."));

        var rejected = (await account.GetOrderListAsync(list.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.Rejected, rejected.Status);
        Assert.Contains("-2010", rejected.Reason, StringComparison.Ordinal);
        Assert.All(new[] { rejected.Above, rejected.Below }, leg =>
        {
            Assert.Equal(OrderStatus.Rejected, leg.Status);
            Assert.Contains("-2010", leg.LastVenueError, StringComparison.Ordinal);
        });
        // The legs' own rejections arriving afterwards change nothing.
        var before = (await account.ReadAll()).Count;
        await _venue.Send(accountId, VenueDriver.Update(accountId, list.Above, VenueOrderEventKind.Rejected, reason: "rejected"));
        Assert.Equal(before, (await account.ReadAll()).Count);
        Assert.Empty(await account.ListOrdersAsync(new OrderQuery { OpenOnly = true }));
    }

    [Fact]
    public async Task A_list_the_router_refuses_rejects_both_legs_and_sends_nothing()
    {
        var accountId = TestAccounts.New("oco-refused");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Venue.SetBehavior<PlaceOrderListCommand>(accountId, RouteBehavior.Refuse);

        var list = (await account.SubmitOrderListAsync(SellOco("oco-refused-1"))).List!;

        Assert.Equal(OrderListStatus.Rejected, list.Status);
        Assert.Equal(OrderStatus.Rejected, list.Above.Status);
        Assert.Equal(OrderStatus.Rejected, list.Below.Status);
        Assert.StartsWith("not sent to Binance", list.Reason, StringComparison.Ordinal);
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));
    }

    [Fact]
    public async Task Risk_counts_the_pair_once_both_legs_are_checked_and_a_denial_stores_both_legs_denied()
    {
        var accountId = TestAccounts.New("oco-risk");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Prices.Set(TestInstruments.EthSpot, 3000m);
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxGrossExposure = 7000m }, "grain-tests");

        // 2 ETH: 6000 USDT worst case. Counted twice (12000) the pair could not pass; counted once it does.
        var pair = await account.SubmitOrderListAsync(new SubmitOrderList
        {
            ListClientOrderId = new ClientOrderId("oco-risk-1"),
            Instrument = TestInstruments.EthSpot,
            Side = OrderSide.Sell,
            Quantity = 2m,
            Above = new OrderListLegTerms { Type = OrderType.LimitMaker, LimitPrice = 3100m },
            Below = new OrderListLegTerms { Type = OrderType.StopMarket, StopPrice = 2900m },
        });
        Assert.Equal(OrderListStatus.Pending, pair.List!.Status);
        Assert.Equal(6000m, (await _grains.GetAccountRisk(accountId).GetExposureAsync()).Gross);

        // The book holds the pair once: another 0.3 ETH (900) fits under 7000, another 0.4 (1200) does not.
        var fits = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.EthSpot, OrderSide.Sell, 0.3m, 3050m)));
        Assert.Equal(OrderStatus.PendingNew, fits.Order.Status);
        var tooMuch = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.EthSpot, OrderSide.Sell, 0.4m, 3050m)));
        Assert.Equal(DenialCode.MaxGrossExposureExceeded, tooMuch.Order.Denial!.Code);

        // Both legs are checked: a pair whose below leg breaks the per-order notional limit is denied, both legs stored Denied.
        await _grains.GetRiskLimit(accountId).SetLimitsAsync(new RiskLimits { MaxGrossExposure = 100000m, MaxOrderNotional = 1000m }, "grain-tests");
        var denied = await account.SubmitOrderListAsync(new SubmitOrderList
        {
            ListClientOrderId = new ClientOrderId("oco-risk-2"),
            Instrument = TestInstruments.EthSpot,
            Side = OrderSide.Buy,
            Quantity = 0.3m,
            Above = new OrderListLegTerms { Type = OrderType.StopLimit, StopPrice = 3200m, LimitPrice = 3400m },
            Below = new OrderListLegTerms { Type = OrderType.LimitMaker, LimitPrice = 2900m },
        });
        Assert.True(denied.Created);
        Assert.Equal(OrderListStatus.Denied, denied.List!.Status);
        Assert.Equal(DenialCode.NotionalExceedsMaxPerOrder, denied.List.Denial!.Code);
        Assert.StartsWith("above leg:", denied.List.Denial.Reason, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Denied, denied.List.Above.Status);
        Assert.Equal(OrderStatus.Denied, denied.List.Below.Status);
        Assert.Single(TestEnvironment.Venue.Commands<PlaceOrderListCommand>(accountId));
        var again = await account.SubmitOrderListAsync(new SubmitOrderList
        {
            ListClientOrderId = new ClientOrderId("oco-risk-2"),
            Instrument = TestInstruments.EthSpot,
            Side = OrderSide.Buy,
            Quantity = 0.3m,
            Above = new OrderListLegTerms { Type = OrderType.StopLimit, StopPrice = 3200m, LimitPrice = 3400m },
            Below = new OrderListLegTerms { Type = OrderType.LimitMaker, LimitPrice = 2900m },
        });
        Assert.False(again.Created);
        Assert.Equal(OrderListStatus.Denied, again.List!.Status);
    }

    [Fact]
    public async Task A_futures_instrument_is_refused_naming_the_reason_and_nothing_is_stored()
    {
        var accountId = TestAccounts.New("oco-futures");
        var account = await _grains.Provision(accountId);

        var result = await account.SubmitOrderListAsync(SellOco("oco-futures-1", quantity: 0.01m, instrument: TestInstruments.BtcPerp));

        Assert.Null(result.List);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("instrument.market", problem.Field);
        Assert.Contains("spot only", problem.Denial.Reason, StringComparison.Ordinal);
        await AssertNothingStored(accountId, account, "oco-futures-1");
    }

    public static TheoryData<string, string> MalformedPairs() => new()
    {
        { "sell-stop-above", "above.type" },
        { "sell-limit-below", "below.type" },
        { "prices-crossed", "above.limit_price" },
        { "stop-price-missing", "below.stop_price" },
        { "maker-ioc", "above.time_in_force" },
        { "quantity-zero", "quantity" },
        { "same-leg-ids", "below.client_order_id" },
        { "limit-price-on-stop-market", "below.limit_price" },
    };

    [Theory]
    [MemberData(nameof(MalformedPairs))]
    public async Task A_malformed_pair_is_refused_naming_the_field_and_nothing_is_stored(string shape, string field)
    {
        var accountId = TestAccounts.New("oco-bad");
        var account = await _grains.Provision(accountId);
        var good = SellOco("oco-bad-1");
        var command = shape switch
        {
            "sell-stop-above" => good with { Above = new OrderListLegTerms { Type = OrderType.StopMarket, StopPrice = 62000m } },
            "sell-limit-below" => good with { Below = new OrderListLegTerms { Type = OrderType.LimitMaker, LimitPrice = 58000m } },
            "prices-crossed" => good with { Above = good.Above with { LimitPrice = 57000m } },
            "stop-price-missing" => good with { Below = good.Below with { StopPrice = null } },
            "maker-ioc" => good with { Above = good.Above with { TimeInForce = TimeInForce.Ioc } },
            "quantity-zero" => good with { Quantity = 0m },
            "same-leg-ids" => good with
            {
                Above = good.Above with { ClientOrderId = new ClientOrderId("leg-1") },
                Below = good.Below with { ClientOrderId = new ClientOrderId("leg-1") },
            },
            "limit-price-on-stop-market" => good with { Below = new OrderListLegTerms { Type = OrderType.StopMarket, StopPrice = 58000m, LimitPrice = 57900m } },
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        var result = await account.SubmitOrderListAsync(command);

        Assert.Null(result.List);
        Assert.Contains(result.Problems, p => p.Field == field && p.Denial.Code == DenialCode.InvalidOrder);
        await AssertNothingStored(accountId, account, "oco-bad-1");
    }

    [Fact]
    public async Task A_leg_id_taken_by_another_order_is_refused_naming_the_field()
    {
        var accountId = TestAccounts.New("oco-taken");
        var account = await _grains.Provision(accountId);
        await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.001m, 60000m), "oco-taken-1-b"));

        var result = await account.SubmitOrderListAsync(SellOco("oco-taken-1"));

        Assert.Null(result.List);
        Assert.Equal("below.client_order_id", Assert.Single(result.Problems).Field);
        Assert.Null(await account.GetOrderListAsync(new ClientOrderId("oco-taken-1")));
        Assert.Empty(TestEnvironment.Venue.Commands<PlaceOrderListCommand>(accountId));
    }

    [Fact]
    public async Task A_leg_of_a_list_cannot_be_amended()
    {
        var (accountId, account, live) = await LiveList("oco-amend");

        var result = await account.AmendOrderAsync(new AmendOrder { ClientOrderId = live.Above.ClientOrderId, NewLimitPrice = 63000m });

        Assert.Equal(DenialCode.OrderNotAmendable, result.Denial!.Code);
        Assert.Contains("order list", result.Denial.Reason, StringComparison.Ordinal);
        Assert.Empty(TestEnvironment.Venue.Commands<AmendOrderCommand>(accountId));
    }

    [Fact]
    public async Task On_activation_legs_of_a_list_that_may_never_have_been_sent_are_queried_and_resolved()
    {
        var accountId = TestAccounts.New("oco-recover");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Venue.SetBehavior<PlaceOrderListCommand>(accountId, RouteBehavior.Throw);
        TestEnvironment.Venue.SetBehavior<QueryOrderCommand>(accountId, RouteBehavior.Refuse);
        var list = (await account.SubmitOrderListAsync(SellOco("oco-recover-1"))).List!;
        Assert.Equal(OrderListStatus.Pending, list.Status);
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));

        await fixture.Cluster.DeactivateAsync(account);
        TestEnvironment.Venue.SetBehavior<QueryOrderCommand>(accountId, RouteBehavior.Queue);
        Assert.Equal(OrderListStatus.Pending, (await account.GetOrderListAsync(list.ListClientOrderId))!.Status);
        var queries = TestEnvironment.Venue.Commands<QueryOrderCommand>(accountId).Select(q => q.ClientOrderId).ToHashSet();
        Assert.Equal(new HashSet<ClientOrderId> { list.Above.ClientOrderId, list.Below.ClientOrderId }, queries);

        // The venue never saw it: after the grace period both legs are rejected and the list with them.
        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(31));
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, list.Above, VenueOrderEventKind.NotFound),
            VenueDriver.Update(accountId, list.Below, VenueOrderEventKind.NotFound));
        var resolved = (await account.GetOrderListAsync(list.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.Rejected, resolved.Status);
        Assert.Equal(OrderStatus.Rejected, resolved.Above.Status);
        Assert.Equal(OrderStatus.Rejected, resolved.Below.Status);
    }

    [Fact]
    public async Task On_activation_a_list_the_venue_did_receive_is_resolved_by_its_answers()
    {
        var accountId = TestAccounts.New("oco-recover-live");
        var account = await _grains.Provision(accountId);
        TestEnvironment.Venue.SetBehavior<PlaceOrderListCommand>(accountId, RouteBehavior.Throw);
        var list = (await account.SubmitOrderListAsync(SellOco("oco-rl-1"))).List!;

        await fixture.Cluster.DeactivateAsync(account);
        await _venue.Send(accountId,
            VenueDriver.Update(accountId, list.Above, VenueOrderEventKind.Accepted, new VenueOrderId("q-a")) with { Source = VenueEventSource.Reconciliation },
            VenueDriver.Update(accountId, list.Below, VenueOrderEventKind.Accepted, new VenueOrderId("q-b")) with { Source = VenueEventSource.Reconciliation },
            VenueDriver.Fill(accountId, list.Below, 0.01m, 57950m),
            VenueDriver.Update(accountId, list.Above, VenueOrderEventKind.Expired, new VenueOrderId("q-a")));

        var resolved = (await account.GetOrderListAsync(list.ListClientOrderId))!;
        Assert.Equal(OrderListStatus.AllDone, resolved.Status);
        Assert.Equal(OrderStatus.Filled, resolved.Below.Status);
        Assert.Equal(OrderStatus.Expired, resolved.Above.Status);
        Assert.Equal(2, TestEnvironment.Venue.Commands<QueryOrderCommand>(accountId).Count);
    }

    private static async Task AssertNothingStored(AccountId accountId, IAccountGrain account, string listId)
    {
        Assert.Null(await account.GetOrderListAsync(new ClientOrderId(listId)));
        Assert.Empty(await account.ListOrdersAsync(new OrderQuery()));
        Assert.Empty(await account.ReadAll());
        Assert.Empty(TestEnvironment.Venue.Commands(accountId));
        Assert.Equal(0, (await account.GetInfoAsync()).LastSequence);
    }
}
