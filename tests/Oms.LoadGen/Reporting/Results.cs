using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Reporting;

/// <summary>
/// One open-loop order flow by one client at one rate. Every latency is in milliseconds from the order's scheduled
/// send time (open loop: a late send counts against the client, no coordinated omission).
/// </summary>
public sealed record OrderFlowResult
{
    public required string Client { get; init; }
    public required int TargetRate { get; init; }
    public required int Accounts { get; init; }
    public required int MeasuredOrders { get; init; }
    public required int WarmupOrders { get; init; }
    public required int Responses { get; init; }
    public required int Acks { get; init; }
    /// <summary>Failed orders by gRPC status code / Binance error code / OMS denial or venue rejection.</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }
    /// <summary>Execution types that counted as the acknowledgement, with their counts.</summary>
    public required IReadOnlyDictionary<string, int> AckKinds { get; init; }
    /// <summary>Acknowledged measured orders per second of wall time (first scheduled send to last acknowledgement).</summary>
    public required double AchievedAckedPerSecond { get; init; }
    /// <summary>Time the measured sends took (nominally MeasuredOrders / TargetRate).</summary>
    public required double SendSeconds { get; init; }
    /// <summary>Actual send behind schedule (timer resolution and a busy machine).</summary>
    public LatencySummary? SendLag { get; init; }
    /// <summary>Scheduled send → the placement's own response (OMS: SubmitOrder reply; SDK: WS API orderPlace reply).</summary>
    public LatencySummary? SubmitToResponse { get; init; }
    /// <summary>Scheduled send → the acknowledgement on the execution-report stream (OMS) / user-data stream (SDK).</summary>
    public LatencySummary? SubmitToAck { get; init; }
    /// <summary>Scheduled send → the venue's matching engine produced the order's first report (in-process simulator only).</summary>
    public LatencySummary? SubmitToVenue { get; init; }
    /// <summary>Scheduled send → the silo received the SubmitOrder call (in-process silo only: gRPC client + HTTP/2 on loopback).</summary>
    public LatencySummary? SubmitToReceived { get; init; }
    /// <summary>Scheduled send → the order's WS API frame reached the venue side (<c>--frame-tap</c> only).</summary>
    public LatencySummary? SubmitToFrame { get; init; }
    /// <summary>OMS internal overhead: the silo received the SubmitOrder call → the order's WS API frame was written (<c>--frame-tap</c>, in-process only).</summary>
    public LatencySummary? ReceivedToFrame { get; init; }
    /// <summary>The silo received the SubmitOrder call → the venue's matching engine produced the order's first report (in-process only; an upper bound of the internal overhead without <c>--frame-tap</c>).</summary>
    public LatencySummary? ReceivedToVenue { get; init; }
    /// <summary>The order's WS API frame reached the venue side → the matching engine's first report (the simulator's own time; <c>--frame-tap</c> only).</summary>
    public LatencySummary? FrameToVenue { get; init; }
    /// <summary>Venue's first report → acknowledgement delivered to the client (in-process simulator only).</summary>
    public LatencySummary? VenueToAck { get; init; }
    /// <summary>CPU and memory of the silo process over the measured window (see <see cref="ProcessUsage.Scope"/>).</summary>
    public ProcessUsage? SiloProcess { get; init; }
    /// <summary>The SDK's own node process (baseline only).</summary>
    public ProcessUsage? ClientProcess { get; init; }
    /// <summary>Serialized account grain state after the run (mean and largest over the accounts): what every state write serializes.</summary>
    public double? AccountStateBytesMean { get; init; }
    public int? AccountStateBytesMax { get; init; }
    /// <summary>The OMS's own stage histograms recorded in the measured window (in-process only, when the build has them).</summary>
    public IReadOnlyDictionary<string, LatencySummary>? OmsMetrics { get; init; }
    public string? Note { get; init; }
}

/// <summary>OMS against the SDK at one rate, with the ratios the targets are stated in.</summary>
public sealed record RateComparison(int Rate, OrderFlowResult Oms, OrderFlowResult? Sdk, ComparisonRatios? Ratios);

/// <summary>
/// OMS figure / SDK figure (1.0 = no overhead), the OMS's extra time to the venue, and CPU per order: the measuring
/// process in the OMS phase (in-process: silo + simulator + load client) and in the SDK phase (the OMS idle: mostly the
/// simulator), and the SDK's own node process.
/// </summary>
public sealed record ComparisonRatios(
    double? AckP50VsSdkRoundTripP50,
    double? AckP99VsSdkRoundTripP99,
    double? AckP999VsSdkRoundTripP999,
    double? AckP50VsSdkAckP50,
    double? AckP99VsSdkAckP99,
    double? OutboundExtraP50Ms,
    double? OutboundExtraP99Ms,
    double? ProcessCpuMsPerOrderOmsPhase,
    double? ProcessCpuMsPerOrderSdkPhase,
    double? SdkNodeCpuMsPerOrder);

