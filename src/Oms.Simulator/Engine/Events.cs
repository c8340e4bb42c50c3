namespace Oms.Simulator.Engine;

/// <summary>
/// Base of everything the engine reports. <see cref="Sequence"/> increases by one per event across the whole
/// exchange; <see cref="EventTime"/> (Binance <c>E</c>, ms) never decreases.
/// </summary>
public abstract record SimEvent
{
    public long Sequence { get; init; }
    public long EventTime { get; init; }
}

/// <summary>An event for one account's user-data stream.</summary>
public abstract record AccountEvent : SimEvent
{
    public required string AccountId { get; init; }
}

/// <summary>A public market-data event of one symbol.</summary>
public abstract record MarketEvent : SimEvent
{
    public required MarketKind Market { get; init; }
    public required string Symbol { get; init; }
}

// ------------------------------------------------------------------ spot user data (REFERENCE §3)

/// <summary>Spot <c>executionReport</c>. Property comments give the wire letter.</summary>
public sealed record SpotExecutionReport : AccountEvent
{
    public required string Symbol { get; init; }                 // s
    public required string ClientOrderId { get; init; }          // c (cancel: the cancel's client id)
    public OrderSide Side { get; init; }                         // S
    public SpotOrderType OrderType { get; init; }                // o
    public TimeInForce TimeInForce { get; init; }                // f
    public decimal Quantity { get; init; }                       // q
    public decimal Price { get; init; }                          // p
    public decimal StopPrice { get; init; }                      // P
    public decimal IcebergQty { get; init; }                     // F
    public long OrderListId { get; init; } = -1;                 // g
    public string OrigClientOrderId { get; init; } = "";         // C
    public ExecutionType ExecutionType { get; init; }            // x
    public OrderStatus OrderStatus { get; init; }                // X
    public OrderRejectReason RejectReason { get; init; }         // r
    public long OrderId { get; init; }                           // i
    public decimal LastExecutedQty { get; init; }                // l
    public decimal CumulativeFilledQty { get; init; }            // z
    public decimal LastExecutedPrice { get; init; }              // L
    public decimal Commission { get; init; }                     // n
    public string? CommissionAsset { get; init; }                // N (null when no fill)
    public long TransactionTime { get; init; }                   // T
    public long TradeId { get; init; } = -1;                     // t
    public long ExecutionId { get; init; }                       // I
    public bool IsWorking { get; init; }                         // w
    public bool IsMaker { get; init; }                           // m
    public long OrderCreationTime { get; init; }                 // O
    public decimal CumulativeQuoteQty { get; init; }             // Z
    public decimal LastQuoteQty { get; init; }                   // Y
    public decimal QuoteOrderQty { get; init; }                  // Q
    public long? WorkingTime { get; init; }                      // W (only once on the book)
    public SelfTradePreventionMode SelfTradePreventionMode { get; init; } // V
    public long? TrailingDelta { get; init; }                    // d
    public long? TrailingTime { get; init; }                     // D
    public long? StrategyId { get; init; }                       // j
    public int? StrategyType { get; init; }                      // J
    public long? PreventedMatchId { get; init; }                 // v
    public decimal? PreventedQuantity { get; init; }             // A
    public decimal? LastPreventedQuantity { get; init; }         // B
    public long? CounterOrderId { get; init; }                   // U
    public string? CounterSymbol { get; init; }                  // Cs
    public SpotExpiryReason ExpiryReason { get; init; }          // eR
}

/// <summary>Spot <c>outboundAccountPosition</c>: the assets this change touched.</summary>
public sealed record SpotAccountPosition : AccountEvent
{
    public long LastUpdateTime { get; init; }                    // u
    public required IReadOnlyList<SpotBalanceView> Balances { get; init; } // B[] {a,f,l}
}

/// <summary>Spot <c>balanceUpdate</c> (deposit/withdrawal by the admin API).</summary>
public sealed record SpotBalanceUpdate : AccountEvent
{
    public required string Asset { get; init; }                  // a
    public decimal Delta { get; init; }                          // d
    public long ClearTime { get; init; }                         // T
}

