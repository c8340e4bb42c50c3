using System.Globalization;

namespace Oms.Contracts;

/// <summary>Where a leg of a one-cancels-the-other list rests relative to the market.</summary>
public enum OrderListLegPosition
{
    /// <summary>Above the market: the limit-maker or take-profit of a sell, the stop of a buy.</summary>
    Above = 1,
    /// <summary>Below the market: the stop of a sell, the limit-maker or take-profit of a buy.</summary>
    Below = 2,
}

/// <summary>The state of an order list as the OMS knows it.</summary>
public enum OrderListStatus
{
    /// <summary>Persisted and sent; the venue has not confirmed the list yet.</summary>
    Pending = 1,
    /// <summary>Live at the venue (placed, or one leg has started executing).</summary>
    Executing = 2,
    /// <summary>Ended: one leg executed and the other expired, or both were cancelled.</summary>
    AllDone = 3,
    /// <summary>The venue refused the list (or it never reached the venue); neither leg exists there.</summary>
    Rejected = 4,
    /// <summary>The OMS refused the list (risk, filters, trading state); nothing was sent.</summary>
    Denied = 5,
}

/// <summary>The terms of one leg of a one-cancels-the-other list (side and quantity are the list's).</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderListLegTerms")]
public sealed record OrderListLegTerms
{
    /// <summary>LIMIT_MAKER, TAKE_PROFIT_MARKET or TAKE_PROFIT_LIMIT for the profit leg; STOP_MARKET or STOP_LIMIT for the stop leg.</summary>
    [Id(0)] public required OrderType Type { get; init; }
    [Id(1)] public decimal? LimitPrice { get; init; }
    [Id(2)] public decimal? StopPrice { get; init; }
    /// <summary>Only for STOP_LIMIT and TAKE_PROFIT_LIMIT legs (GTC, IOC or FOK); other legs rest until they fire (GTC).</summary>
    [Id(3)] public TimeInForce TimeInForce { get; init; } = TimeInForce.Gtc;
    /// <summary>The leg's own client order id; derived from the list's id when absent.</summary>
    [Id(4)] public ClientOrderId? ClientOrderId { get; init; }

    /// <summary>The price at which the leg rests or fires: the stop price of a conditional leg, else the limit price.</summary>
    public decimal? Level => StopPrice ?? LimitPrice;
}

/// <summary>
/// Submits a one-cancels-the-other pair as one venue order list (Binance spot OCO): two orders of the same instrument,
/// side and quantity, one resting above the market and one below; when one executes the venue expires the other.
/// Idempotent by <see cref="ListClientOrderId"/>: a resubmission returns the existing list.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitOrderList")]
public sealed record SubmitOrderList
{
    /// <summary>Idempotency key and the list id the venue sees; the OMS generates one when absent.</summary>
    [Id(0)] public ClientOrderId? ListClientOrderId { get; init; }
    [Id(1)] public required InstrumentId Instrument { get; init; }
    [Id(2)] public required OrderSide Side { get; init; }
    [Id(3)] public required decimal Quantity { get; init; }
    [Id(4)] public required OrderListLegTerms Above { get; init; }
    [Id(5)] public required OrderListLegTerms Below { get; init; }
    [Id(6)] public string? StrategyTag { get; init; }
    /// <summary>Who asked (API client name), for audit.</summary>
    [Id(7)] public string? RequestedBy { get; init; }
}

[GenerateSerializer, Immutable, Alias("oms.CancelOrderList")]
public sealed record CancelOrderList
{
    [Id(0)] public required ClientOrderId ListClientOrderId { get; init; }
    [Id(1)] public string? RequestedBy { get; init; }
}

/// <summary>An order list and its two leg orders.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderListSnapshot")]
public sealed record OrderListSnapshot
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required ClientOrderId ListClientOrderId { get; init; }
    /// <summary>The venue's id for the list, once it reported one.</summary>
    [Id(2)] public string? VenueOrderListId { get; init; }
    [Id(3)] public required InstrumentId Instrument { get; init; }
    [Id(4)] public required OrderSide Side { get; init; }
    [Id(5)] public required decimal Quantity { get; init; }
    [Id(6)] public required OrderListStatus Status { get; init; }
    [Id(7)] public required OrderSnapshot Above { get; init; }
    [Id(8)] public required OrderSnapshot Below { get; init; }
    [Id(9)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Why the venue rejected the list, when it did.</summary>
    [Id(11)] public string? Reason { get; init; }
    /// <summary>Why the OMS refused the list, when it did (both legs carry it too).</summary>
    [Id(12)] public Denial? Denial { get; init; }
}

