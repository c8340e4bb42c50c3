using System.Globalization;
using Oms.Connectors.Abstractions;
using Oms.Contracts;
using Oms.Domain;

namespace Oms.Cluster.TestSilo;

/// <summary>
/// A venue double for cluster tests. Every order is acknowledged and filled completely in two parts at its limit
/// price, in one event batch whose trade ids derive from the client order id (<c>T-{id}-1</c>, <c>T-{id}-2</c>), so
/// every delivery of the same order is identical and a replay is a harmless duplicate. Queries (which the account
/// grain sends after a crash for orders it cannot tell were sent) get the same batch, built from the order the
/// grain holds; an order the grain does not hold is answered "not found". Delivery runs after the grain's turn and
/// retries transient cluster errors (its target may be reactivating on another silo) a bounded number of times.
/// </summary>
public sealed class DeterministicVenue(IGrainFactory grains, IVenueEventSink sink, ILogger<DeterministicVenue> logger) : IVenueOrderRouter
{
    private const int MaxDeliveryAttempts = 60;

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        _ = Task.Run(() => DeliverAsync(command), CancellationToken.None);
        return ValueTask.FromResult(RouteResult.Queued);
    }

    private async Task DeliverAsync(VenueCommand command)
    {
        for (var attempt = 1; attempt <= MaxDeliveryAttempts; attempt++)
        {
            try
            {
                var events = await EventsForAsync(command);
                if (events.Count > 0) await sink.PublishAsync(command.Account, events);
                return;
            }
            catch (Exception ex) when (Oms.Gateway.Errors.GrpcErrorMapper.IsTransient(ex))
            {
                logger.LogWarning("Venue delivery for {Account}/{ClientOrderId} failed transiently ({Error}), attempt {Attempt}",
                    command.Account, command.ClientOrderId, ex.GetType().Name, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Venue delivery for {Account}/{ClientOrderId} failed", command.Account, command.ClientOrderId);
                return;
            }
        }
    }

    private async Task<IReadOnlyList<VenueEvent>> EventsForAsync(VenueCommand command)
    {
        var now = DateTimeOffset.UtcNow;
        switch (command)
        {
            case PlaceOrderCommand place:
                return Execution(command, place.Spec, now);
            case QueryOrderCommand:
                var order = await grains.GetAccount(command.Account).GetOrderAsync(command.ClientOrderId);
                if (order is null)
                {
                    return [Update(command, VenueOrderEventKind.NotFound, now, VenueEventSource.Reconciliation)];
                }
                return Execution(command, order.Spec, now, VenueEventSource.Reconciliation);
            case CancelOrderCommand:
                return [Update(command, VenueOrderEventKind.Canceled, now)];
            default:
                return [];
        }
    }

    private static List<VenueEvent> Execution(VenueCommand command, OrderSpec spec, DateTimeOffset now, VenueEventSource source = VenueEventSource.Response)
    {
        var price = spec.LimitPrice ?? spec.StopPrice ?? 50_000m;
        var first = decimal.Round(spec.Quantity / 2m, 8, MidpointRounding.ToZero);
        var events = new List<VenueEvent> { Update(command, VenueOrderEventKind.Accepted, now, source) };
        if (first > 0m) events.Add(Fill(command, spec, 1, first, price, now, source));
        events.Add(Fill(command, spec, 2, spec.Quantity - first, price, now, source));
        return events;
    }

    private static VenueOrderId VenueId(VenueCommand command) => new("V-" + command.ClientOrderId.Value);

    private static VenueOrderUpdate Update(VenueCommand command, VenueOrderEventKind kind, DateTimeOffset now, VenueEventSource source = VenueEventSource.Response) => new()
    {
        Account = command.Account,
        Timestamp = now,
        Source = source,
        Instrument = command.Instrument,
        ClientOrderId = command.ClientOrderId,
        VenueOrderId = VenueId(command),
        Kind = kind,
    };

    private static VenueFill Fill(VenueCommand command, OrderSpec spec, int part, decimal quantity, decimal price, DateTimeOffset now, VenueEventSource source) => new()
    {
        Account = command.Account,
        Timestamp = now,
        Source = source,
        Fill = new Fill
        {
            Instrument = command.Instrument,
            TradeId = new TradeId(string.Create(CultureInfo.InvariantCulture, $"T-{command.ClientOrderId.Value}-{part}")),
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = VenueId(command),
            Side = spec.Side,
            Quantity = quantity,
            Price = price,
            Fee = 0m,
            FeeAsset = "USDT",
            Liquidity = LiquiditySide.Taker,
            Timestamp = now,
        },
    };
}
