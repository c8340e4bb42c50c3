using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests.Silo;

[Collection(OrleansCollection.Name)]
public sealed class GrainStateTests(MigratedDatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<MigratedDatabaseFixture>
{
    private const string StateName = "oms.tests.direct";

    [Fact]
    public async Task State_is_written_and_read_back_after_deactivation_and_after_a_silo_restart()
    {
        var clusterId = $"c-{Guid.NewGuid():N}";
        var key = $"counter-{Guid.NewGuid():N}";
        await using (var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-1", output))
        {
            var counter = silo.Grains.GetGrain<ICounterGrain>(key);
            await counter.IncrementAsync();
            await counter.IncrementAsync();
            Assert.Equal(3, await counter.IncrementAsync());
            Assert.Equal("3", await counter.GetETagAsync());

            var (version, payloadBytes) = await StoredRowAsync(key);
            Assert.Equal(3, version);
            Assert.True(payloadBytes > 0);

            // Deactivate, then the next call lands on a new activation that reads the state from PostgreSQL.
            var activation = await counter.GetActivationIdAsync();
            await counter.DeactivateAsync();
            await Eventually.WaitAsync(
                counter.GetActivationIdAsync,
                id => id != activation,
                "a new activation of the counter");
            Assert.Equal(3, await counter.GetAsync());
        }

        // A new silo process (new generation) reads the same state from PostgreSQL.
        await using var restarted = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-2", output);
        var again = restarted.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(3, await again.GetAsync());
        Assert.Equal(4, await again.IncrementAsync());
        Assert.Equal(4, (await StoredRowAsync(key)).Version);
    }

    [Fact]
    public async Task Stale_etags_are_detected_as_conflicts()
    {
        await using var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, $"c-{Guid.NewGuid():N}", "silo-etag", output);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansSilo.StorageName);
        var grainId = GrainId.Create("oms-etag-test", Guid.NewGuid().ToString("N"));

        var writer = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync(StateName, grainId, writer);
        Assert.Equal("1", writer.ETag);

        // A second writer that never read the state (null ETag) must not overwrite it.
        var blind = new GrainState<CounterState>(new CounterState { Value = 100 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, blind));

        // A writer holding an old ETag loses to the one that wrote in between.
        var reader = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grainId, reader);
        Assert.Equal("1", reader.ETag);
        writer.State!.Value = 2;
        await storage.WriteStateAsync(StateName, grainId, writer);
        Assert.Equal("2", writer.ETag);
        reader.State!.Value = 50;
        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, reader));
        Assert.Contains("Version conflict", stale.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, reader));

        var current = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grainId, current);
        Assert.Equal(2, current.State!.Value);
        Assert.Equal("2", current.ETag);
        Assert.True(current.RecordExists);
    }

    [Fact]
    public async Task Integer_guid_and_string_keys_with_and_without_extensions_are_separate_states()
    {
        await using var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, $"c-{Guid.NewGuid():N}", "silo-keys", output);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansSilo.StorageName);
        var stateName = $"oms.tests.keys.{Guid.NewGuid():N}";
        var type = GrainType.Create("oms-key-test");
        var guid = Guid.NewGuid();
        var ids = new[]
        {
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42, "BTCUSDT")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42, "ETHUSDT")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, "BTCUSDT")),
            GrainId.Create(type, "acc-1/binance"),
        };

        for (var i = 0; i < ids.Length; i++)
        {
            await storage.WriteStateAsync(stateName, ids[i], new GrainState<CounterState>(new CounterState { Value = i + 10 }));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var state = new GrainState<CounterState>();
            await storage.ReadStateAsync(stateName, ids[i], state);
            Assert.True(state.RecordExists, $"no state for {ids[i]}");
            Assert.Equal(i + 10, state.State!.Value);
            Assert.Equal("1", state.ETag);
        }

        Assert.Equal(ids.Length, await Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT count(*) FROM orleansstorage WHERE graintypestring = @t", ("t", stateName)));
    }

    [Fact]
    public async Task Clear_keeps_the_row_by_default_and_deletes_it_when_configured()
    {
        await using var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, $"c-{Guid.NewGuid():N}", "silo-clear", output);
        var keeping = silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansSilo.StorageName);
        var deleting = silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansSilo.DeletingStorageName);
        var kept = GrainId.Create("oms-clear-test", $"keep-{Guid.NewGuid():N}");
        var deleted = GrainId.Create("oms-clear-test", $"delete-{Guid.NewGuid():N}");

        var keptState = new GrainState<CounterState>(new CounterState { Value = 7 });
        await keeping.WriteStateAsync(StateName, kept, keptState);
        await keeping.ClearStateAsync(StateName, kept, keptState);
        var deletedState = new GrainState<CounterState>(new CounterState { Value = 8 });
        await deleting.WriteStateAsync(StateName, deleted, deletedState);
        await deleting.ClearStateAsync(StateName, deleted, deletedState);

        Assert.Equal("2", keptState.ETag);
        Assert.False(keptState.RecordExists);
        Assert.Null(deletedState.ETag);
        var afterKeep = new GrainState<CounterState>();
        await keeping.ReadStateAsync(StateName, kept, afterKeep);
        Assert.False(afterKeep.RecordExists);
        Assert.Equal(0, afterKeep.State!.Value);
        Assert.Equal("2", afterKeep.ETag);
        Assert.Equal(1, await CountRowsAsync(kept.Key.ToString()!));
        Assert.Equal(0, await CountRowsAsync(deleted.Key.ToString()!));

        // Both can be written again afterwards.
        await keeping.WriteStateAsync(StateName, kept, afterKeep);
        await deleting.WriteStateAsync(StateName, deleted, deletedState);
        Assert.Equal("3", afterKeep.ETag);
        Assert.Equal("1", deletedState.ETag);
    }

    private async Task<(int Version, int PayloadBytes)> StoredRowAsync(string key)
    {
        var rows = await Sql.ListAsync(
            fixture.ConnectionString,
            "SELECT version, length(payloadbinary) FROM orleansstorage WHERE grainidextensionstring LIKE '%' || @k",
            r => (r.GetInt32(0), r.IsDBNull(1) ? 0 : r.GetInt32(1)),
            ("k", key));
        return Assert.Single(rows);
    }

    private Task<int> CountRowsAsync(string key) =>
        Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT count(*) FROM orleansstorage WHERE grainidextensionstring = @k", ("k", key));
}
