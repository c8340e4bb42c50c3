using Google.Protobuf.WellKnownTypes;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Output;

// The documents `oms --json` prints. Keys are snake_case; enum values are their short proto names ("BUY",
// "PARTIALLY_FILLED"); decimal amounts stay strings exactly as the gateway sent them (null when absent); times are
// ISO 8601 in UTC. These shapes are part of the CLI's contract with scripts: add fields, never rename them.

internal sealed record InstrumentView(string? Venue, string? Market, string Symbol)
{
    public static InstrumentView? From(Wire.Instrument? instrument) => instrument is null ? null
        : new InstrumentView(WireNames.Short(instrument.Venue), WireNames.Short(instrument.Market), instrument.Symbol);

    public override string ToString() => Market is null ? Symbol : $"{Symbol} ({Market})";
}

internal sealed record DenialView(string Code, string Reason, string? Limit, string? WouldBe, string? Unit)
{
    public static DenialView? From(Wire.Denial? denial) => denial is null ? null
        : new DenialView(denial.Code, denial.Reason, Views.Dec(denial.Limit), Views.Dec(denial.WouldBe), Views.Text(denial.Unit));

    /// <summary><c>NOTIONAL_EXCEEDS_MAX_PER_ORDER: reason (limit 1000 USDT, would be 2500 USDT)</c>.</summary>
    public override string ToString()
    {
        var numbers = new List<string>();
        if (Limit is not null) numbers.Add($"limit {Limit}{(Unit is null ? string.Empty : " " + Unit)}");
        if (WouldBe is not null) numbers.Add($"would be {WouldBe}{(Unit is null ? string.Empty : " " + Unit)}");
        var reason = string.IsNullOrWhiteSpace(Reason) ? string.Empty : ": " + Reason;
        return $"{Code}{reason}" + (numbers.Count == 0 ? string.Empty : $" ({string.Join(", ", numbers)})");
    }
}

internal sealed record MoneyView(string Amount, string Asset);

internal sealed record AccountView(
    string AccountId, string? Venue, IReadOnlyList<string?> Markets, string? PositionMode, string? DisplayName,
    string? TradingState, bool Reconciling, long LastSequence, int OpenOrderCount)
{
    public static AccountView From(Wire.Account a) => new(
        a.AccountId, WireNames.Short(a.Venue), a.Markets.Select(m => WireNames.Short(m)).ToList(), WireNames.Short(a.PositionMode),
        Views.Text(a.DisplayName), WireNames.Short(a.TradingState), a.Reconciling, a.LastSequence, a.OpenOrderCount);
}

internal sealed record BalanceView(string Asset, string? Free, string? Locked, string? Total, DateTimeOffset? UpdatedAt)
{
    public static BalanceView From(Wire.Balance b) => new(b.Asset, Views.Dec(b.Free), Views.Dec(b.Locked), Views.Dec(b.Total), Views.Time(b.UpdatedAt));
}

internal sealed record BalancesDocument(string Account, IReadOnlyList<BalanceView> Balances);

internal sealed record PositionView(
    InstrumentView? Instrument, string? Side, string? Quantity, string? AverageEntryPrice, string? RealizedPnl, string? Fees,
    string? MarkPrice, string? UnrealizedPnl, DateTimeOffset? UpdatedAt, long FillCount)
{
    public static PositionView From(Wire.Position p) => new(
        InstrumentView.From(p.Instrument), WireNames.Short(p.Side), Views.Dec(p.Quantity), Views.Dec(p.AverageEntryPrice),
        Views.Dec(p.RealizedPnl), Views.Dec(p.Fees), Views.Dec(p.MarkPrice), Views.Dec(p.UnrealizedPnl), Views.Time(p.UpdatedAt), p.FillCount);
}

internal sealed record PositionsDocument(string Account, IReadOnlyList<PositionView> Positions);

internal sealed record OrderView(
    string AccountId,
    string ClientOrderId,
    string? VenueOrderId,
    InstrumentView? Instrument,
    string? Side,
    string? Type,
    string? Status,
    string? Quantity,
    string? LimitPrice,
    string? StopPrice,
    string? TimeInForce,
    bool ReduceOnly,
    string? PositionSide,
    string? TrailingPercent,
    string? ActivationPrice,
    string? StrategyTag,
    string? FilledQuantity,
    string? LeavesQuantity,
    string? AveragePrice,
    IReadOnlyList<MoneyView> Fees,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DenialView? Denial,
    string? LastVenueError,
    bool Triggered,
    string? OrderListId = null)
{
    public static OrderView From(Wire.Order o)
    {
        var spec = o.Spec ?? new Wire.OrderSpec();
        return new OrderView(
            o.AccountId, o.ClientOrderId, Views.Text(o.VenueOrderId), InstrumentView.From(spec.Instrument),
            WireNames.Short(spec.Side), WireNames.Short(spec.Type), WireNames.Short(o.Status),
            Views.Dec(o.Quantity) ?? Views.Dec(spec.Quantity), Views.Dec(o.LimitPrice), Views.Dec(spec.StopPrice),
            WireNames.Short(spec.TimeInForce), spec.ReduceOnly, WireNames.Short(spec.PositionSide),
            Views.Dec(spec.TrailingPercent), Views.Dec(spec.ActivationPrice), Views.Text(spec.StrategyTag),
            Views.Dec(o.FilledQuantity), Views.Dec(o.LeavesQuantity), Views.Dec(o.AveragePrice),
            o.Fees.Select(f => new MoneyView(f.Amount, f.Asset)).ToList(),
            Views.Time(o.CreatedAt), Views.Time(o.UpdatedAt), DenialView.From(o.Denial), Views.Text(o.LastVenueError), o.Triggered,
            Views.Text(o.OrderListId));
    }
}

