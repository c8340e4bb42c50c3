namespace Oms.Cli.Errors;

/// <summary>
/// An expected failure of a command: carries the exit code, the message for stderr and, for <c>--json</c>, a
/// machine-readable kind (<c>usage</c>, <c>refused</c>, <c>not_found</c>, …) and optional details.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string kind, string message, object? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        Kind = kind;
        Details = details;
    }

    public int ExitCode { get; }

    /// <summary>Short machine-readable category, e.g. <c>usage</c>, <c>unavailable</c>.</summary>
    public string Kind { get; }

    /// <summary>Extra JSON-serializable data for <c>--json</c> (field violations, a denial).</summary>
    public object? Details { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, "usage", message);
}
