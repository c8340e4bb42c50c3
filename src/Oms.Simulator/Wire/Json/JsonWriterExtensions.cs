using System.Text.Json;

namespace Oms.Simulator.Wire.Json;

/// <summary>Small writers for JSON shapes that recur across Binance bodies.</summary>
public static class JsonWriterExtensions
{
    /// <summary>Writes <paramref name="items"/> as a JSON array value, each element by <paramref name="writeItem"/>.</summary>
    public static void WriteArray<T>(this Utf8JsonWriter writer, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes <paramref name="items"/> as the array property <paramref name="name"/>.</summary>
    public static void WriteArray<T>(this Utf8JsonWriter writer, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        writer.WritePropertyName(name);
        writer.WriteArray(items, writeItem);
    }

    /// <summary><c>{"code":…,"msg":…}</c>: an error object, or Binance's <c>{"code":200,"msg":"success"}</c> acknowledgements.</summary>
    public static void WriteCodeMsg(this Utf8JsonWriter writer, int code, string msg)
    {
        writer.WriteStartObject();
        writer.WriteNumber("code", code);
        writer.WriteString("msg", msg);
        writer.WriteEndObject();
    }
}
