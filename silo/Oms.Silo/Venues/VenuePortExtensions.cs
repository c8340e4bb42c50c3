using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Oms.Silo.Venues;

/// <summary>The venue port services the grains need from the host.</summary>
public static class VenuePortExtensions
{
    /// <summary>
    /// Registers, unless already registered (connectors and tests register theirs first): an
    /// <see cref="IVenueOrderRouter"/> that refuses with VENUE_UNAVAILABLE, the configured
    /// <see cref="IInstrumentCatalog"/>, an empty in-memory <see cref="IReferencePriceSource"/>, the grain-backed
    /// <see cref="IVenueEventSink"/> and the system <see cref="TimeProvider"/>.
    /// </summary>
    public static WebApplicationBuilder AddOmsVenuePorts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var catalog = ConfiguredInstrumentCatalog.FromConfiguration(builder.Configuration);
        services.TryAddSingleton<IVenueOrderRouter, UnconfiguredVenueOrderRouter>();
        services.TryAddSingleton<IInstrumentCatalog>(catalog);
        services.TryAddSingleton<InMemoryReferencePriceSource>();
        services.TryAddSingleton<IReferencePriceSource>(sp => sp.GetRequiredService<InMemoryReferencePriceSource>());
        services.TryAddSingleton<IVenueEventSink, GrainVenueEventSink>();
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
