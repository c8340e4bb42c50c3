using System.CommandLine;
using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Cli.Parsing;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary><c>oms oco submit|show|cancel</c>: one-cancels-the-other order lists (native spot OCO).</summary>
internal static class OrderListCommands
{
    private static readonly Dictionary<string, Wire.OrderType> TakeProfitTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["limit-maker"] = Wire.OrderType.LimitMaker,
        ["take-profit"] = Wire.OrderType.TakeProfitMarket,
        ["take-profit-limit"] = Wire.OrderType.TakeProfitLimit,
    };

    private static readonly Dictionary<string, Wire.TimeInForce> TimesInForce = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gtc"] = Wire.TimeInForce.Gtc,
        ["ioc"] = Wire.TimeInForce.Ioc,
        ["fok"] = Wire.TimeInForce.Fok,
    };

    public static Command Create(CommandRunner runner)
    {
        var oco = new Command("oco", "One-cancels-the-other order lists (spot): a take-profit and a stop of one quantity; when one executes the venue expires the other");
        oco.Subcommands.Add(CreateSubmit(runner));
        oco.Subcommands.Add(CreateShow(runner));
        oco.Subcommands.Add(CreateCancel(runner));
        return oco;
    }

    private static Command CreateSubmit(CommandRunner runner)
    {
        var side = new Argument<string>("side") { Description = "BUY or SELL (both legs)" };
        side.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "BUY", "SELL");
        var quantity = new Argument<string>("qty") { Description = "Quantity in base asset of each leg (only one executes), e.g. 0.1" };
        var symbol = new Argument<string>("symbol") { Description = "Spot symbol, e.g. BNBUSDT" };
        var takeProfit = new Option<string>("--take-profit", "--tp")
        {
            Description = "Take-profit price: the limit price of a limit-maker leg, the trigger of a take-profit leg (above the market on a SELL, below on a BUY)",
            HelpName = "price",
            Required = true,
        };
        var takeProfitType = new Option<string?>("--take-profit-type") { Description = "Take-profit leg type [default: limit-maker]", HelpName = string.Join("|", TakeProfitTypes.Keys) };
        takeProfitType.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. TakeProfitTypes.Keys]);
        var takeProfitLimit = new Option<string?>("--take-profit-limit") { Description = "Limit price of a take-profit-limit leg", HelpName = "price" };
        var stop = new Option<string>("--stop") { Description = "Stop trigger price (below the market on a SELL, above on a BUY)", HelpName = "price", Required = true };
        var stopLimit = new Option<string?>("--stop-limit") { Description = "Makes the stop a stop-limit with this limit price [default: stop-market]", HelpName = "price" };
        var tif = new Option<string?>("--tif") { Description = "Time in force of the limit-priced conditional legs [default: gtc]", HelpName = "gtc|ioc|fok" };
        tif.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. TimesInForce.Keys]);
        var listId = new Option<string?>("--list-id", "--id")
        {
            Description = "Idempotency key and the list id the venue sees; resubmitting it returns the existing list [default: the OMS assigns one]",
            HelpName = "id",
        };
        var tag = new Option<string?>("--tag") { Description = "Strategy tag (at most 64 characters) on both legs", HelpName = "tag" };

        var command = new Command("submit", "Submit an OCO: oms oco submit SELL 0.1 BNBUSDT --take-profit 620 --stop 590")
        {
            side, quantity, symbol, takeProfit, takeProfitType, takeProfitLimit, stop, stopLimit, tif, listId, tag,
        };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var sell = string.Equals(context.Get(side), "SELL", StringComparison.OrdinalIgnoreCase);
            var tpType = context.Get(takeProfitType) is { } t ? TakeProfitTypes[t] : Wire.OrderType.LimitMaker;
            var tpPrice = DecimalText.Positive(context.Get(takeProfit)!, "--take-profit");
            var tpLimit = DecimalText.OptionalPositive(context.Get(takeProfitLimit), "--take-profit-limit");
            var timeInForce = context.Get(tif) is { } f ? TimesInForce[f] : Wire.TimeInForce.Unspecified;
            var profitLeg = tpType == Wire.OrderType.LimitMaker
                ? new Wire.OrderListLeg { Type = tpType, LimitPrice = tpPrice }
                : new Wire.OrderListLeg { Type = tpType, StopPrice = tpPrice, LimitPrice = tpLimit, TimeInForce = tpType == Wire.OrderType.TakeProfitLimit ? timeInForce : Wire.TimeInForce.Unspecified };
            if (tpType != Wire.OrderType.TakeProfitLimit && tpLimit.Length > 0)
                throw CliException.Usage("--take-profit-limit only goes with --take-profit-type take-profit-limit");
            var stopLimitPrice = DecimalText.OptionalPositive(context.Get(stopLimit), "--stop-limit");
            var stopLeg = new Wire.OrderListLeg
            {
                Type = stopLimitPrice.Length > 0 ? Wire.OrderType.StopLimit : Wire.OrderType.StopMarket,
                StopPrice = DecimalText.Positive(context.Get(stop)!, "--stop"),
                LimitPrice = stopLimitPrice,
                TimeInForce = stopLimitPrice.Length > 0 ? timeInForce : Wire.TimeInForce.Unspecified,
            };
            var symbolText = InstrumentResolver.NormalizeSymbol(context.Get(symbol)!);
            var request = new Wire.SubmitOrderListRequest
            {
                AccountId = account,
                ListClientOrderId = context.Get(listId)?.Trim() ?? string.Empty,
                Instrument = await InstrumentResolver.ResolveAsync(context, account, symbolText, "spot", ct),
                Side = sell ? Wire.OrderSide.Sell : Wire.OrderSide.Buy,
                Quantity = DecimalText.Positive(context.Get(quantity)!, "quantity"),
                // A sell takes profit above the market and stops below it; a buy the other way round.
                Above = sell ? profitLeg : stopLeg,
                Below = sell ? stopLeg : profitLeg,
                StrategyTag = context.Get(tag)?.Trim() ?? string.Empty,
            };
            var response = await context.Connection.CallAsync(o => context.Connection.Orders.SubmitOrderListAsync(request, o), ct, Flags(sell));
            var list = OrderListView.From(response.OrderList);

            if (context.Output.Json) context.Output.WriteJson(new SubmitOrderListDocument(response.Created, list));
            else context.Output.Line($"{(response.Created ? "Submitted" : "Already submitted")} order list {list.ListClientOrderId}: {Summary(list)} -> {list.Status}");
            if (!response.Created)
            {
                context.Output.Diagnostic($"note: account {account} already has an order list {list.ListClientOrderId}; it is shown unchanged and nothing new was sent");
            }
            return RefusalExit(context.Output, list);
        });
        return command;
    }

    private static Command CreateShow(CommandRunner runner)
    {
        var id = new Argument<string>("list-id") { Description = "The order list's client id" };
        var command = new Command("show", "Show an order list and its two legs") { id };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var list = OrderListView.From(await context.Connection.CallAsync(
                o => context.Connection.Orders.GetOrderListAsync(new Wire.GetOrderListRequest { AccountId = account, ListClientOrderId = context.Get(id)!.Trim() }, o), ct,
                new Dictionary<string, string> { ["list_client_order_id"] = "LIST_ID" }));
            if (context.Output.Json)
            {
                context.Output.WriteJson(list);
                return ExitCodes.Ok;
            }
            context.Output.Write(Tables.Details(
            [
                ("List id", list.ListClientOrderId),
                ("Venue list id", list.VenueOrderListId),
                ("Account", list.AccountId),
                ("Instrument", list.Instrument?.ToString()),
                ("Side", list.Side),
                ("Quantity", list.Quantity),
                ("Status", list.Status),
                ("Reason", list.Reason),
                ("Denial", list.Denial?.ToString()),
                ("Created", Tables.Time(list.CreatedAt)),
                ("Updated", Tables.Time(list.UpdatedAt)),
            ]));
            var table = Tables.Create($"Legs of {list.ListClientOrderId}", ("Leg", false), ("Client order id", false), ("Type", false), ("Status", false),
                ("Price", true), ("Stop", true), ("Filled", true), ("Avg price", true));
            foreach (var (name, leg) in new[] { ("above", list.Above), ("below", list.Below) })
            {
                Tables.Row(table, name, leg.ClientOrderId, leg.Type, OrderCommands.StatusText(leg), leg.LimitPrice, leg.StopPrice, leg.FilledQuantity, leg.AveragePrice);
            }
            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateCancel(CommandRunner runner)
    {
        var id = new Argument<string>("list-id") { Description = "The order list to cancel (both legs)" };
        var command = new Command("cancel", "Cancel an order list: one cancel for a live leg, the venue ends the other") { id };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var listId = context.Get(id)!.Trim();
            var response = await context.Connection.CallAsync(
                o => context.Connection.Orders.CancelOrderListAsync(new Wire.CancelOrderListRequest { AccountId = account, ListClientOrderId = listId }, o), ct,
                new Dictionary<string, string> { ["list_client_order_id"] = "LIST_ID" });
            var document = new OrderListCommandDocument(response.Accepted, response.OrderList is null ? null : OrderListView.From(response.OrderList), DenialView.From(response.Denial));
            if (context.Output.Json) context.Output.WriteJson(document);
            else if (document.Accepted) context.Output.Line($"Cancel requested for order list {listId}" + (document.List is { } l ? $": {Summary(l)} -> {l.Status}" : string.Empty));
            if (document.Accepted) return ExitCodes.Ok;
            context.Output.Error($"cancel of order list {listId} refused: {document.Denial?.ToString() ?? "no reason given"}");
            return document.Denial?.Code == "ORDER_NOT_FOUND" ? ExitCodes.NotFound : ExitCodes.Refused;
        });
        return command;
    }

    /// <summary>Gateway field paths of a submit and the CLI arguments they come from (which leg is above depends on the side).</summary>
    private static Dictionary<string, string> Flags(bool sell)
    {
        var (profit, stop) = sell ? ("above", "below") : ("below", "above");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["list_client_order_id"] = "--list-id",
            ["instrument.symbol"] = "SYMBOL",
            ["instrument.market"] = "SYMBOL",
            ["side"] = "SIDE",
            ["quantity"] = "QTY",
            ["strategy_tag"] = "--tag",
            [$"{profit}.type"] = "--take-profit-type",
            [$"{profit}.limit_price"] = "--take-profit",
            [$"{profit}.stop_price"] = "--take-profit",
            [$"{profit}.time_in_force"] = "--tif",
            [$"{stop}.type"] = "--stop-limit",
            [$"{stop}.stop_price"] = "--stop",
            [$"{stop}.limit_price"] = "--stop-limit",
            [$"{stop}.time_in_force"] = "--tif",
        };
    }

    private static int RefusalExit(CliOutput output, OrderListView list)
    {
        switch (list.Status)
        {
            case "DENIED":
                output.Error($"order list {list.ListClientOrderId} denied by the OMS: {list.Denial?.ToString() ?? "no reason given"}");
                return ExitCodes.Refused;
            case "REJECTED":
                output.Error($"order list {list.ListClientOrderId} rejected by the venue: {list.Reason ?? list.Above.LastVenueError ?? "no reason given"}");
                return ExitCodes.Refused;
            default:
                return ExitCodes.Ok;
        }
    }

    /// <summary><c>SELL 0.1 BNBUSDT: LIMIT_MAKER 620 / STOP_MARKET stop 590</c>.</summary>
    private static string Summary(OrderListView l) =>
        $"{l.Side} {l.Quantity} {l.Instrument?.Symbol}: {Tables.Join(l.Above.Type, l.Above.LimitPrice, l.Above.StopPrice is null ? null : "stop " + l.Above.StopPrice)}"
        + $" / {Tables.Join(l.Below.Type, l.Below.LimitPrice, l.Below.StopPrice is null ? null : "stop " + l.Below.StopPrice)}";
}

internal sealed record OrderListView(
    string AccountId,
    string ListClientOrderId,
    string? VenueOrderListId,
    InstrumentView? Instrument,
    string? Side,
    string? Quantity,
    string? Status,
    OrderView Above,
    OrderView Below,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    string? Reason,
    DenialView? Denial)
{
    public static OrderListView From(Wire.OrderList l) => new(
        l.AccountId, l.ListClientOrderId, Views.Text(l.VenueOrderListId), InstrumentView.From(l.Instrument), WireNames.Short(l.Side),
        Views.Dec(l.Quantity), WireNames.Short(l.Status), OrderView.From(l.Above ?? new Wire.Order()), OrderView.From(l.Below ?? new Wire.Order()),
        Views.Time(l.CreatedAt), Views.Time(l.UpdatedAt), Views.Text(l.Reason), DenialView.From(l.Denial));
}

internal sealed record SubmitOrderListDocument(bool Created, OrderListView OrderList);

internal sealed record OrderListCommandDocument(bool Accepted, OrderListView? List, DenialView? Denial);
