using System.Globalization;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Parsing;

namespace Oms.Connectors.Binance.Worker;

// Reconciliation and the silent-stream watchdog.
public sealed partial class BinanceSpotAccountWorker
{
    private const int MaxTradePages = 20;
    private const int TradePageSize = 1000;

    /// <summary>
    /// The venue error that failed the last reconciliation attempt; null when that attempt completed or failed
    /// otherwise (diagnostics and tests).
    /// </summary>
    public BinanceError? LastReconcileError => _reconciler.LastError;

    /// <summary>Whether the venue refused the account's key in the last reconciliation attempt (diagnostics and tests).</summary>
    public bool KeyRefused => _reconciler.KeyRefused;

    /// <summary>
    /// Brings the OMS in line with the venue: marks the account reconciling, applies the balance snapshot, the state of
    /// every order the OMS considers open (from the open-order list, else by client order id), and every trade after
    /// each instrument's cursor (with a look-back; the grain drops duplicates), all as Reconciliation events; cancels
    /// still pending are sent again; then ends the reconciliation once the events are applied. False when it failed;
    /// the supervisor retries with backoff. How a failure leaves the account (reconciling after a failure in transit,
    /// ended when the venue refuses the key, e.g. a key revoked or rotated to a wrong secret mid-session) is
    /// <see cref="BinanceReconciler"/>'s, the same as USD-M's; the key check is one signed account read.
    /// </summary>
    private async Task<bool> ReconcileAsync(string reason, CancellationToken stop)
    {
        var sessions = await WaitReadyAsync(stop).ConfigureAwait(false);
        if (sessions is null) return true;
        return await _reconciler.RunAsync(reason,
            async token => (await SendAsync(sessions, ws => ws.GetAccountAsync(true, token), rest => rest.GetAccountAsync(true, token)).ConfigureAwait(false)).Error,
            token => ReconcileStepsAsync(sessions, token), stop).ConfigureAwait(false);
    }

