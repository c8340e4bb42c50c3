namespace Oms.Connectors.Abstractions;

/// <summary>Where a venue event came from; reconciliation findings are marked so they can be counted.</summary>
public enum VenueEventSource
{
    /// <summary>The venue's user-data stream.</summary>
    Stream = 1,
    /// <summary>The venue's response to a request the OMS sent.</summary>
    Response = 2,
    /// <summary>A query made during reconciliation.</summary>
    Reconciliation = 3,
}

/// <summary>What a venue said about an order (other than a fill).</summary>
public enum VenueOrderEventKind
{
    Accepted = 1,
    Rejected = 2,
    Canceled = 3,
    Expired = 4,
    Replaced = 5,
    CancelRejected = 6,
    ReplaceRejected = 7,
    Triggered = 8,
    /// <summary>
    /// The outcome of a request is unknown (timeout, dropped socket, 5xx, Binance -1007). The order stays in flight
    /// until the stream, a query or reconciliation resolves it; it is never reported as failed.
    /// </summary>
    OutcomeUnknown = 9,
    /// <summary>The venue has no order with this client order id (query or reconciliation answer).</summary>
    NotFound = 10,
}

/// <summary>Something a venue reported for an account. Crosses grain boundaries.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueEvent")]
public abstract record VenueEvent
{
    [Id(0)] public required AccountId Account { get; init; }
    /// <summary>When the venue says it happened.</summary>
    [Id(1)] public required DateTimeOffset Timestamp { get; init; }
    [Id(2)] public VenueEventSource Source { get; init; } = VenueEventSource.Stream;
}

[GenerateSerializer, Immutable, Alias("oms.VenueOrderUpdate")]
public sealed record VenueOrderUpdate : VenueEvent
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    [Id(1)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(2)] public VenueOrderId? VenueOrderId { get; init; }
    [Id(3)] public required VenueOrderEventKind Kind { get; init; }
    /// <summary>Human-readable reason (rejections, cancels, unknown outcomes).</summary>
    [Id(4)] public string? Reason { get; init; }
    /// <summary>The venue's error code, when there is one.</summary>
    [Id(5)] public string? VenueCode { get; init; }
    /// <summary>Quantity after a replace.</summary>
    [Id(6)] public decimal? Quantity { get; init; }
    /// <summary>Limit price after a replace.</summary>
    [Id(7)] public decimal? LimitPrice { get; init; }
    /// <summary>The venue's cumulative filled quantity at the time of the event, when known (for reconciliation checks).</summary>
    [Id(8)] public decimal? CumulativeFilledQuantity { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.VenueFill")]
public sealed record VenueFill : VenueEvent
{
    [Id(0)] public required Fill Fill { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.VenueBalance")]
public sealed record VenueBalance([property: Id(0)] string Asset, [property: Id(1)] decimal Free, [property: Id(2)] decimal Locked);

/// <summary>Balances as the venue reports them. A snapshot replaces all balances; otherwise only the listed assets change.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueBalanceUpdate")]
public sealed record VenueBalanceUpdate : VenueEvent
{
    [Id(0)] public required IReadOnlyList<VenueBalance> Balances { get; init; }
    [Id(1)] public bool IsSnapshot { get; init; }
}

/// <summary>The state of a venue order list as a whole (Binance <c>listOrderStatus</c>).</summary>
public enum VenueOrderListStatus
{
    /// <summary>The list is live (placed, or one leg has started executing).</summary>
    Executing = 1,
    /// <summary>The list has ended: one leg executed or both were cancelled or expired.</summary>
    AllDone = 2,
    /// <summary>The venue refused the list; neither leg exists.</summary>
    Rejected = 3,
}

/// <summary>
/// What a venue said about an order list (Binance <c>listStatus</c> or a placement response). Each leg's own
/// acceptance, fills, cancel and expiry still arrive as <see cref="VenueOrderUpdate"/> and <see cref="VenueFill"/>
/// by the leg's client order id; this event carries the list-level status and the venue's list id.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.VenueOrderListUpdate")]
public sealed record VenueOrderListUpdate : VenueEvent
{
    [Id(0)] public required InstrumentId Instrument { get; init; }
    /// <summary>The list's client id (the <see cref="PlaceOrderListCommand"/>'s <see cref="VenueCommand.ClientOrderId"/>).</summary>
    [Id(1)] public required ClientOrderId ListClientOrderId { get; init; }
    /// <summary>The venue's id for the list, when known.</summary>
    [Id(2)] public string? VenueListId { get; init; }
    [Id(3)] public required VenueOrderListStatus Status { get; init; }
    /// <summary>The legs as the venue lists them (client order id, venue order id).</summary>
    [Id(4)] public IReadOnlyList<VenueOrderListLeg> Legs { get; init; } = [];
    /// <summary>Why the venue rejected the list, when it did.</summary>
    [Id(5)] public string? Reason { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.VenueOrderListLeg")]
public sealed record VenueOrderListLeg([property: Id(0)] ClientOrderId ClientOrderId, [property: Id(1)] VenueOrderId? VenueOrderId);
