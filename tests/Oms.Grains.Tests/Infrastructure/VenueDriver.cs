namespace Oms.Grains.Tests.Infrastructure;

/// <summary>Scripts what the venue reports, delivering it to the account grain as a connector worker would.</summary>
public sealed class VenueDriver(IGrainFactory grains)
{
    private static long _tradeIds = 1_000_000;
    private static long _venueOrderIds = 5_000_000;

    public static TradeId NewTradeId() => new(Interlocked.Increment(ref _tradeIds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static VenueOrderId NewVenueOrderId() => new(Interlocked.Increment(ref _venueOrderIds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task Send(AccountId account, params VenueEvent[] events) => grains.GetAccount(account).ApplyVenueEventsAsync(events);

    public Task Ack(AccountId account, OrderSnapshot order, VenueOrderId? venueOrderId = null) =>
        Send(account, Update(account, order, VenueOrderEventKind.Accepted, venueOrderId ?? NewVenueOrderId()));

    public static VenueOrderUpdate Update(AccountId account, OrderSnapshot order, VenueOrderEventKind kind, VenueOrderId? venueOrderId = null,
        string? reason = null, string? venueCode = null, decimal? quantity = null, decimal? limitPrice = null) => new()
    {
        Account = account,
        Timestamp = TestEnvironment.Clock.GetUtcNow(),
        Instrument = order.Spec.Instrument,
        ClientOrderId = order.ClientOrderId,
        VenueOrderId = venueOrderId,
        Kind = kind,
        Reason = reason,
        VenueCode = venueCode,
        Quantity = quantity,
        LimitPrice = limitPrice,
    };

    public static VenueFill Fill(AccountId account, OrderSnapshot order, decimal quantity, decimal price, TradeId? tradeId = null,
        decimal fee = 0m, string feeAsset = "USDT", DateTimeOffset? at = null) =>
        Fill(account, order.Spec.Instrument, order.ClientOrderId, order.Spec.Side, quantity, price, tradeId, fee, feeAsset, order.Spec.PositionSide, at);

    public static VenueFill Fill(AccountId account, InstrumentId instrument, ClientOrderId clientOrderId, OrderSide side, decimal quantity, decimal price,
        TradeId? tradeId = null, decimal fee = 0m, string feeAsset = "USDT", PositionSide positionSide = PositionSide.Both, DateTimeOffset? at = null) => new()
    {
        Account = account,
        Timestamp = at ?? TestEnvironment.Clock.GetUtcNow(),
        Fill = new Fill
        {
            Instrument = instrument,
            TradeId = tradeId ?? NewTradeId(),
            ClientOrderId = clientOrderId,
            Side = side,
            Quantity = quantity,
            Price = price,
            Fee = fee,
            FeeAsset = fee == 0m ? string.Empty : feeAsset,
            Liquidity = LiquiditySide.Taker,
            Timestamp = at ?? TestEnvironment.Clock.GetUtcNow(),
            PositionSide = positionSide,
        },
    };
}
