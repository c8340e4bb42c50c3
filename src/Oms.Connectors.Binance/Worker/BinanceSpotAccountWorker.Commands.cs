using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;
using Oms.Connectors.Hosting;
using Oms.Observability;

namespace Oms.Connectors.Binance.Worker;

// Commands: place, place order list (OCO), cancel, amend, query; unknown outcomes and their follow-up queries.
public sealed partial class BinanceSpotAccountWorker
{
    /// <summary>Spot <c>order.amend.keepPriority</c>: weight 4, no order count.</summary>
    private static readonly EndpointCost AmendCost = new(4);

    /// <summary>Venue order ids of the orders whose query is queued (for orders a cancel-replace moved to a lineage id).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ClientOrderId, VenueOrderId> _venueIds = new();

    private async Task HandleAsync(VenueCommand command, CancellationToken stop)
    {
        // Every venue request made for this command opens its span under the order's trace.
        VenueCallScope.Enter(new VenueCallScope(_shared.CommandContexts.Get(command), Account.Value, command.ClientOrderId.Value));
        await BinanceCommandRunner.RunAsync<BinanceSpotSessions>(command, Account, "spot", _logger, WaitReadyAsync, DispatchAsync, RefuseWithoutKey,
            OnUnknownOutcome, RequestReconcile, stop).ConfigureAwait(false);
    }

    private async Task DispatchAsync(BinanceSpotSessions sessions, VenueCommand command, CancellationToken stop)
    {
        switch (command)
        {
            case PlaceOrderCommand place:
                await PlaceAsync(sessions, place, stop).ConfigureAwait(false);
                break;
            case PlaceOrderListCommand list:
                await PlaceListAsync(sessions, list, stop).ConfigureAwait(false);
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
            default:
                _logger.LogError("Account {Account}: command {Command} is not supported by the Binance spot connector", Account, command.GetType().Name);
                break;
        }
    }

    private void OnUnknownOutcome(VenueCommand command, BinanceError unknown)
    {
        if (command is PlaceOrderListCommand list) OnListFailure(list, unknown);
        else OnFailure(command, BinanceCommandRunner.RequestKind(command), unknown, BinanceCommandRunner.VenueOrderIdOf(command));
    }

    private void RefuseWithoutKey(VenueCommand command, BinanceError error)
    {
        if (command is PlaceOrderListCommand list)
        {
            OnListFailure(list, error);
            return;
        }
        if (BinanceVenueEvents.FromFailure(error, BinanceCommandRunner.RequestKind(command), Account, command.Instrument, command.ClientOrderId, null, Now) is { } refusal)
        {
            Post(refusal);
        }
    }

