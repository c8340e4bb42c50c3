using System.Globalization;
using System.Text;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>One sample of a Prometheus text exposition: metric name, labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(string label, string value) => Labels.TryGetValue(label, out var actual) && actual == value;
}

/// <summary>A minimal parser of the Prometheus text exposition format (what <c>/metrics</c> serves).</summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            samples.Add(ParseLine(line));
        }
        return samples;
    }

    /// <summary>The metric names of the <c># TYPE</c> lines with their types (counter, gauge, histogram, …).</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.TrimEnd('\r').Split(' '))
            .ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);

    private static PrometheusSample ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                i = eq + 2; // past ="
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                labels[key] = value.ToString();
                i++; // past closing quote
                if (line[i] == ',') i++;
            }
            i++; // past }
        }
        var rest = line[i..].Trim().Split(' ');
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
