using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Harness;

/// <summary>
/// A loopback TCP relay in front of the simulator's spot WebSocket API (<c>--frame-tap</c>) that timestamps every
/// client → venue WebSocket frame carrying a <c>newClientOrderId</c>: the moment the relay read the frame's first
/// bytes, i.e. at most a loopback hop after the client wrote it. With the OMS's connector and the SDK both pointed at
/// it, this gives "WS frame written" per order for both clients on the same monotonic clock (the end of the issue's
/// "OMS internal overhead": gRPC request received → WS frame written). Bytes are forwarded before they are parsed, on
/// dedicated threads with blocking reads (no thread-pool wake-up in the path); it still adds one loopback hop each way
/// to both clients, so the OMS/SDK ratios of the default runs are taken without it.
/// </summary>
public sealed class WsFrameTap : IDisposable
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("\"newClientOrderId\":\"");

    private readonly TcpListener listener;
    private readonly IPEndPoint upstream;
    private readonly ConcurrentDictionary<string, long> frames = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Socket> sockets = [];
    private readonly Thread acceptThread;
    private volatile string? prefix;
    private volatile bool stopped;
    private int connections;

    /// <summary>Starts relaying 127.0.0.1:(free port) to the host and port of <paramref name="target"/>.</summary>
    public WsFrameTap(Uri target)
    {
        if (!IPAddress.TryParse(target.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"the frame tap relays to a loopback address only, not {target}", nameof(target));
        upstream = new IPEndPoint(address, target.Port);
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Address = new UriBuilder(target) { Port = ((IPEndPoint)listener.LocalEndpoint).Port }.Uri;
        acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "frame tap accept" };
        acceptThread.Start();
    }

    /// <summary>The relay's address: the target's URL with the relay's port.</summary>
    public Uri Address { get; }

    /// <summary>Connections relayed so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>Records frames of client order ids starting with <paramref name="clientOrderIdPrefix"/> from now on.</summary>
    public void Begin(string clientOrderIdPrefix)
    {
        frames.Clear();
        prefix = clientOrderIdPrefix;
    }

    /// <summary>Stops recording; returns, per client order id, when its first frame reached the relay.</summary>
    public IReadOnlyDictionary<string, long> End()
    {
        prefix = null;
        return new Dictionary<string, long>(frames, StringComparer.Ordinal);
    }

    private void AcceptLoop()
    {
        while (!stopped)
        {
            Socket client;
            try
            {
                client = listener.AcceptSocket();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                server.Connect(upstream);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            client.NoDelay = true;
            server.NoDelay = true;
            sockets.Add(client);
            sockets.Add(server);
            Interlocked.Increment(ref connections);
            var parser = new FrameParser(this);
            new Thread(() => Pump(client, server, parser)) { IsBackground = true, Name = "frame tap client→venue" }.Start();
            new Thread(() => Pump(server, client, null)) { IsBackground = true, Name = "frame tap venue→client" }.Start();
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until either side closes; feeds the parser after forwarding.</summary>
    private static void Pump(Socket from, Socket to, FrameParser? parser)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = from.Receive(buffer);
                var at = MonoClock.Now;
                if (n <= 0) break;
                var sent = 0;
                while (sent < n) sent += to.Send(buffer, sent, n - sent, SocketFlags.None);
                parser?.Feed(buffer.AsSpan(0, n), at);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            try
            {
                from.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private void Record(ReadOnlySpan<byte> payload, long at)
    {
        var p = prefix;
        if (p is null) return;
        var start = payload.IndexOf(Marker);
        if (start < 0) return;
        var rest = payload[(start + Marker.Length)..];
        var end = rest.IndexOf((byte)'"');
        if (end <= 0) return;
        var id = Encoding.ASCII.GetString(rest[..end]);
        if (id.StartsWith(p, StringComparison.Ordinal)) frames.TryAdd(id, at);
    }

    public void Dispose()
    {
        stopped = true;
        listener.Stop();
        foreach (var socket in sockets) socket.Dispose();
        acceptThread.Join(TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Reads the client side of one connection: skips the HTTP upgrade request, then splits RFC 6455 frames (client
    /// frames are masked), unmasks text frames and hands each to <see cref="Record"/> with the time its first byte was read.
    /// </summary>
    private sealed class FrameParser(WsFrameTap tap)
    {
        private byte[] pending = new byte[16 * 1024];
        private int count;
        private long firstByteAt;
        private bool upgraded;
        private int headerMatch;

        public void Feed(ReadOnlySpan<byte> chunk, long at)
        {
            if (!upgraded)
            {
                // The HTTP request ends with CRLF CRLF; whatever follows is frames.
                var i = 0;
                for (; i < chunk.Length && headerMatch < 4; i++)
                {
                    var expected = headerMatch % 2 == 0 ? (byte)'\r' : (byte)'\n';
                    headerMatch = chunk[i] == expected ? headerMatch + 1 : chunk[i] == '\r' ? 1 : 0;
                }
                if (headerMatch < 4) return;
                upgraded = true;
                chunk = chunk[i..];
                if (chunk.IsEmpty) return;
            }

            if (count == 0) firstByteAt = at;
            if (count + chunk.Length > pending.Length) Array.Resize(ref pending, Math.Max(pending.Length * 2, count + chunk.Length));
            chunk.CopyTo(pending.AsSpan(count));
            count += chunk.Length;

            var offset = 0;
            while (TryFrame(pending.AsSpan(offset, count - offset), out var length))
            {
                offset += length;
                // Any bytes left arrived in this chunk: a frame boundary fell inside it.
                firstByteAt = at;
            }
            if (offset > 0)
            {
                pending.AsSpan(offset, count - offset).CopyTo(pending);
                count -= offset;
            }
        }

        private bool TryFrame(Span<byte> data, out int length)
        {
            length = 0;
            if (data.Length < 2) return false;
            var opcode = data[0] & 0x0F;
            var compressed = (data[0] & 0x40) != 0;
            var masked = (data[1] & 0x80) != 0;
            long payload = data[1] & 0x7F;
            var header = 2;
            if (payload == 126)
            {
                if (data.Length < 4) return false;
                payload = (data[2] << 8) | data[3];
                header = 4;
            }
            else if (payload == 127)
            {
                if (data.Length < 10) return false;
                payload = 0;
                for (var k = 2; k < 10; k++) payload = (payload << 8) | data[k];
                header = 10;
            }
            var maskAt = header;
            if (masked) header += 4;
            if (payload > int.MaxValue - header || data.Length < header + payload) return false;
            length = header + (int)payload;
            if (opcode is 0 or 1 && !compressed && payload > 0)
            {
                var body = data.Slice(header, (int)payload);
                if (masked)
                {
                    var mask = data.Slice(maskAt, 4);
                    for (var k = 0; k < body.Length; k++) body[k] ^= mask[k & 3];
                }
                tap.Record(body, firstByteAt);
            }
            return true;
        }
    }
}
