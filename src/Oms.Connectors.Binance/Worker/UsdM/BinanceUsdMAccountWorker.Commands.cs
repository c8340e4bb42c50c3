using System.Globalization;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Hosting;
using Oms.Observability;

namespace Oms.Connectors.Binance.Worker.UsdM;

// Commands: place (engine or Algo Service), cancel, modify, query; unknown outcomes and their follow-up queries.
public sealed partial class BinanceUsdMAccountWorker
{
    private async Task HandleAsync(VenueCommand command, CancellationToken stop)
    {
        // Every venue request made for this command opens its span under the order's trace.
        VenueCallScope.Enter(new VenueCallScope(_shared.CommandContexts.Get(command), Account.Value, command.ClientOrderId.Value));
        await BinanceCommandRunner.RunAsync<BinanceUsdMSessions>(command, Account, "USD-M", _logger, WaitReadyAsync, DispatchAsync, RefuseWithoutKey,
            (unknown, error) => OnFailure(unknown, BinanceCommandRunner.RequestKind(unknown), error, BinanceCommandRunner.VenueOrderIdOf(unknown)),
            RequestReconcile, stop).ConfigureAwait(false);
    }

    private async Task DispatchAsync(BinanceUsdMSessions sessions, VenueCommand command, CancellationToken stop)
    {
        switch (command)
        {
            case PlaceOrderCommand place:
                await PlaceAsync(sessions, place, stop).ConfigureAwait(false);
                break;
            case CancelOrderCommand cancel:
                await CancelAsync(sessions, cancel, stop).ConfigureAwait(false);
                break;
            case AmendOrderCommand amend:
                await AmendAsync(sessions, amend, stop).ConfigureAwait(false);
                break;
            case QueryOrderCommand query:
                await QueryAsync(sessions, query, stop).ConfigureAwait(false);
                break;
            case PlaceOrderListCommand list:
                // Binance USD-M has no order lists: both legs are rejected, nothing is sent.
                _logger.LogInformation("Account {Account}: order list {List} refused: Binance USD-M has no order lists (OCO)", Account, list.ClientOrderId);
                Post(BinanceVenueEvents.RejectOrderList(list, $"order list {list.ClientOrderId} was not sent: Binance USD-M futures have no order lists (OCO); " +
                    "place the legs as separate orders", BinanceVenueEvents.VenueCodeOf(VenueErrorKind.InvalidRequest), VenueEventSource.Response, Now));
                break;
            default:
                _logger.LogError("Account {Account}: command {Command} is not supported by the Binance USD-M connector", Account, command.GetType().Name);
                break;
        }
    }

    private void RefuseWithoutKey(VenueCommand command, BinanceError error)
    {
        if (command is PlaceOrderListCommand list)
        {
            Post(BinanceVenueEvents.RejectOrderList(list, error.Message, BinanceVenueEvents.VenueCodeOf(error.Kind), VenueEventSource.Response, Now));
            return;
        }
        if (BinanceVenueEvents.FromFailure(error, BinanceCommandRunner.RequestKind(command), Account, command.Instrument, command.ClientOrderId, null, Now) is { } refusal)
        {
            Post(refusal);
        }
    }

