using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Parsing;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// The instrument catalog with Binance spot's own filters: every symbol <c>exchangeInfo</c> lists as trading replaces
/// the configured specification of the same instrument; everything else (other venues, USD-M, or spot before the first
/// load) comes from the configured catalog. Refreshed by <see cref="BinanceExchangeInfoRefresher"/>.
/// </summary>
public sealed class BinanceSpotInstrumentCatalog : IInstrumentCatalog
{
    private readonly IInstrumentCatalog _fallback;
    private volatile FrozenDictionary<InstrumentId, InstrumentSpec> _venue = FrozenDictionary<InstrumentId, InstrumentSpec>.Empty;

    public BinanceSpotInstrumentCatalog(IInstrumentCatalog fallback) => _fallback = fallback;

    /// <summary>When the venue's filters were last loaded; null before the first load.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    public IReadOnlyCollection<InstrumentSpec> All =>
        _venue.Values.Concat(_fallback.All.Where(s => !_venue.ContainsKey(s.Id))).ToArray();

    public bool TryGet(InstrumentId instrument, out InstrumentSpec spec) =>
        _venue.TryGetValue(instrument, out spec!) || _fallback.TryGet(instrument, out spec!);

    /// <summary>Replaces the venue's instruments with those of an <c>exchangeInfo</c> answer that are trading.</summary>
    public void Update(BinanceExchangeInfo info, DateTimeOffset at)
    {
        _venue = info.Symbols.Where(s => s.Status == SymbolTradingStatus.Trading).Select(s => s.Spec).ToFrozenDictionary(s => s.Id);
        LoadedAt = at;
    }
}

/// <summary>
/// Loads Binance spot <c>exchangeInfo</c> (instruments and rate limits) at start — bounded, so an unreachable venue
/// does not hold the silo; the configured filters serve meanwhile — and refreshes it periodically.
/// </summary>
public sealed class BinanceExchangeInfoRefresher : BackgroundService
{
    private readonly HttpClient _http;
    private readonly BinanceSpotInstrumentCatalog _catalog;
    private readonly BinanceApiContext _context;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    public BinanceExchangeInfoRefresher(BinanceApiContext context, HttpClient http, BinanceSpotInstrumentCatalog catalog, BinanceSpotWorkerOptions options)
    {
        _context = context;
        _http = http;
        _catalog = catalog;
        _interval = options.ExchangeInfoRefreshInterval;
        _logger = context.LoggerFactory.CreateLogger<BinanceExchangeInfoRefresher>();
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_context.Options.ConnectTimeout);
        try
        {
            await RefreshAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Binance spot exchangeInfo did not load within {Timeout}; configured instruments serve until it does", _context.Options.ConnectTimeout);
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Until the first load succeeds the silo knows only the configured instruments: retry soon (1 s doubling
            // to 30 s), not after the refresh interval — a venue briefly unreachable at start must not leave the silo
            // unable to trade its instruments for the whole interval.
            var retry = TimeSpan.FromSeconds(1);
            while (_catalog.LoadedAt is null)
            {
                await Task.Delay(retry, _context.Time, stoppingToken).ConfigureAwait(false);
                if (await RefreshAsync(stoppingToken).ConfigureAwait(false)) break;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxInitialRetry.Ticks));
            }
            using var timer = new PeriodicTimer(_interval, _context.Time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static readonly TimeSpan MaxInitialRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads exchangeInfo now: instruments into the catalog, rate limits into the budget. The client is made per call
    /// so it always uses the configured address (the embedded simulator's is known only once it has started).
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var client = new BinanceSpotRestClient(_http, _context, credentials: null, account: null);
        var result = await client.GetExchangeInfoAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.TryGetValue(out var info))
        {
            _catalog.Update(info, _context.Time.GetUtcNow());
            _logger.LogInformation("Binance spot exchangeInfo loaded: {Count} trading instruments", info.Symbols.Count(s => s.Status == SymbolTradingStatus.Trading));
            return true;
        }
        _logger.LogWarning("Binance spot exchangeInfo: {Message}", result.Error!.Message);
        return false;
    }
}
