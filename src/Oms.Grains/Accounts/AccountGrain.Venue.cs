namespace Oms.Grains;

// Venue events, the position outbox and order queries.
public sealed partial class AccountGrain
{
    public async Task ApplyVenueEventsAsync(IReadOnlyList<VenueEvent> events)
    {
        ThrowIfPoisoned();
        ArgumentNullException.ThrowIfNull(events);
        _fillsToRecord.Clear();
        await LoadColdFillContextAsync(events);
        var changed = false;
        foreach (var venueEvent in events)
        {
            if (venueEvent is null) continue;
            if (venueEvent.Account != _account)
            {
                Log.ForeignEvent(_logger, _account, venueEvent.Account, venueEvent.GetType().Name);
                continue;
            }
            changed |= venueEvent switch
            {
                VenueFill fill => TrackAppliedFill(fill, ApplyFill(fill.Fill)),
                VenueOrderUpdate update => ApplyOrderUpdate(update),
                VenueOrderListUpdate list => ApplyOrderListUpdate(list),
                VenueBalanceUpdate balances => ApplyBalances(balances),
                VenuePositionUpdate positions => ApplyVenuePositions(positions),
                VenueAccountConfigUpdate config => ApplyAccountConfig(config),
                VenueMarginCall marginCall => ApplyMarginCall(marginCall),
                _ => UnknownEvent(venueEvent),
            };
        }
        _coldKnownFills = null;
        ReleaseUnchangedRehydrated();
        if (!changed) return;

        // One write per batch; fills reach their positions only after it returned (they sit in the outbox).
        await PersistAsync();
        RecordAppliedFills();
        await FlushOutboxAsync();
        await OnVenueEventsAppliedAsync();
    }

    private bool UnknownEvent(VenueEvent venueEvent)
    {
        Log.UnknownEventType(_logger, _account, venueEvent.GetType().Name);
        return false;
    }

    /// <summary>
    /// Applies a fill once by (instrument, trade id). A fill is venue truth: even when its order is unknown or cannot
    /// take it, it is kept for de-duplication and forwarded to its position.
    /// </summary>
    private bool ApplyFill(Fill fill)
    {
        if (fill.Validate() is { } problem)
        {
            Log.MalformedFill(_logger, _account, fill.ClientOrderId, problem);
            return false;
        }
        var key = fill.Key;
        if (IsKnownFill(key) || _coldKnownFills?.Contains(key) == true)
        {
            Log.DuplicateFill(_logger, _account, fill.ClientOrderId, key.ToString());
            return false;
        }

        if (S.Orders.TryGetValue(fill.ClientOrderId, out var record))
        {
            record.FillKeys.Add(key);
            IndexFill(key);
            if (record.LastFillAt is not { } lastFill || fill.Timestamp > lastFill) record.LastFillAt = fill.Timestamp;
            var order = record.Order;
            var wasOpen = order.IsOpen;
            var update = order.ApplyFill(fill);
            switch (update.Outcome)
            {
                case OrderUpdateOutcome.Applied:
                    AddReport(update.Event!, order);
                    TrackClosure(record, wasOpen);
                    break;
                case OrderUpdateOutcome.Invalid:
                    Log.FillNotApplicableToOrder(_logger, _account, fill.ClientOrderId, key.ToString(), update.Error);
                    break;
            }
        }
        else
        {
            // Kept for de-duplication: in the window now, in the journal's fill index after the write.
            var trace = new FillTrace(key, fill.Timestamp);
            S.UnarchivedFills.Add(trace);
            IndexFill(key);
            RememberFill(trace);
            Log.FillForUnknownOrder(_logger, _account, fill.ClientOrderId, key.ToString());
        }

        S.Outbox.Add(fill);
        S.TradedInstruments.Add(fill.Instrument);
        TrackNetPosition(fill);
        TrackRiskFill(fill);
        if (!S.LastTrades.TryGetValue(fill.Instrument, out var last) || fill.Timestamp >= last.Timestamp)
        {
            S.LastTrades[fill.Instrument] = new LastTrade(fill.TradeId, fill.Timestamp);
        }
        return true;
    }

    /// <summary>
    /// Puts a fill key into the de-duplication window (O(1)); the key it pushes out leaves the hot index and moves the
    /// horizon, behind which unknown fills are checked against the journal.
    /// </summary>
    private void RememberFill(FillTrace trace)
    {
        IndexFill(trace.Key);
        if (!S.RecentFills.Add(trace, out var dropped)) return;
        UnindexFill(dropped.Key);
        MoveHorizon(dropped.Timestamp);
    }

