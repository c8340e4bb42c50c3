using System.Diagnostics;
using Oms.Observability.Tests.Infrastructure;

namespace Oms.Observability.Tests;

/// <summary>One order's trace, as the in-memory exporter of the silo's tracer provider records it.</summary>
[Collection(SiloCollection.Name)]
public sealed class TracingTests(SiloFixture silo)
{
    [Fact]
    public async Task A_submit_is_one_trace_from_the_grpc_call_through_the_grain_to_the_venue_and_back()
    {
        var account = await silo.ProvisionAccountAsync("trace");
        await silo.SubmitAsync(account, "obs-trace-1");
        await silo.WaitUntilFilledAsync(account, "obs-trace-1");

        var submit = await silo.Spans.WaitForAsync(
            s => s.DisplayName == OmsTelemetry.SubmitSpanName && Tag(s, OmsTelemetry.Attributes.ClientOrderId) == "obs-trace-1", "oms.order.submit");
        Assert.Equal(account, Tag(submit, OmsTelemetry.Attributes.Account));
        var trace = submit.TraceId;
        var venueCall = await silo.Spans.WaitForAsync(s => s.TraceId == trace && s.DisplayName == OmsTelemetry.VenueCallSpanPrefix + "order.place", "venue order.place");
        var applied = await silo.Spans.WaitForAsync(
            s => s.TraceId == trace && s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server
                && s.DisplayName == "IAccountGrain/ApplyVenueEventsAsync", "ApplyVenueEventsAsync in the order's trace");
        var spans = silo.Spans.Spans.Where(s => s.TraceId == trace).ToDictionary(s => s.SpanId);

        // Up: the grain span, the Orleans call from the gateway, the gRPC server span of SubmitOrder.
        var grainCall = Parent(spans, submit);
        Assert.Equal(("Microsoft.Orleans.Application", ActivityKind.Server, "IAccountGrain/SubmitOrderAsync"), Describe(grainCall));
        var ancestors = Ancestors(spans, submit);
        var grpcCall = Assert.Single(ancestors, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Equal("/oms.v1.OrderService/SubmitOrder", Tag(grpcCall, "http.route"));

        // Inside the submit: the state write (intent persisted before routing) and the venue call under the captured context.
        Assert.Contains(spans.Values, s => s.Source.Name == "Microsoft.Orleans.Storage" && Ancestors(spans, s).Contains(submit));
        Assert.Equal(submit.SpanId, venueCall.ParentSpanId);
        Assert.Equal(ActivityKind.Client, venueCall.Kind);
        Assert.Equal("ok", Tag(venueCall, OmsTelemetry.Attributes.Outcome));

        // And back: the venue's answer applied by the account grain, its fill forwarded to the position grain.
        Assert.Contains(venueCall, Ancestors(spans, applied));
        Assert.Contains(spans.Values, s => s.DisplayName == "IPositionGrain/ApplyFillsAsync" && s.Kind == ActivityKind.Server && Ancestors(spans, s).Contains(applied));

        // The client order id is on spans (they are per order), and the spans of one order form one tree.
        Assert.All(spans.Values.Where(s => s != Root(spans, submit)), s => Assert.True(spans.ContainsKey(s.ParentSpanId), $"{s.DisplayName} has no parent in the trace"));
    }

    [Fact]
    public async Task A_denied_submit_carries_the_denial_code_on_its_span()
    {
        var account = await silo.ProvisionAccountAsync("trace-denied");
        var response = await silo.SubmitAsync(account, "obs-trace-denied", quantity: "0.000001");
        Assert.Equal(Wire.OrderStatus.Denied, response.Order.Status);

        var submit = await silo.Spans.WaitForAsync(
            s => s.DisplayName == OmsTelemetry.SubmitSpanName && Tag(s, OmsTelemetry.Attributes.ClientOrderId) == "obs-trace-denied", "denied submit");
        Assert.Equal(response.Order.Denial.Code, Tag(submit, OmsTelemetry.Attributes.DenialCode));
        Assert.DoesNotContain(silo.Spans.Spans, s => s.TraceId == submit.TraceId && s.DisplayName.StartsWith(OmsTelemetry.VenueCallSpanPrefix, StringComparison.Ordinal));
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private static (string, ActivityKind, string) Describe(Activity span) => (span.Source.Name, span.Kind, span.DisplayName);

    private static Activity Parent(Dictionary<ActivitySpanId, Activity> spans, Activity span)
    {
        Assert.True(spans.TryGetValue(span.ParentSpanId, out var parent), $"the parent of {span.DisplayName} was not recorded in its trace");
        return parent!;
    }

    private static List<Activity> Ancestors(Dictionary<ActivitySpanId, Activity> spans, Activity span)
    {
        var ancestors = new List<Activity>();
        while (spans.TryGetValue(span.ParentSpanId, out var parent))
        {
            ancestors.Add(parent);
            span = parent;
        }
        return ancestors;
    }

    private static Activity Root(Dictionary<ActivitySpanId, Activity> spans, Activity span) => Ancestors(spans, span).LastOrDefault() ?? span;
}
