using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;
using Oms.Connectors.Hosting;

namespace Oms.Connectors.Binance.Worker;

// Commands: place, cancel, amend, query; unknown outcomes and their follow-up queries.
public sealed partial class BinanceSpotAccountWorker
{
    /// <summary>Spot <c>order.amend.keepPriority</c>: weight 4, no order count.</summary>
    private static readonly EndpointCost AmendCost = new(4);

    /// <summary>An unknown outcome being resolved: the request that had it and how many queries were made.</summary>
    private sealed record FollowUp(VenueCommand Original, int Attempt);

    private async Task HandleAsync(VenueCommand command, CancellationToken stop)
    {
        // The command leases the sessions it uses: a rotation replacing them meanwhile retires them only once the
        // command is done with them, so its key is never disposed under it.
        BinanceSpotSessions? sessions;
        while (true)
        {
            sessions = await WaitReadyAsync(stop).ConfigureAwait(false);
            if (sessions is null)
            {
                RefuseWithoutKey(command);
                return;
            }
            if (sessions.TryAcquire()) break;
            await Task.Yield();
        }
        try
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
                default:
                    _logger.LogError("Account {Account}: command {Command} is not supported by the Binance spot connector", Account, command.GetType().Name);
                    break;
            }
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
        {
            // Never dropped: whether it reached the venue is unknown, so the order stays in flight and is queried.
            _logger.LogError(ex, "Account {Account}: {Command} of order {ClientOrderId} failed unexpectedly; its outcome is unknown and it is queried",
                Account, command.GetType().Name, command.ClientOrderId);
            if (command is QueryOrderCommand) RequestReconcile($"unresolved outcome of {command.ClientOrderId}");
            else OnFailure(command, RequestKind(command), new BinanceError
            {
                Kind = VenueErrorKind.UnknownOutcome,
                Operation = $"send {command.GetType().Name} of {command.ClientOrderId} to Binance spot",
                Reason = $"the connector failed while sending ({ex.GetType().Name}); the outcome is unknown",
            }, VenueOrderIdOf(command));
        }
        finally
        {
            sessions.Release();
        }
    }

    private static VenueOrderId? VenueOrderIdOf(VenueCommand command) => command switch
    {
        CancelOrderCommand cancel => cancel.VenueOrderId,
        AmendOrderCommand amend => amend.VenueOrderId,
        _ => null,
    };

    private void RefuseWithoutKey(VenueCommand command)
    {
        var error = new BinanceError
        {
            Kind = VenueErrorKind.Unauthorized,
            Operation = $"send {command.GetType().Name} of {command.ClientOrderId} to Binance spot",
            Reason = $"account {Account} has no Binance API key in this silo; nothing was sent",
            Sent = false,
        };
        if (BinanceVenueEvents.FromFailure(error, RequestKind(command), Account, command.Instrument, command.ClientOrderId, null, Now) is { } refusal) Post(refusal);
    }

    private async Task PlaceAsync(BinanceSpotSessions sessions, PlaceOrderCommand command, CancellationToken stop)
    {
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

    private async Task CancelAsync(BinanceSpotSessions sessions, CancelOrderCommand command, CancellationToken stop)
    {
        var result = await SendWithClockRetryAsync(sessions,
            ws => ws.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop),
            rest => rest.CancelOrderAsync(command.Instrument, command.ClientOrderId, command.VenueOrderId, stop), stop).ConfigureAwait(false);
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
    /// Binance spot amends in place only by lowering the quantity (<c>order.amend.keepPriority</c>, the order keeps its
    /// id and queue priority). A price change would need cancel-replace, which gives the order a new identity at the
    /// venue; it is refused here (ReplaceRejected, nothing sent) so the strategy cancels and resubmits explicitly.
    /// </summary>
    private async Task AmendAsync(BinanceSpotSessions sessions, AmendOrderCommand command, CancellationToken stop)
    {
        if (command.NewLimitPrice is not null || command.NewQuantity is not { } newQuantity)
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
                Reason = $"amend of order {command.ClientOrderId} was not sent: Binance spot amends only by lowering the quantity; cancel and resubmit to change the price",
                VenueCode = BinanceVenueEvents.VenueCodeOf(VenueErrorKind.InvalidRequest),
            });
            _shared.Metrics.Command(Venue, "amend", "unsupported");
            return;
        }
        var symbol = _shared.Context.Symbols.ToSymbol(command.Instrument);
        BinanceParameters Parameters() => new BinanceParameters(6)
            .Add("symbol", symbol)
            .Add("origClientOrderId", command.ClientOrderId.Value)
            .Add("newClientOrderId", command.ClientOrderId.Value)
            .Add("newQty", newQuantity);
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
            Post(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = amended.Timestamp ?? Now,
                Source = VenueEventSource.Response,
                Instrument = command.Instrument,
                ClientOrderId = command.ClientOrderId,
                VenueOrderId = amended.VenueOrderId,
                Kind = VenueOrderEventKind.Replaced,
                Quantity = amended.Quantity,
                LimitPrice = amended.Price is > 0m ? amended.Price : null,
                CumulativeFilledQuantity = amended.ExecutedQuantity,
            });
            return;
        }
        OnFailure(command, VenueRequestKind.Replace, result.Error!, command.VenueOrderId);
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
            ClientOrderId = new ClientOrderId(order.GetProperty("origClientOrderId").GetString()!),
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
        _followUps.TryRemove(command.ClientOrderId, out var followUp);
        var result = await SendAsync(sessions,
            ws => ws.QueryOrderAsync(command.Instrument, command.ClientOrderId, stop),
            rest => rest.QueryOrderAsync(command.Instrument, command.ClientOrderId, stop)).ConfigureAwait(false);
        if (result.TryGetValue(out var report))
        {
            _shared.Metrics.FollowUp(Venue, "found");
            var fills = report.ExecutedQuantity is > 0m ? await TradesOfAsync(sessions, report, stop).ConfigureAwait(false) : null;
            Post((fills is null ? report : report with { Fills = fills }).ToEvents(Account, VenueEventSource.Reconciliation, Now));
            if (followUp is null) return;
            var open = report.Status is OrderStatus.New or OrderStatus.PartiallyFilled or OrderStatus.PendingNew;
            switch (followUp.Original)
            {
                case CancelOrderCommand cancel when open:
                    // The cancel did not happen (or not yet): cancelling again is harmless.
                    if (followUp.Attempt < RetrySchedule.UnknownOutcome.Attempts) _queue.TryEnqueue(cancel with { CreatedAt = Now });
                    break;
                case AmendOrderCommand amend when amend.NewQuantity is { } wanted:
                    Post(new VenueOrderUpdate
                    {
                        Account = Account,
                        Timestamp = Now,
                        Source = VenueEventSource.Reconciliation,
                        Instrument = amend.Instrument,
                        ClientOrderId = amend.ClientOrderId,
                        VenueOrderId = report.VenueOrderId,
                        Kind = report.Quantity == wanted ? VenueOrderEventKind.Replaced : VenueOrderEventKind.ReplaceRejected,
                        Quantity = report.Quantity == wanted ? wanted : null,
                        Reason = report.Quantity == wanted ? null : $"the amend of {amend.ClientOrderId} did not take effect: the venue shows quantity {report.Quantity}",
                        CumulativeFilledQuantity = report.ExecutedQuantity,
                    });
                    break;
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
            return;
        }
        _shared.Metrics.FollowUp(Venue, "failed");
        _logger.LogWarning("Account {Account}: {Message}", Account, error.Message);
        ScheduleFollowUp(followUp?.Original ?? command, (followUp?.Attempt ?? 0) + 1);
    }

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
    private void OnFailure(VenueCommand command, VenueRequestKind request, BinanceError error, VenueOrderId? venueOrderId)
    {
        var update = BinanceVenueEvents.FromFailure(error, request, Account, command.Instrument, command.ClientOrderId, venueOrderId, Now);
        var name = request.ToString().ToLowerInvariant();
        if (update is null)
        {
            _shared.Metrics.Command(Venue, name, "failed");
            return;
        }
        Post(update);
        if (update.Kind == VenueOrderEventKind.OutcomeUnknown)
        {
            _shared.Metrics.Command(Venue, name, "unknown");
            _shared.Metrics.UnknownOutcome(Venue, name);
            _logger.LogWarning("Account {Account}: {Message}; the order stays in flight and is queried", Account, error.Message);
            ScheduleFollowUp(command, 1);
        }
        else
        {
            _shared.Metrics.Command(Venue, name, error.Kind.ToString());
            _logger.LogInformation("Account {Account}: {Message}", Account, error.Message);
        }
    }

    /// <summary>Queues a query of <paramref name="original"/>'s order after the schedule's delay; once exhausted, reconciliation takes over.</summary>
    private void ScheduleFollowUp(VenueCommand original, int attempt)
    {
        if (RetrySchedule.UnknownOutcome.Delay(attempt) is not { } delay)
        {
            _logger.LogWarning("Account {Account}: order {ClientOrderId} is still unresolved after {Attempts} queries; reconciling", Account, original.ClientOrderId, attempt - 1);
            RequestReconcile($"unresolved outcome of {original.ClientOrderId}");
            return;
        }
        _followUps[original.ClientOrderId] = new FollowUp(original, attempt);
        _ = QueueAfterAsync(delay, original);
    }

    private async Task QueueAfterAsync(TimeSpan delay, VenueCommand original)
    {
        try
        {
            await Task.Delay(delay, _shared.Time, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        EnqueueQuery(original);
    }

    private void EnqueueQuery(VenueCommand about)
    {
        var query = new QueryOrderCommand { Account = Account, Instrument = about.Instrument, ClientOrderId = about.ClientOrderId, CreatedAt = Now };
        if (!_queue.TryEnqueue(query))
        {
            _logger.LogWarning("Account {Account}: could not queue a query of {ClientOrderId}; reconciling instead", Account, about.ClientOrderId);
            RequestReconcile($"unresolved outcome of {about.ClientOrderId}");
        }
    }

    private static VenueRequestKind RequestKind(VenueCommand command) => command switch
    {
        PlaceOrderCommand => VenueRequestKind.Place,
        CancelOrderCommand => VenueRequestKind.Cancel,
        AmendOrderCommand => VenueRequestKind.Replace,
        _ => VenueRequestKind.Query,
    };
}
