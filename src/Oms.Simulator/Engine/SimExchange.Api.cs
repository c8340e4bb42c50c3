namespace Oms.Simulator.Engine;

// Public surface of the engine, one place to read it. Bodies delegate to the partial implementation files.
public sealed partial class SimExchange
{
    // ------------------------------------------------------------------ events

    /// <summary>Registers a handler for every event (account and market). Dispose the result to unsubscribe.</summary>
    public IDisposable Subscribe(Action<SimEvent> handler) => AddSubscriber(handler);

    // ------------------------------------------------------------------ accounts

    /// <summary>Creates an account with a spot and a USDⓈ-M wallet. Returns its numeric uid.</summary>
    public EngineResult<long> CreateAccount(string accountId, AccountSetup? setup = null) => Run(() => CreateAccountCore(accountId, setup ?? new AccountSetup()));

    public bool HasAccount(string accountId) => Read(() => FindAccount(accountId) is not null);

    public IReadOnlyList<string> GetAccountIds() => Read(GetAccountIdsCore);

    /// <summary>Deposits (positive) or withdraws (negative) an asset: spot → balanceUpdate; USDⓈ-M → ACCOUNT_UPDATE + TRANSFER income.</summary>
    public EngineResult Deposit(string accountId, MarketKind wallet, string asset, decimal amount) => Run(() => DepositCore(accountId, wallet, asset, amount));

    /// <summary>Enables or disables trading for an account (disabled → -2010 "This account may not place or cancel orders.").</summary>
    public EngineResult SetCanTrade(string accountId, bool canTrade) => Run(() => SetCanTradeCore(accountId, canTrade));

    /// <summary>Commission collected by the exchange per asset.</summary>
    public IReadOnlyDictionary<string, decimal> GetCollectedFees(MarketKind market) => Read(() => GetCollectedFeesCore(market));

    // ------------------------------------------------------------------ exchange info & market data

    public ExchangeInfo GetExchangeInfo(MarketKind market) => Read(() => GetExchangeInfoCore(market));

    public bool IsSymbol(MarketKind market, string symbol) => Read(() => FindMarket(market, symbol) is not null);

    public EngineResult<OrderBookSnapshot> GetOrderBook(MarketKind market, string symbol, int limit = 100) => Read(() => GetOrderBookCore(market, symbol, limit));

    public EngineResult<IReadOnlyList<PublicTrade>> GetRecentTrades(MarketKind market, string symbol, int limit = 500) => Read(() => GetRecentTradesCore(market, symbol, limit));

    public EngineResult<IReadOnlyList<AggregateTrade>> GetAggTrades(MarketKind market, string symbol, long? fromId = null, long? startTime = null, long? endTime = null, int limit = 500) =>
        Read(() => GetAggTradesCore(market, symbol, fromId, startTime, endTime, limit));

    public EngineResult<BookTicker> GetBookTicker(MarketKind market, string symbol) => Read(() => GetBookTickerCore(market, symbol));

    public IReadOnlyList<BookTicker> GetBookTickers(MarketKind market) => Read(() => GetBookTickersCore(market));

    /// <summary>Last trade price.</summary>
    public EngineResult<decimal> GetLastPrice(MarketKind market, string symbol) => Read(() => GetLastPriceCore(market, symbol));

    /// <summary>Spot avgPrice over the symbol's avgPriceMins (volume-weighted; last price when no trades).</summary>
    public EngineResult<AvgPriceView> GetAvgPrice(string symbol) => Read(() => GetAvgPriceCore(symbol));

    public EngineResult<MarkPriceView> GetMarkPrice(string symbol) => Read(() => GetMarkPriceCore(symbol));

    public IReadOnlyList<MarkPriceView> GetMarkPrices() => Read(GetMarkPricesCore);

    public EngineResult<IReadOnlyList<LeverageBracket>> GetLeverageBrackets(string symbol) => Read(() => GetLeverageBracketsCore(symbol));

    // ------------------------------------------------------------------ spot trading

