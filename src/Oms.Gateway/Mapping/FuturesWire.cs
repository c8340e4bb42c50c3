using Google.Protobuf.WellKnownTypes;
using Oms.Connectors.Abstractions;
using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Maps the futures settings, margin and income values to and from oms.v1.</summary>
public static class FuturesWire
{
    public static Wire.MarginType ToWire(this VenueMarginType? value) => value switch
    {
        VenueMarginType.Cross => Wire.MarginType.Crossed,
        VenueMarginType.Isolated => Wire.MarginType.Isolated,
        _ => Wire.MarginType.Unspecified,
    };

    public static VenueMarginType? ReadMarginType(Wire.MarginType value, string field, RequestViolations violations)
    {
        switch (value)
        {
            case Wire.MarginType.Crossed:
                return VenueMarginType.Cross;
            case Wire.MarginType.Isolated:
                return VenueMarginType.Isolated;
            case Wire.MarginType.Unspecified:
                violations.Add(field, "is required: MARGIN_TYPE_CROSSED or MARGIN_TYPE_ISOLATED");
                return null;
            default:
                violations.Add(field, $"value {(int)value} is not a known margin type");
                return null;
        }
    }

    public static Wire.InstrumentSettings ToWire(this DerivativesSymbolSettings settings) => new()
    {
        Instrument = settings.Instrument.ToWire(),
        Leverage = settings.Leverage,
        MarginType = settings.MarginType.ToWire(),
        MaxNotional = WireDecimal.Format(settings.MaxNotional),
    };

    public static Wire.FuturesSettingResponse ToWire(this FuturesSettingResult result)
    {
        ThrowIfFailed(result.Error, result.Message, result.VenueCode);
        return new Wire.FuturesSettingResponse
        {
            Changed = result.Changed,
            Instrument = result.Instrument?.ToWire(),
            PositionMode = result.PositionMode is { } mode ? mode.ToWire() : Wire.PositionMode.Unspecified,
        };
    }

    public static Wire.FuturesSettings ToWire(this FuturesSettingsView view)
    {
        ThrowIfFailed(view.Error, view.Message, null);
        var message = new Wire.FuturesSettings { PositionMode = view.Settings!.PositionMode.ToWire() };
        message.Instruments.AddRange(view.Settings.Instruments.Select(i => i.ToWire()));
        return message;
    }

    public static Wire.MarginStatus ToWire(this FuturesMarginStatus status)
    {
        ThrowIfFailed(status.Error, status.Message, null);
        var message = new Wire.MarginStatus
        {
            AccountId = status.Account.Value,
            Asset = status.Asset,
            WalletBalance = WireDecimal.Format(status.WalletBalance),
            UnrealizedPnl = WireDecimal.Format(status.UnrealizedPnl),
            MarginBalance = WireDecimal.Format(status.MarginBalance),
            MaintenanceMargin = WireDecimal.Format(status.MaintenanceMargin),
            MarginRatio = WireDecimal.Format(status.MarginRatio),
            AlertThreshold = WireDecimal.Format(status.AlertThreshold),
            AboveThreshold = status.AboveThreshold,
            ComputedAt = status.ComputedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        message.Positions.AddRange(status.Positions.Select(p => new Wire.MarginPosition
        {
            Instrument = p.Instrument.ToWire(),
            PositionSide = p.PositionSide.ToWire(),
            Quantity = WireDecimal.Format(p.Quantity),
            EntryPrice = WireDecimal.Format(p.EntryPrice),
            MarkPrice = WireDecimal.Format(p.MarkPrice),
            Notional = WireDecimal.Format(p.Notional),
            UnrealizedPnl = WireDecimal.Format(p.UnrealizedPnl),
            MaintenanceMargin = WireDecimal.Format(p.MaintenanceMargin),
            MaintenanceMarginRate = WireDecimal.Format(p.MaintenanceMarginRate),
            VenueMaintenanceMargin = WireDecimal.Format(p.VenueMaintenanceMargin),
            MarkSource = p.MarkSource,
        }));
        message.RecentAlerts.AddRange(status.RecentAlerts.Select(a => new Wire.MarginAlert
        {
            At = Timestamp.FromDateTimeOffset(a.At),
            Kind = (Wire.MarginAlertKind)(int)a.Kind,
            MarginRatio = WireDecimal.Format(a.MarginRatio),
            Threshold = WireDecimal.Format(a.Threshold),
            Message = a.Message,
        }));
        return message;
    }

    public static Wire.IncomeSummary ToWire(this FuturesIncomeSummary summary)
    {
        ThrowIfFailed(summary.Error, summary.Message, null);
        var message = new Wire.IncomeSummary
        {
            AccountId = summary.Account.Value,
            NewRows = summary.NewRows,
            TotalRows = summary.TotalRows,
            SyncedThrough = summary.SyncedThrough is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        message.Lines.AddRange(summary.Lines.Select(l => new Wire.IncomeLine
        {
            Instrument = l.Instrument?.ToWire(),
            Asset = l.Asset,
            FundingFees = WireDecimal.Format(l.FundingFees),
            Commissions = WireDecimal.Format(l.Commissions),
            VenueRealizedPnl = WireDecimal.Format(l.VenueRealizedPnl),
            Other = WireDecimal.Format(l.Other),
            Rows = l.Rows,
            OmsRealizedPnl = WireDecimal.Format(l.OmsRealizedPnl),
            OmsFees = WireDecimal.Format(l.OmsFees),
            RealizedDifference = WireDecimal.Format(l.RealizedDifference),
            NetIncome = WireDecimal.Format(l.NetIncome),
        }));
        return message;
    }

    /// <summary>Turns a futures error into the gRPC status the service documents.</summary>
    public static void ThrowIfFailed(FuturesSettingError error, string? message, string? venueCode)
    {
        if (error == FuturesSettingError.None) return;
        var code = error switch
        {
            FuturesSettingError.InvalidArgument => StatusCode.InvalidArgument,
            FuturesSettingError.FailedPrecondition => StatusCode.FailedPrecondition,
            FuturesSettingError.AccountNotFound => StatusCode.NotFound,
            FuturesSettingError.Unauthorized => StatusCode.PermissionDenied,
            _ => StatusCode.Unavailable,
        };
        var text = message ?? error.ToString();
        if (venueCode is not null && !text.Contains(venueCode, StringComparison.Ordinal)) text += $" (venue code {venueCode})";
        throw new RpcException(new Status(code, text));
    }
}
