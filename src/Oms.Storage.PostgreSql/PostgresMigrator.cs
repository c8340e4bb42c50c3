using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Oms.Storage.PostgreSql;

/// <summary>
/// Applies versioned schema migrations (by default the ones embedded in this assembly) and records them
/// in <c>schema_migrations</c>. Idempotent, and safe when several processes start at once: the work is
/// serialised by a PostgreSQL session advisory lock, so every migration runs exactly once per database.
/// </summary>
public sealed class PostgresMigrator
{
    /// <summary>The advisory lock key ("OMS_MIGR") that serialises migrators on one database.</summary>
    public const long AdvisoryLockKey = 0x4F4D_535F_4D49_4752;

    /// <summary>The default time to wait for another process's migration lock.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromMinutes(2);

    private const string MaintenanceDatabase = "postgres";

    private readonly ILogger logger;
    private readonly TimeSpan lockTimeout;

    /// <summary>Creates a migrator for the embedded migrations.</summary>
    public PostgresMigrator(ILogger<PostgresMigrator>? logger = null)
        : this(SchemaMigrations.Embedded, logger, DefaultLockTimeout)
    {
    }

    /// <summary>Creates a migrator for the given migrations (validated: positive, unique versions).</summary>
    public PostgresMigrator(IEnumerable<SchemaMigration> migrations, ILogger? logger, TimeSpan lockTimeout)
    {
        if (lockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lockTimeout), lockTimeout, "The migration lock timeout must be positive.");
        }

        Migrations = SchemaMigrations.Validate(migrations);
        this.logger = logger ?? NullLogger.Instance;
        this.lockTimeout = lockTimeout;
    }

    /// <summary>The migrations this migrator applies, in ascending version order.</summary>
    public IReadOnlyList<SchemaMigration> Migrations { get; }

    /// <summary>
    /// Brings the database named in <paramref name="connectionString"/> up to date: waits for the migration
    /// lock, checks that already-applied migrations were not edited since, then applies each pending
    /// migration in its own transaction. Throws <see cref="SchemaMigrationException"/> naming the migration
    /// and database when one fails; migrations applied before it stay applied.
    /// </summary>
    public async Task<MigrationReport> ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var database = PostgresConnectionStrings.DatabaseOf(connectionString);
        logger.LogInformation(
            "Checking schema migrations of database {Database} ({ConnectionString}); this build knows versions up to {LatestVersion}",
            database, PostgresConnectionStrings.Redact(connectionString), Migrations[^1].Version);

        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new SchemaMigrationException(
                    $"Cannot connect to database {database} to apply migrations ({PostgresConnectionStrings.Redact(connectionString)}): {ex.Message}", ex);
            }

            await AcquireLockAsync(connection, database, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ApplyLockedAsync(connection, database, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseLockAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Creates the database named in <paramref name="connectionString"/> when it does not exist, connecting to
    /// the <c>postgres</c> maintenance database with the same credentials (the role needs CREATEDB).
    /// Returns true when this call created it. Safe to race with other processes doing the same.
    /// </summary>
    public async Task<bool> CreateDatabaseIfMissingAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var database = PostgresConnectionStrings.DatabaseOf(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDatabase(connectionString, MaintenanceDatabase))
        {
            Pooling = false,
        }.ConnectionString;

        var connection = new NpgsqlConnection(maintenance);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                if (await DatabaseExistsAsync(connection, database, cancellationToken).ConfigureAwait(false))
                {
                    logger.LogDebug("Database {Database} already exists", database);
                    return false;
                }

                var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                logger.LogInformation("Created database {Database}", database);
                return true;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another process created it between our check and our CREATE DATABASE.
                logger.LogDebug("Database {Database} was created concurrently by another process", database);
                return false;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new SchemaMigrationException(
                    $"Cannot create database {database} via the '{MaintenanceDatabase}' database ({PostgresConnectionStrings.Redact(connectionString)}): {ex.Message}", ex);
            }
        }
    }

    /// <summary>Reads the versions recorded in <c>schema_migrations</c> (empty when the table does not exist yet).</summary>
    public static async Task<IReadOnlyList<int>> GetAppliedVersionsAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(
                "SELECT version FROM schema_migrations ORDER BY version",
                connection);
            await using (command.ConfigureAwait(false))
            {
                try
                {
                    var versions = new List<int>();
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            versions.Add(reader.GetInt32(0));
                        }
                    }

                    return versions;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    return [];
                }
            }
        }
    }

    private async Task<MigrationReport> ApplyLockedAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations
            (
                version     integer     NOT NULL PRIMARY KEY,
                name        text        NOT NULL,
                checksum    text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                duration_ms integer     NOT NULL
            )
            """, cancellationToken).ConfigureAwait(false);

        var applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        var known = Migrations.ToDictionary(m => m.Version);
        var alreadyApplied = 0;
        foreach (var (version, (name, checksum)) in applied)
        {
            if (!known.TryGetValue(version, out var migration))
            {
                logger.LogWarning(
                    "Database {Database} has migration {Version} ({Name}) which this build does not know; a newer build migrated it",
                    database, version, name);
                continue;
            }

            if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new SchemaMigrationException(
                    $"Migration {migration} applied to database {database} differs from this build's copy " +
                    $"(recorded checksum {checksum}, embedded {migration.Checksum}). Applied migrations must not be edited; add a new migration instead.")
                {
                    Version = version,
                };
            }

            alreadyApplied++;
        }

        var pending = Migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database {Database} schema is current at version {Version}", database, applied.Keys.DefaultIfEmpty(0).Max());
            return new MigrationReport(database, [], alreadyApplied, applied.Keys.DefaultIfEmpty(0).Max());
        }

        var done = new List<SchemaMigration>(pending.Count);
        foreach (var migration in pending)
        {
            await ApplyOneAsync(connection, database, migration, cancellationToken).ConfigureAwait(false);
            done.Add(migration);
        }

        var schemaVersion = Math.Max(applied.Keys.DefaultIfEmpty(0).Max(), done[^1].Version);
        logger.LogInformation(
            "Database {Database} migrated to version {Version} ({Count} migration(s) applied)", database, schemaVersion, done.Count);
        return new MigrationReport(database, done, alreadyApplied, schemaVersion);
    }

    private async Task ApplyOneAsync(NpgsqlConnection connection, string database, SchemaMigration migration, CancellationToken cancellationToken)
    {
        logger.LogInformation("Applying migration {Migration} to database {Database}", migration.ToString(), database);
        var stopwatch = Stopwatch.StartNew();
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            try
            {
                var command = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 };
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (@version, @name, @checksum, @duration)",
                    connection,
                    transaction);
                await using (record.ConfigureAwait(false))
                {
                    record.Parameters.AddWithValue("version", migration.Version);
                    record.Parameters.AddWithValue("name", migration.Name);
                    record.Parameters.AddWithValue("checksum", migration.Checksum);
                    record.Parameters.AddWithValue("duration", (int)Math.Min(int.MaxValue, stopwatch.ElapsedMilliseconds));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                var where = ex.Position > 0 ? $" at character {ex.Position}" : string.Empty;
                throw new SchemaMigrationException(
                    $"Migration {migration} failed on database {database}{where}: {ex.MessageText} (SQLSTATE {ex.SqlState}). It was rolled back.", ex)
                {
                    Version = migration.Version,
                };
            }
        }

        logger.LogInformation(
            "Applied migration {Migration} to database {Database} in {ElapsedMs} ms", migration.ToString(), database, stopwatch.ElapsedMilliseconds);
    }

    private async Task AcquireLockAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        await using (tryLock.ConfigureAwait(false))
        {
            tryLock.Parameters.AddWithValue("key", AdvisoryLockKey);
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return;
            }
        }

        logger.LogInformation(
            "Another process is migrating database {Database}; waiting up to {Timeout} for its lock", database, lockTimeout);
        var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection)
        {
            CommandTimeout = (int)Math.Ceiling(lockTimeout.TotalSeconds),
        };
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("key", AdvisoryLockKey);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
            {
                throw new SchemaMigrationException(
                    $"Timed out after {lockTimeout} waiting for the migration lock on database {database}: another process is still migrating it.", ex);
            }
        }
    }

    private async Task ReleaseLockAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return; // A broken connection has already lost its session lock.
        }

        try
        {
            var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("key", AdvisoryLockKey);
                await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException ex)
        {
            // The lock dies with the session anyway; do not hide the original outcome.
            logger.LogWarning(ex, "Could not release the migration advisory lock explicitly");
        }
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string, string)>();
        var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations ORDER BY version", connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
                }
            }
        }

        return applied;
    }

    private static async Task<bool> DatabaseExistsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", database);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
