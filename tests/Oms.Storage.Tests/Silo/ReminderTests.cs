using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests.Silo;

[Collection(OrleansCollection.Name)]
public sealed class ReminderTests(MigratedDatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<MigratedDatabaseFixture>
{
    [Fact]
    public async Task Reminders_are_stored_fire_and_keep_firing_after_a_silo_restart()
    {
        var clusterId = $"c-{Guid.NewGuid():N}";
        var grainKey = $"probe-{Guid.NewGuid():N}";
        const string Reminder = "drawdown-check";

        await using (var first = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-r1", output))
        {
            var probe = first.Grains.GetGrain<IReminderProbeGrain>(grainKey);
            await probe.RegisterAsync(Reminder, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

            Assert.Equal([Reminder], await probe.ListAsync());
            Assert.Equal(1, await ReminderRowsAsync(grainKey));
            var firstSilo = first.Address.ToString();
            await Eventually.WaitAsync(() => ReminderLog.Count(grainKey, Reminder, firstSilo) >= 2, "two ticks on the first silo");
        }

        // No re-registration: the new silo loads the reminder from PostgreSQL and fires it.
        await using var second = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-r2", output);
        var secondSilo = second.Address.ToString();
        await Eventually.WaitAsync(() => ReminderLog.Count(grainKey, Reminder, secondSilo) >= 1, "a tick on the restarted silo");

        await second.Grains.GetGrain<IReminderProbeGrain>(grainKey).UnregisterAsync(Reminder);
        Assert.Equal(0, await ReminderRowsAsync(grainKey));
        Assert.Empty(await second.Grains.GetGrain<IReminderProbeGrain>(grainKey).ListAsync());
    }

    [Fact]
    public async Task Updating_a_reminder_bumps_its_version_in_place()
    {
        await using var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, $"c-{Guid.NewGuid():N}", "silo-r3", output);
        var grainKey = $"probe-{Guid.NewGuid():N}";
        var probe = silo.Grains.GetGrain<IReminderProbeGrain>(grainKey);

        await probe.RegisterAsync("a", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
        await probe.RegisterAsync("a", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        await probe.RegisterAsync("b", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

        var rows = await Sql.ListAsync(
            fixture.ConnectionString,
            "SELECT remindername, period, version FROM orleansreminderstable WHERE grainid LIKE '%' || @k ORDER BY remindername",
            r => (r.GetString(0), r.GetInt64(1), r.GetInt32(2)),
            ("k", grainKey));
        Assert.Equal([("a", 600_000L, 1), ("b", 300_000L, 0)], rows);
        Assert.Equal(["a", "b"], (await probe.ListAsync()).Order());
    }

    private Task<int> ReminderRowsAsync(string grainKey) =>
        Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || @k", ("k", grainKey));
}
