using Microsoft.Extensions.DependencyInjection;
using Oms.Grains.Futures;
using Oms.Observability;

namespace Oms.Grains;

// Derivatives: venue positions (checked, and corrected once a difference is confirmed), account settings (leverage,
// margin type, position mode) set through the derivatives port, margin monitoring with alerts, and income booking.
public sealed partial class AccountGrain : IFuturesAccountGrain
{
    private const int MaxRecentAlerts = 50;
    /// <summary>A difference between the OMS's leg and the venue's must be seen this long, with no fill in between, before the leg is corrected.</summary>
    private static readonly TimeSpan CorrectionConfirmDelay = TimeSpan.FromSeconds(2);

    private readonly Dictionary<PositionLegKey, PendingDifference> _positionDifferences = [];
    private readonly List<FuturesMarginAlert> _marginAlerts = [];
    private IGrainTimer? _futuresTimer;
    private MarginComputation? _lastMargin;
    private DateTimeOffset? _lastMarginAt;
    private bool _marginAlertRaised;
    private Task<string?>? _marginRefresh;
    private Task<(int Added, string? Error)>? _incomeSync;
    private DateTimeOffset _nextIncomeSync;
    private FuturesMonitorOptions? _futuresOptions;
    /// <summary>The venue-leverage read in flight (settings of every instrument), if any.</summary>
    private Task? _leverageRead;
    /// <summary>After a failed venue-leverage read, no new one starts before this time (the submit path does not wait on a failing venue).</summary>
    private DateTimeOffset _leverageReadRetryAt;
    /// <summary>When the last venue-leverage read succeeded (a reconciliation soon after does not read again).</summary>
    private DateTimeOffset? _leverageReadAt;
    /// <summary>Instruments whose venue leverage the next read must keep (wanted by the margin check).</summary>
    private readonly HashSet<InstrumentId> _leverageWanted = [];
    /// <summary>Instruments a successful read was asked for in this activation (not asked again until the next reconciliation).</summary>
    private readonly HashSet<InstrumentId> _leverageAsked = [];

    /// <summary>A difference seen in a venue snapshot, waiting to be confirmed by a later one.</summary>
    private sealed record PendingDifference(decimal Mine, decimal Venue, TradeId? LastTrade, DateTimeOffset SeenAt);

    private FuturesMonitorOptions FuturesOptions => _futuresOptions ??= ServiceProvider.GetService<IOptions<FuturesMonitorOptions>>()?.Value ?? new FuturesMonitorOptions();

    // ---------------------------------------------------------------------------------------------------------------
    // Venue events

    /// <summary>
    /// Checks the venue's positions (stream <c>ACCOUNT_UPDATE</c> or a snapshot from reconciliation or the margin
    /// monitor) against the legs the account built from its fills. Fills move positions (they carry price, fee and
    /// realized PnL); a difference is logged with both quantities. When a snapshot shows the same difference again
    /// at least <see cref="CorrectionConfirmDelay"/> later with no fill applied to the instrument in between (so no
    /// fill is still on its way), the leg is set to the venue's quantity: persisted, logged, counted and audited in
    /// the futures ledger. A snapshot also covers the legs it does not list (flat at the venue). A funding payment or
    /// a reconciliation triggers an income read.
    /// </summary>
    private bool ApplyVenuePositions(VenuePositionUpdate update)
    {
        var changed = false;
        var now = _clock.GetUtcNow();
        var venueLegs = new Dictionary<PositionLegKey, decimal>();
        foreach (var position in update.Positions)
        {
            if (position.Instrument.Market == MarketType.Spot) continue;
            venueLegs[new PositionLegKey(position.Instrument, position.PositionSide)] = position.Quantity;
        }
        if (update.IsSnapshot)
        {
            foreach (var (key, mine) in S.NetPositions)
            {
                if (mine != 0m && key.Instrument.Market != MarketType.Spot) venueLegs.TryAdd(key, 0m);
            }
        }
        foreach (var (key, venue) in venueLegs)
        {
            var mine = S.NetPositions.GetValueOrDefault(key);
            if (mine == venue)
            {
                _positionDifferences.Remove(key);
                continue;
            }
            DerivativesLog.PositionDiffers(_logger, _account, key.Instrument, key.Side, mine, venue, update.Source, update.VenueReason);
            if (!update.IsSnapshot || !FuturesOptions.CorrectPositionsFromVenue) continue;
            var lastTrade = S.LastTrades.TryGetValue(key.Instrument, out var last) ? last.TradeId : (TradeId?)null;
            // Confirmed: the same difference again, later, with no fill applied in between and no order of the OMS
            // still open on the instrument (whose fill could still be on its way).
            if (_positionDifferences.TryGetValue(key, out var pending) && pending.Mine == mine && pending.Venue == venue && pending.LastTrade == lastTrade
                && now - pending.SeenAt >= CorrectionConfirmDelay && OpenOrdersOf(o => o.Instrument == key.Instrument).Count == 0)
            {
                changed |= CorrectLeg(key, mine, venue, update, now);
                _positionDifferences.Remove(key);
            }
            else if (pending is null || pending.Mine != mine || pending.Venue != venue || pending.LastTrade != lastTrade)
            {
                _positionDifferences[key] = new PendingDifference(mine, venue, lastTrade, now);
            }
        }
        DerivativesLog.PositionsReported(_logger, _account, update.Positions.Count, update.IsSnapshot, update.Source);

        if (venueLegs.Values.Any(q => q != 0m) || HasFuturesPosition()) EnsureFuturesMonitor();
        if (string.Equals(update.VenueReason, "FUNDING_FEE", StringComparison.OrdinalIgnoreCase)
            || (update.IsSnapshot && update.Source == VenueEventSource.Reconciliation && _futuresTimer is not null && update.Positions.Count > 0))
        {
            RequestIncomeSync();
        }
        return changed;
    }

