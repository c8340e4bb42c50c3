using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Oms.Grains.Tests.Strategies.Infrastructure;

/// <summary>One command the strategy venue received, with when it arrived (for in-process reaction times).</summary>
public sealed record ReceivedCommand(VenueCommand Command, long Timestamp);

/// <summary>
/// The venue double of the strategy tests: queues every command, records when it arrived (Stopwatch ticks) and lets a
/// test wait for a command. What the venue reports is scripted by the test through <see cref="VenueDriver"/>.
/// </summary>
public sealed class StrategyVenue : IVenueOrderRouter
{
    private readonly ConcurrentDictionary<AccountId, ConcurrentQueue<ReceivedCommand>> _commands = new();

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        _commands.GetOrAdd(command.Account, static _ => new ConcurrentQueue<ReceivedCommand>()).Enqueue(new ReceivedCommand(command, Stopwatch.GetTimestamp()));
        return ValueTask.FromResult(RouteResult.Queued);
    }

    public IReadOnlyList<ReceivedCommand> Received(AccountId account) => _commands.TryGetValue(account, out var queue) ? queue.ToArray() : [];

    public IReadOnlyList<TCommand> Commands<TCommand>(AccountId account) where TCommand : VenueCommand =>
        Received(account).Select(r => r.Command).OfType<TCommand>().ToArray();

    /// <summary>Waits (bounded, polling) for a command of the account for <paramref name="clientOrderId"/>.</summary>
    public async Task<ReceivedCommand> WaitForAsync<TCommand>(AccountId account, ClientOrderId clientOrderId, TimeSpan? timeout = null)
        where TCommand : VenueCommand
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = Received(account).FirstOrDefault(r => r.Command is TCommand && r.Command.ClientOrderId == clientOrderId);
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {typeof(TCommand).Name} for {clientOrderId} arrived; received: "
                    + string.Join(", ", Received(account).Select(r => $"{r.Command.GetType().Name} {r.Command.ClientOrderId}")));
            }
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// Grain storage every silo of a test cluster shares (one process, so one dictionary), as a database would be: state
/// survives the loss of the silo that wrote it. Values are stored serialized (no aliasing) and writes check the ETag.
/// </summary>
public sealed class SharedGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Data, string ETag)> Store = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Store.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.SerializeToArray(grainState.State);
        lock (Store)
        {
            var current = Store.TryGetValue(key, out var entry) ? entry.ETag : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {stateName} of {grainId}", current, grainState.ETag);
            }
            Store[key] = (data, etag);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Store.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}

/// <summary>A reminder table every silo of a test cluster shares, so reminders survive the loss of any silo.</summary>
public sealed class SharedReminderTable : IReminderTable
{
    private static readonly ConcurrentDictionary<(GrainId Grain, string Name), ReminderEntry> Rows = new();

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(Rows.Values.Where(r => r.GrainId == grainId).ToArray()));

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // The ring range (begin, end], wrapping when begin >= end.
        bool InRange(uint hash) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
        return Task.FromResult(new ReminderTableData(Rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode())).ToArray()));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(Rows.TryGetValue((grainId, reminderName), out var row) ? row : null);

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        entry.ETag = Guid.NewGuid().ToString("N");
        Rows[(entry.GrainId, entry.ReminderName)] = entry;
        return Task.FromResult<string?>(entry.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var key = (grainId, reminderName);
        lock (Rows)
        {
            if (!Rows.TryGetValue(key, out var row) || row.ETag != eTag) return Task.FromResult(false);
            return Task.FromResult(Rows.TryRemove(key, out _));
        }
    }

    public Task TestOnlyClearTable()
    {
        Rows.Clear();
        return Task.CompletedTask;
    }
}

/// <summary>The shared test instruments plus ones a strategy test adds for itself (its own reference price).</summary>
public sealed class StrategyCatalog : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<InstrumentId, InstrumentSpec> _added = new();

    public IReadOnlyCollection<InstrumentSpec> All => TestEnvironment.Catalog.All.Concat(_added.Values).ToArray();

    public void Add(InstrumentSpec spec) => _added[spec.Id] = spec;

    public bool TryGet(InstrumentId instrument, out InstrumentSpec spec) =>
        _added.TryGetValue(instrument, out spec!) || TestEnvironment.Catalog.TryGet(instrument, out spec);
}

/// <summary>The doubles every strategy-test silo shares.</summary>
public static class StrategyEnvironment
{
    public static StrategyVenue Venue { get; } = new();

    public static StrategyCatalog Catalog { get; } = new();

    /// <summary>Reference prices of the strategy clusters only (the other grain tests set prices of their own).</summary>
    public static TestPrices Prices { get; } = new();

    /// <summary>A perpetual with BTCUSDT's filters under a new symbol, so a test owns its reference price.</summary>
    public static InstrumentId NewPerpetual(string symbol)
    {
        var id = new InstrumentId(Oms.Domain.Venue.Binance, MarketType.UsdMFutures, symbol);
        Catalog.Add(TestInstruments.BtcPerpSpec with { Id = id });
        return id;
    }

    public static void Configure(ContingentOrderOptions options)
    {
        options.ReconcileInterval = TimeSpan.FromMilliseconds(300);
        // Tests drive the market-watching strategies through ReconcileAsync, one scripted price at a time.
        options.PriceInterval = TimeSpan.FromHours(1);
        options.ReminderPeriod = TimeSpan.FromSeconds(2);
    }
}

/// <summary>
/// A test silo the way a host wires one, except that grain storage and reminders are shared by the whole in-process
/// cluster (so a killed silo loses nothing durable) and the venue is <see cref="StrategyEnvironment.Venue"/>.
/// </summary>
public sealed class StrategySiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddReminders();
        siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            // Declare a killed silo dead within a few seconds.
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
        siloBuilder.AddIncomingGrainCallFilter<FaultInjectionFilter>();
        var services = siloBuilder.Services;
        services.AddKeyedSingleton<IGrainStorage>(OmsStorage.Name, static (sp, _) => new SharedGrainStorage(sp.GetRequiredService<Serializer>()));
        services.AddSingleton<IReminderTable, SharedReminderTable>();
        services.AddSingleton<IVenueOrderRouter>(StrategyEnvironment.Venue);
        services.AddSingleton<IInstrumentCatalog>(StrategyEnvironment.Catalog);
        services.AddSingleton<IReferencePriceSource>(StrategyEnvironment.Prices);
        services.AddSingleton<IExecutionReportJournal>(TestEnvironment.Journal);
        services.AddKeyedSingleton<TimeProvider>(OmsGrainsServiceCollectionExtensions.ClockServiceKey, TestEnvironment.Clock);
        services.AddOmsGrains(TestEnvironment.Configure);
        services.Configure<ContingentOrderOptions>(StrategyEnvironment.Configure);
    }
}

/// <summary>A three-silo cluster for the strategy tests (unique account ids per test keep them apart).</summary>
public sealed class StrategyClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Cluster = await StrategyClusters.StartAsync(3);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

public static class StrategyClusters
{
    public static Task<TestCluster> StartAsync(short silos) => StartAsync(silos, null);

    /// <summary>Starts a strategy cluster; <paramref name="configure"/> adds a configurator applied after the shared one.</summary>
    public static async Task<TestCluster> StartAsync(short silos, Action<TestClusterBuilder>? configure)
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<StrategySiloConfigurator>();
        configure?.Invoke(builder);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

[CollectionDefinition(Name)]
public sealed class StrategyCollection : ICollectionFixture<StrategyClusterFixture>
{
    public const string Name = "strategies";
}
