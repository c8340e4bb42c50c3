using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Maps the risk engine's values to and from oms.v1 (the limit fields beyond the first ten, equity, exposure, sizing).</summary>
public static class RiskWire
{
    public static Wire.TradingState ToWire(this TradingState? value) => value is { } v ? v.ToWire() : Wire.TradingState.Unspecified;

    /// <summary>Writes the limit fields 11 and up (per-instrument, per-strategy, breach action, fees, leverage, stop-loss).</summary>
    public static void WriteExtendedLimits(Wire.RiskLimits message, RiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(limits);
        message.MaxPositionQuantity = WireDecimal.Format(limits.MaxPositionQuantity);
        message.Instruments.AddRange(limits.Instruments.Select(i => new Wire.InstrumentRiskLimits
        {
            Instrument = i.Instrument.ToWire(),
            MaxOrderNotional = WireDecimal.Format(i.MaxOrderNotional),
            MaxOrderQuantity = WireDecimal.Format(i.MaxOrderQuantity),
            MaxPositionQuantity = WireDecimal.Format(i.MaxPositionQuantity),
            MaxPositionNotional = WireDecimal.Format(i.MaxPositionNotional),
            PriceBandPercent = WireDecimal.Format(i.PriceBandPercent),
        }));
        foreach (var s in limits.Strategies)
        {
            var strategy = new Wire.StrategyRiskLimits
            {
                Tag = s.Tag,
                MaxOrderNotional = WireDecimal.Format(s.MaxOrderNotional),
                MaxOrderQuantity = WireDecimal.Format(s.MaxOrderQuantity),
                MaxPositionQuantity = WireDecimal.Format(s.MaxPositionQuantity),
                MaxPositionNotional = WireDecimal.Format(s.MaxPositionNotional),
                MaxGrossExposure = WireDecimal.Format(s.MaxGrossExposure),
                MaxNetExposure = WireDecimal.Format(s.MaxNetExposure),
                PriceBandPercent = WireDecimal.Format(s.PriceBandPercent),
                Halted = s.Halted,
            };
            if (s.MaxOpenOrders is { } open) strategy.MaxOpenOrders = open;
            message.Strategies.Add(strategy);
        }
        message.BreachAction = limits.BreachAction.ToWire();
        message.CancelOrdersOnBreach = limits.CancelOrdersOnBreach;
        message.FlattenOnBreach = limits.FlattenOnBreach;
        message.FeeEstimatePercent = WireDecimal.Format(limits.FeeEstimatePercent);
        message.Leverage = WireDecimal.Format(limits.Leverage);
        message.StopLoss = limits.StopLoss?.ToWire();
    }

    /// <summary>Reads the limit fields 11 and up onto <paramref name="limits"/>.</summary>
    public static RiskLimits ReadExtendedLimits(Wire.RiskLimits message, string field, RequestViolations violations, RiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(violations);
        ArgumentNullException.ThrowIfNull(limits);
        var instruments = new List<InstrumentRiskLimits>();
        for (var i = 0; i < message.Instruments.Count; i++)
        {
            var entry = message.Instruments[i];
            var name = $"{field}.instruments[{i}]";
            var instrument = RequestReader.ReadInstrument(entry.Instrument, $"{name}.instrument", violations, required: true);
            var read = new InstrumentRiskLimits
            {
                Instrument = instrument ?? default,
                MaxOrderNotional = WireDecimal.ReadOptional(entry.MaxOrderNotional, $"{name}.max_order_notional", violations),
                MaxOrderQuantity = WireDecimal.ReadOptional(entry.MaxOrderQuantity, $"{name}.max_order_quantity", violations),
                MaxPositionQuantity = WireDecimal.ReadOptional(entry.MaxPositionQuantity, $"{name}.max_position_quantity", violations),
                MaxPositionNotional = WireDecimal.ReadOptional(entry.MaxPositionNotional, $"{name}.max_position_notional", violations),
                PriceBandPercent = WireDecimal.ReadOptional(entry.PriceBandPercent, $"{name}.price_band_percent", violations),
            };
            if (instrument is not null) instruments.Add(read);
        }
        var strategies = new List<StrategyRiskLimits>();
        for (var i = 0; i < message.Strategies.Count; i++)
        {
            var entry = message.Strategies[i];
            var name = $"{field}.strategies[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Tag) || entry.Tag.Length > 64)
            {
                violations.Add($"{name}.tag", "must be 1-64 characters");
                continue;
            }
            if (entry.HasMaxOpenOrders && entry.MaxOpenOrders <= 0) violations.Add($"{name}.max_open_orders", $"must be positive (was {entry.MaxOpenOrders})");
            strategies.Add(new StrategyRiskLimits
            {
                Tag = entry.Tag,
                MaxOrderNotional = WireDecimal.ReadOptional(entry.MaxOrderNotional, $"{name}.max_order_notional", violations),
                MaxOrderQuantity = WireDecimal.ReadOptional(entry.MaxOrderQuantity, $"{name}.max_order_quantity", violations),
                MaxOpenOrders = entry.HasMaxOpenOrders ? entry.MaxOpenOrders : null,
                MaxPositionQuantity = WireDecimal.ReadOptional(entry.MaxPositionQuantity, $"{name}.max_position_quantity", violations),
                MaxPositionNotional = WireDecimal.ReadOptional(entry.MaxPositionNotional, $"{name}.max_position_notional", violations),
                MaxGrossExposure = WireDecimal.ReadOptional(entry.MaxGrossExposure, $"{name}.max_gross_exposure", violations),
                MaxNetExposure = WireDecimal.ReadOptional(entry.MaxNetExposure, $"{name}.max_net_exposure", violations),
                PriceBandPercent = WireDecimal.ReadOptional(entry.PriceBandPercent, $"{name}.price_band_percent", violations),
                Halted = entry.Halted,
            });
        }
        return limits with
        {
            MaxPositionQuantity = WireDecimal.ReadOptional(message.MaxPositionQuantity, $"{field}.max_position_quantity", violations),
            Instruments = instruments,
            Strategies = strategies,
            BreachAction = ReadBreachAction(message.BreachAction, $"{field}.breach_action", violations),
            CancelOrdersOnBreach = message.CancelOrdersOnBreach,
            FlattenOnBreach = message.FlattenOnBreach,
            FeeEstimatePercent = WireDecimal.ReadOptional(message.FeeEstimatePercent, $"{field}.fee_estimate_percent", violations, DecimalSign.NonNegative),
            Leverage = WireDecimal.ReadOptional(message.Leverage, $"{field}.leverage", violations),
            StopLoss = ReadStopLoss(message.StopLoss, $"{field}.stop_loss", violations),
        };
    }

