namespace Oms.Domain;

/// <summary>Something that happened to one order. Past tense; shared by domain, grains and gRPC.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderEvent")]
public abstract record OrderEvent
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(2)] public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The order's status after the event.</summary>
    [Id(3)] public required OrderStatus Status { get; init; }
}

/// <summary>The OMS persisted the intent and is handing the order to the venue.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderSubmitted")]
public sealed record OrderSubmitted : OrderEvent
{
    [Id(0)] public required OrderSpec Spec { get; init; }
}

/// <summary>The OMS refused the order; it never left.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderDenied")]
public sealed record OrderDenied : OrderEvent
{
    [Id(0)] public required OrderSpec Spec { get; init; }
    [Id(1)] public required Denial Denial { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderAccepted")]
public sealed record OrderAccepted : OrderEvent
{
    [Id(0)] public VenueOrderId? VenueOrderId { get; init; }
}

/// <summary>The venue refused the order.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderRejected")]
public sealed record OrderRejected : OrderEvent
{
    [Id(0)] public required string Reason { get; init; }
    /// <summary>The venue's own error code, when it gave one (e.g. Binance <c>-2010</c>).</summary>
    [Id(1)] public string? VenueCode { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderFilled")]
public sealed record OrderFilled : OrderEvent
{
    [Id(0)] public required Fill Fill { get; init; }
    [Id(1)] public required decimal FilledQuantity { get; init; }
    [Id(2)] public required decimal LeavesQuantity { get; init; }
    [Id(3)] public required decimal AveragePrice { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderPendingCancel")]
public sealed record OrderPendingCancel : OrderEvent;

[GenerateSerializer, Immutable, Alias("oms.OrderCancelRejected")]
public sealed record OrderCancelRejected : OrderEvent
{
    [Id(0)] public required string Reason { get; init; }
    [Id(1)] public string? VenueCode { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderCanceled")]
public sealed record OrderCanceled : OrderEvent
{
    [Id(0)] public string? Reason { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderExpired")]
public sealed record OrderExpired : OrderEvent
{
    [Id(0)] public string? Reason { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderPendingReplace")]
public sealed record OrderPendingReplace : OrderEvent
{
    [Id(0)] public decimal? NewQuantity { get; init; }
    [Id(1)] public decimal? NewLimitPrice { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderReplaceRejected")]
public sealed record OrderReplaceRejected : OrderEvent
{
    [Id(0)] public required string Reason { get; init; }
    [Id(1)] public string? VenueCode { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.OrderReplaced")]
public sealed record OrderReplaced : OrderEvent
{
    [Id(0)] public required decimal Quantity { get; init; }
    [Id(1)] public decimal? LimitPrice { get; init; }
    [Id(2)] public VenueOrderId? VenueOrderId { get; init; }
}

/// <summary>A conditional order's trigger fired at the venue.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderTriggered")]
public sealed record OrderTriggered : OrderEvent
{
    [Id(0)] public VenueOrderId? TriggeredVenueOrderId { get; init; }
}
