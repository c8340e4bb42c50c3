using System.Buffers;
using System.Text;
using System.Text.Json;
using Oms.Connectors.Binance.Internal;

namespace Oms.Connectors.Binance.Signing;

/// <summary>
/// Builds REST query strings. The signature is computed over exactly the percent-encoded bytes that are sent
/// (the 2026-01-15 rule) and appended last as <c>signature=</c>.
/// </summary>
internal static class RestRequestWriter
{
    /// <summary>Writes the query (without <c>?</c>) into <paramref name="output"/>, signed when <paramref name="signer"/> is given.</summary>
    public static void WriteQuery(BinanceParameters parameters, IBinanceSigner? signer, PooledBufferWriter output)
    {
        using var scratch = new PooledBufferWriter(128);
        parameters.WriteQueryString(scratch, output);
        if (signer is null) return;

        Span<byte> signature = stackalloc byte[signer.MaxSignatureLength];
        var length = signer.Sign(output.WrittenSpan, signature);
        if (output.WrittenCount > 0) output.Write((byte)'&');
        output.Write("signature="u8);
        // Hex is unreserved already; base64 needs '+', '/', '=' encoded.
        PercentEncoding.Encode(signature[..length], output);
    }

    /// <summary>The query string as text (ASCII after percent-encoding).</summary>
    public static string BuildQuery(BinanceParameters parameters, IBinanceSigner? signer)
    {
        using var output = new PooledBufferWriter(512);
        WriteQuery(parameters, signer, output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}

/// <summary>
/// Builds WebSocket API request frames <c>{"id":…,"method":…,"params":{…}}</c>. Signed requests carry
/// <c>signature</c> computed over the params sorted by name, joined as raw UTF-8 <c>name=value</c> (REFERENCE §2.3).
/// </summary>
internal static class WsRequestWriter
{
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static void Write(IBufferWriter<byte> output, long id, string method, BinanceParameters? parameters, IBinanceSigner? signer)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }

        writer.WriteStartObject();
        writer.WriteNumber("id"u8, id);
        writer.WriteString("method"u8, method);
        if (parameters is { Count: > 0 } || signer is not null)
        {
            writer.WriteStartObject("params"u8);
            if (parameters is { Count: > 0 })
            {
                Span<int> sorted = parameters.Count <= 64 ? stackalloc int[parameters.Count] : new int[parameters.Count];
                parameters.SortIndices(sorted);
                foreach (var index in sorted) parameters[index].WriteJson(writer);
                if (signer is not null)
                {
                    using var payload = new PooledBufferWriter(512);
                    parameters.WriteSortedPayload(sorted, payload);
                    Span<byte> signature = stackalloc byte[signer.MaxSignatureLength];
                    var length = signer.Sign(payload.WrittenSpan, signature);
                    writer.WriteString("signature"u8, signature[..length]);
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset(Stream.Null);
    }

    /// <summary>The frame as text (tests and logs).</summary>
    public static string BuildText(long id, string method, BinanceParameters? parameters, IBinanceSigner? signer)
    {
        using var output = new PooledBufferWriter(512);
        Write(output, id, method, parameters, signer);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The signature payload of <paramref name="parameters"/> (tests and diagnostics).</summary>
    public static string SignaturePayload(BinanceParameters parameters)
    {
        using var payload = new PooledBufferWriter(512);
        parameters.WriteSortedPayload(parameters.SortedIndices(), payload);
        return Encoding.UTF8.GetString(payload.WrittenSpan);
    }
}
