using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;

namespace Oms.Connectors.Binance.Worker.UsdM;

// Reconciliation, the silent-stream watchdog and the dead-man's switch.
public sealed partial class BinanceUsdMAccountWorker
{
    private const int MaxTradePages = 20;
    private const int TradePageSize = 1000;

    private readonly SemaphoreSlim _armNow = new(0);
    private readonly HashSet<InstrumentId> _armed = [];
    private readonly HashSet<InstrumentId> _toArm = [];
    private long _countdownRefreshes;

    /// <summary>Successful <c>countdownCancelAll</c> calls (diagnostics and tests).</summary>
    public long CountdownRefreshes => Interlocked.Read(ref _countdownRefreshes);

    /// <summary>
    /// The venue error that failed the last reconciliation attempt; null when that attempt completed or failed
    /// otherwise (diagnostics and tests).
    /// </summary>
    public BinanceError? LastReconcileError => _reconciler.LastError;

    /// <summary>Whether the venue refused the account's key in the last reconciliation attempt (diagnostics and tests).</summary>
    public bool KeyRefused => _reconciler.KeyRefused;

    /// <summary>
    /// Brings the OMS in line with the venue: marks the account reconciling, applies the balance and position snapshots
    /// (positions are venue truth the account checks its own against), the state of every order the OMS considers open
    /// (open engine orders, open algo orders, else by client order id following triggered algo orders), and every
    /// trade after each instrument's cursor (with a look-back; the grain drops duplicates), all as Reconciliation
    /// events; then ends the reconciliation once the events are applied. False when it failed; the supervisor retries
    /// with backoff. How a failure leaves the account (reconciling after a failure in transit, ended when the venue
    /// refuses the key) is <see cref="BinanceReconciler"/>'s, the same as spot's; the key check is one signed balance read.
    /// </summary>
    private async Task<bool> ReconcileAsync(string reason, CancellationToken stop)
    {
        var sessions = await WaitReadyAsync(stop).ConfigureAwait(false);
        if (sessions is null) return true;
        return await _reconciler.RunAsync(reason,
            async token => (await sessions.Rest.GetBalancesAsync(token).ConfigureAwait(false)).Error,
            token => ReconcileStepsAsync(sessions, token), stop).ConfigureAwait(false);
    }

