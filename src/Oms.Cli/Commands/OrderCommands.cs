using System.CommandLine;
using System.Globalization;
using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Oms.Cli.Parsing;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary><c>oms orders</c>, <c>oms order</c>, <c>oms submit</c>, <c>oms cancel</c>, <c>oms amend</c>.</summary>
internal static class OrderCommands
{
    /// <summary>Gateway field paths of a submit request and the CLI arguments they come from.</summary>
    private static readonly Dictionary<string, string> SubmitFlags = new(StringComparer.Ordinal)
    {
        ["client_order_id"] = "--client-order-id",
        ["order.instrument.symbol"] = "SYMBOL",
        ["order.instrument.market"] = "--market",
        ["order.side"] = "SIDE",
        ["order.type"] = "--type",
        ["order.quantity"] = "QTY",
        ["order.limit_price"] = "--price",
        ["order.stop_price"] = "--stop-price",
        ["order.time_in_force"] = "--tif",
        ["order.reduce_only"] = "--reduce-only",
        ["order.position_side"] = "--position-side",
        ["order.trailing_percent"] = "--trailing-percent",
        ["order.activation_price"] = "--activation-price",
        ["order.strategy_tag"] = "--tag",
    };

    private static readonly Dictionary<string, string> AmendFlags = new(StringComparer.Ordinal)
    {
        ["client_order_id"] = "CLIENT_ORDER_ID",
        ["new_quantity"] = "--qty",
        ["new_limit_price"] = "--price",
    };

