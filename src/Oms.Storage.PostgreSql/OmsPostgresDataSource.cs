using Microsoft.Extensions.Options;
using Npgsql;

namespace Oms.Storage.PostgreSql;

/// <summary>
/// The OMS's shared <see cref="NpgsqlDataSource"/> (connection pool), built from <see cref="OmsPostgresOptions"/>.
/// Registered as a singleton by <c>AddOmsPostgres</c>; disposed with the service provider. The silo can hand
/// <see cref="DataSource"/> to the Orleans ADO.NET providers (their <c>DataSource</c> option) to share the pool.
/// </summary>
public sealed class OmsPostgresDataSource : IAsyncDisposable, IDisposable
{
    public OmsPostgresDataSource(IOptions<OmsPostgresOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DataSource = NpgsqlDataSource.Create(options.Value.ConnectionString);
    }

    /// <summary>The pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => DataSource.Dispose();
}
