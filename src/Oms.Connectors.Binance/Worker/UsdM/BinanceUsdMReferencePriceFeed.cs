using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.MarketData;

namespace Oms.Connectors.Binance.Worker.UsdM;

/// <summary>
/// Reference prices of every Binance USDⓈ-M instrument in the catalog, from the USD-M market streams (<c>/market</c>
/// mark price, aggregate trades; <c>/public</c> book ticker) into the silo's <see cref="BinanceReferencePrices"/>,
/// which serves the mark price for USD-M instruments: risk price bands, notional checks and margin use mark for
/// futures. Started when the silo becomes Active (like the spot feed), stopped with the connector.
/// </summary>
public sealed class BinanceUsdMReferencePriceFeed : IAsyncDisposable
{
    private readonly BinanceApiContext _context;
    private readonly BinanceReferencePrices _prices;
    private readonly IInstrumentCatalog _catalog;
    private readonly ILogger _logger;
    private BinanceMarketData? _marketData;

    public BinanceUsdMReferencePriceFeed(BinanceUsdMConnector connector, BinanceReferencePrices prices, IInstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(connector);
        _context = connector.Shared.Context;
        _prices = prices;
        _catalog = catalog;
        _logger = _context.LoggerFactory.CreateLogger<BinanceUsdMReferencePriceFeed>();
    }

    /// <summary>The instruments tracked (diagnostics and tests).</summary>
    public IReadOnlyList<InstrumentId> Tracked { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _marketData = new BinanceMarketData(_context, _prices, depth: null);
        _marketData.Start();
        var instruments = _catalog.All.Where(s => s.Id.Venue == Venue.Binance && s.Id.Market == MarketType.UsdMFutures).Select(s => s.Id)
            .Where(i => _context.Symbols.TryToSymbol(i, out _)).ToArray();
        foreach (var instrument in instruments)
        {
            var result = await _marketData.TrackAsync(instrument, MarketDataFeeds.Reference | MarketDataFeeds.MarkPrice, cancellationToken).ConfigureAwait(false);
            if (!result.Success) _logger.LogWarning("USD-M reference prices of {Instrument}: {Message}", instrument, result.Error!.Message);
        }
        Tracked = instruments;
        _logger.LogInformation("Binance USD-M reference prices (mark, trades, book ticker): tracking {Count} instruments", instruments.Length);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _marketData, null) is { } marketData) await marketData.DisposeAsync().ConfigureAwait(false);
    }
}
