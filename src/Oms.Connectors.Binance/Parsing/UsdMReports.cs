namespace Oms.Connectors.Binance.Parsing;

/// <summary>
/// A USD-M algo (conditional) order as the Algo Service reports it (<c>/fapi/v1/algoOrder</c>, <c>algoOrder.place</c>,
/// <c>ALGO_UPDATE</c>). The OMS client order id is the <c>clientAlgoId</c>; the venue id is <see cref="UsdMOrderIds.Algo"/>.
/// Once triggered, a normal engine order (<see cref="ActualOrderId"/>) carries the executions.
/// </summary>
public sealed record AlgoOrderReport
{
    public required InstrumentId Instrument { get; init; }
    /// <summary>The <c>clientAlgoId</c> (the OMS client order id).</summary>
    public required ClientOrderId ClientOrderId { get; init; }
    public required long AlgoId { get; init; }
    public VenueOrderId VenueOrderId => UsdMOrderIds.Algo(AlgoId);
    public required AlgoOrderStatus Status { get; init; }
    public OrderSide? Side { get; init; }
    public OrderType? Type { get; init; }
    public PositionSide? PositionSide { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public decimal? Quantity { get; init; }
    public decimal? TriggerPrice { get; init; }
    public decimal? Price { get; init; }
    public TriggerPriceType? TriggerPriceType { get; init; }
    public bool? ClosePosition { get; init; }
    public bool? PriceProtect { get; init; }
    public bool? ReduceOnly { get; init; }
    public decimal? ActivationPrice { get; init; }
    /// <summary>Trailing callback rate in percent.</summary>
    public decimal? TrailingPercent { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public DateTimeOffset? TriggeredAt { get; init; }
    /// <summary>The engine order placed at trigger time (<c>actualOrderId</c> / <c>ai</c>), once there is one.</summary>
    public long? ActualOrderId { get; init; }
    /// <summary>Average fill price of the triggered order (<c>actualPrice</c> / <c>ap</c>).</summary>
    public decimal? AveragePrice { get; init; }
    /// <summary>Executed quantity of the triggered order (<c>aq</c>), when reported.</summary>
    public decimal? ExecutedQuantity { get; init; }
    /// <summary>Why the order was rejected, expired or cancelled by the system (<c>rm</c>), when it says.</summary>
    public string? FailureReason { get; init; }

    /// <summary>
    /// The port events this report implies for the OMS order: NEW → accepted; TRIGGERED → triggered, naming the engine
    /// order id as the order's venue id from now on; CANCELED / REJECTED / EXPIRED → the terminal event with the reason.
    /// TRIGGERING and FINISHED imply nothing: the engine order's own updates carry the fills and the outcome.
    /// </summary>
    public IReadOnlyList<VenueEvent> ToEvents(AccountId account, VenueEventSource source, DateTimeOffset fallbackTime)
    {
        VenueOrderUpdate Update(VenueOrderEventKind kind, VenueOrderId venueOrderId, string? reason = null) => new()
        {
            Account = account,
            Timestamp = UpdatedAt ?? fallbackTime,
            Source = source,
            Instrument = Instrument,
            ClientOrderId = ClientOrderId,
            VenueOrderId = venueOrderId,
            Kind = kind,
            Reason = reason,
            CumulativeFilledQuantity = ExecutedQuantity,
        };
        return Status switch
        {
            AlgoOrderStatus.New => [Update(VenueOrderEventKind.Accepted, VenueOrderId)],
            AlgoOrderStatus.Triggered => [Update(VenueOrderEventKind.Triggered,
                ActualOrderId is { } engineId ? UsdMOrderIds.Order(engineId) : VenueOrderId,
                ActualOrderId is { } id ? $"algo order {AlgoId} triggered as order {id}" : $"algo order {AlgoId} triggered")],
            AlgoOrderStatus.Canceled => [Update(VenueOrderEventKind.Canceled, VenueOrderId, FailureReason)],
            AlgoOrderStatus.Rejected => [Update(VenueOrderEventKind.Rejected, VenueOrderId, FailureReason ?? "rejected at trigger time")],
            AlgoOrderStatus.Expired => [Update(VenueOrderEventKind.Expired, VenueOrderId, FailureReason)],
            _ => [],
        };
    }
}

/// <summary>One symbol of the USD-M <c>exchangeInfo</c>: the domain spec plus what it has no room for.</summary>
public sealed record UsdMSymbolInfo
{
    public required InstrumentSpec Spec { get; init; }
    public required UsdMContractStatus Status { get; init; }
    public required UsdMContractType ContractType { get; init; }
    public string? MarginAsset { get; init; }
    public int? PricePrecision { get; init; }
    public int? QuantityPrecision { get; init; }
    /// <summary>Largest relative gap between mark and last price at which a price-protected stop still triggers.</summary>
    public decimal? TriggerProtect { get; init; }
    public decimal? LiquidationFee { get; init; }
    public decimal? MarketTakeBound { get; init; }
    /// <summary><c>MAX_NUM_ORDERS.limit</c>, when present.</summary>
    public int? MaxNumOrders { get; init; }
    /// <summary><c>PERCENT_PRICE</c> multipliers relative to the mark price (up, down), when present.</summary>
    public (decimal Up, decimal Down)? PercentPrice { get; init; }
    public IReadOnlyList<OrderType> OrderTypes { get; init; } = [];
    public IReadOnlyList<TimeInForce> TimeInForces { get; init; } = [];
    public DateTimeOffset? DeliveryDate { get; init; }
    public DateTimeOffset? OnboardDate { get; init; }
}

/// <summary>The parsed USD-M <c>exchangeInfo</c>.</summary>
public sealed record UsdMExchangeInfo
{
    public required DateTimeOffset ServerTime { get; init; }
    public required IReadOnlyList<VenueRateLimit> RateLimits { get; init; }
    public required IReadOnlyList<UsdMSymbolInfo> Symbols { get; init; }
}

/// <summary>One position of <c>GET /fapi/v3/positionRisk</c> (or the positions of <c>/fapi/v3/account</c>, which carry fewer fields).</summary>
public sealed record UsdMPosition
{
    public required InstrumentId Instrument { get; init; }
    public required PositionSide PositionSide { get; init; }
    /// <summary>Signed size (negative = short).</summary>
    public required decimal Quantity { get; init; }
    public decimal EntryPrice { get; init; }
    public decimal? BreakEvenPrice { get; init; }
    public decimal? MarkPrice { get; init; }
    public decimal? UnrealizedPnl { get; init; }
    public decimal? LiquidationPrice { get; init; }
    public decimal? IsolatedMargin { get; init; }
    public decimal? Notional { get; init; }
    public string? MarginAsset { get; init; }
    public decimal? IsolatedWallet { get; init; }
    public decimal? InitialMargin { get; init; }
    public decimal? MaintenanceMargin { get; init; }
    public decimal? PositionInitialMargin { get; init; }
    public decimal? OpenOrderInitialMargin { get; init; }
    /// <summary>Auto-deleveraging rank (0-4), when reported.</summary>
    public int? AdlQuantile { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>The position as a port record.</summary>
    public VenuePosition ToVenuePosition() => new()
    {
        Instrument = Instrument,
        PositionSide = PositionSide,
        Quantity = Quantity,
        EntryPrice = EntryPrice,
        BreakEvenPrice = BreakEvenPrice,
        UnrealizedPnl = UnrealizedPnl,
        MarginType = IsolatedWallet is > 0m || IsolatedMargin is > 0m ? VenueMarginType.Isolated : null,
        IsolatedWallet = IsolatedWallet,
        MarkPrice = MarkPrice,
        LiquidationPrice = LiquidationPrice is > 0m ? LiquidationPrice : null,
        MarginAsset = MarginAsset,
    };

    /// <summary>Positions as a snapshot event (every open position; those not listed are flat).</summary>
    public static VenuePositionUpdate ToSnapshot(IEnumerable<UsdMPosition> positions, AccountId account, DateTimeOffset timestamp, VenueEventSource source) => new()
    {
        Account = account,
        Timestamp = timestamp,
        Source = source,
        Positions = [.. positions.Select(p => p.ToVenuePosition())],
        IsSnapshot = true,
    };
}

/// <summary>One asset of the USD-M account (<c>/fapi/v3/balance</c>, or <c>assets[]</c> of <c>/fapi/v3/account</c>).</summary>
public sealed record UsdMBalance
{
    public required string Asset { get; init; }
    /// <summary>Wallet balance (<c>balance</c> / <c>walletBalance</c>).</summary>
    public required decimal WalletBalance { get; init; }
    public required decimal CrossWalletBalance { get; init; }
    public decimal? CrossUnrealizedPnl { get; init; }
    public decimal? AvailableBalance { get; init; }
    public decimal? MaxWithdrawAmount { get; init; }
    public decimal? UnrealizedProfit { get; init; }
    public decimal? MarginBalance { get; init; }
    public decimal? InitialMargin { get; init; }
    public decimal? MaintenanceMargin { get; init; }
    public bool? MarginAvailable { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>
    /// The balance as a port record, the same way the <c>ACCOUNT_UPDATE</c> stream reports it: free = cross wallet
    /// balance, locked = wallet balance set aside for isolated positions (wallet − cross wallet).
    /// </summary>
    public VenueBalance ToVenueBalance() => new(Asset, CrossWalletBalance, WalletBalance - CrossWalletBalance);

    /// <summary>Balances as a snapshot event that replaces every balance of the account.</summary>
    public static VenueBalanceUpdate ToSnapshot(IEnumerable<UsdMBalance> balances, AccountId account, DateTimeOffset timestamp, VenueEventSource source) => new()
    {
        Account = account,
        Timestamp = timestamp,
        Source = source,
        Balances = [.. balances.Select(b => b.ToVenueBalance())],
        IsSnapshot = true,
    };
}

/// <summary>The USD-M account (<c>GET /fapi/v3/account</c>): totals (meaning depends on single- or multi-asset mode), assets and positions.</summary>
public sealed record UsdMAccount
{
    public decimal TotalInitialMargin { get; init; }
    public decimal TotalMaintenanceMargin { get; init; }
    public decimal TotalWalletBalance { get; init; }
    public decimal TotalUnrealizedProfit { get; init; }
    public decimal TotalMarginBalance { get; init; }
    public decimal TotalPositionInitialMargin { get; init; }
    public decimal TotalOpenOrderInitialMargin { get; init; }
    public decimal TotalCrossWalletBalance { get; init; }
    public decimal TotalCrossUnrealizedPnl { get; init; }
    public decimal AvailableBalance { get; init; }
    public decimal MaxWithdrawAmount { get; init; }
    public required IReadOnlyList<UsdMBalance> Assets { get; init; }
    public required IReadOnlyList<UsdMPosition> Positions { get; init; }
}

/// <summary>One row of <c>GET /fapi/v1/income</c>.</summary>
public sealed record UsdMIncome
{
    /// <summary>The instrument, or null for account-wide income (transfers).</summary>
    public InstrumentId? Instrument { get; init; }
    public required UsdMIncomeType Type { get; init; }
    /// <summary>The venue's text for <see cref="Type"/> (kept for types this connector does not know).</summary>
    public required string TypeText { get; init; }
    /// <summary>Signed amount (negative = paid).</summary>
    public required decimal Amount { get; init; }
    public required string Asset { get; init; }
    public string? Info { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required long TransactionId { get; init; }
    public string? TradeId { get; init; }
}

/// <summary>The answer to <c>POST /fapi/v1/leverage</c>.</summary>
public sealed record UsdMLeverage(InstrumentId Instrument, int Leverage, decimal MaxNotionalValue);

/// <summary>The answer to an algo order cancel (<c>DELETE /fapi/v1/algoOrder</c>, <c>algoOrder.cancel</c>).</summary>
public sealed record AlgoOrderCancel(InstrumentId Instrument, ClientOrderId ClientOrderId, long AlgoId)
{
    public VenueOrderId VenueOrderId => UsdMOrderIds.Algo(AlgoId);

    /// <summary>The cancel as a port event (the stream's <c>ALGO_UPDATE</c> CANCELED says the same; duplicates are harmless).</summary>
    public VenueOrderUpdate ToEvent(AccountId account, DateTimeOffset now) => new()
    {
        Account = account,
        Timestamp = now,
        Source = VenueEventSource.Response,
        Instrument = Instrument,
        ClientOrderId = ClientOrderId,
        VenueOrderId = VenueOrderId,
        Kind = VenueOrderEventKind.Canceled,
    };

    internal static AlgoOrderCancel Parse(ReadOnlySpan<byte> json, InstrumentId instrument)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var clientAlgoId = root.GetRequiredString("clientAlgoId");
        if (!ClientOrderId.IsValid(clientAlgoId)) throw new BinanceProtocolException($"the algo cancel answer has an invalid clientAlgoId '{clientAlgoId}'");
        if (root.TryGetProperty("code", out var code))
        {
            var text = code.ValueKind == System.Text.Json.JsonValueKind.Number ? code.GetRawText() : code.GetString();
            if (text != "200") throw new BinanceProtocolException($"the algo cancel of {clientAlgoId} answered code {text}");
        }
        return new AlgoOrderCancel(instrument, new ClientOrderId(clientAlgoId), root.GetRequiredInt64("algoId"));
    }
}
