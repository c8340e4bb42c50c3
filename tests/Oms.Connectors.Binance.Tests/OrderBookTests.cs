using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.MarketData;

namespace Oms.Connectors.Binance.Tests;

/// <summary>Local order book sequence rules (REFERENCE §4 spot, §5.9 USD-M) and the reference price store.</summary>
public sealed class OrderBookTests
{
    private static readonly InstrumentId SpotBtc = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly InstrumentId UsdMBtc = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");

    private static DepthSnapshot Snapshot(InstrumentId instrument, long lastUpdateId) =>
        new(instrument, lastUpdateId, [new(100m, 1m), new(99m, 2m)], [new(101m, 1m), new(102m, 3m)]);

    private static DepthUpdate Diff(InstrumentId instrument, long first, long final, long? previous = null, PriceLevel[]? bids = null, PriceLevel[]? asks = null) =>
        new(instrument, first, final, previous, bids ?? [], asks ?? [], DateTimeOffset.UnixEpoch.AddSeconds(final));

    [Fact]
    public void Spot_drops_contained_events_and_needs_a_bridge_then_strict_continuity()
    {
        var book = new BinanceOrderBook(SpotBtc, BinanceApi.Spot);
        book.ApplySnapshot(Snapshot(SpotBtc, 100));

        Assert.Equal(BookUpdateResult.Stale, book.Apply(Diff(SpotBtc, 95, 100)));
        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(SpotBtc, 98, 103, bids: [new(100.5m, 4m)])));
        Assert.Equal(BookUpdateResult.Stale, book.Apply(Diff(SpotBtc, 101, 103)));
        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(SpotBtc, 104, 104, asks: [new(101m, 0m)])));

        Assert.Equal(104, book.LastUpdateId);
        Assert.Equal(new PriceLevel(100.5m, 4m), book.BestBid);
        Assert.Equal(new PriceLevel(102m, 3m), book.BestAsk);
        Assert.Equal(101.25m, book.Mid);
        Assert.Equal([new PriceLevel(100.5m, 4m), new PriceLevel(100m, 1m)], book.Bids(2));
    }

    [Fact]
    public void Spot_first_event_beyond_the_snapshot_is_a_gap()
    {
        var book = new BinanceOrderBook(SpotBtc, BinanceApi.Spot);
        book.ApplySnapshot(Snapshot(SpotBtc, 100));

        Assert.Equal(BookUpdateResult.Gap, book.Apply(Diff(SpotBtc, 102, 105)));
        Assert.False(book.IsSynced);
        Assert.Null(book.BestBid);
        Assert.Equal(BookUpdateResult.NotSynced, book.Apply(Diff(SpotBtc, 106, 107)));
    }

    [Fact]
    public void Spot_missing_update_after_the_bridge_is_a_gap()
    {
        var book = new BinanceOrderBook(SpotBtc, BinanceApi.Spot);
        book.ApplySnapshot(Snapshot(SpotBtc, 100));
        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(SpotBtc, 101, 105)));

        Assert.Equal(BookUpdateResult.Gap, book.Apply(Diff(SpotBtc, 107, 110)));
        Assert.False(book.IsSynced);
    }

    [Fact]
    public void UsdM_bridge_contains_the_snapshot_id_and_continuity_follows_pu()
    {
        var book = new BinanceOrderBook(UsdMBtc, BinanceApi.UsdM);
        book.ApplySnapshot(Snapshot(UsdMBtc, 100));

        Assert.Equal(BookUpdateResult.Stale, book.Apply(Diff(UsdMBtc, 90, 99, 89)));
        // u == lastUpdateId is not stale on USD-M: it is the bridge (U <= lastUpdateId <= u).
        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(UsdMBtc, 97, 100, 96, bids: [new(99m, 0m)])));
        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(UsdMBtc, 103, 110, 100, asks: [new(100.5m, 2m)])));
        Assert.Equal(BookUpdateResult.Stale, book.Apply(Diff(UsdMBtc, 103, 110, 100)));

        Assert.Equal(110, book.LastUpdateId);
        Assert.Equal(1, book.BidLevelCount);
        Assert.Equal(new PriceLevel(100.5m, 2m), book.BestAsk);
        Assert.Equal(BookUpdateResult.Gap, book.Apply(Diff(UsdMBtc, 115, 120, 112)));
        Assert.False(book.IsSynced);
    }

    [Fact]
    public void UsdM_first_event_must_contain_the_snapshot_id()
    {
        var book = new BinanceOrderBook(UsdMBtc, BinanceApi.UsdM);
        book.ApplySnapshot(Snapshot(UsdMBtc, 100));

        Assert.Equal(BookUpdateResult.Gap, book.Apply(Diff(UsdMBtc, 101, 105, 100)));
    }

    [Fact]
    public void Removing_an_unknown_level_is_harmless()
    {
        var book = new BinanceOrderBook(SpotBtc, BinanceApi.Spot);
        book.ApplySnapshot(Snapshot(SpotBtc, 1));

        Assert.Equal(BookUpdateResult.Applied, book.Apply(Diff(SpotBtc, 2, 2, bids: [new(50m, 0m)])));
        Assert.Equal(2, book.BidLevelCount);
    }

    [Fact]
    public void Reference_price_is_the_mark_for_futures_else_the_last_trade_else_the_mid_and_markets_are_distinct()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var prices = new BinanceReferencePrices(time);

        Assert.Null(prices.TryGetPrice(SpotBtc));
        prices.OnQuote(SpotBtc, 100m, 101m);
        Assert.Equal(100.5m, prices.TryGetPrice(SpotBtc));
        prices.OnTrade(SpotBtc, 100.75m, time.GetUtcNow());
        Assert.Equal(100.75m, prices.TryGetPrice(SpotBtc));
        prices.OnTrade(SpotBtc, 99m, time.GetUtcNow().AddSeconds(-1));
        Assert.Equal(100.75m, prices.TryGetPrice(SpotBtc));

        Assert.Null(prices.TryGetPrice(UsdMBtc));
        prices.OnMarkPrice(UsdMBtc, 100.2m, 0.0001m, null, time.GetUtcNow());
        // A futures instrument's reference price is its mark once one is known; the spot market's price is untouched.
        Assert.Equal(100.2m, prices.TryGetPrice(UsdMBtc));
        Assert.Equal(100.2m, prices.TryGetMarkPrice(UsdMBtc));
        Assert.Equal(100.75m, prices.TryGetPrice(SpotBtc));
        prices.OnTrade(UsdMBtc, 100.9m, time.GetUtcNow());
        Assert.Equal(100.2m, prices.TryGetPrice(UsdMBtc));
        Assert.True(prices.TryGetSnapshot(UsdMBtc, out var snapshot));
        Assert.Equal(0.0001m, snapshot.FundingRate);
    }

    [Fact]
    public void Reference_prices_older_than_the_maximum_age_are_not_served()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var prices = new BinanceReferencePrices(time, TimeSpan.FromSeconds(30));
        prices.OnTrade(SpotBtc, 100m, time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(20));
        prices.OnQuote(SpotBtc, 98m, 99m);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(98.5m, prices.TryGetPrice(SpotBtc));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(prices.TryGetPrice(SpotBtc));
        Assert.True(prices.TryGetSnapshot(SpotBtc, out var snapshot));
        Assert.Equal(100m, snapshot.LastTradePrice);
    }
}
