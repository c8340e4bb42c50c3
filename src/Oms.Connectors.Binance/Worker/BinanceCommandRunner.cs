using Microsoft.Extensions.Logging;

namespace Oms.Connectors.Binance.Worker;

/// <summary>
/// How an account worker runs one command, the same for spot and USD-M: the command leases the sessions it uses (a
/// rotation replacing them meanwhile retires them only once the command is done with them, so its key is never disposed
/// under it); without a key it is refused and nothing is sent; a failure the market's code did not foresee is never a
/// dropped command: whether it reached the venue is unknown, so the order stays in flight and is queried (a query that
/// failed so hands over to reconciliation).
/// </summary>
internal static class BinanceCommandRunner
{
    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="dispatch"/> (the market's switch) on the sessions
    /// <paramref name="waitReady"/> gives (null: no key). <paramref name="refuse"/> reports a command refused for want of
    /// a key, <paramref name="unknown"/> one whose outcome an unexpected failure left unknown (not a query), each with the
    /// error that says so; <paramref name="requestReconcile"/> takes over a query that failed so.
    /// </summary>
    public static async Task RunAsync<TSessions>(VenueCommand command, AccountId account, string market, ILogger logger,
        Func<CancellationToken, ValueTask<TSessions?>> waitReady, Func<TSessions, VenueCommand, CancellationToken, Task> dispatch,
        Action<VenueCommand, BinanceError> refuse, Action<VenueCommand, BinanceError> unknown, Action<string> requestReconcile, CancellationToken stop)
        where TSessions : BinanceSessionSet
    {
        TSessions? sessions;
        while (true)
        {
            sessions = await waitReady(stop).ConfigureAwait(false);
            if (sessions is null)
            {
                refuse(command, new BinanceError
                {
                    Kind = VenueErrorKind.Unauthorized,
                    Operation = $"send {command.GetType().Name} of {command.ClientOrderId} to Binance {market}",
                    Reason = $"account {account} has no Binance API key in this silo; nothing was sent",
                    Sent = false,
                });
                return;
            }
            if (sessions.TryAcquire()) break;
            await Task.Yield();
        }
        try
        {
            await dispatch(sessions, command, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
        {
            logger.LogError(ex, "Account {Account}: {Command} of order {ClientOrderId} failed unexpectedly; its outcome is unknown and it is queried",
                account, command.GetType().Name, command.ClientOrderId);
            if (command is QueryOrderCommand)
            {
                requestReconcile($"unresolved outcome of {command.ClientOrderId}");
                return;
            }
            unknown(command, new BinanceError
            {
                Kind = VenueErrorKind.UnknownOutcome,
                Operation = $"send {command.GetType().Name} of {command.ClientOrderId} to Binance {market}",
                Reason = $"the connector failed while sending ({ex.GetType().Name}); the outcome is unknown",
            });
        }
        finally
        {
            sessions.Release();
        }
    }

    /// <summary>What kind of venue request a command makes (for failure events and metrics).</summary>
    public static VenueRequestKind RequestKind(VenueCommand command) => command switch
    {
        PlaceOrderCommand => VenueRequestKind.Place,
        CancelOrderCommand => VenueRequestKind.Cancel,
        AmendOrderCommand => VenueRequestKind.Replace,
        _ => VenueRequestKind.Query,
    };

    /// <summary>The venue order id a cancel or amend knew, if any.</summary>
    public static VenueOrderId? VenueOrderIdOf(VenueCommand command) => command switch
    {
        CancelOrderCommand cancel => cancel.VenueOrderId,
        AmendOrderCommand amend => amend.VenueOrderId,
        _ => null,
    };
}
