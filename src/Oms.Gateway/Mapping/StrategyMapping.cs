using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Reads oms.v1 advanced-order requests and writes strategies, naming the offending field on every violation.</summary>
public static class StrategyMapping
{
    /// <summary>Reads an optional strategy id; empty gives a new one.</summary>
    public static StrategyId ReadOrNewStrategyId(string? text, RequestViolations violations, string field = "strategy_id")
    {
        if (string.IsNullOrEmpty(text)) return ContingentOrderIds.NewStrategyId();
        return ReadStrategyId(text, violations, field) ?? default;
    }

    /// <summary>Reads a required strategy id.</summary>
    public static StrategyId ReadRequiredStrategyId(string? text, string field = "strategy_id")
    {
        var violations = new RequestViolations();
        if (string.IsNullOrEmpty(text)) violations.Add(field, "is required");
        var id = ReadStrategyId(text, violations, field);
        violations.ThrowIfAny();
        return id!.Value;
    }

    /// <summary>Reads a protective leg; null when the message is absent.</summary>
    public static ProtectiveLeg? ReadLeg(Wire.ProtectiveLeg? message, string field, RequestViolations violations)
    {
        if (message is null) return null;
        var before = violations.Count;
        var type = WireEnums.ReadRequired<Wire.OrderType, OrderType>(message.Type, $"{field}.type", violations);
        var stop = WireDecimal.ReadOptional(message.StopPrice, $"{field}.stop_price", violations);
        var limit = WireDecimal.ReadOptional(message.LimitPrice, $"{field}.limit_price", violations);
        var trailing = WireDecimal.ReadOptional(message.TrailingPercent, $"{field}.trailing_percent", violations);
        var activation = WireDecimal.ReadOptional(message.ActivationPrice, $"{field}.activation_price", violations);
        var trigger = WireEnums.ReadOptional(message.TriggerPriceType, TriggerPriceType.LastPrice, $"{field}.trigger_price_type", violations);
        var tif = WireEnums.ReadOptional(message.TimeInForce, TimeInForce.Gtc, $"{field}.time_in_force", violations);
        if (violations.Count > before) return null;
        return new ProtectiveLeg
        {
            Type = type,
            StopPrice = stop,
            LimitPrice = limit,
            TrailingPercent = trailing,
            ActivationPrice = activation,
            TriggerPriceType = trigger,
            TimeInForce = tif,
        };
    }

    /// <summary>Reads an execution mode: UNSPECIFIED lets the server choose (null).</summary>
    public static ExecutionMode? ReadMode(Wire.ExecutionMode value, RequestViolations violations, string field = "mode") => value switch
    {
        Wire.ExecutionMode.Unspecified => null,
        Wire.ExecutionMode.Native => ExecutionMode.Native,
        Wire.ExecutionMode.OmsManaged => ExecutionMode.OmsManaged,
        _ => Invalid(violations, field, $"{(int)value} is not a known ExecutionMode value"),
    };

    /// <summary>Adds the request's consistency problems (the same rules the grain applies) as field violations.</summary>
    public static void AddProblems(IReadOnlyList<StrategyProblem> problems, RequestViolations violations)
    {
        foreach (var problem in problems) violations.Add(problem.Field, problem.Denial.Reason);
    }

    public static Wire.ProtectiveLeg ToWire(this ProtectiveLeg leg) => new()
    {
        Type = leg.Type.ToWire(),
        StopPrice = WireDecimal.Format(leg.StopPrice),
        LimitPrice = WireDecimal.Format(leg.LimitPrice),
        TrailingPercent = WireDecimal.Format(leg.TrailingPercent),
        ActivationPrice = WireDecimal.Format(leg.ActivationPrice),
        TriggerPriceType = leg.TriggerPriceType.ToWire(),
        TimeInForce = leg.TimeInForce.ToWire(),
    };

    public static Wire.Strategy ToWire(this StrategySnapshot strategy)
    {
        var message = new Wire.Strategy
        {
            AccountId = strategy.Account.Value,
            StrategyId = strategy.StrategyId.Value,
            Kind = (Wire.StrategyKind)(int)strategy.Kind,
            Mode = (Wire.ExecutionMode)(int)strategy.Mode,
            Status = (Wire.StrategyStatus)(int)strategy.Status,
            Reason = strategy.Reason ?? string.Empty,
            Order = strategy.Order.ToWire(),
            StopLoss = strategy.StopLoss?.ToWire(),
            TakeProfit = strategy.TakeProfit?.ToWire(),
            FilledQuantity = WireDecimal.Format(strategy.FilledQuantity),
            OpenQuantity = WireDecimal.Format(strategy.OpenQuantity),
            TrailingStopPrice = WireDecimal.Format(strategy.TrailingStopPrice),
            TrailingExtremePrice = WireDecimal.Format(strategy.TrailingExtremePrice),
            CreatedAt = strategy.CreatedAt.ToWire(),
            UpdatedAt = strategy.UpdatedAt.ToWire(),
        };
        message.Children.AddRange(strategy.Children.Select(c => new Wire.StrategyChild
        {
            ClientOrderId = c.ClientOrderId.Value,
            Role = (Wire.ChildRole)(int)c.Role,
            Generation = c.Generation,
            Spec = c.Spec.ToWire(),
            Order = c.Order?.ToWire(),
        }));
        return message;
    }

    private static StrategyId? ReadStrategyId(string? text, RequestViolations violations, string field)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!StrategyId.IsValid(text))
        {
            violations.Add(field, $"must be 1-{StrategyId.MaxLength} letters or digits");
            return null;
        }
        return new StrategyId(text);
    }

    private static ExecutionMode? Invalid(RequestViolations violations, string field, string description)
    {
        violations.Add(field, description);
        return null;
    }
}
