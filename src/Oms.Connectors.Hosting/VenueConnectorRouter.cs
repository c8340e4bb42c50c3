using System.Collections.Frozen;

namespace Oms.Connectors.Hosting;

/// <summary>
/// The silo's <see cref="IVenueOrderRouter"/> and <see cref="IVenueAccountSessions"/>: dispatches by (venue, market) to
/// the connector serving it in this silo. A command for a venue without a connector is refused (VENUE_UNAVAILABLE),
/// so nothing is queued that nobody will send.
/// </summary>
public sealed class VenueConnectorRouter : IVenueOrderRouter, IVenueAccountSessions
{
    private readonly FrozenDictionary<(Venue, MarketType), IVenueConnector> _connectors;

    public VenueConnectorRouter(IEnumerable<IVenueConnector> connectors)
    {
        var list = connectors.ToList();
        var duplicate = list.GroupBy(c => (c.Venue, c.Market)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"two connectors serve {duplicate.Key.Venue} {duplicate.Key.Market}");
        _connectors = list.ToFrozenDictionary(c => (c.Venue, c.Market));
    }

    /// <summary>The (venue, market) pairs this silo serves.</summary>
    public IReadOnlyCollection<(Venue Venue, MarketType Market)> Served => _connectors.Keys;

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var instrument = command.Instrument;
        if (!_connectors.TryGetValue((instrument.Venue, instrument.Market), out var connector))
        {
            return ValueTask.FromResult(RouteResult.Refused(DenialCode.VenueUnavailable,
                $"no connector for {instrument.Venue} {instrument.Market} runs in this silo; {command.GetType().Name} of {command.ClientOrderId} was not queued"));
        }
        return connector.RouteAsync(command, cancellationToken);
    }

    public async Task AttachAsync(AccountId account, Venue venue, IReadOnlyList<MarketType> markets, CancellationToken cancellationToken = default)
    {
        foreach (var market in markets.Distinct())
        {
            if (_connectors.TryGetValue((venue, market), out var connector)) await connector.AttachAsync(account, cancellationToken).ConfigureAwait(false);
        }
        // Markets of this venue the account no longer trades lose their sessions.
        foreach (var ((connectorVenue, market), connector) in _connectors)
        {
            if (connectorVenue == venue && !markets.Contains(market)) await connector.DetachAsync(account, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DetachAsync(AccountId account, CancellationToken cancellationToken = default)
    {
        foreach (var connector in _connectors.Values) await connector.DetachAsync(account, cancellationToken).ConfigureAwait(false);
    }
}
