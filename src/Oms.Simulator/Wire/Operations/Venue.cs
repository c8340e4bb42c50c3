using System.Collections.Concurrent;
using System.Globalization;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Admin;
using Oms.Simulator.Wire.Auth;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.RateLimits;

namespace Oms.Simulator.Wire.Operations;

/// <summary>How a request authenticates, independent of transport.</summary>
public sealed class AuthInput
{
    /// <summary>REST <c>X-MBX-APIKEY</c> header. WS API requests carry the key as the <c>apiKey</c> parameter instead.</summary>
    public string? HeaderApiKey { get; init; }

    /// <summary>Builds the exact signed payload (REST: raw query + raw body; WS: sorted params).</summary>
    public required Func<string> SignedPayload { get; init; }

    /// <summary>The key a WS API session logged on with (<c>session.logon</c>), if any.</summary>
    public ApiCredential? SessionCredential { get; init; }
}

/// <summary>The result of running an operation through the venue pipeline, with the usage to report.</summary>
public sealed record ExecutionOutcome(
    OperationResult Result,
    IReadOnlyList<RateLimitUsage> WeightUsage,
    IReadOnlyList<RateLimitUsage>? OrderUsage,
    ApiCredential? Credential,
    bool ReachedHandler);

/// <summary>
/// One venue scope (spot or USDⓈ-M) of the simulator: its engine market, its rate limiter and the
/// request pipeline every REST call and WS API request goes through — request weight, authentication
/// (HMAC / Ed25519, timestamp and recvWindow), order-count limits, the admin request log, then the handler.
/// </summary>
public sealed class Venue
{
    private readonly ConcurrentDictionary<string, SymbolFormat> formats = new(StringComparer.Ordinal);
    private readonly SimulatorOptions options;
    private readonly ApiKeyRegistry keys;
    private readonly RequestLog requestLog;

    public Venue(MarketKind market, SimExchange exchange, VenueRateLimiter limiter, SimulatorOptions options, ApiKeyRegistry keys, RequestLog requestLog)
    {
        Market = market;
        Exchange = exchange;
        Limiter = limiter;
        this.options = options;
        this.keys = keys;
        this.requestLog = requestLog;
    }

    public MarketKind Market { get; }

    public bool IsSpot => Market == MarketKind.Spot;

    public SimExchange Exchange { get; }

    public VenueRateLimiter Limiter { get; }

    public ApiKeyRegistry Keys => keys;

    /// <summary>USDⓈ-M listenKeys (null on spot: spot listenKeys were retired on 2026-02-20).</summary>
    public UserData.ListenKeyStore? ListenKeys { get; init; }

    public long NowMs => Exchange.ServerTime;

    /// <summary>Decimals used to print prices and quantities of <paramref name="symbol"/>.</summary>
    public SymbolFormat Format(string symbol)
    {
        if (formats.TryGetValue(symbol, out var format))
        {
            return format;
        }

        RefreshFormats();
        return formats.TryGetValue(symbol, out format) ? format : IsSpot ? SymbolFormat.SpotDefault : new SymbolFormat(2, 3, 5);
    }

    /// <summary>Re-reads precisions from the engine's exchangeInfo (after instruments change).</summary>
    public void RefreshFormats()
    {
        foreach (var symbol in Exchange.GetExchangeInfo(Market).Symbols)
        {
            formats[symbol.Symbol] = IsSpot
                ? new SymbolFormat(symbol.QuotePrecision, symbol.BaseAssetPrecision, symbol.QuoteAssetPrecision ?? symbol.QuotePrecision)
                : new SymbolFormat(symbol.PricePrecision ?? 2, symbol.QuantityPrecision ?? 3,
                    Math.Min(8, (symbol.PricePrecision ?? 2) + (symbol.QuantityPrecision ?? 3)));
        }
    }

    /// <summary>Runs <paramref name="operation"/> through weight, auth, order-count and handler, and logs order requests.</summary>
    public ExecutionOutcome Execute(Operation operation, RequestParameters parameters, AuthInput auth, Transport transport, string clientIp,
        WsApi.WsApiConnection? connection = null, string? route = null)
    {
        var outcome = ExecuteCore(operation, parameters, auth, transport, clientIp, connection);
        if (operation.IsOrderRequest && (outcome.Credential ?? ClaimedCredential(parameters, auth, transport)) is { } credential)
        {
            var error = outcome.Result.Error;
            requestLog.Record(new RequestLogEntry(NowMs, credential.AccountId, credential.ApiKey, Market, transport, route ?? operation.Name,
                operation.Name, parameters.ToDictionary(), error?.HttpStatus ?? 200, error?.Code));
        }

        return outcome;
    }

    /// <summary>The key a request names, without verifying it (for the request log of rejected requests).</summary>
    private ApiCredential? ClaimedCredential(RequestParameters parameters, AuthInput auth, Transport transport)
    {
        var apiKey = transport == Transport.Rest ? auth.HeaderApiKey : parameters.Has("apiKey") ? parameters.Raw("apiKey") : null;
        if (apiKey is not null && keys.TryGet(apiKey, out var claimed))
        {
            return claimed;
        }

        return transport == Transport.WsApi ? auth.SessionCredential : null;
    }