    private bool CorrectLeg(PositionLegKey key, decimal mine, decimal venue, VenuePositionUpdate update, DateTimeOffset now)
    {
        if (venue == 0m) S.NetPositions.Remove(key);
        else S.NetPositions[key] = venue;
        var reason = $"the account's fills add up to {mine} but the venue reported {venue} in two snapshots at least {CorrectionConfirmDelay.TotalSeconds:0} s apart "
            + $"with no fill in between ({update.Source})";
        DerivativesLog.PositionCorrected(_logger, _account, key.Instrument, key.Side, mine, venue, reason);
        OmsTelemetry.PositionCorrected(_account.Value, key.Instrument.Venue.ToString(), key.Instrument.Market.ToString());
        var correction = new FuturesPositionCorrection
        {
            At = now, Instrument = key.Instrument, PositionSide = key.Side, OmsQuantity = mine, VenueQuantity = venue, Reason = reason,
        };
        _ = AuditCorrectionAsync(correction);
        return true;
    }

    private async Task AuditCorrectionAsync(FuturesPositionCorrection correction)
    {
        try
        {
            await GrainFactory.GetGrain<IFuturesLedgerGrain>(_account.Value).RecordCorrectionAsync(correction);
        }
        catch (Exception ex)
        {
            DerivativesLog.LedgerFailed(_logger, ex, _account, "record a position correction");
        }
    }

