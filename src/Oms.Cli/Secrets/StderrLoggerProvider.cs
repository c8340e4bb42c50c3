using Microsoft.Extensions.Logging;
using Oms.Cli.Output;

namespace Oms.Cli.Secrets;

/// <summary>
/// Sends the secret store's log events (from <paramref name="minimum"/> up) to stderr as <c>warning: …</c> lines, so a
/// warning such as "the secrets file is readable by others" reaches the operator without touching stdout.
/// The store never logs secret values (Oms.Secrets redaction rules).
/// </summary>
internal sealed class StderrLoggerProvider(CliOutput output, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(output, minimum);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(CliOutput output, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var level = logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                LogLevel.Information => "info",
                _ => "debug",
            };
            output.Diagnostic($"{level}: {formatter(state, exception)}" + (exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}
