using Oms.Connectors.Binance.MarketData;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Http;

/// <summary>
/// Binance USDⓈ-M futures REST (<c>/fapi</c>) for one account: the fallback when the WebSocket API is down, the calls the
/// socket does not offer, and the calls reconciliation makes. Every method draws rate budget first (futures weights and
/// the account's 10 s and 1 min order counters) and returns a <see cref="BinanceResult{T}"/>; a timeout, broken
/// connection, 5xx or <c>-1007</c> on a trading call is <see cref="VenueErrorKind.UnknownOutcome"/>.
/// </summary>
public sealed partial class BinanceUsdMRestClient : IBinanceDepthSource
{
    private readonly BinanceApiContext _context;
    private readonly BinanceRestTransport _transport;

    /// <param name="http">An <see cref="HttpClient"/> (from IHttpClientFactory in the host); its base address is ignored.</param>
    /// <param name="context">The USD-M API context shared by every account.</param>
    /// <param name="credentials">The account's key; null for a public-data-only client.</param>
    /// <param name="account">The account whose order counters the calls draw on; null for public data.</param>
    public BinanceUsdMRestClient(HttpClient http, BinanceApiContext context, BinanceCredentials? credentials, string? account)
    {
        if (context.Api != BinanceApi.UsdM) throw new ArgumentException("the context is not the USD-M API context", nameof(context));
        _context = context;
        _transport = new BinanceRestTransport(http, context, context.Options.UsdMRestBaseAddress, "/fapi/v1/time", credentials, account);
    }

    /// <summary>The budget scopes this client draws on.</summary>
    public BinanceRateScopes Scopes => _transport.Scopes;

    /// <summary>Reads the server time and updates the shared clock.</summary>
    public ValueTask<BinanceResult<DateTimeOffset>> SyncTimeAsync(CancellationToken cancellationToken = default) =>
        _transport.SyncTimeAsync(onlyIfStale: false, cancellationToken);

    /// <summary>Reads the order book (<c>GET /fapi/v1/depth</c>, public); <paramref name="limit"/> is 5, 10, 20, 50, 100, 500 or 1000.</summary>
    public ValueTask<BinanceResult<DepthSnapshot>> GetDepthAsync(InstrumentId instrument, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var operation = $"read the order book of {instrument} on Binance USD-M";
        if (!TrySymbol(instrument, operation, out var symbol, out var invalid)) return Failed<DepthSnapshot>(invalid);
        if (limit is not (5 or 10 or 20 or 50 or 100 or 500 or 1000))
            return Failed<DepthSnapshot>(InvalidError(operation, $"depth limit {limit} must be one of 5, 10, 20, 50, 100, 500, 1000"));
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/depth", new BinanceParameters(2).Add("symbol", symbol).Add("limit", limit), RestSecurity.None,
            UsdMEndpointCosts.Depth(limit), RatePriority.Normal, "depth", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => MarketStreamParser.ParseDepthSnapshot(body.Span, instrument), null, cancellationToken);
    }

    private bool TrySymbol(InstrumentId instrument, string operation, out string symbol, out BinanceError error)
    {
        if (_context.Symbols.TryToSymbol(instrument, out symbol))
        {
            error = null!;
            return true;
        }
        error = InvalidError(operation, $"instrument {instrument} is not a Binance USD-M instrument");
        return false;
    }

    private static ValueTask<BinanceResult<T>> Failed<T>(BinanceError error) => ValueTask.FromResult(BinanceResult<T>.Fail(error));

    private static BinanceError InvalidError(string operation, string reason) => new()
    {
        Kind = VenueErrorKind.InvalidRequest,
        Operation = operation,
        Reason = reason,
        Sent = false,
    };
}
