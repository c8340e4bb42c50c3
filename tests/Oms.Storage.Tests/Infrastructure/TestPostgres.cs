using Npgsql;
using Oms.Storage.PostgreSql;

namespace Oms.Storage.Tests.Infrastructure;

/// <summary>Where the test PostgreSQL server is: env var OMS_TEST_POSTGRES, or the local default that .ci/run provisions.</summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "OMS_TEST_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=oms;Password=oms;Database=oms_test";

    public static string ServerConnectionString
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured;
        }
    }

    /// <summary>A fresh, unique, lower-case database name.</summary>
    public static string NewDatabaseName(string purpose) => $"oms_t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = NewDatabaseName(purpose);
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDatabase(ServerConnectionString, name))
        {
            // Small pools: many test databases live side by side on a 2-core machine.
            MaxPoolSize = 20,
        }.ConnectionString;
        try
        {
            var created = await new PostgresMigrator().CreateDatabaseIfMissingAsync(connectionString);
            if (!created)
            {
                throw new InvalidOperationException($"Test database {name} already existed; expected a fresh one.");
            }
        }
        catch (SchemaMigrationException ex)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL test server is not reachable or refuses CREATE DATABASE ({PostgresConnectionStrings.Redact(ServerConnectionString)}). " +
                $"Set {EnvironmentVariable} or run .ci/run, which provisions a local server. Cause: {ex.Message}", ex);
        }

        return connectionString;
    }

    /// <summary>Drops a database, terminating its remaining sessions.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var database = PostgresConnectionStrings.DatabaseOf(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDatabase(connectionString, "postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {PostgresMigrator.QuoteIdentifier(database)} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
