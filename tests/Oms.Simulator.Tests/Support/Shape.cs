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
    /// <param name="checkOrder">False only where Binance's own examples disagree on the field order.</param>
    public static void AssertMatches(JsonElement sample, JsonElement actual, IEnumerable<string>? optional = null, IEnumerable<string>? extra = null, bool checkOrder = true)
    {
        var comparer = new Comparer(
            new HashSet<string>(optional ?? [], StringComparer.Ordinal),
            new HashSet<string>(extra ?? [], StringComparer.Ordinal),
            checkOrder);
        comparer.Compare(sample, actual, "$");
    }

    private sealed class Comparer(HashSet<string> optional, HashSet<string> extra, bool checkOrder)
    {
        public void Compare(JsonElement sample, JsonElement actual, string path)
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
                    CompareObjects(sample, actual, path);
                    break;
                case JsonValueKind.Array when sample.GetArrayLength() > 0:
                    var index = 0;
                    foreach (var item in actual.EnumerateArray())
                    {
                        var template = sample.GetArrayLength() > index && Kind(sample[index]) == Kind(item) ? sample[index] : sample[0];
                        Compare(template, item, $"{path}[{index}]");
                        index++;
                    }

                    break;
            }
        }

        private void CompareObjects(JsonElement sample, JsonElement actual, string path)
        {
            var sampleNames = sample.EnumerateObject().Select(p => p.Name).ToList();
            var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
            foreach (var name in sampleNames.Where(n => !actualNames.Contains(n) && !optional.Contains(n)))
            {
                throw new XunitException($"{path}: field '{name}' missing (simulator sent: {string.Join(",", actualNames)})");
            }

            foreach (var name in actualNames.Where(n => !sampleNames.Contains(n) && !extra.Contains(n)))
            {
                throw new XunitException($"{path}: unexpected field '{name}' (sample has: {string.Join(",", sampleNames)})");
            }

            var common = sampleNames.Where(actualNames.Contains).ToList();
            var actualOrder = actualNames.Where(common.Contains).ToList();
            if (checkOrder && !common.SequenceEqual(actualOrder))
            {
                throw new XunitException($"{path}: field order differs: sample {string.Join(",", common)} vs simulator {string.Join(",", actualOrder)}");
            }

            foreach (var name in common)
            {
                Compare(sample.GetProperty(name), actual.GetProperty(name), path + "." + name);
            }
        }

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => e.ValueKind.ToString(),
        };
    }
}
