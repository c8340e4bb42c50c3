namespace Oms.Storage.PostgreSql;

/// <summary>What <see cref="PostgresMigrator.ApplyAsync"/> did.</summary>
/// <param name="Database">The database migrated.</param>
/// <param name="Applied">Migrations applied by this call, in order (empty when the schema was current).</param>
/// <param name="AlreadyApplied">How many known migrations were found applied before this call.</param>
/// <param name="SchemaVersion">The highest version recorded in <c>schema_migrations</c> afterwards.</param>
public sealed record MigrationReport(string Database, IReadOnlyList<SchemaMigration> Applied, int AlreadyApplied, int SchemaVersion);
