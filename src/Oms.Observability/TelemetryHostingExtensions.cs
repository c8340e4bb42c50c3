using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Oms.Observability;

/// <summary>Wires OpenTelemetry into an OMS host: meters, traces, the OTLP exporter and the Prometheus scrape endpoint.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Adds the OMS telemetry to the host (see <see cref="AddOmsTelemetry(IServiceCollection, IConfiguration)"/>).</summary>
    public static WebApplicationBuilder AddOmsTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOmsTelemetry(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Adds OpenTelemetry: metrics from <see cref="OmsTelemetry.ExportedMeters"/> (the OMS, the connectors, Orleans,
    /// ASP.NET Core, the runtime) with fine latency buckets; traces from <see cref="OmsTelemetry.TracedSources"/> and
    /// ASP.NET Core (gRPC calls; dashboard, scrape and health requests are not traced) when
    /// <see cref="OmsTelemetryOptions.TracingEnabled"/>; the Prometheus exporter; and, when an OTLP endpoint is
    /// configured through the standard environment variables, the OTLP exporter for traces, metrics and logs.
    /// </summary>
    public static IServiceCollection AddOmsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = OmsTelemetryOptions.Read(configuration);
        services.AddSingleton(options);
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } fromEnvironment ? fromEnvironment : options.ServiceName;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(OmsTelemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                foreach (var meter in OmsTelemetry.ExportedMeters) metrics.AddMeter(meter);
                // The connector's call latency histogram has no bucket advice; give it the OMS latency buckets.
                metrics.AddView("binance.call.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [.. OmsTelemetry.LatencyBucketsMs] });
                if (options.Prometheus) metrics.AddPrometheusExporter();
            });

        if (options.TracingEnabled(configuration))
        {
            telemetry.WithTracing(tracing =>
            {
                foreach (var source in OmsTelemetry.TracedSources) tracing.AddSource(source);
                tracing.AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = IsTraced);
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)));
            });
        }

        if (OmsTelemetryOptions.IsOtlpConfigured(configuration))
        {
            // Endpoint, protocol, headers, timeouts, per-signal overrides, export interval: all from OTEL_* settings.
            telemetry.UseOtlpExporter();
        }
        return services;
    }

    /// <summary>
    /// Serves the Prometheus scrape endpoint <see cref="MetricsPath"/> on <paramref name="port"/> only (the HTTP/1.1
    /// dashboard port; the gRPC port speaks HTTP/2 only, which Prometheus cannot scrape). Does nothing when the port
    /// is 0 or <see cref="OmsTelemetryOptions.Prometheus"/> is off.
    /// </summary>
    public static IApplicationBuilder MapOmsTelemetry(this IApplicationBuilder app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<OmsTelemetryOptions>();
        if (port == 0 || !options.Prometheus) return app;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Connection.LocalPort == port && context.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase),
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        return app;
    }

    /// <summary>Requests worth a trace: everything but the dashboard (it polls every second), scrapes and health probes.</summary>
    private static bool IsTraced(HttpContext context)
    {
        var path = context.Request.Path;
        return !(path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
            || (path.Value ?? string.Empty).StartsWith("/grpc.health.", StringComparison.Ordinal)
            || (path.Value ?? string.Empty).StartsWith("/grpc.reflection.", StringComparison.Ordinal));
    }
}
