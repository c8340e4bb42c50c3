using Microsoft.Extensions.DependencyInjection;

namespace Oms.Grains;

// Venue sessions co-located with the activation, and the reconciliation view.
public sealed partial class AccountGrain
{
    public Task<AccountReconciliationView> GetReconciliationViewAsync()
    {
        var open = new List<TrackedOrder>();
        foreach (var record in S.Orders.Values)
        {
            var order = record.Order;
            if (!order.IsOpen) continue;
            open.Add(new TrackedOrder
            {
                ClientOrderId = order.ClientOrderId,
                Instrument = order.Instrument,
                VenueOrderId = order.VenueOrderId,
                Status = order.Status,
                Quantity = order.Quantity,
                FilledQuantity = order.FilledQuantity,
                LimitPrice = order.LimitPrice,
                CreatedAt = order.CreatedAt,
            });
        }
        return Task.FromResult(new AccountReconciliationView
        {
            Account = _account,
            OpenOrders = open,
            TradeCursors = S.LastTrades.Select(t => new TradeCursor(t.Key, t.Value.TradeId, t.Value.Timestamp)).ToArray(),
            TradedInstruments = S.TradedInstruments.ToArray(),
        });
    }

    /// <summary>
    /// Starts the account's venue sessions in this silo (every registered session host; none in hosts without
    /// connectors). Returns at once: the hosts connect in the background. A failure is logged, never fatal to the grain.
    /// </summary>
    private async Task AttachSessionsAsync()
    {
        if (!S.Provisioned || S.Config is null) return;
        foreach (var sessions in ServiceProvider.GetServices<IVenueAccountSessions>())
        {
            try
            {
                await sessions.AttachAsync(_account, S.Config.Venue, S.Config.Markets);
            }
            catch (Exception ex)
            {
                Log.SessionAttachFailed(_logger, ex, _account);
            }
        }
    }

    private async Task DetachSessionsAsync()
    {
        if (!S.Provisioned) return;
        foreach (var sessions in ServiceProvider.GetServices<IVenueAccountSessions>())
        {
            try
            {
                await sessions.DetachAsync(_account);
            }
            catch (Exception ex)
            {
                Log.SessionDetachFailed(_logger, ex, _account);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1070, LogLevel.Error, "Account {Account} could not attach its venue sessions")]
        public static partial void SessionAttachFailed(ILogger logger, Exception exception, AccountId account);

        [LoggerMessage(1071, LogLevel.Warning, "Account {Account} could not detach its venue sessions")]
        public static partial void SessionDetachFailed(ILogger logger, Exception exception, AccountId account);
    }
}
