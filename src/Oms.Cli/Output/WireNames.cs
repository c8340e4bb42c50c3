using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace Oms.Cli.Output;

/// <summary>
/// Short names of oms.v1 enum values for people and scripts: the proto name without the enum's prefix
/// (<c>ORDER_STATUS_PARTIALLY_FILLED</c> → <c>PARTIALLY_FILLED</c>); null for the UNSPECIFIED value.
/// </summary>
internal static class WireNames
{
    private static readonly ConcurrentDictionary<(Type, int), string?> Cache = new();

    public static string? Short<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Cache.GetOrAdd((typeof(TEnum), Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)), static (key, v) => Compute(key.Item1, v), (object)value);

    private static string? Compute(Type type, object value)
    {
        var member = type.GetField(value.ToString()!, BindingFlags.Public | BindingFlags.Static);
        var original = member?.GetCustomAttribute<OriginalNameAttribute>()?.Name;
        if (original is null) return value.ToString()!.ToUpperInvariant();
        var prefix = Prefix(type.Name);
        var name = original.StartsWith(prefix, StringComparison.Ordinal) ? original[prefix.Length..] : original;
        return name == "UNSPECIFIED" ? null : name;
    }

    // OrderStatus -> ORDER_STATUS_
    private static string Prefix(string typeName)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < typeName.Length; i++)
        {
            if (i > 0 && char.IsUpper(typeName[i])) builder.Append('_');
            builder.Append(char.ToUpperInvariant(typeName[i]));
        }
        return builder.Append('_').ToString();
    }
}
