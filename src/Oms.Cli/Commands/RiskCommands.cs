using System.CommandLine;
using System.Globalization;
using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Cli.Parsing;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary><c>oms risk show|set|halt|resume|audit</c>: an account's limits and kill switch.</summary>
internal static class RiskCommands
{
    /// <summary>The word that removes a limit in <c>oms risk set</c>.</summary>
    public const string None = "none";

    private sealed record LimitFlag(string Name, string Field, string Description, bool IsCount);

    private static readonly LimitFlag[] Flags =
    [
        new("--max-order-notional", "max_order_notional", "Maximum notional of one order (quote currency)", false),
        new("--max-order-qty", "max_order_quantity", "Maximum quantity of one order", false),
        new("--max-open-orders", "max_open_orders", "Maximum number of working orders", true),
        new("--max-position-notional", "max_position_notional", "Maximum notional of a position per instrument", false),
        new("--max-gross-exposure", "max_gross_exposure", "Maximum gross exposure of the account", false),
        new("--max-net-exposure", "max_net_exposure", "Maximum net exposure of the account", false),
        new("--price-band-percent", "price_band_percent", "Maximum distance of a limit price from the reference price, in percent", false),
        new("--max-orders-per-second", "max_orders_per_second", "Maximum order rate", true),
        new("--max-drawdown-percent", "max_drawdown_percent", "Maximum drawdown from the equity high-water mark, in percent (breach halts trading)", false),
        new("--max-daily-loss", "max_daily_loss", "Maximum loss in one day (quote currency)", false),
    ];

    public static Command Create(CommandRunner runner)
    {
        var risk = new Command("risk", "Show and change the account's risk limits and trading state (halt/resume)");
        risk.Subcommands.Add(CreateShow(runner));
        risk.Subcommands.Add(CreateSet(runner));
        risk.Subcommands.Add(CreateStateChange(runner, "halt", "Kill switch: halt the account (only cancels pass) until resumed", halt: true));
        risk.Subcommands.Add(CreateStateChange(runner, "resume", "Move a halted account back to ACTIVE", halt: false));
        risk.Subcommands.Add(CreateAudit(runner));
        return risk;
    }

    private static Command CreateShow(CommandRunner runner)
    {
        var command = new Command("show", "Show the risk limits, trading state and policy version");
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var policy = await context.Connection.CallAsync(
                o => context.Connection.Risk.GetRiskPolicyAsync(new Wire.GetRiskPolicyRequest { AccountId = account }, o), ct);
            WritePolicy(context.Output, RiskPolicyView.From(policy));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSet(CommandRunner runner)
    {
        var options = Flags.Select(f => (Flag: f, Option: new Option<string?>(f.Name)
        {
            Description = $"{f.Description}; '{None}' removes the limit",
            HelpName = f.IsCount ? "n|none" : "value|none",
        })).ToList();
        var command = new Command("set", "Change the given limits and keep the others (e.g. oms risk set --max-order-notional 1000 --max-open-orders none)");
        foreach (var (_, option) in options) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (options.All(o => result.GetValue(o.Option) is null)) result.AddError("give at least one limit, e.g. --max-order-notional 1000 (see oms risk set --help)");
        });
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            // Check every value before anything is read or written.
            var changes = options.Where(o => context.Get(o.Option) is not null).Select(o => (o.Flag, Value: Check(o.Flag, context.Get(o.Option)!))).ToList();

            // SetLimits replaces every limit: start from the current ones so that unnamed limits stay as they are.
            var current = await context.Connection.CallAsync(
                o => context.Connection.Risk.GetRiskPolicyAsync(new Wire.GetRiskPolicyRequest { AccountId = account }, o), ct);
            var limits = current.Limits?.Clone() ?? new Wire.RiskLimits();
            foreach (var (flag, value) in changes) Apply(limits, flag.Field, value);

