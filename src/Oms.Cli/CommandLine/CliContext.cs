using System.CommandLine;
using Oms.Cli.Connection;
using Oms.Cli.Errors;
using Oms.Cli.Output;

namespace Oms.Cli.CommandLine;

/// <summary>What a command handler gets: parsed global options, the output, and (lazily) the connection to the silo.</summary>
internal sealed class CliContext : IAsyncDisposable
{
    private readonly GlobalOptions globals;
    private readonly Func<string, string?> environment;
    private OmsConnection? connection;

    public CliContext(ParseResult parseResult, GlobalOptions globals, CliOutput output, Func<string, string?> environment, string currentDirectory)
    {
        ParseResult = parseResult;
        this.globals = globals;
        this.environment = environment;
        Output = output;
        CurrentDirectory = currentDirectory;
        Timeout = parseResult.GetValue(globals.Timeout) ?? GlobalOptions.DefaultTimeout;
    }

    public ParseResult ParseResult { get; }

    public CliOutput Output { get; }

    public string CurrentDirectory { get; }

    public TimeSpan Timeout { get; }

    public Func<string, string?> Environment => environment;

    /// <summary>The connection to the silo, created on first use (commands such as <c>oms secrets</c> never open one).</summary>
    public OmsConnection Connection => connection ??= new OmsConnection(
        OmsEndpoint.Resolve(ParseResult.GetValue(globals.Endpoint), environment),
        TokenSource.Resolve(ParseResult.GetValue(globals.Token), ParseResult.GetValue(globals.TokenFile), environment, CurrentDirectory),
        Timeout);

    /// <summary>The account from <c>--account</c> or <c>OMS_ACCOUNT</c>; a usage error when neither is set.</summary>
    public string RequireAccount()
    {
        var account = ParseResult.GetValue(globals.Account);
        if (string.IsNullOrWhiteSpace(account)) account = environment(GlobalOptions.AccountEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(account))
        {
            throw CliException.Usage($"no account: pass --account ID or set {GlobalOptions.AccountEnvironmentVariable} " +
                                     "(the embedded silo provisions demo-spot and demo-futures)");
        }
        return account.Trim();
    }

    public T? Get<T>(Option<T> option) => ParseResult.GetValue(option);

    public T? Get<T>(Argument<T> argument) => ParseResult.GetValue(argument);

    public async ValueTask DisposeAsync()
    {
        if (connection is not null) await connection.DisposeAsync();
    }
}
