using System.Diagnostics;
using Oms.Cluster.Tests.Infrastructure;
using Oms.Storage.PostgreSql;

namespace Oms.Cluster.Tests;

/// <summary><c>dotnet Oms.Silo.dll migrate</c> (what <c>dotnet run --project silo/Oms.Silo -- migrate</c> runs).</summary>
public sealed class MigrateCommandTests : IAsyncLifetime
{
    private PostgresDatabase database = null!;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync("oms_migrate");

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Migrate_applies_the_schema_once_and_is_idempotent()
    {
        var (first, firstOutput) = await RunMigrateAsync($"--Oms:Postgres:ConnectionString={database.ConnectionString}");
        Assert.True(first == 0, firstOutput);
        Assert.Contains($"schema version {SchemaMigrations.LatestVersion}", firstOutput, StringComparison.Ordinal);
        Assert.Contains($"applied {SchemaMigrations.Embedded.Count} migration(s) now", firstOutput, StringComparison.Ordinal);
        Assert.Equal(SchemaMigrations.Embedded.Count, await database.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.True(await database.ScalarAsync("SELECT COUNT(*) FROM orleansquery") > 0);

        var (second, secondOutput) = await RunMigrateAsync($"--Oms:Postgres:ConnectionString={database.ConnectionString}");
        Assert.True(second == 0, secondOutput);
        Assert.Contains("applied 0 migration(s) now", secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_without_a_connection_string_fails_with_the_key_to_set()
    {
        var (exitCode, output) = await RunMigrateAsync("--Oms:Postgres:ConnectionString=");
        Assert.Equal(1, exitCode);
        Assert.Contains("Oms:Postgres:ConnectionString", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunMigrateAsync(string argument)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(Paths.Silo);
        startInfo.ArgumentList.Add("migrate");
        startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