    private async Task<bool> ReconcileStepsAsync(BinanceUsdMSessions sessions, CancellationToken stop)
    {
        // Balances first: any stream event after this snapshot is newer and is applied after it. Positions are read now
        // and reported after the missed fills below, so the account checks its legs against them once it has them all.
        var balances = await sessions.Rest.GetBalancesAsync(stop).ConfigureAwait(false);
        if (!balances.TryGetValue(out var balanceList)) return Failed(balances.Error!);
        var positions = await sessions.Rest.GetPositionsAsync(null, stop).ConfigureAwait(false);
        if (!positions.TryGetValue(out var positionList)) return Failed(positions.Error!);
        Post(UsdMBalance.ToSnapshot(balanceList, Account, Now, VenueEventSource.Reconciliation));
        // The position mode (one-way or hedge) is the venue's: the account checks orders against the one it applies.
        var mode = await sessions.Rest.GetPositionModeAsync(stop).ConfigureAwait(false);
        if (mode.TryGetValue(out var positionMode))
        {
            Post(new VenueAccountConfigUpdate { Account = Account, Timestamp = Now, Source = VenueEventSource.Reconciliation, PositionMode = positionMode });
        }
        else
        {
            _logger.LogWarning("Account {Account}: {Message}; the account keeps its position mode", Account, mode.Error!.Message);
        }

        var view = await _shared.Reconciliation.GetViewAsync(Account, stop).ConfigureAwait(false);
        var (venueOpen, venueOpenAlgo, openError) = await ListOpenAsync(sessions, view, stop).ConfigureAwait(false);
        if (openError is not null) return Failed(openError);
        var openById = new Dictionary<ClientOrderId, OrderReport>();
        foreach (var report in venueOpen)
        {
            var id = UsdMOrderIds.TryGetOrderId(report.VenueOrderId, out var engineId) && Parser.TryGetTriggeredAlgo(engineId, out var algoId) ? algoId : report.ClientOrderId;
            openById[id] = report with { ClientOrderId = id };
        }
        var openAlgoById = venueOpenAlgo.ToDictionary(a => a.ClientOrderId);

        var reports = new List<OrderReport>();
        var events = new List<VenueEvent>();
        var notFound = new List<TrackedOrder>();
        foreach (var order in view.OpenOrders)
        {
            if (!IsMine(order.Instrument)) continue;
            if (openById.TryGetValue(order.ClientOrderId, out var report))
            {
                reports.Add(report);
                if (order.Status == OrderStatus.PendingCancel) RequeueCancel(order, report.VenueOrderId);
                continue;
            }
            if (openAlgoById.TryGetValue(order.ClientOrderId, out var algo))
            {
                events.AddRange(algo.ToEvents(Account, VenueEventSource.Reconciliation, Now));
                if (order.Status == OrderStatus.PendingCancel) RequeueCancel(order, algo.VenueOrderId);
                continue;
            }
            var found = await FindAsync(sessions, order.Instrument, order.ClientOrderId, stop).ConfigureAwait(false);
            if (found.TryGetValue(out var state))
            {
                if (state.Algo is { } algoReport) events.AddRange(algoReport.ToEvents(Account, VenueEventSource.Reconciliation, Now));
                if (state.Order is { } engineOrder) reports.Add(engineOrder);
            }
            else if (found.ErrorKind == VenueErrorKind.UnknownOrder) notFound.Add(order);
            else return Failed(found.Error!);
        }

        // Trades: after each instrument's cursor (with a look-back), and every trade of the orders just reported.
        var orderIds = new Dictionary<long, ClientOrderId>();
        foreach (var report in reports)
        {
            if (UsdMOrderIds.TryGetOrderId(report.VenueOrderId, out var id)) orderIds[id] = report.ClientOrderId;
        }
        var fills = new Dictionary<FillKey, Fill>();
        foreach (var cursor in view.TradeCursors)
        {
            if (!IsMine(cursor.Instrument)) continue;
            var last = TradeNumber(cursor.TradeId);
            if (last == long.MaxValue) continue;
            if (!await ReadTradesAsync(sessions, cursor.Instrument, Math.Max(0, last - _shared.Options.TradeLookback), orderIds, fills, stop).ConfigureAwait(false)) return false;
        }
        foreach (var report in reports)
        {
            if (report.ExecutedQuantity is not > 0m) continue;
            if (!UsdMOrderIds.TryGetOrderId(report.VenueOrderId, out var orderId)) continue;
            var trades = await sessions.Rest.GetUserTradesAsync(report.Instrument, orderIds, orderId: orderId, cancellationToken: stop).ConfigureAwait(false);
            if (!trades.TryGetValue(out var list)) return Failed(trades.Error!);
            foreach (var fill in list) fills[fill.Key] = fill;
        }

        var attached = new HashSet<FillKey>();
        foreach (var report in reports)
        {
            var own = fills.Values.Where(f => f.ClientOrderId == report.ClientOrderId && f.Instrument == report.Instrument).OrderBy(f => TradeNumber(f.TradeId)).ToArray();
            foreach (var fill in own) attached.Add(fill.Key);
            events.AddRange((report with { Fills = own }).ToEvents(Account, VenueEventSource.Reconciliation, Now));
        }
        foreach (var fill in fills.Values.Where(f => !attached.Contains(f.Key)).OrderBy(f => TradeNumber(f.TradeId)))
        {
            events.Add(new VenueFill { Account = Account, Timestamp = fill.Timestamp, Source = VenueEventSource.Reconciliation, Fill = fill });
        }
        foreach (var order in notFound)
        {
            events.Add(new VenueOrderUpdate
            {
                Account = Account,
                Timestamp = Now,
                Source = VenueEventSource.Reconciliation,
                Instrument = order.Instrument,
                ClientOrderId = order.ClientOrderId,
                Kind = VenueOrderEventKind.NotFound,
                Reason = $"Binance USD-M has no order {order.ClientOrderId} (engine or Algo Service)",
                VenueCode = "-2013",
            });
        }
        events.Add(UsdMPosition.ToSnapshot(positionList, Account, Now, VenueEventSource.Reconciliation));
        Post(events);
        foreach (var report in venueOpen) Arm(report.Instrument);
        foreach (var algo in venueOpenAlgo) Arm(algo.Instrument);
        _shared.Metrics.ReconciliationFinding(Venue, "orders", reports.Count);
        _shared.Metrics.ReconciliationFinding(Venue, "fills", fills.Count);
        _shared.Metrics.ReconciliationFinding(Venue, "not_found", notFound.Count);
        _shared.Metrics.ReconciliationFinding(Venue, "positions", positionList.Count);
        return true;
    }

