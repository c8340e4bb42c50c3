using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Oms.Observability;
using Oms.Silo.Venues;

namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>
/// An embedded OMS of its own for the USD-M advanced-order scenarios (they move the simulator's liquidity and price,
/// which other tests must not see), with timing probes on existing seams, read by the latency measurements:
/// <list type="bullet">
/// <item>the venue-event sink: when the connector hands each fill to the OMS (the silo's own sink, wrapped);</item>
/// <item>an incoming grain-call filter: when a position grain has applied a fill (its <c>ApplyFillsAsync</c> returned);</item>
/// <item>the OMS meter: when the account grain counted a fill as applied (<c>oms.fills</c>, after its state write);</item>
/// <item>the OMS activity source: when a venue request for an order started (<c>venue algoOrder.cancel</c>, …).</item>
/// </list>
/// The probes only take timestamps (<see cref="Stopwatch.GetTimestamp"/>); nothing they record changes the OMS.
/// </summary>
public sealed class UsdMAdvancedOrderFixture : EmbeddedOms, IDisposable
{
    private const string StartProperty = "contract-tests.started";
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters;

    public UsdMAdvancedOrderFixture()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OmsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            // A span's tags are set after it started: the start is timed here, the request read when it stops.
            ActivityStarted = activity =>
            {
                if (activity.OperationName.StartsWith(OmsTelemetry.VenueCallSpanPrefix, StringComparison.Ordinal)) activity.SetCustomProperty(StartProperty, Stopwatch.GetTimestamp());
            },
            ActivityStopped = activity =>
            {
                if (activity.GetCustomProperty(StartProperty) is not long started || activity.GetTagItem(OmsTelemetry.Attributes.Operation) is not string operation) return;
                Probes.VenueCalls.Enqueue(new VenueCallStarted(started, operation,
                    activity.GetTagItem(OmsTelemetry.Attributes.Account) as string, activity.GetTagItem(OmsTelemetry.Attributes.ClientOrderId) as string));
            },
        };
        ActivitySource.AddActivityListener(_spans);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OmsTelemetry.MeterName && instrument.Name == OmsTelemetry.Names.Fills) listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var tag in tags)
            {
                if (tag.Key == OmsTelemetry.Tags.Account && tag.Value is string account) Probes.FillsCounted.Enqueue((now, account));
            }
        });
        _meters.Start();
    }

    public LatencyProbes Probes { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IVenueEventSink>(sp => new TimingVenueEventSink(new GrainVenueEventSink(sp.GetRequiredService<IGrainFactory>()), Probes));

    protected override void ConfigureSiloServices(IServiceCollection services) =>
        services.AddSingleton<IIncomingGrainCallFilter>(new PositionAppliedFilter(Probes));

    public void Dispose()
    {
        _spans.Dispose();
        _meters.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class UsdMAdvancedOrderCollection : ICollectionFixture<UsdMAdvancedOrderFixture>
{
    public const string Name = "usdm-advanced-orders";
}

/// <summary>A venue request's span started (the request is about to be signed and sent).</summary>
public sealed record VenueCallStarted(long Timestamp, string Operation, string? Account, string? ClientOrderId);

/// <summary>Timestamps taken by <see cref="UsdMAdvancedOrderFixture"/>'s probes (first sighting of each fill only).</summary>
public sealed class LatencyProbes
{
    /// <summary>When the connector handed each fill (by instrument and trade id) to the OMS, and for which order.</summary>
    public ConcurrentDictionary<FillKey, (long Timestamp, AccountId Account, ClientOrderId Order)> FillsDelivered { get; } = new();

    /// <summary>When a position grain returned from applying each fill.</summary>
    public ConcurrentDictionary<FillKey, long> PositionsUpdated { get; } = new();

    /// <summary>When the account grain counted applied fills (after its state write), by account.</summary>
    public ConcurrentQueue<(long Timestamp, string Account)> FillsCounted { get; } = new();

    public ConcurrentQueue<VenueCallStarted> VenueCalls { get; } = new();

    /// <summary>Milliseconds between two <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>The silo's venue-event sink with a timestamp per fill taken as the connector hands it over.</summary>
internal sealed class TimingVenueEventSink(IVenueEventSink inner, LatencyProbes probes) : IVenueEventSink
{
    public Task PublishAsync(AccountId account, IReadOnlyList<VenueEvent> events, CancellationToken cancellationToken = default)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var venueEvent in events)
        {
            if (venueEvent is VenueFill { Fill: var fill }) probes.FillsDelivered.TryAdd(fill.Key, (now, account, fill.ClientOrderId));
        }
        return inner.PublishAsync(account, events, cancellationToken);
    }
}

/// <summary>Timestamps the return of <see cref="IPositionGrain.ApplyFillsAsync"/> for each fill it carried.</summary>
internal sealed class PositionAppliedFilter(LatencyProbes probes) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.Grain is not IPositionGrain || context.InterfaceMethod?.Name != nameof(IPositionGrain.ApplyFillsAsync)) return;
        var now = Stopwatch.GetTimestamp();
        if (context.Request.GetArgument(0) is IReadOnlyList<Fill> fills)
        {
            foreach (var fill in fills) probes.PositionsUpdated.TryAdd(fill.Key, now);
        }
    }
}
