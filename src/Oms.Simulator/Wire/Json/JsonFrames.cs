using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Oms.Simulator.Wire.Json;

/// <summary>Renders JSON into byte arrays and wraps rendered payloads into Binance envelopes without re-serialising them.</summary>
public static class JsonFrames
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>Renders one JSON value.</summary>
    public static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>{"subscriptionId":n,"event":…}</c> with a writer callback (tests and one-off frames).</summary>
    public static void WrapSubscriptionTo(Utf8JsonWriter writer, int subscriptionId, Action<Utf8JsonWriter> writeEvent)
    {
        writer.WriteStartObject();
        writer.WriteNumber("subscriptionId", subscriptionId);
        writer.WritePropertyName("event");
        writeEvent(writer);
        writer.WriteEndObject();
    }

    /// <summary><c>{"subscriptionId":n,"event":&lt;payload&gt;}</c> (spot WS API user data).</summary>
    public static byte[] WrapSubscription(int subscriptionId, ReadOnlySpan<byte> payload) =>
        Concat("{\"subscriptionId\":" + subscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"event\":", payload, "}");

    /// <summary><c>{"stream":"name","data":&lt;payload&gt;}</c> (combined streams).</summary>
    public static byte[] WrapCombined(string stream, ReadOnlySpan<byte> payload) =>
        Concat("{\"stream\":" + JsonSerializer.Serialize(stream) + ",\"data\":", payload, "}");

    /// <summary><c>{"event":&lt;payload&gt;}</c> (spot WS API serverShutdown).</summary>
    public static byte[] WrapEvent(ReadOnlySpan<byte> payload) => Concat("{\"event\":", payload, "}");

    private static byte[] Concat(string prefix, ReadOnlySpan<byte> payload, string suffix)
    {
        var prefixLength = Encoding.UTF8.GetByteCount(prefix);
        var suffixLength = Encoding.UTF8.GetByteCount(suffix);
        var result = new byte[prefixLength + payload.Length + suffixLength];
        Encoding.UTF8.GetBytes(prefix, result);
        payload.CopyTo(result.AsSpan(prefixLength));
        Encoding.UTF8.GetBytes(suffix, result.AsSpan(prefixLength + payload.Length));
        return result;
    }
}
