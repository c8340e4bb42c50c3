using System.Collections.Concurrent;

namespace Oms.Grains.Tests.Infrastructure;

/// <summary>The instruments the grain tests trade, with realistic Binance filters.</summary>
public static class TestInstruments
{
    public static readonly InstrumentId BtcSpot = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    public static readonly InstrumentId BtcPerp = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    public static readonly InstrumentId EthSpot = new(Venue.Binance, MarketType.Spot, "ETHUSDT");
    public static readonly InstrumentId BnbSpot = new(Venue.Binance, MarketType.Spot, "BNBUSDT");
    public static readonly InstrumentId BybitBtcSpot = new(Venue.Bybit, MarketType.Spot, "BTCUSDT");
    public static readonly InstrumentId UnknownSpot = new(Venue.Binance, MarketType.Spot, "NOPEUSDT");

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
        MinNotional = 5m,
    };

    public static readonly InstrumentSpec BtcPerpSpec = new()
    {
        Id = BtcPerp,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        TickSize = 0.1m,
        MinPrice = 0.1m,
        MaxPrice = 1_000_000m,
        StepSize = 0.001m,
        MinQuantity = 0.001m,
        MaxQuantity = 1000m,
        MinNotional = 100m,
    };

    public static readonly InstrumentSpec EthSpotSpec = BtcSpotSpec with { Id = EthSpot, BaseAsset = "ETH", StepSize = 0.0001m, MinQuantity = 0.0001m };
    public static readonly InstrumentSpec BnbSpotSpec = BtcSpotSpec with { Id = BnbSpot, BaseAsset = "BNB", StepSize = 0.001m, MinQuantity = 0.001m };
    public static readonly InstrumentSpec BybitBtcSpotSpec = BtcSpotSpec with { Id = BybitBtcSpot };
}

/// <summary>An <see cref="IInstrumentCatalog"/> holding <see cref="TestInstruments"/>.</summary>
public sealed class TestInstrumentCatalog : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<InstrumentId, InstrumentSpec> _specs = new(new[]
    {
        TestInstruments.BtcSpotSpec, TestInstruments.BtcPerpSpec, TestInstruments.EthSpotSpec,
        TestInstruments.BnbSpotSpec, TestInstruments.BybitBtcSpotSpec,
    }.ToDictionary(s => s.Id));

    public IReadOnlyCollection<InstrumentSpec> All => _specs.Values.ToArray();

    public bool TryGet(InstrumentId instrument, out InstrumentSpec spec) => _specs.TryGetValue(instrument, out spec!);
}

/// <summary>A reference price source the tests set.</summary>
public sealed class TestPrices : IReferencePriceSource
{
    private readonly ConcurrentDictionary<InstrumentId, decimal> _prices = new();

    public void Set(InstrumentId instrument, decimal? price)
    {
        if (price is { } value) _prices[instrument] = value; else _prices.TryRemove(instrument, out _);
    }

    public decimal? TryGetPrice(InstrumentId instrument) => _prices.TryGetValue(instrument, out var price) ? price : null;
}
