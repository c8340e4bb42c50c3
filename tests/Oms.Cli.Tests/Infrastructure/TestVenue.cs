using System.Collections.Concurrent;
using System.Globalization;

namespace Oms.Cli.Tests.Infrastructure;

/// <summary>
/// A venue double behind the real <see cref="IVenueOrderRouter"/> port: acknowledges every order, then fills it in two
/// parts at its limit price (or <see cref="MarketFillPrice"/>) through the real
/// <see cref="IAccountGrain.ApplyVenueEventsAsync"/> — except orders on <see cref="RestingSymbol"/>, which stay working
/// so that they can be amended and cancelled. Cancels and amends are confirmed. Reports are sent after the grain's
/// turn ends, as a connector would.
/// </summary>
public sealed class TestVenue(IGrainFactory grains) : IVenueOrderRouter
{
    public const decimal MarketFillPrice = 50_000m;

    /// <summary>Orders on this symbol are acknowledged and never filled.</summary>
    public const string RestingSymbol = "ETHUSDT";

    private readonly ConcurrentBag<Task> deliveries = [];

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        deliveries.Add(Task.Run(() => ReportAsync(command), CancellationToken.None));
        return ValueTask.FromResult(RouteResult.Queued);
    }

    private async Task ReportAsync(VenueCommand command)
    {
        var grain = grains.GetAccount(command.Account);
        var now = DateTimeOffset.UtcNow;
        var venueOrderId = new VenueOrderId("V-" + command.ClientOrderId.Value);
        switch (command)
        {
            case PlaceOrderCommand place:
                await grain.ApplyVenueEventsAsync([Update(command, VenueOrderEventKind.Accepted, venueOrderId, now)]);
                if (place.Instrument.Symbol == RestingSymbol) return;
                var price = place.Spec.LimitPrice ?? MarketFillPrice;
                var first = decimal.Round(place.Spec.Quantity / 2m, 8, MidpointRounding.ToZero);
                var second = place.Spec.Quantity - first;
                var fills = new List<VenueEvent>();
                if (first > 0m) fills.Add(FillEvent(place, venueOrderId, 1, first, price, now));
                fills.Add(FillEvent(place, venueOrderId, 2, second, price, now));
                await grain.ApplyVenueEventsAsync(fills);
                break;
            case CancelOrderCommand:
                await grain.ApplyVenueEventsAsync([Update(command, VenueOrderEventKind.Canceled, venueOrderId, now)]);
                break;
            case AmendOrderCommand amend:
                await grain.ApplyVenueEventsAsync([Update(command, VenueOrderEventKind.Replaced, venueOrderId, now) with
                {
                    Quantity = amend.NewQuantity ?? amend.Spec.Quantity,
                    LimitPrice = amend.NewLimitPrice ?? amend.Spec.LimitPrice,
                }]);
                break;
        }
    }

    private static VenueOrderUpdate Update(VenueCommand command, VenueOrderEventKind kind, VenueOrderId venueOrderId, DateTimeOffset now) => new()
    {
        Account = command.Account,
        Timestamp = now,
        Source = VenueEventSource.Response,
        Instrument = command.Instrument,
        ClientOrderId = command.ClientOrderId,
        VenueOrderId = venueOrderId,
        Kind = kind,
    };

    private static VenueFill FillEvent(PlaceOrderCommand place, VenueOrderId venueOrderId, int part, decimal quantity, decimal price, DateTimeOffset now) => new()
    {
        Account = place.Account,
        Timestamp = now,
        Fill = new Fill
        {
            Instrument = place.Instrument,
            TradeId = new TradeId(string.Create(CultureInfo.InvariantCulture, $"T-{place.ClientOrderId.Value}-{part}")),
            ClientOrderId = place.ClientOrderId,
            VenueOrderId = venueOrderId,
            Side = place.Spec.Side,
            Quantity = quantity,
            Price = price,
            Fee = 0m,
            FeeAsset = place.Instrument.Market == MarketType.Spot ? "BNB" : "USDT",
            Liquidity = LiquiditySide.Taker,
            Timestamp = now,
        },
    };
}
