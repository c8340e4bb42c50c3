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
