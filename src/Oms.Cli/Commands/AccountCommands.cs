using System.CommandLine;
using Oms.Cli.CommandLine;
using Oms.Cli.Output;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary><c>oms account</c>, <c>oms balance</c>, <c>oms positions</c>: read-only views of one account.</summary>
internal static class AccountCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner)
    {
        var account = new Command("account", "Show the account: venue, markets, position mode, trading state, last report sequence");
        runner.Bind(account, ShowAccountAsync);

        var balance = new Command("balance", "Show the account's balances per asset (free, locked, total)");
        runner.Bind(balance, ShowBalancesAsync);

        var positions = new Command("positions", "Show the account's positions with average entry, realized and unrealized PnL");
        runner.Bind(positions, ShowPositionsAsync);

        return [account, balance, positions];
    }

    private static async Task<int> ShowAccountAsync(CliContext context, CancellationToken cancellationToken)
    {
        var id = context.RequireAccount();
        var account = AccountView.From(await context.Connection.CallAsync(
            o => context.Connection.Accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = id }, o), cancellationToken));
        if (context.Output.Json)
        {
            context.Output.WriteJson(account);
            return 0;
        }
        context.Output.Write(Tables.Details(
        [
            ("Account", account.AccountId),
            ("Name", account.DisplayName),
            ("Venue", account.Venue),
            ("Markets", string.Join(", ", account.Markets)),
            ("Position mode", account.PositionMode),
            ("Trading state", account.TradingState + (account.Reconciling ? " (reconciling: new risk is denied)" : string.Empty)),
            ("Open orders", account.OpenOrderCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Last sequence", account.LastSequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]));
        return 0;
    }

    private static async Task<int> ShowBalancesAsync(CliContext context, CancellationToken cancellationToken)
    {
        var id = context.RequireAccount();
        var response = await context.Connection.CallAsync(
            o => context.Connection.Accounts.GetBalancesAsync(new Wire.GetBalancesRequest { AccountId = id }, o), cancellationToken);
        var document = new BalancesDocument(id, response.Balances.Select(BalanceView.From).OrderBy(b => b.Asset, StringComparer.Ordinal).ToList());
        if (context.Output.Json)
        {
            context.Output.WriteJson(document);
            return 0;
        }
        if (document.Balances.Count == 0)
        {
            context.Output.Line($"Account {id} has no balances yet (they arrive from the venue).");
            return 0;
        }
        var table = Tables.Create($"Balances of {id}", ("Asset", false), ("Free", true), ("Locked", true), ("Total", true), ("Updated", false));
        foreach (var b in document.Balances) Tables.Row(table, b.Asset, b.Free, b.Locked, b.Total, Tables.Time(b.UpdatedAt));
        context.Output.Write(table);
        return 0;
    }

    private static async Task<int> ShowPositionsAsync(CliContext context, CancellationToken cancellationToken)
    {
        var id = context.RequireAccount();
        var response = await context.Connection.CallAsync(
            o => context.Connection.Accounts.GetPositionsAsync(new Wire.GetPositionsRequest { AccountId = id }, o), cancellationToken);
        var document = new PositionsDocument(id, response.Positions.Select(PositionView.From).ToList());
        if (context.Output.Json)
        {
            context.Output.WriteJson(document);
            return 0;
        }
        if (document.Positions.Count == 0)
        {
            context.Output.Line($"Account {id} has no positions.");
            return 0;
        }
        var table = Tables.Create($"Positions of {id}",
            ("Instrument", false), ("Side", false), ("Quantity", true), ("Avg entry", true), ("Mark", true),
            ("Unrealized PnL", true), ("Realized PnL", true), ("Fees", true), ("Fills", true), ("Updated", false));
        foreach (var p in document.Positions)
        {
            Tables.Row(table, p.Instrument?.ToString(), p.Side, p.Quantity, p.AverageEntryPrice, p.MarkPrice, p.UnrealizedPnl,
                p.RealizedPnl, p.Fees, p.FillCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Time(p.UpdatedAt));
        }
        context.Output.Write(table);
        return 0;
    }
}
