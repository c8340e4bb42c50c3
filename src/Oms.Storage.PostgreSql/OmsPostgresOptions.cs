namespace Oms.Storage.PostgreSql;

/// <summary>
/// Settings for the OMS PostgreSQL store (Orleans clustering, grain state, reminders and the journal),
/// bound from configuration (conventionally the <c>Oms:Postgres</c> section) and validated at start-up.
/// </summary>
public sealed class OmsPostgresOptions
{
    /// <summary>The conventional configuration section name.</summary>
    public const string SectionName = "Oms:Postgres";

    /// <summary>
    /// The ADO.NET invariant to give the Orleans ADO.NET providers (clustering, grain storage, reminders).
    /// Orleans 10 loads <c>Npgsql.NpgsqlFactory</c> from the Npgsql assembly by this name; no DbProviderFactories registration is needed.
    /// </summary>
    public const string AdoNetInvariant = "Npgsql";

    /// <summary>
    /// Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=oms;Password=...;Database=oms</c>.
    /// Secret: never logged as is (see <see cref="PostgresConnectionStrings.Redact"/>).
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Applies pending schema migrations before any hosted service (the silo included) starts. Default: true.</summary>
    public bool ApplyMigrationsOnStart { get; set; } = true;

    /// <summary>
    /// Creates the database named in <see cref="ConnectionString"/> when it does not exist, before migrating.
    /// Needs a role with CREATEDB; meant for development and tests. Default: false.
    /// </summary>
    public bool CreateDatabaseIfMissing { get; set; }

    /// <summary>How long start-up waits for another process that is migrating the same database. Default: 2 minutes.</summary>
    public TimeSpan MigrationLockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Coalesces concurrent single appends to the journal into one statement (<see cref="Journal.GroupCommitJournal"/>).
    /// Default: true.
    /// </summary>
    public bool JournalGroupCommit { get; set; } = true;

    /// <summary>Returns a description with the connection string redacted.</summary>
    public override string ToString() =>
        $"ConnectionString={PostgresConnectionStrings.Redact(ConnectionString)}; ApplyMigrationsOnStart={ApplyMigrationsOnStart}; " +
        $"CreateDatabaseIfMissing={CreateDatabaseIfMissing}; MigrationLockTimeout={MigrationLockTimeout}; JournalGroupCommit={JournalGroupCommit}";
}
