using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Oms.Grains;

/// <summary>Registers what the OMS grains need from the silo's container.</summary>
public static class OmsGrainsServiceCollectionExtensions
{
    /// <summary>
    /// The service key of the <see cref="TimeProvider"/> the OMS grains read time from. It defaults to the host's
    /// unkeyed <see cref="TimeProvider"/> (or <see cref="TimeProvider.System"/>). Tests register a fake clock under
    /// this key so order timestamps, rate windows and grace periods are deterministic while Orleans' own timers keep
    /// running on real time.
    /// </summary>
    public const string ClockServiceKey = "oms.grains.clock";

    /// <summary>
    /// Adds the OMS grains' options (validated at start-up), the grains' clock and the default in-memory
    /// <see cref="IExecutionReportJournal"/> (a journal registered before this call wins).
    /// <para>
    /// The host must also provide: <see cref="IVenueOrderRouter"/> (connector workers), <see cref="IInstrumentCatalog"/>
    /// and <see cref="IReferencePriceSource"/> (market data), and a grain storage provider named
    /// <see cref="OmsStorage.Name"/>. Contingent-order strategies (<see cref="ContingentOrderGrain"/>) also need a reminder
    /// service: a reminder brings a working strategy back after its silo was lost.
    /// </para>
    /// </summary>
    public static IServiceCollection AddOmsGrains(this IServiceCollection services, Action<OmsGrainOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OmsGrainOptions>();
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OmsGrainOptions>, OmsGrainOptionsValidator>());
        services.TryAddSingleton<IExecutionReportJournal, InMemoryExecutionReportJournal>();
        services.AddOptions<ContingentOrderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContingentOrderOptions>, ContingentOrderOptionsValidator>());
        services.TryAddKeyedSingleton<TimeProvider>(ClockServiceKey, static (sp, _) => sp.GetService<TimeProvider>() ?? TimeProvider.System);
        return services;
    }
}
