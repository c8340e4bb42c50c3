using System.Text.Json;
using Xunit.Sdk;

namespace Oms.Simulator.Tests.Support;

/// <summary>
/// Compares a simulator JSON value with a Binance sample field by field: same names, same JSON kinds (string vs
/// number vs boolean), same relative order. <c>optional</c> lists sample fields that are conditional on Binance
/// (absent when not relevant); <c>extra</c> lists documented conditional fields the simulator may add.
/// </summary>
public static class Shape
{
    public static void AssertMatches(JsonElement sample, JsonElement actual, IEnumerable<string>? optional = null, IEnumerable<string>? extra = null)
    {
        var optionalSet = new HashSet<string>(optional ?? [], StringComparer.Ordinal);
        var extraSet = new HashSet<string>(extra ?? [], StringComparer.Ordinal);
        Compare(sample, actual, "$", optionalSet, extraSet);
    }

    private static void Compare(JsonElement sample, JsonElement actual, string path, HashSet<string> optional, HashSet<string> extra)
    {
        if (sample.ValueKind == JsonValueKind.Null)
        {
            if (actual.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                throw new XunitException($"{path}: sample is null (a nullable scalar), simulator sent {actual.ValueKind}");
            }

            return;
        }

        if (Kind(sample) != Kind(actual))
        {
            throw new XunitException($"{path}: sample is {sample.ValueKind} ({sample.GetRawText()}), simulator sent {actual.ValueKind} ({actual.GetRawText()})");
        }

        switch (sample.ValueKind)
        {
            case JsonValueKind.Object:
                var sampleNames = sample.EnumerateObject().Select(p => p.Name).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                foreach (var name in sampleNames)
                {
                    if (!actualNames.Contains(name) && !optional.Contains(name))
                    {
                        throw new XunitException($"{path}: field '{name}' missing (simulator sent: {string.Join(",", actualNames)})");
                    }
                }

                foreach (var name in actualNames)
                {
                    if (!sampleNames.Contains(name) && !extra.Contains(name))
                    {
                        throw new XunitException($"{path}: unexpected field '{name}' (sample has: {string.Join(",", sampleNames)})");
                    }
                }

                var common = sampleNames.Where(actualNames.Contains).ToList();
                var actualOrder = actualNames.Where(common.Contains).ToList();
                if (!common.SequenceEqual(actualOrder))
                {
                    throw new XunitException($"{path}: field order differs: sample {string.Join(",", common)} vs simulator {string.Join(",", actualOrder)}");
                }

                foreach (var name in common)
                {
                    Compare(sample.GetProperty(name), actual.GetProperty(name), path + "." + name, optional, extra);
                }

                break;
            case JsonValueKind.Array:
                if (sample.GetArrayLength() > 0)
                {
                    var index = 0;
                    foreach (var item in actual.EnumerateArray())
                    {
                        var template = sample.GetArrayLength() > index ? sample[index] : sample[0];
                        if (Kind(template) == Kind(item))
                        {
                            Compare(template, item, $"{path}[{index}]", optional, extra);
                        }
                        else
                        {
                            Compare(sample[0], item, $"{path}[{index}]", optional, extra);
                        }

                        index++;
                    }
                }

                break;
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => e.ValueKind.ToString(),
    };
}