    public EngineResult<SpotOrderResult> PlaceSpotOrder(string accountId, SpotOrderRequest request) => Run(() => PlaceSpotOrderCore(accountId, request));

    /// <summary>Validates like <see cref="PlaceSpotOrder"/> without touching state; returns the account's commission rates.</summary>
    public EngineResult<FeeRates> TestSpotOrder(string accountId, SpotOrderRequest request) => Read(() => TestSpotOrderCore(accountId, request));

    public EngineResult<SpotCancelResult> CancelSpotOrder(string accountId, SpotCancelRequest request) => Run(() => CancelSpotOrderCore(accountId, request));

    /// <summary>Cancels every open order and order list of the account on the symbol.</summary>
    public EngineResult<SpotCancelAllResult> CancelAllSpotOrders(string accountId, string symbol) => Run(() => CancelAllSpotOrdersCore(accountId, symbol));

    /// <summary>
    /// Cancel-replace. A failed result (<c>IsSuccess == false</c>) means the request was refused before anything was
    /// attempted (bad symbol, missing parameter, filter failure of the new order). Otherwise inspect the value:
    /// its <see cref="SpotCancelReplaceResult.Error"/> is -2021/-2022 when a leg failed.
    /// </summary>
    public EngineResult<SpotCancelReplaceResult> CancelReplaceSpotOrder(string accountId, SpotCancelReplaceRequest request) => Run(() => CancelReplaceSpotOrderCore(accountId, request));

    /// <summary>order.amend.keepPriority: lowers the quantity of an open order, keeping its place in the queue.</summary>
    public EngineResult<SpotOrderView> AmendSpotOrder(string accountId, SpotAmendRequest request) => Run(() => AmendSpotOrderCore(accountId, request));

    public EngineResult<SpotOrderListResult> PlaceSpotOco(string accountId, SpotOcoRequest request) => Run(() => PlaceSpotOcoCore(accountId, request));

    public EngineResult<SpotOrderListResult> CancelSpotOrderList(string accountId, SpotCancelOrderListRequest request) => Run(() => CancelSpotOrderListCore(accountId, request));

    public EngineResult<SpotOrderView> GetSpotOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => Read(() => GetSpotOrderCore(accountId, symbol, orderId, origClientOrderId));

    public EngineResult<IReadOnlyList<SpotOrderView>> GetOpenSpotOrders(string accountId, string? symbol = null) => Read(() => GetOpenSpotOrdersCore(accountId, symbol));

    public EngineResult<IReadOnlyList<SpotOrderView>> GetAllSpotOrders(string accountId, OrderHistoryQuery query) => Read(() => GetAllSpotOrdersCore(accountId, query));

    public EngineResult<SpotOrderListResult> GetSpotOrderList(string accountId, long? orderListId, string? origClientOrderId) => Read(() => GetSpotOrderListCore(accountId, orderListId, origClientOrderId));

    public EngineResult<IReadOnlyList<SpotOrderListResult>> GetOpenSpotOrderLists(string accountId) => Read(() => GetOpenSpotOrderListsCore(accountId));

    public EngineResult<IReadOnlyList<SpotOrderListResult>> GetAllSpotOrderLists(string accountId, long? fromId = null, long? startTime = null, long? endTime = null, int limit = 500) =>
        Read(() => GetAllSpotOrderListsCore(accountId, fromId, startTime, endTime, limit));

    public EngineResult<IReadOnlyList<SpotTradeView>> GetSpotTrades(string accountId, TradeHistoryQuery query) => Read(() => GetSpotTradesCore(accountId, query));

    public EngineResult<SpotAccountView> GetSpotAccount(string accountId) => Read(() => GetSpotAccountCore(accountId));

    // ------------------------------------------------------------------ USDⓈ-M trading

    /// <summary>LIMIT / MARKET only; conditional types → -4120 (use <see cref="PlaceAlgoOrder"/>).</summary>
    public EngineResult<FuturesOrderView> PlaceFuturesOrder(string accountId, FuturesOrderRequest request) => Run(() => PlaceFuturesOrderCore(accountId, request));