internal sealed record OrdersDocument(string Account, IReadOnlyList<OrderView> Orders);

internal sealed record SubmitDocument(bool Created, OrderView Order);

internal sealed record OrderCommandDocument(bool Accepted, OrderView? Order, DenialView? Denial)
{
    public static OrderCommandDocument From(Wire.OrderCommandResponse r) =>
        new(r.Accepted, r.Order is null ? null : OrderView.From(r.Order), DenialView.From(r.Denial));
}

internal sealed record CancelAllDocument(string Account, IReadOnlyList<string> CancelRequested, IReadOnlyList<OrderCommandDocument> Refused);

internal sealed record RiskLimitsView(
    string? MaxOrderNotional, string? MaxOrderQuantity, int? MaxOpenOrders, string? MaxPositionNotional, string? MaxGrossExposure,
    string? MaxNetExposure, string? PriceBandPercent, int? MaxOrdersPerSecond, string? MaxDrawdownPercent, string? MaxDailyLoss)
{
    public static RiskLimitsView From(Wire.RiskLimits? l)
    {
        l ??= new Wire.RiskLimits();
        return new RiskLimitsView(
            Views.Dec(l.MaxOrderNotional), Views.Dec(l.MaxOrderQuantity), l.HasMaxOpenOrders ? l.MaxOpenOrders : null,
            Views.Dec(l.MaxPositionNotional), Views.Dec(l.MaxGrossExposure), Views.Dec(l.MaxNetExposure), Views.Dec(l.PriceBandPercent),
            l.HasMaxOrdersPerSecond ? l.MaxOrdersPerSecond : null, Views.Dec(l.MaxDrawdownPercent), Views.Dec(l.MaxDailyLoss));
    }
}

internal sealed record RiskPolicyView(string AccountId, string? TradingState, long Version, RiskLimitsView Limits)
{
    public static RiskPolicyView From(Wire.RiskPolicy p) => new(p.AccountId, WireNames.Short(p.TradingState), p.Version, RiskLimitsView.From(p.Limits));
}

internal sealed record RiskAuditEntryView(DateTimeOffset? Timestamp, string ChangedBy, string Setting, string? OldValue, string? NewValue, string? Reason)
{
    public static RiskAuditEntryView From(Wire.RiskAuditEntry e) =>
        new(Views.Time(e.Timestamp), e.ChangedBy, e.Setting, Views.Text(e.OldValue), Views.Text(e.NewValue), Views.Text(e.Reason));
}

internal sealed record RiskAuditDocument(string Account, IReadOnlyList<RiskAuditEntryView> Entries);

internal sealed record FillView(
    string TradeId, string? Side, string? Quantity, string? Price, string? Fee, string? FeeAsset, string? Liquidity,
    DateTimeOffset? Timestamp, string? VenueRealizedPnl, string? PositionSide)
{
    public static FillView? From(Wire.Fill? f) => f is null ? null : new FillView(
        f.TradeId, WireNames.Short(f.Side), Views.Dec(f.Quantity), Views.Dec(f.Price), Views.Dec(f.Fee), Views.Text(f.FeeAsset),
        WireNames.Short(f.Liquidity), Views.Time(f.Timestamp), Views.Dec(f.VenueRealizedPnl), WireNames.Short(f.PositionSide));
}

/// <summary>One line of <c>oms watch --json</c>: <c>type</c> is <c>report</c> or <c>truncated</c>.</summary>
internal sealed record StreamLineView(
    string Type, long? Sequence, string? ExecutionType, DateTimeOffset? Timestamp, OrderView? Order, FillView? Fill, DenialView? Denial,
    string? Reason, string? VenueCode, long? RequestedFromSequence, long? FirstAvailableSequence)
{
    public static StreamLineView Report(Wire.ExecutionReport r) => new(
        "report", r.Sequence, WireNames.Short(r.ExecutionType), Views.Time(r.Timestamp), r.Order is null ? null : OrderView.From(r.Order),
        FillView.From(r.Fill), DenialView.From(r.Denial), Views.Text(r.Reason), Views.Text(r.VenueCode), null, null);

    public static StreamLineView Truncated(Wire.StreamTruncated t) =>
        new("truncated", null, null, null, null, null, null, null, null, t.RequestedFromSequence, t.FirstAvailableSequence);
}

/// <summary>The document printed on stdout for a failed command under <c>--json</c>.</summary>
internal sealed record ErrorDocument(ErrorView Error);

internal sealed record ErrorView(int ExitCode, string Kind, string Message, object? Details);

internal static class Views
{
    /// <summary>A wire decimal: empty means absent.</summary>
    public static string? Dec(string? text) => string.IsNullOrEmpty(text) ? null : text;

    public static string? Text(string? text) => string.IsNullOrEmpty(text) ? null : text;

    public static DateTimeOffset? Time(Timestamp? timestamp) => timestamp is null ? null : timestamp.ToDateTimeOffset();
}