    /// <summary>REDUCING or HALTED; UNSPECIFIED is null (HALTED applies).</summary>
    public static TradingState? ReadBreachAction(Wire.TradingState value, string field, RequestViolations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (value == Wire.TradingState.Unspecified) return null;
        if (value is not (Wire.TradingState.Reducing or Wire.TradingState.Halted))
        {
            violations.Add(field, "must be TRADING_STATE_REDUCING or TRADING_STATE_HALTED");
            return null;
        }
        return (TradingState)(int)value;
    }

    public static ProtectiveStopPolicy? ReadStopLoss(Wire.StopLossPolicy? message, string field, RequestViolations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (message is null) return null;
        var kind = WireEnums.ReadRequired<Wire.StopDistanceKind, StopDistanceKind>(message.Kind, $"{field}.kind", violations);
        var distance = WireDecimal.ReadRequired(message.Distance, $"{field}.distance", violations);
        var trigger = WireEnums.ReadOptional<Wire.TriggerPriceType, TriggerPriceType>(message.TriggerPrice, TriggerPriceType.LastPrice, $"{field}.trigger_price", violations);
        return new ProtectiveStopPolicy { Kind = kind, Distance = distance, TriggerPrice = trigger };
    }

    public static Wire.StopLossPolicy ToWire(this ProtectiveStopPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new Wire.StopLossPolicy
        {
            Kind = (Wire.StopDistanceKind)(int)policy.Kind,
            Distance = WireDecimal.Format(policy.Distance),
            TriggerPrice = policy.TriggerPrice.ToWire(),
        };
    }

