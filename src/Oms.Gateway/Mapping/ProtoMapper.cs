using Google.Protobuf.WellKnownTypes;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Converts domain and contract values to oms.v1 messages.</summary>
public static class ProtoMapper
{
    public static Timestamp ToWire(this DateTimeOffset value) => Timestamp.FromDateTimeOffset(value);

    public static Wire.Instrument ToWire(this InstrumentId instrument) => new()
    {
        Venue = instrument.Venue.ToWire(),
        Market = instrument.Market.ToWire(),
        Symbol = instrument.Symbol,
    };

    public static Wire.Denial ToWire(this Denial denial) => new()
    {
        Code = denial.Code.Name(),
        Reason = denial.Reason,
        Limit = WireDecimal.Format(denial.Limit),
        WouldBe = WireDecimal.Format(denial.WouldBe),
        Unit = denial.Unit ?? string.Empty,
    };

    public static Wire.OrderSpec ToWire(this OrderSpec spec) => new()
    {
        Instrument = spec.Instrument.ToWire(),
        Side = spec.Side.ToWire(),
        Type = spec.Type.ToWire(),
        Quantity = WireDecimal.Format(spec.Quantity),
        LimitPrice = WireDecimal.Format(spec.LimitPrice),
        StopPrice = WireDecimal.Format(spec.StopPrice),
        TimeInForce = spec.TimeInForce.ToWire(),
        ReduceOnly = spec.ReduceOnly,
        PositionSide = spec.PositionSide.ToWire(),
        TrailingPercent = WireDecimal.Format(spec.TrailingPercent),
        ActivationPrice = WireDecimal.Format(spec.ActivationPrice),
        DisplayQuantity = WireDecimal.Format(spec.DisplayQuantity),
        TriggerPriceType = spec.TriggerPriceType.ToWire(),
        StrategyTag = spec.StrategyTag ?? string.Empty,
        QuoteQuantity = WireDecimal.Format(spec.QuoteQuantity),
    };

    public static Wire.Order ToWire(this OrderSnapshot order)
    {
        var message = new Wire.Order
        {
            AccountId = order.Account.Value,
            ClientOrderId = order.ClientOrderId.Value,
            VenueOrderId = order.VenueOrderId?.Value ?? string.Empty,
            Spec = order.Spec.ToWire(),
            Status = order.Status.ToWire(),
            Quantity = WireDecimal.Format(order.Quantity),
            LimitPrice = WireDecimal.Format(order.LimitPrice),
            FilledQuantity = WireDecimal.Format(order.FilledQuantity),
            LeavesQuantity = WireDecimal.Format(order.LeavesQuantity),
            AveragePrice = WireDecimal.Format(order.AveragePrice),
            CreatedAt = order.CreatedAt.ToWire(),
            UpdatedAt = order.UpdatedAt.ToWire(),
            Denial = order.Denial?.ToWire(),
            LastVenueError = order.LastVenueError ?? string.Empty,
            Triggered = order.Triggered,
            OrderListId = order.OrderListId?.Value ?? string.Empty,
            VenueOrderListId = order.VenueOrderListId ?? string.Empty,
        };
        message.Fees.AddRange(order.Fees.Select(f => new Wire.Money { Amount = WireDecimal.Format(f.Amount), Asset = f.Asset }));
        return message;
    }

    public static Wire.Fill ToWire(this Fill fill) => new()
    {
        Instrument = fill.Instrument.ToWire(),
        TradeId = fill.TradeId.Value,
        ClientOrderId = fill.ClientOrderId.Value,
        VenueOrderId = fill.VenueOrderId?.Value ?? string.Empty,
        Side = fill.Side.ToWire(),
        Quantity = WireDecimal.Format(fill.Quantity),
        Price = WireDecimal.Format(fill.Price),
        Fee = WireDecimal.Format(fill.Fee),
        FeeAsset = fill.FeeAsset,
        Liquidity = fill.Liquidity.ToWire(),
        Timestamp = fill.Timestamp.ToWire(),
        VenueRealizedPnl = WireDecimal.Format(fill.VenueRealizedPnl),
        PositionSide = fill.PositionSide.ToWire(),
    };

    public static Wire.OrderCommandResponse ToWire(this OrderCommandResult result) => new()
    {
        Accepted = result.Accepted,
        Order = result.Order?.ToWire(),
        Denial = result.Denial?.ToWire(),
    };

