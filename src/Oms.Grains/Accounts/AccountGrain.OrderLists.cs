namespace Oms.Grains;

// Order lists (one-cancels-the-other pairs placed natively as one venue list): submit, cancel, reads, venue list status,
// and the rule that the risk book counts an OCO pair once.
public sealed partial class AccountGrain
{
    public async Task<SubmitOrderListResult> SubmitOrderListAsync(SubmitOrderList command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        if (!S.Provisioned)
        {
            // Nothing is stored for an account that does not exist.
            return new SubmitOrderListResult { Denial = new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned") };
        }
        var requested = command.ListClientOrderId is { Value: not null } given ? given : (ClientOrderId?)null;

        // (1) Idempotency: the same list id answers with the list it created.
        if (requested is { } existingId && S.OrderLists.TryGetValue(existingId, out var existing))
        {
            return new SubmitOrderListResult { List = await ListSnapshotAsync(existing), Created = false };
        }

        // (2) A legal pair, or nothing is stored.
        var problems = OrderListValidation.Validate(command).ToList();
        if (problems.Count > 0) return Refused(problems);

        // A generated list id is handed back if the request is refused: bad input changes nothing.
        var counter = S.NextClientOrderNumber;
        var listId = requested ?? NextClientOrderId();
        var aboveId = command.Above.ClientOrderId is { Value: not null } a ? a : OrderListValidation.DerivedLegId(listId, OrderListLegPosition.Above);
        var belowId = command.Below.ClientOrderId is { Value: not null } b ? b : OrderListValidation.DerivedLegId(listId, OrderListLegPosition.Below);
        var venue = S.Config!.Venue;
        if (ClientOrderIds.Problem(venue, listId) is { } listProblem) problems.Add(Problem("list_client_order_id", listProblem));
        if (ClientOrderIds.Problem(venue, aboveId) is { } aboveProblem) problems.Add(Problem("above.client_order_id", aboveProblem));
        if (ClientOrderIds.Problem(venue, belowId) is { } belowProblem) problems.Add(Problem("below.client_order_id", belowProblem));
        if (aboveId == belowId) problems.Add(Problem("below.client_order_id", $"'{belowId}' is the above leg's client order id too; the legs need distinct ids"));
        foreach (var (field, id) in new[] { ("above.client_order_id", aboveId), ("below.client_order_id", belowId) })
        {
            if (S.Orders.ContainsKey(id)) problems.Add(Problem(field, $"'{id}' is already the client order id of another order of account {_account}"));
        }
        if (problems.Count > 0)
        {
            S.NextClientOrderNumber = counter;
            return Refused(problems);
        }

        // Closed legs are in the journal: a resubmission of an archived list finds them; another order's id is taken.
        var archived = await FindArchivedLegsAsync(aboveId, belowId);
        if (archived.Count > 0)
        {
            if (archived.Count == 2 && archived.All(r => r.OrderListId == listId))
            {
                return new SubmitOrderListResult { List = ArchivedListSnapshot(listId, archived, aboveId), Created = false };
            }
            foreach (var record in archived)
            {
                var field = record.Order.ClientOrderId == aboveId ? "above.client_order_id" : "below.client_order_id";
                problems.Add(Problem(field, $"'{record.Order.ClientOrderId}' is already the client order id of another order of account {_account}"));
            }
            S.NextClientOrderNumber = counter;
            return Refused(problems);
        }

        var received = System.Diagnostics.Stopwatch.GetTimestamp();
        var aboveSpec = OrderListValidation.LegSpec(command, command.Above);
        var belowSpec = OrderListValidation.LegSpec(command, command.Below);
        var now = _clock.GetUtcNow();
        var list = new OrderListRecord
        {
            ListClientOrderId = listId,
            Instrument = command.Instrument,
            Side = command.Side,
            Quantity = command.Quantity,
            Above = aboveId,
            Below = belowId,
            Status = OrderListStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
            RequestedBy = command.RequestedBy,
        };

        // (3) Filters, trading state and limits for both legs; exposure reserved once for the pair.
        var refusal = await EvaluateListAsync(aboveSpec, belowSpec);
        if (refusal is not null)
        {
            list.Status = OrderListStatus.Denied;
            list.Denial = refusal;
            S.OrderLists[listId] = list;
            foreach (var (id, spec) in new[] { (aboveId, aboveSpec), (belowId, belowSpec) })
            {
                var (denied, deniedEvent) = Order.Deny(_account, id, spec, refusal, now);
                var record = AddOrder(denied, command.RequestedBy);
                record.OrderListId = listId;
                AddReport(deniedEvent, denied);
                TrackClosure(record, wasOpen: true);
            }
            await PersistAsync();
            Log.OrderDenied(_logger, _account, listId, refusal.Code.Name(), refusal.Reason);
            RecordDenied(command.Instrument, refusal.Code);
            return new SubmitOrderListResult { List = await ListSnapshotAsync(list), Created = true };
        }
        RecordRiskPassed(received, command.Instrument);

        // (4) Persist both legs (PendingNew, linked to the list) before the list goes on the wire.
        S.OrderLists[listId] = list;
        var legs = new List<Order>(2);
        foreach (var (id, spec) in new[] { (aboveId, aboveSpec), (belowId, belowSpec) })
        {
            var (order, submitted) = Order.Submit(_account, id, spec, now);
            AddOrder(order, command.RequestedBy).OrderListId = listId;
            AddReport(submitted, order);
            _recentSubmits.Enqueue(now);
            legs.Add(order);
        }
        await PersistAsync();
        _logger.LogInformation("Account {Account} submitted order list {ListClientOrderId}: {Instrument} {Side} {Quantity}, legs {Above} / {Below}",
            _account, listId, command.Instrument, command.Side, command.Quantity, aboveId, belowId);

        RouteResult route;
        try
        {
            route = await _router.RouteAsync(new PlaceOrderListCommand
            {
                Account = _account,
                Instrument = command.Instrument,
                ClientOrderId = listId,
                CreatedAt = now,
                Above = new OrderListLeg(aboveId, aboveSpec),
                Below = new OrderListLeg(belowId, belowSpec),
            });
        }
        catch (Exception ex)
        {
            // Unknown whether it was queued: both legs stay in flight and a query by client order id resolves each.
            Log.PlaceRouteFailed(_logger, ex, _account, listId);
            _needsQuery.Add(aboveId);
            _needsQuery.Add(belowId);
            RecordRouted(received, command.Instrument, null);
            return new SubmitOrderListResult { List = await ListSnapshotAsync(list), Created = true };
        }

        if (!route.Accepted)
        {
            var reason = $"not sent to {command.Instrument.Venue}: {route.Code.Name()}: {route.Reason ?? "the router refused the command"}";
            var at = _clock.GetUtcNow();
            foreach (var order in legs)
            {
                var record = S.Orders[order.ClientOrderId];
                var wasOpen = order.IsOpen;
                var update = order.Reject(reason, null, at);
                if (update.Outcome != OrderUpdateOutcome.Applied) continue;
                AddReport(update.Event!, order);
                TrackClosure(record, wasOpen);
            }
            list.Status = OrderListStatus.Rejected;
            list.Reason = reason;
            list.UpdatedAt = at;
            await PersistAsync();
            Log.PlaceRefused(_logger, _account, listId, reason);
        }
        RecordRouted(received, command.Instrument, route);
        return new SubmitOrderListResult { List = await ListSnapshotAsync(list), Created = true };
    }

    public async Task<OrderListCommandResult> CancelOrderListAsync(CancelOrderList command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        if (!S.Provisioned) return new OrderListCommandResult(null, new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned"));
        var listId = command.ListClientOrderId;
        if (listId.Value is null || !S.OrderLists.TryGetValue(listId, out var list))
        {
            var closed = listId.Value is null ? null : await GetOrderListAsync(listId);
            return closed is not null
                ? new OrderListCommandResult(closed, new Denial(DenialCode.OrderNotCancelable, $"order list {listId} is {closed.Status} and can no longer be cancelled"))
                : new OrderListCommandResult(null, new Denial(DenialCode.OrderNotFound, $"account {_account} has no order list with client id '{listId}'"));
        }

        // One cancel for one live leg: the venue cancels the whole list. A leg whose cancel is in flight already does that.
        var legs = new[] { list.Above, list.Below }
            .Select(id => S.Orders.TryGetValue(id, out var record) ? record.Order : null)
            .Where(o => o is { IsOpen: true })
            .Select(o => o!)
            .ToArray();
        if (legs.Length == 0)
        {
            var snapshot = await ListSnapshotAsync(list);
            return new OrderListCommandResult(snapshot, new Denial(DenialCode.OrderNotCancelable,
                $"order list {listId} is {snapshot.Status}: neither leg is open, so there is nothing to cancel"));
        }
        if (legs.Any(o => o.Status == OrderStatus.PendingCancel)) return new OrderListCommandResult(await ListSnapshotAsync(list), null);

        var leg = legs.FirstOrDefault(o => o.VenueOrderId is not null) ?? legs[0];
        var result = await CancelOrderAsync(new CancelOrder { ClientOrderId = leg.ClientOrderId, RequestedBy = command.RequestedBy });
        var denial = result.Denial is null ? null : result.Denial with { Reason = $"cancel of order list {listId} refused: {result.Denial.Reason}" };
        return new OrderListCommandResult(await ListSnapshotAsync(list), denial);
    }

    public async Task<OrderListSnapshot?> GetOrderListAsync(ClientOrderId listClientOrderId)
    {
        if (listClientOrderId.Value is null || !S.Provisioned) return null;
        if (S.OrderLists.TryGetValue(listClientOrderId, out var list)) return await ListSnapshotAsync(list);
        // Both legs archived: their ids are the derived ones, or the legs the journal lists under the list's id.
        var above = OrderListValidation.DerivedLegId(listClientOrderId, OrderListLegPosition.Above);
        var below = OrderListValidation.DerivedLegId(listClientOrderId, OrderListLegPosition.Below);
        var archived = await FindArchivedLegsAsync(above, below);
        if (archived.Count == 2 && archived.All(r => r.OrderListId == listClientOrderId)) return ArchivedListSnapshot(listClientOrderId, archived, above);

        // Legs with ids of their own: the most recent closed orders name their list.
        IReadOnlyList<OrderRecord> recent;
        try
        {
            recent = await _journal.ListOrdersAsync(_account, null, ArchivedListSearchDepth);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"account {_account} could not search its closed orders for order list {listClientOrderId}: {ex.Message}", ex);
        }
        var legs = recent.Where(r => r.OrderListId == listClientOrderId).Take(2).ToList();
        if (legs.Count != 2) return null;
        // The above leg is the one priced higher (stop, else limit) - the pair's defining relation.
        var aboveLeg = legs.MaxBy(r => r.Order.Spec.StopPrice ?? r.Order.LimitPrice ?? 0m)!;
        return ArchivedListSnapshot(listClientOrderId, legs, aboveLeg.Order.ClientOrderId);
    }

    /// <summary>How many of the newest closed orders a read of an archived list with own leg ids searches.</summary>
    private const int ArchivedListSearchDepth = 1000;

    // ------------------------------------------------------------------ venue events

    /// <summary>
    /// The venue's word on a list as a whole: its venue id and status. A rejected list rejects the legs still waiting
    /// for the venue (their own rejections may also arrive; the second changes nothing).
    /// </summary>
    private bool ApplyOrderListUpdate(VenueOrderListUpdate update)
    {
        if (update.ListClientOrderId.Value is null || !S.OrderLists.TryGetValue(update.ListClientOrderId, out var list))
        {
            _logger.LogInformation("Account {Account} ignored a {Status} update for unknown order list {ListClientOrderId}", _account, update.Status, update.ListClientOrderId);
            return false;
        }
        if (list.Instrument != update.Instrument)
        {
            _logger.LogWarning("Account {Account} ignored an update for order list {ListClientOrderId} on {Instrument}: the list is on {ListInstrument}",
                _account, update.ListClientOrderId, update.Instrument, list.Instrument);
            return false;
        }
        var changed = false;
        if (update.VenueListId is { Length: > 0 } venueListId && list.VenueOrderListId != venueListId)
        {
            list.VenueOrderListId = venueListId;
            foreach (var id in new[] { list.Above, list.Below })
            {
                if (S.Orders.TryGetValue(id, out var record)) record.VenueOrderListId = venueListId;
            }
            changed = true;
        }
        var status = update.Status switch
        {
            VenueOrderListStatus.Executing => OrderListStatus.Executing,
            VenueOrderListStatus.AllDone => OrderListStatus.AllDone,
            VenueOrderListStatus.Rejected => OrderListStatus.Rejected,
            _ => list.Status,
        };
        // A list never goes back from done to live (a late Executing after AllDone is stale).
        var terminal = list.Status is OrderListStatus.AllDone or OrderListStatus.Rejected or OrderListStatus.Denied;
        if (status != list.Status && !terminal)
        {
            list.Status = status;
            if (status == OrderListStatus.Rejected) list.Reason = update.Reason ?? "rejected by the venue";
            changed = true;
        }
        if (update.Status == VenueOrderListStatus.Rejected)
        {
            foreach (var id in new[] { list.Above, list.Below })
            {
                if (!S.Orders.TryGetValue(id, out var record)) continue;
                var order = record.Order;
                if (order.Status != OrderStatus.PendingNew || order.VenueOrderId is not null || order.FilledQuantity > 0m) continue;
                var wasOpen = order.IsOpen;
                var result = order.Reject($"order list {list.ListClientOrderId} rejected: {update.Reason ?? "rejected by the venue"}", null, update.Timestamp);
                if (result.Outcome != OrderUpdateOutcome.Applied) continue;
                _needsQuery.Remove(id);
                AddReport(result.Event!, order);
                TrackClosure(record, wasOpen);
                changed = true;
            }
        }
        if (changed) list.UpdatedAt = update.Timestamp > list.UpdatedAt ? update.Timestamp : list.UpdatedAt;
        return changed;
    }

    /// <summary>Lists whose legs have both left the hot state (archived) leave it too.</summary>
    private void PruneOrderLists()
    {
        if (S.OrderLists.Count == 0) return;
        List<ClientOrderId>? gone = null;
        foreach (var (id, list) in S.OrderLists)
        {
            if (!S.Orders.ContainsKey(list.Above) && !S.Orders.ContainsKey(list.Below)) (gone ??= []).Add(id);
        }
        if (gone is null) return;
        foreach (var id in gone) S.OrderLists.Remove(id);
        _outboxDirty = true;
    }

    // ------------------------------------------------------------------ risk

    /// <summary>
    /// Both legs pass the full pre-trade check set against the book without either of them (only one leg can execute,
    /// so the pair's exposure, notional and balance are counted once); the second leg is counted as one more open order
    /// and one more order this second. The firm exposure is reserved once, for the larger of the two legs.
    /// </summary>
    private async Task<Denial?> EvaluateListAsync(OrderSpec above, OrderSpec below)
    {
        if (!_catalog.TryGet(above.Instrument, out var instrument)) return UnknownInstrument(above.Instrument);
        var aboveRequest = BuildRequest(above, instrument, exclude: null, amend: false);
        var aboveOutcome = PreTradeRiskEngine.Evaluate(aboveRequest);
        if (aboveOutcome.Denial is { } aboveDenial) return aboveDenial with { Reason = $"above leg: {aboveDenial.Reason}" };

        var belowRequest = BuildRequest(below, instrument, exclude: null, amend: false) with
        {
            OpenOrderCount = aboveRequest.OpenOrderCount + 1,
            OrdersInLastSecond = aboveRequest.OrdersInLastSecond + 1,
            StrategyOpenOrderCount = aboveRequest.StrategyOpenOrderCount + (above.StrategyTag is null ? 0 : 1),
        };
        var belowOutcome = PreTradeRiskEngine.Evaluate(belowRequest);
        if (belowOutcome.Denial is { } belowDenial) return belowDenial with { Reason = $"below leg: {belowDenial.Reason}" };

        if (!aboveOutcome.Limits.HasFirmExposureLimit && !belowOutcome.Limits.HasFirmExposureLimit) return null;
        if (aboveOutcome.ExposureAfter is not { } aboveAfter || belowOutcome.ExposureAfter is not { } belowAfter)
        {
            return new Denial(DenialCode.FirmRiskUnavailable, $"the exposure of account {_account} with this order list could not be measured for the firm limit");
        }
        return await ReserveFirmExposureAsync(aboveAfter.Gross >= belowAfter.Gross ? aboveAfter : belowAfter);
    }

    /// <summary>
    /// Whether an open order is an OCO leg whose open sibling stands for the pair in the risk book: only one leg can
    /// execute, so the pair counts once — as the leg valued higher (the larger notional; the above leg on a tie). The
    /// venue locks the pair's balance once too.
    /// </summary>
    private bool IsCoveredBySibling(OrderRecord record)
    {
        if (record.OrderListId is not { } listId || !S.OrderLists.TryGetValue(listId, out var list)) return false;
        var siblingId = list.Sibling(record.Order.ClientOrderId);
        if (!S.Orders.TryGetValue(siblingId, out var sibling) || !sibling.Order.IsOpen) return false;
        var own = LegValue(record.Order);
        var other = LegValue(sibling.Order);
        return other > own || (other == own && siblingId == list.Above);
    }

    private static decimal LegValue(Order order) => order.LeavesQuantity * (order.LimitPrice ?? order.Spec.StopPrice ?? 0m);

    // ------------------------------------------------------------------ reads

    private OrderSnapshot Snap(Order order) =>
        S.Orders.TryGetValue(order.ClientOrderId, out var record) && ReferenceEquals(record.Order, order) ? Snap(record) : OrderSnapshot.From(order);

    private static OrderSnapshot Snap(OrderRecord record) => record.OrderListId is null
        ? OrderSnapshot.From(record.Order)
        : OrderSnapshot.From(record.Order) with { OrderListId = record.OrderListId, VenueOrderListId = record.VenueOrderListId };

    private async Task<OrderListSnapshot> ListSnapshotAsync(OrderListRecord list)
    {
        S.Orders.TryGetValue(list.Above, out var above);
        S.Orders.TryGetValue(list.Below, out var below);
        if (above is null || below is null)
        {
            // A closed leg may already be in the journal.
            var missing = new List<ClientOrderId>(2);
            if (above is null) missing.Add(list.Above);
            if (below is null) missing.Add(list.Below);
            var archived = await FindArchivedLegsAsync([.. missing]);
            above ??= archived.FirstOrDefault(r => r.Order.ClientOrderId == list.Above);
            below ??= archived.FirstOrDefault(r => r.Order.ClientOrderId == list.Below);
            if (above is null || below is null)
            {
                throw new InvalidOperationException($"account {_account} order list {list.ListClientOrderId} has lost its leg {(above is null ? list.Above : list.Below)}");
            }
        }
        return new OrderListSnapshot
        {
            Account = _account,
            ListClientOrderId = list.ListClientOrderId,
            VenueOrderListId = list.VenueOrderListId ?? above.VenueOrderListId ?? below.VenueOrderListId,
            Instrument = list.Instrument,
            Side = list.Side,
            Quantity = list.Quantity,
            Status = EffectiveStatus(list.Status, above.Order, below.Order),
            Above = Snap(above) with { VenueOrderListId = list.VenueOrderListId ?? above.VenueOrderListId },
            Below = Snap(below) with { VenueOrderListId = list.VenueOrderListId ?? below.VenueOrderListId },
            CreatedAt = list.CreatedAt,
            UpdatedAt = Max(list.UpdatedAt, Max(above.Order.UpdatedAt, below.Order.UpdatedAt)),
            Reason = list.Reason,
            Denial = list.Denial,
        };
    }

    private OrderListSnapshot ArchivedListSnapshot(ClientOrderId listId, IReadOnlyList<OrderRecord> legs, ClientOrderId aboveId)
    {
        var above = legs.First(r => r.Order.ClientOrderId == aboveId);
        var below = legs.First(r => r.Order.ClientOrderId != aboveId);
        var status = EffectiveStatus(OrderListStatus.AllDone, above.Order, below.Order);
        return new OrderListSnapshot
        {
            Account = _account,
            ListClientOrderId = listId,
            VenueOrderListId = above.VenueOrderListId ?? below.VenueOrderListId,
            Instrument = above.Order.Instrument,
            Side = above.Order.Spec.Side,
            Quantity = above.Order.Spec.Quantity,
            Status = status,
            Above = Snap(above),
            Below = Snap(below),
            CreatedAt = Min(above.Order.CreatedAt, below.Order.CreatedAt),
            UpdatedAt = Max(above.Order.UpdatedAt, below.Order.UpdatedAt),
            Reason = status == OrderListStatus.Rejected ? above.Order.LastVenueError ?? below.Order.LastVenueError : null,
            Denial = above.Order.Denial,
        };
    }

    /// <summary>
    /// The list's status with what its legs say: both legs closed is done (rejected when both were rejected, denied when
    /// denied); a list the venue has not confirmed is live once a leg was accepted.
    /// </summary>
    private static OrderListStatus EffectiveStatus(OrderListStatus recorded, Order above, Order below)
    {
        if (recorded is OrderListStatus.Denied || (above.Status == OrderStatus.Denied && below.Status == OrderStatus.Denied)) return OrderListStatus.Denied;
        if (recorded == OrderListStatus.Rejected) return OrderListStatus.Rejected;
        if (!above.IsOpen && !below.IsOpen)
        {
            return above.Status == OrderStatus.Rejected && below.Status == OrderStatus.Rejected ? OrderListStatus.Rejected : OrderListStatus.AllDone;
        }
        if (recorded == OrderListStatus.Pending && (Acknowledged(above) || Acknowledged(below))) return OrderListStatus.Executing;
        return recorded;
    }

    private static bool Acknowledged(Order order) => order.VenueOrderId is not null || order.FilledQuantity > 0m;

    /// <summary>Archived orders among these ids (one journal call); a journal failure fails the call, naming what it was for.</summary>
    private async Task<IReadOnlyList<OrderRecord>> FindArchivedLegsAsync(params ClientOrderId[] ids)
    {
        try
        {
            return await _journal.FindOrdersAsync(_account, ids);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"account {_account} could not look up order-list legs {string.Join(", ", ids)} in the execution-report journal: {ex.Message}", ex);
        }
    }

    private static SubmitOrderListResult Refused(IReadOnlyList<StrategyProblem> problems) => new() { Problems = problems };

    private static StrategyProblem Problem(string field, string reason) => new(field, new Denial(DenialCode.InvalidOrder, reason));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
