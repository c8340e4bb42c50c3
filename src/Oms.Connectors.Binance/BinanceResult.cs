using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Oms.Connectors.Binance;

/// <summary>What kind of failure a venue call had. Says, with <see cref="BinanceError.OutcomeKnown"/> and
/// <see cref="BinanceError.RetrySafe"/>, what the caller may do next.</summary>
public enum VenueErrorKind
{
    None = 0,
    /// <summary>The venue refused the request (validation, engine rejection). Nothing happened; resending the same request fails again.</summary>
    Rejected = 1,
    /// <summary>
    /// Timeout, dropped connection, 5xx, <c>-1007</c>, <c>-1000</c>, <c>-1006</c>: the request may or may not have executed.
    /// Never treat as failed; resolve through the user-data stream, a query by client order id, or reconciliation.
    /// </summary>
    UnknownOutcome = 2,
    /// <summary>HTTP 429 / <c>-1003</c> / <c>-1015</c>, or the local rate budget refused to send. Nothing happened.</summary>
    RateLimited = 3,
    /// <summary>HTTP 418: the IP is banned until <see cref="BinanceError.RetryAt"/>. Nothing happened.</summary>
    IpBanned = 4,
    /// <summary><c>-1021</c>: timestamp outside the receive window. Nothing happened; resync the clock and resend.</summary>
    InvalidTimestamp = 5,
    /// <summary><c>-1022</c>: signature rejected. Nothing happened; a configuration or key problem.</summary>
    InvalidSignature = 6,
    /// <summary><c>-2014</c> / <c>-2015</c> / WS 401: API key invalid, IP not whitelisted, missing permission, or session revoked.</summary>
    Unauthorized = 7,
    /// <summary><c>-2011</c> "Unknown order sent." / <c>-2013</c> / <c>-2026</c>: the venue has no such (open) order.</summary>
    UnknownOrder = 8,
    /// <summary><c>-2010</c> "Duplicate order sent.": an open order with this client order id already exists.</summary>
    DuplicateOrder = 9,
    /// <summary><c>-1013</c> "Filter failure: ...": the order broke an instrument filter.</summary>
    FilterFailure = 10,
    /// <summary><c>-2010</c> "Account has insufficient balance for requested action."</summary>
    InsufficientBalance = 11,
    /// <summary>The request could not be sent (connection refused, no session, DNS), or a read-only call failed in transit.</summary>
    Network = 12,
    /// <summary>The request was refused locally before sending (it cannot be expressed on this venue).</summary>
    InvalidRequest = 13,
    /// <summary>Anything else; see the code and message.</summary>
    Other = 14,
}

/// <summary>A failed venue call: what failed, for what, and whether the caller may retry.</summary>
public sealed record BinanceError
{
    public required VenueErrorKind Kind { get; init; }

    /// <summary>What was attempted, e.g. <c>place order abc-1 on Binance spot</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The venue's error code (e.g. -2010), when it sent one.</summary>
    public int? Code { get; init; }

    /// <summary>The venue's message, or a description of the local or transport failure.</summary>
    public required string Reason { get; init; }

    /// <summary>The HTTP status (or WebSocket API <c>status</c>), when a response arrived.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>When the venue allows calls again (429 / 418 / frozen budget); null when unknown.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Whether any byte of the request may have reached the venue.</summary>
    public bool Sent { get; init; } = true;

    /// <summary>True unless the request may have executed without the caller knowing (see <see cref="VenueErrorKind.UnknownOutcome"/>).</summary>
    public bool OutcomeKnown => Kind != VenueErrorKind.UnknownOutcome;

    /// <summary>
    /// True when resending the same request cannot duplicate an effect and may succeed (after <see cref="RetryAt"/>
    /// or a clock resync). An unknown outcome is never retry-safe: query first.
    /// </summary>
    public bool RetrySafe => Kind is VenueErrorKind.RateLimited or VenueErrorKind.IpBanned or VenueErrorKind.InvalidTimestamp
        or VenueErrorKind.Network;

    /// <summary>The code as text for <see cref="VenueOrderUpdate.VenueCode"/>.</summary>
    public string? CodeText => Code?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The full message, e.g. <c>failed to place order abc-1 on Binance spot: -2010 Account has insufficient balance for requested action.</c>
    /// </summary>
    public string Message => Code is { } code
        ? $"failed to {Operation}: {code.ToString(CultureInfo.InvariantCulture)} {Reason}"
        : $"failed to {Operation}: {Reason}";

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>The result of a venue call: a value, or a <see cref="BinanceError"/>. Expected failures are values, not exceptions.</summary>
public readonly struct BinanceResult<T>
{
    private readonly T? _value;

    private BinanceResult(T? value, BinanceError? error)
    {
        _value = value;
        Error = error;
    }

    public BinanceError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Error is null;

    public VenueErrorKind ErrorKind => Error?.Kind ?? VenueErrorKind.None;

    /// <summary>The value; throws when the call failed (check <see cref="Success"/> first).</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException(Error.Message);

    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = _value;
        return Error is null;
    }

    public static BinanceResult<T> Ok(T value) => new(value, null);

    public static BinanceResult<T> Fail(BinanceError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public BinanceResult<TOut> Map<TOut>(Func<T, TOut> map) => Error is null ? BinanceResult<TOut>.Ok(map(_value!)) : BinanceResult<TOut>.Fail(Error);

    public static implicit operator BinanceResult<T>(BinanceError error) => Fail(error);

    public override string ToString() => Error is null ? $"Ok({_value})" : Error.ToString();
}
