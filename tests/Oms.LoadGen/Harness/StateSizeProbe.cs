using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Oms.Grains;
using Orleans.Serialization;
using Orleans.Storage;

namespace Oms.LoadGen.Harness;

/// <summary>
/// Measures grain state as storage sees it: wraps the silo's <see cref="OmsStorage.Name"/> grain storage (memory or
/// PostgreSQL) and, on every write, serializes the state with the silo's Orleans serializer — the bytes the
/// storage's <c>OrleansGrainStorageSerializer</c> writes — keeping the latest size per grain. In-process silo only.
/// Serializing again costs as much as the write itself, so it only measures while <see cref="Armed"/>.
/// </summary>
public sealed class StateSizeProbe
{
    private readonly ConcurrentDictionary<GrainId, (string StateName, int Bytes)> latest = new();
    private volatile bool armed;

    /// <summary>Measures writes while true.</summary>
    public bool Armed
    {
        get => armed;
        set => armed = value;
    }

    /// <summary>Latest serialized account-state size of each of the given accounts (written while armed).</summary>
    public Dictionary<string, int> AccountStates(IReadOnlyCollection<string> accounts)
    {
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (grain, (stateName, bytes)) in latest)
        {
            var key = grain.Key.ToString();
            if (stateName == OmsStorage.AccountState && accounts.Contains(key)) sizes[key] = bytes;
        }
        return sizes;
    }

    /// <summary>Latest serialized size of every grain written so far, by grain.</summary>
    public IReadOnlyDictionary<GrainId, (string StateName, int Bytes)> Latest => latest;

    /// <summary>Replaces the OMS grain storage registration with a measuring wrapper around the same provider.</summary>
    public void Install(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, OmsStorage.Name))
            ?? throw new InvalidOperationException($"no keyed IGrainStorage '{OmsStorage.Name}' registered: the silo wiring changed");
        var inner = descriptor.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"the '{OmsStorage.Name}' grain storage is not registered by a factory: the silo wiring changed");
        services.Remove(descriptor);
        services.Add(new ServiceDescriptor(typeof(IGrainStorage), descriptor.ServiceKey, (sp, key) =>
            new MeasuringGrainStorage((IGrainStorage)inner(sp, key), sp.GetRequiredService<Serializer>(), this), descriptor.Lifetime));
    }

    private void Record(GrainId grainId, string stateName, int bytes) => latest[grainId] = (stateName, bytes);

    /// <summary>Forwards every call; measures writes. Takes part in the silo lifecycle when the wrapped provider does.</summary>
    private sealed class MeasuringGrainStorage(IGrainStorage inner, Serializer serializer, StateSizeProbe probe)
        : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            if (probe.Armed) probe.Record(grainId, stateName, serializer.SerializeToArray(grainState.State).Length);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);

        public void Participate(ISiloLifecycle observer) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(observer);
    }
}
