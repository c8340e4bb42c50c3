using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Observability;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// The spot connector reports through the OMS telemetry: a span per venue request joined to the order's trace, the
/// order's "sent" stage, and the cluster rate budget's gauges.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotTelemetryTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task A_submitted_order_produces_a_venue_call_span_in_its_trace_the_sent_stage_and_rate_budget_gauges()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OmsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var stages = new ConcurrentQueue<(string Stage, string Venue, string Market, double Milliseconds)>();
        var budgets = new ConcurrentQueue<(string Name, string Scope, long Value)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OmsTelemetry.MeterName
                    && instrument.Name is OmsTelemetry.Names.OrderStageDuration or OmsTelemetry.Names.RateLimitLimit or OmsTelemetry.Names.RateLimitUsed)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == OmsTelemetry.Names.OrderStageDuration) stages.Enqueue((Tag(tags, "stage"), Tag(tags, "venue"), Tag(tags, "market"), value));
        });
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => budgets.Enqueue((instrument.Name, Tag(tags, "scope"), value)));
        meters.Start();

        var account = await Venue.NewAccountAsync("telemetry");
        const string id = "tel-1";
        await SubmitAsync(account, Limit(OrderSide.Buy, 541.37m), id);
        await WaitForStatusAsync(account, id, OrderStatus.New);

        // The venue request of this order: a client span "venue order.place" tagged with the order, in the submit's trace.
        var place = await EventuallyAsync(() => spans.FirstOrDefault(s => s.OperationName == OmsTelemetry.VenueCallSpanPrefix + "order.place"
            && Equals(s.GetTagItem(OmsTelemetry.Attributes.ClientOrderId), id) && Equals(s.GetTagItem(OmsTelemetry.Attributes.Account), account.Value)));
        Assert.Equal(ActivityKind.Client, place.Kind);
        Assert.Equal("Binance", place.GetTagItem(OmsTelemetry.Attributes.Venue));
        Assert.Equal("Spot", place.GetTagItem(OmsTelemetry.Attributes.Market));
        Assert.Equal("ok", place.GetTagItem(OmsTelemetry.Attributes.Outcome));
        var submit = spans.FirstOrDefault(s => s.OperationName == OmsTelemetry.SubmitSpanName && Equals(s.GetTagItem(OmsTelemetry.Attributes.Account), account.Value));
        Assert.NotNull(submit);
        Assert.Equal(submit.TraceId, place.TraceId);
        Output.WriteLine($"span {place.OperationName} ({place.GetTagItem("oms.venue.transport")}) {place.Duration.TotalMilliseconds:F2} ms in trace {place.TraceId}");

        // The connector recorded the order's "sent" stage for Binance spot.
        var sent = await EventuallyAsync(() => stages.Where(s => s.Stage == OrderStages.Sent && s.Venue == "Binance" && s.Market == "Spot")
            .Select(s => (object?)s).FirstOrDefault());
        Output.WriteLine($"stage sent: {sent}");

        // The cluster rate budget's scopes are observable: the limit gauge reports Binance scopes with their limits.
        meters.RecordObservableInstruments();
        var limits = budgets.Where(b => b.Name == OmsTelemetry.Names.RateLimitLimit).ToList();
        Assert.Contains(limits, b => b.Scope.StartsWith("RequestWeight@", StringComparison.Ordinal) && b.Value > 0);
        Assert.Contains(limits, b => b.Scope.StartsWith("Orders@", StringComparison.Ordinal) && b.Value > 0);
        Assert.Contains(budgets, b => b.Name == OmsTelemetry.Names.RateLimitUsed && b.Scope.StartsWith("Orders@", StringComparison.Ordinal));
        Output.WriteLine($"rate budgets: {string.Join(", ", limits.Select(b => $"{b.Scope}={b.Value}").Distinct())}");
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key) return tag.Value?.ToString() ?? "";
        }
        return "";
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe) where T : class
    {
        var deadline = DateTime.UtcNow + DefaultWait;
        while (true)
        {
            if (probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the expected telemetry was not recorded in time");
            await Task.Delay(50);
        }
    }
}
