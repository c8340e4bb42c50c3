namespace Oms.Benchmarks.Infrastructure;

/// <summary>Realistic BTCUSDT values shared by the benchmarks.</summary>
internal static class Realistic
{
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);
    public const long TimestampMs = 1_767_605_400_000;

    public static readonly AccountId Account = new("desk-a.binance-main");
    public static readonly InstrumentId BtcSpot = new(Venue.Binance, MarketType.Spot, "BTCUSDT");

    /// <summary>An OMS-generated client order id (prefix, account hash, base-36 counter).</summary>
    public static readonly ClientOrderId ClientOrderId = new("oms-k3x9qz-1z141z");

    public const decimal Price = 65432.10m;
    public const decimal Quantity = 0.01234m;
    public const decimal ReferencePrice = 65440.00m;

    public static OrderSpec LimitBuy() => new()
    {
        Instrument = BtcSpot,
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Quantity = Quantity,
        LimitPrice = Price,
        TimeInForce = TimeInForce.Gtc,
    };

    /// <summary>Binance's BTCUSDT spot filters (tick 0.01, step 0.00001, min notional 5).</summary>
    public static readonly InstrumentSpec BtcSpotSpec = new()
    {
        Id = BtcSpot,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        TickSize = 0.01m,
        MinPrice = 0.01m,
        MaxPrice = 1_000_000m,
        StepSize = 0.00001m,
        MinQuantity = 0.00001m,
        MaxQuantity = 9000m,
        MarketStepSize = 0.00001m,
        MarketMinQuantity = 0m,
        MarketMaxQuantity = 120m,
        MinNotional = 5m,
        MaxNotional = 9_000_000m,
    };

    /// <summary>HMAC secret in Binance's documented shape (64 characters).</summary>
    public const string HmacSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    public const string ApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

    /// <summary>A fixed Ed25519 seed (32 bytes), so every run signs with the same key.</summary>
    public static byte[] Ed25519Seed() => Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
}
