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
        return problems;
    }
}
