using System.Globalization;
using Oms.Connectors.Binance.Parsing;

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

    /// <summary>The list-level status of a Binance <c>listOrderStatus</c> (<c>EXECUTING</c>, <c>ALL_DONE</c>, <c>REJECT</c>), or null for another value.</summary>
    public static VenueOrderListStatus? ListStatusOf(string listOrderStatus) => listOrderStatus switch
    {
        "EXECUTING" => VenueOrderListStatus.Executing,
        "ALL_DONE" => VenueOrderListStatus.AllDone,
        "REJECT" => VenueOrderListStatus.Rejected,
        _ => null,
    };

    /// <summary>
    /// The list-level event of an order list report (a placement response or a <c>listStatus</c> stream event), or null
    /// when the report names a status or list client id the OMS cannot read (a list placed outside the OMS).
    /// </summary>
    public static VenueOrderListUpdate? FromOrderList(OrderListReport report, AccountId account, VenueEventSource source)
    {
        if (ListStatusOf(report.ListOrderStatus) is not { } status || !ClientOrderId.IsValid(report.ListClientOrderId)) return null;
        return new VenueOrderListUpdate
        {
            Account = account,
            Timestamp = report.Timestamp,
            Source = source,
            Instrument = report.Instrument,
            ListClientOrderId = new ClientOrderId(report.ListClientOrderId),
            VenueListId = report.OrderListId >= 0 ? report.OrderListId.ToString(CultureInfo.InvariantCulture) : null,
            Status = status,
            Legs = report.Orders.Select(o => new VenueOrderListLeg(o.ClientOrderId, o.VenueOrderId)).ToArray(),
            Reason = status == VenueOrderListStatus.Rejected ? report.RejectReason ?? "Binance spot rejected the order list" : report.RejectReason,
        };
    }

    /// <summary>
    /// The events of an order list that was not placed or was refused: each leg <see cref="VenueOrderEventKind.Rejected"/>
    /// with <paramref name="reason"/> and <paramref name="venueCode"/>, then the list <see cref="VenueOrderListStatus.Rejected"/>.
    /// </summary>
    public static IReadOnlyList<VenueEvent> RejectOrderList(PlaceOrderListCommand command, string reason, string venueCode, VenueEventSource source,
        DateTimeOffset now)
    {
        VenueOrderUpdate Leg(OrderListLeg leg) => new()
        {
            Account = command.Account,
            Timestamp = now,
            Source = source,
            Instrument = command.Instrument,
            ClientOrderId = leg.ClientOrderId,
            Kind = VenueOrderEventKind.Rejected,
            Reason = reason,
            VenueCode = venueCode,
        };
        return
        [
            Leg(command.Above),
            Leg(command.Below),
            new VenueOrderListUpdate
            {
                Account = command.Account,
                Timestamp = now,
                Source = source,
                Instrument = command.Instrument,
                ListClientOrderId = command.ClientOrderId,
                Status = VenueOrderListStatus.Rejected,
                Legs = [new VenueOrderListLeg(command.Above.ClientOrderId, null), new VenueOrderListLeg(command.Below.ClientOrderId, null)],
                Reason = reason,
            },
        ];
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
