namespace Oms.Grains;

/// <summary>Checks a set of limits is meaningful before it is stored.</summary>
public static class RiskLimitsValidator
{
    /// <summary>Returns the problems (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(RiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var problems = new List<string>();
        void Positive(decimal? value, string name)
        {
            if (value is <= 0m) problems.Add($"{name} must be positive when set (was {PreTradeRiskCheck.Fmt(value.Value)})");
        }
        void PositiveCount(int? value, string name)
        {
            if (value is <= 0) problems.Add($"{name} must be positive when set (was {value})");
        }
        void Percent(decimal? value, string name)
        {
            if (value is { } v && (v <= 0m || v > 100m)) problems.Add($"{name} must be in (0, 100] percent when set (was {PreTradeRiskCheck.Fmt(v)})");
        }

        Positive(limits.MaxOrderNotional, "max_order_notional");
        Positive(limits.MaxOrderQuantity, "max_order_quantity");
        PositiveCount(limits.MaxOpenOrders, "max_open_orders");
        Positive(limits.MaxPositionNotional, "max_position_notional");
        Positive(limits.MaxGrossExposure, "max_gross_exposure");
        Positive(limits.MaxNetExposure, "max_net_exposure");
        Percent(limits.PriceBandPercent, "price_band_percent");
        PositiveCount(limits.MaxOrdersPerSecond, "max_orders_per_second");
        Percent(limits.MaxDrawdownPercent, "max_drawdown_percent");
        Positive(limits.MaxDailyLoss, "max_daily_loss");
        Positive(limits.MaxPositionQuantity, "max_position_quantity");
        if (limits.FeeEstimatePercent is { } fee && (fee < 0m || fee > 10m))
            problems.Add($"fee_estimate_percent must be in [0, 10] when set (was {PreTradeRiskCheck.Fmt(fee)})");
        if (limits.Leverage is { } leverage && (leverage < 1m || leverage > 125m))
            problems.Add($"leverage must be in [1, 125] when set (was {PreTradeRiskCheck.Fmt(leverage)})");
        if (limits.BreachAction is { } action && action is not (TradingState.Reducing or TradingState.Halted))
            problems.Add($"breach_action must be REDUCING or HALTED (was {action})");

        var instruments = new HashSet<InstrumentId>();
        foreach (var entry in limits.Instruments ?? [])
        {
            if (entry is null)
            {
                problems.Add("instrument limits must not contain an empty entry");
                continue;
            }
            var name = $"instruments[{entry.Instrument}]";
            if (!instruments.Add(entry.Instrument)) problems.Add($"{name} appears more than once");
            Positive(entry.MaxOrderNotional, $"{name}.max_order_notional");
            Positive(entry.MaxOrderQuantity, $"{name}.max_order_quantity");
            Positive(entry.MaxPositionQuantity, $"{name}.max_position_quantity");
            Positive(entry.MaxPositionNotional, $"{name}.max_position_notional");
            Percent(entry.PriceBandPercent, $"{name}.price_band_percent");
        }

        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in limits.Strategies ?? [])
        {
            if (entry is null)
            {
                problems.Add("strategy limits must not contain an empty entry");
                continue;
            }
            if (string.IsNullOrWhiteSpace(entry.Tag) || entry.Tag.Length > 64)
            {
                problems.Add($"strategy tag '{entry.Tag}' must be 1-64 characters");
                continue;
            }
            var name = $"strategies['{entry.Tag}']";
            if (!tags.Add(entry.Tag)) problems.Add($"{name} appears more than once");
            Positive(entry.MaxOrderNotional, $"{name}.max_order_notional");
            Positive(entry.MaxOrderQuantity, $"{name}.max_order_quantity");
            PositiveCount(entry.MaxOpenOrders, $"{name}.max_open_orders");
            Positive(entry.MaxPositionQuantity, $"{name}.max_position_quantity");
            Positive(entry.MaxPositionNotional, $"{name}.max_position_notional");
            Positive(entry.MaxGrossExposure, $"{name}.max_gross_exposure");
            Positive(entry.MaxNetExposure, $"{name}.max_net_exposure");
            Percent(entry.PriceBandPercent, $"{name}.price_band_percent");
        }

        if (limits.StopLoss is { } stop)
        {
            if (!Enum.IsDefined(stop.Kind)) problems.Add($"stop_loss.kind {(int)stop.Kind} is not known");
            else if (stop.Kind == StopDistanceKind.Percent && (stop.Distance <= 0m || stop.Distance >= 100m))
                problems.Add($"stop_loss.distance must be in (0, 100) percent (was {PreTradeRiskCheck.Fmt(stop.Distance)})");
            else if (stop.Kind == StopDistanceKind.Price && stop.Distance <= 0m)
                problems.Add($"stop_loss.distance must be a positive price distance (was {PreTradeRiskCheck.Fmt(stop.Distance)})");
            if (!Enum.IsDefined(stop.TriggerPrice)) problems.Add($"stop_loss.trigger_price {(int)stop.TriggerPrice} is not known");
        }
        return problems;
    }
}
