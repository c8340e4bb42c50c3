using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.MarketData;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// Keeps the reference prices (last trade, else the book-ticker mid) of every Binance spot instrument in the catalog
/// current from the market streams, for the pre-trade checks that value orders (notional, price band, exposure).
/// </summary>
public sealed class BinanceSpotReferencePriceFeed : IAsyncDisposable
{
    private readonly BinanceApiContext _context;
    private readonly BinanceReferencePrices _prices;
    private readonly IInstrumentCatalog _catalog;
    private readonly ILogger _logger;
    private BinanceMarketData? _marketData;

    public BinanceSpotReferencePriceFeed(BinanceApiContext context, BinanceReferencePrices prices, IInstrumentCatalog catalog)
    {
        if (context.Api != BinanceApi.Spot) throw new ArgumentException("the spot price feed needs the spot API context", nameof(context));
        _context = context;
        _prices = prices;
        _catalog = catalog;
        _logger = context.LoggerFactory.CreateLogger<BinanceSpotReferencePriceFeed>();
    }

    /// <summary>Opens the stream connections and subscribes every spot instrument of the catalog (subscriptions complete in the background).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _marketData = new BinanceMarketData(_context, _prices, depth: null);
        _marketData.Start();
        var instruments = _catalog.All.Where(s => s.Id.Venue == Venue.Binance && s.Id.Market == MarketType.Spot).Select(s => s.Id).ToArray();
        foreach (var instrument in instruments)
        {
            var result = await _marketData.TrackAsync(instrument, MarketDataFeeds.Reference, cancellationToken).ConfigureAwait(false);
            if (!result.Success) _logger.LogWarning("Reference prices of {Instrument}: {Message}", instrument, result.Error!.Message);
        }
        _logger.LogInformation("Binance spot reference prices: tracking {Count} instruments", instruments.Length);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _marketData, null) is { } marketData) await marketData.DisposeAsync().ConfigureAwait(false);
    }
}