/// <summary>One order of a listStatus <c>O[]</c>.</summary>
public sealed record ListStatusOrder(string Symbol, long OrderId, string ClientOrderId);

/// <summary>Spot <c>listStatus</c>.</summary>
public sealed record SpotListStatus : AccountEvent
{
    public required string Symbol { get; init; }                 // s
    public long OrderListId { get; init; }                       // g
    public ContingencyType ContingencyType { get; init; }        // c
    public ListStatusType ListStatusType { get; init; }          // l
    public ListOrderStatus ListOrderStatus { get; init; }        // L
    public string ListRejectReason { get; init; } = "NONE";      // r
    public required string ListClientOrderId { get; init; }      // C
    public long TransactionTime { get; init; }                   // T
    public required IReadOnlyList<ListStatusOrder> Orders { get; init; } // O[]
}

// ------------------------------------------------------------------ USDⓈ-M user data (REFERENCE §5.8)

/// <summary>USDⓈ-M <c>ORDER_TRADE_UPDATE</c> (<c>o</c> object fields; <c>T</c> = TransactionTime).</summary>
public sealed record FuturesOrderTradeUpdate : AccountEvent
{
    public long TransactionTime { get; init; }                   // T (top level)
    public required string Symbol { get; init; }                 // s
    public required string ClientOrderId { get; init; }          // c
    public OrderSide Side { get; init; }                         // S
    public FuturesOrderType OrderType { get; init; }             // o
    public TimeInForce TimeInForce { get; init; }                // f
    public decimal OrigQty { get; init; }                        // q
    public decimal OrigPrice { get; init; }                      // p
    public decimal AvgPrice { get; init; }                       // ap
    public decimal StopPrice { get; init; }                      // sp
    public ExecutionType ExecutionType { get; init; }            // x
    public OrderStatus OrderStatus { get; init; }                // X
    public long OrderId { get; init; }                           // i
    public decimal LastFilledQty { get; init; }                  // l
    public decimal CumulativeFilledQty { get; init; }            // z
    public decimal LastFilledPrice { get; init; }                // L
    public string CommissionAsset { get; init; } = "USDT";       // N
    public decimal Commission { get; init; }                     // n
    public long TradeTime { get; init; }                         // T (in o)
    public long TradeId { get; init; }                           // t (0 when not a trade)
    public decimal BidsNotional { get; init; }                   // b
    public decimal AsksNotional { get; init; }                   // a
    public bool IsMaker { get; init; }                           // m
    public bool IsReduceOnly { get; init; }                      // R
    public WorkingType WorkingType { get; init; }                // wt
    public FuturesOrderType OriginalOrderType { get; init; }     // ot
    public PositionSide PositionSide { get; init; }              // ps
    public bool ClosePosition { get; init; }                     // cp
    public decimal? ActivationPrice { get; init; }               // AP
    public decimal? CallbackRate { get; init; }                  // cr
    public bool PriceProtect { get; init; }                      // pP
    public decimal RealizedProfit { get; init; }                 // rp
    public SelfTradePreventionMode SelfTradePreventionMode { get; init; } // V
    public PriceMatch PriceMatch { get; init; }                  // pm
    public long GoodTillDate { get; init; }                      // gtd
    public FuturesExpiryReason ExpiryReason { get; init; }       // er (render as number)
}

/// <summary>One <c>B[]</c> entry of ACCOUNT_UPDATE.</summary>
public sealed record FuturesBalanceChange(string Asset, decimal WalletBalance, decimal CrossWalletBalance, decimal BalanceChange);

/// <summary>One <c>P[]</c> entry of ACCOUNT_UPDATE.</summary>
public sealed record FuturesPositionChange(
    string Symbol,
    decimal PositionAmt,
    decimal EntryPrice,
    decimal BreakEvenPrice,
    decimal AccumulatedRealized,
    decimal UnrealizedPnl,
    MarginType MarginType,
    decimal IsolatedWallet,
    PositionSide PositionSide);