    private ExecutionOutcome ExecuteCore(Operation operation, RequestParameters parameters, AuthInput auth, Transport transport, string clientIp,
        WsApi.WsApiConnection? connection)
    {
        var now = NowMs;
        int weight;
        try
        {
            weight = operation.Weight(parameters);
        }
        catch (ApiErrorException ex)
        {
            return new ExecutionOutcome(ex.Error, Limiter.WeightUsage(clientIp, now), null, null, false);
        }

        if (Limiter.TryConsumeWeight(clientIp, weight, now) is { } weightError)
        {
            return new ExecutionOutcome(weightError, Limiter.WeightUsage(clientIp, now), null, null, false);
        }

        var context = new OperationContext
        {
            Venue = this,
            Params = parameters,
            ClientIp = clientIp,
            Transport = transport,
            NowMs = now,
            Connection = connection,
        };

        IReadOnlyList<RateLimitUsage>? orderUsage = null;
        OperationResult result;
        var reached = false;
        try
        {
            context.Credential = Authenticate(operation.Security, parameters, auth, transport, now);
            var orders = context.Credential is null ? 0 : operation.OrderCount(parameters);
            if (orders > 0)
            {
                var orderError = Limiter.TryConsumeOrders(context.AccountId, orders, now);
                orderUsage = Limiter.OrderUsage(context.AccountId, now);
                if (orderError is not null)
                {
                    return new ExecutionOutcome(orderError, Limiter.WeightUsage(clientIp, now), orderUsage, context.Credential, false);
                }
            }

            reached = true;
            result = operation.Handler(context);
        }
        catch (ApiErrorException ex)
        {
            result = ex.Error;
        }

        if (result.IsSuccess && operation.FreeWhenSuccessful)
        {
            Limiter.RefundWeight(clientIp, weight, now);
        }

        return new ExecutionOutcome(result, Limiter.WeightUsage(clientIp, now), context.OrderUsage ?? orderUsage, context.Credential, reached);
    }

    private ApiCredential? Authenticate(Security security, RequestParameters parameters, AuthInput auth, Transport transport, long now)
    {
        if (security == Security.None)
        {
            return null;
        }

        ApiCredential? credential;
        var apiKey = transport == Transport.Rest ? auth.HeaderApiKey : parameters.Raw("apiKey");
        if (transport == Transport.WsApi && apiKey is null && auth.SessionCredential is not null && !parameters.Has("signature"))
        {
            credential = auth.SessionCredential;
            if (!keys.TryGet(credential.ApiKey, out _))
            {
                throw new ApiErrorException(ApiErrors.InvalidApiKey());
            }
        }
        else
        {
            if (apiKey is null && transport == Transport.WsApi)
            {
                throw new ApiErrorException(ApiErrors.MandatoryParameter("apiKey"));
            }

            if (!ApiKeyRegistry.IsWellFormed(apiKey))
            {
                throw new ApiErrorException(ApiErrors.ApiKeyFormatInvalid());
            }

            if (!keys.TryGet(apiKey!, out credential))
            {
                throw new ApiErrorException(ApiErrors.InvalidApiKey());
            }

            if (security == Security.Signed && !parameters.Has("signature"))
            {
                parameters.RequireString("timestamp");
                throw new ApiErrorException(ApiErrors.MandatoryParameter("signature"));
            }
        }

        if (security == Security.ApiKey)
        {
            return credential;
        }

        CheckTimestamp(parameters, now);
        if (parameters.Has("signature") || auth.SessionCredential is null || apiKey is not null)
        {
            var signature = parameters.RequireString("signature");
            if (!credential.Verify(auth.SignedPayload(), signature))
            {
                throw new ApiErrorException(ApiErrors.InvalidSignature());
            }
        }

        return credential;
    }

    private void CheckTimestamp(RequestParameters parameters, long now)
    {
        var timestamp = parameters.RequireLong("timestamp");
        if (timestamp >= 100_000_000_000_000)
        {
            timestamp /= 1000;
        }

        decimal recvWindow = options.DefaultRecvWindowMs;
        if (parameters.GetString("recvWindow") is { } recvText)
        {
            if (!decimal.TryParse(recvText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out recvWindow))
            {
                throw new ApiErrorException(ApiErrors.IllegalChars("recvWindow", "^[0-9]{1,20}(\\.[0-9]{1,3})?$"));
            }

            if (recvWindow > options.MaxRecvWindowMs)
            {
                if (IsSpot)
                {
                    throw new ApiErrorException(ApiErrors.BadRecvWindow());
                }

                recvWindow = options.MaxRecvWindowMs;
            }
        }

        if (timestamp >= now + 1000)
        {
            throw new ApiErrorException(ApiErrors.TimestampAhead());
        }

        if (now - timestamp > recvWindow)
        {
            throw new ApiErrorException(ApiErrors.TimestampOutsideRecvWindow());
        }
    }
}
