namespace Oms.Connectors.Binance.MarketData;

/// <summary>What a market stream message was.</summary>
public enum MarketStreamEventType
{
    /// <summary>A message this connector does not use (klines, tickers, …) or cannot recognise.</summary>
    Unknown = 0,
    /// <summary><c>@bookTicker</c>: best bid and ask.</summary>
    BookTicker = 1,
    /// <summary><c>@trade</c> (spot).</summary>
    Trade = 2,
    /// <summary><c>@aggTrade</c>.</summary>
    AggTrade = 3,
    /// <summary><c>depthUpdate</c> (diff depth; on USD-M also the partial-depth streams).</summary>
    DepthUpdate = 4,
    /// <summary><c>markPriceUpdate</c> (USD-M).</summary>
    MarkPrice = 5,
    /// <summary><c>serverShutdown</c>: the connection will be cut for maintenance.</summary>
    ServerShutdown = 6,
    /// <summary>The answer to a <c>SUBSCRIBE</c> / <c>UNSUBSCRIBE</c> / <c>LIST_SUBSCRIPTIONS</c> request.</summary>
    ControlResponse = 7,
}

/// <summary>Best bid and ask (<c>@bookTicker</c>). Spot sends no event time; USD-M does.</summary>
public readonly record struct BookTickerUpdate(
    InstrumentId Instrument,
    long UpdateId,
    decimal BidPrice,
    decimal BidQuantity,
    decimal AskPrice,
    decimal AskQuantity,
    DateTimeOffset? EventTime);

/// <summary>A public trade (<c>@trade</c>) or aggregated trade (<c>@aggTrade</c>, <see cref="IsAggregate"/>; the id is the aggregate id).</summary>
public readonly record struct TradeUpdate(
    InstrumentId Instrument,
    long TradeId,
    decimal Price,
    decimal Quantity,
    DateTimeOffset TradeTime,
    bool BuyerIsMaker,
    bool IsAggregate);

/// <summary>USD-M <c>markPriceUpdate</c>: mark and index price and the current funding rate (null for delivery contracts).</summary>
public readonly record struct MarkPriceUpdate(
    InstrumentId Instrument,
    decimal MarkPrice,
    decimal? IndexPrice,
    decimal? EstimatedSettlePrice,
    decimal? FundingRate,
    DateTimeOffset? NextFundingTime,
    DateTimeOffset EventTime);

/// <summary>One price level: the absolute quantity at a price (0 removes the level in a diff).</summary>
public readonly record struct PriceLevel(decimal Price, decimal Quantity);

/// <summary>
/// A diff-depth event: levels changed between update ids <see cref="FirstUpdateId"/> (<c>U</c>) and
/// <see cref="FinalUpdateId"/> (<c>u</c>). USD-M also sends <see cref="PreviousFinalUpdateId"/> (<c>pu</c>), the
/// <c>u</c> of the previous event on the stream.
/// </summary>
public sealed record DepthUpdate(
    InstrumentId Instrument,
    long FirstUpdateId,
    long FinalUpdateId,
    long? PreviousFinalUpdateId,
    IReadOnlyList<PriceLevel> Bids,
    IReadOnlyList<PriceLevel> Asks,
    DateTimeOffset EventTime);

/// <summary>A REST depth snapshot (<c>/api/v3/depth</c>, <c>/fapi/v1/depth</c>).</summary>
public sealed record DepthSnapshot(InstrumentId Instrument, long LastUpdateId, IReadOnlyList<PriceLevel> Bids, IReadOnlyList<PriceLevel> Asks);

/// <summary>Receives parsed market-stream events. Called on a receive loop: return quickly.</summary>
public interface IMarketDataEventSink
{
    void OnBookTicker(in BookTickerUpdate update);

    void OnTrade(in TradeUpdate update);

    void OnMarkPrice(in MarkPriceUpdate update);

    void OnDepthUpdate(DepthUpdate update);
}

/// <summary>Reads a REST depth snapshot; implemented by the spot and USD-M REST clients.</summary>
public interface IBinanceDepthSource
{
    /// <summary>Reads the order book of <paramref name="instrument"/> with <paramref name="limit"/> levels per side.</summary>
    ValueTask<BinanceResult<DepthSnapshot>> GetDepthAsync(InstrumentId instrument, int limit, CancellationToken cancellationToken = default);
}