/// <summary>USDⓈ-M <c>ACCOUNT_UPDATE</c>.</summary>
public sealed record FuturesAccountUpdate : AccountEvent
{
    public long TransactionTime { get; init; }                   // T
    public AccountUpdateReason Reason { get; init; }             // a.m
    public required IReadOnlyList<FuturesBalanceChange> Balances { get; init; }   // a.B
    public required IReadOnlyList<FuturesPositionChange> Positions { get; init; } // a.P
}

/// <summary>USDⓈ-M <c>ALGO_UPDATE</c>; <see cref="Order"/> carries every <c>o</c> field.</summary>
public sealed record FuturesAlgoUpdate : AccountEvent
{
    public long TransactionTime { get; init; }                   // T
    public required AlgoOrderView Order { get; init; }
}

/// <summary>One position of a MARGIN_CALL <c>p[]</c>.</summary>
public sealed record MarginCallPosition(
    string Symbol,
    PositionSide PositionSide,
    decimal PositionAmt,
    MarginType MarginType,
    decimal IsolatedWallet,
    decimal MarkPrice,
    decimal UnrealizedPnl,
    decimal MaintMargin);

/// <summary>USDⓈ-M <c>MARGIN_CALL</c>.</summary>
public sealed record FuturesMarginCall : AccountEvent
{
    public decimal? CrossWalletBalance { get; init; }            // cw
    public required IReadOnlyList<MarginCallPosition> Positions { get; init; } // p
}

/// <summary>USDⓈ-M <c>ACCOUNT_CONFIG_UPDATE</c> (leverage change → <c>ac</c>).</summary>
public sealed record FuturesAccountConfigUpdate : AccountEvent
{
    public long TransactionTime { get; init; }                   // T
    public string? Symbol { get; init; }                         // ac.s
    public int? Leverage { get; init; }                          // ac.l
    public bool? MultiAssetsMode { get; init; }                  // ai.j
}

// ------------------------------------------------------------------ market data (§4, §5.9)

/// <summary><c>trade</c>.</summary>
public sealed record TradeEvent : MarketEvent
{
    public long TradeId { get; init; }
    public decimal Price { get; init; }
    public decimal Quantity { get; init; }
    public long TradeTime { get; init; }
    public bool IsBuyerMaker { get; init; }
}

/// <summary><c>aggTrade</c>: consecutive fills of one taker at one price.</summary>
public sealed record AggTradeEvent : MarketEvent
{
    public long AggTradeId { get; init; }
    public decimal Price { get; init; }
    public decimal Quantity { get; init; }
    public long FirstTradeId { get; init; }
    public long LastTradeId { get; init; }
    public long TradeTime { get; init; }
    public bool IsBuyerMaker { get; init; }
}

/// <summary><c>bookTicker</c>: raised when the best bid or ask (price or quantity) changes.</summary>
public sealed record BookTickerEvent : MarketEvent
{
    public long UpdateId { get; init; }
    public decimal BidPrice { get; init; }
    public decimal BidQty { get; init; }
    public decimal AskPrice { get; init; }
    public decimal AskQty { get; init; }
    public long TransactionTime { get; init; }
}

/// <summary>
/// <c>depthUpdate</c>: the levels changed by one engine operation, absolute quantities (0 = removed).
/// Update ids are contiguous: <c>FirstUpdateId == previous FinalUpdateId + 1</c>; <see cref="PreviousFinalUpdateId"/> is futures <c>pu</c>.
/// </summary>
public sealed record DepthUpdateEvent : MarketEvent
{
    public long FirstUpdateId { get; init; }                     // U
    public long FinalUpdateId { get; init; }                     // u
    public long PreviousFinalUpdateId { get; init; }             // pu
    public long TransactionTime { get; init; }                   // T (futures)
    public required IReadOnlyList<PriceLevel> Bids { get; init; }
    public required IReadOnlyList<PriceLevel> Asks { get; init; }
}

/// <summary>USDⓈ-M <c>markPriceUpdate</c>: raised when the mark price or funding rate changes.</summary>
public sealed record MarkPriceEvent : MarketEvent
{
    public decimal MarkPrice { get; init; }
    public decimal IndexPrice { get; init; }
    public decimal EstimatedSettlePrice { get; init; }
    public decimal FundingRate { get; init; }
    public long NextFundingTime { get; init; }
}
