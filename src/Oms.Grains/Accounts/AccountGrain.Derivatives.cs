namespace Oms.Grains;

// Derivatives venue events: positions, account settings and margin calls as the venue reports them.
public sealed partial class AccountGrain
{
    /// <summary>
    /// Checks the venue's positions (stream <c>ACCOUNT_UPDATE</c> or a reconciliation snapshot) against the legs the
    /// account built from its fills. Fills remain the only thing that moves positions (they carry price, fee and
    /// realized PnL); the venue's figure is the truth they are checked against, and a difference is logged with both
    /// quantities. A snapshot also covers the legs it does not list (flat at the venue). Nothing is persisted.
    /// </summary>
    private bool ApplyVenuePositions(VenuePositionUpdate update)
    {
        var seen = new HashSet<PositionLegKey>();
        foreach (var position in update.Positions)
        {
            var key = new PositionLegKey(position.Instrument, position.PositionSide);
            seen.Add(key);
            var mine = S.NetPositions.GetValueOrDefault(key);
            if (mine != position.Quantity)
            {
                DerivativesLog.PositionDiffers(_logger, _account, position.Instrument, position.PositionSide, mine, position.Quantity, update.Source, update.VenueReason);
            }
        }
        if (update.IsSnapshot)
        {
            foreach (var (key, mine) in S.NetPositions)
            {
                if (mine == 0m || seen.Contains(key) || key.Instrument.Market == MarketType.Spot) continue;
                DerivativesLog.PositionDiffers(_logger, _account, key.Instrument, key.Side, mine, 0m, update.Source, update.VenueReason);
            }
        }
        DerivativesLog.PositionsReported(_logger, _account, update.Positions.Count, update.IsSnapshot, update.Source);
        return false;
    }

    /// <summary>Records a venue setting change (leverage, position mode, multi-assets margin) in the log; the settings themselves live at the venue.</summary>
    private bool ApplyAccountConfig(VenueAccountConfigUpdate update)
    {
        DerivativesLog.AccountConfigChanged(_logger, _account, update.Instrument?.ToString(), update.Leverage, update.PositionMode?.ToString(), update.MultiAssetsMargin);
        return false;
    }

    /// <summary>A margin call is a warning from the venue: logged with every position it names (liquidation may follow as fills).</summary>
    private bool ApplyMarginCall(VenueMarginCall call)
    {
        foreach (var position in call.Positions)
        {
            DerivativesLog.MarginCall(_logger, _account, position.Instrument, position.PositionSide, position.Quantity, position.MarkPrice, position.MaintenanceMargin);
        }
        return false;
    }

    private static partial class DerivativesLog
    {
        [LoggerMessage(1900, LogLevel.Warning,
            "Account {Account} position {Instrument} {PositionSide}: the OMS has {Mine}, the venue reports {Venue} ({Source}, {VenueReason})")]
        public static partial void PositionDiffers(ILogger logger, AccountId account, InstrumentId instrument, PositionSide positionSide, decimal mine, decimal venue,
            VenueEventSource source, string? venueReason);

        [LoggerMessage(1901, LogLevel.Debug, "Account {Account}: the venue reported {Count} positions (snapshot: {Snapshot}, {Source})")]
        public static partial void PositionsReported(ILogger logger, AccountId account, int count, bool snapshot, VenueEventSource source);

        [LoggerMessage(1902, LogLevel.Information,
            "Account {Account}: venue settings changed: instrument {Instrument} leverage {Leverage}, position mode {PositionMode}, multi-assets margin {MultiAssets}")]
        public static partial void AccountConfigChanged(ILogger logger, AccountId account, string? instrument, int? leverage, string? positionMode, bool? multiAssets);

        [LoggerMessage(1903, LogLevel.Warning,
            "Account {Account}: MARGIN CALL on {Instrument} {PositionSide}: quantity {Quantity} at mark {MarkPrice}, maintenance margin {MaintenanceMargin}")]
        public static partial void MarginCall(ILogger logger, AccountId account, InstrumentId instrument, PositionSide positionSide, decimal quantity, decimal markPrice,
            decimal? maintenanceMargin);
    }
}
