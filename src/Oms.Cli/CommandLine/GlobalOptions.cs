using System.CommandLine;
using Oms.Cli.Connection;
using Oms.Cli.Parsing;

namespace Oms.Cli.CommandLine;

/// <summary>Options every command accepts, anywhere on the command line (they are recursive).</summary>
internal sealed class GlobalOptions
{
    public const string AccountEnvironmentVariable = "OMS_ACCOUNT";

    /// <summary>Per-call deadline when <c>--timeout</c> is not given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = $"The silo's gRPC address [env: {OmsEndpoint.EnvironmentVariable}; default: {OmsEndpoint.DefaultAddress}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"API bearer token [env: {TokenSource.EnvironmentVariable}; else --token-file, {TokenSource.FileEnvironmentVariable}, then the embedded silo's .oms/dev-token]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string?> TokenFile { get; } = new("--token-file")
    {
        Description = $"File holding the API token [env: {TokenSource.FileEnvironmentVariable}]",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> Account { get; } = new("--account", "-a")
    {
        Description = $"Account id [env: {AccountEnvironmentVariable}]; the embedded silo provisions demo-spot and demo-futures",
        HelpName = "id",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document on stdout (decimals as strings) instead of tables; `oms watch` prints one per line",
        Recursive = true,
    };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = "Deadline of each call, e.g. 10s, 500ms, 2m [default: 30s]",
        HelpName = "duration",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (DurationText.TryParse(text, out var value)) return value;
            result.AddError($"--timeout '{text}' is not a positive duration (e.g. 10s, 500ms, 2m or a number of seconds)");
            return null;
        },
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Endpoint);
        root.Options.Add(Token);
        root.Options.Add(TokenFile);
        root.Options.Add(Account);
        root.Options.Add(Json);
        root.Options.Add(Timeout);
    }
}
