using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Oms.Storage.PostgreSql;

/// <summary>
/// Creates the database (when configured) and applies pending migrations in <see cref="IHostedLifecycleService.StartingAsync"/>,
/// which the host runs before any hosted service's <c>StartAsync</c>: the Orleans silo, whose ADO.NET providers read
/// <c>OrleansQuery</c> when they start, therefore always finds the schema in place, whatever the registration order.
/// A failure stops the host from starting, with the migration and database named in the exception.
/// </summary>
public sealed class PostgresMigrationHostedService : IHostedLifecycleService
{
    private readonly IOptions<OmsPostgresOptions> options;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;

    public PostgresMigrationHostedService(IOptions<OmsPostgresOptions> options, ILoggerFactory loggerFactory)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        logger = loggerFactory.CreateLogger<PostgresMigrationHostedService>();
    }

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value; // throws OptionsValidationException when invalid
        if (!settings.ApplyMigrationsOnStart && !settings.CreateDatabaseIfMissing)
        {
            logger.LogInformation("OMS PostgreSQL schema migrations are disabled ({Options})", settings);
            return;
        }

        var migrator = new PostgresMigrator(SchemaMigrations.Embedded, loggerFactory.CreateLogger<PostgresMigrator>(), settings.MigrationLockTimeout);
        if (settings.CreateDatabaseIfMissing)
        {
            await migrator.CreateDatabaseIfMissingAsync(settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        }

        if (settings.ApplyMigrationsOnStart)
        {
            await migrator.ApplyAsync(settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
