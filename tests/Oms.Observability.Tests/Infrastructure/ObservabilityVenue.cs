using System.Diagnostics;
using System.Globalization;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// A venue double that behaves like a connector towards the telemetry: it captures the trace context when a place
/// command is queued (inside the account grain's turn), and later, on its own loop, opens the venue call span with
/// <see cref="OmsTelemetry.StartVenueCall"/> under that context, records the <see cref="OrderStages.Sent"/> stage,
/// and reports the venue's acknowledgement and one fill back to the account grain from inside that span.
/// </summary>
public sealed class ObservabilityVenue(IGrainFactory grains) : IVenueOrderRouter
{
    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        if (command is not PlaceOrderCommand place) return ValueTask.FromResult(RouteResult.Queued);
        var parent = OmsTelemetry.CaptureContext();
        // The connector's send loop: no ambient span of the grain's turn, only the captured context.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => SendAndReportAsync(place, parent), CancellationToken.None);
        }
        return ValueTask.FromResult(RouteResult.Queued);
    }

    private async Task SendAndReportAsync(PlaceOrderCommand place, ActivityContext parent)
    {
        var venue = place.Instrument.Venue.ToString();
        var market = place.Instrument.Market.ToString();
        using var call = OmsTelemetry.StartVenueCall("order.place", venue, market, parent, place.Account.Value, place.ClientOrderId.Value);
        OmsTelemetry.OrderStageReached(OrderStages.Sent, DateTimeOffset.UtcNow - place.CreatedAt, venue, market);
        var now = DateTimeOffset.UtcNow;
        var venueOrderId = new VenueOrderId("V-" + place.ClientOrderId.Value);
        var grain = grains.GetAccount(place.Account);
        await grain.ApplyVenueEventsAsync(
        [
            new VenueOrderUpdate
            {
                Account = place.Account,
                Timestamp = now,
                Source = VenueEventSource.Response,
                Instrument = place.Instrument,
                ClientOrderId = place.ClientOrderId,
                VenueOrderId = venueOrderId,
                Kind = VenueOrderEventKind.Accepted,
            },
            new VenueFill
            {
                Account = place.Account,
                Timestamp = now,
                Fill = new Fill
                {
                    Instrument = place.Instrument,
                    TradeId = new TradeId(string.Create(CultureInfo.InvariantCulture, $"T-{place.ClientOrderId.Value}")),
                    ClientOrderId = place.ClientOrderId,
                    VenueOrderId = venueOrderId,
                    Side = place.Spec.Side,
                    Quantity = place.Spec.Quantity,
                    Price = place.Spec.LimitPrice ?? 50_000m,
                    Fee = 0m,
                    FeeAsset = "BNB",
                    Liquidity = LiquiditySide.Taker,
                    Timestamp = now,
                },
            },
        ]);
        OmsTelemetry.SetVenueOutcome(call, "ok");
    }
}
