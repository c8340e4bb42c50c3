namespace Oms.Connectors.Binance.Parsing;

/// <summary>
/// An order as the venue reported it in a response (place ACK/RESULT/FULL, cancel, query, open orders), in domain
/// terms. <see cref="Status"/> is null for ACK responses. <see cref="ToEvents"/> turns it into port events so a
/// response alone can drive the account grain (fills are de-duplicated there by trade id).
/// </summary>
public sealed record OrderReport
{
    public required InstrumentId Instrument { get; init; }

    /// <summary>The order's client order id (for cancel responses: the cancelled order's, i.e. <c>origClientOrderId</c>).</summary>
    public required ClientOrderId ClientOrderId { get; init; }

    /// <summary>The client id of the cancel request itself (cancel responses only).</summary>
    public string? CancelRequestId { get; init; }

    /// <summary>
    /// The client order id as the venue holds it: <see cref="ClientOrderId"/> itself, or for a spot order placed by
    /// cancel-replace its lineage id (<see cref="Orders.SpotClientOrderIds"/>).
    /// </summary>
    public string? VenueClientOrderId { get; init; }

    /// <summary>
    /// A spot order cancelled as the first leg of a cancel-replace: the OMS order lives on in its replacement, so the
    /// cancel is not an event of the OMS order (its fills still are).
    /// </summary>
    public bool ReplacedAway { get; init; }

    public required VenueOrderId VenueOrderId { get; init; }

    /// <summary>The order list (OCO) id, or null when the order is not in a list.</summary>
    public long? OrderListId { get; init; }

