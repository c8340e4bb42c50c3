namespace Oms.Connectors.Hosting;

/// <summary>
/// One venue product family served by this silo (e.g. Binance spot): it holds the sessions of the accounts attached
/// here, sends their commands and reports every outcome through <see cref="IVenueEventSink"/>.
/// </summary>
public interface IVenueConnector
{
    Venue Venue { get; }

    MarketType Market { get; }

    /// <summary>Starts (or keeps) the account's sessions; returns at once.</summary>
    Task AttachAsync(AccountId account, CancellationToken cancellationToken);

    /// <summary>Stops the account's sessions once its queued commands were sent.</summary>
    Task DetachAsync(AccountId account, CancellationToken cancellationToken);

    /// <summary>Queues a command for the account (attaching it when needed); never waits for the venue.</summary>
    ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken);
}
