namespace Oms.Simulator.Engine;

// Public surface of the engine, one place to read it. Bodies delegate to the partial implementation files.
public sealed partial class SimExchange
{
    // ------------------------------------------------------------------ events

    /// <summary>Registers a handler for every event (account and market). Dispose the result to unsubscribe.</summary>
    public IDisposable Subscribe(Action<SimEvent> handler) => throw new NotImplementedException("engine implementation in progress");

    // ------------------------------------------------------------------ accounts

    /// <summary>Creates an account with a spot and a USDⓈ-M wallet. Returns its numeric uid.</summary>
    public EngineResult<long> CreateAccount(string accountId, AccountSetup? setup = null) => throw new NotImplementedException("engine implementation in progress");

    public bool HasAccount(string accountId) => throw new NotImplementedException("engine implementation in progress");

    public IReadOnlyList<string> GetAccountIds() => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Deposits (positive) or withdraws (negative) an asset: spot → balanceUpdate; USDⓈ-M → ACCOUNT_UPDATE + TRANSFER income.</summary>
    public EngineResult Deposit(string accountId, MarketKind wallet, string asset, decimal amount) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Enables or disables trading for an account (disabled → -2010 "This account may not place or cancel orders.").</summary>
    public EngineResult SetCanTrade(string accountId, bool canTrade) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Commission collected by the exchange per asset.</summary>
    public IReadOnlyDictionary<string, decimal> GetCollectedFees(MarketKind market) => throw new NotImplementedException("engine implementation in progress");

    // ------------------------------------------------------------------ exchange info & market data

    public ExchangeInfo GetExchangeInfo(MarketKind market) => throw new NotImplementedException("engine implementation in progress");

    public bool IsSymbol(MarketKind market, string symbol) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<OrderBookSnapshot> GetOrderBook(MarketKind market, string symbol, int limit = 100) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<PublicTrade>> GetRecentTrades(MarketKind market, string symbol, int limit = 500) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<AggregateTrade>> GetAggTrades(MarketKind market, string symbol, long? fromId = null, long? startTime = null, long? endTime = null, int limit = 500) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<BookTicker> GetBookTicker(MarketKind market, string symbol) => throw new NotImplementedException("engine implementation in progress");

    public IReadOnlyList<BookTicker> GetBookTickers(MarketKind market) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Last trade price.</summary>
    public EngineResult<decimal> GetLastPrice(MarketKind market, string symbol) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Spot avgPrice over the symbol's avgPriceMins (volume-weighted; last price when no trades).</summary>
    public EngineResult<AvgPriceView> GetAvgPrice(string symbol) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<MarkPriceView> GetMarkPrice(string symbol) => throw new NotImplementedException("engine implementation in progress");

    public IReadOnlyList<MarkPriceView> GetMarkPrices() => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<LeverageBracket>> GetLeverageBrackets(string symbol) => throw new NotImplementedException("engine implementation in progress");

    // ------------------------------------------------------------------ spot trading