    public EngineResult<FeeRates> TestFuturesOrder(string accountId, FuturesOrderRequest request) => Read(() => TestFuturesOrderCore(accountId, request));

    public EngineResult<FuturesOrderView> ModifyFuturesOrder(string accountId, FuturesModifyRequest request) => Run(() => ModifyFuturesOrderCore(accountId, request));

    public EngineResult<FuturesOrderView> CancelFuturesOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => Run(() => CancelFuturesOrderCore(accountId, symbol, orderId, origClientOrderId));

    /// <summary>Cancels all open (non-algo) orders of the account on the symbol.</summary>
    public EngineResult<IReadOnlyList<FuturesOrderView>> CancelAllFuturesOrders(string accountId, string symbol) => Run(() => CancelAllFuturesOrdersCore(accountId, symbol));

    /// <summary>Dead-man switch: when <paramref name="countdownTimeMs"/> elapses on the clock (checked by <see cref="Tick"/>) all open orders on the symbol are cancelled. 0 disarms.</summary>
    public EngineResult<CountdownView> SetCountdownCancelAll(string accountId, string symbol, long countdownTimeMs) => Run(() => SetCountdownCancelAllCore(accountId, symbol, countdownTimeMs));

    public EngineResult<FuturesOrderView> GetFuturesOrder(string accountId, string symbol, long? orderId, string? origClientOrderId) => Read(() => GetFuturesOrderCore(accountId, symbol, orderId, origClientOrderId));

    public EngineResult<IReadOnlyList<FuturesOrderView>> GetOpenFuturesOrders(string accountId, string? symbol = null) => Read(() => GetOpenFuturesOrdersCore(accountId, symbol));

    public EngineResult<IReadOnlyList<FuturesOrderView>> GetAllFuturesOrders(string accountId, OrderHistoryQuery query) => Read(() => GetAllFuturesOrdersCore(accountId, query));

    public EngineResult<IReadOnlyList<FuturesTradeView>> GetFuturesTrades(string accountId, TradeHistoryQuery query) => Read(() => GetFuturesTradesCore(accountId, query));

    public EngineResult<AlgoOrderView> PlaceAlgoOrder(string accountId, FuturesAlgoOrderRequest request) => Run(() => PlaceAlgoOrderCore(accountId, request));

    public EngineResult<AlgoOrderView> CancelAlgoOrder(string accountId, long? algoId, string? clientAlgoId) => Run(() => CancelAlgoOrderCore(accountId, algoId, clientAlgoId));

    public EngineResult<IReadOnlyList<AlgoOrderView>> CancelAllAlgoOrders(string accountId, string symbol) => Run(() => CancelAllAlgoOrdersCore(accountId, symbol));

    public EngineResult<AlgoOrderView> GetAlgoOrder(string accountId, long? algoId, string? clientAlgoId) => Read(() => GetAlgoOrderCore(accountId, algoId, clientAlgoId));

    public EngineResult<IReadOnlyList<AlgoOrderView>> GetOpenAlgoOrders(string accountId, string? symbol = null) => Read(() => GetOpenAlgoOrdersCore(accountId, symbol));

    public EngineResult<IReadOnlyList<AlgoOrderView>> GetAllAlgoOrders(string accountId, OrderHistoryQuery query) => Read(() => GetAllAlgoOrdersCore(accountId, query));

    public EngineResult<LeverageView> ChangeLeverage(string accountId, string symbol, int leverage) => Run(() => ChangeLeverageCore(accountId, symbol, leverage));

    public EngineResult ChangeMarginType(string accountId, string symbol, MarginType marginType) => Run(() => ChangeMarginTypeCore(accountId, symbol, marginType));

    /// <summary>dualSidePosition: true = hedge mode, false = one-way.</summary>
    public EngineResult ChangePositionMode(string accountId, bool dualSidePosition) => Run(() => ChangePositionModeCore(accountId, dualSidePosition));

    public EngineResult<bool> GetPositionMode(string accountId) => Read(() => GetPositionModeCore(accountId));