    /// <summary>
    /// The venue's open engine and algo orders on the instruments where the OMS has open orders (only those are matched
    /// against the OMS's): one call per instrument and kind (weight 1 each) while that is cheaper than the all-symbols
    /// lists (weight 40 each), and no call when the OMS has no open order. Weight is shared by every account on the IP,
    /// so a reconciliation or a watchdog probe must not spend 80 on what 2 tell.
    /// </summary>
    private static async Task<(List<OrderReport> Orders, List<AlgoOrderReport> Algo, BinanceError? Error)> ListOpenAsync(BinanceUsdMSessions sessions,
        AccountReconciliationView view, CancellationToken stop)
    {
        var orders = new List<OrderReport>();
        var algo = new List<AlgoOrderReport>();
        var instruments = view.OpenOrders.Where(o => IsMine(o.Instrument)).Select(o => o.Instrument).Distinct().ToArray();
        if (instruments.Length == 0) return (orders, algo, null);
        IEnumerable<InstrumentId?> scopes = instruments.Length * UsdMEndpointCosts.OpenOrders(true).Weight < UsdMEndpointCosts.OpenOrders(false).Weight
            ? instruments.Select(i => (InstrumentId?)i)
            : [null];
        foreach (var instrument in scopes)
        {
            var open = await sessions.Rest.GetOpenOrdersAsync(instrument, stop).ConfigureAwait(false);
            if (!open.TryGetValue(out var reports)) return (orders, algo, open.Error);
            orders.AddRange(reports);
            var openAlgo = await sessions.Rest.GetOpenAlgoOrdersAsync(instrument, stop).ConfigureAwait(false);
            if (!openAlgo.TryGetValue(out var algoReports)) return (orders, algo, openAlgo.Error);
            algo.AddRange(algoReports);
        }
        return (orders, algo, null);
    }

    private void RequeueCancel(TrackedOrder order, VenueOrderId venueOrderId) =>
        // The cancel may have been lost with the connection: send it again (harmless if it was not).
        _queue.TryEnqueue(new CancelOrderCommand
        {
            Account = Account, Instrument = order.Instrument, ClientOrderId = order.ClientOrderId, VenueOrderId = venueOrderId, CreatedAt = Now,
        });

