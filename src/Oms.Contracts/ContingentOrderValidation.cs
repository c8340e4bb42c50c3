using System.Globalization;

namespace Oms.Contracts;

/// <summary>
/// Checks contingent-order requests for consistency (without instrument filters, which the grain checks). Every problem
/// names its oms.v1 field path, e.g. <c>stop_loss.stop_price</c>. The gateway and the grain use the same rules.
/// </summary>
public static class ContingentOrderValidation
{
    private static readonly string[] SpecFields =
    [
        "quantity", "limit_price", "stop_price", "time_in_force", "reduce_only", "position_side", "trailing_percent",
        "activation_price", "display_quantity", "trigger_price_type", "strategy_tag", "quote_quantity",
    ];

    public static IReadOnlyList<StrategyProblem> Validate(SubmitBracket command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<StrategyProblem>();
        var entry = command.Entry;
        if (entry is null)
        {
            problems.Add(Problem("entry", "is required"));
            return problems;
        }
        if (entry.Validate() is { } invalid) problems.Add(Problem(Attribute(invalid.Reason, "entry"), invalid.Reason));
        if (entry.ReduceOnly) problems.Add(Problem("entry.reduce_only", "a bracket entry opens a position and cannot be reduce-only"));
        if (entry.Type == OrderType.TrailingStopMarket) problems.Add(Problem("entry.type", "a bracket entry cannot be a TRAILING_STOP_MARKET order"));
        if (entry.QuoteQuantity is not null) problems.Add(Problem("entry.quote_quantity", "a bracket entry is sized in base quantity; give quantity"));
        if (command.StopLoss is null && command.TakeProfit is null)
        {
            problems.Add(Problem("stop_loss", "a bracket needs a stop_loss, a take_profit or both"));
        }
        if (problems.Count > 0) return problems;

        var entryPrice = entry.LimitPrice ?? entry.StopPrice;
        var buy = entry.Side == OrderSide.Buy;
        if (command.StopLoss is { } stop)
        {
            if (stop.Type is not (OrderType.StopMarket or OrderType.StopLimit or OrderType.TrailingStopMarket))
            {
                problems.Add(Problem("stop_loss.type", $"must be STOP_MARKET, STOP_LIMIT or TRAILING_STOP_MARKET (was {Name(stop.Type)})"));
            }
            else
            {
                CheckLeg(entry, stop, "stop_loss", problems);
                if (stop.StopPrice is { } trigger && entryPrice is { } price && (buy ? trigger >= price : trigger <= price))
                {
                    problems.Add(Problem("stop_loss.stop_price",
                        $"{Fmt(trigger)} must be {(buy ? "below" : "above")} the entry price {Fmt(price)} of a {(buy ? "buy" : "sell")} entry"));
                }
            }
        }
        if (command.TakeProfit is { } profit)
        {
            if (profit.Type is not (OrderType.Limit or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit))
            {
                problems.Add(Problem("take_profit.type", $"must be LIMIT, TAKE_PROFIT_MARKET or TAKE_PROFIT_LIMIT (was {Name(profit.Type)})"));
            }
            else
            {
                CheckLeg(entry, profit, "take_profit", problems);
                var field = profit.Type == OrderType.Limit ? "take_profit.limit_price" : "take_profit.stop_price";
                if (profit.TriggerPrice is { } trigger && entryPrice is { } price && (buy ? trigger <= price : trigger >= price))
                {
                    problems.Add(Problem(field,
                        $"{Fmt(trigger)} must be {(buy ? "above" : "below")} the entry price {Fmt(price)} of a {(buy ? "buy" : "sell")} entry"));
                }
            }
        }
        if (problems.Count == 0 && entry.Instrument.Market == MarketType.Spot && command.TakeProfit is not null
            && command.StopLoss?.Type == OrderType.TrailingStopMarket)
        {
            // On spot only one leg rests at a time and the OMS swaps them by price: a trailing stop has no fixed price.
            problems.Add(Problem("stop_loss.type", "on spot a TRAILING_STOP_MARKET stop-loss cannot be combined with a take-profit"));
        }
        if (problems.Count == 0 && command.StopLoss?.StopPrice is { } loss && command.TakeProfit?.TriggerPrice is { } target
            && (buy ? loss >= target : loss <= target))
        {
            problems.Add(Problem("stop_loss.stop_price",
                $"{Fmt(loss)} must be {(buy ? "below" : "above")} the take-profit price {Fmt(target)}"));
        }
        return problems;
    }

    public static IReadOnlyList<StrategyProblem> Validate(SubmitIceberg command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<StrategyProblem>();
        var order = command.Order;
        if (order is null)
        {
            problems.Add(Problem("order", "is required"));
            return problems;
        }
        if (order.Type is not (OrderType.Limit or OrderType.LimitMaker))
        {
            problems.Add(Problem("order.type", $"an iceberg is a LIMIT or LIMIT_MAKER order (was {Name(order.Type)})"));
        }
        if (order.DisplayQuantity is null) problems.Add(Problem("order.display_quantity", "is required for an iceberg"));
        if (order.TimeInForce is not (TimeInForce.Gtc or TimeInForce.Gtx))
        {
            problems.Add(Problem("order.time_in_force", $"an iceberg rests on the book: GTC or GTX (was {order.TimeInForce.ToString().ToUpperInvariant()})"));
        }
        if (problems.Count == 0 && order.Validate() is { } invalid) problems.Add(Problem(Attribute(invalid.Reason, "order"), invalid.Reason));
        if (command.Mode is { } mode && !Enum.IsDefined(mode)) problems.Add(Problem("mode", $"{(int)mode} is not a known execution mode"));
        if (command.Mode == ExecutionMode.Native && !NativeSupport.Iceberg(order.Instrument))
        {
            problems.Add(Problem("mode", $"{order.Instrument} has no native iceberg orders; use OMS_MANAGED or leave the mode unspecified"));
        }
        return problems;
    }

