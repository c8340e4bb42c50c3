using System.Diagnostics.Metrics;
using System.Text;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// The Prometheus names the OpenTelemetry Prometheus exporter (default translation strategy, underscore escaping with
/// suffixes) gives an instrument: dots and other characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>, the unit is
/// appended in words (<c>ms</c> → <c>_milliseconds</c>; dimensionless and annotation units add nothing), counters get
/// <c>_total</c>, histograms are the <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series. The scrape test checks these
/// rules against what <c>/metrics</c> actually serves.
/// </summary>
public static class PrometheusNames
{
    private static readonly Dictionary<string, string> UnitWords = new(StringComparer.Ordinal)
    {
        ["ms"] = "milliseconds",
        ["s"] = "seconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["%"] = "percent",
    };

    /// <summary>The metric family name (the name on the <c># TYPE</c> line).</summary>
    public static string Family(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var unit = UnitSuffix(instrument);
        if (unit.Length > 0 && !name.Split('_').Contains(unit, StringComparer.Ordinal)) name += "_" + unit;
        if (IsCounter(instrument)) name += "_total";
        return name;
    }

    /// <summary>The names of the samples the family is served as.</summary>
    public static IReadOnlyList<string> Series(Instrument instrument)
    {
        var family = Family(instrument);
        return IsHistogram(instrument) ? [family + "_bucket", family + "_sum", family + "_count"] : [family];
    }

    /// <summary>The Prometheus type of the family.</summary>
    public static string Type(Instrument instrument) =>
        IsHistogram(instrument) ? "histogram" : IsCounter(instrument) ? "counter" : "gauge";

    private static bool IsHistogram(Instrument instrument) => IsGeneric(instrument, typeof(Histogram<>));

    private static bool IsCounter(Instrument instrument) =>
        IsGeneric(instrument, typeof(Counter<>)) || IsGeneric(instrument, typeof(ObservableCounter<>));

    private static bool IsGeneric(Instrument instrument, Type definition) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == definition;

    private static string UnitSuffix(Instrument instrument)
    {
        var unit = instrument.Unit;
        if (string.IsNullOrEmpty(unit) || unit == "1" || (unit.StartsWith('{') && unit.EndsWith('}'))) return string.Empty;
        if (UnitWords.TryGetValue(unit, out var word)) return word;
        throw new InvalidOperationException(
            $"instrument {instrument.Meter.Name}/{instrument.Name} has unit '{unit}', which {nameof(PrometheusNames)} does not translate yet; add it (the scrape test checks the translation)");
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        return builder.ToString();
    }
}
