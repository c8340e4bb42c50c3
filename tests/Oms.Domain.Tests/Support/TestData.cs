using System.Collections;
using System.Globalization;
using System.Reflection;

namespace Oms.Domain.Tests.Support;

/// <summary>Fixed identifiers and times shared by the domain tests.</summary>
internal static class TestIds
{
    public static readonly AccountId Account = new("acc-1");
    public static readonly ClientOrderId ClientOrderId = new("oms-0001");
    public static readonly InstrumentId BtcUsdtSpot = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    public static readonly InstrumentId BtcUsdtPerp = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    public static readonly VenueOrderId VenueId1 = new("1001");
    public static readonly VenueOrderId VenueId2 = new("2002");
    public static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);
}

/// <summary>Builds order specs, orders and fills.</summary>
internal static class OrderFactory
{
    private static int _tradeSequence;

    public static OrderSpec LimitBuy(decimal quantity = 1m, decimal price = 100m) => new()
    {
        Instrument = TestIds.BtcUsdtSpot,
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Quantity = quantity,
        LimitPrice = price,
    };

    public static OrderSpec MarketSell(decimal quantity = 1m) => new()
    {
        Instrument = TestIds.BtcUsdtSpot,
        Side = OrderSide.Sell,
        Type = OrderType.Market,
        Quantity = quantity,
    };

    public static OrderSpec StopMarketSellPerp(decimal quantity = 1m, decimal stop = 90m) => new()
    {
        Instrument = TestIds.BtcUsdtPerp,
        Side = OrderSide.Sell,
        Type = OrderType.StopMarket,
        Quantity = quantity,
        StopPrice = stop,
    };

    public static Order Submitted(OrderSpec? spec = null) =>
        Order.Submit(TestIds.Account, TestIds.ClientOrderId, spec ?? LimitBuy(), TestIds.T0).Order;

    public static Order Denied(OrderSpec? spec = null) =>
        Order.Deny(TestIds.Account, TestIds.ClientOrderId, spec ?? LimitBuy(),
            new Denial(DenialCode.NotionalExceedsMaxPerOrder, "notional 100 USDT is above the limit 50 USDT", 50m, 100m, "USDT"), TestIds.T0).Order;

    /// <summary>A well-formed fill for <paramref name="order"/> with a fresh trade id.</summary>
    public static Fill FillFor(Order order, decimal quantity, decimal price = 100m, decimal fee = 0m, string feeAsset = "",
        VenueOrderId? venueOrderId = null, int atSecond = 10) => new()
    {
        Instrument = order.Instrument,
        TradeId = new TradeId("t" + Interlocked.Increment(ref _tradeSequence).ToString(CultureInfo.InvariantCulture)),
        ClientOrderId = order.ClientOrderId,
        VenueOrderId = venueOrderId,
        Side = order.Spec.Side,
        Quantity = quantity,
        Price = price,
        Fee = fee,
        FeeAsset = feeAsset,
        Liquidity = LiquiditySide.Maker,
        Timestamp = TestIds.At(atSecond),
    };

    /// <summary>
    /// A limit buy of 1 at 100 driven into <paramref name="status"/> through the aggregate API. With
    /// <paramref name="priorFill"/>, 0.4 is filled before the last step (for the statuses that allow it).
    /// </summary>
    public static Order InStatus(OrderStatus status, bool priorFill = false)
    {
        if (status == OrderStatus.Denied) return Denied();
        var order = Submitted();
        if (status == OrderStatus.PendingNew) return order;
        if (status == OrderStatus.Rejected)
        {
            Expect(order.Reject("insufficient balance", "-2010", TestIds.At(1)));
            return order;
        }

        Expect(order.Accept(TestIds.VenueId1, TestIds.At(1)));
        if (priorFill || status == OrderStatus.PartiallyFilled) Expect(order.ApplyFill(FillFor(order, 0.4m, atSecond: 2)));
        switch (status)
        {
            case OrderStatus.New:
            case OrderStatus.PartiallyFilled:
                break;
            case OrderStatus.Filled:
                Expect(order.ApplyFill(FillFor(order, order.Quantity - order.FilledQuantity, atSecond: 3)));
                break;
            case OrderStatus.PendingCancel:
                Expect(order.RequestCancel(TestIds.At(3)));
                break;
            case OrderStatus.PendingReplace:
                Expect(order.RequestReplace(null, 101m, TestIds.At(3)));
                break;
            case OrderStatus.Canceled:
                Expect(order.Cancel("canceled by user", TestIds.At(3)));
                break;
            case OrderStatus.Expired:
                Expect(order.Expire("GTD expiry", TestIds.At(3)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, "no route to this status");
        }
        Assert.Equal(status, order.Status);
        return order;
    }

    private static void Expect(OrderUpdate update) => Assert.Equal(OrderUpdateOutcome.Applied, update.Outcome);
}

/// <summary>
/// Every public property of an object, rendered to text (decimals keep their scale, dictionaries are sorted), so two
/// snapshots are equal only if nothing observable changed. Properties added later are included automatically.
/// </summary>
internal static class Snapshot
{
    public static IReadOnlyList<string> Of(object value) =>
        value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Render(p.GetValue(value))}")
            .ToList();

    private static string Render(object? value) => value switch
    {
        null => "<null>",
        IDictionary dictionary => "{" + string.Join(",", dictionary.Keys.Cast<object>()
            .Select(k => $"{Render(k)}:{Render(dictionary[k])}").Order(StringComparer.Ordinal)) + "}",
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
