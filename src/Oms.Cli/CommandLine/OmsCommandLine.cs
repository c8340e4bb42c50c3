using System.CommandLine;
using Oms.Cli.Commands;
using Oms.Cli.Errors;
using Oms.Cli.Output;

namespace Oms.Cli.CommandLine;

/// <summary>The <c>oms</c> command tree.</summary>
internal static class OmsCommandLine
{
    public static RootCommand Build(CliHost host)
    {
        var globals = new GlobalOptions();
        var runner = new CommandRunner(globals, host);
        var root = new RootCommand(
            "oms: the OMS command line. Talks gRPC (oms.v1) to a running silo; start one with `dotnet run --project silo/Oms.Silo`." + Environment.NewLine +
            "Exit codes: 0 ok, 1 usage or invalid request, 2 denied/rejected/refused, 3 not found, 4 authentication or permission, " +
            "5 silo unreachable or unavailable, 6 secret store error, 10 internal, 130 interrupted.");
        globals.AddTo(root);
        foreach (var command in AccountCommands.Create(runner)) root.Subcommands.Add(command);
        foreach (var command in OrderCommands.Create(runner)) root.Subcommands.Add(command);
        root.Subcommands.Add(OrderListCommands.Create(runner));
        root.Subcommands.Add(RiskCommands.Create(runner));
        root.Subcommands.Add(WatchCommand.Create(runner));
        root.Subcommands.Add(SecretsCommands.Create(runner));
        return root;
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(r.Command.Name);
        }
        return names;
    }

    /// <summary>Parses and runs; parse errors print on stderr with a pointer to --help and exit 1.</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var root = Build(host);
        var configuration = new InvocationConfiguration
        {
            Output = host.Stdout,
            Error = host.Stderr,
            // Errors are handled by CommandRunner; anything reaching here is a bug, reported as such.
            EnableDefaultExceptionHandler = false,
        };
        if (args.Length == 0)
        {
            // `oms` alone: the help page, as a usage error (nothing was done).
            await root.Parse(["--help"]).InvokeAsync(configuration, cancellationToken);
            return ExitCodes.Usage;
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Errors only, with a pointer to the help of the command that was meant: a full help page hides the error.
            foreach (var error in parseResult.Errors) await host.Stderr.WriteLineAsync("error: " + error.Message);
            var path = string.Join(' ', parseResult.CommandResult.Command is RootCommand ? [] : CommandPath(parseResult.CommandResult));
            await host.Stderr.WriteLineAsync($"run `oms {(path.Length == 0 ? string.Empty : path + " ")}--help` for usage");
            if (args.Contains("--json", StringComparer.Ordinal))
            {
                var message = string.Join("; ", parseResult.Errors.Select(e => e.Message));
                new CliOutput(json: true, host.Stdout, host.Stderr, host.Environment, host.StdoutRedirected)
                    .WriteJsonLine(new ErrorDocument(new ErrorView(ExitCodes.Usage, "usage", message, null)));
            }
            return ExitCodes.Usage;
        }
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex)
        {
            await host.Stderr.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Internal;
        }
    }
}
