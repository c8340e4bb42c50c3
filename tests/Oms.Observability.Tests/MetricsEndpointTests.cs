using System.Net;
using Oms.Observability.Tests.Infrastructure;

namespace Oms.Observability.Tests;

/// <summary>The Prometheus scrape endpoint <c>/metrics</c> on the dashboard port, after real submits through the gateway.</summary>
[Collection(SiloCollection.Name)]
public sealed class MetricsEndpointTests(SiloFixture silo)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_submit_fill_and_denial_show_up_at_the_scrape_endpoint_with_low_cardinality_tags()
    {
        var account = await silo.ProvisionAccountAsync("metrics");
        var accepted = await silo.SubmitAsync(account, "obs-metrics-1");
        Assert.True(accepted.Created);
        await silo.WaitUntilFilledAsync(account, "obs-metrics-1");
        // Below the instrument's minimum quantity: denied by the pre-trade checks, with a code.
        var denied = await silo.SubmitAsync(account, "obs-metrics-2", quantity: "0.000001");
        Assert.Equal(Wire.OrderStatus.Denied, denied.Order.Status);
        var code = denied.Order.Denial.Code;
        Assert.False(string.IsNullOrEmpty(code));

        var (text, samples) = await ScrapeUntilAsync(s => s.Any(x => x.Name == "oms_fills_total" && x.Has("account", account)));

        Assert.Equal(1, Single(samples, "oms_orders_total", ("account", account), ("outcome", "accepted"), ("venue", "Binance"), ("market", "Spot")));
        Assert.Equal(1, Single(samples, "oms_orders_total", ("account", account), ("outcome", "denied")));
        Assert.Equal(1, Single(samples, "oms_order_denials_total", ("account", account), ("code", code)));
        Assert.Equal(1, Single(samples, "oms_fills_total", ("account", account), ("venue", "Binance"), ("market", "Spot")));
        foreach (var stage in OrderStages.All)
        {
            Assert.True(Single(samples, "oms_order_stage_duration_milliseconds_count", ("stage", stage), ("venue", "Binance"), ("market", "Spot")) >= 1,
                $"no {stage} stage latency was recorded");
        }
        Assert.True(Single(samples, "oms_fill_ingest_duration_milliseconds_count", ("venue", "Binance"), ("market", "Spot")) >= 1);
        Assert.Contains(samples, s => s.Name == "oms_order_stage_duration_milliseconds_bucket" && s.Has("le", "0.5"));
        Assert.Equal("histogram", PrometheusText.Types(text)["oms_order_stage_duration_milliseconds"]);

        // Client order ids go on spans and log fields, never on metric labels.
        Assert.DoesNotContain(samples, s => s.Labels.Values.Any(v => v.Contains("obs-metrics-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Rate_budgets_and_account_risk_registered_through_the_api_are_reported_as_gauges()
    {
        var scope = "test:REQUEST_WEIGHT:" + Guid.NewGuid().ToString("N")[..8];
        var used = 42L;
        using var registration = OmsTelemetry.RateBudgets.Register("TestVenue", scope, () => new RateBudgetReading(Interlocked.Read(ref used), 6000));
        var account = "risk-" + Guid.NewGuid().ToString("N")[..8];
        OmsTelemetry.AccountRisk.SetDrawdown(account, 0.125);
        OmsTelemetry.AccountRisk.SetMarginRatio(account, "UsdMFutures", 0.4);
        try
        {
            // The equity watch and the account publish the rest (last value wins).
            OmsTelemetry.AccountRisk.SetEquity(account, 43750, 50000, 0.125);
            OmsTelemetry.AccountRisk.SetExposure(account, 36000, 12000);
            OmsTelemetry.AccountRisk.SetTradingState(account, 2);
            var (_, samples) = await ScrapeUntilAsync(s => s.Any(x => x.Name == "oms_rate_limit_used" && x.Has("scope", scope)));
            Assert.Equal(42, Single(samples, "oms_rate_limit_used", ("venue", "TestVenue"), ("scope", scope)));
            Assert.Equal(6000, Single(samples, "oms_rate_limit_limit", ("venue", "TestVenue"), ("scope", scope)));
            Assert.Equal(0.125, Single(samples, "oms_account_drawdown", ("account", account)));
            Assert.Equal(0.4, Single(samples, "oms_account_margin_ratio", ("account", account), ("market", "UsdMFutures")));
            (_, samples) = await ScrapeUntilAsync(s => s.Any(x => x.Name == "oms_account_trading_state" && x.Has("account", account)));
            Assert.Equal(43750, Single(samples, "oms_account_equity", ("account", account)));
            Assert.Equal(50000, Single(samples, "oms_account_equity_high_water_mark", ("account", account)));
            Assert.Equal(0.125, Single(samples, "oms_account_drawdown", ("account", account)));
            Assert.Equal(36000, Single(samples, "oms_account_exposure_gross", ("account", account)));
            Assert.Equal(12000, Single(samples, "oms_account_exposure_net", ("account", account)));
            Assert.Equal(2, Single(samples, "oms_account_trading_state", ("account", account)));

            // Gauges are read on every scrape.
            Interlocked.Exchange(ref used, 4321);
            (_, samples) = await ScrapeUntilAsync(s => s.Any(x => x.Name == "oms_rate_limit_used" && x.Has("scope", scope) && x.Value == 4321));
            Assert.Equal(4321, Single(samples, "oms_rate_limit_used", ("venue", "TestVenue"), ("scope", scope)));
        }
        finally
        {
            OmsTelemetry.AccountRisk.Remove(account);
        }
    }

    [Fact]
    public async Task Every_oms_instrument_is_served_under_the_name_the_dashboard_check_derives()
    {
        // Exercise every instrument of the OMS meter: a filled order, a denial, a rate budget and account risk figures.
        var account = await silo.ProvisionAccountAsync("names");
        await silo.SubmitAsync(account, "obs-names-1");
        await silo.WaitUntilFilledAsync(account, "obs-names-1");
        await silo.SubmitAsync(account, "obs-names-2", quantity: "0.000001");
        using var budget = OmsTelemetry.RateBudgets.Register("TestVenue", "names", () => new RateBudgetReading(1, 10));
        OmsTelemetry.AccountRisk.SetDrawdown(account, 0.01);
        OmsTelemetry.AccountRisk.SetMarginRatio(account, "Spot", 0.02);
        OmsTelemetry.AccountRisk.SetEquity(account, 990, 1000, 0.01);
        OmsTelemetry.AccountRisk.SetExposure(account, 10, 5);
        OmsTelemetry.AccountRisk.SetTradingState(account, 1);
        OmsTelemetry.MarginAlertRaised(account, OmsTelemetry.MarginAlertOutcomes.ThresholdCrossed);
        OmsTelemetry.PositionCorrected(account, "Binance", "UsdMFutures");
        try
        {
            var (text, _) = await ScrapeUntilAsync(s => s.Any(x => x.Name == "oms_fills_total" && x.Has("account", account)));
            var types = PrometheusText.Types(text);
            foreach (var instrument in OmsTelemetry.Instruments)
            {
                var family = PrometheusNames.Family(instrument);
                Assert.True(types.TryGetValue(family, out var type), $"{instrument.Name} was not served as {family}");
                Assert.Equal(PrometheusNames.Type(instrument), type);
            }
            var samples = PrometheusText.Parse(text);
            Assert.All(OmsTelemetry.Instruments.SelectMany(PrometheusNames.Series), series => Assert.Contains(samples, s => s.Name == series));
            Assert.Equal(1, Single(samples, "oms_account_margin_alerts_total", ("account", account), ("outcome", "threshold_crossed")));
            Assert.Equal(1, Single(samples, "oms_position_corrections_total", ("account", account), ("venue", "Binance"), ("market", "UsdMFutures")));
        }
        finally
        {
            OmsTelemetry.AccountRisk.Remove(account);
        }
    }

    [Fact]
    public async Task The_scrape_endpoint_is_only_on_the_dashboard_port()
    {
        using var http2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http2.GetAsync(new Uri($"http://127.0.0.1:{silo.GrpcPort}/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        using var scrape = await Http.GetAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/metrics"));
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    private async Task<(string Text, IReadOnlyList<PrometheusSample> Samples)> ScrapeUntilAsync(Func<IReadOnlyList<PrometheusSample>, bool> ready)
    {
        var text = string.Empty;
        IReadOnlyList<PrometheusSample> samples = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            text = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/metrics"));
            samples = PrometheusText.Parse(text);
            if (ready(samples)) return (text, samples);
            await Task.Delay(100);
        }
        Assert.Fail($"the scrape never showed the expected series; last scrape had {samples.Count} samples");
        return (text, samples);
    }

    private static double Single(IReadOnlyList<PrometheusSample> samples, string name, params (string Label, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Has(l.Label, l.Value))).ToList();
        Assert.True(matching.Count == 1,
            $"expected one {name} sample with {string.Join(", ", labels.Select(l => $"{l.Label}={l.Value}"))}, found {matching.Count}");
        return matching[0].Value;
    }
}