    /// <summary>Positions (only symbols with a position or open orders unless <paramref name="symbol"/> is given).</summary>
    public EngineResult<IReadOnlyList<PositionView>> GetPositionRisk(string accountId, string? symbol = null) => Read(() => GetPositionRiskCore(accountId, symbol));

    public EngineResult<FuturesAccountView> GetFuturesAccount(string accountId) => Read(() => GetFuturesAccountCore(accountId));

    public EngineResult<IReadOnlyList<FuturesAssetView>> GetFuturesBalances(string accountId) => Read(() => GetFuturesBalancesCore(accountId));

    public EngineResult<IReadOnlyList<IncomeView>> GetIncomeHistory(string accountId, IncomeQuery query) => Read(() => GetIncomeHistoryCore(accountId, query));

    public EngineResult<FeeRates> GetFuturesCommissionRate(string accountId, string symbol) => Read(() => GetFuturesCommissionRateCore(accountId, symbol));

    public EngineResult<IReadOnlyList<SymbolConfigView>> GetSymbolConfig(string accountId, string? symbol = null) => Read(() => GetSymbolConfigCore(accountId, symbol));

    // ------------------------------------------------------------------ market controls & clock

    /// <summary>
    /// Processes everything due on the clock: liquidity steps (per symbol StepInterval), mark-price updates,
    /// countdownCancelAll deadlines, GTD expiry and funding. The wire layer calls this from a timer; tests
    /// advance a fake clock and call it.
    /// </summary>
    public void Tick() => RunVoid(TickCore);

    /// <summary>One liquidity step on every symbol of both markets, regardless of the clock.</summary>
    public void Step() => RunVoid(StepAllCore);

    /// <summary>One liquidity step on one symbol.</summary>
    public EngineResult Step(MarketKind market, string symbol) => Run(() => StepCore(market, symbol));

    /// <summary>
    /// Moves the market to <paramref name="price"/>: other participants trade through every resting order
    /// beyond it (at that order's price), print a trade at the price, and the maker re-quotes around it.
    /// Stops and conditional orders trigger on those trades.
    /// </summary>
    public EngineResult SetPrice(MarketKind market, string symbol, decimal price) => Run(() => SetPriceCore(market, symbol, price));

    /// <summary>An outside aggressor takes every resting order on the other side up to <paramref name="limitPrice"/>; the maker does not re-quote until the next step.</summary>
    public EngineResult SweepBook(MarketKind market, string symbol, OrderSide aggressorSide, decimal limitPrice) => Run(() => SweepBookCore(market, symbol, aggressorSide, limitPrice));

    /// <summary>Holds the market still (no random walk; the maker keeps replenishing).</summary>
    public EngineResult SetMarketHeld(MarketKind market, string symbol, bool held) => Run(() => SetMarketHeldCore(market, symbol, held));

    /// <summary>Turns the maker on or off. Off cancels its quotes.</summary>
    public EngineResult SetLiquidityEnabled(MarketKind market, string symbol, bool enabled) => Run(() => SetLiquidityEnabledCore(market, symbol, enabled));

    public EngineResult SetVolatility(MarketKind market, string symbol, decimal volatilityBps) => Run(() => SetVolatilityCore(market, symbol, volatilityBps));

    /// <summary>Overrides the USDⓈ-M mark price (null returns to mid). Mark-price conditionals trigger on it.</summary>
    public EngineResult SetMarkPrice(string symbol, decimal? markPrice) => Run(() => SetMarkPriceCore(symbol, markPrice));

    public EngineResult SetFundingRate(string symbol, decimal fundingRate) => Run(() => SetFundingRateCore(symbol, fundingRate));

    /// <summary>Settles funding on the symbol now (FUNDING_FEE income and ACCOUNT_UPDATE for every position).</summary>
    public EngineResult SettleFunding(string symbol) => Run(() => SettleFundingCore(symbol));

    public EngineResult SetSymbolStatus(MarketKind market, string symbol, SymbolStatus status) => Run(() => SetSymbolStatusCore(market, symbol, status));
}
