using System.Data.Common;
using System.Net;
using Npgsql;
using Oms.Grains;
using Oms.Storage.PostgreSql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace Oms.Silo.Hosting;

/// <summary>Configures the Orleans silo for the selected profile.</summary>
public static class OrleansHostingExtensions
{
    /// <summary>ADO.NET invariant name of Npgsql, as the Orleans ADO.NET providers expect it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Adds the silo: OMS grains, grain storage <see cref="OmsStorage.Name"/>, reminders, clustering and endpoints.
    /// Embedded: localhost clustering and in-memory storage and reminders. Cluster: ADO.NET clustering, storage and
    /// reminders on PostgreSQL (<c>Oms:Postgres</c>), schema migrations applied before the silo starts when enabled.
    /// Grain state is serialized with the Orleans serializer (the grains' state types are generated serializers).
    /// </summary>
    public static WebApplicationBuilder AddOmsOrleans(this WebApplicationBuilder builder, OmsProfile profile)
    {
        var host = OmsHostOptions.Read(builder.Configuration);
        builder.Services.AddOmsGrains();
        builder.Services.AddOptions<OmsGrainOptions>().Bind(builder.Configuration.GetSection(OmsGrainOptions.SectionName));
        builder.Services.AddOptions<ContingentOrderOptions>().Bind(builder.Configuration.GetSection(ContingentOrderOptions.SectionName));

        string? connectionString = null;
        if (profile == OmsProfile.Cluster)
        {
            var section = builder.Configuration.GetSection(OmsPostgresOptions.SectionName);
            builder.Services.AddOmsPostgres(section);
            connectionString = section[nameof(OmsPostgresOptions.ConnectionString)];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"the cluster profile needs {OmsPostgresOptions.SectionName}:ConnectionString (environment: Oms__Postgres__ConnectionString)");
            }
            DbProviderFactories.RegisterFactory(NpgsqlInvariant, NpgsqlFactory.Instance);
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });

            if (profile == OmsProfile.Embedded)
            {
                silo.UseLocalhostClustering(host.SiloPort, host.OrleansGatewayPort, null, host.ServiceId, host.ClusterId);
                silo.AddMemoryGrainStorage(OmsStorage.Name, o => o.Configure<IServiceProvider>(UseOrleansSerializer));
                silo.UseInMemoryReminderService();
            }
            else
            {
                ConfigureEndpoints(silo, host);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(OmsStorage.Name, o =>
                {
                    o.Configure(s =>
                    {
                        s.Invariant = NpgsqlInvariant;
                        s.ConnectionString = connectionString;
                    });
                    o.Configure<IServiceProvider>(UseOrleansSerializer);
                });
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = connectionString;
                });
            }

            if (host.DashboardPort != 0)
            {
                silo.AddDashboard();
            }

            // Grain calls carry the caller's trace context (W3C traceparent) and open spans when traces are recorded.
            silo.AddActivityPropagation();
        });
        return builder;
    }

    private static void UseOrleansSerializer(IStorageProviderSerializerOptions options, IServiceProvider services) =>
        options.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());

    private static void ConfigureEndpoints(ISiloBuilder silo, OmsHostOptions host)
    {
        if (!string.IsNullOrWhiteSpace(host.AdvertisedAddress))
        {
            var advertised = IPAddress.Parse(host.AdvertisedAddress);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = host.SiloPort;
                o.GatewayPort = host.OrleansGatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(advertised, host.SiloPort);
                o.GatewayListeningEndpoint = host.OrleansGatewayPort == 0 ? null : new IPEndPoint(advertised, host.OrleansGatewayPort);
            });
        }
        else
        {
            silo.ConfigureEndpoints(host.SiloPort, host.OrleansGatewayPort, listenOnAnyHostAddress: true);
        }
    }
}
