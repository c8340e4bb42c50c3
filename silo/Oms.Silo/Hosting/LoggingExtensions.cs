using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Oms.Silo.Hosting;

/// <summary>Serilog: readable console output and a daily-rolling structured (CLEF JSON) file.</summary>
public static class LoggingExtensions
{
    /// <summary>Configuration key of the log file path (relative to the working directory); empty disables the file.</summary>
    public const string FilePathKey = "Oms:Logging:FilePath";

    /// <summary>
    /// Replaces the default logging with Serilog. Levels come from the <c>Serilog:MinimumLevel</c> section
    /// (Polly defaults to Warning); the file sink writes one JSON object per event with every structured field.
    /// </summary>
    public static WebApplicationBuilder AddOmsLogging(this WebApplicationBuilder builder)
    {
        var filePath = builder.Configuration[FilePathKey] ?? "logs/oms.log";
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
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(filePath))
            {
                logger.WriteTo.File(new CompactJsonFormatter(), filePath, rollingInterval: RollingInterval.Day,
                    retainedFileCountLimit: 14, fileSizeLimitBytes: 256L * 1024 * 1024, rollOnFileSizeLimit: true, shared: true);
            }
        });
        return builder;
    }
}
