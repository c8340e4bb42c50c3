using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Storage.PostgreSql.Journal;

namespace Oms.Storage.PostgreSql;

/// <summary>Registers the OMS PostgreSQL store.</summary>
public static class OmsPostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OmsPostgresOptions"/> (validated at start), the shared <see cref="OmsPostgresDataSource"/>,
    /// <see cref="PostgresMigrator"/>, <see cref="PostgresJournal"/>, <see cref="IEventJournal"/> (a <see cref="GroupCommitJournal"/>
    /// over it unless <see cref="OmsPostgresOptions.JournalGroupCommit"/> is off), the account grains'
    /// <see cref="Oms.Grains.IExecutionReportJournal"/> (<see cref="PostgresExecutionReportJournal"/>, replacing the in-memory
    /// default; it needs the Orleans serializer, so a host resolving it runs Orleans) and, for
    /// <see cref="OmsPostgresOptions.ApplyMigrationsOnStart"/>, the start-up migration before every hosted service.
    /// </summary>
    public static IServiceCollection AddOmsPostgres(this IServiceCollection services, Action<OmsPostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<OmsPostgresOptions>().Configure(configure);
        return services.AddOmsPostgresCore();
    }

    /// <summary>As <see cref="AddOmsPostgres(IServiceCollection, Action{OmsPostgresOptions})"/>, binding the options from a configuration section (e.g. <c>Oms:Postgres</c>).</summary>
    public static IServiceCollection AddOmsPostgres(this IServiceCollection services, IConfiguration section, Action<OmsPostgresOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddOptions<OmsPostgresOptions>().Bind(section);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services.AddOmsPostgresCore();
    }

    private static IServiceCollection AddOmsPostgresCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OmsPostgresOptions>, OmsPostgresOptionsValidator>());
        services.AddOptions<OmsPostgresOptions>().ValidateOnStart();
        services.TryAddSingleton<OmsPostgresDataSource>();
        services.TryAddSingleton(sp => new PostgresMigrator(
            SchemaMigrations.Embedded,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresMigrator>(),
            sp.GetRequiredService<IOptions<OmsPostgresOptions>>().Value.MigrationLockTimeout));
        services.TryAddSingleton(sp => new PostgresJournal(
            sp.GetRequiredService<OmsPostgresDataSource>().DataSource,
            sp.GetRequiredService<ILogger<PostgresJournal>>()));
        services.TryAddSingleton<IEventJournal>(sp =>
            sp.GetRequiredService<IOptions<OmsPostgresOptions>>().Value.JournalGroupCommit
                ? new GroupCommitJournal(sp.GetRequiredService<PostgresJournal>(), sp.GetRequiredService<ILogger<GroupCommitJournal>>())
                : sp.GetRequiredService<PostgresJournal>());
        // The account grains' journal (history, closed orders, fill keys) on PostgreSQL, shared by every silo: it
        // replaces the per-silo in-memory default whether AddOmsGrains ran before or after this call.
        services.RemoveAll<Oms.Grains.IExecutionReportJournal>();
        services.AddSingleton<Oms.Grains.IExecutionReportJournal>(sp => new PostgresExecutionReportJournal(
            sp.GetRequiredService<OmsPostgresDataSource>().DataSource,
            sp.GetRequiredService<Orleans.Serialization.Serializer>(),
            sp.GetRequiredService<ILogger<PostgresExecutionReportJournal>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, PostgresMigrationHostedService>());
        return services;
    }
}
