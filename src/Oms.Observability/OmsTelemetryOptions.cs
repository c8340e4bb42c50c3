using Microsoft.Extensions.Configuration;

namespace Oms.Observability;

/// <summary>
/// Telemetry settings, bound from <c>Oms:Telemetry</c>. The OTLP exporter is not configured here: it follows the
/// standard OpenTelemetry environment variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c>, the per-signal <c>OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_*</c>,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, …) and is on only
/// when an endpoint is set.
/// </summary>
public sealed class OmsTelemetryOptions
{
    public const string SectionName = "Oms:Telemetry";

    /// <summary>Service name on all telemetry unless <c>OTEL_SERVICE_NAME</c> is set.</summary>
    public string ServiceName { get; set; } = "oms-silo";

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> on the HTTP/1.1 (dashboard) port.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Record traces. Default (unset): on exactly when an OTLP endpoint is configured, so a silo without a trace
    /// backend does not pay for spans nobody reads.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>Fraction of new traces recorded (parent-based: a sampled caller's trace is always continued).</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The environment variables (configuration keys) that turn the OTLP exporter on.</summary>
    public static IReadOnlyList<string> OtlpEndpointKeys { get; } =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    /// <summary>Whether any OTLP endpoint is configured (environment variables are part of the host configuration).</summary>
    public static bool IsOtlpConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return OtlpEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]));
    }

    /// <summary>Reads and validates the options.</summary>
    public static OmsTelemetryOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new OmsTelemetryOptions();
        configuration.GetSection(SectionName).Bind(options);
        if (string.IsNullOrWhiteSpace(options.ServiceName))
            throw new InvalidOperationException($"{SectionName}:ServiceName must not be empty");
        if (!(options.TraceSampleRatio is >= 0d and <= 1d))
            throw new InvalidOperationException($"{SectionName}:TraceSampleRatio must be between 0 and 1 (was {options.TraceSampleRatio})");
        return options;
    }

    /// <summary>Whether traces are recorded, given the configuration.</summary>
    public bool TracingEnabled(IConfiguration configuration) => Tracing ?? IsOtlpConfigured(configuration);
}
