using System.Collections.Concurrent;
using System.Globalization;

namespace Oms.Gateway.Tests.Infrastructure;

/// <summary>
/// A venue double: accepts every command, then (after the grain's turn has ended) reports an acknowledgement and
/// fills each order in two parts at its limit price (or the configured market price), through the real
/// <see cref="IAccountGrain.ApplyVenueEventsAsync"/>. Trade ids derive from the client order id, so replays are
/// recognisable. Orders of an (account, symbol) marked with <see cref="LeaveWorking"/> are acknowledged but never filled.
/// </summary>
public sealed class TestVenue(IGrainFactory grains) : IVenueOrderRouter
{
    public const decimal MarketFillPrice = 50_000m;

    private readonly ConcurrentQueue<VenueCommand> received = new();
    private readonly ConcurrentBag<Task> deliveries = [];

    private readonly ConcurrentDictionary<(string Account, string Symbol), bool> working = new();

    /// <summary>Orders of this account on this symbol are acknowledged and left working (for cancel and amend tests).</summary>
    public void LeaveWorking(string account, string symbol) => working[(account, symbol)] = true;

    public IReadOnlyCollection<VenueCommand> Received => received.ToArray();

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        received.Enqueue(command);
        // Report after returning: the account grain is inside its turn until RouteAsync completes.
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
                if (working.ContainsKey((place.Account.Value, place.Instrument.Symbol))) return;
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
