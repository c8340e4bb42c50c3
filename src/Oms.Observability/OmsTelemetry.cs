using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oms.Observability;

/// <summary>
/// The OMS's own telemetry: the meter and activity source <c>"Oms"</c>, every instrument on it, and the helpers the
/// grains, the gateway and the connectors call. Instruments are static so hot paths record without a lookup; tag
/// values are low-cardinality strings (account, venue, market, stage, code) — never client order ids, which go on
/// spans and log fields instead.
/// </summary>
public static class OmsTelemetry
{
    /// <summary>Name of the OMS meter.</summary>
    public const string MeterName = "Oms";

    /// <summary>Name of the OMS activity source (spans <see cref="SubmitSpanName"/> and <see cref="VenueCallSpanPrefix"/>…).</summary>
    public const string ActivitySourceName = "Oms";

    /// <summary>Meter of the venue-agnostic connector machinery (reconciliations, reconnects, commands).</summary>
    public const string ConnectorsMeterName = "Oms.Connectors";

    /// <summary>Meter of the Binance connector (call latency and errors by code, WebSocket reconnects, request weight).</summary>
    public const string BinanceMeterName = "Oms.Connectors.Binance";

    /// <summary>Name of the span the account grain opens around a submit.</summary>
    public const string SubmitSpanName = "oms.order.submit";

    /// <summary>Prefix of the span a connector opens around one venue call: <c>venue order.place</c>, …</summary>
    public const string VenueCallSpanPrefix = "venue ";