            var fieldFlags = Flags.ToDictionary(f => "limits." + f.Field, f => f.Name, StringComparer.Ordinal);
            var updated = await context.Connection.CallAsync(
                o => context.Connection.Risk.SetLimitsAsync(new Wire.SetLimitsRequest { AccountId = account, Limits = limits }, o), ct, fieldFlags);
            WritePolicy(context.Output, RiskPolicyView.From(updated));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateStateChange(CommandRunner runner, string name, string description, bool halt)
    {
        var reason = new Option<string>("--reason", "-r") { Description = "Why (recorded in the risk audit)", Required = true, HelpName = "text" };
        var command = new Command(name, description) { reason };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var why = context.Get(reason)!.Trim();
            if (why.Length == 0) throw CliException.Usage("--reason must not be empty");
            var flags = new Dictionary<string, string> { ["reason"] = "--reason" };
            var policy = halt
                ? await context.Connection.CallAsync(o => context.Connection.Risk.HaltAsync(new Wire.HaltRequest { AccountId = account, Reason = why }, o), ct, flags)
                : await context.Connection.CallAsync(o => context.Connection.Risk.ResumeAsync(new Wire.ResumeRequest { AccountId = account, Reason = why }, o), ct, flags);
            var view = RiskPolicyView.From(policy);
            if (context.Output.Json) context.Output.WriteJson(view);
            else context.Output.Line($"Account {account} is now {view.TradingState} (policy version {view.Version}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateAudit(CommandRunner runner)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many entries, newest last (1-1000)", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError("--limit must be between 1 and 1000");
        });
        var command = new Command("audit", "Show the most recent risk changes: who changed what, when and why") { limit };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var response = await context.Connection.CallAsync(
                o => context.Connection.Risk.GetRiskAuditAsync(new Wire.GetRiskAuditRequest { AccountId = account, Limit = context.Get(limit) }, o), ct);
            var document = new RiskAuditDocument(account, response.Entries.Select(RiskAuditEntryView.From).ToList());
            if (context.Output.Json)
            {
                context.Output.WriteJson(document);
                return ExitCodes.Ok;
            }
            if (document.Entries.Count == 0)
            {
                context.Output.Line($"Account {account} has no risk changes yet.");
                return ExitCodes.Ok;
            }
            var table = Tables.Create($"Risk audit of {account}", ("Time", false), ("Changed by", false), ("Setting", false), ("Old", false), ("New", false), ("Reason", false));
            foreach (var e in document.Entries) Tables.Row(table, Tables.Time(e.Timestamp), e.ChangedBy, e.Setting, e.OldValue, e.NewValue, e.Reason);
            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Checks a value typed for a limit: a positive decimal, a non-negative count, or <c>none</c> (returned as null).</summary>
    private static string? Check(LimitFlag flag, string text)
    {
        if (string.Equals(text.Trim(), None, StringComparison.OrdinalIgnoreCase)) return null;
        if (!flag.IsCount) return DecimalText.Positive(text, flag.Name);
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw CliException.Usage($"{flag.Name} '{text}' is not a whole number (or '{None}')");
        }
        return count.ToString(CultureInfo.InvariantCulture);
    }

    private static void Apply(Wire.RiskLimits limits, string field, string? value)
    {
        var text = value ?? string.Empty;
        switch (field)
        {
            case "max_order_notional": limits.MaxOrderNotional = text; break;
            case "max_order_quantity": limits.MaxOrderQuantity = text; break;
            case "max_position_notional": limits.MaxPositionNotional = text; break;
            case "max_gross_exposure": limits.MaxGrossExposure = text; break;
            case "max_net_exposure": limits.MaxNetExposure = text; break;
            case "price_band_percent": limits.PriceBandPercent = text; break;
            case "max_drawdown_percent": limits.MaxDrawdownPercent = text; break;
            case "max_daily_loss": limits.MaxDailyLoss = text; break;
            case "max_open_orders":
                if (value is null) limits.ClearMaxOpenOrders();
                else limits.MaxOpenOrders = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "max_orders_per_second":
                if (value is null) limits.ClearMaxOrdersPerSecond();
                else limits.MaxOrdersPerSecond = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            default:
                throw new InvalidOperationException($"unknown limit field {field}");
        }
    }

    private static void WritePolicy(CliOutput output, RiskPolicyView policy)
    {
        if (output.Json)
        {
            output.WriteJson(policy);
            return;
        }
        var l = policy.Limits;
        output.Line($"Account {policy.AccountId}: trading state {policy.TradingState}, policy version {policy.Version.ToString(CultureInfo.InvariantCulture)}");
        var table = Tables.Create(null, ("Limit", false), ("Flag", false), ("Value", true));
        (LimitFlag Flag, string? Value)[] rows =
        [
            (Flags[0], l.MaxOrderNotional), (Flags[1], l.MaxOrderQuantity), (Flags[2], Count(l.MaxOpenOrders)),
            (Flags[3], l.MaxPositionNotional), (Flags[4], l.MaxGrossExposure), (Flags[5], l.MaxNetExposure),
            (Flags[6], l.PriceBandPercent), (Flags[7], Count(l.MaxOrdersPerSecond)), (Flags[8], l.MaxDrawdownPercent), (Flags[9], l.MaxDailyLoss),
        ];
        foreach (var (flag, value) in rows) Tables.Row(table, flag.Field, flag.Name, value ?? "none");
        output.Write(table);
    }

    private static string? Count(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