    private static readonly Dictionary<string, Wire.OrderType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["limit"] = Wire.OrderType.Limit,
        ["market"] = Wire.OrderType.Market,
        ["limit-maker"] = Wire.OrderType.LimitMaker,
        ["stop"] = Wire.OrderType.StopMarket,
        ["stop-limit"] = Wire.OrderType.StopLimit,
        ["take-profit"] = Wire.OrderType.TakeProfitMarket,
        ["take-profit-limit"] = Wire.OrderType.TakeProfitLimit,
        ["trailing-stop"] = Wire.OrderType.TrailingStopMarket,
    };

    private static readonly Dictionary<string, Wire.TimeInForce> TimesInForce = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gtc"] = Wire.TimeInForce.Gtc,
        ["ioc"] = Wire.TimeInForce.Ioc,
        ["fok"] = Wire.TimeInForce.Fok,
        ["gtx"] = Wire.TimeInForce.Gtx,
    };

    private static readonly Dictionary<string, Wire.PositionSide> PositionSides = new(StringComparer.OrdinalIgnoreCase)
    {
        ["both"] = Wire.PositionSide.Both,
        ["long"] = Wire.PositionSide.Long,
        ["short"] = Wire.PositionSide.Short,
    };

    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [CreateOrders(runner), CreateOrder(runner), CreateSubmit(runner), CreateCancel(runner), CreateAmend(runner)];

    private static Option<string?> MarketOption() => new("--market")
    {
        Description = "Market of SYMBOL: spot or usdm (USD-M futures) [default: the account's market when it has one]",
        HelpName = "spot|usdm",
    };

    private static Command CreateOrders(CommandRunner runner)
    {
        var open = new Option<bool>("--open") { Description = "Only orders that are still working" };
        var symbol = new Option<string?>("--symbol", "-s") { Description = "Only orders on this symbol, e.g. BTCUSDT", HelpName = "symbol" };
        var market = MarketOption();
        var limit = new Option<int>("--limit") { Description = "At most this many orders, newest first (1-1000)", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError("--limit must be between 1 and 1000");
        });
        var command = new Command("orders", "List the account's orders, newest first") { open, symbol, market, limit };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var request = new Wire.ListOrdersRequest { AccountId = account, OpenOnly = context.Get(open), Limit = context.Get(limit) };
            if (context.Get(symbol) is { } s) request.Instrument = await InstrumentResolver.ResolveAsync(context, account, s, context.Get(market), ct);
            var response = await context.Connection.CallAsync(o => context.Connection.Orders.ListOrdersAsync(request, o), ct);
            var document = new OrdersDocument(account, response.Orders.Select(OrderView.From).ToList());
            if (context.Output.Json)
            {
                context.Output.WriteJson(document);
                return ExitCodes.Ok;
            }
            if (document.Orders.Count == 0)
            {
                context.Output.Line($"Account {account} has no {(request.OpenOnly ? "open " : string.Empty)}orders{(request.Instrument is null ? string.Empty : " on " + request.Instrument.Symbol)}.");
                return ExitCodes.Ok;
            }
            var table = Tables.Create($"{(request.OpenOnly ? "Open orders" : "Orders")} of {account}",
                ("Client order id", false), ("Instrument", false), ("Side", false), ("Type", false), ("Status", false),
                ("Quantity", true), ("Price", true), ("Filled", true), ("Avg price", true), ("Updated", false));
            foreach (var o in document.Orders)
            {
                Tables.Row(table, o.ClientOrderId, o.Instrument?.ToString(), o.Side, o.Type, StatusText(o), o.Quantity,
                    o.LimitPrice ?? o.StopPrice, o.FilledQuantity, o.AveragePrice, Tables.Time(o.UpdatedAt));
            }
            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateOrder(CommandRunner runner)
    {
        var id = new Argument<string>("client-order-id") { Description = "The order's client order id" };
        var command = new Command("order", "Show one order by its client order id") { id };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var order = OrderView.From(await context.Connection.CallAsync(
                o => context.Connection.Orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = context.Get(id)! }, o), ct,
                new Dictionary<string, string> { ["client_order_id"] = "CLIENT_ORDER_ID" }));
            if (context.Output.Json) context.Output.WriteJson(order);
            else WriteOrderDetails(context.Output, order);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSubmit(CommandRunner runner)
    {
        var side = new Argument<string>("side") { Description = "BUY or SELL" };
        side.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "BUY", "SELL");
        var quantity = new Argument<string>("qty") { Description = "Quantity in base asset (or contracts), e.g. 0.001" };
        var symbol = new Argument<string>("symbol") { Description = "Venue symbol, e.g. BTCUSDT" };
        var market = MarketOption();
        var type = new Option<string?>("--type", "-t")
        {
            Description = "Order type [default: limit when --price is given, else market]",
            HelpName = string.Join("|", Types.Keys),
        };
        type.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. Types.Keys]);
        var price = new Option<string?>("--price", "-p") { Description = "Limit price (limit, limit-maker, stop-limit, take-profit-limit)", HelpName = "price" };
        var stopPrice = new Option<string?>("--stop-price") { Description = "Trigger price (stop, stop-limit, take-profit, take-profit-limit)", HelpName = "price" };
        var trailingPercent = new Option<string?>("--trailing-percent") { Description = "Trailing distance in percent (trailing-stop), e.g. 1.5", HelpName = "percent" };
        var activationPrice = new Option<string?>("--activation-price") { Description = "Activation price (trailing-stop)", HelpName = "price" };
        var tif = new Option<string?>("--tif") { Description = "Time in force [default: gtc]", HelpName = "gtc|ioc|fok|gtx" };
        tif.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. TimesInForce.Keys]);
        var reduceOnly = new Option<bool>("--reduce-only") { Description = "Only reduce the position (futures)" };
        var positionSide = new Option<string?>("--position-side") { Description = "Position side in hedge mode (futures) [default: both]", HelpName = "both|long|short" };
        positionSide.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. PositionSides.Keys]);
        var clientOrderId = new Option<string?>("--client-order-id", "--id")
        {
            Description = "Idempotency key and the id the venue sees (1-36 of A-Z a-z 0-9 . _ : / -); resubmitting it returns the existing order [default: the OMS assigns one]",
            HelpName = "id",
        };
        var tag = new Option<string?>("--tag") { Description = "Strategy tag (at most 64 characters) for per-strategy limits and reports", HelpName = "tag" };

        var command = new Command("submit", "Submit an order: oms submit BUY 0.001 BTCUSDT --price 50000")
        {
            side, quantity, symbol, market, type, price, stopPrice, trailingPercent, activationPrice, tif, reduceOnly, positionSide, clientOrderId, tag,
        };
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var limitPrice = DecimalText.OptionalPositive(context.Get(price), "--price");
            var spec = new Wire.OrderSpec
            {
                Side = string.Equals(context.Get(side), "SELL", StringComparison.OrdinalIgnoreCase) ? Wire.OrderSide.Sell : Wire.OrderSide.Buy,
                Type = context.Get(type) is { } t ? Types[t] : limitPrice.Length > 0 ? Wire.OrderType.Limit : Wire.OrderType.Market,
                Quantity = DecimalText.Positive(context.Get(quantity)!, "quantity"),
                LimitPrice = limitPrice,
                StopPrice = DecimalText.OptionalPositive(context.Get(stopPrice), "--stop-price"),
                TrailingPercent = DecimalText.OptionalPositive(context.Get(trailingPercent), "--trailing-percent"),
                ActivationPrice = DecimalText.OptionalPositive(context.Get(activationPrice), "--activation-price"),
                TimeInForce = context.Get(tif) is { } f ? TimesInForce[f] : Wire.TimeInForce.Unspecified,
                ReduceOnly = context.Get(reduceOnly),
                PositionSide = context.Get(positionSide) is { } ps ? PositionSides[ps] : Wire.PositionSide.Unspecified,
                StrategyTag = context.Get(tag)?.Trim() ?? string.Empty,
            };
            var symbolText = InstrumentResolver.NormalizeSymbol(context.Get(symbol)!);
            spec.Instrument = await InstrumentResolver.ResolveAsync(context, account, symbolText, context.Get(market), ct);

            var request = new Wire.SubmitOrderRequest { AccountId = account, ClientOrderId = context.Get(clientOrderId)?.Trim() ?? string.Empty, Order = spec };
            var response = await context.Connection.CallAsync(o => context.Connection.Orders.SubmitOrderAsync(request, o), ct, SubmitFlags);
            var order = OrderView.From(response.Order);

            if (context.Output.Json) context.Output.WriteJson(new SubmitDocument(response.Created, order));
            else context.Output.Line($"{(response.Created ? "Submitted" : "Already submitted")} {order.ClientOrderId}: {Summary(order)} -> {StatusText(order)}");

            if (!response.Created)
            {
                context.Output.Diagnostic($"note: account {account} already has an order {order.ClientOrderId}; it is shown unchanged and nothing new was sent");
            }
            return RefusalExit(context.Output, order);
        });
        return command;
    }

    private static Command CreateCancel(CommandRunner runner)
    {
        var id = new Argument<string?>("client-order-id") { Description = "The order to cancel", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Cancel every open order of the account (with --symbol: on that symbol only)" };
        var symbol = new Option<string?>("--symbol", "-s") { Description = "With --all: only orders on this symbol", HelpName = "symbol" };
        var market = MarketOption();
        var command = new Command("cancel", "Cancel an order, or every open order with --all") { id, all, symbol, market };
        command.Validators.Add(result =>
        {
            var hasId = !string.IsNullOrWhiteSpace(result.GetValue(id));
            var hasAll = result.GetValue(all);
            if (hasId == hasAll) result.AddError("give either a CLIENT_ORDER_ID or --all");
            else if (hasId && result.GetValue(symbol) is not null) result.AddError("--symbol only goes with --all");
        });
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            if (!context.Get(all)) return await CancelOneAsync(context, account, context.Get(id)!, ct);

            var request = new Wire.CancelAllOrdersRequest { AccountId = account };
            if (context.Get(symbol) is { } s) request.Instrument = await InstrumentResolver.ResolveAsync(context, account, s, context.Get(market), ct);
            var response = await context.Connection.CallAsync(o => context.Connection.Orders.CancelAllOrdersAsync(request, o), ct);
            var document = new CancelAllDocument(account, response.CancelRequested.ToList(), response.Refused.Select(OrderCommandDocument.From).ToList());
            if (context.Output.Json)
            {
                context.Output.WriteJson(document);
            }
            else
            {
                context.Output.Line(document.CancelRequested.Count == 0 && document.Refused.Count == 0
                    ? $"Account {account} had no open orders{(request.Instrument is null ? string.Empty : " on " + request.Instrument.Symbol)} to cancel."
                    : $"Cancel requested for {document.CancelRequested.Count} order(s){(document.CancelRequested.Count == 0 ? "." : ": " + string.Join(", ", document.CancelRequested))}");
            }
            foreach (var refused in document.Refused)
            {
                context.Output.Error($"cancel of {refused.Order?.ClientOrderId ?? "an order"} refused: {refused.Denial}");
            }
            return document.Refused.Count == 0 ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return command;
    }

    private static async Task<int> CancelOneAsync(CliContext context, string account, string clientOrderId, CancellationToken ct)
    {
        var response = await context.Connection.CallAsync(
            o => context.Connection.Orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = account, ClientOrderId = clientOrderId.Trim() }, o), ct,
            new Dictionary<string, string> { ["client_order_id"] = "CLIENT_ORDER_ID" });
        return CommandResult(context, OrderCommandDocument.From(response), clientOrderId, "cancel", "Cancel requested for");
    }

    private static Command CreateAmend(CommandRunner runner)
    {
        var id = new Argument<string>("client-order-id") { Description = "The order to amend" };
        var quantity = new Option<string?>("--qty", "-q") { Description = "New quantity", HelpName = "qty" };
        var price = new Option<string?>("--price", "-p") { Description = "New limit price", HelpName = "price" };
        var command = new Command("amend", "Amend a working order's quantity and/or limit price") { id, quantity, price };
        command.Validators.Add(result =>
        {
            if (result.GetValue(quantity) is null && result.GetValue(price) is null) result.AddError("give --qty and/or --price");
        });
        runner.Bind(command, async (context, ct) =>
        {
            var account = context.RequireAccount();
            var clientOrderId = context.Get(id)!.Trim();
            var request = new Wire.AmendOrderRequest
            {
                AccountId = account,
                ClientOrderId = clientOrderId,
                NewQuantity = DecimalText.OptionalPositive(context.Get(quantity), "--qty"),
                NewLimitPrice = DecimalText.OptionalPositive(context.Get(price), "--price"),
            };
            var response = await context.Connection.CallAsync(o => context.Connection.Orders.AmendOrderAsync(request, o), ct, AmendFlags);
            return CommandResult(context, OrderCommandDocument.From(response), clientOrderId, "amend", "Amend requested for");
        });
        return command;
    }

    /// <summary>Prints a cancel or amend answer; refused → exit 2 (3 when the order does not exist).</summary>
    private static int CommandResult(CliContext context, OrderCommandDocument document, string clientOrderId, string verb, string acceptedText)
    {
        if (context.Output.Json) context.Output.WriteJson(document);
        else if (document.Accepted) context.Output.Line($"{acceptedText} {clientOrderId}" + (document.Order is { } o ? $": {Summary(o)} -> {StatusText(o)}" : string.Empty));

        if (document.Accepted) return ExitCodes.Ok;
        context.Output.Error($"{verb} of {clientOrderId} refused: {document.Denial?.ToString() ?? "no reason given"}");
        return document.Denial?.Code == "ORDER_NOT_FOUND" ? ExitCodes.NotFound : ExitCodes.Refused;
    }

    /// <summary>Exit 2 with the denial (code and numbers) or the venue's rejection on stderr; 0 otherwise.</summary>
    private static int RefusalExit(CliOutput output, OrderView order)
    {
        switch (order.Status)
        {
            case "DENIED":
                output.Error($"order {order.ClientOrderId} denied by the OMS: {order.Denial?.ToString() ?? "no reason given"}");
                return ExitCodes.Refused;
            case "REJECTED":
                output.Error($"order {order.ClientOrderId} rejected by the venue: {order.LastVenueError ?? "no reason given"}");
                return ExitCodes.Refused;
            default:
                return ExitCodes.Ok;
        }
    }

    public static void WriteOrderDetails(CliOutput output, OrderView o)
    {
        output.Write(Tables.Details(
        [
            ("Client order id", o.ClientOrderId),
            ("Venue order id", o.VenueOrderId),
            ("Account", o.AccountId),
            ("Instrument", o.Instrument?.ToString()),
            ("Side", o.Side),
            ("Type", o.Type),
            ("Status", StatusText(o)),
            ("Quantity", o.Quantity),
            ("Limit price", o.LimitPrice),
            ("Stop price", o.StopPrice),
            ("Time in force", o.TimeInForce),
            ("Reduce only", o.ReduceOnly ? "yes" : "no"),
            ("Position side", o.PositionSide),
            ("Filled", o.FilledQuantity),
            ("Leaves", o.LeavesQuantity),
            ("Average price", o.AveragePrice),
            ("Fees", o.Fees.Count == 0 ? null : string.Join(", ", o.Fees.Select(f => $"{f.Amount} {f.Asset}"))),
            ("Strategy tag", o.StrategyTag),
            ("Order list", o.OrderListId),
            ("Denial", o.Denial?.ToString()),
            ("Venue error", o.LastVenueError),
            ("Created", Tables.Time(o.CreatedAt)),
            ("Updated", Tables.Time(o.UpdatedAt)),
        ]));
    }

    /// <summary><c>BUY 0.001 BTCUSDT LIMIT 50000.00</c>.</summary>
    public static string Summary(OrderView o) => Tables.Join(
        o.Side, o.Quantity, o.Instrument?.Symbol, o.Type, o.LimitPrice,
        o.StopPrice is null ? null : "stop " + o.StopPrice, o.TrailingPercent is null ? null : $"trail {o.TrailingPercent}%",
        o.ActivationPrice is null ? null : "from " + o.ActivationPrice, o.ReduceOnly ? "reduce-only" : null);

    public static string StatusText(OrderView o) => o.Status switch
    {
        "DENIED" when o.Denial is not null => $"DENIED ({o.Denial.Code})",
        null => "?",
        _ => o.Triggered ? o.Status + " (triggered)" : o.Status,
    };
}