/// <summary>Fills generated by the venue for many accounts and counted on the execution-report streams.</summary>
public sealed record FillIngestResult
{
    public required int Accounts { get; init; }
    public required int RestingOrders { get; init; }
    public required double PlacementSeconds { get; init; }
    public required int VenueTrades { get; init; }
    public required int FillsReceived { get; init; }
    public required int DistinctFillsReceived { get; init; }
    public required int Lost { get; init; }
    public required int Doubled { get; init; }
    public required int Unexpected { get; init; }
    /// <summary>Sweep start → last fill report read from the streams.</summary>
    public required double IngestSeconds { get; init; }
    public required double FillsPerSecond { get; init; }
    /// <summary>First → last fill report read (the spread of the burst on the streams).</summary>
    public double FirstToLastFillSeconds { get; init; }
    /// <summary>Sweep start → the venue's first / last trade report (in-process simulator: the venue's own share).</summary>
    public double? VenueFirstTradeSeconds { get; init; }
    public double? VenueEmitSeconds { get; init; }
    /// <summary>Sweep start → each fill's report on its stream.</summary>
    public LatencySummary? SweepToFill { get; init; }
    public ProcessUsage? SiloProcess { get; init; }
    public IReadOnlyDictionary<string, LatencySummary>? OmsMetrics { get; init; }
    public required IReadOnlyList<string> SampleLost { get; init; }
    public required IReadOnlyList<string> SampleDoubled { get; init; }
    public int StreamResumes { get; init; }
    public string? Note { get; init; }
}

/// <summary>Resident memory and grain state for many accounts with open orders.</summary>
public sealed record MemoryResult
{
    public required int Accounts { get; init; }
    public required int OpenOrdersPerAccount { get; init; }
    public required int OpenOrders { get; init; }
    public required int OpenOrdersAtVenue { get; init; }
    public required double ResidentMiBBefore { get; init; }
    public required double ResidentMiBAfter { get; init; }
    public required double ResidentMiBAfterFullGc { get; init; }
    public required double ManagedHeapMiBBefore { get; init; }
    public required double ManagedHeapMiBAfter { get; init; }
    public required string ResidentScope { get; init; }
    /// <summary>Serialized account grain state (the bytes storage writes), mean over the accounts.</summary>
    public double? AccountStateBytesEmpty { get; init; }
    public double? AccountStateBytesWithOrders { get; init; }
    /// <summary>Whole account state / open orders (everything the account keeps, charged to its orders).</summary>
    public double? StateBytesPerOpenOrder { get; init; }
    /// <summary>(state with orders − state before) / open orders.</summary>
    public double? MarginalStateBytesPerOpenOrder { get; init; }
    public IReadOnlyDictionary<string, double>? MeanStateBytesByStateName { get; init; }
    public string? Note { get; init; }
}

/// <summary>The connector's WS API connect + logon, and reconnect + reconcile of an account with open orders.</summary>
public sealed record SessionResult
{
    /// <summary>Connector session pool start → first session open (TCP + WebSocket upgrade + session.logon), clock already synced.</summary>
    public required int Connects { get; init; }
    public required int ConnectFailures { get; init; }
    /// <summary>The first connect, which also reads the server time once (clock sync).</summary>
    public double? FirstConnectMs { get; init; }
    public LatencySummary? ConnectLogon { get; init; }
    /// <summary>The session.logon request alone (the connector's binance.call.duration).</summary>
    public LatencySummary? LogonRoundTrip { get; init; }
    public required int OpenOrders { get; init; }
    public required int FillsDuringGap { get; init; }
    public required IReadOnlyList<ReconnectRound> Rounds { get; init; }
    /// <summary>Drop → reconciliation done, over the rounds.</summary>
    public LatencySummary? DropToReconciled { get; init; }
    public string? Note { get; init; }
}

/// <summary>One drop of an account's connections, with fills the venue made while it was disconnected. Times in ms from the drop.</summary>
public sealed record ReconnectRound
{
    public required int Round { get; init; }
    public required int OpenOrders { get; init; }
    public required int ConnectionsDropped { get; init; }
    public required int FilledWhileDisconnected { get; init; }
    /// <summary>The sweep (fills while disconnected) was done.</summary>
    public required double SweepDoneMs { get; init; }
    /// <summary>The connector saw the connection drop.</summary>
    public double? DropDetectedMs { get; init; }
    /// <summary>The new session's logon answered (includes the reconnect backoff).</summary>
    public double? LogonDoneMs { get; init; }
    public double? LogonRoundTripMs { get; init; }
    /// <summary>The user-data stream was re-subscribed (gap possible: reconciliation requested).</summary>
    public double? ResubscribedMs { get; init; }
    /// <summary>The reconciliation after the gap finished.</summary>
    public double? DropToReconciledMs { get; init; }
    /// <summary>The reconciliation's own duration.</summary>
    public double? ReconcileMs { get; init; }
    public string? ReconcileOutcome { get; init; }
    /// <summary>The last missed fill arrived on the execution-report stream.</summary>
    public double? DropToLastFillMs { get; init; }
    public required int FillsReceived { get; init; }
    public required int DistinctFills { get; init; }
    public required int Lost { get; init; }
    public required int Doubled { get; init; }
    public required int VenueTradesOfAccount { get; init; }
}
