namespace Oms.Silo.Venues;

/// <summary>
/// The venue router used when no connector is registered: it refuses every command honestly with
/// <see cref="DenialCode.VenueUnavailable"/>, so orders are denied instead of silently going nowhere.
/// </summary>
public sealed class UnconfiguredVenueOrderRouter : IVenueOrderRouter
{
    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(RouteResult.Refused(DenialCode.VenueUnavailable,
            $"no connector is configured for venue {command.Instrument.Venue.ToString().ToUpperInvariant()}"));
}