    public static Wire.Exposure ToWire(this ExposureView exposure)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        var message = new Wire.Exposure
        {
            Gross = WireDecimal.Format(exposure.Gross),
            Net = WireDecimal.Format(exposure.Net),
            Asset = exposure.Asset,
        };
        message.Unvalued.AddRange(exposure.Unvalued.Select(i => i.ToWire()));
        return message;
    }

    public static Wire.CheckOrderResponse ToWire(this OrderCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Wire.CheckOrderResponse
        {
            Passed = result.Passed,
            Denial = result.Denial?.ToWire(),
            Notional = WireDecimal.Format(result.Notional),
            Before = result.Before?.ToWire(),
            After = result.After?.ToWire(),
        };
    }

    public static Wire.CalculatePositionSizeResponse ToWire(this SizingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Wire.CalculatePositionSizeResponse
        {
            Quantity = WireDecimal.Format(result.Quantity),
            RawQuantity = WireDecimal.Format(result.RawQuantity),
            Notional = WireDecimal.Format(result.Notional),
            Price = WireDecimal.Format(result.Price),
            BindingConstraint = result.BindingConstraint,
            BindingDenial = result.BindingDenial?.ToWire(),
            Explanation = result.Explanation,
            Order = result.Quantity > 0m ? result.Order?.ToWire() : null,
        };
    }

    public static Wire.EquityStatus ToWire(this EquityStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var watermark = status.Watermark;
        var message = new Wire.EquityStatus
        {
            AccountId = status.Account.Value ?? string.Empty,
            Equity = WireDecimal.Format(status.Equity?.Equity ?? watermark.LastEquity),
            Asset = status.Equity?.Asset ?? string.Empty,
            BalanceValue = WireDecimal.Format(status.Equity?.BalanceValue),
            UnrealizedPnl = WireDecimal.Format(status.Equity?.UnrealizedPnl),
            HighWaterMark = WireDecimal.Format(watermark.HighWaterMark),
            DrawdownPercent = WireDecimal.Format(status.DrawdownPercent),
            DayStartEquity = WireDecimal.Format(watermark.DayStartEquity),
            DailyLoss = WireDecimal.Format(status.DailyLoss),
            MaxDrawdownPercent = WireDecimal.Format(status.MaxDrawdownPercent),
            MaxDailyLoss = WireDecimal.Format(status.MaxDailyLoss),
            Breach = status.Breach is { } breach ? new Denial(breach.Code, breach.Reason, breach.Limit, breach.Value, breach.Unit).ToWire() : null,
            TradingState = status.TradingState.ToWire(),
            PeriodicCheckActive = status.PeriodicCheckActive,
            PeriodicCheckSeconds = (long)(status.PeriodicCheckPeriod?.TotalSeconds ?? 0),
            ObservedAt = (status.Equity?.At ?? watermark.LastObservedAt)?.ToWire(),
        };
        if (status.Equity is { } equity) message.UnvaluedAssets.AddRange(equity.UnvaluedAssets);
        return message;
    }

    public static Wire.FirmExposure ToWire(this FirmExposureView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var message = new Wire.FirmExposure
        {
            Gross = WireDecimal.Format(view.Gross),
            Net = WireDecimal.Format(view.Net),
            MaxGross = WireDecimal.Format(view.MaxGross),
            MaxNet = WireDecimal.Format(view.MaxNet),
            Asset = view.Asset,
            MemberCount = view.MemberCount,
        };
        message.Accounts.AddRange(view.Accounts.Select(c => new Wire.AccountExposure
        {
            AccountId = c.Account.Value,
            Gross = WireDecimal.Format(c.Gross),
            Net = WireDecimal.Format(c.Net),
            ReportedAt = c.At.ToWire(),
        }));
        return message;
    }

    /// <summary>Reads a sizing request; the instrument, side and method are required.</summary>
    public static SizingRequest ReadSizingRequest(Wire.CalculatePositionSizeRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var violations = new RequestViolations();
        var instrument = RequestReader.ReadInstrument(message.Instrument, "instrument", violations, required: true);
        var side = WireEnums.ReadRequired<Wire.OrderSide, OrderSide>(message.Side, "side", violations);
        var method = WireEnums.ReadRequired<Wire.SizingMethod, SizingMethod>(message.Method, "method", violations);
        var positionSide = WireEnums.ReadOptional<Wire.PositionSide, PositionSide>(message.PositionSide, PositionSide.Both, "position_side", violations);
        var request = new SizingRequest
        {
            Instrument = instrument ?? default,
            Side = side,
            Method = method,
            EntryPrice = WireDecimal.ReadOptional(message.EntryPrice, "entry_price", violations),
            Equity = WireDecimal.ReadOptional(message.Equity, "equity", violations),
            RiskPercent = WireDecimal.ReadOptional(message.RiskPercent, "risk_percent", violations),
            StopPrice = WireDecimal.ReadOptional(message.StopPrice, "stop_price", violations),
            Notional = WireDecimal.ReadOptional(message.Notional, "notional", violations),
            TargetVolatility = WireDecimal.ReadOptional(message.TargetVolatility, "target_volatility", violations),
            InstrumentVolatility = WireDecimal.ReadOptional(message.InstrumentVolatility, "instrument_volatility", violations),
            PositionSide = positionSide,
            StrategyTag = string.IsNullOrEmpty(message.StrategyTag) ? null : message.StrategyTag,
        };
        switch (method)
        {
            case SizingMethod.FixedFractional:
                if (request.RiskPercent is null) violations.Add("risk_percent", "is required for SIZING_METHOD_FIXED_FRACTIONAL");
                else if (request.RiskPercent > 100m) violations.Add("risk_percent", "must be at most 100");
                if (request.StopPrice is null) violations.Add("stop_price", "is required for SIZING_METHOD_FIXED_FRACTIONAL");
                break;
            case SizingMethod.FixedNotional:
                if (request.Notional is null) violations.Add("notional", "is required for SIZING_METHOD_FIXED_NOTIONAL");
                break;
            case SizingMethod.VolatilityScaled:
                if (request.TargetVolatility is null) violations.Add("target_volatility", "is required for SIZING_METHOD_VOLATILITY_SCALED");
                if (request.InstrumentVolatility is null) violations.Add("instrument_volatility", "is required for SIZING_METHOD_VOLATILITY_SCALED");
                break;
        }
        violations.ThrowIfAny();
        return request;
    }
}
