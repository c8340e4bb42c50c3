using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Oms.Grains;

/// <summary>
/// Grain storage names. The host registers a grain storage provider under <see cref="Name"/> (memory for the
/// embedded profile, ADO.NET/PostgreSQL for the cluster profile); the state names identify each grain's record.
/// <para>
/// The OMS grain state must be stored with the Orleans serializer (<see cref="UseOmsGrainStateSerializer{TOptions}"/>):
/// it is made of <c>[GenerateSerializer]</c> types (typed ids as dictionary keys, aggregates with private setters)
/// that the providers' default Newtonsoft JSON serializer cannot round-trip, and the Orleans format is version
/// tolerant by <c>[Id]</c>.
/// </para>
/// </summary>
public static class OmsStorage
{
    /// <summary>The grain storage provider every OMS grain persists to.</summary>
    public const string Name = "oms";

    /// <summary>State name of <see cref="AccountGrain"/>.</summary>
    public const string AccountState = "account";

    /// <summary>State name of <see cref="PositionGrain"/>.</summary>
    public const string PositionState = "position";

    /// <summary>State name of <see cref="RiskLimitGrain"/>.</summary>
    public const string RiskLimitState = "risk";

    /// <summary>
    /// Makes a storage provider's options use the Orleans serializer for grain state, e.g.
    /// <c>silo.AddMemoryGrainStorage(OmsStorage.Name, o =&gt; o.UseOmsGrainStateSerializer())</c> or the same inside
    /// <c>AddAdoNetGrainStorage(OmsStorage.Name, ...)</c>.
    /// </summary>
    public static OptionsBuilder<TOptions> UseOmsGrainStateSerializer<TOptions>(this OptionsBuilder<TOptions> options)
        where TOptions : class, IStorageProviderSerializerOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Configure<Serializer>(static (o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
    }

    /// <summary>
    /// The same as <see cref="UseOmsGrainStateSerializer{TOptions}"/> for a provider already registered under
    /// <see cref="Name"/> with options of type <typeparamref name="TOptions"/>.
    /// </summary>
    public static IServiceCollection AddOmsGrainStateSerializer<TOptions>(this IServiceCollection services)
        where TOptions : class, IStorageProviderSerializerOptions
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TOptions>(Name).UseOmsGrainStateSerializer();
        return services;
    }
}
