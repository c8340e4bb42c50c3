namespace Oms.Observability;

/// <summary>
/// Values of the <c>stage</c> tag of <see cref="OmsTelemetry.Names.OrderStageDuration"/>: how far an order got,
/// each timed from the moment the account grain received the submit.
/// </summary>
public static class OrderStages
{
    /// <summary>The pre-trade checks passed (recorded by the account grain).</summary>
    public const string RiskPassed = "risk_passed";

    /// <summary>The intent was persisted and the place command queued for the venue (recorded by the account grain).</summary>
    public const string Queued = "queued";

    /// <summary>The place request was written to the venue (recorded by the connector, from the command's creation time).</summary>
    public const string Sent = "sent";

    /// <summary>The venue's acknowledgement was applied to the order (recorded by the account grain).</summary>
    public const string Acked = "acked";

    /// <summary>All stages, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [RiskPassed, Queued, Sent, Acked];
}
