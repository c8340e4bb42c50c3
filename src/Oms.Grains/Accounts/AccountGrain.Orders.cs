namespace Oms.Grains;

// Submit, cancel and amend.
public sealed partial class AccountGrain
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    public async Task<SubmitOrderResult> SubmitOrderAsync(SubmitOrder command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(command.Spec);
        var received = System.Diagnostics.Stopwatch.GetTimestamp();
        using var span = StartSubmitSpan(command.Spec);
        var requested = command.ClientOrderId is { Value: not null } given ? given : (ClientOrderId?)null;

        // (1) Idempotency: the same client order id always answers with the order it created, never a second one.
        if (requested is { } existingId && S.Orders.TryGetValue(existingId, out var existing))
        {
            return new SubmitOrderResult(Snap(existing.Order), Created: false);
        }
        // A closed order's id is in the journal: the same answer, however long ago it closed.
        if (requested is { } archivedId && S.Provisioned && await FindArchivedAsync(archivedId, "check the client order id") is { } archived)
        {
            return new SubmitOrderResult(Snap(archived), Created: false);
        }

        var now = _clock.GetUtcNow();
        if (!S.Provisioned)
        {
            // Nothing is stored for an account that does not exist.
            var id = requested ?? ClientOrderIds.Create(command.Spec.Instrument.Venue, "oms", _accountHash, 0);
            var denial = new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned");
            return new SubmitOrderResult(Snap(Order.Deny(_account, id, command.Spec, denial, now).Order), Created: false);
        }

        var clientOrderId = requested ?? NextClientOrderId();
        TraceClientOrderId(span, clientOrderId);

        // (2)-(4) Validation, instrument filters, trading state, limits.
        var refusal = await EvaluateAsync(command.Spec, clientOrderId);
        if (refusal is not null)
        {
            var (denied, deniedEvent) = Order.Deny(_account, clientOrderId, command.Spec, refusal, now);
            var deniedRecord = AddOrder(denied, command.RequestedBy);
            deniedRecord.ParentStrategyId = command.ParentStrategyId;
            AddReport(deniedEvent, denied);
            TrackClosure(deniedRecord, wasOpen: true);
            await PersistAsync();
            Log.OrderDenied(_logger, _account, clientOrderId, refusal.Code.Name(), refusal.Reason);
            RecordDenied(command.Spec.Instrument, refusal.Code);
            return new SubmitOrderResult(Snap(denied), Created: true);
        }

        RecordRiskPassed(received, command.Spec.Instrument);

        // (7) Accepted: persist the intent, then queue the place command.
        var (order, submitted) = Order.Submit(_account, clientOrderId, command.Spec, now);
        AddOrder(order, command.RequestedBy).ParentStrategyId = command.ParentStrategyId;
        AddReport(submitted, order);
        _recentSubmits.Enqueue(now);
        await PersistAsync();
        Log.OrderSubmitted(_logger, _account, clientOrderId, command.Spec.Instrument, command.Spec.Side, command.Spec.Quantity);

        RouteResult route;
        try
        {
            route = await _router.RouteAsync(new PlaceOrderCommand
            {
                Account = _account,
                Instrument = command.Spec.Instrument,
                ClientOrderId = clientOrderId,
                CreatedAt = now,
                Spec = command.Spec,
            });
        }
        catch (Exception ex)
        {
            // Unknown whether it was queued: the order stays in flight and a query by client order id resolves it.
            Log.PlaceRouteFailed(_logger, ex, _account, clientOrderId);
            _needsQuery.Add(clientOrderId);
            RecordRouted(received, command.Spec.Instrument, null);
            return new SubmitOrderResult(Snap(order), Created: true);
        }

        if (!route.Accepted)
        {
            var reason = $"not sent to {command.Spec.Instrument.Venue}: {route.Code.Name()}: {route.Reason ?? "the router refused the command"}";
            await ApplyRouteRefusalAsync(order, o => o.Reject(reason, null, _clock.GetUtcNow()));
            Log.PlaceRefused(_logger, _account, clientOrderId, reason);
        }
        RecordRouted(received, command.Spec.Instrument, route);
        return new SubmitOrderResult(Snap(order), Created: true);
    }

    public async Task<OrderCommandResult> CancelOrderAsync(CancelOrder command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        if (Find(command.ClientOrderId, out var record) is { } notFound)
        {
            // A closed order is in the journal: it can no longer be cancelled, and the answer says why.
            return await FindArchivedForCommandAsync(command.ClientOrderId, notFound) is { } closed
                ? new OrderCommandResult(Snap(closed), NotCancelable(closed, null))
                : new OrderCommandResult(null, notFound);
        }
        var order = record!.Order;
        var update = order.RequestCancel(_clock.GetUtcNow());
        switch (update.Outcome)
        {
            case OrderUpdateOutcome.Invalid:
                return new OrderCommandResult(Snap(order), NotCancelable(order, update.Error));
            case OrderUpdateOutcome.Unchanged:
                // A cancel is already in flight; the venue's answer settles it.
                return new OrderCommandResult(Snap(order), null);
        }

        AddReport(update.Event!, order);
        await PersistAsync();
        var denial = await RouteCancelAsync(order);
        if (denial is not null) await ApplyRouteRefusalAsync(order, o => o.RejectCancel(denial.Reason, null, _clock.GetUtcNow()));
        return new OrderCommandResult(Snap(order), denial);
    }

    public async Task<CancelAllResult> CancelAllOrdersAsync(CancelAllOrders command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        if (!S.Provisioned)
        {
            return new CancelAllResult([], [new OrderCommandResult(null, new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned"))]);
        }

        var now = _clock.GetUtcNow();
        var requested = new List<ClientOrderId>();
        var refused = new List<OrderCommandResult>();
        var toRoute = new List<Order>();
        // One cancel per order list: the venue cancels the whole list, so the sibling of a leg being cancelled is not sent.
        var listsCancelled = new HashSet<ClientOrderId>();
        foreach (var record in S.Orders.Values.OrderBy(r => r.CreatedSequence).ToArray())
        {
            var order = record.Order;
            if (!order.IsOpen || (command.Instrument is { } instrument && order.Instrument != instrument)) continue;
            if (record.OrderListId is { } listId && !listsCancelled.Add(listId))
            {
                requested.Add(order.ClientOrderId);
                continue;
            }
            var update = order.RequestCancel(now);
            switch (update.Outcome)
            {
                case OrderUpdateOutcome.Applied:
                    AddReport(update.Event!, order);
                    toRoute.Add(order);
                    break;
                case OrderUpdateOutcome.Unchanged:
                    requested.Add(order.ClientOrderId);
                    break;
                default:
                    refused.Add(new OrderCommandResult(Snap(order), NotCancelable(order, update.Error)));
                    break;
            }
        }
        if (toRoute.Count == 0) return new CancelAllResult(requested, refused);

        await PersistAsync();
        var reverted = false;
        foreach (var order in toRoute)
        {
            var denial = await RouteCancelAsync(order);
            if (denial is null)
            {
                requested.Add(order.ClientOrderId);
                continue;
            }
            var update = order.RejectCancel(denial.Reason, null, _clock.GetUtcNow());
            if (update.Outcome == OrderUpdateOutcome.Applied)
            {
                AddReport(update.Event!, order);
                reverted = true;
            }
            refused.Add(new OrderCommandResult(Snap(order), denial));
        }
        if (reverted) await PersistAsync();
        Log.CancelAll(_logger, _account, requested.Count, refused.Count);
        return new CancelAllResult(requested, refused);
    }

    public async Task<OrderCommandResult> AmendOrderAsync(AmendOrder command)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(command);
        if (Find(command.ClientOrderId, out var record) is { } notFound)
        {
            return await FindArchivedForCommandAsync(command.ClientOrderId, notFound) is { } closed
                ? new OrderCommandResult(Snap(closed), new Denial(DenialCode.OrderNotAmendable,
                    $"order {closed.ClientOrderId} is {closed.Status} and can no longer be amended"))
                : new OrderCommandResult(null, notFound);
        }
        var order = record!.Order;
        if (!order.IsOpen)
        {
            return new OrderCommandResult(Snap(order), new Denial(DenialCode.OrderNotAmendable,
                $"order {order.ClientOrderId} is {order.Status} and can no longer be amended"));
        }
        if (record.OrderListId is { } listId)
        {
            // The venue does not amend the legs of an order list: the list is cancelled and placed again.
            return new OrderCommandResult(Snap(record), new Denial(DenialCode.OrderNotAmendable,
                $"order {order.ClientOrderId} is a leg of order list {listId}, whose legs cannot be amended; cancel the list and submit a new one"));
        }
                if (await EvaluateAmendAsync(order, command.NewQuantity, command.NewLimitPrice) is { } refusal)
        {
            return new OrderCommandResult(Snap(order), refusal);
        }

        var update = order.RequestReplace(command.NewQuantity, command.NewLimitPrice, _clock.GetUtcNow());
        switch (update.Outcome)
        {
            case OrderUpdateOutcome.Invalid:
                return new OrderCommandResult(Snap(order), new Denial(DenialCode.OrderNotAmendable,
                    $"order {order.ClientOrderId} cannot be amended now: {update.Error}"));
            case OrderUpdateOutcome.Unchanged:
                return new OrderCommandResult(Snap(order), null);
        }

        AddReport(update.Event!, order);
        await PersistAsync();
        Denial? denial;
        try
        {
            var route = await _router.RouteAsync(new AmendOrderCommand
            {
                Account = _account,
                Instrument = order.Instrument,
                ClientOrderId = order.ClientOrderId,
                CreatedAt = _clock.GetUtcNow(),
                VenueOrderId = order.VenueOrderId,
                Spec = order.Spec,
                NewQuantity = command.NewQuantity,
                NewLimitPrice = command.NewLimitPrice,
            });
            denial = route.Accepted ? null : RouteDenial("amend", order, route);
        }
        catch (Exception ex)
        {
            Log.CommandRouteFailed(_logger, ex, _account, order.ClientOrderId, "amend");
            denial = new Denial(DenialCode.VenueUnavailable, $"amend of order {order.ClientOrderId} was not sent: {ex.Message}");
        }
        if (denial is not null) await ApplyRouteRefusalAsync(order, o => o.RejectReplace(denial.Reason, null, _clock.GetUtcNow()));
        return new OrderCommandResult(Snap(order), denial);
    }

    private int OrdersInLastSecond()
    {
        var cutoff = _clock.GetUtcNow() - RateWindow;
        while (_recentSubmits.Count > 0 && _recentSubmits.Peek() <= cutoff) _recentSubmits.Dequeue();
        return _recentSubmits.Count;
    }

    private ClientOrderId NextClientOrderId()
    {
        var config = S.Config!;
        while (true)
        {
            var id = ClientOrderIds.Create(config.Venue, config.ClientOrderIdPrefix, _accountHash, S.NextClientOrderNumber++);
            // A strategy may have chosen an id of the same shape; never hand out one that is taken. (A chosen id of this
            // shape also moves the counter past it, see AddOrder, so ids of archived orders are never handed out again.)
            if (!S.Orders.ContainsKey(id)) return id;
        }
    }

    private OrderRecord AddOrder(Order order, string? requestedBy)
    {
        var record = new OrderRecord { Order = order, CreatedSequence = S.LastSequence + 1, RequestedBy = requestedBy };
        S.Orders[order.ClientOrderId] = record;
        if (ClientOrderIds.TryParseNumber(order.ClientOrderId, S.Config!.Venue, S.Config.ClientOrderIdPrefix, _accountHash, out var number)
            && number >= S.NextClientOrderNumber)
        {
            // A chosen id of the generated shape: generated ids continue after it.
            S.NextClientOrderNumber = number + 1;
        }
        return record;
    }

    /// <summary>
    /// Keeps the archive queue in step with an order's status: an order that closed waits in the hot state until the
    /// journal has archived it (after the write, <see cref="ArchiveClosedAsync"/>).
    /// </summary>
    private void TrackClosure(OrderRecord record, bool wasOpen)
    {
        var isOpen = record.Order.IsOpen;
        if (wasOpen && !isOpen)
        {
            S.ClosedOrders.Add(record.Order.ClientOrderId);
        }
        else if (!wasOpen && isOpen)
        {
            // Venue truth re-opened a closed order (a fill after a rejection).
            S.ClosedOrders.Remove(record.Order.ClientOrderId);
        }
    }

    private Denial? Find(ClientOrderId clientOrderId, out OrderRecord? record)
    {
        record = null;
        if (!S.Provisioned) return new Denial(DenialCode.AccountNotFound, $"account {_account} is not provisioned");
        if (clientOrderId.Value is null || !S.Orders.TryGetValue(clientOrderId, out record))
        {
            return new Denial(DenialCode.OrderNotFound, $"account {_account} has no order with client order id '{clientOrderId}'");
        }
        return null;
    }

    /// <summary>The archived order behind a hot-state miss (only when the miss was "not found", not "not provisioned").</summary>
    private async Task<Order?> FindArchivedForCommandAsync(ClientOrderId clientOrderId, Denial miss)
    {
        if (miss.Code != DenialCode.OrderNotFound || clientOrderId.Value is null) return null;
        return (await FindArchivedAsync(clientOrderId, "look up order"))?.Order;
    }

    private static Denial NotCancelable(Order order, string? error) =>
        new(DenialCode.OrderNotCancelable, OrderStateMachine.IsTerminal(order.Status)
            ? $"order {order.ClientOrderId} is {order.Status} and can no longer be cancelled"
            : $"order {order.ClientOrderId} cannot be cancelled now: {error}");

    private static Denial RouteDenial(string what, Order order, RouteResult route) =>
        new(route.Code == DenialCode.Unspecified ? DenialCode.VenueUnavailable : route.Code,
            $"{what} of order {order.ClientOrderId} was not sent to {order.Instrument.Venue}: {route.Reason ?? "the router refused the command"}");

    private async Task<Denial?> RouteCancelAsync(Order order)
    {
        try
        {
            var route = await _router.RouteAsync(new CancelOrderCommand
            {
                Account = _account,
                Instrument = order.Instrument,
                ClientOrderId = order.ClientOrderId,
                CreatedAt = _clock.GetUtcNow(),
                VenueOrderId = order.VenueOrderId,
            });
            return route.Accepted ? null : RouteDenial("cancel", order, route);
        }
        catch (Exception ex)
        {
            // Re-sending a cancel is harmless, so a cancel that may not have been queued is reported as not sent.
            Log.CommandRouteFailed(_logger, ex, _account, order.ClientOrderId, "cancel");
            return new Denial(DenialCode.VenueUnavailable, $"cancel of order {order.ClientOrderId} was not sent: {ex.Message}");
        }
    }

    /// <summary>Undoes a request the router did not queue (nothing was sent), reports and persists it.</summary>
    private async Task ApplyRouteRefusalAsync(Order order, Func<Order, OrderUpdate> undo)
    {
        var record = S.Orders[order.ClientOrderId];
        var wasOpen = order.IsOpen;
        var update = undo(order);
        if (update.Outcome != OrderUpdateOutcome.Applied) return;
        AddReport(update.Event!, order);
        TrackClosure(record, wasOpen);
        await PersistAsync();
    }
}
