using Npgsql;

namespace Oms.Cluster.Tests.Infrastructure;

/// <summary>A fresh PostgreSQL database for one test class, dropped afterwards. Server from <c>OMS_TEST_POSTGRES</c>.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=oms;Password=oms;Database=oms_test";

    private readonly string maintenance;

    private PostgresDatabase(string maintenance, string name, string connectionString)
    {
        this.maintenance = maintenance;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(string prefix)
    {
        var server = Environment.GetEnvironmentVariable("OMS_TEST_POSTGRES");
        var baseBuilder = new NpgsqlConnectionStringBuilder(string.IsNullOrWhiteSpace(server) ? DefaultServer : server);
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        var maintenance = new NpgsqlConnectionStringBuilder(baseBuilder.ConnectionString) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(maintenance))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var target = new NpgsqlConnectionStringBuilder(baseBuilder.ConnectionString) { Database = name }.ConnectionString;
        return new PostgresDatabase(maintenance, name, target);
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(maintenance);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
