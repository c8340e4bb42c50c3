using System.Text.RegularExpressions;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>Pulls the metric names out of PromQL expressions (enough PromQL for dashboards: selectors, functions, aggregations).</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2",
        "inf", "nan", "Inf", "NaN",
    };

    /// <summary>The metric names an expression selects.</summary>
    public static IReadOnlyList<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = LabelList().Replace(text, " ");
        var names = new List<string>();
        foreach (Match match in Identifier().Matches(text))
        {
            var name = match.Value;
            var after = text[(match.Index + match.Length)..].TrimStart();
            var isCall = after.StartsWith('(');
            if (isCall || Keywords.Contains(name) || name.StartsWith('$')) continue;
            names.Add(name);
        }
        return names;
    }

    /// <summary>The metric of a Grafana <c>label_values(metric{…}, label)</c> variable query, if it is one.</summary>
    public static string? LabelValuesMetric(string query)
    {
        var match = LabelValues().Match(query);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex LabelList();

    [GeneratedRegex(@"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w.])")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex LabelValues();
}
