using Npgsql;

namespace Oms.Storage.PostgreSql;

/// <summary>Helpers for Npgsql connection strings.</summary>
public static class PostgresConnectionStrings
{
    private const string Hidden = "***";

    /// <summary>
    /// Returns the connection string with every secret (password, SSL key password) replaced by <c>***</c>,
    /// safe to log. A string that cannot be parsed is replaced whole.
    /// </summary>
    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return string.Empty;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = Hidden;
            }

            if (!string.IsNullOrEmpty(builder.SslPassword))
            {
                builder.SslPassword = Hidden;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string, redacted)";
        }
    }

    /// <summary>Returns a copy of <paramref name="connectionString"/> pointing at database <paramref name="database"/>.</summary>
    public static string WithDatabase(string connectionString, string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = database };
        return builder.ConnectionString;
    }

    /// <summary>Returns the database name in <paramref name="connectionString"/>, or throws when there is none.</summary>
    public static string DatabaseOf(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrWhiteSpace(database))
        {
            throw new ArgumentException(
                $"The connection string names no Database: {Redact(connectionString)}", nameof(connectionString));
        }

        return database;
    }
}