/// <summary>
/// The answer to an order-list submit: the list (new or existing) and whether this call created it, or — for a request
/// that is not a legal pair — the problems, each naming its field, with nothing stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.SubmitOrderListResult")]
public sealed record SubmitOrderListResult
{
    [Id(0)] public OrderListSnapshot? List { get; init; }
    [Id(1)] public bool Created { get; init; }
    [Id(2)] public IReadOnlyList<StrategyProblem> Problems { get; init; } = [];
    /// <summary>Set when nothing could be stored for a reason other than the request's fields (account not provisioned).</summary>
    [Id(3)] public Denial? Denial { get; init; }
}

/// <summary>The answer to a list cancel: the list as it now stands, or the reason nothing was sent.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderListCommandResult")]
public sealed record OrderListCommandResult(
    [property: Id(0)] OrderListSnapshot? List,
    [property: Id(1)] Denial? Denial)
{
    public bool Accepted => Denial is null;
}

/// <summary>
/// Checks an order-list request: spot only (on a venue that routes lists natively), legal leg types for the side, the
/// above leg priced above the below leg, leg fields consistent for their types, distinct ids. Every problem names its
/// oms.v1 field path (e.g. <c>above.stop_price</c>). The gateway and the grain use the same rules; instrument filters
/// (tick, step, notional) are the grain's.
/// </summary>
public static class OrderListValidation
{
    private static readonly string[] SpecFields = ["quantity", "limit_price", "stop_price", "time_in_force", "strategy_tag"];

    /// <summary>Whether the venue routes order lists natively: Binance spot (<c>orderList.place.oco</c>).</summary>
    public static bool Supported(InstrumentId instrument) => instrument.Venue == Venue.Binance && instrument.Market == MarketType.Spot;

    public static IReadOnlyList<StrategyProblem> Validate(SubmitOrderList command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<StrategyProblem>();
        var instrument = command.Instrument;
        if (instrument.Market != MarketType.Spot)
        {
            problems.Add(Problem("instrument.market",
                $"order lists (OCO) are spot only; {instrument} is a {instrument.Market} instrument (use a bracket strategy on futures)"));
        }
        else if (!Supported(instrument))
        {
            problems.Add(Problem("instrument.venue", $"{instrument.Venue} order lists are not routed natively; only Binance spot lists are"));
        }
        if (!Enum.IsDefined(command.Side)) problems.Add(Problem("side", $"{(int)command.Side} is not a known side"));
        if (command.Quantity <= 0m) problems.Add(Problem("quantity", $"{Fmt(command.Quantity)} must be positive"));
        if (command.StrategyTag is { Length: > 64 }) problems.Add(Problem("strategy_tag", "is longer than 64 characters"));
        if (command.Above is null) problems.Add(Problem("above", "is required"));
        if (command.Below is null) problems.Add(Problem("below", "is required"));
        if (problems.Count > 0) return problems;

        var buy = command.Side == OrderSide.Buy;
        var aboveLeg = command.Above!;
        var belowLeg = command.Below!;
        CheckLeg(command, aboveLeg, OrderListLegPosition.Above, stopLeg: buy, problems);
        CheckLeg(command, belowLeg, OrderListLegPosition.Below, stopLeg: !buy, problems);
        if (problems.Count == 0 && aboveLeg.Level is { } above && belowLeg.Level is { } below && above <= below)
        {
            problems.Add(Problem(LevelField("above", aboveLeg),
                $"{Fmt(above)} must be above the below leg's {(belowLeg.StopPrice is null ? "limit" : "stop")} price {Fmt(below)}"));
        }

        var aboveId = aboveLeg.ClientOrderId;
        var belowId = belowLeg.ClientOrderId;
        if (aboveId is { Value: not null } a && belowId is { Value: not null } b && a == b)
        {
            problems.Add(Problem("below.client_order_id", $"'{b}' is the above leg's client order id too; the legs need distinct ids"));
        }
        return problems;
    }

