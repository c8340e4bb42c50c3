using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Oms.Simulator.Wire.WebSockets;

/// <summary>Every open WebSocket, for admin inspection and connection faults (drop, serverShutdown).</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<Guid, WsConnection> connections = new();

    public void Add(WsConnection connection) => connections[connection.Id] = connection;

    public void Remove(WsConnection connection) => connections.TryRemove(connection.Id, out _);

    public IReadOnlyList<WsConnection> Snapshot() => connections.Values.ToList();

    /// <summary>Aborts connections (all, or those carrying <paramref name="accountId"/>) without a close handshake. Returns how many.</summary>
    public int Drop(string? accountId)
    {
        var count = 0;
        foreach (var connection in Select(accountId))
        {
            connection.Abort();
            count++;
        }

        return count;
    }

    /// <summary>Sends <c>serverShutdown</c> in each connection's framing, then (optionally) closes them. Returns how many.</summary>
    public int ServerShutdown(string? accountId, long eventTime, bool close)
    {
        var count = 0;
        foreach (var connection in Select(accountId))
        {
            connection.SendServerShutdown(eventTime);
            if (close)
            {
                connection.CloseGracefully(WebSocketCloseStatus.EndpointUnavailable, "Server shutdown");
            }

            count++;
        }

        return count;
    }

    private IEnumerable<WsConnection> Select(string? accountId) =>
        connections.Values.Where(c => accountId is null || c.AccountIds.Contains(accountId, StringComparer.Ordinal)).ToList();
}
