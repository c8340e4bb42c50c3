using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Oms.Storage.PostgreSql;

namespace Oms.Storage.Tests.Silo;

/// <summary>
/// A real Orleans silo host on loopback using the ADO.NET clustering, grain storage and reminder providers
/// with invariant "Npgsql" against a migrated test database — the cluster profile's wiring.
/// </summary>
public sealed class OrleansSilo : IAsyncDisposable
{
    public const string StorageName = "oms";
    public const string DeletingStorageName = "oms-delete";
    public const string Invariant = Oms.Storage.PostgreSql.OmsPostgresOptions.AdoNetInvariant;

    private readonly IHost host;
    private readonly NpgsqlDataSource dataSource;
    private bool stopped;

    private OrleansSilo(IHost host, NpgsqlDataSource dataSource, string name, int siloPort, int gatewayPort)
    {
        this.host = host;
        this.dataSource = dataSource;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <param name="addOmsPostgres">Also registers AddOmsPostgres (after UseOrleans), creating and migrating the database at start.</param>
    public static async Task<OrleansSilo> StartAsync(string connectionString, string clusterId, string name, ITestOutputHelper? output = null, bool addOmsPostgres = false)
    {
        var siloPort = FreeLoopbackPort();
        var gatewayPort = FreeLoopbackPort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output, name));
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "oms-storage-tests";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(StorageName, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            // This provider shares a pool through the DataSource option instead of a connection string.
            silo.AddAdoNetGrainStorage(DeletingStorageName, o =>
            {
                o.Invariant = Invariant;
                o.DataSource = dataSource;
                o.DeleteStateOnClear = true;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            // Tests only: Orleans enforces a one-minute minimum reminder period by default.
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });

        if (addOmsPostgres)
        {
            builder.Services.AddOmsPostgres(o =>
            {
                o.ConnectionString = connectionString;
                o.CreateDatabaseIfMissing = true;
                o.ApplyMigrationsOnStart = true;
            });
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            await dataSource.DisposeAsync();
            throw;
        }

        return new OrleansSilo(host, dataSource, name, siloPort, gatewayPort);
    }

    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        await host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
        await dataSource.DisposeAsync();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class TestOutputLoggerProvider(ITestOutputHelper output, string silo) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(output, silo, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ITestOutputHelper output, string silo, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                try
                {
                    output.WriteLine($"[{silo}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetType().Name + ": " + exception.Message)}");
                }
                catch (InvalidOperationException)
                {
                    // The test that owned this output has finished.
                }
            }
        }
    }
}