    /// <summary>
    /// A venue setting changed (leverage, position mode, multi-assets margin): logged; a position mode reported by the
    /// venue (after a change through this OMS, or read at reconciliation) becomes the account's, so orders are
    /// checked against the mode the venue applies; a leverage becomes the instrument's margin-check leverage. A
    /// reconciliation (the session started or recovered) also re-reads the venue's leverage of the instruments the
    /// account trades, in the background: changes made while the OMS was not listening are learned.
    /// </summary>
    private bool ApplyAccountConfig(VenueAccountConfigUpdate update)
    {
        DerivativesLog.AccountConfigChanged(_logger, _account, update.Instrument?.ToString(), update.Leverage, update.PositionMode?.ToString(), update.MultiAssetsMargin);
        var changed = false;
        if (update.Instrument is { } instrument && update.Leverage is { } leverage)
        {
            changed |= LearnLeverage(instrument, leverage, $"the venue's leverage event ({update.Source})");
        }
        if (update.PositionMode is { } mode && S.Config is { } config && config.PositionMode != mode && Enum.IsDefined(mode))
        {
            S.Config = config with { PositionMode = mode };
            DerivativesLog.PositionModeAdopted(_logger, _account, mode);
            changed = true;
        }
        // Each attempt of a reconciliation reports the position mode: one read per LeverageReadRetryInterval is enough
        // (a reconciliation retried while the venue's request weight is short must not spend more of it).
        if (update.Source == VenueEventSource.Reconciliation && R.VenueLeverage.Count > 0
            && (_leverageReadAt is not { } last || _clock.GetUtcNow() - last >= FuturesOptions.LeverageReadRetryInterval))
        {
            _leverageAsked.Clear();
            _ = RequestLeverageRead();
        }
        return changed;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Venue leverage: the leverage the pre-trade margin check applies per instrument (capped by RiskLimits.Leverage)

    /// <summary>Records the venue's leverage of a derivatives instrument; true when it changed (persisted with the next write).</summary>
    private bool LearnLeverage(InstrumentId instrument, decimal leverage, string source)
    {
        if (instrument.Market == MarketType.Spot || leverage < 1m) return false;
        _leverageWanted.Remove(instrument);
        if (R.VenueLeverage.TryGetValue(instrument, out var known) && known == leverage) return false;
        R.VenueLeverage[instrument] = leverage;
        DerivativesLog.LeverageLearned(_logger, _account, instrument, leverage, known == 0m ? (decimal?)null : known, source);
        return true;
    }

    /// <summary>
    /// Whether a futures order's verdict may change once the venue's leverage is known: a margin denial made at an
    /// assumed leverage (1x, or the maximum), or a pass at an assumed maximum leverage (the venue's may be lower). A
    /// pass at 1x cannot turn into a denial (any leverage needs less margin), so the venue is not asked for it.
    /// </summary>
    private static bool MayDependOnVenueLeverage(InstrumentSpec instrument, PreTradeOutcome outcome) =>
        instrument.Market != MarketType.Spot
        && (outcome.Denial is { Code: DenialCode.InsufficientMargin } || (outcome.Passed && outcome.Limits.MaxLeverage is not null));

    /// <summary>
    /// When the margin check runs (the venue reported the margin asset) and the venue's leverage of the order's
    /// instrument or of a leg the account holds is not known, reads it from the venue: one settings read of every
    /// instrument, bounded by <see cref="FuturesMonitorOptions.LeverageReadTimeout"/>, once per instrument and
    /// activation, and not again for <see cref="FuturesMonitorOptions.LeverageReadRetryInterval"/> after a failure.
    /// Without a derivatives connector in this silo nothing is read: the check keeps assuming the risk limits' maximum
    /// leverage (1 when none). Returns whether a leverage was learned (the order is then judged again).
    /// </summary>
    private async Task<bool> ReadMissingLeverageAsync(InstrumentSpec instrument)
    {
        if (instrument.Market == MarketType.Spot || !S.Balances.ContainsKey(instrument.QuoteAsset)) return false;
        WantLeverage(instrument.Id);
        foreach (var (leg, quantity) in S.NetPositions)
        {
            if (quantity != 0m) WantLeverage(leg.Instrument);
        }
        if (_leverageWanted.Count == 0) return false;
        var wanted = _leverageWanted.ToArray();
        if (RequestLeverageRead() is not { } read) return false;
        await read;
        return wanted.Any(R.VenueLeverage.ContainsKey);
    }

    private void WantLeverage(InstrumentId instrument)
    {
        if (instrument.Market != MarketType.Spot && !R.VenueLeverage.ContainsKey(instrument) && !_leverageAsked.Contains(instrument)) _leverageWanted.Add(instrument);
    }

    /// <summary>The read in flight, or a new one; null when there is no connector to ask or a failed read is too recent.</summary>
    private Task? RequestLeverageRead()
    {
        if (_leverageRead is { IsCompleted: false } running) return running;
        if (S.Config is not { } config) return null;
        var market = config.Markets.FirstOrDefault(m => m != MarketType.Spot);
        if (market == default || Port(config.Venue, market) is not { } port) return null;
        if (_clock.GetUtcNow() < _leverageReadRetryAt) return null;
        _leverageRead = ReadVenueLeverageAsync(port, config.Venue, market);
        return _leverageRead;
    }

    /// <summary>
    /// Reads the venue's settings of every instrument and keeps the leverage of those the account needs (wanted by a
    /// check, already known, traded, held or with open orders): the account state does not grow with the venue's list.
    /// </summary>
    private async Task ReadVenueLeverageAsync(IDerivativesAccountPort port, Venue venue, MarketType market)
    {
        var options = FuturesOptions;
        using var timeout = new CancellationTokenSource(options.LeverageReadTimeout);
        string? failure;
        try
        {
            var read = await port.GetSettingsAsync(_account, venue, market, null, timeout.Token);
            if (read.Succeeded && read.Value is { } settings)
            {
                var asked = _leverageWanted.ToArray();
                var keep = new HashSet<InstrumentId>(asked);
                keep.UnionWith(R.VenueLeverage.Keys);
                keep.UnionWith(S.TradedInstruments);
                foreach (var leg in S.NetPositions.Keys) keep.Add(leg.Instrument);
                foreach (var record in S.Orders.Values)
                {
                    if (record.Order.IsOpen) keep.Add(record.Order.Instrument);
                }
                foreach (var setting in settings.Instruments)
                {
                    if (keep.Contains(setting.Instrument)) LearnLeverage(setting.Instrument, setting.Leverage, "the venue's settings");
                }
                _leverageAsked.UnionWith(asked);
                _leverageWanted.Clear();
                _leverageReadAt = _clock.GetUtcNow();
                return;
            }
            failure = read.Message ?? "the venue's settings could not be read";
        }
        catch (Exception ex)
        {
            failure = timeout.IsCancellationRequested ? $"no answer within {options.LeverageReadTimeout.TotalSeconds:0.###} s" : ex.Message;
        }
        _leverageReadRetryAt = _clock.GetUtcNow() + options.LeverageReadRetryInterval;
        DerivativesLog.LeverageReadFailed(_logger, _account, failure, options.LeverageReadRetryInterval);
    }

    /// <summary>A margin call is a warning from the venue: logged with every position it names, and raised as a margin alert (liquidation may follow as fills).</summary>
    private bool ApplyMarginCall(VenueMarginCall call)
    {
        foreach (var position in call.Positions)
        {
            DerivativesLog.MarginCall(_logger, _account, position.Instrument, position.PositionSide, position.Quantity, position.MarkPrice, position.MaintenanceMargin);
        }
        var names = string.Join(", ", call.Positions.Select(p => $"{p.Instrument} {p.PositionSide} {p.Quantity} at mark {p.MarkPrice}"));
        RaiseMarginAlert(FuturesMarginAlertKind.VenueMarginCall, _lastMargin?.MarginRatio,
            $"the venue sent a margin call for account {_account}: {names}" + (call.CrossWalletBalance is { } cw ? $"; cross wallet {cw}" : string.Empty));
        EnsureFuturesMonitor();
        return false;
    }

    private bool HasFuturesPosition()
    {
        foreach (var (key, quantity) in S.NetPositions)
        {
            if (quantity != 0m && key.Instrument.Market != MarketType.Spot) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settings

    public async Task<FuturesSettingResult> SetLeverageAsync(InstrumentId instrument, int leverage, string changedBy)
    {
        if (CheckFuturesAccount(instrument.Venue, instrument.Market) is { } accountError) return accountError;
        if (CheckFuturesInstrument(instrument) is { } instrumentError) return instrumentError;
        if (leverage is < 1 or > 125)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument, $"leverage {leverage} for {instrument} is out of range: it must be between 1 and 125");
        }
        if (Port(instrument.Venue, instrument.Market) is not { } port) return NoPort(instrument.Venue, instrument.Market);
        var result = await port.SetLeverageAsync(_account, instrument, leverage);
        if (!result.Succeeded) return FromPort(result, $"set the leverage of {instrument} to {leverage}");
        DerivativesLog.SettingChanged(_logger, _account, $"leverage of {instrument}", leverage.ToString(System.Globalization.CultureInfo.InvariantCulture), changedBy);
        if (result.Value is { } applied) LearnLeverage(applied.Instrument, applied.Leverage, $"set by {changedBy}");
        return new FuturesSettingResult { Changed = true, Instrument = result.Value };
    }

    public async Task<FuturesSettingResult> SetMarginTypeAsync(InstrumentId instrument, VenueMarginType marginType, string changedBy)
    {
        if (CheckFuturesAccount(instrument.Venue, instrument.Market) is { } accountError) return accountError;
        if (CheckFuturesInstrument(instrument) is { } instrumentError) return instrumentError;
        if (!Enum.IsDefined(marginType))
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument, $"margin type {(int)marginType} is not known: use CROSSED or ISOLATED");
        }
        var legs = S.NetPositions.Where(p => p.Key.Instrument == instrument && p.Value != 0m).Select(p => $"{p.Key.Side} {p.Value}").ToList();
        if (legs.Count > 0)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.FailedPrecondition,
                $"cannot switch {instrument} to {MarginTypeName(marginType)} margin: account {_account} has an open position in it ({string.Join(", ", legs)}); close it first");
        }
        var open = OpenOrdersOf(o => o.Instrument == instrument);
        if (open.Count > 0)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.FailedPrecondition,
                $"cannot switch {instrument} to {MarginTypeName(marginType)} margin: account {_account} has {open.Count} open order(s) in it ({Describe(open)}); cancel them first");
        }
        if (Port(instrument.Venue, instrument.Market) is not { } port) return NoPort(instrument.Venue, instrument.Market);
        var result = await port.SetMarginTypeAsync(_account, instrument, marginType);
        if (!result.Succeeded) return FromPort(result, $"switch {instrument} to {MarginTypeName(marginType)} margin");
        DerivativesLog.SettingChanged(_logger, _account, $"margin type of {instrument}", MarginTypeName(marginType), changedBy);
        return new FuturesSettingResult { Changed = result.Value };
    }

    public async Task<FuturesSettingResult> SetPositionModeAsync(Venue venue, MarketType market, PositionMode mode, string changedBy)
    {
        if (CheckFuturesAccount(venue, market) is { } accountError) return accountError;
        if (!Enum.IsDefined(mode))
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument, $"position mode {(int)mode} is not known: use ONE_WAY or HEDGE");
        }
        var legs = S.NetPositions.Where(p => p.Key.Instrument.Venue == venue && p.Key.Instrument.Market == market && p.Value != 0m)
            .Select(p => $"{p.Key.Instrument} {p.Key.Side} {p.Value}").ToList();
        if (legs.Count > 0)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.FailedPrecondition,
                $"cannot switch account {_account} to {mode} mode on {venue} {market}: it has open positions ({string.Join(", ", legs)}); close them first");
        }
        var open = OpenOrdersOf(o => o.Instrument.Venue == venue && o.Instrument.Market == market);
        if (open.Count > 0)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.FailedPrecondition,
                $"cannot switch account {_account} to {mode} mode on {venue} {market}: it has {open.Count} open order(s) ({Describe(open)}); cancel them first");
        }
        if (Port(venue, market) is not { } port) return NoPort(venue, market);
        var result = await port.SetPositionModeAsync(_account, venue, market, mode);
        if (!result.Succeeded) return FromPort(result, $"switch to {mode} mode");
        DerivativesLog.SettingChanged(_logger, _account, $"position mode on {venue} {market}", mode.ToString(), changedBy);
        // The connector reports the venue's new mode as an account event; orders are checked against it once it was
        // applied (bounded wait: the event travels through the account's ordered event pump).
        for (var i = 0; i < 100 && S.Config?.PositionMode != mode; i++) await Task.Delay(TimeSpan.FromMilliseconds(50));
        return new FuturesSettingResult { Changed = result.Value, PositionMode = S.Config?.PositionMode ?? mode };
    }

    public async Task<FuturesSettingsView> GetSettingsAsync(Venue venue, MarketType market, InstrumentId? instrument)
    {
        if (CheckFuturesAccount(venue, market) is { } accountError) return new FuturesSettingsView { Error = accountError.Error, Message = accountError.Message };
        if (instrument is { } id && CheckFuturesInstrument(id) is { } instrumentError)
        {
            return new FuturesSettingsView { Error = instrumentError.Error, Message = instrumentError.Message };
        }
        if (Port(venue, market) is not { } port)
        {
            var none = NoPort(venue, market);
            return new FuturesSettingsView { Error = none.Error, Message = none.Message };
        }
        var result = await port.GetSettingsAsync(_account, venue, market, instrument);
        if (!result.Succeeded)
        {
            var failed = FromPort(result, "read the futures settings");
            return new FuturesSettingsView { Error = failed.Error, Message = failed.Message };
        }
        if (result.Value is { } read)
        {
            // Only instruments the account already margins or asked about (the full list is the venue's, not the account's).
            foreach (var setting in read.Instruments)
            {
                if (instrument == setting.Instrument || R.VenueLeverage.ContainsKey(setting.Instrument)) LearnLeverage(setting.Instrument, setting.Leverage, "a settings read");
            }
        }
        return new FuturesSettingsView { Settings = result.Value };
    }

    private FuturesSettingResult? CheckFuturesAccount(Venue venue, MarketType market)
    {
        if (!S.Provisioned || S.Config is not { } config)
        {
            return FuturesSettingResult.Fail(FuturesSettingError.AccountNotFound, $"account {_account} is not provisioned");
        }
        if (market == MarketType.Spot || !Enum.IsDefined(market))
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument, $"market {market} has no leverage, margin type or position mode: use a futures market");
        }
        if (config.Venue != venue || !config.Markets.Contains(market))
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument,
                $"account {_account} does not trade {venue} {market} (it trades {config.Venue} {string.Join(", ", config.Markets)})");
        }
        return null;
    }

    private FuturesSettingResult? CheckFuturesInstrument(InstrumentId instrument)
    {
        if (!_catalog.TryGet(instrument, out _))
        {
            return FuturesSettingResult.Fail(FuturesSettingError.InvalidArgument, $"instrument {instrument} is unknown: it is not in the instrument catalog");
        }
        return null;
    }

    private List<Order> OpenOrdersOf(Func<Order, bool> predicate)
    {
        var list = new List<Order>();
        foreach (var record in S.Orders.Values)
        {
            if (record.Order.IsOpen && predicate(record.Order)) list.Add(record.Order);
        }
        return list;
    }

    private static string Describe(List<Order> orders) =>
        string.Join(", ", orders.Take(5).Select(o => o.ClientOrderId.Value)) + (orders.Count > 5 ? $" and {orders.Count - 5} more" : string.Empty);

    private static string MarginTypeName(VenueMarginType type) => type == VenueMarginType.Isolated ? "ISOLATED" : "CROSSED";

    private IDerivativesAccountPort? Port(Venue venue, MarketType market)
    {
        foreach (var port in ServiceProvider.GetServices<IDerivativesAccountPort>())
        {
            if (port.Serves(venue, market)) return port;
        }
        return null;
    }

    private static FuturesSettingResult NoPort(Venue venue, MarketType market) =>
        FuturesSettingResult.Fail(FuturesSettingError.VenueUnavailable, $"no {venue} {market} connector runs in this silo; nothing was sent");

    private FuturesSettingResult FromPort<T>(DerivativesPortResult<T> result, string what)
    {
        var error = result.Error switch
        {
            DerivativesPortError.InvalidRequest => FuturesSettingError.InvalidArgument,
            DerivativesPortError.Rejected => FuturesSettingError.FailedPrecondition,
            DerivativesPortError.Unauthorized => FuturesSettingError.Unauthorized,
            _ => FuturesSettingError.VenueUnavailable,
        };
        var message = result.Message ?? $"failed to {what}";
        if (result.OutcomeUnknown) message += "; the venue may have applied it: read the settings to know";
        DerivativesLog.SettingFailed(_logger, _account, what, message);
        return FuturesSettingResult.Fail(error, message, result.VenueCode, result.OutcomeUnknown);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Margin monitoring

    public async Task<FuturesMarginStatus> GetMarginStatusAsync(bool refresh)
    {
        if (!S.Provisioned || S.Config is not { } config)
        {
            return new FuturesMarginStatus { Account = _account, Error = FuturesSettingError.AccountNotFound, Message = $"account {_account} is not provisioned" };
        }
        var market = config.Markets.FirstOrDefault(m => m != MarketType.Spot);
        if (market == default)
        {
            return new FuturesMarginStatus
            {
                Account = _account, Error = FuturesSettingError.InvalidArgument, Message = $"account {_account} trades no futures market ({string.Join(", ", config.Markets)})",
            };
        }
        string? error = null;
        if (refresh || _lastMargin is null) error = await RefreshMarginAsync();
        if (HasFuturesPosition() || _lastMargin is { Positions.Count: > 0 }) EnsureFuturesMonitor();
        return MarginStatus(error);
    }

    private FuturesMarginStatus MarginStatus(string? error)
    {
        var threshold = FuturesOptions.MarginAlertThreshold;
        var margin = _lastMargin;
        return new FuturesMarginStatus
        {
            Account = _account,
            Error = error is null ? FuturesSettingError.None : FuturesSettingError.VenueUnavailable,
            Message = error,
            Asset = margin?.Asset ?? "USDT",
            WalletBalance = margin?.WalletBalance ?? 0m,
            UnrealizedPnl = margin?.UnrealizedPnl ?? 0m,
            MarginBalance = margin?.MarginBalance ?? 0m,
            MaintenanceMargin = margin?.MaintenanceMargin ?? 0m,
            MarginRatio = margin?.MarginRatio,
            AlertThreshold = threshold,
            AboveThreshold = margin?.IsAtOrAbove(threshold) ?? false,
            ComputedAt = _lastMarginAt,
            Positions = margin?.Positions ?? [],
            RecentAlerts = [.. _marginAlerts],
        };
    }

    /// <summary>
    /// Reads the margin inputs from the venue, computes the margin with the silo's mark prices, publishes the ratio
    /// gauge and raises or clears the threshold alert. The venue's positions are also checked against the account's
    /// legs (as a snapshot event applied in its own turn). Returns what failed, or null.
    /// </summary>
    private async Task<string?> RefreshMarginAsync()
    {
        // One read at a time; a caller arriving during a read waits for it, then reads afresh (the running one may predate its question).
        while (_marginRefresh is { } running) await running;
        var task = RefreshMarginCoreAsync();
        _marginRefresh = task;
        try
        {
            return await task;
        }
        finally
        {
            if (ReferenceEquals(_marginRefresh, task)) _marginRefresh = null;
        }
    }

    private async Task<string?> RefreshMarginCoreAsync()
    {
        var config = S.Config!;
        var market = config.Markets.FirstOrDefault(m => m != MarketType.Spot);
        if (Port(config.Venue, market) is not { } port) return NoPort(config.Venue, market).Message;
        try
        {
            var read = await port.GetMarginInputsAsync(_account, config.Venue, market);
            if (!read.Succeeded) return read.Message ?? "reading the margin inputs failed";
            var inputs = read.Value!;
            var margin = FuturesMarginCalculator.Compute(inputs, instrument => _prices.TryGetPrice(instrument));
            _lastMargin = margin;
            _lastMarginAt = _clock.GetUtcNow();
            OmsTelemetry.AccountRisk.SetMarginRatio(_account.Value, market.ToString(), (double)(margin.MarginRatio ?? (margin.IsAtOrAbove(1m) ? 1m : 0m)));
            foreach (var position in margin.Positions)
            {
                if (position.VenueMaintenanceMargin is { } venueMargin && Math.Abs(venueMargin - position.MaintenanceMargin) > 0.01m + 0.001m * venueMargin)
                {
                    DerivativesLog.MaintenanceDiffers(_logger, _account, position.Instrument, position.PositionSide, position.MaintenanceMargin, venueMargin, position.MarkSource);
                }
            }
            EvaluateMarginThreshold(margin);
            // The positions just read are venue truth: check them against the account's legs in a regular turn.
            _ = GrainFactory.GetGrain<IAccountGrain>(_account.Value).ApplyVenueEventsAsync([new VenuePositionUpdate
            {
                Account = _account,
                Timestamp = inputs.ReadAt,
                Source = VenueEventSource.Reconciliation,
                IsSnapshot = true,
                VenueReason = "margin monitor",
                Positions = [.. inputs.Positions.Select(p => new VenuePosition
                {
                    Instrument = p.Instrument, PositionSide = p.PositionSide, Quantity = p.Quantity, EntryPrice = p.EntryPrice, MarkPrice = p.MarkPrice,
                    MarginType = p.MarginType, IsolatedWallet = p.IsolatedWallet,
                })],
            }]);
            return null;
        }
        catch (Exception ex)
        {
            DerivativesLog.MonitorFailed(_logger, ex, _account, "compute the margin");
            return $"computing the margin of account {_account} failed: {ex.Message}";
        }
    }

    private void EvaluateMarginThreshold(MarginComputation margin)
    {
        var options = FuturesOptions;
        var threshold = options.MarginAlertThreshold;
        if (!_marginAlertRaised && margin.IsAtOrAbove(threshold))
        {
            _marginAlertRaised = true;
            RaiseMarginAlert(FuturesMarginAlertKind.ThresholdCrossed, margin.MarginRatio,
                $"margin ratio of account {_account} is {Ratio(margin)} (maintenance {margin.MaintenanceMargin} {margin.Asset} over margin balance {margin.MarginBalance}), "
                + $"at or above the alert threshold {threshold}");
        }
        else if (_marginAlertRaised && !margin.IsAtOrAbove(threshold - options.MarginAlertHysteresis))
        {
            _marginAlertRaised = false;
            RaiseMarginAlert(FuturesMarginAlertKind.Recovered, margin.MarginRatio,
                $"margin ratio of account {_account} is back to {Ratio(margin)}, below the alert threshold {threshold} less {options.MarginAlertHysteresis}");
        }
    }

    private static string Ratio(MarginComputation margin) =>
        margin.MarginRatio is { } ratio ? decimal.Round(ratio, 6).ToString(System.Globalization.CultureInfo.InvariantCulture) : "beyond 1 (no margin balance left)";

    private void RaiseMarginAlert(FuturesMarginAlertKind kind, decimal? ratio, string message)
    {
        var threshold = FuturesOptions.MarginAlertThreshold;
        _marginAlerts.Add(new FuturesMarginAlert { At = _clock.GetUtcNow(), Kind = kind, MarginRatio = ratio, Threshold = threshold, Message = message });
        if (_marginAlerts.Count > MaxRecentAlerts) _marginAlerts.RemoveRange(0, _marginAlerts.Count - MaxRecentAlerts);
        if (kind == FuturesMarginAlertKind.Recovered) DerivativesLog.MarginRecovered(_logger, _account, message);
        else DerivativesLog.MarginAlert(_logger, _account, kind, message);
        OmsTelemetry.MarginAlertRaised(_account.Value, kind switch
        {
            FuturesMarginAlertKind.ThresholdCrossed => OmsTelemetry.MarginAlertOutcomes.ThresholdCrossed,
            FuturesMarginAlertKind.Recovered => OmsTelemetry.MarginAlertOutcomes.Recovered,
            _ => OmsTelemetry.MarginAlertOutcomes.VenueMarginCall,
        });
    }

    /// <summary>
    /// Starts the futures monitor of this activation (once): every <see cref="FuturesMonitorOptions.MarginInterval"/>
    /// the margin is recomputed and, every <see cref="FuturesMonitorOptions.IncomeInterval"/>, income is read. The
    /// timer interleaves with the account's calls (it waits for the venue without holding them up) and stops when
    /// the account holds no futures position any more.
    /// </summary>
    private void EnsureFuturesMonitor()
    {
        if (_futuresTimer is not null || S.Config is not { } config) return;
        // Without a connector for the account's futures market in this silo there is nothing to read.
        if (Port(config.Venue, config.Markets.FirstOrDefault(m => m != MarketType.Spot)) is null) return;
        var options = FuturesOptions;
        _nextIncomeSync = _clock.GetUtcNow();
        _futuresTimer = this.RegisterGrainTimer(FuturesTickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.MarginInterval)
        {
            Interleave = true,
            KeepAlive = false,
        });
    }

    private async Task FuturesTickAsync(CancellationToken cancellationToken)
    {
        if (!S.Provisioned || S.Config is null) return;
        var error = await RefreshMarginAsync();
        if (error is not null) DerivativesLog.MonitorFailedMessage(_logger, _account, error);
        if (_clock.GetUtcNow() >= _nextIncomeSync) RequestIncomeSync();
        if (!HasFuturesPosition() && _lastMargin is { Positions.Count: 0 } && error is null)
        {
            // Flat at the venue and in the OMS: the monitor rests until the next position.
            _futuresTimer?.Dispose();
            _futuresTimer = null;
            RequestIncomeSync();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Income

    private void RequestIncomeSync()
    {
        if (_incomeSync is not null) return;
        _ = SyncIncomeOnceAsync();
    }

    /// <summary>One income read at a time; a caller arriving during a read waits for it, then reads what came since.</summary>
    private async Task<(int Added, string? Error)> SyncIncomeOnceAsync()
    {
        while (_incomeSync is { } running) await running;
        var task = SyncIncomeCoreAsync();
        _incomeSync = task;
        try
        {
            return await task;
        }
        finally
        {
            if (ReferenceEquals(_incomeSync, task)) _incomeSync = null;
        }
    }

    public async Task<FuturesIncomeSummary> SyncIncomeAsync()
    {
        if (!S.Provisioned || S.Config is null)
        {
            return new FuturesIncomeSummary { Account = _account, Error = FuturesSettingError.AccountNotFound, Message = $"account {_account} is not provisioned" };
        }
        var (added, error) = await SyncIncomeOnceAsync();
        return await IncomeSummaryAsync(added, error);
    }

    public async Task<FuturesIncomeSummary> GetIncomeAsync()
    {
        if (!S.Provisioned || S.Config is null)
        {
            return new FuturesIncomeSummary { Account = _account, Error = FuturesSettingError.AccountNotFound, Message = $"account {_account} is not provisioned" };
        }
        return await IncomeSummaryAsync(0, null);
    }

    /// <summary>Reads the venue's income since the ledger's cursor and books it (the ledger skips rows it has). Returns the new rows and what failed.</summary>
    private async Task<(int Added, string? Error)> SyncIncomeCoreAsync()
    {
        var config = S.Config;
        if (config is null) return (0, $"account {_account} is not provisioned");
        var market = config.Markets.FirstOrDefault(m => m != MarketType.Spot);
        if (market == default) return (0, $"account {_account} trades no futures market");
        if (Port(config.Venue, market) is not { } port) return (0, NoPort(config.Venue, market).Message);
        try
        {
            var options = FuturesOptions;
            var ledger = GrainFactory.GetGrain<IFuturesLedgerGrain>(_account.Value);
            var now = _clock.GetUtcNow();
            var since = await ledger.GetIncomeCursorAsync() ?? now - options.IncomeLookback;
            var read = await port.GetIncomeAsync(_account, config.Venue, market, since);
            if (!read.Succeeded) return (0, read.Message);
            var rows = read.Value!;
            var through = rows.Count > 0 ? rows.Max(r => r.Time) : now;
            var added = await ledger.BookIncomeAsync(rows, through > now ? through : now);
            _nextIncomeSync = _clock.GetUtcNow() + options.IncomeInterval;
            return (added, null);
        }
        catch (Exception ex)
        {
            DerivativesLog.LedgerFailed(_logger, ex, _account, "book income");
            return (0, $"booking the income of account {_account} failed: {ex.Message}");
        }
    }

    private async Task<FuturesIncomeSummary> IncomeSummaryAsync(int added, string? error)
    {
        var view = await GrainFactory.GetGrain<IFuturesLedgerGrain>(_account.Value).GetAsync();
        var lines = new List<FuturesIncomeLine>();
        foreach (var totals in view.Totals)
        {
            decimal? omsRealized = null, omsFees = null;
            if (totals.Instrument is { } instrument && instrument.Market != MarketType.Spot)
            {
                var legs = await GrainFactory.GetPosition(_account, instrument).GetAsync(null);
                omsRealized = legs.Sum(l => l.RealizedPnl);
                omsFees = legs.Sum(l => l.Fees);
            }
            lines.Add(new FuturesIncomeLine
            {
                Instrument = totals.Instrument,
                Asset = totals.Asset,
                FundingFees = totals.FundingFees,
                Commissions = totals.Commissions,
                VenueRealizedPnl = totals.RealizedPnl,
                Other = totals.Other,
                Rows = totals.Rows,
                OmsRealizedPnl = omsRealized,
                OmsFees = omsFees,
                // The OMS's realized PnL is net of fees; the venue books gross realized PnL and (negative) commissions apart.
                RealizedDifference = omsRealized is { } realized ? totals.RealizedPnl + totals.Commissions - realized : null,
                NetIncome = totals.RealizedPnl + totals.Commissions + totals.FundingFees,
            });
        }
        return new FuturesIncomeSummary
        {
            Account = _account,
            Error = error is null ? FuturesSettingError.None : FuturesSettingError.VenueUnavailable,
            Message = error,
            Lines = lines,
            NewRows = added,
            TotalRows = view.TotalRows,
            SyncedThrough = view.SyncedThrough,
        };
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

        [LoggerMessage(1904, LogLevel.Warning,
            "Account {Account} position {Instrument} {PositionSide} CORRECTED from {Mine} to the venue's {Venue}: {Reason}")]
        public static partial void PositionCorrected(ILogger logger, AccountId account, InstrumentId instrument, PositionSide positionSide, decimal mine, decimal venue,
            string reason);

        [LoggerMessage(1905, LogLevel.Information, "Account {Account}: position mode is now {Mode} (as the venue applies it)")]
        public static partial void PositionModeAdopted(ILogger logger, AccountId account, PositionMode mode);

        [LoggerMessage(1906, LogLevel.Information, "Account {Account}: {Setting} set to {Value} by {ChangedBy}")]
        public static partial void SettingChanged(ILogger logger, AccountId account, string setting, string value, string changedBy);

        [LoggerMessage(1907, LogLevel.Warning, "Account {Account}: could not {What}: {Message}")]
        public static partial void SettingFailed(ILogger logger, AccountId account, string what, string message);

        [LoggerMessage(1908, LogLevel.Warning, "Account {Account}: MARGIN ALERT ({Kind}): {Message}")]
        public static partial void MarginAlert(ILogger logger, AccountId account, FuturesMarginAlertKind kind, string message);

        [LoggerMessage(1909, LogLevel.Information, "Account {Account}: margin alert cleared: {Message}")]
        public static partial void MarginRecovered(ILogger logger, AccountId account, string message);

        [LoggerMessage(1910, LogLevel.Warning, "Account {Account}: the futures monitor failed to {What}")]
        public static partial void MonitorFailed(ILogger logger, Exception exception, AccountId account, string what);

        [LoggerMessage(1911, LogLevel.Warning, "Account {Account}: the futures monitor could not compute the margin: {Message}")]
        public static partial void MonitorFailedMessage(ILogger logger, AccountId account, string message);

        [LoggerMessage(1912, LogLevel.Warning, "Account {Account}: the futures ledger failed to {What}")]
        public static partial void LedgerFailed(ILogger logger, Exception exception, AccountId account, string what);

        [LoggerMessage(1914, LogLevel.Information,
            "Account {Account}: the venue's leverage of {Instrument} is {Leverage}x (was {Previous}x; from {Source}): the margin check uses it, capped by the risk limits")]
        public static partial void LeverageLearned(ILogger logger, AccountId account, InstrumentId instrument, decimal leverage, decimal? previous, string source);

        [LoggerMessage(1915, LogLevel.Warning,
            "Account {Account}: the venue's leverage could not be read ({Message}); the margin check assumes the risk limits' maximum leverage (1x when none) for instruments it does not know, and asks again after {RetryAfter}")]
        public static partial void LeverageReadFailed(ILogger logger, AccountId account, string message, TimeSpan retryAfter);

        [LoggerMessage(1913, LogLevel.Information,
            "Account {Account} position {Instrument} {PositionSide}: OMS maintenance margin {Mine} differs from the venue's {Venue} (mark from {MarkSource})")]
        public static partial void MaintenanceDiffers(ILogger logger, AccountId account, InstrumentId instrument, PositionSide positionSide, decimal mine, decimal venue,
            string markSource);
    }
}
