using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Reads oms.v1 requests into domain values, naming the offending field on every violation.</summary>
public static class RequestReader
{
    /// <summary>Field names of <see cref="Wire.OrderSpec"/>, used to attribute domain validation messages.</summary>
    private static readonly string[] SpecFields =
    [
        "quantity", "limit_price", "stop_price", "time_in_force", "reduce_only", "position_side", "trailing_percent",
        "activation_price", "display_quantity", "trigger_price_type", "strategy_tag", "quote_quantity",
    ];

    /// <summary>Reads an account id; throws <see cref="RequestValidationException"/> when it is missing or malformed.</summary>
    public static AccountId ReadAccount(string? text, string field = "account_id")
    {
        if (string.IsNullOrEmpty(text)) throw new RequestValidationException(field, "is required");
        if (!AccountId.TryParse(text, out var account))
        {
            throw new RequestValidationException(field, "must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        return account;
    }

    /// <summary>Reads a required client order id.</summary>
    public static ClientOrderId ReadClientOrderId(string? text, string field = "client_order_id")
    {
        var violations = new RequestViolations();
        var id = ReadOptionalClientOrderId(text, field, violations);
        if (id is null && !violations.Any) violations.Add(field, "is required");
        violations.ThrowIfAny();
        return id!.Value;
    }

    /// <summary>Reads an optional client order id (empty means absent).</summary>
    public static ClientOrderId? ReadOptionalClientOrderId(string? text, string field, RequestViolations violations)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!ClientOrderId.IsValid(text))
        {
            violations.Add(field, $"must be 1-{ClientOrderId.MaxLength} characters of letters, digits, '.', '_', ':', '/' or '-'");
            return null;
        }
        return new ClientOrderId(text);
    }

    /// <summary>Reads an instrument; null when absent (a violation too when <paramref name="required"/>).</summary>
    public static InstrumentId? ReadInstrument(Wire.Instrument? message, string field, RequestViolations violations, bool required)
    {
        if (message is null)
        {
            if (required) violations.Add(field, "is required");
            return null;
        }
        var before = violations.Count;
        var venue = WireEnums.ReadRequired<Wire.Venue, Venue>(message.Venue, $"{field}.venue", violations);
        var market = WireEnums.ReadRequired<Wire.MarketType, MarketType>(message.Market, $"{field}.market", violations);
        if (string.IsNullOrWhiteSpace(message.Symbol))
        {
            violations.Add($"{field}.symbol", "is required");
            return null;
        }
        if (message.Symbol.Length > 32 || message.Symbol.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            violations.Add($"{field}.symbol", "must be 1-32 ASCII letters or digits, e.g. BTCUSDT");
            return null;
        }
        if (violations.Count > before) return null;
        return new InstrumentId(venue, market, message.Symbol);
    }

    /// <summary>
    /// Reads the terms of an order and checks they are consistent for the order type. Returns null, with the
    /// problems recorded in <paramref name="violations"/>, when the terms are not valid.
    /// </summary>
    public static OrderSpec? ReadOrderSpec(Wire.OrderSpec? message, string field, RequestViolations violations)
    {
        if (message is null)
        {
            violations.Add(field, "is required");
            return null;
        }
        var before = violations.Count;
        var m = message;
        var instrument = ReadInstrument(m.Instrument, $"{field}.instrument", violations, required: true);
        var side = WireEnums.ReadRequired<Wire.OrderSide, OrderSide>(m.Side, $"{field}.side", violations);
        var type = WireEnums.ReadRequired<Wire.OrderType, OrderType>(m.Type, $"{field}.type", violations);
        var quoteQuantity = WireDecimal.ReadOptional(m.QuoteQuantity, $"{field}.quote_quantity", violations);
        var quantity = quoteQuantity is null
            ? WireDecimal.ReadRequired(m.Quantity, $"{field}.quantity", violations)
            : WireDecimal.ReadOptional(m.Quantity, $"{field}.quantity", violations, DecimalSign.NonNegative) ?? 0m;
        var limitPrice = WireDecimal.ReadOptional(m.LimitPrice, $"{field}.limit_price", violations);
        var stopPrice = WireDecimal.ReadOptional(m.StopPrice, $"{field}.stop_price", violations);
        var trailing = WireDecimal.ReadOptional(m.TrailingPercent, $"{field}.trailing_percent", violations);
        var activation = WireDecimal.ReadOptional(m.ActivationPrice, $"{field}.activation_price", violations);
        var display = WireDecimal.ReadOptional(m.DisplayQuantity, $"{field}.display_quantity", violations);
        var tif = WireEnums.ReadOptional(m.TimeInForce, TimeInForce.Gtc, $"{field}.time_in_force", violations);
        var positionSide = WireEnums.ReadOptional(m.PositionSide, PositionSide.Both, $"{field}.position_side", violations);
        var trigger = WireEnums.ReadOptional(m.TriggerPriceType, TriggerPriceType.LastPrice, $"{field}.trigger_price_type", violations);
        if (violations.Count > before) return null;

        var spec = new OrderSpec
        {
            Instrument = instrument!.Value,
            Side = side,
            Type = type,
            Quantity = quantity,
            LimitPrice = limitPrice,
            StopPrice = stopPrice,
            TimeInForce = tif,
            ReduceOnly = m.ReduceOnly,
            PositionSide = positionSide,
            TrailingPercent = trailing,
            ActivationPrice = activation,
            DisplayQuantity = display,
            TriggerPriceType = trigger,
            StrategyTag = string.IsNullOrEmpty(m.StrategyTag) ? null : m.StrategyTag,
            QuoteQuantity = quoteQuantity,
        };
        if (spec.Validate() is { } problem)
        {
            violations.Add(AttributeField(problem.Reason, field), problem.Reason);
            return null;
        }
        return spec;
    }

