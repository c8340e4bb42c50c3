using Oms.Observability;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Oms.Silo.Hosting;

/// <summary>Serilog: readable console output and a size-rolling structured (CLEF JSON) file <c>logs/oms.log</c>.</summary>
public static class LoggingExtensions
{
    /// <summary>Configuration key of the log file path (relative to the working directory); empty disables the file.</summary>
    public const string FilePathKey = "Oms:Logging:FilePath";

    /// <summary>Size at which the log file rolls over.</summary>
    public const long FileSizeLimitBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Replaces the default logging with Serilog. Levels come from the <c>Serilog:MinimumLevel</c> section
    /// (Polly defaults to Warning). The file sink writes one CLEF JSON object per event with every structured field
    /// (<c>Account</c>, <c>ClientOrderId</c>, …) and the trace and span ids of the current span (<c>@tr</c>, <c>@sp</c>);
    /// the console shows the trace id too. The file is exactly <c>logs/oms.log</c> until it reaches
    /// <see cref="FileSizeLimitBytes"/>; Serilog then continues in <c>oms_001.log</c>, <c>oms_002.log</c>, … (it cannot
    /// rename the active file), keeping the newest <c>10</c>. When an OTLP endpoint is configured, events are also
    /// handed to the OpenTelemetry logger provider, which exports them over OTLP.
    /// </summary>
    public static WebApplicationBuilder AddOmsLogging(this WebApplicationBuilder builder)
    {
        var filePath = builder.Configuration[FilePathKey] ?? "logs/oms.log";
        var exportOverOtlp = OmsTelemetryOptions.IsOtlpConfigured(builder.Configuration);
        if (exportOverOtlp)
        {
            // Serilog forwards to the registered providers; only OpenTelemetry's (added with the telemetry) should get them.
            builder.Logging.ClearProviders();
        }
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "oms-silo")
                .Enrich.WithProperty("MachineName", Environment.MachineName)
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj} {TraceId}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(filePath))
            {
                logger.WriteTo.File(new CompactJsonFormatter(), filePath, rollingInterval: RollingInterval.Infinite,
                    retainedFileCountLimit: 10, fileSizeLimitBytes: FileSizeLimitBytes, rollOnFileSizeLimit: true, shared: true);
            }
        }, writeToProviders: exportOverOtlp);
        return builder;
    }
}