    public static IReadOnlyList<StrategyProblem> Validate(SubmitTrailingStop command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<StrategyProblem>();
        var order = command.Order;
        if (order is null)
        {
            problems.Add(Problem("order", "is required"));
            return problems;
        }
        if (order.Type != OrderType.TrailingStopMarket)
        {
            problems.Add(Problem("order.type", $"a trailing stop is a TRAILING_STOP_MARKET order (was {Name(order.Type)})"));
            return problems;
        }
        if (order.Validate() is { } invalid) problems.Add(Problem(Attribute(invalid.Reason, "order"), invalid.Reason));
        if (command.Mode is { } mode && !Enum.IsDefined(mode)) problems.Add(Problem("mode", $"{(int)mode} is not a known execution mode"));
        if (command.Mode == ExecutionMode.Native && !NativeSupport.TrailingStop(order.Instrument))
        {
            problems.Add(Problem("mode", $"{order.Instrument.Venue} trailing stops are not routed natively; use OMS_MANAGED or leave the mode unspecified"));
        }
        return problems;
    }

    /// <summary>
    /// The order a leg becomes for <paramref name="quantity"/>: opposite side, the entry's position side, reduce-only on
    /// futures in one-way mode. <paramref name="triggered"/> gives the form a leg takes once its price is reached (a
    /// stop-market or take-profit-market becomes a market order, a stop-limit or take-profit-limit a limit order).
    /// </summary>
    public static OrderSpec LegSpec(OrderSpec entry, ProtectiveLeg leg, decimal quantity, bool triggered = false)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(leg);
        var type = triggered ? TriggeredType(leg.Type) : leg.Type;
        var limitType = type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit;
        var stopType = type is OrderType.StopMarket or OrderType.StopLimit or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit;
        return new OrderSpec
        {
            Instrument = entry.Instrument,
            Side = entry.Side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy,
            Type = type,
            Quantity = quantity,
            LimitPrice = limitType ? leg.LimitPrice : null,
            StopPrice = stopType ? leg.StopPrice : null,
            TimeInForce = limitType ? leg.TimeInForce : TimeInForce.Gtc,
            ReduceOnly = entry.Instrument.Market != MarketType.Spot && entry.PositionSide == PositionSide.Both,
            PositionSide = entry.PositionSide,
            TrailingPercent = type == OrderType.TrailingStopMarket ? leg.TrailingPercent : null,
            ActivationPrice = type == OrderType.TrailingStopMarket ? leg.ActivationPrice : null,
            TriggerPriceType = leg.TriggerPriceType,
            StrategyTag = entry.StrategyTag,
        };
    }

    /// <summary>What a conditional order becomes when it fires; other types stay as they are.</summary>
    public static OrderType TriggeredType(OrderType type) => type switch
    {
        OrderType.StopMarket or OrderType.TakeProfitMarket => OrderType.Market,
        OrderType.StopLimit or OrderType.TakeProfitLimit => OrderType.Limit,
        _ => type,
    };

    private static void CheckLeg(OrderSpec entry, ProtectiveLeg leg, string field, List<StrategyProblem> problems)
    {
        if (!Enum.IsDefined(leg.TimeInForce) || !Enum.IsDefined(leg.TriggerPriceType))
        {
            problems.Add(Problem($"{field}.time_in_force", "time_in_force or trigger_price_type is not a known value"));
            return;
        }
        var limitType = leg.Type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit;
        if (leg.TimeInForce != TimeInForce.Gtc && !(limitType && leg.TimeInForce == TimeInForce.Gtx))
        {
            problems.Add(Problem($"{field}.time_in_force", "a protective leg rests until it fires: GTC (or GTX on a limit leg)"));
            return;
        }
        if (leg.LimitPrice is not null && !limitType) problems.Add(Problem($"{field}.limit_price", $"is not allowed on a {Name(leg.Type)} leg"));
        if (leg.StopPrice is not null && leg.Type is OrderType.Limit or OrderType.TrailingStopMarket)
        {
            problems.Add(Problem($"{field}.stop_price", $"is not allowed on a {Name(leg.Type)} leg"));
        }
        var quantity = entry.Quantity > 0m ? entry.Quantity : 1m;
        if (LegSpec(entry, leg, quantity).Validate() is { } invalid) problems.Add(Problem(Attribute(invalid.Reason, field), invalid.Reason));
    }

    private static StrategyProblem Problem(string field, string reason) => new(field, new Denial(DenialCode.InvalidOrder, reason));

    /// <summary>Finds which spec field a domain validation message is about (it starts with the field name).</summary>
    private static string Attribute(string reason, string prefix)
    {
        foreach (var name in SpecFields)
        {
            if (reason.StartsWith(name, StringComparison.Ordinal)) return $"{prefix}.{name}";
        }
        return reason.StartsWith("side", StringComparison.Ordinal) ? $"{prefix}.side"
            : reason.StartsWith("type", StringComparison.Ordinal) ? $"{prefix}.type"
            : prefix;
    }

    private static string Name(OrderType type) => type switch
    {
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.LimitMaker => "LIMIT_MAKER",
        OrderType.StopMarket => "STOP_MARKET",
        OrderType.StopLimit => "STOP_LIMIT",
        OrderType.TakeProfitMarket => "TAKE_PROFIT_MARKET",
        OrderType.TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        OrderType.TrailingStopMarket => "TRAILING_STOP_MARKET",
        _ => ((int)type).ToString(CultureInfo.InvariantCulture),
    };

    private static string Fmt(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
