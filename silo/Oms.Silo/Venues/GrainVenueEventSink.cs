namespace Oms.Silo.Venues;

/// <summary>Delivers venue events to the owning account grain; completes once the grain has applied them durably.</summary>
public sealed class GrainVenueEventSink(IGrainFactory grains) : IVenueEventSink
{
    public Task PublishAsync(AccountId account, IReadOnlyList<VenueEvent> events, CancellationToken cancellationToken = default) =>
        events.Count == 0 ? Task.CompletedTask : grains.GetAccount(account).ApplyVenueEventsAsync(events).WaitAsync(cancellationToken);
}
