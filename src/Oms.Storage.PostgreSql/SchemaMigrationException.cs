namespace Oms.Storage.PostgreSql;

/// <summary>A schema migration could not be applied, or the database's migration history is inconsistent.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException()
    {
    }

    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The migration version concerned, when there is one.</summary>
    public int? Version { get; init; }
}
