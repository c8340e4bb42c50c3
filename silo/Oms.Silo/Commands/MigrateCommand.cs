using Oms.Storage.PostgreSql;

namespace Oms.Silo.Commands;

/// <summary>
/// <c>dotnet run --project silo/Oms.Silo -- migrate</c>: applies the PostgreSQL schema migrations (Orleans ADO.NET
/// tables and queries, the OMS journal) to <c>Oms:Postgres:ConnectionString</c> and exits. Creates the database first
/// when <c>Oms:Postgres:CreateDatabaseIfMissing</c> is true. Exit code 0 on success, 1 on failure.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static bool IsRequested(string[] args) => args.Length > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args[1..],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile("appsettings.Cluster.json", optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args[1..]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

        var options = new OmsPostgresOptions();
        builder.Configuration.GetSection(OmsPostgresOptions.SectionName).Bind(options);
        var validation = new OmsPostgresOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            await Console.Error.WriteLineAsync("migrate: " + validation.FailureMessage);
            return 1;
        }

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>();
        var migrator = new PostgresMigrator(SchemaMigrations.Embedded, logger.CreateLogger<PostgresMigrator>(), options.MigrationLockTimeout);
        try
        {
            if (options.CreateDatabaseIfMissing) await migrator.CreateDatabaseIfMissingAsync(options.ConnectionString);
            var report = await migrator.ApplyAsync(options.ConnectionString);
            await Console.Out.WriteLineAsync(
                $"migrate: database {report.Database} at schema version {report.SchemaVersion}; applied {report.Applied.Count} migration(s) now, {report.AlreadyApplied} before");
            return 0;
        }
        catch (SchemaMigrationException ex)
        {
            await Console.Error.WriteLineAsync("migrate: " + ex.Message);
            return 1;
        }
    }
}
