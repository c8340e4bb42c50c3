using Microsoft.Extensions.Options;
using Oms.Observability;

namespace Oms.Silo.Hosting;

/// <summary>OpenTelemetry for the silo: meters, traces, OTLP (when configured) and <c>/metrics</c> on the dashboard port.</summary>
public static class TelemetryExtensions
{
    /// <summary>Adds the OMS telemetry (<see cref="TelemetryHostingExtensions.AddOmsTelemetry(WebApplicationBuilder)"/>).</summary>
    public static WebApplicationBuilder AddOmsSiloTelemetry(this WebApplicationBuilder builder) => builder.AddOmsTelemetry();

    /// <summary>Serves the Prometheus scrape endpoint on the HTTP/1.1 dashboard port (not served when that port is 0).</summary>
    public static WebApplication MapOmsSiloTelemetry(this WebApplication app)
    {
        var host = app.Services.GetRequiredService<IOptions<OmsHostOptions>>().Value;
        app.MapOmsTelemetry(host.DashboardPort);
        return app;
    }
}