    public EngineResult<SpotOrderResult> PlaceSpotOrder(string accountId, SpotOrderRequest request) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Validates like <see cref="PlaceSpotOrder"/> without touching state; returns the account's commission rates.</summary>
    public EngineResult<FeeRates> TestSpotOrder(string accountId, SpotOrderRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotCancelResult> CancelSpotOrder(string accountId, SpotCancelRequest request) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Cancels every open order and order list of the account on the symbol.</summary>
    public EngineResult<SpotCancelAllResult> CancelAllSpotOrders(string accountId, string symbol) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>
    /// Cancel-replace. A failed result (<c>IsSuccess == false</c>) means the request was refused before anything was
    /// attempted (bad symbol, missing parameter, filter failure of the new order). Otherwise inspect the value:
    /// its <see cref="SpotCancelReplaceResult.Error"/> is -2021/-2022 when a leg failed.
    /// </summary>
    public EngineResult<SpotCancelReplaceResult> CancelReplaceSpotOrder(string accountId, SpotCancelReplaceRequest request) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>order.amend.keepPriority: lowers the quantity of an open order, keeping its place in the queue.</summary>
    public EngineResult<SpotOrderView> AmendSpotOrder(string accountId, SpotAmendRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotOrderListResult> PlaceSpotOco(string accountId, SpotOcoRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotOrderListResult> CancelSpotOrderList(string accountId, SpotCancelOrderListRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotOrderView> GetSpotOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SpotOrderView>> GetOpenSpotOrders(string accountId, string? symbol = null) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SpotOrderView>> GetAllSpotOrders(string accountId, OrderHistoryQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotOrderListResult> GetSpotOrderList(string accountId, long? orderListId, string? origClientOrderId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SpotOrderListResult>> GetOpenSpotOrderLists(string accountId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SpotOrderListResult>> GetAllSpotOrderLists(string accountId, long? fromId = null, long? startTime = null, long? endTime = null, int limit = 500) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SpotTradeView>> GetSpotTrades(string accountId, TradeHistoryQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<SpotAccountView> GetSpotAccount(string accountId) => throw new NotImplementedException("engine implementation in progress");

    // ------------------------------------------------------------------ USDⓈ-M trading

    /// <summary>LIMIT / MARKET only; conditional types → -4120 (use <see cref="PlaceAlgoOrder"/>).</summary>
    public EngineResult<FuturesOrderView> PlaceFuturesOrder(string accountId, FuturesOrderRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FeeRates> TestFuturesOrder(string accountId, FuturesOrderRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FuturesOrderView> ModifyFuturesOrder(string accountId, FuturesModifyRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FuturesOrderView> CancelFuturesOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Cancels all open (non-algo) orders of the account on the symbol.</summary>
    public EngineResult<IReadOnlyList<FuturesOrderView>> CancelAllFuturesOrders(string accountId, string symbol) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Dead-man switch: when <paramref name="countdownTimeMs"/> elapses on the clock (checked by <see cref="Tick"/>) all open orders on the symbol are cancelled. 0 disarms.</summary>
    public EngineResult<CountdownView> SetCountdownCancelAll(string accountId, string symbol, long countdownTimeMs) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FuturesOrderView> GetFuturesOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<FuturesOrderView>> GetOpenFuturesOrders(string accountId, string? symbol = null) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<FuturesOrderView>> GetAllFuturesOrders(string accountId, OrderHistoryQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<FuturesTradeView>> GetFuturesTrades(string accountId, TradeHistoryQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<AlgoOrderView> PlaceAlgoOrder(string accountId, FuturesAlgoOrderRequest request) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<AlgoOrderView> CancelAlgoOrder(string accountId, long? algoId, string? clientAlgoId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<AlgoOrderView>> CancelAllAlgoOrders(string accountId, string symbol) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<AlgoOrderView> GetAlgoOrder(string accountId, long? algoId, string? clientAlgoId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<AlgoOrderView>> GetOpenAlgoOrders(string accountId, string? symbol = null) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<AlgoOrderView>> GetAllAlgoOrders(string accountId, OrderHistoryQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<LeverageView> ChangeLeverage(string accountId, string symbol, int leverage) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult ChangeMarginType(string accountId, string symbol, MarginType marginType) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>dualSidePosition: true = hedge mode, false = one-way.</summary>
    public EngineResult ChangePositionMode(string accountId, bool dualSidePosition) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<bool> GetPositionMode(string accountId) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Positions (only symbols with a position or open orders unless <paramref name="symbol"/> is given).</summary>
    public EngineResult<IReadOnlyList<PositionView>> GetPositionRisk(string accountId, string? symbol = null) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FuturesAccountView> GetFuturesAccount(string accountId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<FuturesAssetView>> GetFuturesBalances(string accountId) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<IncomeView>> GetIncomeHistory(string accountId, IncomeQuery query) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<FeeRates> GetFuturesCommissionRate(string accountId, string symbol) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult<IReadOnlyList<SymbolConfigView>> GetSymbolConfig(string accountId, string? symbol = null) => throw new NotImplementedException("engine implementation in progress");

    // ------------------------------------------------------------------ market controls & clock

    /// <summary>
    /// Processes everything due on the clock: liquidity steps (per symbol StepInterval), mark-price updates,
    /// countdownCancelAll deadlines, GTD expiry and funding. The wire layer calls this from a timer; tests
    /// advance a fake clock and call it.
    /// </summary>
    public void Tick() => throw new NotImplementedException("engine implementation in progress");

    /// <summary>One liquidity step on every symbol of both markets, regardless of the clock.</summary>
    public void Step() => throw new NotImplementedException("engine implementation in progress");

    /// <summary>One liquidity step on one symbol.</summary>
    public EngineResult Step(MarketKind market, string symbol) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>
    /// Moves the market to <paramref name="price"/>: other participants trade through every resting order
    /// beyond it (at that order's price), print a trade at the price, and the maker re-quotes around it.
    /// Stops and conditional orders trigger on those trades.
    /// </summary>
    public EngineResult SetPrice(MarketKind market, string symbol, decimal price) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>An outside aggressor takes every resting order on the other side up to <paramref name="limitPrice"/>; the maker does not re-quote until the next step.</summary>
    public EngineResult SweepBook(MarketKind market, string symbol, OrderSide aggressorSide, decimal limitPrice) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Holds the market still (no random walk; the maker keeps replenishing).</summary>
    public EngineResult SetMarketHeld(MarketKind market, string symbol, bool held) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Turns the maker on or off. Off cancels its quotes.</summary>
    public EngineResult SetLiquidityEnabled(MarketKind market, string symbol, bool enabled) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult SetVolatility(MarketKind market, string symbol, decimal volatilityBps) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Overrides the USDⓈ-M mark price (null returns to mid). Mark-price conditionals trigger on it.</summary>
    public EngineResult SetMarkPrice(string symbol, decimal? markPrice) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult SetFundingRate(string symbol, decimal fundingRate) => throw new NotImplementedException("engine implementation in progress");

    /// <summary>Settles funding on the symbol now (FUNDING_FEE income and ACCOUNT_UPDATE for every position).</summary>
    public EngineResult SettleFunding(string symbol) => throw new NotImplementedException("engine implementation in progress");

    public EngineResult SetSymbolStatus(MarketKind market, string symbol, SymbolStatus status) => throw new NotImplementedException("engine implementation in progress");
}
