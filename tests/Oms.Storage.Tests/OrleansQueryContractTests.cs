using System.Data;
using Npgsql;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests;

/// <summary>
/// Runs the stored Orleans statements directly, with parameters typed the way the Orleans 10 providers bind
/// them (DbType.String/AnsiString, Int32, DateTime as UTC), to pin down edge cases a running silo rarely hits.
/// </summary>
public sealed class OrleansQueryContractTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTime T0 = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public async Task Membership_writes_are_all_or_nothing_under_the_table_version()
    {
        var deployment = $"d-{Guid.NewGuid():N}";
        Assert.Equal(1, await ScalarAsync("InsertMembershipVersionKey", P("DeploymentId", deployment)));
        Assert.Equal(0, await ScalarAsync("InsertMembershipVersionKey", P("DeploymentId", deployment)));

        Assert.Equal(1, await InsertMemberAsync(deployment, port: 11111, version: 0));
        Assert.Equal(0, await InsertMemberAsync(deployment, port: 11112, version: 0)); // stale version
        Assert.Equal(0, await InsertMemberAsync(deployment, port: 11111, version: 1)); // member exists: version bump rolled back
        Assert.Equal(1, await VersionAsync(deployment));

        Assert.Equal(0, await UpdateMemberAsync(deployment, port: 22222, status: 3, version: 1)); // no such member
        Assert.Equal(1, await VersionAsync(deployment));
        Assert.Equal(1, await UpdateMemberAsync(deployment, port: 11111, status: 3, version: 1));
        Assert.Equal(0, await UpdateMemberAsync(deployment, port: 11111, status: 6, version: 1)); // stale
        Assert.Equal(2, await VersionAsync(deployment));

        var rows = await ReadAsync("MembershipReadAllKey", r => (r.GetInt32(r.GetOrdinal("Port")), r.GetInt32(r.GetOrdinal("Status")), r.GetInt32(r.GetOrdinal("Version"))), P("DeploymentId", deployment));
        Assert.Equal([(11111, 3, 2)], rows);
        var gateways = await ReadAsync("GatewaysQueryKey", r => r.GetInt32(r.GetOrdinal("ProxyPort")), P("DeploymentId", deployment), P("Status", 3));
        Assert.Equal([30000], gateways);
    }

    [Fact]
    public async Task Membership_read_row_returns_the_version_even_without_a_member()
    {
        var deployment = $"d-{Guid.NewGuid():N}";
        await ScalarAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));

        var rows = await ReadAsync(
            "MembershipReadRowKey",
            r => (r.IsDBNull(r.GetOrdinal("StartTime")), r.GetInt32(r.GetOrdinal("Version"))),
            P("DeploymentId", deployment), P("Address", "127.0.0.1", DbType.AnsiString), P("Port", 1), P("Generation", 1));

        Assert.Equal([(true, 0)], rows);
    }

    [Fact]
    public async Task Delete_and_bulk_cleanup_touch_only_their_own_rows()
    {
        var gone = $"d-{Guid.NewGuid():N}";
        var kept = $"d-{Guid.NewGuid():N}";
        foreach (var deployment in new[] { gone, kept })
        {
            await ScalarAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));
            await InsertMemberAsync(deployment, port: 1, version: 0);
            await InsertMemberAsync(deployment, port: 2, version: 1);
            await UpdateMemberAsync(deployment, port: 1, status: 6, version: 2); // port 1 is Dead
        }

        await ExecuteAsync("CleanupDefunctSiloEntriesKey", P("DeploymentId", kept), P("IAmAliveTime", T0.AddHours(1)));
        await ExecuteAsync("DeleteMembershipTableEntriesKey", P("DeploymentId", gone));

        Assert.Equal(0, await Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = @d", ("d", gone)));
        Assert.Equal(0, await Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @d", ("d", gone)));
        var survivors = await Sql.ListAsync(fixture.ConnectionString, "SELECT port FROM orleansmembershiptable WHERE deploymentid = @d", r => r.GetInt32(0), ("d", kept));
        Assert.Equal([2], survivors);
    }

    [Fact]
    public async Task Reminder_range_queries_exclude_begin_include_end_and_wrap()
    {
        var service = $"s-{Guid.NewGuid():N}";
        var other = $"s-{Guid.NewGuid():N}";
        foreach (var hash in new[] { int.MinValue, -10, 0, 10, int.MaxValue })
        {
            Assert.Equal(0, await UpsertReminderAsync(service, $"g{hash}", hash));
        }

        await UpsertReminderAsync(other, "g0", 0);

        Assert.Equal(["g0", "g10"], await RangeAsync("ReadRangeRows1Key", service, -10, 10));
        Assert.Equal([$"g{int.MaxValue}", $"g{int.MinValue}", "g-10"], await RangeAsync("ReadRangeRows2Key", service, 10, -10));
        Assert.Equal(5, (await RangeAsync("ReadRangeRows2Key", service, 0, 0)).Count); // begin == end: the whole ring

        await ExecuteAsync("DeleteReminderRowsKey", P("ServiceId", service));
        Assert.Empty(await RangeAsync("ReadRangeRows2Key", service, 0, 0));
        Assert.Single(await RangeAsync("ReadRangeRows2Key", other, 0, 0));
    }

    [Fact]
    public async Task Reminder_delete_needs_the_current_version()
    {
        var service = $"s-{Guid.NewGuid():N}";
        Assert.Equal(0, await UpsertReminderAsync(service, "g", 5));
        Assert.Equal(1, await UpsertReminderAsync(service, "g", 5));

        var stale = await ScalarAsync("DeleteReminderRowKey", P("ServiceId", service), P("GrainId", "g", DbType.AnsiString), P("ReminderName", "r"), P("Version", 0));
        var current = await ScalarAsync("DeleteReminderRowKey", P("ServiceId", service), P("GrainId", "g", DbType.AnsiString), P("ReminderName", "r"), P("Version", 1));

        Assert.Equal(0, stale);
        Assert.Equal(1, current);
    }

    private Task<int> InsertMemberAsync(string deployment, int port, int version) =>
        ScalarAsync(
            "InsertMembershipKey",
            P("DeploymentId", deployment), P("Address", "127.0.0.1", DbType.AnsiString), P("Port", port), P("Generation", 7),
            P("SiloName", $"silo-{port}"), P("HostName", "host"), P("Status", 1), P("ProxyPort", 30000),
            P("StartTime", T0), P("IAmAliveTime", T0), P("Version", version));

    private Task<int> UpdateMemberAsync(string deployment, int port, int status, int version) =>
        ScalarAsync(
            "UpdateMembershipKey",
            P("DeploymentId", deployment), P("Address", "127.0.0.1", DbType.AnsiString), P("Port", port), P("Generation", 7),
            P("Status", status), P("SuspectTimes", null, DbType.String), P("IAmAliveTime", T0.AddMinutes(1)), P("Version", version));

    private Task<int> UpsertReminderAsync(string service, string grainId, int hash) =>
        ScalarAsync(
            "UpsertReminderRowKey",
            P("ServiceId", service), P("GrainHash", hash), P("GrainId", grainId, DbType.AnsiString), P("ReminderName", "r"),
            P("StartTime", T0), P("Period", 60_000));

    private async Task<List<string>> RangeAsync(string key, string service, int begin, int end)
    {
        var grainIds = await ReadAsync(key, r => r.GetString(r.GetOrdinal("GrainId")), P("ServiceId", service), P("BeginHash", begin), P("EndHash", end));
        var hashes = await Sql.ListAsync(fixture.ConnectionString, "SELECT grainid, grainhash FROM orleansreminderstable WHERE serviceid = @s", r => (r.GetString(0), r.GetInt32(1)), ("s", service));
        var hashOf = hashes.ToDictionary(h => h.Item1, h => h.Item2);
        return grainIds.OrderBy(g => (uint)hashOf[g]).ToList(); // ring order
    }

    private Task<int> VersionAsync(string deployment) =>
        Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT version FROM orleansmembershipversiontable WHERE deploymentid = @d", ("d", deployment));

    private static (string Name, object? Value, DbType Type) P(string name, string? value, DbType type = DbType.String) => (name, value, type);

    private static (string Name, object? Value, DbType Type) P(string name, int value) => (name, value, DbType.Int32);

    private static (string Name, object? Value, DbType Type) P(string name, DateTime value) => (name, value, DbType.DateTime);

    private async Task<int> ScalarAsync(string key, params (string Name, object? Value, DbType Type)[] parameters)
    {
        var rows = await ReadAsync(key, r => Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), parameters);
        return Assert.Single(rows);
    }

    private async Task ExecuteAsync(string key, params (string Name, object? Value, DbType Type)[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = await CommandAsync(connection, key, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<T>> ReadAsync<T>(string key, Func<NpgsqlDataReader, T> map, params (string Name, object? Value, DbType Type)[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = await CommandAsync(connection, key, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string key, (string Name, object? Value, DbType Type)[] parameters)
    {
        string text;
        await using (var lookup = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = @k", connection))
        {
            lookup.Parameters.AddWithValue("k", key);
            text = (string?)await lookup.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No stored query {key}");
        }

        var command = new NpgsqlCommand(text, connection);
        foreach (var (name, value, type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { ParameterName = name, Value = value ?? DBNull.Value, DbType = type });
        }

        return command;
    }
}
