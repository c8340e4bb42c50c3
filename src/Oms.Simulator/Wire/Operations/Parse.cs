using Oms.Simulator.Engine;

namespace Oms.Simulator.Wire.Operations;

/// <summary>Parameter parsing shared by spot and futures operations.</summary>
public static class Parse
{
    private const string SymbolRange = "^[A-Z0-9-_.]{1,20}$";

    /// <summary>Maps an engine error to the HTTP status Binance uses for it.</summary>
    public static ApiError ToApi(this EngineError error) => new(StatusFor(error.Code), error.Code, error.Message);

    public static int StatusFor(int code) => code switch
    {
        -2014 or -2015 => 401,
        -1003 or -1015 => 429,
        -1007 => 503,
        _ => 400,
    };

    /// <summary>Unwraps an engine result or throws its error as an <see cref="ApiErrorException"/>.</summary>
    public static T Unwrap<T>(this EngineResult<T> result) =>
        result.IsSuccess ? result.Value : throw new ApiErrorException(result.Error.ToApi());

    public static void Unwrap(this EngineResult result)
    {
        if (!result.IsSuccess)
        {
            throw new ApiErrorException(result.Error.ToApi());
        }
    }

    /// <summary>A mandatory symbol: Binance's character check (-1100) then existence on the venue (-1121).</summary>
    public static string RequireSymbol(this OperationContext context, string name = "symbol") =>
        ValidateSymbol(context, name, context.Params.RequireString(name));

    public static string? GetSymbol(this OperationContext context, string name = "symbol")
    {
        var value = context.Params.GetString(name);
        return value is null ? null : ValidateSymbol(context, name, value);
    }

    public static string ValidateSymbol(OperationContext context, string name, string value)
    {
        if (value.Length > 20 || value.Any(c => c < 128 && !(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ApiErrorException(ApiErrors.IllegalChars(name, SymbolRange));
        }

        if (!context.Exchange.IsSymbol(context.Venue.Market, value))
        {
            throw new ApiErrorException(ApiErrors.InvalidSymbol());
        }

        return value;
    }

    /// <summary>
    /// A decimal limited to <paramref name="maxDecimals"/> significant decimals: spot answers
    /// "Parameter '%s' has too much precision.", futures "Precision is over the maximum defined for this asset." (-1111).
    /// </summary>
    public static decimal? GetDecimal(this OperationContext context, string name, int maxDecimals)
    {
        var value = context.Params.GetDecimal(name);
        if (value is { } v && Scale(v) > maxDecimals)
        {
            throw new ApiErrorException(context.Venue.IsSpot ? ApiErrors.TooMuchPrecision(name) : ApiErrors.FuturesTooMuchPrecision());
        }

        return value;
    }

    /// <summary>Number of decimals after removing trailing zeros.</summary>
    public static int Scale(decimal value)
    {
        var normalized = value / 1.000000000000000000000000000000000m;
        return (decimal.GetBits(normalized)[3] >> 16) & 0xFF;
    }

    /// <summary>Checks <c>limit</c> within 1..max (default when absent).</summary>
    public static int GetLimit(this RequestParameters parameters, int defaultValue, int max)
    {
        var limit = parameters.GetInt("limit") ?? defaultValue;
        if (limit < 1 || limit > max)
        {
            throw new ApiErrorException(ApiErrors.InvalidParameterData("limit"));
        }

        return limit;
    }

    /// <summary>
    /// The allOrders-style filter (symbol, <paramref name="idName"/>, startTime, endTime, limit 1..1000 defaulting to 500),
    /// read in that order so that the first bad parameter is the one reported.
    /// </summary>
    public static OrderHistoryQuery GetOrderHistory(this OperationContext context, bool symbolRequired, string idName = "orderId")
    {
        var p = context.Params;
        return new OrderHistoryQuery
        {
            Symbol = symbolRequired ? context.RequireSymbol() : context.GetSymbol(),
            OrderId = p.GetLong(idName),
            StartTime = p.GetLong("startTime"),
            EndTime = p.GetLong("endTime"),
            Limit = p.GetLimit(500, 1000),
        };
    }

    /// <summary>The myTrades / userTrades filter (symbol, orderId, startTime, endTime, fromId, limit 1..1000 defaulting to 500).</summary>
    public static TradeHistoryQuery GetTradeHistory(this OperationContext context)
    {
        var p = context.Params;
        return new TradeHistoryQuery
        {
            Symbol = context.RequireSymbol(),
            OrderId = p.GetLong("orderId"),
            StartTime = p.GetLong("startTime"),
            EndTime = p.GetLong("endTime"),
            FromId = p.GetLong("fromId"),
            Limit = p.GetLimit(500, 1000),
        };
    }

    /// <summary>"Param 'a' or 'b' must be sent" check for id pairs.</summary>
    public static void RequireEither(this RequestParameters parameters, string first, string second)
    {
        if (!parameters.Has(first) && !parameters.Has(second))
        {
            throw new ApiErrorException(ApiErrors.EitherParameter(first, second));
        }
    }
}
