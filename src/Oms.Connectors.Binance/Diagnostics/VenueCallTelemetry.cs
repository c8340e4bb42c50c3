using System.Diagnostics;
using System.Runtime.CompilerServices;
using Oms.Observability;

namespace Oms.Connectors.Binance.Diagnostics;

/// <summary>
/// The order a venue call is made for: its trace context (captured when the command was queued, so the call's span
/// joins the order's trace), account and client order id. Flows with the async call chain of the worker loop that
/// handles the command (<see cref="AsyncLocal{T}"/>), down to the transports that open the spans.
/// </summary>
public sealed record VenueCallScope(ActivityContext Parent, string Account, string? ClientOrderId)
{
    private static readonly AsyncLocal<VenueCallScope?> CurrentScope = new();

    /// <summary>The scope of the command being handled on this async flow, or null.</summary>
    public static VenueCallScope? Current => CurrentScope.Value;

    /// <summary>
    /// Sets the scope for the rest of the calling async method (and what it awaits); an async method's changes never
    /// leak to its caller.
    /// </summary>
    public static void Enter(VenueCallScope? scope) => CurrentScope.Value = scope;
}

/// <summary>
/// Trace contexts of queued venue commands: remembered where the command is routed (inside the account grain's call,
/// whose span is current) and taken by the worker that sends it. Weak by command instance, so a command dropped
/// without being sent leaves nothing behind.
/// </summary>
public sealed class VenueCommandContexts
{
    private readonly ConditionalWeakTable<object, StrongBox<ActivityContext>> _contexts = new();

    /// <summary>Remembers the current span's context for <paramref name="command"/> (nothing when there is none).</summary>
    public void Remember(object command)
    {
        var context = OmsTelemetry.CaptureContext();
        if (context == default) return;
        _contexts.AddOrUpdate(command, new StrongBox<ActivityContext>(context));
    }

    /// <summary>The context remembered for <paramref name="command"/>, or default.</summary>
    public ActivityContext Get(object command) => _contexts.TryGetValue(command, out var box) ? box.Value : default;
}

/// <summary>Opens and closes the span of one Binance request (<c>venue order.place</c>, …) on the OMS activity source.</summary>
internal static class VenueCallTelemetry
{
    public const string Venue = "Binance";

    public static string Market(BinanceApi api) => api == BinanceApi.Spot ? "Spot" : "UsdMFutures";

    /// <summary>Starts the span of one request over <paramref name="transport"/> (<c>ws</c> or <c>rest</c>); null when nobody listens.</summary>
    public static Activity? Start(BinanceApiContext context, string operation, string transport)
    {
        var scope = VenueCallScope.Current;
        var activity = OmsTelemetry.StartVenueCall(operation, Venue, Market(context.Api), scope?.Parent ?? default, scope?.Account, scope?.ClientOrderId);
        activity?.SetTag("oms.venue.transport", transport);
        return activity;
    }

    /// <summary>Records the outcome (ok, or the error kind with the venue's code) and ends the span.</summary>
    public static void Complete(Activity? activity, BinanceError? error)
    {
        if (activity is null) return;
        OmsTelemetry.SetVenueOutcome(activity, error is null ? "ok" : error.Kind.ToString(), error?.CodeText);
        activity.Dispose();
    }
}