    private async Task PlaceAsync(BinanceSpotSessions sessions, PlaceOrderCommand command, CancellationToken stop)
    {
        OmsTelemetry.OrderStageReached(OrderStages.Sent, Now - command.CreatedAt, VenueCallTelemetry.Venue, VenueCallTelemetry.Market(BinanceApi.Spot));
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.PlaceOrderAsync(command.Spec, command.ClientOrderId, SpotOrderResponseType.Full, stop),
            rest => rest.PlaceOrderAsync(command.Spec, command.ClientOrderId, SpotOrderResponseType.Full, stop), stop).ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.Command(Venue, "place", "ok");
            Post(report.ToEvents(Account, VenueEventSource.Response, Now));
            return;
        }
        OnFailure(command, VenueRequestKind.Place, result.Error!, null);
    }

    /// <summary>
    /// Places a one-cancels-the-other pair as one Binance order list (<c>orderList.place.oco</c>, REST
    /// <c>POST /api/v3/orderList/oco</c> when no session is open), drawing two orders from the rate budget. Terms that
    /// Binance cannot express as an OCO reject both legs without a venue call. The response acknowledges each leg (with
    /// any fills, as a single placement's would) and reports the list; a refusal rejects both legs and the list; an
    /// unknown outcome leaves both legs in flight and queries each by its client order id.
    /// </summary>
    private async Task PlaceListAsync(BinanceSpotSessions sessions, PlaceOrderListCommand command, CancellationToken stop)
    {
        OmsTelemetry.OrderStageReached(OrderStages.Sent, Now - command.CreatedAt, VenueCallTelemetry.Venue, VenueCallTelemetry.Market(BinanceApi.Spot));
        if (SpotRequests.TryMapOco(command, out var request) is { } problem)
        {
            _shared.Metrics.Command(Venue, "place_list", "invalid");
            _logger.LogInformation("Account {Account}: {Reason}; nothing was sent", Account, problem);
            Post(BinanceVenueEvents.RejectOrderList(command, $"{problem}; nothing was sent", BinanceVenueEvents.VenueCodeOf(VenueErrorKind.InvalidRequest),
                VenueEventSource.Response, Now));
            return;
        }
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.PlaceOcoAsync(request!, stop),
            rest => rest.PlaceOcoAsync(request!, stop), stop).ConfigureAwait(false);
        if (result.TryGetValue(out var list))
        {
            _shared.Metrics.Command(Venue, "place_list", "ok");
            Post(OrderListEvents(command, list));
            return;
        }
        OnListFailure(command, result.Error!);
    }

    /// <summary>
    /// The events of an order list placement response: each leg's report (acceptance, fills, terminal state — exactly
    /// as a single placement's), then the list's status with the venue's list id.
    /// </summary>
    private List<VenueEvent> OrderListEvents(PlaceOrderListCommand command, OrderListReport list)
    {
        var events = new List<VenueEvent>(6);
        var reported = new HashSet<ClientOrderId>();
        foreach (var report in list.OrderReports)
        {
            reported.Add(report.ClientOrderId);
            events.AddRange(report.ToEvents(Account, VenueEventSource.Response, Now));
        }
        // A response without order reports (ACK) still names each leg's venue order id.
        foreach (var (clientOrderId, venueOrderId) in list.Orders)
        {
            if (!reported.Add(clientOrderId)) continue;
            events.Add(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = list.Timestamp,
                Source = VenueEventSource.Response,
                Instrument = list.Instrument,
                ClientOrderId = clientOrderId,
                VenueOrderId = venueOrderId,
                Kind = VenueOrderEventKind.Accepted,
            });
        }
        var update = BinanceVenueEvents.FromOrderList(list, Account, VenueEventSource.Response)
            ?? new VenueOrderListUpdate
            {
                Account = Account,
                Timestamp = list.Timestamp,
                Source = VenueEventSource.Response,
                Instrument = command.Instrument,
                ListClientOrderId = command.ClientOrderId,
                VenueListId = list.OrderListId.ToString(CultureInfo.InvariantCulture),
                Status = VenueOrderListStatus.Executing,
                Legs = list.Orders.Select(o => new VenueOrderListLeg(o.ClientOrderId, o.VenueOrderId)).ToArray(),
            };
        events.Add(update);
        return events;
    }

    /// <summary>
    /// Reports a failed order list placement for both legs. An unknown outcome (timeout, dropped socket, 5xx,
    /// <c>-1007</c>, a duplicate list id) leaves both legs in flight and queries each leg by its client order id, as a
    /// single placement's unknown outcome is; anything else rejects both legs and the list with the venue's code.
    /// </summary>
    private void OnListFailure(PlaceOrderListCommand command, BinanceError error)
    {
        var legs = new[] { command.Above, command.Below };
        var updates = legs.Select(leg => BinanceVenueEvents.FromFailure(error, VenueRequestKind.Place, Account, command.Instrument, leg.ClientOrderId, null, Now)!)
            .ToArray();
        if (updates[0].Kind == VenueOrderEventKind.OutcomeUnknown)
        {
            Post(updates);
            _shared.Metrics.Command(Venue, "place_list", "unknown");
            _shared.Metrics.UnknownOutcome(Venue, "place_list");
            _logger.LogWarning("Account {Account}: {Message}; both legs of order list {List} stay in flight and are queried", Account, error.Message, command.ClientOrderId);
            foreach (var leg in legs)
            {
                var place = LegPlacement(command, leg);
                _listLegs[leg.ClientOrderId] = command;
                ScheduleFollowUp(place, 1);
            }
            return;
        }
        _shared.Metrics.Command(Venue, "place_list", error.Kind.ToString());
        _logger.LogInformation("Account {Account}: {Message}", Account, error.Message);
        Post(BinanceVenueEvents.RejectOrderList(command, error.Message, updates[0].VenueCode ?? BinanceVenueEvents.VenueCodeOf(error.Kind),
            VenueEventSource.Response, Now));
    }

    /// <summary>A leg as the placement its follow-up queries resolve (the leg is an order of its own at the venue).</summary>
    private static PlaceOrderCommand LegPlacement(PlaceOrderListCommand command, OrderListLeg leg) => new()
    {
        Account = command.Account,
        Instrument = command.Instrument,
        ClientOrderId = leg.ClientOrderId,
        CreatedAt = command.CreatedAt,
        Spec = leg.Spec,
    };

    /// <summary>Order lists whose placement had an unknown outcome, by the client order id of each leg still being resolved.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ClientOrderId, PlaceOrderListCommand> _listLegs = new();

    /// <summary>
    /// The list-level event a resolved leg implies: the list exists (its venue id is the leg's), live while the leg is
    /// working, done once the leg is (in an OCO one leg ending ends the list).
    /// </summary>
    private VenueOrderListUpdate ListUpdateOfLeg(PlaceOrderListCommand command, OrderReport leg, long orderListId) => new()
    {
        Account = Account,
        Timestamp = leg.Timestamp ?? Now,
        Source = VenueEventSource.Reconciliation,
        Instrument = command.Instrument,
        ListClientOrderId = command.ClientOrderId,
        VenueListId = orderListId.ToString(CultureInfo.InvariantCulture),
        Status = leg.Status is OrderStatus.New or OrderStatus.PartiallyFilled or OrderStatus.PendingNew or null
            ? VenueOrderListStatus.Executing
            : VenueOrderListStatus.AllDone,
        Legs = [new VenueOrderListLeg(leg.ClientOrderId, leg.VenueOrderId)],
    };

    private async Task CancelAsync(BinanceSpotSessions sessions, CancelOrderCommand command, CancellationToken stop)
    {
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop),
            rest => rest.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop), stop).ConfigureAwait(false);
        if (result.ErrorKind == VenueErrorKind.UnknownOrder && command.VenueOrderId is { } known)
        {
            // The order may live on under a lineage id: replaced by a cancel-replace (possibly one still in flight when
            // this cancel was queued, so the venue id it names is the replaced one). Cancel the lineage's current order.
            var current = await QueryCurrentAsync(sessions, command.Instrument, command.ClientOrderId, known, stop).ConfigureAwait(false);
            if (current.TryGetValue(out var live) && live.Status is OrderStatus.New or OrderStatus.PartiallyFilled
                && long.TryParse(live.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId))
            {
                result = await SendWithClockRetryAsync(sessions,
                    ws => ws.CancelOrderByIdAsync(command.Instrument, orderId, stop),
                    rest => rest.CancelOrderByIdAsync(command.Instrument, orderId, stop), stop).ConfigureAwait(false);
            }
        }
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.Command(Venue, "cancel", "ok");
            Post(report.ToEvents(Account, VenueEventSource.Response, Now));
            return;
        }
        OnFailure(command, VenueRequestKind.Cancel, result.Error!, command.VenueOrderId);
        if (result.ErrorKind == VenueErrorKind.UnknownOrder)
        {
            // Not open at the venue: filled, already cancelled, or never placed. The order's real state settles it.
            EnqueueQuery(command);
        }
    }

    /// <summary>
    /// Amends a working order. Binance spot amends in place only by lowering the quantity
    /// (<c>order.amend.keepPriority</c>: same order, same queue priority). A price change or a larger quantity is a
    /// cancel-replace (<c>order.cancelReplace</c>, <c>STOP_ON_FAILURE</c>: nothing new is placed unless the working
    /// order was cancelled): the replacement carries a lineage client order id (<see cref="SpotClientOrderIds"/>) so
    /// its events stay the OMS order's, and the OMS order keeps its client order id and records the new venue order
    /// id (the Replaced report in its history). Quantities are the OMS order's: the venue order's part is what the
    /// order's earlier venue orders (the lineage) did not fill.
    /// </summary>
    private async Task AmendAsync(BinanceSpotSessions sessions, AmendOrderCommand command, CancellationToken stop)
    {
        if (command.VenueOrderId is not { } venueOrderId || !long.TryParse(venueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId))
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: Binance spot has not acknowledged the order yet (no venue order id)");
            return;
        }
        // The venue's state of the working order: its terms, what it filled, and the id it carries at the venue.
        var state = await SendAsync(sessions,
            ws => ws.QueryOrderAsync(command.Instrument, orderId, null, stop),
            rest => rest.QueryOrderAsync(command.Instrument, orderId, null, stop)).ConfigureAwait(false);
        if (!state.TryGetValue(out var current))
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: reading venue order {orderId} failed: {state.Error!.Message}", state.Error!.CodeText);
            return;
        }
        if (current.Status is not (OrderStatus.New or OrderStatus.PartiallyFilled) || current.Quantity is not { } venueQuantity)
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: the order is already {current.Status} at Binance spot " +
                $"(filled {current.ExecutedQuantity ?? 0m} of {current.Quantity}); nothing new was placed");
            // The venue moved on without the stream saying so (yet): bring orders, fills and balances in line.
            RequestReconcile($"amend of {command.ClientOrderId} found the order {current.Status} at the venue");
            return;
        }
        if (current.OrderListId is { } listId)
        {
            // Both legs of an OCO share one quantity, and a cancel-replace of a leg would cancel the whole list and leave
            // a standalone replacement: a leg's terms change only by cancelling the list and placing a new one.
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: it is a leg of Binance spot order list {listId}, " +
                "whose legs cannot be amended one at a time; cancel the list and place a new one");
            return;
        }
        var price = current.Price is > 0m ? current.Price : null;

        // What the order's earlier venue orders filled (zero unless it was replaced before).
        var earlier = 0m;
        if (!string.Equals(current.VenueClientOrderId, command.ClientOrderId.Value, StringComparison.Ordinal))
        {
            var history = await sessions.Rest.GetAllOrdersAsync(command.Instrument, limit: 1000, cancellationToken: stop).ConfigureAwait(false);
            if (!history.TryGetValue(out var orders))
            {
                RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: reading its earlier venue orders failed: {history.Error!.Message}", history.Error!.CodeText);
                return;
            }
            earlier = orders.Where(o => o.ClientOrderId == command.ClientOrderId && o.VenueOrderId != current.VenueOrderId).Sum(o => o.ExecutedQuantity ?? 0m);
        }
        var currentQuantity = earlier + venueQuantity;
        var newQuantity = command.NewQuantity ?? currentQuantity;
        var newPrice = command.NewLimitPrice ?? price;
        var priceChanges = command.NewLimitPrice is { } wanted && wanted != price;

        if (!priceChanges && newQuantity < currentQuantity)
        {
            await AmendKeepPriorityAsync(sessions, command, current, orderId, newQuantity, newQuantity - earlier, stop).ConfigureAwait(false);
            return;
        }
        if (!priceChanges && newQuantity == currentQuantity)
        {
            // Nothing to change at the venue: the order already has these terms.
            _shared.Metrics.Command(Venue, "amend", "ok");
            PostReplaced(command, current.VenueOrderId, newQuantity, newPrice, Now);
            return;
        }
        await CancelReplaceAsync(sessions, command, current, orderId, earlier, newQuantity, newPrice, stop).ConfigureAwait(false);
    }

    private async Task AmendKeepPriorityAsync(BinanceSpotSessions sessions, AmendOrderCommand command, OrderReport current, long orderId,
        decimal newQuantity, decimal venueQuantity, CancellationToken stop)
    {
        var symbol = _shared.Context.Symbols.ToSymbol(command.Instrument);
        var venueClientId = current.VenueClientOrderId ?? command.ClientOrderId.Value;
        // The order keeps the client order id it has at the venue (Binance would generate one otherwise).
        BinanceParameters Parameters() => new BinanceParameters(6)
            .Add("symbol", symbol)
            .Add("orderId", orderId)
            .Add("newClientOrderId", venueClientId)
            .Add("newQty", venueQuantity);
        var operation = $"amend order {command.ClientOrderId} on Binance spot";
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.Pool.SendAsync(new WsCall("order.amend.keepPriority", Parameters(), WsSecurity.Signed, AmendCost, RatePriority.RiskReducing, operation, ReadOnly: false),
                ParseAmend, null, stop),
            _ => sessions.RestTransport.SendAsync(new RestCall(HttpMethod.Put, "/api/v3/order/amend/keepPriority", Parameters(), RestSecurity.Signed, AmendCost,
                RatePriority.RiskReducing, "order.amend.keepPriority", operation, ReadOnly: false), body => ParseAmend(body.Span), null, stop),
            stop).ConfigureAwait(false);
        if (result.TryGetValue(out var amended))
        {
            _shared.Metrics.Command(Venue, "amend", "ok");
            PostReplaced(command, amended.VenueOrderId, newQuantity, amended.Price is > 0m ? amended.Price : null, amended.Timestamp ?? Now);
            return;
        }
        OnFailure(command, VenueRequestKind.Replace, result.Error!, command.VenueOrderId);
    }

    /// <summary>
    /// Cancel-replace with <c>STOP_ON_FAILURE</c>. Success: the OMS order is Replaced (new venue order id, the new
    /// terms) and the replacement's immediate fills follow. The working order could not be cancelled (filled or closed
    /// meanwhile): nothing new was placed, the amend is refused with the venue's reason and the order is queried. The
    /// working order was cancelled but the replacement refused: the OMS order ends Canceled, saying why. Fills of the
    /// working order that raced the cancel are taken off the replacement (amend down in place) so the order never
    /// buys or sells more than its quantity.
    /// </summary>
    private async Task CancelReplaceAsync(BinanceSpotSessions sessions, AmendOrderCommand command, OrderReport current, long orderId, decimal earlier,
        decimal newQuantity, decimal? newPrice, CancellationToken stop)
    {
        var executed = current.ExecutedQuantity ?? 0m;
        var remaining = newQuantity - earlier - executed;
        if (remaining <= 0m)
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: quantity {newQuantity} is not above what the order has filled ({earlier + executed})");
            return;
        }
        if (SpotClientOrderIds.LooksLikeLineage(command.ClientOrderId))
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: a price change on Binance spot is a cancel-replace, and this client order id " +
                "has the shape the connector reserves for replacements ('…__R…'/'…__C…'); cancel and resubmit");
            return;
        }
        if (SpotClientOrderIds.Replacement(command.ClientOrderId, orderId) is not { } replacementId
            || SpotClientOrderIds.CancelLeg(command.ClientOrderId, orderId) is not { } cancelLegId)
        {
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not sent: a price change on Binance spot is a cancel-replace whose replacement id " +
                $"('{command.ClientOrderId}__R…') would exceed {SpotClientOrderIds.MaxLength} characters; use a shorter client order id, or cancel and resubmit");
            return;
        }
        var spec = command.Spec with { Quantity = remaining, LimitPrice = newPrice };
        _logger.LogInformation("Account {Account}: amending order {ClientOrderId} by cancel-replace: venue order {OrderId} -> {ReplacementId} ({Quantity} at {Price})",
            Account, command.ClientOrderId, orderId, replacementId, remaining, newPrice);
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.CancelReplaceAsync(orderId, cancelLegId, spec, replacementId, CancelReplaceMode.StopOnFailure, stop),
            rest => rest.CancelReplaceAsync(orderId, cancelLegId, spec, replacementId, CancelReplaceMode.StopOnFailure, stop), stop).ConfigureAwait(false);
        if (!result.TryGetValue(out var report))
        {
            OnFailure(command, VenueRequestKind.Replace, result.Error!, command.VenueOrderId);
            return;
        }

        if (report.CancelResult != CancelReplaceLegResult.Success)
        {
            _shared.Metrics.Command(Venue, "amend", "cancel_failed");
            RejectAmend(command, $"amend of order {command.ClientOrderId} was not applied: Binance spot could not cancel the working order {orderId} " +
                $"({report.CancelError?.Message ?? "no reason given"}); it was filled or closed meanwhile, and no new order was placed", report.CancelError?.CodeText);
            // The order was filled or closed meanwhile: bring orders, fills and balances in line.
            RequestReconcile($"cancel-replace of {command.ClientOrderId} found the order closed at the venue");
            return;
        }
        if (report.NewOrderResult != CancelReplaceLegResult.Success || report.NewOrderResponse is not { } fresh)
        {
            _shared.Metrics.Command(Venue, "amend", "replacement_rejected");
            if (report.CancelResponse is { } cancelled) Post((cancelled with { ReplacedAway = true }).ToEvents(Account, VenueEventSource.Response, Now));
            Post(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = report.CancelResponse?.Timestamp ?? Now,
                Source = VenueEventSource.Response,
                Instrument = command.Instrument,
                ClientOrderId = command.ClientOrderId,
                VenueOrderId = current.VenueOrderId,
                Kind = VenueOrderEventKind.Canceled,
                Reason = $"the cancel-replace of order {command.ClientOrderId} cancelled the working order {orderId} but Binance spot rejected its replacement: " +
                    (report.NewOrderError?.Message ?? "no reason given"),
                VenueCode = report.NewOrderError?.CodeText,
            });
            return;
        }

        _shared.Metrics.Command(Venue, "amend", "replaced");
        PostReplaced(command, fresh.VenueOrderId, newQuantity, newPrice, fresh.Timestamp ?? Now);
        Post(fresh.ToEvents(Account, VenueEventSource.Response, Now));

        // Fills of the working order between the read and the cancel: the replacement is larger than what is left by them.
        var raced = (report.CancelResponse?.ExecutedQuantity ?? executed) - executed;
        if (raced > 0m) await TrimReplacementAsync(sessions, command, fresh, replacementId, remaining - raced, stop).ConfigureAwait(false);
    }

    /// <summary>Brings a replacement down to <paramref name="venueQuantity"/> in place (or cancels it when nothing is left).</summary>
    private async Task TrimReplacementAsync(BinanceSpotSessions sessions, AmendOrderCommand command, OrderReport fresh, string replacementId, decimal venueQuantity,
        CancellationToken stop)
    {
        if (!long.TryParse(fresh.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var freshId)) return;
        _logger.LogWarning("Account {Account}: order {ClientOrderId} filled while it was replaced; trimming replacement {ReplacementId} to {Quantity}",
            Account, command.ClientOrderId, replacementId, venueQuantity);
        var symbol = _shared.Context.Symbols.ToSymbol(command.Instrument);
        BinanceError? error;
        if (venueQuantity > (fresh.ExecutedQuantity ?? 0m))
        {
            BinanceParameters Parameters() => new BinanceParameters(6).Add("symbol", symbol).Add("orderId", freshId).Add("newClientOrderId", replacementId).Add("newQty", venueQuantity);
            var operation = $"trim the replacement of order {command.ClientOrderId} on Binance spot";
            var trimmed = await SendWithClockRetryAsync(sessions,
                ws => ws.Pool.SendAsync(new WsCall("order.amend.keepPriority", Parameters(), WsSecurity.Signed, AmendCost, RatePriority.RiskReducing, operation, ReadOnly: false),
                    ParseAmend, null, stop),
                _ => sessions.RestTransport.SendAsync(new RestCall(HttpMethod.Put, "/api/v3/order/amend/keepPriority", Parameters(), RestSecurity.Signed, AmendCost,
                    RatePriority.RiskReducing, "order.amend.keepPriority", operation, ReadOnly: false), body => ParseAmend(body.Span), null, stop),
                stop).ConfigureAwait(false);
            error = trimmed.Error;
        }
        else
        {
            var cancelled = await SendWithClockRetryAsync(sessions,
                ws => ws.CancelOrderByIdAsync(command.Instrument, freshId, stop), rest => rest.CancelOrderByIdAsync(command.Instrument, freshId, stop), stop).ConfigureAwait(false);
            if (cancelled.TryGetValue(out var report)) Post(report.ToEvents(Account, VenueEventSource.Response, Now));
            error = cancelled.Error;
        }
        if (error is not null)
        {
            _logger.LogError("Account {Account}: trimming the replacement of order {ClientOrderId} failed ({Message}); reconciling", Account, command.ClientOrderId, error.Message);
            RequestReconcile($"replacement of {command.ClientOrderId} not trimmed");
        }
    }

    private void PostReplaced(AmendOrderCommand command, VenueOrderId venueOrderId, decimal quantity, decimal? limitPrice, DateTimeOffset at) =>
        Post(new VenueOrderUpdate
        {
            Account = Account,
            Timestamp = at,
            Source = VenueEventSource.Response,
            Instrument = command.Instrument,
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = venueOrderId,
            Kind = VenueOrderEventKind.Replaced,
            Quantity = quantity,
            LimitPrice = limitPrice,
        });

    /// <summary>The amend is refused; the order keeps its terms (nothing was changed at the venue).</summary>
    private void RejectAmend(AmendOrderCommand command, string reason, string? venueCode = null)
    {
        _shared.Metrics.Command(Venue, "amend", "refused");
        _logger.LogInformation("Account {Account}: {Reason}", Account, reason);
        Post(new VenueOrderUpdate
        {
            Account = Account,
            Timestamp = Now,
            Source = VenueEventSource.Response,
            Instrument = command.Instrument,
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = command.VenueOrderId,
            Kind = VenueOrderEventKind.ReplaceRejected,
            Reason = reason,
            VenueCode = venueCode ?? BinanceVenueEvents.VenueCodeOf(VenueErrorKind.InvalidRequest),
        });
    }

    /// <summary>Reads the <c>amendedOrder</c> of an amend keep-priority answer.</summary>
    private OrderReport ParseAmend(ReadOnlySpan<byte> result)
    {
        var reader = new Utf8JsonReader(result);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var order = root.GetProperty("amendedOrder");
        static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new OrderReport
        {
            Instrument = _shared.Context.Symbols.ToInstrument(order.GetProperty("symbol").GetString()!),
            ClientOrderId = SpotClientOrderIds.ToOms(order.GetProperty("origClientOrderId").GetString())
                ?? throw new BinanceProtocolException($"amend answer has an invalid client order id '{order.GetProperty("origClientOrderId").GetString()}'"),
            VenueOrderId = new VenueOrderId(order.GetProperty("orderId").GetInt64().ToString(CultureInfo.InvariantCulture)),
            Quantity = Dec(order, "qty"),
            Price = Dec(order, "price"),
            ExecutedQuantity = Dec(order, "executedQty"),
            Timestamp = root.TryGetProperty("transactTime", out var t) ? DateTimeOffset.FromUnixTimeMilliseconds(t.GetInt64()) : null,
        };
    }

    /// <summary>
    /// Resolves an order's state by client order id. Follows up an unknown outcome: a place is settled by what the
    /// query finds; a cancel still open at the venue is sent again; an amend is confirmed or refused by the terms the
    /// venue shows. "Not found" for a young order is asked again until it is old enough to be sure.
    /// </summary>
    private async Task QueryAsync(BinanceSpotSessions sessions, QueryOrderCommand command, CancellationToken stop)
    {
        var followUp = _followUps.Take(command.ClientOrderId);
        VenueOrderId? knownVenueId = _venueIds.TryRemove(command.ClientOrderId, out var remembered) ? remembered : null;
        var known = (followUp?.Original switch
        {
            CancelOrderCommand cancelled => cancelled.VenueOrderId,
            AmendOrderCommand amended => amended.VenueOrderId,
            _ => null,
        }) ?? knownVenueId;
        var result = await QueryCurrentAsync(sessions, command.Instrument, command.ClientOrderId, known, stop).ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.FollowUp(Venue, "found");
            var fills = report.ExecutedQuantity is > 0m ? await TradesOfAsync(sessions, report, stop).ConfigureAwait(false) : null;
            if (followUp?.Original is AmendOrderCommand amend)
            {
                // The amend's outcome first (a replace must precede the replacement's own events): a cancel-replace
                // took effect when the lineage moved to a new venue order; an amend in place when the same order
                // shows the new quantity.
                var replaced = amend.VenueOrderId is not null && report.VenueOrderId != amend.VenueOrderId;
                var inPlace = !replaced && amend.NewLimitPrice is null && amend.NewQuantity is { } wanted
                    && string.Equals(report.VenueClientOrderId, amend.ClientOrderId.Value, StringComparison.Ordinal) && report.Quantity == wanted;
                Post(new VenueOrderUpdate
                {
                    Account = Account,
                    Timestamp = Now,
                    Source = VenueEventSource.Reconciliation,
                    Instrument = amend.Instrument,
                    ClientOrderId = amend.ClientOrderId,
                    VenueOrderId = report.VenueOrderId,
                    Kind = replaced || inPlace ? VenueOrderEventKind.Replaced : VenueOrderEventKind.ReplaceRejected,
                    Quantity = replaced || inPlace ? amend.NewQuantity : null,
                    LimitPrice = replaced ? amend.NewLimitPrice ?? report.Price : null,
                    Reason = replaced || inPlace ? null
                        : $"the amend of {amend.ClientOrderId} did not take effect: the venue shows quantity {report.Quantity} at {report.Price}",
                });
            }
            else if (known is not null && report.VenueOrderId != known)
            {
                // Replaced since the OMS last heard: the lineage moved on to this venue order.
                Post(ReplacedBy(report));
            }
            Post((fills is null ? report : report with { Fills = fills }).ToEvents(Account, VenueEventSource.Reconciliation, Now));
            if (_listLegs.TryRemove(command.ClientOrderId, out var listOfLeg) && report.OrderListId is { } orderListId)
            {
                // A leg of an order list whose placement had an unknown outcome: the list exists at the venue. Its
                // state is read once (the other leg's follow-up then only settles that leg).
                _listLegs.TryRemove(listOfLeg.Above.ClientOrderId, out _);
                _listLegs.TryRemove(listOfLeg.Below.ClientOrderId, out _);
                var listState = await SendAsync(sessions,
                    ws => ws.QueryOrderListAsync(orderListId, null, stop),
                    rest => rest.QueryOrderListAsync(orderListId, null, stop)).ConfigureAwait(false);
                Post(listState.TryGetValue(out var found) && BinanceVenueEvents.FromOrderList(found, Account, VenueEventSource.Reconciliation) is { } read
                    ? read
                    : ListUpdateOfLeg(listOfLeg, report, orderListId));
            }
            var open = report.Status is OrderStatus.New or OrderStatus.PartiallyFilled or OrderStatus.PendingNew;
            if (followUp?.Original is CancelOrderCommand cancel && open && followUp.Attempt < RetrySchedule.UnknownOutcome.Attempts)
            {
                // The cancel did not happen (or not yet): cancelling again is harmless.
                _queue.TryEnqueue(cancel with { CreatedAt = Now });
            }
            return;
        }

        var error = result.Error!;
        if (error.Kind == VenueErrorKind.UnknownOrder)
        {
            _shared.Metrics.FollowUp(Venue, "not_found");
            Post(BinanceVenueEvents.FromFailure(error, VenueRequestKind.Query, Account, command.Instrument, command.ClientOrderId, null, Now)!);
            // A place whose answer was lost may still reach the matching engine: ask again while the order is young.
            if (followUp?.Original is PlaceOrderCommand place && Now - place.CreatedAt < _shared.Options.NotFoundPatience)
            {
                ScheduleFollowUp(place, followUp.Attempt + 1);
            }
            else
            {
                _listLegs.TryRemove(command.ClientOrderId, out _);
            }
            return;
        }
        _shared.Metrics.FollowUp(Venue, "failed");
        _logger.LogWarning("Account {Account}: {Message}", Account, error.Message);
        ScheduleFollowUp(followUp?.Original ?? command, (followUp?.Attempt ?? 0) + 1);
    }

    /// <summary>
    /// The venue's current order of an OMS order: by venue order id when known (else by client order id), then along
    /// its cancel-replace lineage — a cancelled venue order whose replacement exists is followed to the replacement
    /// (bounded), so a replaced order is never taken for a cancelled one.
    /// </summary>
    private async Task<BinanceResult<OrderReport>> QueryCurrentAsync(BinanceSpotSessions sessions, InstrumentId instrument, ClientOrderId clientOrderId,
        VenueOrderId? venueOrderId, CancellationToken stop)
    {
        long? orderId = venueOrderId is { } v && long.TryParse(v.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        var result = await SendAsync(sessions,
            ws => ws.QueryOrderAsync(instrument, orderId, clientOrderId.Value, stop),
            rest => rest.QueryOrderAsync(instrument, orderId, clientOrderId.Value, stop)).ConfigureAwait(false);
        for (var step = 0; step < MaxLineageSteps && result.TryGetValue(out var report) && report.Status == OrderStatus.Canceled; step++)
        {
            if (!long.TryParse(report.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var cancelledId)
                || SpotClientOrderIds.Replacement(clientOrderId, cancelledId) is not { } replacementId)
            {
                break;
            }
            var next = await SendAsync(sessions,
                ws => ws.QueryOrderAsync(instrument, null, replacementId, stop),
                rest => rest.QueryOrderAsync(instrument, null, replacementId, stop)).ConfigureAwait(false);
            if (next.ErrorKind == VenueErrorKind.UnknownOrder) break; // really cancelled, not replaced
            if (!next.TryGetValue(out var replacement)) return next;
            // The cancelled one was replaced away: its fills stay the order's, its cancel is not.
            result = BinanceResult<OrderReport>.Ok(replacement);
        }
        return result;
    }

    private const int MaxLineageSteps = 20;

    /// <summary>The OMS order's lineage moved to the venue order of <paramref name="report"/> (a replacement).</summary>
    private VenueOrderUpdate ReplacedBy(OrderReport report) => new()
    {
        Account = Account,
        Timestamp = report.Timestamp ?? Now,
        Source = VenueEventSource.Reconciliation,
        Instrument = report.Instrument,
        ClientOrderId = report.ClientOrderId,
        VenueOrderId = report.VenueOrderId,
        Kind = VenueOrderEventKind.Replaced,
        LimitPrice = report.Price is > 0m ? report.Price : null,
    };

    /// <summary>The fills of one order (<c>myTrades</c> by order id), or null when they cannot be read now.</summary>
    private async Task<IReadOnlyList<Fill>?> TradesOfAsync(BinanceSpotSessions sessions, OrderReport report, CancellationToken stop)
    {
        if (!long.TryParse(report.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)) return null;
        var ids = new Dictionary<long, ClientOrderId> { [orderId] = report.ClientOrderId };
        var trades = await sessions.Rest.GetMyTradesAsync(report.Instrument, ids, orderId: orderId, cancellationToken: stop).ConfigureAwait(false);
        if (!trades.TryGetValue(out var list))
        {
            _logger.LogWarning("Account {Account}: {Message}; the stream or the next reconciliation supplies the fills", Account, trades.Error!.Message);
            return null;
        }
        return list.Select(t => t.Fill).ToArray();
    }

    /// <summary>Reports a failed request as events; an unknown outcome leaves the order in flight and starts follow-up queries.</summary>
    private void OnFailure(VenueCommand command, VenueRequestKind request, BinanceError error, VenueOrderId? venueOrderId) =>
        _followUps.OnFailure(command, request, error, venueOrderId);

    private void ScheduleFollowUp(VenueCommand original, int attempt) => _followUps.Schedule(original, attempt);

    private void EnqueueQuery(VenueCommand about) => _followUps.EnqueueQuery(about);

    /// <summary>Before a query is queued: it looks the order up by its venue id when the command knew it (a replaced order lives under a lineage id).</summary>
    private void RememberVenueId(VenueCommand about)
    {
        if (BinanceCommandRunner.VenueOrderIdOf(about) is { } venueOrderId) _venueIds[about.ClientOrderId] = venueOrderId;
    }
}