    private async Task<bool> ReconcileStepsAsync(BinanceSpotSessions sessions, CancellationToken stop)
    {
        // Balances first: any stream event after this snapshot is newer and is applied after it.
        var account = await SendAsync(sessions, ws => ws.GetAccountAsync(true, stop), rest => rest.GetAccountAsync(true, stop)).ConfigureAwait(false);
        if (!account.TryGetValue(out var snapshot)) return Failed(account.Error!);
        Post(snapshot.ToEvent(Account, VenueEventSource.Reconciliation));

        var view = await _shared.Reconciliation.GetViewAsync(Account, stop).ConfigureAwait(false);
        var open = await SendAsync(sessions, ws => ws.GetOpenOrdersAsync(null, stop), rest => rest.GetOpenOrdersAsync(null, stop)).ConfigureAwait(false);
        if (!open.TryGetValue(out var venueOpen)) return Failed(open.Error!);
        var venueOpenById = new Dictionary<ClientOrderId, OrderReport>();
        foreach (var report in venueOpen) venueOpenById[report.ClientOrderId] = report;

        // The venue's state of every order the OMS considers open.
        var reports = new List<OrderReport>();
        var notFound = new List<TrackedOrder>();
        foreach (var order in view.OpenOrders)
        {
            if (!IsMine(order.Instrument)) continue;
            if (venueOpenById.TryGetValue(order.ClientOrderId, out var report))
            {
                reports.Add(report);
                if (order.Status == OrderStatus.PendingCancel)
                {
                    // The cancel may have been lost with the connection: send it again (harmless if it was not).
                    _queue.TryEnqueue(new CancelOrderCommand
                    {
                        Account = Account, Instrument = order.Instrument, ClientOrderId = order.ClientOrderId, VenueOrderId = report.VenueOrderId, CreatedAt = Now,
                    });
                }
                continue;
            }
            // By venue order id when known, following a cancel-replace lineage to its current order.
            var query = await QueryCurrentAsync(sessions, order.Instrument, order.ClientOrderId, order.VenueOrderId, stop).ConfigureAwait(false);
            if (query.TryGetValue(out var found)) reports.Add(found);
            else if (query.ErrorKind == VenueErrorKind.UnknownOrder) notFound.Add(order);
            else return Failed(query.Error!);
        }

        // Trades: after each instrument's cursor (with a look-back), and every trade of the orders just reported.
        var orderIds = new Dictionary<long, ClientOrderId>();
        foreach (var report in reports)
        {
            if (long.TryParse(report.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) orderIds[id] = report.ClientOrderId;
        }
        var fills = new Dictionary<FillKey, Fill>();
        foreach (var cursor in view.TradeCursors)
        {
            if (!IsMine(cursor.Instrument)) continue;
            if (!long.TryParse(cursor.TradeId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var last)) continue;
            if (!await ReadTradesAsync(sessions, cursor.Instrument, Math.Max(0, last - _shared.Options.TradeLookback), orderIds, fills, stop).ConfigureAwait(false)) return false;
        }
        foreach (var report in reports)
        {
            if (report.ExecutedQuantity is not > 0m) continue;
            if (!long.TryParse(report.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)) continue;
            var trades = await sessions.Rest.GetMyTradesAsync(report.Instrument, orderIds, orderId: orderId, cancellationToken: stop).ConfigureAwait(false);
            if (!trades.TryGetValue(out var list)) return Failed(trades.Error!);
            foreach (var trade in list) fills[trade.Fill.Key] = trade.Fill;
        }

        // Events: each reported order with its fills (acceptance before fills, fills before a terminal state), then
        // the fills of orders that are no longer open, then what the venue does not know.
        var events = new List<VenueEvent>();
        var attached = new HashSet<FillKey>();
        var knownVenueIds = view.OpenOrders.ToDictionary(o => o.ClientOrderId, o => o.VenueOrderId);
        foreach (var report in reports)
        {
            if (Orders.SpotClientOrderIds.IsReplacement(report.VenueClientOrderId)
                && knownVenueIds.TryGetValue(report.ClientOrderId, out var knownId) && knownId != report.VenueOrderId)
            {
                // A cancel-replace the OMS did not hear the end of: the order lives on in this replacement.
                events.Add(ReplacedBy(report));
            }
            var own = fills.Values.Where(f => f.ClientOrderId == report.ClientOrderId && f.Instrument == report.Instrument).OrderBy(f => TradeNumber(f.TradeId)).ToArray();
            foreach (var fill in own) attached.Add(fill.Key);
            events.AddRange((report with { Fills = own }).ToEvents(Account, VenueEventSource.Reconciliation, Now));
        }
        foreach (var fill in fills.Values.Where(f => !attached.Contains(f.Key)).OrderBy(f => TradeNumber(f.TradeId)))
        {
            events.Add(new VenueFill { Account = Account, Timestamp = fill.Timestamp, Source = VenueEventSource.Reconciliation, Fill = fill });
        }
        // Order lists (OCO) the reported orders are legs of: their list-level state, after the legs' own events.
        foreach (var orderListId in reports.Where(r => r.OrderListId is not null).Select(r => r.OrderListId!.Value).Distinct())
        {
            var list = await SendAsync(sessions, ws => ws.QueryOrderListAsync(orderListId, null, stop), rest => rest.QueryOrderListAsync(orderListId, null, stop))
                .ConfigureAwait(false);
            if (!list.TryGetValue(out var state))
            {
                // The legs' own states are what matter for orders, fills and balances; the list's follows on the stream.
                _logger.LogWarning("Account {Account}: reading order list {List} during reconciliation failed: {Message}", Account, orderListId, list.Error!.Message);
                continue;
            }
            if (BinanceVenueEvents.FromOrderList(state, Account, VenueEventSource.Reconciliation) is { } update) events.Add(update);
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
                Reason = $"Binance spot has no order {order.ClientOrderId}",
                VenueCode = "-2013",
            });
        }
        if (events.Count > 0) Post(events);
        _shared.Metrics.ReconciliationFinding(Venue, "orders", reports.Count);
        _shared.Metrics.ReconciliationFinding(Venue, "fills", fills.Count);
        _shared.Metrics.ReconciliationFinding(Venue, "not_found", notFound.Count);
        return true;
    }

    /// <summary>
    /// Reads the account's trades of one instrument from trade id <paramref name="fromId"/> (paged, bounded). Trades of
    /// orders not yet mapped to a client order id are mapped through the instrument's order history, then read again.
    /// </summary>
    private async Task<bool> ReadTradesAsync(BinanceSpotSessions sessions, InstrumentId instrument, long fromId, Dictionary<long, ClientOrderId> orderIds,
        Dictionary<FillKey, Fill> fills, CancellationToken stop)
    {
        var mapped = false;
        var from = fromId;
        for (var page = 0; page < MaxTradePages; page++)
        {
            var unmatched = new List<long>();
            var result = await sessions.Rest.GetMyTradesAsync(instrument, orderIds, fromId: from, limit: TradePageSize, unmatchedOrderIds: unmatched, cancellationToken: stop)
                .ConfigureAwait(false);
            if (!result.TryGetValue(out var trades)) return Failed(result.Error!);
            if (unmatched.Count > 0 && !mapped)
            {
                // Orders the OMS does not list as open (closed since, or placed elsewhere): learn their client order ids.
                mapped = true;
                var history = await sessions.Rest.GetAllOrdersAsync(instrument, fromOrderId: unmatched.Min(), limit: 1000, cancellationToken: stop).ConfigureAwait(false);
                if (!history.TryGetValue(out var orders)) return Failed(history.Error!);
                foreach (var order in orders)
                {
                    if (long.TryParse(order.VenueOrderId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) orderIds[id] = order.ClientOrderId;
                }
                page--;
                continue;
            }
            foreach (var trade in trades) fills[trade.Fill.Key] = trade.Fill;
            if (unmatched.Count > 0)
            {
                _logger.LogWarning("Account {Account}: {Count} trades on {Instrument} belong to orders without a known client order id; they are not applied",
                    Account, unmatched.Count, instrument);
            }
            if (trades.Count + unmatched.Count < TradePageSize) return true;
            var lastSeen = trades.Count == 0 ? from : trades.Max(t => TradeNumber(t.Fill.TradeId));
            from = Math.Max(from + 1, lastSeen + 1);
        }
        _logger.LogWarning("Account {Account}: more than {Pages} pages of trades on {Instrument}; the rest follow in the next reconciliation", Account, MaxTradePages, instrument);
        return true;
    }

    private static long TradeNumber(TradeId id) => long.TryParse(id.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    private bool IsMine(InstrumentId instrument) => instrument.Venue == Venue.Binance && instrument.Market == MarketType.Spot;

    private bool Failed(BinanceError error) => _reconciler.StepFailed(error);

    /// <summary>The silent-stream watchdog (<see cref="BinanceStreamWatch"/>), probing while a WebSocket API session is open.</summary>
    private Task WatchAsync(CancellationToken stop) =>
        BinanceStreamWatch.RunAsync<BinanceSpotSessions>(_slot, sessions => sessions.Pool.OpenSessionCount > 0, ProbeAsync, _watchdog,
            _shared.Options.WatchdogInterval, _shared.Time, _shared.Metrics, _logger, Account, "spot", RequestResubscribe, RequestReconcile, stop);

    private async Task<BinanceProbeVerdict> ProbeAsync(BinanceSpotSessions sessions, CancellationToken stop)
    {
        var view = await _shared.Reconciliation.GetViewAsync(Account, stop).ConfigureAwait(false);
        var mine = view.OpenOrders.Where(o => IsMine(o.Instrument) && o.Status != OrderStatus.PendingNew).ToArray();
        if (mine.Length == 0) return BinanceProbeVerdict.NothingOpen;
        // Per instrument (weight 6 each) while that is cheaper than the all-symbols list (weight 80).
        var instruments = mine.Select(o => o.Instrument).Distinct().ToArray();
        var venueOpen = new List<OrderReport>();
        foreach (var instrument in instruments.Length * 6 < 80 ? instruments.Select(i => (InstrumentId?)i) : [null])
        {
            var open = await SendAsync(sessions, ws => ws.GetOpenOrdersAsync(instrument, stop), rest => rest.GetOpenOrdersAsync(instrument, stop)).ConfigureAwait(false);
            if (!open.TryGetValue(out var reports)) return BinanceProbeVerdict.Failed;
            venueOpen.AddRange(reports);
        }
        var byId = venueOpen.ToDictionary(r => r.ClientOrderId);
        foreach (var order in mine)
        {
            if (!byId.TryGetValue(order.ClientOrderId, out var report)) return BinanceProbeVerdict.OutOfStep;
            if (report.ExecutedQuantity is { } executed && executed != order.FilledQuantity) return BinanceProbeVerdict.OutOfStep;
        }
        return BinanceProbeVerdict.InStep;
    }
}
