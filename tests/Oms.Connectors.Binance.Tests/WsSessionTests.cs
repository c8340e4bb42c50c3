using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

public sealed class WsSessionTests
{
    private sealed class NullObserver : IWsSessionObserver
    {
        public void OnUserDataEvent(BinanceWsApiSession session, long subscriptionId, ReadOnlySpan<byte> eventJson)
        {
        }

        public void OnServerShutdown(BinanceWsApiSession session)
        {
        }

        public void OnClosed(BinanceWsApiSession session, string reason)
        {
        }
    }

    /// <summary>
    /// A raw WebSocket peer on a loopback TCP socket: it sends a server ping frame (as Binance does every 20 s) and
    /// reads the client's answer off the wire, proving the session answers pings with a pong echoing the payload.
    /// </summary>
    [Fact]
    public async Task Session_answers_server_pings_with_a_pong_echoing_the_payload()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var metrics = new BinanceMetrics();
        var options = new BinanceOptions { SpotWebSocketApiAddress = new Uri($"ws://127.0.0.1:{port}/ws-api/v3") };
        var context = new BinanceApiContext(BinanceApi.Spot, options, BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, options, time), metrics, time);
        var now = time.GetUtcNow();
        context.Clock.Observe(now, now, now.ToUnixTimeMilliseconds());
        using var credentials = BinanceCredentials.Hmac("key", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var session = new BinanceWsApiSession(context, options.SpotWebSocketApiAddress, credentials, context.ScopesFor("a"), new NullObserver());

        var connecting = session.ConnectAsync(CancellationToken.None);
        using var peer = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var stream = peer.GetStream();
        await CompleteHandshakeAsync(stream);
        Assert.Null(await connecting.WaitAsync(TimeSpan.FromSeconds(10)));

        var payload = "ping-42"u8.ToArray();
        await stream.WriteAsync(new byte[] { 0x89, (byte)payload.Length }.Concat(payload).ToArray());
        var header = await ReadExactlyAsync(stream, 2);
        var mask = await ReadExactlyAsync(stream, 4);
        var body = await ReadExactlyAsync(stream, header[1] & 0x7F);
        for (var i = 0; i < body.Length; i++) body[i] ^= mask[i % 4];

        Assert.Equal(0x8A, header[0]);
        Assert.Equal(0x80, header[1] & 0x80);
        Assert.Equal(payload, body);
        Assert.Equal(WsSessionState.Open, session.State);
        peer.Close();
        await session.DisposeAsync();
    }

    private static async Task CompleteHandshakeAsync(NetworkStream stream)
    {
        var request = new StringBuilder();
        var buffer = new byte[1];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0) throw new IOException("the client closed during the handshake");
            request.Append((char)buffer[0]);
        }
        var key = request.ToString().Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return bytes;
    }

    private static readonly AccountId Account = new("acct-1");
    private static readonly InstrumentId BtcUsdt = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly ClientOrderId Id = new("oms-1");
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static VenueOrderUpdate? Failure(VenueErrorKind kind, VenueRequestKind request, int? code = null) =>
        BinanceVenueEvents.FromFailure(new BinanceError { Kind = kind, Operation = "do x on Binance spot", Code = code, Reason = "why" },
            request, Account, BtcUsdt, Id, null, Now);

    [Theory]
    [InlineData(VenueErrorKind.UnknownOutcome, VenueRequestKind.Place, VenueOrderEventKind.OutcomeUnknown)]
    [InlineData(VenueErrorKind.UnknownOutcome, VenueRequestKind.Cancel, VenueOrderEventKind.OutcomeUnknown)]
    [InlineData(VenueErrorKind.UnknownOutcome, VenueRequestKind.Replace, VenueOrderEventKind.OutcomeUnknown)]
    [InlineData(VenueErrorKind.DuplicateOrder, VenueRequestKind.Place, VenueOrderEventKind.OutcomeUnknown)]
    [InlineData(VenueErrorKind.InsufficientBalance, VenueRequestKind.Place, VenueOrderEventKind.Rejected)]
    [InlineData(VenueErrorKind.FilterFailure, VenueRequestKind.Place, VenueOrderEventKind.Rejected)]
    [InlineData(VenueErrorKind.UnknownOrder, VenueRequestKind.Cancel, VenueOrderEventKind.CancelRejected)]
    [InlineData(VenueErrorKind.Rejected, VenueRequestKind.Replace, VenueOrderEventKind.ReplaceRejected)]
    [InlineData(VenueErrorKind.UnknownOrder, VenueRequestKind.Query, VenueOrderEventKind.NotFound)]
    public void Failures_become_port_events_and_unknown_is_never_rejected(VenueErrorKind error, VenueRequestKind request, VenueOrderEventKind expected)
    {
        var update = Failure(error, request);

        Assert.NotNull(update);
        Assert.Equal(expected, update.Kind);
        Assert.Equal(Id, update.ClientOrderId);
        Assert.Equal("failed to do x on Binance spot: why", update.Reason);
    }

    [Fact]
    public void Failure_events_carry_the_venue_code_or_a_stable_kind_code()
    {
        Assert.Equal("-2010", Failure(VenueErrorKind.InsufficientBalance, VenueRequestKind.Place, -2010)!.VenueCode);
        Assert.Equal("RATE_LIMITED", Failure(VenueErrorKind.RateLimited, VenueRequestKind.Place)!.VenueCode);
        Assert.Equal(VenueEventSource.Reconciliation, Failure(VenueErrorKind.UnknownOrder, VenueRequestKind.Query)!.Source);
    }

    [Fact]
    public void A_query_that_merely_failed_implies_no_event()
    {
        Assert.Null(Failure(VenueErrorKind.Network, VenueRequestKind.Query));
        Assert.Null(Failure(VenueErrorKind.RateLimited, VenueRequestKind.Query));
    }
}