    public OrderSide? Side { get; init; }
    public OrderType? Type { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public OrderStatus? Status { get; init; }
    public decimal? Quantity { get; init; }
    public decimal? Price { get; init; }
    public decimal? StopPrice { get; init; }
    public decimal? IcebergQuantity { get; init; }
    public long? TrailingDelta { get; init; }
    public decimal? ExecutedQuantity { get; init; }
    public decimal? CumulativeQuoteQuantity { get; init; }
    public decimal? QuoteOrderQuantity { get; init; }
    /// <summary>When the venue processed the request (<c>transactTime</c>), or last updated the order (<c>updateTime</c>) for queries.</summary>
    public DateTimeOffset? Timestamp { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>Why the venue expired the order (<c>expiryReason</c>), when it says.</summary>
    public string? ExpiryReason { get; init; }
    public bool? IsWorking { get; init; }
    /// <summary>Fills of a FULL response (empty otherwise).</summary>
    public IReadOnlyList<Fill> Fills { get; init; } = [];

    /// <summary>USD-M: average fill price (<c>avgPrice</c>).</summary>
    public decimal? AveragePrice { get; init; }

    /// <summary>USD-M: whether the order may only reduce the position.</summary>
    public bool? ReduceOnly { get; init; }

    /// <summary>USD-M: the position side the order trades (BOTH in one-way mode).</summary>
    public PositionSide? PositionSide { get; init; }

    /// <summary>USD-M: a conditional order that closes the whole position (<c>closePosition</c>).</summary>
    public bool? ClosePosition { get; init; }

    /// <summary>USD-M: the price a stop watches (<c>workingType</c>: MARK_PRICE or CONTRACT_PRICE).</summary>
    public TriggerPriceType? TriggerPriceType { get; init; }

    /// <summary>USD-M trailing stops: the activation price (<c>activatePrice</c>).</summary>
    public decimal? ActivationPrice { get; init; }

    /// <summary>USD-M trailing stops: the callback rate in percent (<c>priceRate</c> / <c>callbackRate</c>).</summary>
    public decimal? TrailingPercent { get; init; }

    /// <summary>USD-M: when a GTD order expires (<c>goodTillDate</c>).</summary>
    public DateTimeOffset? GoodTillDate { get; init; }

    /// <summary>
    /// The port events this report implies: for a working or filled order an acceptance then its fills; for a
    /// cancelled, expired or rejected one the fills first, then the terminal event. ACK responses yield an acceptance.
    /// </summary>
    public IReadOnlyList<VenueEvent> ToEvents(AccountId account, VenueEventSource source, DateTimeOffset fallbackTime)
    {
        var time = Timestamp ?? fallbackTime;
        var events = new List<VenueEvent>(Fills.Count + 1);
        VenueOrderUpdate Update(VenueOrderEventKind kind, string? reason = null) => new()
        {
            Account = account,
            Timestamp = time,
            Source = source,
            Instrument = Instrument,
            ClientOrderId = ClientOrderId,
            VenueOrderId = VenueOrderId,
            Kind = kind,
            Reason = reason,
            CumulativeFilledQuantity = ExecutedQuantity,
        };
        void AddFills()
        {
            foreach (var fill in Fills) events.Add(new VenueFill { Account = account, Timestamp = fill.Timestamp, Source = source, Fill = fill });
        }

        switch (Status)
        {
            case null or OrderStatus.New or OrderStatus.PendingNew or OrderStatus.PartiallyFilled or OrderStatus.Filled or OrderStatus.PendingCancel:
                events.Add(Update(VenueOrderEventKind.Accepted));
                AddFills();
                break;
            case OrderStatus.Canceled:
                AddFills();
                if (!ReplacedAway) events.Add(Update(VenueOrderEventKind.Canceled));
                break;
            case OrderStatus.Expired:
                AddFills();
                events.Add(Update(VenueOrderEventKind.Expired, ExpiryReason));
                break;
            case OrderStatus.Rejected:
                AddFills();
                events.Add(Update(VenueOrderEventKind.Rejected, ExpiryReason));
                break;
            default:
                throw new InvalidOperationException($"order status {Status} has no event mapping");
        }
        return events;
    }
}

/// <summary>An order list (OCO) as reported by a response or a <c>listStatus</c> event.</summary>
public sealed record OrderListReport
{
    public required long OrderListId { get; init; }
    public required string ListClientOrderId { get; init; }
    public required InstrumentId Instrument { get; init; }
    /// <summary><c>OCO</c>, <c>OTO</c>, ...</summary>
    public required string ContingencyType { get; init; }
    /// <summary><c>RESPONSE</c>, <c>EXEC_STARTED</c>, <c>UPDATED</c>, <c>ALL_DONE</c>.</summary>
    public required string ListStatusType { get; init; }
    /// <summary><c>EXECUTING</c>, <c>ALL_DONE</c>, <c>REJECT</c>.</summary>
    public required string ListOrderStatus { get; init; }
    /// <summary>Why the list was rejected (<c>listStatus</c> <c>r</c>), when it was.</summary>
    public string? RejectReason { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required IReadOnlyList<(ClientOrderId ClientOrderId, VenueOrderId VenueOrderId)> Orders { get; init; }
    /// <summary>The legs as order reports (responses only; the stream sends one <c>executionReport</c> per leg instead).</summary>
    public IReadOnlyList<OrderReport> OrderReports { get; init; } = [];
}

/// <summary>One leg result of a cancel-replace: <c>SUCCESS</c>, <c>FAILURE</c> or <c>NOT_ATTEMPTED</c>.</summary>
public enum CancelReplaceLegResult
{
    Success = 1,
    Failure = 2,
    NotAttempted = 3,
}

/// <summary>
/// The outcome of a cancel-replace (success, or HTTP 400/409 with both legs described). A failed leg carries its own
/// error; a successful leg its order report.
/// </summary>
public sealed record CancelReplaceReport
{
    public required CancelReplaceLegResult CancelResult { get; init; }
    public required CancelReplaceLegResult NewOrderResult { get; init; }
    public OrderReport? CancelResponse { get; init; }
    public OrderReport? NewOrderResponse { get; init; }
    public BinanceError? CancelError { get; init; }
    public BinanceError? NewOrderError { get; init; }
}

/// <summary>A trade of the account (<c>myTrades</c>), as a domain fill plus the venue's order id and list id.</summary>
public sealed record AccountTrade(Fill Fill, long OrderListId, bool IsBestMatch);

/// <summary>The account snapshot (<c>account</c> / <c>account.status</c>).</summary>
public sealed record AccountSnapshot
{
    public required IReadOnlyList<VenueBalance> Balances { get; init; }
    public bool CanTrade { get; init; }
    public bool CanWithdraw { get; init; }
    public bool CanDeposit { get; init; }
    public string? AccountType { get; init; }
    public DateTimeOffset UpdateTime { get; init; }
    public decimal? MakerCommissionRate { get; init; }
    public decimal? TakerCommissionRate { get; init; }

    /// <summary>The snapshot as a port event that replaces every balance of the account.</summary>
    public VenueBalanceUpdate ToEvent(AccountId account, VenueEventSource source) => new()
    {
        Account = account,
        Timestamp = UpdateTime,
        Source = source,
        Balances = Balances,
        IsSnapshot = true,
    };
}
