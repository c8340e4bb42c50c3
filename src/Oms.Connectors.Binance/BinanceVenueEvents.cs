namespace Oms.Connectors.Binance;

/// <summary>Which request a failure belongs to, for <see cref="BinanceVenueEvents.FromFailure"/>.</summary>
public enum VenueRequestKind
{
    Place = 1,
    Cancel = 2,
    Replace = 3,
    Query = 4,
}

/// <summary>Turns failed venue calls into the port events the account grain understands.</summary>
public static class BinanceVenueEvents
{
    /// <summary>
    /// The event a failed call implies, or null when it implies none (a query that may simply be retried).
    /// An unknown outcome is always <see cref="VenueOrderEventKind.OutcomeUnknown"/>, never a rejection; a duplicate
    /// client order id on placement is unknown too (an earlier attempt of ours is probably live: query it).
    /// Call this for errors that were not sent (<see cref="BinanceError.Sent"/> false) only after retries or the REST
    /// fallback are exhausted: the order then never reached the venue and is reported as rejected with the reason.
    /// </summary>
    public static VenueOrderUpdate? FromFailure(BinanceError error, VenueRequestKind request, AccountId account, InstrumentId instrument,
        ClientOrderId clientOrderId, VenueOrderId? venueOrderId, DateTimeOffset now)
    {
        VenueOrderEventKind? kind = error.Kind switch
        {
            VenueErrorKind.None => null,
            VenueErrorKind.UnknownOutcome => VenueOrderEventKind.OutcomeUnknown,
            _ => request switch
            {
                VenueRequestKind.Place => error.Kind == VenueErrorKind.DuplicateOrder ? VenueOrderEventKind.OutcomeUnknown : VenueOrderEventKind.Rejected,
                VenueRequestKind.Cancel => VenueOrderEventKind.CancelRejected,
                VenueRequestKind.Replace => VenueOrderEventKind.ReplaceRejected,
                VenueRequestKind.Query => error.Kind == VenueErrorKind.UnknownOrder ? VenueOrderEventKind.NotFound : null,
                _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown request kind"),
            },
        };
        if (kind is not { } k) return null;
        return new VenueOrderUpdate
        {
            Account = account,
            Timestamp = now,
            Source = request == VenueRequestKind.Query ? VenueEventSource.Reconciliation : VenueEventSource.Response,
            Instrument = instrument,
            ClientOrderId = clientOrderId,
            VenueOrderId = venueOrderId,
            Kind = k,
            Reason = error.Message,
            VenueCode = error.CodeText ?? VenueCodeOf(error.Kind),
        };
    }

    /// <summary>A stable code for failures without a venue code, e.g. <c>RATE_LIMITED</c>.</summary>
    public static string VenueCodeOf(VenueErrorKind kind) => kind switch
    {
        VenueErrorKind.None => "NONE",
        VenueErrorKind.Rejected => "REJECTED",
        VenueErrorKind.UnknownOutcome => "UNKNOWN_OUTCOME",
        VenueErrorKind.RateLimited => "RATE_LIMITED",
        VenueErrorKind.IpBanned => "IP_BANNED",
        VenueErrorKind.InvalidTimestamp => "INVALID_TIMESTAMP",
        VenueErrorKind.InvalidSignature => "INVALID_SIGNATURE",
        VenueErrorKind.Unauthorized => "UNAUTHORIZED",
        VenueErrorKind.UnknownOrder => "UNKNOWN_ORDER",
        VenueErrorKind.DuplicateOrder => "DUPLICATE_ORDER",
        VenueErrorKind.FilterFailure => "FILTER_FAILURE",
        VenueErrorKind.InsufficientBalance => "INSUFFICIENT_BALANCE",
        VenueErrorKind.Network => "NETWORK",
        VenueErrorKind.InvalidRequest => "INVALID_REQUEST",
        _ => "OTHER",
    };
}