    private void MoveHorizon(DateTimeOffset timestamp)
    {
        if (S.DedupeHorizon is not { } horizon || timestamp > horizon) S.DedupeHorizon = timestamp;
    }

    /// <summary>
    /// Before a batch is applied: asks the journal about the fills the hot state cannot decide alone — keys at or behind
    /// the de-duplication horizon (possibly replays of fills that left the window) and fills of orders the hot state
    /// does not hold (possibly closed and archived: such an order comes back into the hot state to take its late fill).
    /// Nothing is applied when the journal cannot answer: a fill is never counted without knowing it is new.
    /// </summary>
    private async Task LoadColdFillContextAsync(IReadOnlyList<VenueEvent> events)
    {
        _coldKnownFills = null;
        HashSet<FillKey>? keys = null;
        HashSet<ClientOrderId>? orders = null;
        foreach (var venueEvent in events)
        {
            if (venueEvent is VenueOrderUpdate { ClientOrderId.Value: not null } update && update.Account == _account && !S.Orders.ContainsKey(update.ClientOrderId))
            {
                // Possibly an archived order (a late acknowledgement of a filled order adds its venue id).
                (orders ??= []).Add(update.ClientOrderId);
                continue;
            }
            if (venueEvent is not VenueFill { Fill: { } fill } || venueEvent.Account != _account || fill.Validate() is not null) continue;
            var key = fill.Key;
            if (IsKnownFill(key)) continue;
            if (S.DedupeHorizon is { } horizon && fill.Timestamp <= horizon) (keys ??= []).Add(key);
            if (fill.ClientOrderId.Value is not null && !S.Orders.ContainsKey(fill.ClientOrderId)) (orders ??= []).Add(fill.ClientOrderId);
        }
        if (keys is null && orders is null) return;

        IReadOnlyList<FillKey> known;
        IReadOnlyList<OrderRecord> archived;
        try
        {
            known = keys is null ? [] : await _journal.FindFillsAsync(_account, keys);
            archived = orders is null ? [] : await _journal.FindOrdersAsync(_account, orders);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"account {_account} could not check {keys?.Count ?? 0} old fill(s) and {orders?.Count ?? 0} unknown order(s) against its execution-report journal; "
                + $"nothing of the batch was applied: {ex.Message}", ex);
        }
        if (known.Count > 0) _coldKnownFills = known.ToHashSet();
        foreach (var record in archived)
        {
            // Any fill the archive recorded for the order is a duplicate too.
            foreach (var key in record.FillKeys) (_coldKnownFills ??= []).Add(key);
        }
        if (archived.Count == 0) return;
        var byId = archived.ToDictionary(r => r.Order.ClientOrderId);
        foreach (var venueEvent in events)
        {
            // An order comes back for a fill that is new (a replay changes nothing) or for a status update.
            if (venueEvent is VenueFill { Fill: { } fill } && venueEvent.Account == _account
                && !IsKnownFill(fill.Key) && _coldKnownFills?.Contains(fill.Key) != true && byId.Remove(fill.ClientOrderId, out var stored))
            {
                Rehydrate(stored);
            }
            else if (venueEvent is VenueOrderUpdate { ClientOrderId.Value: not null } update && update.Account == _account
                && byId.Remove(update.ClientOrderId, out var updated))
            {
                Rehydrate(updated);
            }
        }
    }

    /// <summary>
    /// Brings an archived (closed) order back into the hot state to take a late fill or update; it is archived again
    /// after the next write (an update that changes nothing leaves it unchanged in the archive).
    /// </summary>
    private void Rehydrate(OrderRecord stored)
    {
        var id = stored.Order.ClientOrderId;
        if (S.Orders.ContainsKey(id)) return;
        var record = Copier.Copy(stored);
        S.Orders[id] = record;
        (_rehydrated ??= [])[id] = record.FillKeys.Count;
        foreach (var key in record.FillKeys) IndexFill(key);
        if (!record.Order.IsOpen && !S.ClosedOrders.Contains(id)) S.ClosedOrders.Add(id);
        Log.OrderRehydrated(_logger, _account, id, record.Order.Status);
    }

    /// <summary>Adds a fill to the account's own view of its position legs (same base-asset fee rule as the position).</summary>
    private void TrackNetPosition(Fill fill)
    {
        var baseFee = _catalog.TryGet(fill.Instrument, out var spec) && spec.Market == MarketType.Spot
            && fill.Fee > 0m && string.Equals(fill.FeeAsset, spec.BaseAsset, StringComparison.Ordinal)
            && (fill.Side == OrderSide.Sell || fill.Fee < fill.Quantity)
            ? fill.Fee
            : 0m;
        var delta = fill.Side == OrderSide.Buy ? fill.Quantity - baseFee : -(fill.Quantity + baseFee);
        var key = new PositionLegKey(fill.Instrument, fill.PositionSide);
        S.NetPositions[key] = S.NetPositions.GetValueOrDefault(key) + delta;
    }

    /// <summary>Fill keys the journal confirmed as applied, for the batch being applied.</summary>
    private HashSet<FillKey>? _coldKnownFills;

    /// <summary>Orders brought back from the archive for the batch being applied, with their fill count then.</summary>
    private Dictionary<ClientOrderId, int>? _rehydrated;

    /// <summary>
    /// An archived order the batch did not change (a duplicate status update) leaves the hot state again at once: the
    /// archive already has it as it is, so it is neither written nor archived again.
    /// </summary>
    private void ReleaseUnchangedRehydrated()
    {
        if (_rehydrated is null) return;
        foreach (var (id, fillCount) in _rehydrated)
        {
            if (!S.Orders.TryGetValue(id, out var record) || record.Order.IsOpen || record.FillKeys.Count != fillCount) continue;
            if (_unpublished.Exists(r => r.Order.ClientOrderId == id)) continue;
            S.Orders.Remove(id);
            S.ClosedOrders.Remove(id);
            foreach (var key in record.FillKeys) UnindexFill(key);
        }
        _rehydrated = null;
    }

    private bool ApplyOrderUpdate(VenueOrderUpdate update)
    {
        if (update.ClientOrderId.Value is null || !S.Orders.TryGetValue(update.ClientOrderId, out var record))
        {
            Log.UpdateForUnknownOrder(_logger, _account, update.ClientOrderId, update.Kind);
            return false;
        }
        var order = record.Order;
        if (order.Instrument != update.Instrument)
        {
            Log.UpdateInstrumentMismatch(_logger, _account, update.ClientOrderId, update.Instrument, order.Instrument);
            return false;
        }

        var at = update.Timestamp;
        var wasOpen = order.IsOpen;
        OrderUpdate result;
        switch (update.Kind)
        {
            case VenueOrderEventKind.Accepted:
                result = order.Accept(update.VenueOrderId, at);
                break;
            case VenueOrderEventKind.Rejected:
                result = order.Reject(update.Reason ?? "rejected by the venue", update.VenueCode, at);
                break;
            case VenueOrderEventKind.Canceled:
                result = order.Cancel(update.Reason, at);
                break;
            case VenueOrderEventKind.Expired:
                result = order.Expire(update.Reason, at);
                break;
            case VenueOrderEventKind.Replaced:
                result = order.Replace(update.Quantity, update.LimitPrice, update.VenueOrderId, at);
                break;
            case VenueOrderEventKind.CancelRejected:
                result = order.RejectCancel(update.Reason ?? "cancel rejected by the venue", update.VenueCode, at);
                break;
            case VenueOrderEventKind.ReplaceRejected:
                result = order.RejectReplace(update.Reason ?? "amend rejected by the venue", update.VenueCode, at);
                break;
            case VenueOrderEventKind.Triggered:
                result = order.MarkTriggered(update.VenueOrderId, at);
                break;
            case VenueOrderEventKind.OutcomeUnknown:
                // Unknown is never failed: the order stays in flight until the stream, a query or reconciliation says.
                record.LastUnknownOutcome = update.Reason ?? "outcome unknown";
                record.LastUnknownOutcomeAt = at;
                Log.OutcomeUnknown(_logger, _account, update.ClientOrderId, order.Status, record.LastUnknownOutcome);
                return true;
            case VenueOrderEventKind.NotFound:
                return ApplyNotFound(record, update);
            default:
                Log.UnknownUpdateKind(_logger, _account, update.ClientOrderId, (int)update.Kind);
                return false;
        }

        switch (result.Outcome)
        {
            case OrderUpdateOutcome.Applied:
                _needsQuery.Remove(order.ClientOrderId);
                if (update.Kind == VenueOrderEventKind.Accepted) RecordAcked(order);
                AddReport(result.Event!, order);
                TrackClosure(record, wasOpen);
                return true;
            case OrderUpdateOutcome.Invalid:
                Log.InvalidVenueUpdate(_logger, _account, update.ClientOrderId, update.Kind, result.Error);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// The venue has no order with this id. An order that never got a venue id, has nothing filled and is older than
    /// the grace period never reached the venue: it is Rejected. Anything younger may still be on its way (the
    /// answer is recorded, the order stays in flight); a known order the venue no longer lists is reconciliation's.
    /// </summary>
    private bool ApplyNotFound(OrderRecord record, VenueOrderUpdate update)
    {
        var order = record.Order;
        var now = _clock.GetUtcNow();
        record.NotFoundAt = now;
        var neverAcknowledged = order.VenueOrderId is null && order.FilledQuantity == 0m
            && order.Status is OrderStatus.PendingNew or OrderStatus.PendingCancel;
        if (!neverAcknowledged || now - order.CreatedAt < _options.PendingNewGracePeriod)
        {
            Log.NotFoundKeptInFlight(_logger, _account, order.ClientOrderId, order.Status, now - order.CreatedAt);
            return true;
        }
        var wasOpen = order.IsOpen;
        var result = order.Reject($"never reached the venue: {order.Instrument.Venue} has no order with this client order id", update.VenueCode, update.Timestamp);
        if (result.Outcome != OrderUpdateOutcome.Applied) return true;
        _needsQuery.Remove(order.ClientOrderId);
        AddReport(result.Event!, order);
        TrackClosure(record, wasOpen);
        Log.NeverReachedVenue(_logger, _account, order.ClientOrderId);
        return true;
    }

    private bool ApplyBalances(VenueBalanceUpdate update)
    {
        if (update.IsSnapshot) S.Balances.Clear();
        foreach (var balance in update.Balances)
        {
            if (string.IsNullOrEmpty(balance.Asset)) continue;
            S.Balances[balance.Asset] = new BalanceEntry(balance.Free, balance.Locked, update.Timestamp);
        }
        return true;
    }

    /// <summary>
    /// Sends every outbox fill to its position grain (grouped per instrument) and drops the acknowledged ones; the
    /// removal is persisted with the next write. Position grains de-duplicate by trade id, so resending is harmless.
    /// </summary>
    private async Task FlushOutboxAsync()
    {
        if (S.Outbox.Count == 0) return;
        var batches = S.Outbox.GroupBy(f => f.Instrument).Select(g => (Instrument: g.Key, Fills: g.ToArray())).ToArray();
        var results = await Task.WhenAll(batches.Select(async batch =>
        {
            try
            {
                await GrainFactory.GetPosition(_account, batch.Instrument).ApplyFillsAsync(batch.Fills);
                return true;
            }
            catch (Exception ex)
            {
                Log.PositionForwardFailed(_logger, ex, _account, batch.Instrument, batch.Fills.Length);
                return false;
            }
        }));

        var acknowledged = new HashSet<FillKey>();
        for (var i = 0; i < batches.Length; i++)
        {
            if (!results[i]) continue;
            foreach (var fill in batches[i].Fills) acknowledged.Add(fill.Key);
        }
        if (acknowledged.Count > 0 && S.Outbox.RemoveAll(f => acknowledged.Contains(f.Key)) > 0) _outboxDirty = true;
    }

    /// <summary>Routes a query for each order whose place command may never have been queued.</summary>
    private async Task RouteQueriesAsync()
    {
        if (_needsQuery.Count == 0) return;
        foreach (var id in _needsQuery.ToArray())
        {
            if (!S.Orders.TryGetValue(id, out var record) || !record.Order.IsOpen || record.Order.VenueOrderId is not null)
            {
                _needsQuery.Remove(id);
                continue;
            }
            try
            {
                var route = await _router.RouteAsync(new QueryOrderCommand
                {
                    Account = _account,
                    Instrument = record.Order.Instrument,
                    ClientOrderId = id,
                    CreatedAt = _clock.GetUtcNow(),
                });
                if (route.Accepted)
                {
                    _needsQuery.Remove(id);
                    Log.QueryRouted(_logger, _account, id);
                }
                else
                {
                    Log.QueryRefused(_logger, _account, id, route.Reason);
                }
            }
            catch (Exception ex)
            {
                Log.CommandRouteFailed(_logger, ex, _account, id, "query");
            }
        }
    }
}
