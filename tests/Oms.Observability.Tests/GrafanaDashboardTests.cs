using System.Text.Json;
using Oms.Observability.Tests.Infrastructure;

namespace Oms.Observability.Tests;

/// <summary>
/// The Grafana dashboards in <c>dashboards/</c> cannot drift from the code: every metric they query is one the OMS
/// instruments are served as, and every OMS instrument is charted somewhere.
/// </summary>
public sealed class GrafanaDashboardTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "dashboards");

    public static TheoryData<string> Dashboards() => new(Files());

    private static IEnumerable<string> Files() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void The_order_flow_venue_health_and_accounts_dashboards_exist() =>
        Assert.Equal(["oms-accounts.json", "oms-order-flow.json", "oms-venue-health.json"], Files());

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_metric_a_dashboard_queries_is_one_the_code_emits(string file)
    {
        var emitted = EmittedSeries();
        var queried = Queries(Load(file)).SelectMany(q => q.Metrics.Select(m => (q.Where, Metric: m))).ToList();
        Assert.NotEmpty(queried);
        var unknown = queried.Where(q => !emitted.Contains(q.Metric)).Select(q => $"{q.Metric} ({q.Where})").Distinct().ToList();
        Assert.True(unknown.Count == 0, $"{file} queries metrics no OMS instrument is served as: {string.Join("; ", unknown)}");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void A_dashboard_is_a_current_grafana_dashboard_over_a_prometheus_data_source_variable(string file)
    {
        var root = Load(file);
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 38, $"{file}: schemaVersion must be at least 38");
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = Assert.Single(variables, v => v.GetProperty("type").GetString() == "datasource");
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        var reference = "${" + datasource.GetProperty("name").GetString() + "}";

        var panels = Panels(root).Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(panels);
        var ids = new HashSet<int>();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.True(ids.Add(panel.GetProperty("id").GetInt32()), $"{file}: duplicate panel id in '{title}'");
            Assert.Equal(reference, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"{file}: panel '{title}' has no query");
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"{file}: panel '{title}' has an empty query"));
        }
        foreach (var variable in variables.Where(v => v.GetProperty("type").GetString() == "query"))
        {
            Assert.Equal(reference, variable.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    [Fact]
    public void Every_oms_instrument_is_charted_on_a_dashboard()
    {
        var queried = Files().SelectMany(file => Queries(Load(file)).SelectMany(q => q.Metrics)).ToHashSet(StringComparer.Ordinal);
        var uncharted = OmsInstruments.All()
            .Where(i => !PrometheusNames.Series(i).Any(queried.Contains))
            .Select(i => $"{i.Meter.Name}/{i.Name}")
            .ToList();
        Assert.True(uncharted.Count == 0, $"instruments no dashboard charts: {string.Join(", ", uncharted)}");
    }

    [Fact]
    public void The_instrument_scan_sees_the_oms_and_both_connector_meters()
    {
        var meters = OmsInstruments.All().Select(i => i.Meter.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(OmsInstruments.Meters.Order(StringComparer.Ordinal), meters.Order(StringComparer.Ordinal));
        Assert.Equal(OmsTelemetry.Instruments.Count, OmsInstruments.All().Count(i => i.Meter.Name == OmsTelemetry.MeterName));
    }

    private static HashSet<string> EmittedSeries() =>
        OmsInstruments.All().SelectMany(PrometheusNames.Series).ToHashSet(StringComparer.Ordinal);

    private static JsonElement Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, file)));
        return document.RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray()) yield return inner;
            }
        }
    }

    /// <summary>Every PromQL query of a dashboard (panel targets and variable queries) with the metrics it selects.</summary>
    private static IEnumerable<(string Where, IReadOnlyList<string> Metrics)> Queries(JsonElement root)
    {
        foreach (var panel in Panels(root))
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!;
                yield return ($"panel '{panel.GetProperty("title").GetString()}'", PromQl.MetricNames(expr));
            }
        }
        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() != "query") continue;
            var query = variable.GetProperty("definition").GetString()!;
            var metric = PromQl.LabelValuesMetric(query);
            Assert.True(metric is not null, $"variable {variable.GetProperty("name").GetString()}: only label_values(metric, label) queries are expected, got {query}");
            yield return ($"variable '{variable.GetProperty("name").GetString()}'", [metric!]);
        }
    }
}
