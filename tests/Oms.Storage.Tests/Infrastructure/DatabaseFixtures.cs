using Oms.Storage.PostgreSql;

namespace Oms.Storage.Tests.Infrastructure;

/// <summary>A fresh, empty database per test class, dropped afterwards; extra scratch databases on demand.</summary>
public class EmptyDatabaseFixture : IAsyncLifetime
{
    private readonly List<string> created = [];
    private readonly string purpose;

    public EmptyDatabaseFixture()
        : this("empty")
    {
    }

    protected EmptyDatabaseFixture(string purpose)
    {
        this.purpose = purpose;
    }

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Creates another fresh database owned (and dropped) by this fixture.</summary>
    public async Task<string> CreateScratchDatabaseAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(purpose);
        lock (created)
        {
            created.Add(connectionString);
        }

        return connectionString;
    }

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await CreateScratchDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var connectionString in created)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}

/// <summary>A fresh database per test class with all embedded migrations applied.</summary>
public class MigratedDatabaseFixture : EmptyDatabaseFixture
{
    public MigratedDatabaseFixture()
        : base("migrated")
    {
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await new PostgresMigrator().ApplyAsync(ConnectionString);
    }
}