    /// <summary>
    /// Reads the account's trades of one instrument from trade id <paramref name="fromId"/> (paged, bounded). Trades of
    /// orders not yet mapped to a client order id are mapped through the instrument's order history (triggered algo
    /// orders through the parser's map), then read again.
    /// </summary>
    private async Task<bool> ReadTradesAsync(BinanceUsdMSessions sessions, InstrumentId instrument, long fromId, Dictionary<long, ClientOrderId> orderIds,
        Dictionary<FillKey, Fill> fills, CancellationToken stop)
    {
        var mapped = false;
        var from = fromId;
        for (var page = 0; page < MaxTradePages; page++)
        {
            var unmatched = new List<long>();
            var result = await sessions.Rest.GetUserTradesAsync(instrument, orderIds, fromId: from, limit: TradePageSize, unmatchedOrderIds: unmatched, cancellationToken: stop)
                .ConfigureAwait(false);
            if (!result.TryGetValue(out var trades)) return Failed(result.Error!);
            if (unmatched.Count > 0 && !mapped)
            {
                mapped = true;
                foreach (var id in unmatched)
                {
                    if (Parser.TryGetTriggeredAlgo(id, out var algoId)) orderIds[id] = algoId;
                }
                var history = await sessions.Rest.GetAllOrdersAsync(instrument, fromOrderId: unmatched.Min(), limit: 1000, cancellationToken: stop).ConfigureAwait(false);
                if (!history.TryGetValue(out var orders)) return Failed(history.Error!);
                foreach (var order in orders)
                {
                    if (UsdMOrderIds.TryGetOrderId(order.VenueOrderId, out var id) && !orderIds.ContainsKey(id)) orderIds[id] = order.ClientOrderId;
                }
                page--;
                continue;
            }
            foreach (var fill in trades) fills[fill.Key] = fill;
            if (unmatched.Count > 0)
            {
                _logger.LogWarning("Account {Account}: {Count} USD-M trades on {Instrument} belong to orders without a known client order id; they are not applied",
                    Account, unmatched.Count, instrument);
            }
            if (trades.Count + unmatched.Count < TradePageSize) return true;
            var lastSeen = trades.Count == 0 ? from : trades.Max(t => TradeNumber(t.TradeId));
            from = Math.Max(from + 1, lastSeen + 1);
        }
        _logger.LogWarning("Account {Account}: more than {Pages} pages of USD-M trades on {Instrument}; the rest follow in the next reconciliation", Account, MaxTradePages, instrument);
        return true;
    }

    private static bool IsMine(InstrumentId instrument) => instrument.Venue == Venue.Binance && instrument.Market == MarketType.UsdMFutures;

    private bool Failed(BinanceError error) => _reconciler.StepFailed(error);

    // ---------------------------------------------------------------------------------------------------------------
    // Watchdog

    /// <summary>The silent-stream watchdog (<see cref="BinanceStreamWatch"/>): a disagreement replaces the sessions (and listenKey stream) and reconciles.</summary>
    private Task WatchAsync(CancellationToken stop) =>
        BinanceStreamWatch.RunAsync<BinanceUsdMSessions>(_slot, static _ => true, ProbeAsync, _watchdog,
            _shared.Options.WatchdogInterval, _shared.Time, _shared.Metrics, _logger, Account, "USD-M", RequestResubscribe, RequestReconcile, stop);

