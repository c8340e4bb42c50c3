using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

public sealed partial class SimExchange
{
    private const string MakerAccountId = "__maker";
    private const string FlowAccountId = "__flow";
    private const decimal InternalBalance = 1_000_000_000_000_000m;
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Dictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);
    private readonly List<AccountState> _accountList = [];
    private readonly Dictionary<string, SpotMarket> _spot = new(StringComparer.Ordinal);
    private readonly List<SpotMarket> _spotList = [];
    private readonly Dictionary<string, FuturesMarket> _futures = new(StringComparer.Ordinal);
    private readonly List<FuturesMarket> _futuresList = [];
    private readonly SortedDictionary<string, decimal> _spotFeesCollected = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, decimal> _futuresFeesCollected = new(StringComparer.Ordinal);

    // per-operation state (only touched inside _sync)
    private readonly List<SimEvent> _opEvents = [];
    private readonly List<MarketState> _touchedMarkets = [];
    private readonly List<AccountState> _touchedAccounts = [];
    private readonly List<SpotPreventedMatch> _opPrevented = [];
    private readonly List<SpotFill> _opFills = [];
    private SpotOrder? _opTaker;
    private long _now;
    private long _eventTime;

    // delivery
    private readonly Queue<SimEvent> _outbox = new();
    private readonly object _dispatchLock = new();
    private int _dispatchingThread;
    private ImmutableArray<Action<SimEvent>> _subscribers = [];

    private Random _idRng = null!;
    private AccountState _maker = null!;
    private AccountState _flow = null!;
    private long _sequence;
    private long _nextUid = 100_000_001;
    private long _nextSpotOrderId;
    private long _nextFuturesOrderId;
    private long _nextListId;
    private long _nextAlgoId;
    private long _nextExecutionId;
    private long _nextTranId;

    private static readonly Regex ClientIdRegex = new(EngineErrors.ClientOrderIdPattern, RegexOptions.CultureInvariant);

    partial void Initialize()
    {
        var first = Options.FirstId;
        _nextSpotOrderId = first;
        _nextFuturesOrderId = first;
        _nextListId = first;
        _nextAlgoId = first;
        _nextExecutionId = first;
        _nextTranId = first;
        _idRng = new Random(unchecked(Options.Seed * 7919 + 17));
        _now = ServerTime;
        _eventTime = _now;

        foreach (var instrument in Options.SpotInstruments)
        {
            if (_spot.ContainsKey(instrument.Symbol))
            {
                throw new ArgumentException($"duplicate spot symbol {instrument.Symbol}", nameof(Options));
            }

            var market = new SpotMarket(instrument, DeriveSeed("SPOT:" + instrument.Symbol));
            _spot[instrument.Symbol] = market;
            _spotList.Add(market);
        }

        foreach (var instrument in Options.FuturesInstruments)
        {
            if (_futures.ContainsKey(instrument.Symbol))
            {
                throw new ArgumentException($"duplicate USD-M symbol {instrument.Symbol}", nameof(Options));
            }

            var market = new FuturesMarket(instrument, DeriveSeed("USDM:" + instrument.Symbol));
            var interval = (long)Options.FundingInterval.TotalMilliseconds;
            market.NextFundingTime = (_now / interval + 1) * interval;
            market.NextMarkTime = _now + 1000;
            _futures[instrument.Symbol] = market;
            _futuresList.Add(market);
        }

        _maker = NewAccount(MakerAccountId, new AccountSetup(), isInternal: true);
        _flow = NewAccount(FlowAccountId, new AccountSetup(), isInternal: true);

        lock (_sync)
        {
            BeginOp();
            foreach (var market in AllMarkets())
            {
                market.NextStepTime = _now + (long)market.Liquidity.StepInterval.TotalMilliseconds;
                if (market.LiquidityEnabled)
                {
                    Requote(market);
                }
            }

            EndOp();
            _outbox.Clear();
        }
    }

    private int DeriveSeed(string key)
    {
        // FNV-1a: stable across processes (string.GetHashCode is randomised).
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash ^ Options.Seed);
    }

    private IEnumerable<MarketState> AllMarkets()
    {
        foreach (var m in _spotList)
        {
            yield return m;
        }

        foreach (var m in _futuresList)
        {
            yield return m;
        }
    }

    // ------------------------------------------------------------------ operation lifecycle

    private T Run<T>(Func<T> body)
    {
        T result;
        lock (_sync)
        {
            BeginOp();
            try
            {
                result = body();
            }
            finally
            {
                EndOp();
            }
        }

        Dispatch();
        return result;
    }

    private void RunVoid(Action body)
    {
        lock (_sync)
        {
            BeginOp();
            try
            {
                body();
            }
            finally
            {
                EndOp();
            }
        }

        Dispatch();
    }

    private T Read<T>(Func<T> body)
    {
        lock (_sync)
        {
            _now = ServerTime;
            return body();
        }
    }

    private void BeginOp()
    {
        _now = ServerTime;
        _eventTime = Math.Max(_eventTime, _now);
        _opEvents.Clear();
        _opPrevented.Clear();
        _opFills.Clear();
        _opTaker = null;
    }

    private void EndOp()
    {
        SettleTriggers();
        CheckMarginCalls();
        foreach (var account in _touchedAccounts)
        {
            EmitAccountSummary(account);
        }

        _touchedAccounts.Clear();
        foreach (var market in _touchedMarkets)
        {
            EmitMarketSummary(market);
            market.Touched = false;
        }

        _touchedMarkets.Clear();
        foreach (var e in _opEvents)
        {
            _outbox.Enqueue(e);
        }

        _opEvents.Clear();
    }

    private void Emit(SimEvent e)
    {
        _opEvents.Add(e with { Sequence = ++_sequence, EventTime = _eventTime });
    }

    private void TouchMarket(MarketState market)
    {
        if (!market.Touched)
        {
            market.Touched = true;
            _touchedMarkets.Add(market);
        }
    }

    private void TouchAccount(AccountState account)
    {
        if (account.IsInternal)
        {
            return;
        }

        foreach (var a in _touchedAccounts)
        {
            if (ReferenceEquals(a, account))
            {
                return;
            }
        }

        _touchedAccounts.Add(account);
    }

    private void TouchSpotAsset(AccountState account, string asset)
    {
        if (account.IsInternal)
        {
            return;
        }

        account.TouchedSpotAssets.Add(asset);
        account.SpotUpdateTime = _now;
        TouchAccount(account);
    }

    private void EmitAccountSummary(AccountState account)
    {
        if (account.TouchedSpotAssets.Count > 0)
        {
            var balances = new List<SpotBalanceView>(account.TouchedSpotAssets.Count);
            foreach (var asset in account.TouchedSpotAssets)
            {
                var b = account.Balance(asset);
                balances.Add(new SpotBalanceView(asset, b.Free, b.Locked));
            }

            account.TouchedSpotAssets.Clear();
            Emit(new SpotAccountPosition { AccountId = account.Id, LastUpdateTime = account.SpotUpdateTime, Balances = balances });
        }

        if (account.FuturesBalanceTouched || account.TouchedPositions.Count > 0)
        {
            EmitFuturesAccountUpdate(account, AccountUpdateReason.Order, 0m);
        }
    }

    private void EmitMarketSummary(MarketState market)
    {
        if (market.Book.HasChanges)
        {
            market.Book.TakeChanges(out var bids, out var asks);
            var first = market.Book.PendingFirstUpdateId;
            Emit(new DepthUpdateEvent
            {
                Market = market.Kind,
                Symbol = market.Symbol,
                FirstUpdateId = first,
                FinalUpdateId = market.Book.UpdateId,
                PreviousFinalUpdateId = market.Book.LastPublishedUpdateId,
                TransactionTime = _now,
                Bids = bids,
                Asks = asks,
            });
            market.Book.LastPublishedUpdateId = market.Book.UpdateId;
            market.Book.PendingFirstUpdateId = 0;
        }

        var bid = market.Book.Bids.Best;
        var ask = market.Book.Asks.Best;
        var bidPrice = bid?.Price ?? 0m;
        var bidQty = bid?.Total ?? 0m;
        var askPrice = ask?.Price ?? 0m;
        var askQty = ask?.Total ?? 0m;
        if (bidPrice != market.PubBidPrice || bidQty != market.PubBidQty || askPrice != market.PubAskPrice || askQty != market.PubAskQty)
        {
            market.PubBidPrice = bidPrice;
            market.PubBidQty = bidQty;
            market.PubAskPrice = askPrice;
            market.PubAskQty = askQty;
            Emit(new BookTickerEvent
            {
                Market = market.Kind,
                Symbol = market.Symbol,
                UpdateId = market.Book.UpdateId,
                BidPrice = bidPrice,
                BidQty = bidQty,
                AskPrice = askPrice,
                AskQty = askQty,
                TransactionTime = _now,
            });
        }
    }

    // ------------------------------------------------------------------ delivery

    private IDisposable AddSubscriber(Action<SimEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            _subscribers = _subscribers.Add(handler);
        }

        return new Subscription(this, handler);
    }

    private void RemoveSubscriber(Action<SimEvent> handler)
    {
        lock (_sync)
        {
            _subscribers = _subscribers.Remove(handler);
        }
    }

    private void Dispatch()
    {
        if (Volatile.Read(ref _dispatchingThread) == Environment.CurrentManagedThreadId)
        {
            // Re-entrant call from a handler: the outer loop delivers these events next, in order.
            return;
        }

        lock (_dispatchLock)
        {
            _dispatchingThread = Environment.CurrentManagedThreadId;
            try
            {
                while (true)
                {
                    SimEvent e;
                    ImmutableArray<Action<SimEvent>> subscribers;
                    lock (_sync)
                    {
                        if (!_outbox.TryDequeue(out e!))
                        {
                            break;
                        }

                        subscribers = _subscribers;
                    }

                    foreach (var handler in subscribers)
                    {
                        try
                        {
                            handler(e);
                        }
                        catch (Exception ex)
                        {
                            Options.SubscriberError?.Invoke(ex);
                        }
                    }
                }
            }
            finally
            {
                _dispatchingThread = 0;
            }
        }
    }

    private sealed class Subscription(SimExchange owner, Action<SimEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.RemoveSubscriber(handler);
            }
        }
    }

    // ------------------------------------------------------------------ accounts

    private AccountState NewAccount(string id, AccountSetup setup, bool isInternal)
    {
        var account = new AccountState
        {
            Id = id,
            Uid = _nextUid++,
            IsInternal = isInternal,
            CanTrade = setup.CanTrade,
            SpotFees = isInternal ? new FeeRates(0, 0) : setup.SpotFees ?? Options.SpotFees,
            FuturesFees = isInternal ? new FeeRates(0, 0) : setup.FuturesFees ?? Options.FuturesFees,
            DualSide = setup.DualSidePosition,
            SpotUpdateTime = _now,
            FuturesUpdateTime = _now,
        };
        if (isInternal)
        {
            foreach (var m in _spotList)
            {
                account.Balance(m.Instrument.BaseAsset).Free = InternalBalance;
                account.Balance(m.Instrument.QuoteAsset).Free = InternalBalance;
            }

            foreach (var m in _futuresList)
            {
                account.FuturesWallet[m.Instrument.MarginAsset] = InternalBalance;
            }
        }
        else
        {
            foreach (var (asset, amount) in setup.SpotBalances)
            {
                account.Balance(asset).Free = amount;
            }

            foreach (var (asset, amount) in setup.FuturesBalances)
            {
                account.FuturesWallet[asset] = amount;
            }
        }

        _accounts[id] = account;
        _accountList.Add(account);
        return account;
    }

    private EngineResult<long> CreateAccountCore(string accountId, AccountSetup setup)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (accountId.Length == 0 || accountId.StartsWith("__", StringComparison.Ordinal))
        {
            return EngineErrors.InvalidParameter("accountId");
        }

        if (_accounts.ContainsKey(accountId))
        {
            return new EngineError(-1130, $"Data sent for parameter 'accountId' is not valid. (account '{accountId}' already exists)");
        }

        foreach (var amount in setup.SpotBalances.Values.Concat(setup.FuturesBalances.Values))
        {
            if (amount < 0)
            {
                return EngineErrors.InvalidParameter("balance");
            }
        }

        return NewAccount(accountId, setup, isInternal: false).Uid;
    }

    private AccountState? FindAccount(string accountId) =>
        accountId is not null && _accounts.TryGetValue(accountId, out var account) && !account.IsInternal ? account : null;

    private IReadOnlyList<string> GetAccountIdsCore() => _accountList.Where(a => !a.IsInternal).Select(a => a.Id).ToArray();

    private EngineResult DepositCore(string accountId, MarketKind wallet, string asset, decimal amount)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (string.IsNullOrEmpty(asset))
        {
            return EngineErrors.MandatoryParameter("asset");
        }

        if (amount == 0)
        {
            return EngineErrors.InvalidParameter("amount");
        }

        if (wallet == MarketKind.Spot)
        {
            var balance = account.Balance(asset);
            if (balance.Free + amount < 0)
            {
                return EngineErrors.InsufficientBalance;
            }

            balance.Free += amount;
            TouchSpotAsset(account, asset);
            Emit(new SpotBalanceUpdate { AccountId = account.Id, Asset = asset, Delta = amount, ClearTime = _now });
            return EngineResult.Ok;
        }

        var current = account.Wallet(asset);
        if (amount < 0 && FuturesAvailableBalance(account) + amount < 0)
        {
            return EngineErrors.InsufficientBalance;
        }

        account.FuturesWallet[asset] = current + amount;
        account.FuturesUpdateTime = _now;
        AddIncome(account, "", IncomeType.Transfer, amount, asset, "TRANSFER", "");
        EmitFuturesAccountUpdate(account, amount > 0 ? AccountUpdateReason.Deposit : AccountUpdateReason.Withdraw, amount, asset);
        return EngineResult.Ok;
    }

    private EngineResult SetCanTradeCore(string accountId, bool canTrade)
    {
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        account.CanTrade = canTrade;
        return EngineResult.Ok;
    }

    private IReadOnlyDictionary<string, decimal> GetCollectedFeesCore(MarketKind market) =>
        new Dictionary<string, decimal>(market == MarketKind.Spot ? _spotFeesCollected : _futuresFeesCollected, StringComparer.Ordinal);

    private static void AddFee(SortedDictionary<string, decimal> ledger, string asset, decimal amount)
    {
        if (amount == 0)
        {
            return;
        }

        ledger[asset] = (ledger.TryGetValue(asset, out var v) ? v : 0m) + amount;
    }

    // ------------------------------------------------------------------ ids

    private string NewClientId(string prefix)
    {
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = IdAlphabet[_idRng.Next(IdAlphabet.Length)];
        }

        return prefix + new string(chars);
    }

    private static bool IsValidClientId(string id) => ClientIdRegex.IsMatch(id);

    private SpotMarket? FindSpot(string symbol) => symbol is not null && _spot.TryGetValue(symbol, out var m) ? m : null;

    private FuturesMarket? FindFutures(string symbol) => symbol is not null && _futures.TryGetValue(symbol, out var m) ? m : null;

    /// <summary>
    /// The account a request names and the market looked up for its symbol (<see cref="FindSpot"/> / <see cref="FindFutures"/>);
    /// an unknown account is reported before an unknown symbol.
    /// </summary>
    private bool TryFind<TMarket>(string accountId, TMarket? found, [NotNullWhen(true)] out AccountState? account, [NotNullWhen(true)] out TMarket? market,
        [NotNullWhen(false)] out EngineError? error)
        where TMarket : MarketState
    {
        account = FindAccount(accountId);
        market = found;
        error = account is null ? EngineErrors.UnknownAccount(accountId) : market is null ? EngineErrors.BadSymbol : null;
        return error is null;
    }

    /// <summary>
    /// Binance's lookup of an order (or algo order) by the ids a request sent: by id when one is sent; otherwise by
    /// client id, the open order carrying it first, then the latest order that used it.
    /// </summary>
    private static T? FindByIdOrClientId<T>(long? id, string? clientId, Dictionary<long, T> byId, Dictionary<string, T> openByClientId,
        Dictionary<string, T> latestByClientId)
        where T : class
    {
        T? found;
        if (id is { } value)
        {
            byId.TryGetValue(value, out found);
        }
        else if (!openByClientId.TryGetValue(clientId!, out found))
        {
            latestByClientId.TryGetValue(clientId!, out found);
        }

        return found;
    }

    private MarketState? FindMarket(MarketKind market, string symbol) => market == MarketKind.Spot ? FindSpot(symbol) : FindFutures(symbol);

    private static bool IsMultiple(decimal value, decimal step) => step == 0 || value % step == 0;
}
