using System.Reflection;
using Oms.Storage.PostgreSql;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests;

public sealed class MigrationTests(EmptyDatabaseFixture fixture) : IClassFixture<EmptyDatabaseFixture>
{
    private static readonly string[] Tables =
    [
        "orleansquery", "orleansmembershipversiontable", "orleansmembershiptable", "orleansstorage",
        "orleansreminderstable", "oms_journal", "oms_execution_reports", "oms_archived_orders", "oms_fill_keys", "schema_migrations",
    ];

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        var versions = SchemaMigrations.Embedded.Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        Assert.Equal(6, SchemaMigrations.LatestVersion);
        Assert.All(SchemaMigrations.Embedded, m => Assert.Matches("^[0-9a-f]{64}$", m.Checksum));
    }

    [Fact]
    public async Task Fresh_database_gets_every_table_and_records_every_version()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();

        var report = await new PostgresMigrator().ApplyAsync(connectionString);

        Assert.Equal(SchemaMigrations.Embedded.Select(m => m.Version), report.Applied.Select(m => m.Version));
        Assert.Equal(0, report.AlreadyApplied);
        Assert.Equal(SchemaMigrations.LatestVersion, report.SchemaVersion);
        foreach (var table in Tables)
        {
            Assert.True(
                await Sql.ScalarAsync<bool>(connectionString, "SELECT to_regclass(@t) IS NOT NULL", ("t", table)),
                $"table {table} missing after migration");
        }

        Assert.Equal(
            SchemaMigrations.Embedded.Select(m => m.Version),
            await PostgresMigrator.GetAppliedVersionsAsync(connectionString));
    }

    [Fact]
    public async Task Applying_again_changes_nothing()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        var migrator = new PostgresMigrator();
        await migrator.ApplyAsync(connectionString);
        var queriesBefore = await QueryTextsAsync(connectionString);
        var appliedAtBefore = await Sql.ScalarAsync<string>(connectionString, "SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) FROM schema_migrations");

        var second = await migrator.ApplyAsync(connectionString);

        Assert.Empty(second.Applied);
        Assert.Equal(SchemaMigrations.Embedded.Count, second.AlreadyApplied);
        Assert.Equal(SchemaMigrations.LatestVersion, second.SchemaVersion);
        Assert.Equal(queriesBefore, await QueryTextsAsync(connectionString));
        Assert.Equal(appliedAtBefore, await Sql.ScalarAsync<string>(connectionString, "SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) FROM schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_exactly_once()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();

        // Eight "processes" start at once; the advisory lock lets one migrate while the others wait and find nothing to do.
        var reports = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => new PostgresMigrator().ApplyAsync(connectionString))));

        var appliedVersions = reports.SelectMany(r => r.Applied).Select(m => m.Version).OrderBy(v => v).ToList();
        Assert.Equal(SchemaMigrations.Embedded.Select(m => m.Version), appliedVersions);
        Assert.All(reports, r => Assert.Equal(SchemaMigrations.LatestVersion, r.SchemaVersion));
        Assert.Equal(
            SchemaMigrations.Embedded.Count,
            await Sql.ScalarAsync<int>(connectionString, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrator_waiting_for_the_lock_gives_up_with_a_clear_error()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        await using var holder = new Npgsql.NpgsqlConnection(connectionString);
        await holder.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({PostgresMigrator.AdvisoryLockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var migrator = new PostgresMigrator(SchemaMigrations.Embedded, null, TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<SchemaMigrationException>(() => migrator.ApplyAsync(connectionString));

        Assert.Contains("migration lock", ex.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresConnectionStrings.DatabaseOf(connectionString), ex.Message, StringComparison.Ordinal);
        Assert.Empty(await PostgresMigrator.GetAppliedVersionsAsync(connectionString));
    }

    [Fact]
    public async Task Failing_migration_is_rolled_back_and_named_while_earlier_ones_stay()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        var migrations = new[]
        {
            new SchemaMigration(1, "good", "CREATE TABLE t_good (id int PRIMARY KEY);"),
            new SchemaMigration(2, "bad", "CREATE TABLE t_partial (id int); SELECT * FROM no_such_table;"),
        };

        var ex = await Assert.ThrowsAsync<SchemaMigrationException>(
            () => new PostgresMigrator(migrations, null, TimeSpan.FromSeconds(30)).ApplyAsync(connectionString));

        Assert.Equal(2, ex.Version);
        Assert.Contains("0002_bad", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1], await PostgresMigrator.GetAppliedVersionsAsync(connectionString));
        Assert.False(await Sql.ScalarAsync<bool>(connectionString, "SELECT to_regclass('t_partial') IS NOT NULL"));
        Assert.True(await Sql.ScalarAsync<bool>(connectionString, "SELECT to_regclass('t_good') IS NOT NULL"));
    }

    [Fact]
    public async Task Edited_applied_migration_is_refused()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        await new PostgresMigrator([new SchemaMigration(1, "one", "CREATE TABLE t1 (id int);")], null, TimeSpan.FromSeconds(30)).ApplyAsync(connectionString);

        var edited = new PostgresMigrator([new SchemaMigration(1, "one", "CREATE TABLE t1 (id bigint);")], null, TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<SchemaMigrationException>(() => edited.ApplyAsync(connectionString));

        Assert.Equal(1, ex.Version);
        Assert.Contains("0001_one", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must not be edited", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDatabaseIfMissing_creates_once_then_reports_existing()
    {
        var connectionString = PostgresConnectionStrings.WithDatabase(fixture.ConnectionString, TestPostgres.NewDatabaseName("create"));
        var migrator = new PostgresMigrator();
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => migrator.CreateDatabaseIfMissingAsync(connectionString)));
            Assert.Single(results, created => created);
            Assert.False(await migrator.CreateDatabaseIfMissingAsync(connectionString));
            Assert.Equal(1, await Sql.ScalarAsync<int>(connectionString, "SELECT 1"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Orleans_query_catalogue_has_exactly_the_keys_the_Orleans_providers_require()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        await new PostgresMigrator().ApplyAsync(connectionString);
        var stored = (await QueryTextsAsync(connectionString)).Keys.ToHashSet(StringComparer.Ordinal);

        // The providers' own lists, read from the Orleans assemblies in use (internal DbStoredQueries: every *Key property).
        var clustering = RequiredKeys(typeof(Orleans.Configuration.AdoNetClusteringSiloOptions).Assembly, "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");
        var reminders = RequiredKeys(typeof(Orleans.Configuration.AdoNetReminderTableOptions).Assembly, "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");
        string[] persistence = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];
        string[] optional = ["CleanupDefunctSiloEntryKey"]; // used by Orleans 10 clustering when present

        Assert.Subset(stored, clustering.ToHashSet(StringComparer.Ordinal));
        Assert.Subset(stored, reminders.ToHashSet(StringComparer.Ordinal));
        Assert.Subset(stored, persistence.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(
            clustering.Concat(reminders).Concat(persistence).Concat(optional).ToHashSet(StringComparer.Ordinal).Order(StringComparer.Ordinal),
            stored.Order(StringComparer.Ordinal));
        Assert.Equal(9, clustering.Count);
        Assert.Equal(7, reminders.Count);
    }

    [Fact]
    public async Task Journal_table_rejects_updates_and_deletes()
    {
        var connectionString = await fixture.CreateScratchDatabaseAsync();
        await new PostgresMigrator().ApplyAsync(connectionString);
        await Sql.ExecuteAsync(connectionString, "INSERT INTO oms_journal (stream_id, sequence, kind, payload) VALUES ('s', 0, 'K', '{}')");

        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(connectionString, "UPDATE oms_journal SET kind = 'X'"));
        var delete = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(connectionString, "DELETE FROM oms_journal"));
        var truncate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(connectionString, "TRUNCATE oms_journal"));

        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", truncate.MessageText, StringComparison.Ordinal);
        Assert.Equal("K", await Sql.ScalarAsync<string>(connectionString, "SELECT kind FROM oms_journal"));
    }

    private static List<string> RequiredKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name)
            .Where(n => n.EndsWith("Key", StringComparison.Ordinal))
            .ToList();
    }

    private static async Task<Dictionary<string, string>> QueryTextsAsync(string connectionString)
    {
        var rows = await Sql.ListAsync(connectionString, "SELECT querykey, querytext FROM orleansquery", r => (r.GetString(0), r.GetString(1)));
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }
}
