namespace Oms.Connectors.Binance;

/// <summary>Maps Binance HTTP statuses and error codes to <see cref="VenueErrorKind"/>. One table for REST and the WebSocket API.</summary>
public static class BinanceErrorClassifier
{
    /// <summary>
    /// Classifies a response that was not a success. <paramref name="readOnly"/> calls (queries) have no side effects,
    /// so their ambiguous failures are <see cref="VenueErrorKind.Network"/> (retry-safe) instead of
    /// <see cref="VenueErrorKind.UnknownOutcome"/>.
    /// </summary>
    public static VenueErrorKind Classify(int httpStatus, int? code, string? message, bool readOnly)
    {
        // Status first: it decides for rate limits, bans and server-side failures whatever the code says.
        if (httpStatus == 418) return VenueErrorKind.IpBanned;
        if (httpStatus == 429) return VenueErrorKind.RateLimited;
        if (httpStatus >= 500 || httpStatus == 408) return Ambiguous(readOnly);
        if (httpStatus == 401) return VenueErrorKind.Unauthorized;

        if (code is { } c)
        {
            var kind = ClassifyCode(c, message, readOnly);
            if (kind != VenueErrorKind.Other) return kind;
        }
        return httpStatus switch
        {
            403 => VenueErrorKind.Other, // WAF block: not executed, not retry-safe without a change
            >= 400 and < 500 => code is null ? VenueErrorKind.Other : VenueErrorKind.Rejected,
            _ => VenueErrorKind.Other,
        };
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
