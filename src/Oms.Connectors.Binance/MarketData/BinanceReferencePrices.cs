using System.Collections.Concurrent;

namespace Oms.Connectors.Binance.MarketData;

/// <summary>What is known about one instrument's prices, with when each part was last updated (venue time where it says, else local).</summary>
public readonly record struct ReferencePriceSnapshot(
    InstrumentId Instrument,
    decimal? LastTradePrice,
    DateTimeOffset? LastTradeAt,
    decimal? BidPrice,
    decimal? AskPrice,
    DateTimeOffset? QuoteAt,
    decimal? MarkPrice,
    decimal? FundingRate,
    DateTimeOffset? NextFundingTime,
    DateTimeOffset? MarkAt)
{
    /// <summary>(bid + ask) / 2 when both sides are known.</summary>
    public decimal? Mid => BidPrice is { } bid && AskPrice is { } ask ? (bid + ask) / 2m : null;
}

/// <summary>
/// The reference prices of Binance instruments (spot and USD-M are different <see cref="InstrumentId"/>s), fed by the
/// market streams: last trade price (<c>@trade</c>/<c>@aggTrade</c>), best bid/ask (<c>@bookTicker</c> or a local
/// order book), and for USD-M the mark price and funding rate (<c>@markPrice</c>). <see cref="TryGetPrice"/> is the
/// mark price for USD-M instruments when one is known, else the last trade price, else the mid. When <c>maxAge</c> is set, a component older than that (by the local clock when it
/// arrived) is not used. Thread-safe; updates do not allocate once an instrument is known.
/// </summary>
public sealed class BinanceReferencePrices : IReferencePriceSource
{
    private readonly ConcurrentDictionary<InstrumentId, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan? _maxAge;

    /// <param name="time">The clock used for ages.</param>
    /// <param name="maxAge">Prices older than this are not served; null serves the latest whatever its age.</param>
    public BinanceReferencePrices(TimeProvider? time = null, TimeSpan? maxAge = null)
    {
        if (maxAge is { } age && age <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxAge), "the maximum age must be positive");
        _time = time ?? TimeProvider.System;
        _maxAge = maxAge;
    }

    /// <summary>The instruments with any price.</summary>
    public IReadOnlyCollection<InstrumentId> Instruments => [.. _entries.Keys];

    /// <inheritdoc />
    public decimal? TryGetPrice(InstrumentId instrument)
    {
        if (!_entries.TryGetValue(instrument, out var entry)) return null;
        var now = _time.GetUtcNow();
        lock (entry)
        {
            // Futures are valued, banded and margined at the mark price (the venue's PERCENT_PRICE and margin use it).
            if (instrument.Market == MarketType.UsdMFutures && entry.Mark is { } mark && Fresh(entry.MarkReceived, now)) return mark;
            if (entry.LastTrade is { } trade && Fresh(entry.LastTradeReceived, now)) return trade;
            if (entry.Bid is { } bid && entry.Ask is { } ask && Fresh(entry.QuoteReceived, now)) return (bid + ask) / 2m;
            return null;
        }
    }

    /// <summary>The mark price of a USD-M instrument, when known and fresh.</summary>
    public decimal? TryGetMarkPrice(InstrumentId instrument)
    {
        if (!_entries.TryGetValue(instrument, out var entry)) return null;
        var now = _time.GetUtcNow();
        lock (entry) return entry.Mark is { } mark && Fresh(entry.MarkReceived, now) ? mark : null;
    }

    /// <summary>Everything known about an instrument, whatever its age.</summary>
    public bool TryGetSnapshot(InstrumentId instrument, out ReferencePriceSnapshot snapshot)
    {
        if (!_entries.TryGetValue(instrument, out var entry))
        {
            snapshot = default;
            return false;
        }
        lock (entry)
        {
            snapshot = new ReferencePriceSnapshot(instrument, entry.LastTrade, entry.LastTradeAt, entry.Bid, entry.Ask, entry.QuoteAt,
                entry.Mark, entry.FundingRate, entry.NextFunding, entry.MarkAt);
        }
        return true;
    }

    /// <summary>Records a trade; an older trade than the latest known (by trade time) does not replace it.</summary>
    public void OnTrade(InstrumentId instrument, decimal price, DateTimeOffset tradeTime)
    {
        if (price <= 0m) return;
        var entry = Get(instrument);
        var now = _time.GetUtcNow();
        lock (entry)
        {
            if (entry.LastTradeAt is { } last && tradeTime < last) return;
            entry.LastTrade = price;
            entry.LastTradeAt = tradeTime;
            entry.LastTradeReceived = now;
        }
    }

    /// <summary>Records the best bid and ask (either may be null when that side is empty).</summary>
    public void OnQuote(InstrumentId instrument, decimal? bid, decimal? ask, DateTimeOffset? at = null)
    {
        var entry = Get(instrument);
        var now = _time.GetUtcNow();
        lock (entry)
        {
            entry.Bid = bid is > 0m ? bid : null;
            entry.Ask = ask is > 0m ? ask : null;
            entry.QuoteAt = at ?? now;
            entry.QuoteReceived = now;
        }
    }

    /// <summary>Records a USD-M mark price and funding rate.</summary>
    public void OnMarkPrice(InstrumentId instrument, decimal markPrice, decimal? fundingRate, DateTimeOffset? nextFundingTime, DateTimeOffset at)
    {
        var entry = Get(instrument);
        var now = _time.GetUtcNow();
        lock (entry)
        {
            if (entry.MarkAt is { } last && at < last) return;
            entry.Mark = markPrice;
            entry.FundingRate = fundingRate;
            entry.NextFunding = nextFundingTime;
            entry.MarkAt = at;
            entry.MarkReceived = now;
        }
    }

    /// <summary>Forgets the quote of an instrument (its book or ticker stream was interrupted); the last trade stays.</summary>
    public void ClearQuote(InstrumentId instrument)
    {
        if (!_entries.TryGetValue(instrument, out var entry)) return;
        lock (entry)
        {
            entry.Bid = null;
            entry.Ask = null;
        }
    }

    /// <summary>Forgets everything about an instrument.</summary>
    public void Remove(InstrumentId instrument) => _entries.TryRemove(instrument, out _);

    private bool Fresh(DateTimeOffset received, DateTimeOffset now) => _maxAge is not { } age || now - received <= age;

    private Entry Get(InstrumentId instrument) => _entries.TryGetValue(instrument, out var entry) ? entry : _entries.GetOrAdd(instrument, static _ => new Entry());

    private sealed class Entry
    {
        public decimal? LastTrade;
        public DateTimeOffset? LastTradeAt;
        public DateTimeOffset LastTradeReceived;
        public decimal? Bid;
        public decimal? Ask;
        public DateTimeOffset? QuoteAt;
        public DateTimeOffset QuoteReceived;
        public decimal? Mark;
        public decimal? FundingRate;
        public DateTimeOffset? NextFunding;
        public DateTimeOffset? MarkAt;
        public DateTimeOffset MarkReceived;
    }
}
