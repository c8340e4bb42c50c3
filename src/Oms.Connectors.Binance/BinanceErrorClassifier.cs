namespace Oms.Connectors.Binance;

/// <summary>Maps Binance HTTP statuses and error codes to <see cref="VenueErrorKind"/>. One table for REST and the WebSocket API.</summary>
public static class BinanceErrorClassifier
{
    /// <summary>
    /// Classifies a response that was not a success. <paramref name="readOnly"/> calls (queries) have no side effects,
    /// so their ambiguous failures are <see cref="VenueErrorKind.Network"/> (retry-safe) instead of
    /// <see cref="VenueErrorKind.UnknownOutcome"/>.
    /// </summary>
    public static VenueErrorKind Classify(int httpStatus, int? code, string? message, bool readOnly) =>
        Classify(httpStatus, code, message, readOnly, BinanceApi.Spot);

    /// <summary>Classifies a response that was not a success, with the codes of <paramref name="api"/> (USD-M adds its own, see <see cref="ClassifyCode(int, string?, bool, BinanceApi)"/>).</summary>
    public static VenueErrorKind Classify(int httpStatus, int? code, string? message, bool readOnly, BinanceApi api)
    {
        // Status first: it decides for rate limits, bans and server-side failures whatever the code says.
        if (httpStatus == 418) return VenueErrorKind.IpBanned;
        if (httpStatus == 429) return VenueErrorKind.RateLimited;
        if (httpStatus >= 500 || httpStatus == 408) return Ambiguous(readOnly);
        if (httpStatus == 401) return VenueErrorKind.Unauthorized;

        if (code is { } c)
        {
            var kind = ClassifyCode(c, message, readOnly, api);
            if (kind != VenueErrorKind.Other) return kind;
        }
        return httpStatus switch
        {
            403 => VenueErrorKind.Other, // WAF block: not executed, not retry-safe without a change
            >= 400 and < 500 => code is null ? VenueErrorKind.Other : VenueErrorKind.Rejected,
            _ => VenueErrorKind.Other,
        };
    }

    /// <summary>
    /// Classifies a Binance error code of <paramref name="api"/>. USD-M (usdm-errors.tsv, REFERENCE §5.10) adds: filter
    /// breaches (-4003/-4004/-4005 quantity, -4013/-4014 price, -4023 step, -4016/-4024/-4131 percent price, -4164 and
    /// -5029 minimum notional, -4183/-4184/-4210/-4211 stop multipliers) → <see cref="VenueErrorKind.FilterFailure"/>;
    /// -2028 insufficient margin for the leverage → <see cref="VenueErrorKind.InsufficientBalance"/>; -5028 outside the
    /// matching engine's receive window → <see cref="VenueErrorKind.InvalidTimestamp"/>. Engine rejections such as -4120
    /// (conditional type on <c>/fapi/v1/order</c>), -2021 (would immediately trigger), -2022 (reduce-only rejected),
    /// -5021/-5022 (FOK / post-only), -4046/-4059 (no need to change) and -4047/-4048/-4067/-4068 (setting change refused)
    /// are <see cref="VenueErrorKind.Rejected"/>; the clients treat "no need to change" as success.
    /// </summary>
    public static VenueErrorKind ClassifyCode(int code, string? message, bool readOnly, BinanceApi api)
    {
        if (api == BinanceApi.UsdM)
        {
            switch (code)
            {
                case -4003 or -4004 or -4005 or -4013 or -4014 or -4023 or -4016 or -4024 or -4131 or -4164 or -5029
                    or -4183 or -4184 or -4210 or -4211:
                    return VenueErrorKind.FilterFailure;
                case -2028:
                    return VenueErrorKind.InsufficientBalance;
                case -5028:
                    return VenueErrorKind.InvalidTimestamp;
                case -2011:
                    // CANCEL_REJECTED on USD-M always means the order is not open in the book.
                    return VenueErrorKind.UnknownOrder;
            }
        }
        return ClassifyCode(code, message, readOnly);
    }

    /// <summary>Classifies a Binance error code (negative int) with its message.</summary>
    public static VenueErrorKind ClassifyCode(int code, string? message, bool readOnly) => code switch
    {
        // -1000 UNKNOWN, -1001 DISCONNECTED (internal error), -1006 UNEXPECTED_RESP, -1007 TIMEOUT: execution status unknown.
        -1000 or -1001 or -1006 or -1007 => Ambiguous(readOnly),
        -1003 => VenueErrorKind.RateLimited,
        -1008 => VenueErrorKind.RateLimited, // server busy / throttled: not executed, retry later
        -1015 => VenueErrorKind.RateLimited,
        -1021 => VenueErrorKind.InvalidTimestamp,
        -1022 => VenueErrorKind.InvalidSignature,
        -2014 or -2015 => VenueErrorKind.Unauthorized,
        -2013 or -2026 => VenueErrorKind.UnknownOrder,
        -2011 => Contains(message, "Unknown order") ? VenueErrorKind.UnknownOrder : VenueErrorKind.Rejected,
        -2010 => ClassifyNewOrderRejection(message),
        -1013 => Contains(message, "Filter failure") ? VenueErrorKind.FilterFailure : VenueErrorKind.Rejected,
        -4116 => VenueErrorKind.DuplicateOrder, // USD-M duplicated client order id
        -2018 or -2019 => VenueErrorKind.InsufficientBalance, // USD-M balance / margin insufficient
        _ when code <= -1100 => VenueErrorKind.Rejected, // parameter, order and engine rejections
        _ => VenueErrorKind.Other,
    };

    private static VenueErrorKind ClassifyNewOrderRejection(string? message)
    {
        if (Contains(message, "insufficient balance")) return VenueErrorKind.InsufficientBalance;
        if (Contains(message, "Duplicate order")) return VenueErrorKind.DuplicateOrder;
        return VenueErrorKind.Rejected;
    }

    private static VenueErrorKind Ambiguous(bool readOnly) => readOnly ? VenueErrorKind.Network : VenueErrorKind.UnknownOutcome;

    private static bool Contains(string? message, string text) => message is not null && message.Contains(text, StringComparison.OrdinalIgnoreCase);
}