    private async Task<BinanceProbeVerdict> ProbeAsync(BinanceUsdMSessions sessions, CancellationToken stop)
    {
        var view = await _shared.Reconciliation.GetViewAsync(Account, stop).ConfigureAwait(false);
        var mine = view.OpenOrders.Where(o => IsMine(o.Instrument) && o.Status != OrderStatus.PendingNew).ToArray();
        if (mine.Length == 0) return BinanceProbeVerdict.NothingOpen;
        var (venueOpen, venueOpenAlgo, error) = await ListOpenAsync(sessions, view, stop).ConfigureAwait(false);
        if (error is not null) return BinanceProbeVerdict.Failed;
        var byId = new Dictionary<ClientOrderId, decimal?>();
        foreach (var report in venueOpen)
        {
            var id = UsdMOrderIds.TryGetOrderId(report.VenueOrderId, out var engineId) && Parser.TryGetTriggeredAlgo(engineId, out var algoId) ? algoId : report.ClientOrderId;
            byId[id] = report.ExecutedQuantity;
        }
        foreach (var algo in venueOpenAlgo) byId[algo.ClientOrderId] = 0m;
        foreach (var order in mine)
        {
            if (!byId.TryGetValue(order.ClientOrderId, out var executed)) return BinanceProbeVerdict.OutOfStep;
            if (executed is { } filled && filled != order.FilledQuantity) return BinanceProbeVerdict.OutOfStep;
        }
        return BinanceProbeVerdict.InStep;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dead-man's switch

    /// <summary>Asks for the countdown of <paramref name="instrument"/> to be armed now (an order was just placed there).</summary>
    private void Arm(InstrumentId instrument)
    {
        if (!_shared.UsdM.DeadMansSwitch) return;
        lock (_gate)
        {
            if (_armed.Contains(instrument) || !_toArm.Add(instrument)) return;
        }
        _armNow.Release();
    }

    /// <summary>
    /// The dead-man's switch: every <see cref="BinanceUsdMWorkerOptions.CountdownRefreshInterval"/> (and at once when an
    /// order rests on a new symbol) the <c>countdownCancelAll</c> of every symbol with open orders — in the OMS's view
    /// or at the venue — is set to <see cref="BinanceUsdMWorkerOptions.CountdownCancelAll"/>, so the venue cancels them
    /// if this silo disappears. A symbol without open orders any more is disarmed. Refreshing stops with the worker
    /// (on detach the account's next owner arms it again).
    /// </summary>
    private async Task DeadMansSwitchAsync(CancellationToken stop)
    {
        try
        {
            if (!await _slot.Ready.WaitAsync(stop).ConfigureAwait(false)) return;
            var nextFull = DateTimeOffset.MinValue;
            while (!stop.IsCancellationRequested)
            {
                var now = Now;
                if (now >= nextFull)
                {
                    await RefreshAllAsync(stop).ConfigureAwait(false);
                    nextFull = Now + _shared.UsdM.CountdownRefreshInterval;
                }
                else
                {
                    InstrumentId[] pending;
                    lock (_gate)
                    {
                        pending = [.. _toArm];
                        _toArm.Clear();
                    }
                    foreach (var instrument in pending) await SetCountdownAsync(instrument, _shared.UsdM.CountdownCancelAll, stop).ConfigureAwait(false);
                }
                var wait = nextFull - Now;
                if (wait <= TimeSpan.Zero) continue;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(wait);
                try
                {
                    await _armNow.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // Time for the periodic refresh.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the countdowns stay armed and run out unless the account's next owner refreshes them.
        }
    }

    private async Task RefreshAllAsync(CancellationToken stop)
    {
        try
        {
            var view = await _shared.Reconciliation.GetViewAsync(Account, stop).ConfigureAwait(false);
            var wanted = view.OpenOrders.Where(o => IsMine(o.Instrument)).Select(o => o.Instrument).ToHashSet();
            InstrumentId[] armed;
            lock (_gate)
            {
                foreach (var instrument in _toArm) wanted.Add(instrument);
                _toArm.Clear();
                armed = [.. _armed];
            }
            foreach (var instrument in wanted) await SetCountdownAsync(instrument, _shared.UsdM.CountdownCancelAll, stop).ConfigureAwait(false);
            foreach (var instrument in armed.Where(i => !wanted.Contains(i))) await SetCountdownAsync(instrument, TimeSpan.Zero, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Account {Account}: refreshing the USD-M dead-man's switch failed; retrying at the next interval", Account);
        }
    }

    private async Task SetCountdownAsync(InstrumentId instrument, TimeSpan countdown, CancellationToken stop)
    {
        if (_slot.Current is not { } sessions) return;
        var result = await sessions.Rest.SetCountdownCancelAllAsync(instrument, countdown, stop).ConfigureAwait(false);
        if (!result.Success)
        {
            _logger.LogWarning("Account {Account}: {Message}", Account, result.Error!.Message);
            return;
        }
        Interlocked.Increment(ref _countdownRefreshes);
        lock (_gate)
        {
            if (countdown > TimeSpan.Zero) _armed.Add(instrument);
            else _armed.Remove(instrument);
        }
    }
}