    private static readonly string Version = typeof(OmsTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>The OMS meter; every instrument below lives on it.</summary>
    public static readonly Meter Meter = new(MeterName, Version);

    /// <summary>The OMS activity source.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName, Version);

    /// <summary>Metric tag keys.</summary>
    public static class Tags
    {
        public const string Account = "account";
        public const string Venue = "venue";
        public const string Market = "market";
        public const string Code = "code";
        public const string Stage = "stage";
        public const string Outcome = "outcome";
        public const string Scope = "scope";
    }

    /// <summary>Span attribute keys (may carry per-order values; never used as metric tags).</summary>
    public static class Attributes
    {
        public const string Account = "oms.account";
        public const string ClientOrderId = "oms.client_order_id";
        public const string Instrument = "oms.instrument";
        public const string Venue = "oms.venue";
        public const string Market = "oms.market";
        public const string Operation = "oms.venue.operation";
        public const string Outcome = "oms.outcome";
        public const string DenialCode = "oms.denial.code";
    }

    /// <summary>Instrument names (OpenTelemetry style; Prometheus shows dots as underscores plus unit and type suffixes).</summary>
    public static class Names
    {
        public const string OrderStageDuration = "oms.order.stage.duration";
        public const string Orders = "oms.orders";
        public const string OrderDenials = "oms.order.denials";
        public const string Fills = "oms.fills";
        public const string FillIngestDuration = "oms.fill.ingest.duration";
        public const string RateLimitUsed = "oms.rate_limit.used";
        public const string RateLimitLimit = "oms.rate_limit.limit";
        public const string AccountDrawdown = "oms.account.drawdown";
        public const string AccountMarginRatio = "oms.account.margin_ratio";
        public const string AccountEquity = "oms.account.equity";
        public const string AccountEquityHighWaterMark = "oms.account.equity.high_water_mark";
        public const string AccountExposureGross = "oms.account.exposure.gross";
        public const string AccountExposureNet = "oms.account.exposure.net";
        public const string AccountTradingState = "oms.account.trading_state";
        public const string AccountMarginAlerts = "oms.account.margin_alerts";
        public const string PositionCorrections = "oms.position.corrections";
    }

    /// <summary>Values of the <see cref="Tags.Outcome"/> tag of <see cref="Names.Orders"/>.</summary>
    public static class OrderOutcomes
    {
        /// <summary>Passed the pre-trade checks and was queued for the venue.</summary>
        public const string Accepted = "accepted";
        /// <summary>Refused by the pre-trade checks (see <see cref="Names.OrderDenials"/> for the code).</summary>
        public const string Denied = "denied";
        /// <summary>Passed the checks but the router would not queue it (no connector, venue unavailable).</summary>
        public const string Refused = "refused";
    }

    /// <summary>Values of the <see cref="Tags.Outcome"/> tag of <see cref="Names.AccountMarginAlerts"/>.</summary>
    public static class MarginAlertOutcomes
    {
        /// <summary>The margin ratio reached the configured alert threshold.</summary>
        public const string ThresholdCrossed = "threshold_crossed";
        /// <summary>The margin ratio fell back below the threshold less its hysteresis.</summary>
        public const string Recovered = "recovered";
        /// <summary>The venue sent a margin call.</summary>
        public const string VenueMarginCall = "venue_margin_call";
    }

    /// <summary>
    /// Bucket bounds (milliseconds) of the latency histograms: fine below a millisecond, where the in-process stages
    /// live, and up to ten seconds for venue round trips and slow fills.
    /// </summary>
    public static IReadOnlyList<double> LatencyBucketsMs { get; } =
        [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 10000];

    private static readonly Histogram<double> OrderStageDuration = Meter.CreateHistogram(
        Names.OrderStageDuration, "ms",
        "Time from the account grain receiving a submit to each stage of the order (risk_passed, queued, sent, acked), by venue and market.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });

    private static readonly Counter<long> OrderCount = Meter.CreateCounter<long>(
        Names.Orders, unit: null, "New orders submitted, by account, venue, market and outcome (accepted, denied, refused).");

    private static readonly Counter<long> DenialCount = Meter.CreateCounter<long>(
        Names.OrderDenials, unit: null, "Orders denied by the pre-trade checks, by account, venue, market and denial code.");

    private static readonly Counter<long> FillCount = Meter.CreateCounter<long>(
        Names.Fills, unit: null, "Fills applied by the account grains (duplicates excluded), by account, venue and market.");

    private static readonly Histogram<double> FillIngestDuration = Meter.CreateHistogram(
        Names.FillIngestDuration, "ms",
        "Time from the venue's event timestamp to the fill being applied and persisted by the account grain, by venue and market (includes venue clock skew).",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });

    /// <summary>Rate-limit budgets the connectors registered; observed by two gauges.</summary>
    public static RateBudgetRegistry RateBudgets { get; } = new();

    /// <summary>Per-account risk figures the risk code publishes; observed by the account gauges.</summary>
    public static AccountRiskRegistry AccountRisk { get; } = new();

    private static readonly ObservableGauge<long> RateLimitUsed = Meter.CreateObservableGauge(
        Names.RateLimitUsed, RateBudgets.ObserveUsed, unit: null, "Rate-limit budget used in the current window, by venue and scope.");

    private static readonly ObservableGauge<long> RateLimitLimit = Meter.CreateObservableGauge(
        Names.RateLimitLimit, RateBudgets.ObserveLimit, unit: null, "Rate-limit budget available per window, by venue and scope.");

    private static readonly ObservableGauge<double> AccountDrawdown = Meter.CreateObservableGauge(
        Names.AccountDrawdown, AccountRisk.ObserveDrawdowns, unit: "1", "Drawdown from the account's equity peak as a fraction (0.05 = 5 %), by account.");

    private static readonly ObservableGauge<double> AccountMarginRatio = Meter.CreateObservableGauge(
        Names.AccountMarginRatio, AccountRisk.ObserveMarginRatios, unit: "1", "Maintenance margin over margin balance (1 = liquidation), by account and market.");

    private static readonly ObservableGauge<double> AccountEquity = Meter.CreateObservableGauge(
        Names.AccountEquity, AccountRisk.ObserveEquity, unit: null,
        "Equity (balances valued at reference prices plus unrealized PnL) in the risk valuation asset, by account with a drawdown or daily-loss limit.");

    private static readonly ObservableGauge<double> AccountEquityHighWaterMark = Meter.CreateObservableGauge(
        Names.AccountEquityHighWaterMark, AccountRisk.ObserveHighWaterMarks, unit: null,
        "Equity high-water mark the drawdown is measured from, in the risk valuation asset, by account.");

    private static readonly ObservableGauge<double> AccountExposureGross = Meter.CreateObservableGauge(
        Names.AccountExposureGross, AccountRisk.ObserveGrossExposure, unit: null,
        "Worst-case gross exposure (positions plus open orders, marked) in the risk valuation asset, by account.");

    private static readonly ObservableGauge<double> AccountExposureNet = Meter.CreateObservableGauge(
        Names.AccountExposureNet, AccountRisk.ObserveNetExposure, unit: null,
        "Worst-case net exposure (absolute) in the risk valuation asset, by account.");

    private static readonly ObservableGauge<long> AccountTradingState = Meter.CreateObservableGauge(
        Names.AccountTradingState, AccountRisk.ObserveTradingStates, unit: null,
        "Trading state by account: 1 Active, 2 Reducing (only orders that reduce exposure), 3 Halted (cancels only).");

    private static readonly Counter<long> MarginAlertCount = Meter.CreateCounter<long>(
        Names.AccountMarginAlerts, unit: null,
        "Margin alerts raised on derivatives accounts, by account and outcome (threshold_crossed, recovered, venue_margin_call).");

    private static readonly Counter<long> PositionCorrectionCount = Meter.CreateCounter<long>(
        Names.PositionCorrections, unit: null,
        "Position legs an account set to the venue's quantity after a confirmed difference (seen twice with no fill in between), by account, venue and market.");

    /// <summary>Every instrument on <see cref="Meter"/> (for tests and documentation).</summary>
    public static IReadOnlyList<Instrument> Instruments { get; } =
    [
        OrderStageDuration, OrderCount, DenialCount, FillCount, FillIngestDuration, RateLimitUsed, RateLimitLimit, AccountDrawdown, AccountMarginRatio,
        AccountEquity, AccountEquityHighWaterMark, AccountExposureGross, AccountExposureNet, AccountTradingState, MarginAlertCount, PositionCorrectionCount,
    ];

    /// <summary>Meters the OMS exports: its own, the connectors', Orleans', ASP.NET Core's and the .NET runtime's.</summary>
    public static IReadOnlyList<string> ExportedMeters { get; } =
    [
        MeterName,
        ConnectorsMeterName,
        BinanceMeterName,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    /// <summary>
    /// Activity sources the OMS traces: its own, Orleans application grain calls and storage (one span per grain call
    /// and per state write, parented by the caller through <c>AddActivityPropagation</c>) and outgoing HTTP calls.
    /// ASP.NET Core (the gRPC server span) is added by its instrumentation.
    /// </summary>
    public static IReadOnlyList<string> TracedSources { get; } =
    [
        ActivitySourceName,
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
        "System.Net.Http",
    ];

    /// <summary>Records that an order reached <paramref name="stage"/> <paramref name="sinceReceived"/> after the account grain received it.</summary>
    public static void OrderStageReached(string stage, TimeSpan sinceReceived, string venue, string market)
    {
        if (!OrderStageDuration.Enabled) return;
        OrderStageDuration.Record(Math.Max(0d, sinceReceived.TotalMilliseconds), new TagList
        {
            { Tags.Stage, stage },
            { Tags.Venue, venue },
            { Tags.Market, market },
        });
    }

    /// <summary>Records that an order reached <paramref name="stage"/>, timed from a <see cref="Stopwatch.GetTimestamp"/> taken on receipt.</summary>
    public static void OrderStageReached(string stage, long receivedTimestamp, string venue, string market) =>
        OrderStageReached(stage, Stopwatch.GetElapsedTime(receivedTimestamp), venue, market);

    /// <summary>Counts a new order and its outcome (<see cref="OrderOutcomes"/>).</summary>
    public static void OrderSubmitted(string account, string venue, string market, string outcome) =>
        OrderCount.Add(1, new TagList
        {
            { Tags.Account, account },
            { Tags.Venue, venue },
            { Tags.Market, market },
            { Tags.Outcome, outcome },
        });

    /// <summary>Counts a denied order (and the order itself, with outcome <see cref="OrderOutcomes.Denied"/>).</summary>
    public static void OrderDenied(string account, string venue, string market, string code)
    {
        OrderSubmitted(account, venue, market, OrderOutcomes.Denied);
        DenialCount.Add(1, new TagList
        {
            { Tags.Account, account },
            { Tags.Venue, venue },
            { Tags.Market, market },
            { Tags.Code, code },
        });
        Activity.Current?.SetTag(Attributes.DenialCode, code);
    }

    /// <summary>
    /// Counts an applied fill and, when <paramref name="ingestLatency"/> is given (live events, not reconciliation
    /// replays), records how long after the venue's timestamp it was applied.
    /// </summary>
    public static void FillApplied(string account, string venue, string market, TimeSpan? ingestLatency)
    {
        FillCount.Add(1, new TagList
        {
            { Tags.Account, account },
            { Tags.Venue, venue },
            { Tags.Market, market },
        });
        if (ingestLatency is { } latency && FillIngestDuration.Enabled)
        {
            FillIngestDuration.Record(Math.Max(0d, latency.TotalMilliseconds), new TagList
            {
                { Tags.Venue, venue },
                { Tags.Market, market },
            });
        }
    }

    /// <summary>Counts a margin alert of a derivatives account (<see cref="MarginAlertOutcomes"/>).</summary>
    public static void MarginAlertRaised(string account, string outcome) =>
        MarginAlertCount.Add(1, new TagList
        {
            { Tags.Account, account },
            { Tags.Outcome, outcome },
        });

    /// <summary>Counts a position leg corrected to the venue's quantity.</summary>
    public static void PositionCorrected(string account, string venue, string market) =>
        PositionCorrectionCount.Add(1, new TagList
        {
            { Tags.Account, account },
            { Tags.Venue, venue },
            { Tags.Market, market },
        });

    /// <summary>
    /// Starts the span of a submit inside the account grain (a child of the Orleans grain-call span, itself a child
    /// of the gRPC server span). Returns null when nobody listens. The client order id is an attribute of the span,
    /// never a metric tag.
    /// </summary>
    public static Activity? StartOrderSubmit(string account, string instrument)
    {
        var activity = ActivitySource.StartActivity(SubmitSpanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Attributes.Account, account);
            activity.SetTag(Attributes.Instrument, instrument);
        }
        return activity;
    }

    /// <summary>
    /// Starts the span of one call to a venue (<c>venue order.place</c>, …), kind Client. Connectors send from their
    /// own loops, outside the grain call that queued the command: pass the context captured when the command was
    /// queued (<see cref="CaptureContext"/>) as <paramref name="parent"/> so the span joins the order's trace.
    /// Returns null when nobody listens. Dispose it when the venue answered; mark failures with
    /// <see cref="SetVenueOutcome"/>.
    /// </summary>
    public static Activity? StartVenueCall(string operation, string venue, string market, ActivityContext parent = default,
        string? account = null, string? clientOrderId = null)
    {
        var activity = ActivitySource.StartActivity(VenueCallSpanPrefix + operation, ActivityKind.Client, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Attributes.Operation, operation);
            activity.SetTag(Attributes.Venue, venue);
            activity.SetTag(Attributes.Market, market);
            if (account is not null) activity.SetTag(Attributes.Account, account);
            if (clientOrderId is not null) activity.SetTag(Attributes.ClientOrderId, clientOrderId);
        }
        return activity;
    }

    /// <summary>Records a venue call's outcome on its span: ok, or an error with the venue's code.</summary>
    public static void SetVenueOutcome(Activity? activity, string outcome, string? venueCode = null)
    {
        if (activity is null) return;
        activity.SetTag(Attributes.Outcome, outcome);
        if (venueCode is not null) activity.SetTag(Tags.Code, venueCode);
        if (!string.Equals(outcome, "ok", StringComparison.OrdinalIgnoreCase)) activity.SetStatus(ActivityStatusCode.Error, outcome);
    }

    /// <summary>The current span's context, to carry with a queued command to the loop that sends it (default when none).</summary>
    public static ActivityContext CaptureContext() => Activity.Current?.Context ?? default;
}
