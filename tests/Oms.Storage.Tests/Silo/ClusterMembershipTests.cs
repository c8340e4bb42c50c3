using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Oms.Storage.PostgreSql;
using Oms.Storage.PostgreSql.Journal;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests.Silo;

[Collection(OrleansCollection.Name)]
public sealed class ClusterMembershipTests(MigratedDatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<MigratedDatabaseFixture>
{
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;

    [Fact]
    public async Task Second_silo_on_other_ports_joins_the_cluster_through_the_membership_table()
    {
        var clusterId = $"c-{Guid.NewGuid():N}";
        await using var first = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-a", output);
        await using var second = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-b", output);

        var rows = await Eventually.WaitAsync(
            () => MembersAsync(clusterId),
            members => members.Count(m => m.Status == Active) == 2,
            "two Active membership rows");

        Assert.Equal(
            new[] { first.SiloPort, second.SiloPort }.Order(),
            rows.Where(m => m.Status == Active).Select(m => m.Port).Order());
        Assert.All(rows, m => Assert.Equal("127.0.0.1", m.Address));
        Assert.Contains(rows, m => m.SiloName == "silo-a" && m.ProxyPort == first.GatewayPort);
        Assert.Contains(rows, m => m.SiloName == "silo-b" && m.ProxyPort == second.GatewayPort);
        Assert.True(await Sql.ScalarAsync<int>(fixture.ConnectionString, "SELECT version FROM orleansmembershipversiontable WHERE deploymentid = @d", ("d", clusterId)) >= 2);

        // Both silos see each other as active members of one cluster.
        var seenByFirst = await first.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var seenBySecond = await second.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, seenByFirst.Count);
        Assert.Equal(seenByFirst.Keys.Order(), seenBySecond.Keys.Order());

        // A grain is one activation cluster-wide: calls through either silo share its state.
        var counter = $"shared-{Guid.NewGuid():N}";
        Assert.Equal(1, await first.Grains.GetGrain<ICounterGrain>(counter).IncrementAsync());
        Assert.Equal(2, await second.Grains.GetGrain<ICounterGrain>(counter).IncrementAsync());

        // A graceful stop marks the member Dead and the survivor drops it.
        await second.StopAsync();
        await Eventually.WaitAsync(
            () => MembersAsync(clusterId),
            members => members.Single(m => m.Port == second.SiloPort).Status == Dead,
            "the stopped silo's row to become Dead");
        await Eventually.WaitAsync(
            () => first.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true),
            hosts => hosts.Count == 1,
            "the surviving silo to see one active host");

        // Defunct-entry cleanup (per-row query, matching on the captured timestamps) removes only the dead row.
        var table = first.Services.GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        var remaining = await MembersAsync(clusterId);
        Assert.Equal(first.SiloPort, Assert.Single(remaining).Port);
        Assert.Equal(Active, remaining[0].Status);
    }

    [Fact]
    public async Task Client_finds_the_gateway_through_the_membership_table()
    {
        var clusterId = $"c-{Guid.NewGuid():N}";
        await using var silo = await OrleansSilo.StartAsync(fixture.ConnectionString, clusterId, "silo-gw", output);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "oms-storage-tests";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansSilo.Invariant;
                o.ConnectionString = fixture.ConnectionString;
            });
        });
        using var clientHost = builder.Build();
        await clientHost.StartAsync();
        try
        {
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            var key = $"via-gateway-{Guid.NewGuid():N}";

            Assert.Equal(1, await client.GetGrain<ICounterGrain>(key).IncrementAsync());
            Assert.Equal(1, await silo.Grains.GetGrain<ICounterGrain>(key).GetAsync());
        }
        finally
        {
            await clientHost.StopAsync();
        }
    }

    [Fact]
    public async Task Silo_with_AddOmsPostgres_creates_and_migrates_a_new_database_before_Orleans_starts()
    {
        var connectionString = PostgresConnectionStrings.WithDatabase(fixture.ConnectionString, TestPostgres.NewDatabaseName("silo"));
        try
        {
            await using var silo = await OrleansSilo.StartAsync(connectionString, $"c-{Guid.NewGuid():N}", "silo-profile", output, addOmsPostgres: true);

            Assert.Equal(1, await silo.Grains.GetGrain<ICounterGrain>("profile").IncrementAsync());
            var journal = silo.Services.GetRequiredService<IEventJournal>();
            Assert.Equal(AppendOutcome.Appended, await journal.AppendAsync("account:profile", 0, "OrderAccepted", """{"id":"o-1"}"""));
            Assert.Equal(SchemaMigrations.LatestVersion, (await PostgresMigrator.GetAppliedVersionsAsync(connectionString)).Max());
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private Task<List<MemberRow>> MembersAsync(string clusterId) =>
        Sql.ListAsync(
            fixture.ConnectionString,
            "SELECT address, port, siloname, status, proxyport FROM orleansmembershiptable WHERE deploymentid = @d",
            r => new MemberRow(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4)),
            ("d", clusterId));

    private sealed record MemberRow(string Address, int Port, string SiloName, int Status, int ProxyPort);
}
