using System.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Secrets;

namespace Oms.Cli.CommandLine;

/// <summary>A command's body: returns the exit code.</summary>
internal delegate Task<int> CommandHandler(CliContext context, CancellationToken cancellationToken);

/// <summary>
/// Runs command handlers with one error policy: expected failures print <c>error: …</c> on stderr (and, under
/// <c>--json</c>, an <see cref="ErrorDocument"/> on stdout) and exit with their code; unexpected exceptions exit 10.
/// </summary>
internal sealed class CommandRunner(GlobalOptions globals, CliHost host)
{
    public GlobalOptions Globals => globals;

    /// <summary>Binds <paramref name="handler"/> as the action of <paramref name="command"/>.</summary>
    public void Bind(Command command, CommandHandler handler) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, handler, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, CommandHandler handler, CancellationToken cancellationToken)
    {
        var output = new CliOutput(parseResult.GetValue(globals.Json), host.Stdout, host.Stderr, host.Environment, host.StdoutRedirected);
        try
        {
            await using var context = new CliContext(parseResult, globals, output, host.Environment, host.CurrentDirectory);
            return await handler(context, cancellationToken);
        }
        catch (CliException ex)
        {
            return Fail(output, ex);
        }
        catch (SecretStoreException ex)
        {
            return Fail(output, SecretsFailure(ex));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Diagnostic("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            return Fail(output, new CliException(ExitCodes.Internal, "internal", $"unexpected {ex.GetType().Name}: {ex.Message}", innerException: ex));
        }
    }

    private static CliException SecretsFailure(SecretStoreException ex) =>
        new(ExitCodes.SecretStore, "secret_store", ex.Message, new
        {
            kind = ex.Kind.ToString(),
            store = ex.Store,
            venue = ex.Venue is { } venue ? SecretNaming.VenueName(venue) : null,
            account = ex.Account?.Value,
            location = ex.Location,
            field = ex.Field is { } field ? SecretFieldNames.SnakeCase(field) : null,
        });

    private static int Fail(CliOutput output, CliException ex)
    {
        output.Error(ex.Message);
        // One line, so that it also ends a JSON Lines stream (`oms watch --json`) cleanly.
        if (output.Json) output.WriteJsonLine(new ErrorDocument(new ErrorView(ex.ExitCode, ex.Kind, ex.Message, ex.Details)));
        return ex.ExitCode;
    }
}

/// <summary>The process around the CLI: streams, environment and working directory (replaceable in tests).</summary>
internal sealed record CliHost(TextWriter Stdout, TextWriter Stderr, Func<string, string?> Environment, string CurrentDirectory, bool StdoutRedirected)
{
    public static CliHost FromProcess() => new(
        Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory(), Console.IsOutputRedirected);
}