    /// <summary>MARKET and LIMIT go to the matching engine (<c>order.place</c>); conditional types to the Algo Service (<c>algoOrder.place</c>).</summary>
    private async Task PlaceAsync(BinanceUsdMSessions sessions, PlaceOrderCommand command, CancellationToken stop)
    {
        OmsTelemetry.OrderStageReached(OrderStages.Sent, Now - command.CreatedAt, VenueCallTelemetry.Venue, VenueCallTelemetry.Market(BinanceApi.UsdM));
        if (UsdMOrderRouting.RouteOf(command.Spec.Type) == UsdMOrderRoute.Algo)
        {
            var algo = await SendWithClockRetryAsync(sessions,
                ws => ws.PlaceAlgoOrderAsync(command.Spec, command.ClientOrderId, null, UsdMOrderResponseType.Result, stop),
                rest => rest.PlaceAlgoOrderAsync(command.Spec, command.ClientOrderId, null, UsdMOrderResponseType.Result, stop), stop).ConfigureAwait(false);
            if (algo.TryGetValue(out var algoReport))
            {
                _shared.Metrics.Command(Venue, "place", "ok");
                if (algoReport.ActualOrderId is { } engineId) Parser.TrackTriggeredAlgo(engineId, algoReport.ClientOrderId);
                Post(algoReport.ToEvents(Account, VenueEventSource.Response, Now));
                Arm(command.Instrument);
                return;
            }
            OnFailure(command, VenueRequestKind.Place, algo.Error!, null);
            return;
        }
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.PlaceOrderAsync(command.Spec, command.ClientOrderId, null, UsdMOrderResponseType.Result, stop),
            rest => rest.PlaceOrderAsync(command.Spec, command.ClientOrderId, null, UsdMOrderResponseType.Result, stop), stop).ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.Command(Venue, "place", "ok");
            Post(report.ToEvents(Account, VenueEventSource.Response, Now));
            if (report.Status is OrderStatus.New or OrderStatus.PartiallyFilled) Arm(command.Instrument);
            return;
        }
        OnFailure(command, VenueRequestKind.Place, result.Error!, null);
    }

    /// <summary>
    /// Cancels on whichever service holds the order: an <c>algo-</c> venue id on the Algo Service, an engine id (a plain
    /// order, or a triggered algo order) on the engine; without a venue id the engine first, then the Algo Service.
    /// </summary>
    private async Task CancelAsync(BinanceUsdMSessions sessions, CancelOrderCommand command, CancellationToken stop)
    {
        BinanceError error;
        if (!UsdMOrderIds.IsAlgo(command.VenueOrderId))
        {
            var result = await SendWithClockRetryAsync(sessions,
                ws => ws.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop),
                rest => rest.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop), stop).ConfigureAwait(false);
            if (result.TryGetValue(out var report))
            {
                _shared.Metrics.Command(Venue, "cancel", "ok");
                var events = report.ClientOrderId == command.ClientOrderId
                    ? report.ToEvents(Account, VenueEventSource.Response, Now)
                    : (report with { ClientOrderId = command.ClientOrderId }).ToEvents(Account, VenueEventSource.Response, Now);
                Post(events);
                return;
            }
            error = result.Error!;
            if (command.VenueOrderId is not null || error.Kind != VenueErrorKind.UnknownOrder)
            {
                OnFailure(command, VenueRequestKind.Cancel, error, command.VenueOrderId);
                if (error.Kind == VenueErrorKind.UnknownOrder) EnqueueQuery(command);
                return;
            }
        }
        var algo = await SendWithClockRetryAsync(sessions,
            ws => ws.CancelAlgoOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop),
            rest => rest.CancelAlgoOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop), stop).ConfigureAwait(false);
        if (algo.TryGetValue(out var cancelled))
        {
            _shared.Metrics.Command(Venue, "cancel", "ok");
            Post(cancelled.ToEvent(Account, Now));
            return;
        }
        if (algo.ErrorKind == VenueErrorKind.UnknownOrder && await CancelTriggeredAsync(sessions, command, stop).ConfigureAwait(false)) return;
        OnFailure(command, VenueRequestKind.Cancel, algo.Error!, command.VenueOrderId);
        // Not open at the venue: filled, triggered, already cancelled, or never placed. The order's real state settles it.
        if (algo.ErrorKind == VenueErrorKind.UnknownOrder) EnqueueQuery(command);
    }

    /// <summary>
    /// An algo order no longer open on the Algo Service may have triggered: the engine order it placed (a STOP or
    /// TAKE_PROFIT limit resting on the book) keeps the OMS order alive and is what the cancel is for. Found by client
    /// order id (through the algo order's <c>actualOrderId</c>) and cancelled on the engine by its id. False when no
    /// such order is open (the caller reports the algo service's answer).
    /// </summary>
    private async Task<bool> CancelTriggeredAsync(BinanceUsdMSessions sessions, CancelOrderCommand command, CancellationToken stop)
    {
        var found = await FindAsync(sessions, command.Instrument, command.ClientOrderId, stop).ConfigureAwait(false);
        if (!found.TryGetValue(out var state) || state.Order is not { Status: OrderStatus.New or OrderStatus.PartiallyFilled } engine) return false;
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.CancelOrderAsync(command.Instrument, command.ClientOrderId, engine.VenueOrderId, stop),
            rest => rest.CancelOrderAsync(command.Instrument, command.ClientOrderId, engine.VenueOrderId, stop), stop).ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.Command(Venue, "cancel", "ok");
            Post((report with { ClientOrderId = command.ClientOrderId }).ToEvents(Account, VenueEventSource.Response, Now));
            return true;
        }
        OnFailure(command, VenueRequestKind.Cancel, result.Error!, engine.VenueOrderId);
        if (result.ErrorKind == VenueErrorKind.UnknownOrder) EnqueueQuery(command);
        return true;
    }

    /// <summary>
    /// <c>order.modify</c>: a LIMIT order's quantity and price change in place (the venue needs both, and the side).
    /// Untriggered conditional orders cannot be modified at the venue: refused without sending (cancel and resubmit).
    /// </summary>
    private async Task AmendAsync(BinanceUsdMSessions sessions, AmendOrderCommand command, CancellationToken stop)
    {
        var spec = command.Spec;
        var price = command.NewLimitPrice ?? spec.LimitPrice;
        if (UsdMOrderIds.IsAlgo(command.VenueOrderId) || spec.Type is not (OrderType.Limit or OrderType.LimitMaker) || price is not > 0m)
        {
            Post(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = Now,
                Source = VenueEventSource.Response,
                Instrument = command.Instrument,
                ClientOrderId = command.ClientOrderId,
                VenueOrderId = command.VenueOrderId,
                Kind = VenueOrderEventKind.ReplaceRejected,
                Reason = $"amend of order {command.ClientOrderId} was not sent: Binance USD-M modifies LIMIT orders only; cancel and resubmit a {spec.Type} order",
                VenueCode = BinanceVenueEvents.VenueCodeOf(VenueErrorKind.InvalidRequest),
            });
            _shared.Metrics.Command(Venue, "amend", "unsupported");
            return;
        }
        var quantity = command.NewQuantity ?? spec.Quantity;
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.ModifyOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, spec.Side, quantity, price.Value, stop),
            rest => rest.ModifyOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, spec.Side, quantity, price.Value, stop), stop)
            .ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.Command(Venue, "amend", "ok");
            Post(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = report.Timestamp ?? Now,
                Source = VenueEventSource.Response,
                Instrument = command.Instrument,
                ClientOrderId = command.ClientOrderId,
                VenueOrderId = report.VenueOrderId,
                Kind = VenueOrderEventKind.Replaced,
                Quantity = report.Quantity ?? quantity,
                LimitPrice = report.Price is > 0m ? report.Price : price,
                CumulativeFilledQuantity = report.ExecutedQuantity,
            });
            return;
        }
        OnFailure(command, VenueRequestKind.Replace, result.Error!, command.VenueOrderId);
    }

    /// <summary>
    /// Resolves an order's state by client order id: the engine first, then the Algo Service (an untriggered order, or a
    /// triggered one whose engine order is then read by id and reported on the OMS order). Follows up unknown outcomes
    /// as the spot worker does: a cancel still open is sent again, an amend is confirmed or refused by the terms shown,
    /// "not found" for a young order is asked again.
    /// </summary>
    private async Task QueryAsync(BinanceUsdMSessions sessions, QueryOrderCommand command, CancellationToken stop)
    {
        var followUp = _followUps.Take(command.ClientOrderId);
        var found = await FindAsync(sessions, command.Instrument, command.ClientOrderId, stop).ConfigureAwait(false);
        if (found.TryGetValue(out var state))
        {
            _shared.Metrics.FollowUp(Venue, "found");
            var events = new List<VenueEvent>();
            if (state.Algo is { } algoReport) events.AddRange(algoReport.ToEvents(Account, VenueEventSource.Reconciliation, Now));
            if (state.Order is { } report)
            {
                var fills = report.ExecutedQuantity is > 0m ? await TradesOfAsync(sessions, report, stop).ConfigureAwait(false) : null;
                events.AddRange((fills is null ? report : report with { Fills = fills }).ToEvents(Account, VenueEventSource.Reconciliation, Now));
            }
            Post(events);
            if (followUp is null || state.Order is not { } order) return;
            var open = order.Status is OrderStatus.New or OrderStatus.PartiallyFilled or OrderStatus.PendingNew;
            switch (followUp.Original)
            {
                case CancelOrderCommand cancel when open:
                    if (followUp.Attempt < RetrySchedule.UnknownOutcome.Attempts) _queue.TryEnqueue(cancel with { CreatedAt = Now, VenueOrderId = order.VenueOrderId });
                    break;
                case AmendOrderCommand amend:
                    var wantedQuantity = amend.NewQuantity ?? amend.Spec.Quantity;
                    var wantedPrice = amend.NewLimitPrice ?? amend.Spec.LimitPrice;
                    var took = order.Quantity == wantedQuantity && (wantedPrice is null || order.Price == wantedPrice);
                    Post(new VenueOrderUpdate
                    {
                        Account = Account,
                        Timestamp = Now,
                        Source = VenueEventSource.Reconciliation,
                        Instrument = amend.Instrument,
                        ClientOrderId = amend.ClientOrderId,
                        VenueOrderId = order.VenueOrderId,
                        Kind = took ? VenueOrderEventKind.Replaced : VenueOrderEventKind.ReplaceRejected,
                        Quantity = took ? wantedQuantity : null,
                        LimitPrice = took ? wantedPrice : null,
                        Reason = took ? null : $"the amend of {amend.ClientOrderId} did not take effect: the venue shows {order.Quantity} @ {order.Price}",
                        CumulativeFilledQuantity = order.ExecutedQuantity,
                    });
                    break;
            }
            return;
        }

        var error = found.Error!;
        if (error.Kind == VenueErrorKind.UnknownOrder)
        {
            _shared.Metrics.FollowUp(Venue, "not_found");
            Post(BinanceVenueEvents.FromFailure(error, VenueRequestKind.Query, Account, command.Instrument, command.ClientOrderId, null, Now)!);
            if (followUp?.Original is PlaceOrderCommand place && Now - place.CreatedAt < _shared.Options.NotFoundPatience)
            {
                ScheduleFollowUp(place, followUp.Attempt + 1);
            }
            return;
        }
        _shared.Metrics.FollowUp(Venue, "failed");
        _logger.LogWarning("Account {Account}: {Message}", Account, error.Message);
        ScheduleFollowUp(followUp?.Original ?? command, (followUp?.Attempt ?? 0) + 1);
    }

    /// <summary>An order's state at the venue: the engine order (relabelled with the OMS id when it came from an algo order) and/or the algo order.</summary>
    private sealed record VenueOrderState(OrderReport? Order, AlgoOrderReport? Algo);

    /// <summary>Finds an order by client order id on the engine, else on the Algo Service (following a triggered algo order to its engine order).</summary>
    private async Task<BinanceResult<VenueOrderState>> FindAsync(BinanceUsdMSessions sessions, InstrumentId instrument, ClientOrderId clientOrderId,
        CancellationToken stop)
    {
        var engine = await SendAsync(sessions,
            ws => ws.QueryOrderAsync(instrument, clientOrderId, null, stop),
            rest => rest.QueryOrderAsync(instrument, clientOrderId, null, stop)).ConfigureAwait(false);
        if (engine.TryGetValue(out var order)) return BinanceResult<VenueOrderState>.Ok(new VenueOrderState(order, null));
        if (engine.ErrorKind != VenueErrorKind.UnknownOrder) return engine.Error!;

        var algo = await sessions.Rest.QueryAlgoOrderAsync(instrument, clientOrderId, null, stop).ConfigureAwait(false);
        if (!algo.TryGetValue(out var algoReport)) return algo.ErrorKind == VenueErrorKind.UnknownOrder ? engine.Error! : algo.Error!;
        if (algoReport.ActualOrderId is not { } engineId) return BinanceResult<VenueOrderState>.Ok(new VenueOrderState(null, algoReport));

        Parser.TrackTriggeredAlgo(engineId, clientOrderId);
        var triggered = await SendAsync(sessions,
            ws => ws.QueryOrderAsync(instrument, clientOrderId, UsdMOrderIds.Order(engineId), stop),
            rest => rest.QueryOrderAsync(instrument, clientOrderId, UsdMOrderIds.Order(engineId), stop)).ConfigureAwait(false);
        if (!triggered.TryGetValue(out var engineOrder)) return triggered.Error!;
        return BinanceResult<VenueOrderState>.Ok(new VenueOrderState(engineOrder with { ClientOrderId = clientOrderId }, algoReport));
    }

    /// <summary>The fills of one engine order (<c>userTrades</c> by order id), or null when they cannot be read now.</summary>
    private async Task<IReadOnlyList<Fill>?> TradesOfAsync(BinanceUsdMSessions sessions, OrderReport report, CancellationToken stop)
    {
        if (!UsdMOrderIds.TryGetOrderId(report.VenueOrderId, out var orderId)) return null;
        var ids = new Dictionary<long, ClientOrderId> { [orderId] = report.ClientOrderId };
        var trades = await sessions.Rest.GetUserTradesAsync(report.Instrument, ids, orderId: orderId, cancellationToken: stop).ConfigureAwait(false);
        if (!trades.TryGetValue(out var list))
        {
            _logger.LogWarning("Account {Account}: {Message}; the stream or the next reconciliation supplies the fills", Account, trades.Error!.Message);
            return null;
        }
        return list;
    }

    /// <summary>Reports a failed request as events; an unknown outcome leaves the order in flight and starts follow-up queries.</summary>
    private void OnFailure(VenueCommand command, VenueRequestKind request, BinanceError error, VenueOrderId? venueOrderId) =>
        _followUps.OnFailure(command, request, error, venueOrderId);

    private void ScheduleFollowUp(VenueCommand original, int attempt) => _followUps.Schedule(original, attempt);

    private void EnqueueQuery(VenueCommand about) => _followUps.EnqueueQuery(about);

    private static long TradeNumber(TradeId id) => long.TryParse(id.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
}
