using Oms.Gateway.Hosting;
using Oms.Silo.Accounts;
using Oms.Silo.Connectors;
using Oms.Silo.Venues;

namespace Oms.Silo.Hosting;

/// <summary>
/// The whole host, in the order it is wired. <c>Program.cs</c> and the in-process tests both go through here, so the
/// tests exercise exactly what <c>dotnet run</c> starts (tests register their venue double before calling it).
/// </summary>
public static class OmsSilo
{
    /// <summary>Creates the builder with the silo's content root (configuration files live beside the binaries).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    /// <summary>Adds every part of the silo for the profile selected in configuration.</summary>
    public static WebApplicationBuilder AddOmsSilo(this WebApplicationBuilder builder)
    {
        var profile = builder.AddOmsProfile();
        builder.AddOmsLogging();
        builder.AddOmsSiloTelemetry();
        builder.AddOmsEndpoints();
        builder.AddOmsConnectors(profile);
        builder.AddOmsVenuePorts();
        builder.AddOmsOrleans(profile);
        builder.AddOmsAccountProvisioning();
        builder.Services.AddOmsGateway(builder.Configuration);
        return builder;
    }

    /// <summary>Maps the gRPC gateway (with health and reflection), the dashboard and the HTTP health endpoint.</summary>
    public static WebApplication MapOmsSilo(this WebApplication app)
    {
        app.MapOmsSiloTelemetry();
        app.MapOmsGateway();
        app.MapOmsDashboard();
        // Plain HTTP readiness for probes that cannot speak gRPC (container platforms): 200 when SERVING, else 503.
        app.MapHealthChecks(HealthPath);
        return app;
    }

    /// <summary>Path of the HTTP health endpoint (the same checks as grpc.health.v1).</summary>
    public const string HealthPath = "/healthz";
}