    /// <summary>Reads a page size: 0 gives <paramref name="fallback"/>, otherwise 1..<paramref name="max"/>.</summary>
    public static int ReadLimit(int value, int fallback, int max, string field = "limit")
    {
        if (value == 0) return fallback;
        if (value < 0 || value > max) throw new RequestValidationException(field, $"must be between 1 and {max} (was {value})");
        return value;
    }

    /// <summary>Reads required free text (reasons), bounded in length.</summary>
    public static string ReadText(string? text, string field, int maxLength = 256)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new RequestValidationException(field, "is required");
        if (text.Length > maxLength) throw new RequestValidationException(field, $"is longer than {maxLength} characters");
        return text.Trim();
    }

    /// <summary>Finds which spec field a domain validation message is about (it starts with the field name).</summary>
    private static string AttributeField(string reason, string prefix)
    {
        var normalized = reason.StartsWith("time in force", StringComparison.Ordinal) ? "time_in_force" : reason;
        foreach (var name in SpecFields)
        {
            if (normalized.StartsWith(name, StringComparison.Ordinal)) return $"{prefix}.{name}";
        }
        return normalized.StartsWith("side", StringComparison.Ordinal) ? $"{prefix}.side"
            : normalized.StartsWith("type", StringComparison.Ordinal) ? $"{prefix}.type"
            : prefix;
    }
}

/// <summary>Reads risk settings.</summary>
public static class RiskRequestReader
{
    /// <summary>Reads a complete set of limits; empty values mean "no limit of this kind".</summary>
    public static RiskLimits ReadLimits(Wire.RiskLimits? message, string field)
    {
        if (message is null) throw new RequestValidationException(field, "is required");
        var violations = new RequestViolations();
        var limits = new RiskLimits
        {
            MaxOrderNotional = WireDecimal.ReadOptional(message.MaxOrderNotional, $"{field}.max_order_notional", violations),
            MaxOrderQuantity = WireDecimal.ReadOptional(message.MaxOrderQuantity, $"{field}.max_order_quantity", violations),
            MaxOpenOrders = ReadCount(message.HasMaxOpenOrders ? message.MaxOpenOrders : null, $"{field}.max_open_orders", violations),
            MaxPositionNotional = WireDecimal.ReadOptional(message.MaxPositionNotional, $"{field}.max_position_notional", violations),
            MaxGrossExposure = WireDecimal.ReadOptional(message.MaxGrossExposure, $"{field}.max_gross_exposure", violations),
            MaxNetExposure = WireDecimal.ReadOptional(message.MaxNetExposure, $"{field}.max_net_exposure", violations),
            PriceBandPercent = WireDecimal.ReadOptional(message.PriceBandPercent, $"{field}.price_band_percent", violations),
            MaxOrdersPerSecond = ReadCount(message.HasMaxOrdersPerSecond ? message.MaxOrdersPerSecond : null, $"{field}.max_orders_per_second", violations),
            MaxDrawdownPercent = WireDecimal.ReadOptional(message.MaxDrawdownPercent, $"{field}.max_drawdown_percent", violations),
            MaxDailyLoss = WireDecimal.ReadOptional(message.MaxDailyLoss, $"{field}.max_daily_loss", violations),
        };
        limits = RiskWire.ReadExtendedLimits(message, field, violations, limits);
        if (limits.MaxDrawdownPercent is > 100m) violations.Add($"{field}.max_drawdown_percent", "must be at most 100");
        if (limits.PriceBandPercent is > 100m) violations.Add($"{field}.price_band_percent", "must be at most 100");
        violations.ThrowIfAny();
        return limits;
    }

    private static int? ReadCount(int? value, string field, RequestViolations violations)
    {
        if (value is < 0) violations.Add(field, $"must not be negative (was {value})");
        return value;
    }
}
