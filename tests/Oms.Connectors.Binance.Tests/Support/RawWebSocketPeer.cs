using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>Server side of a WebSocket on a raw loopback TCP socket, to put exact frames (pings) on the wire and read the answers.</summary>
internal static class RawWebSocketPeer
{
    /// <summary>Reads the upgrade request and answers 101; returns the request line and headers.</summary>
    public static async Task<string> CompleteHandshakeAsync(NetworkStream stream)
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
        return request.ToString();
    }

    /// <summary>Sends an unmasked server frame with a payload below 126 bytes.</summary>
    public static Task SendFrameAsync(NetworkStream stream, byte opcode, byte[] payload) =>
        stream.WriteAsync(new byte[] { (byte)(0x80 | opcode), (byte)payload.Length }.Concat(payload).ToArray()).AsTask();

    /// <summary>Reads one masked client frame with a payload below 126 bytes: (first header byte, unmasked payload).</summary>
    public static async Task<(byte Header, byte[] Payload)> ReadFrameAsync(NetworkStream stream)
    {
        var header = await ReadExactlyAsync(stream, 2);
        if ((header[1] & 0x80) == 0) throw new InvalidOperationException("client frames must be masked");
        var mask = await ReadExactlyAsync(stream, 4);
        var body = await ReadExactlyAsync(stream, header[1] & 0x7F);
        for (var i = 0; i < body.Length; i++) body[i] ^= mask[i % 4];
        return (header[0], body);
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return bytes;
    }
}
