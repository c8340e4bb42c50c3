using System.CommandLine;
using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Cli.Secrets;
using Oms.Domain;

namespace Oms.Cli.Commands;

/// <summary><c>oms secrets get</c>: checks an account's venue credentials in the secret store, without the silo.</summary>
internal static class SecretsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var venue = new Argument<string>("venue") { Description = "binance, bybit or okx" };
        venue.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "binance", "bybit", "okx");
        var account = new Argument<string>("account") { Description = "The account id, e.g. demo-spot" };
        var config = new Option<string[]>("--config", "-c")
        {
            Description = "appsettings-style JSON file(s) with an Oms:Secrets section (repeatable; later files win; Oms__Secrets__* environment variables win over files)",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
        };
        var version = new Option<string?>("--secret-version") { Description = "Read this version of the secret instead of the newest (Vault: a number)", HelpName = "version" };
        var showSecret = new Option<bool>("--show-secret") { Description = "Also print the secret values (a warning goes to stderr); never use on a shared screen or in CI logs" };

        var get = new Command("get", "Show whether the store has credentials for a venue account, where, which version and which key type; never the secret unless --show-secret")
        {
            venue, account, config, version, showSecret,
        };
        runner.Bind(get, async (context, ct) =>
        {
            var venueValue = Enum.Parse<Venue>(context.Get(venue)!, ignoreCase: true);
            if (!AccountId.TryParse(context.Get(account), out var accountId))
            {
                throw CliException.Usage($"account '{context.Get(account)}' is not an account id (1-64 letters, digits, '.', '_' or '-')");
            }
            var reveal = context.Get(showSecret);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(context.Timeout);
            var (document, notes) = await SecretsInspector.InspectAsync(
                context.Get(config) ?? [], context.CurrentDirectory, venueValue, accountId, context.Get(version), reveal,
                context.Output, context.Environment, timeout.Token);

            if (reveal)
            {
                context.Output.Warning($"printing the secret values of {document.Venue} account '{document.Account}'; " +
                                       "clear your terminal and do not paste this output anywhere");
            }
            foreach (var note in notes) context.Output.Diagnostic("note: " + note);
            if (context.Output.Json) context.Output.WriteJson(document);
            else Write(context.Output, document);
            return ExitCodes.Ok;
        });

        var secrets = new Command("secrets", "Inspect venue credentials in the secret store (Vault, Azure Key Vault or the local store) the silo is configured with");
        secrets.Subcommands.Add(get);
        return secrets;
    }

    private static void Write(CliOutput output, SecretsDocument d)
    {
        output.Write(Tables.Details(
        [
            ("Venue", d.Venue),
            ("Account", d.Account),
            ("Provider", d.Provider),
            ("Store", d.Store),
            ("Location", d.Location),
            ("Version", d.Version),
            ("Retrieved at", Tables.Time(d.RetrievedAt)),
            ("Key type", d.KeyType),
            ("Ed25519 public key", d.Ed25519PublicKey),
        ]));
        var columns = new List<(string, bool)> { ("Field", false), ("Present", false), ("From", false) };
        if (d.SecretsShown) columns.Add(("Value", false));
        var table = Tables.Create(null, [.. columns]);
        foreach (var (name, field) in d.Fields)
        {
            var cells = new List<string?> { name, field.Present ? "yes" : "no", field.Location };
            if (d.SecretsShown) cells.Add(field.Value ?? (field.Present ? "(not exportable)" : null));
            Tables.Row(table, [.. cells]);
        }
        output.Write(table);
    }
}