    public static Wire.ExecutionReport ToWire(this ExecutionReport report)
    {
        var message = new Wire.ExecutionReport
        {
            Sequence = report.Sequence,
            Timestamp = report.Event.Timestamp.ToWire(),
            Order = report.Order.ToWire(),
        };
        switch (report.Event)
        {
            case OrderSubmitted:
                message.ExecutionType = Wire.ExecutionType.Submitted;
                break;
            case OrderDenied denied:
                message.ExecutionType = Wire.ExecutionType.Denied;
                message.Denial = denied.Denial.ToWire();
                break;
            case OrderAccepted:
                message.ExecutionType = Wire.ExecutionType.Accepted;
                break;
            case OrderRejected rejected:
                message.ExecutionType = Wire.ExecutionType.Rejected;
                message.Reason = rejected.Reason;
                message.VenueCode = rejected.VenueCode ?? string.Empty;
                break;
            case OrderFilled filled:
                message.ExecutionType = Wire.ExecutionType.Filled;
                message.Fill = filled.Fill.ToWire();
                break;
            case OrderPendingCancel:
                message.ExecutionType = Wire.ExecutionType.PendingCancel;
                break;
            case OrderCancelRejected cancelRejected:
                message.ExecutionType = Wire.ExecutionType.CancelRejected;
                message.Reason = cancelRejected.Reason;
                message.VenueCode = cancelRejected.VenueCode ?? string.Empty;
                break;
            case OrderCanceled canceled:
                message.ExecutionType = Wire.ExecutionType.Canceled;
                message.Reason = canceled.Reason ?? string.Empty;
                break;
            case OrderExpired expired:
                message.ExecutionType = Wire.ExecutionType.Expired;
                message.Reason = expired.Reason ?? string.Empty;
                break;
            case OrderPendingReplace:
                message.ExecutionType = Wire.ExecutionType.PendingReplace;
                break;
            case OrderReplaceRejected replaceRejected:
                message.ExecutionType = Wire.ExecutionType.ReplaceRejected;
                message.Reason = replaceRejected.Reason;
                message.VenueCode = replaceRejected.VenueCode ?? string.Empty;
                break;
            case OrderReplaced:
                message.ExecutionType = Wire.ExecutionType.Replaced;
                break;
            case OrderTriggered:
                message.ExecutionType = Wire.ExecutionType.Triggered;
                break;
            default:
                // A newer event type this gateway does not know: the order snapshot still tells the client the state.
                message.ExecutionType = Wire.ExecutionType.Unspecified;
                break;
        }
        return message;
    }

    public static Wire.Account ToWire(this AccountInfo info)
    {
        var message = new Wire.Account
        {
            AccountId = info.Account.Value,
            Venue = info.Config.Venue.ToWire(),
            PositionMode = info.Config.PositionMode.ToWire(),
            DisplayName = info.Config.DisplayName ?? string.Empty,
            TradingState = info.TradingState.ToWire(),
            Reconciling = info.Reconciling,
            LastSequence = info.LastSequence,
            OpenOrderCount = info.OpenOrderCount,
        };
        message.Markets.AddRange(info.Config.Markets.Select(m => m.ToWire()));
        return message;
    }

    public static Wire.Balance ToWire(this BalanceSnapshot balance) => new()
    {
        Asset = balance.Asset,
        Free = WireDecimal.Format(balance.Free),
        Locked = WireDecimal.Format(balance.Locked),
        Total = WireDecimal.Format(balance.Total),
        UpdatedAt = balance.UpdatedAt.ToWire(),
    };

    public static Wire.Position ToWire(this PositionSnapshot position) => new()
    {
        AccountId = position.Account.Value,
        Instrument = position.Instrument.ToWire(),
        Side = position.Side.ToWire(),
        Quantity = WireDecimal.Format(position.Quantity),
        AverageEntryPrice = WireDecimal.Format(position.AverageEntryPrice),
        RealizedPnl = WireDecimal.Format(position.RealizedPnl),
        Fees = WireDecimal.Format(position.Fees),
        MarkPrice = WireDecimal.Format(position.MarkPrice),
        UnrealizedPnl = WireDecimal.Format(position.UnrealizedPnl),
        UpdatedAt = position.UpdatedAt.ToWire(),
        FillCount = position.FillCount,
    };

    public static Wire.RiskLimits ToWire(this RiskLimits limits)
    {
        var message = new Wire.RiskLimits
        {
            MaxOrderNotional = WireDecimal.Format(limits.MaxOrderNotional),
            MaxOrderQuantity = WireDecimal.Format(limits.MaxOrderQuantity),
            MaxPositionNotional = WireDecimal.Format(limits.MaxPositionNotional),
            MaxGrossExposure = WireDecimal.Format(limits.MaxGrossExposure),
            MaxNetExposure = WireDecimal.Format(limits.MaxNetExposure),
            PriceBandPercent = WireDecimal.Format(limits.PriceBandPercent),
            MaxDrawdownPercent = WireDecimal.Format(limits.MaxDrawdownPercent),
            MaxDailyLoss = WireDecimal.Format(limits.MaxDailyLoss),
        };
        if (limits.MaxOpenOrders is { } maxOpen) message.MaxOpenOrders = maxOpen;
        if (limits.MaxOrdersPerSecond is { } rate) message.MaxOrdersPerSecond = rate;
        RiskWire.WriteExtendedLimits(message, limits);
        return message;
    }

    public static Wire.RiskPolicy ToWire(this RiskPolicy policy, AccountId account) => new()
    {
        AccountId = account.Value,
        Limits = policy.Limits.ToWire(),
        TradingState = policy.TradingState.ToWire(),
        Version = policy.Version,
        TradingStateReason = policy.TradingStateReason ?? string.Empty,
    };

    public static Wire.RiskAuditEntry ToWire(this RiskAuditEntry entry) => new()
    {
        Timestamp = entry.Timestamp.ToWire(),
        ChangedBy = entry.ChangedBy,
        Setting = entry.Setting,
        OldValue = entry.OldValue ?? string.Empty,
        NewValue = entry.NewValue ?? string.Empty,
        Reason = entry.Reason ?? string.Empty,
    };
}
