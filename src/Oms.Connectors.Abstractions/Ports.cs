namespace Oms.Connectors.Abstractions;

/// <summary>
/// The venue port the grains use. It accepts commands without waiting for the venue: a connector worker sends them
/// (WebSocket first, REST as fallback, inside the venue's rate budget) and reports every outcome back through
/// <see cref="IVenueEventSink"/>. Grains never reference a venue implementation.
/// </summary>
public interface IVenueOrderRouter
{
    /// <summary>
    /// Hands a command to the worker that serves the account's venue. Returns once the command is queued; a
    /// <see cref="RouteResult"/> that is not accepted means the command was not queued and nothing was sent.
    /// </summary>
    ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default);
}

/// <summary>Whether a command was queued for the venue.</summary>
[GenerateSerializer, Immutable, Alias("oms.RouteResult")]
public readonly record struct RouteResult([property: Id(0)] bool Accepted, [property: Id(1)] DenialCode Code, [property: Id(2)] string? Reason)
{
    public static RouteResult Queued => new(true, DenialCode.Unspecified, null);

    public static RouteResult Refused(DenialCode code, string reason) => new(false, code, reason);
}

/// <summary>Receives what venues report and delivers it to the owning account (implemented by the host).</summary>
public interface IVenueEventSink
{
    /// <summary>Delivers events for one account, in the order the venue produced them. Completes once they are applied durably.</summary>
    Task PublishAsync(AccountId account, IReadOnlyList<VenueEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>Instrument specifications (filters) known to this silo, refreshed by the connectors.</summary>
public interface IInstrumentCatalog
{
    bool TryGet(InstrumentId instrument, out InstrumentSpec spec);

    IReadOnlyCollection<InstrumentSpec> All { get; }
}

/// <summary>Reference prices (last trade or mid) from market data, for notional, price-band and exposure checks.</summary>
public interface IReferencePriceSource
{
    /// <summary>The latest reference price, or null when none is known yet.</summary>
    decimal? TryGetPrice(InstrumentId instrument);
}
