namespace Oms.Connectors.Abstractions;

/// <summary>A request the OMS wants a venue to carry out for one account. Priority lets cancels overtake new risk.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueCommand")]
public abstract record VenueCommand
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required InstrumentId Instrument { get; init; }
    [Id(2)] public required ClientOrderId ClientOrderId { get; init; }
    /// <summary>When the OMS created the command (for latency metrics).</summary>
    [Id(3)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Cancels and reduce-only orders go first when the rate budget is tight.</summary>
    public virtual bool IsRiskReducing => false;
}

[GenerateSerializer, Immutable, Alias("oms.PlaceOrderCommand")]
public sealed record PlaceOrderCommand : VenueCommand
{
    /// <summary>The order's terms, already normalised to the instrument's tick and step.</summary>
    [Id(0)] public required OrderSpec Spec { get; init; }

    public override bool IsRiskReducing => Spec.ReduceOnly;
}

[GenerateSerializer, Immutable, Alias("oms.CancelOrderCommand")]
public sealed record CancelOrderCommand : VenueCommand
{
    [Id(0)] public VenueOrderId? VenueOrderId { get; init; }

    public override bool IsRiskReducing => true;
}

[GenerateSerializer, Immutable, Alias("oms.AmendOrderCommand")]
public sealed record AmendOrderCommand : VenueCommand
{
    [Id(0)] public VenueOrderId? VenueOrderId { get; init; }
    [Id(1)] public required OrderSpec Spec { get; init; }
    [Id(2)] public decimal? NewQuantity { get; init; }
    [Id(3)] public decimal? NewLimitPrice { get; init; }
}

/// <summary>Asks the venue for an order's state by client order id (to resolve unknown outcomes).</summary>
[GenerateSerializer, Immutable, Alias("oms.QueryOrderCommand")]
public sealed record QueryOrderCommand : VenueCommand;

/// <summary>One leg of an order list: its own client order id and terms (side and quantity equal the list's).</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderListLeg")]
public sealed record OrderListLeg([property: Id(0)] ClientOrderId ClientOrderId, [property: Id(1)] OrderSpec Spec);

/// <summary>
/// Places a one-cancels-the-other pair as one venue order list (Binance spot <c>orderList.place.oco</c>):
/// <see cref="Above"/> rests above the market (limit-maker or take-profit on a sell, stop on a buy),
/// <see cref="Below"/> below it. When one leg executes, the venue expires the other. <see cref="VenueCommand.ClientOrderId"/>
/// is the list's client id (Binance <c>listClientOrderId</c>); each leg is an order of its own in the OMS and is
/// cancelled, queried and reconciled by its own client order id.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.PlaceOrderListCommand")]
public sealed record PlaceOrderListCommand : VenueCommand
{
    [Id(0)] public required OrderListLeg Above { get; init; }
    [Id(1)] public required OrderListLeg Below { get; init; }
}
