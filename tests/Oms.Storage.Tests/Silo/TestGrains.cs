using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Oms.Storage.Tests.Silo;

/// <summary>A counter whose value lives in the "oms" ADO.NET grain storage.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one, writes state, and returns the new value.</summary>
    Task<int> IncrementAsync();

    /// <summary>Returns the current value.</summary>
    Task<int> GetAsync();

    /// <summary>Returns the storage ETag of the current state.</summary>
    Task<string?> GetETagAsync();

    /// <summary>Clears the persisted state.</summary>
    Task ClearAsync();

    /// <summary>Deactivates this activation once the call returns.</summary>
    Task DeactivateAsync();

    /// <summary>Returns an id unique to this activation.</summary>
    Task<Guid> GetActivationIdAsync();
}

[GenerateSerializer]
[Alias("oms.tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", OrleansSilo.StorageName)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    private readonly Guid activationId = Guid.NewGuid();

    public Task<Guid> GetActivationIdAsync() => Task.FromResult(activationId);

    public async Task<int> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Registers reminders and records every tick in <see cref="ReminderLog"/>.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) a reminder.</summary>
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Unregisters a reminder if it exists.</summary>
    Task UnregisterAsync(string name);

    /// <summary>Returns the names of this grain's reminders as stored.</summary>
    Task<List<string>> ListAsync();
}

public sealed class ReminderProbeGrain(ILocalSiloDetails silo) : Grain, IReminderProbeGrain, IRemindable
{
    public async Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<List<string>> ListAsync() => (await this.GetReminders()).Select(r => r.ReminderName).ToList();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderLog.Record(this.GetPrimaryKeyString(), reminderName, silo.SiloAddress.ToString());
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks seen in this test process (the silos run in-process).</summary>
public static class ReminderLog
{
    private static readonly ConcurrentQueue<(string Grain, string Reminder, string Silo)> Ticks = new();

    public static void Record(string grain, string reminder, string silo) => Ticks.Enqueue((grain, reminder, silo));

    public static int Count(string grain, string reminder, string? silo = null) =>
        Ticks.Count(t => t.Grain == grain && t.Reminder == reminder && (silo is null || t.Silo == silo));
}