    /// <summary>The order a leg becomes: the list's instrument, side, quantity and strategy tag with the leg's type and prices.</summary>
    public static OrderSpec LegSpec(SubmitOrderList command, OrderListLegTerms leg)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(leg);
        return new OrderSpec
        {
            Instrument = command.Instrument,
            Side = command.Side,
            Type = leg.Type,
            Quantity = command.Quantity,
            LimitPrice = leg.LimitPrice,
            StopPrice = leg.StopPrice,
            TimeInForce = leg.TimeInForce,
            StrategyTag = command.StrategyTag,
        };
    }

    /// <summary>
    /// The client order id of a leg whose id was not given: the list id with <c>-a</c> (above) or <c>-b</c> (below), or
    /// for a list id too long for that, its first 25 characters and a hash of the whole id (36 characters at most).
    /// Deterministic, so a resubmitted list finds its legs again.
    /// </summary>
    public static ClientOrderId DerivedLegId(ClientOrderId listClientOrderId, OrderListLegPosition position)
    {
        var suffix = position == OrderListLegPosition.Above ? "-a" : "-b";
        var list = listClientOrderId.Value;
        if (list.Length + suffix.Length <= ClientOrderId.MaxLength) return new ClientOrderId(list + suffix);
        var hash = (uint)StableHash(list);
        return new ClientOrderId($"{list[..25]}-{hash.ToString("x8", CultureInfo.InvariantCulture)}{suffix}");
    }

    private static int StableHash(string text)
    {
        // FNV-1a: stable across processes (string.GetHashCode is randomised per process).
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }

    private static void CheckLeg(SubmitOrderList command, OrderListLegTerms leg, OrderListLegPosition position, bool stopLeg, List<StrategyProblem> problems)
    {
        var field = position == OrderListLegPosition.Above ? "above" : "below";
        var buy = command.Side == OrderSide.Buy;
        var where = $"the {field} leg of a {(buy ? "buy" : "sell")} list";
        if (stopLeg && leg.Type is not (OrderType.StopMarket or OrderType.StopLimit))
        {
            problems.Add(Problem($"{field}.type", $"{where} is its stop: STOP_MARKET or STOP_LIMIT (was {Name(leg.Type)})"));
            return;
        }
        if (!stopLeg && leg.Type is not (OrderType.LimitMaker or OrderType.TakeProfitMarket or OrderType.TakeProfitLimit))
        {
            problems.Add(Problem($"{field}.type", $"{where} is its limit or take-profit: LIMIT_MAKER, TAKE_PROFIT_MARKET or TAKE_PROFIT_LIMIT (was {Name(leg.Type)})"));
            return;
        }
        var limitLeg = leg.Type is OrderType.StopLimit or OrderType.TakeProfitLimit;
        if (!Enum.IsDefined(leg.TimeInForce))
        {
            problems.Add(Problem($"{field}.time_in_force", $"{(int)leg.TimeInForce} is not known"));
            return;
        }
        if (limitLeg && leg.TimeInForce == TimeInForce.Gtx)
        {
            problems.Add(Problem($"{field}.time_in_force", $"GTX is not available on spot; a {Name(leg.Type)} leg takes GTC, IOC or FOK"));
            return;
        }
        if (!limitLeg && leg.TimeInForce != TimeInForce.Gtc)
        {
            problems.Add(Problem($"{field}.time_in_force", $"a {Name(leg.Type)} leg rests until it fires: leave it GTC (was {leg.TimeInForce.ToString().ToUpperInvariant()})"));
            return;
        }
        var spec = LegSpec(command, leg);
        if (spec.Validate() is { } invalid) problems.Add(Problem(Attribute(invalid.Reason, field), invalid.Reason));
    }

    private static string LevelField(string field, OrderListLegTerms leg) => leg.StopPrice is null ? $"{field}.limit_price" : $"{field}.stop_price";

    private static StrategyProblem Problem(string field, string reason) => new(field, new Denial(DenialCode.InvalidOrder, reason));

    private static string Attribute(string reason, string prefix)
    {
        foreach (var name in SpecFields)
        {
            if (reason.StartsWith(name, StringComparison.Ordinal))
            {
                // Quantity and strategy tag are the list's own fields, not the leg's.
                return name is "quantity" or "strategy_tag" ? name : $"{prefix}.{name}";
            }
        }
        return reason.StartsWith("type", StringComparison.Ordinal) ? $"{prefix}.type" : prefix;
    }

    private static string Name(OrderType type) => type switch
    {
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.LimitMaker => "LIMIT_MAKER",
        OrderType.StopMarket => "STOP_MARKET",
        OrderType.StopLimit => "STOP_LIMIT",
        OrderType.TakeProfitMarket => "TAKE_PROFIT_MARKET",
        OrderType.TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        OrderType.TrailingStopMarket => "TRAILING_STOP_MARKET",
        _ => ((int)type).ToString(CultureInfo.InvariantCulture),
    };

    private static string Fmt(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
