using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Secrets;
using Oms.Silo.Venues;
using Oms.Simulator.Hosting;
using AlgoOrderView = Oms.Simulator.Engine.AlgoOrderView;
using AlgoStatus = Oms.Simulator.Engine.AlgoStatus;
using EngineResult = Oms.Simulator.Engine.EngineResult;
using FuturesOrderRequest = Oms.Simulator.Engine.FuturesOrderRequest;
using FuturesOrderType = Oms.Simulator.Engine.FuturesOrderType;
using FuturesOrderView = Oms.Simulator.Engine.FuturesOrderView;
using MarketKind = Oms.Simulator.Engine.MarketKind;
using OrderHistoryQuery = Oms.Simulator.Engine.OrderHistoryQuery;
using SimOrderStatus = Oms.Simulator.Engine.OrderStatus;
using SimPositionSide = Oms.Simulator.Engine.PositionSide;
using SimSide = Oms.Simulator.Engine.OrderSide;
using SimTimeInForce = Oms.Simulator.Engine.TimeInForce;
using TradeHistoryQuery = Oms.Simulator.Engine.TradeHistoryQuery;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Binance USDⓈ-M futures on the in-process simulator, through the OMS's USD-M connector. The scenarios trade the
/// BTCUSDT perpetual with the market held and the simulator's own liquidity off, so the only other side is this
/// harness's counterparty account (an outside trader driving the engine directly). The last price and the mark price
/// are pinned to <see cref="Price"/>: the venue judges every LIMIT price against the mark (PERCENT_PRICE, ±5 %:
/// -4016 above the cap, -4024 below the floor) and the OMS's pre-trade margin check values orders at the reference
/// price, which the harness sets to the same price. Everything the OMS is compared with is read from the engine:
/// engine orders and Algo Service orders (a triggered conditional order is one OMS order: the algo order's id, the
/// engine order's status and fills), trades with their USDT commission, positions (positionRisk: quantity and entry
/// price; realized PnL from the trades) and the futures wallet (free = cross wallet balance, locked = wallet balance
/// set aside for isolated positions, as the connector maps it).
/// </summary>
public sealed class BinanceUsdMHarness : VenueHarness, IAsyncDisposable
{
    private const string Symbol = "BTCUSDT";
    private readonly EmbeddedOms _oms;
    private readonly string _counterparty;
    private readonly UsdMSimulatorInspector _sim;

    public BinanceUsdMHarness(EmbeddedOms oms)
    {
        _oms = oms;
        _sim = new UsdMSimulatorInspector(oms.Sim.Urls.Admin);
        var exchange = oms.Sim.Exchange;
        Check(exchange.SetLiquidityEnabled(MarketKind.UsdM, Symbol, false));
        Check(exchange.SetMarketHeld(MarketKind.UsdM, Symbol, true));
        Check(exchange.SetPrice(MarketKind.UsdM, Symbol, Price));
        Check(exchange.SetMarkPrice(Symbol, Price));
        oms.Services.GetRequiredService<InMemoryReferencePriceSource>().SetPrice(Instrument, Price);
        _counterparty = "counterparty-" + Guid.NewGuid().ToString("N")[..8];
        oms.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = _counterparty,
            Balances = new Dictionary<string, string> { ["USDT"] = "1000" },
            FuturesBalances = new Dictionary<string, string> { ["USDT"] = "100000000" },
        });
    }

    public override InstrumentId Instrument { get; } = new(Venue.Binance, MarketType.UsdMFutures, Symbol);

    /// <summary>On the 0.10 tick; a thousandth of it (the suite's price step) is too.</summary>
    public override decimal Price => 65000m;

    /// <summary>On the 0.001 step; a quarter of it (0.002, 130 USDT) still passes the 100 USDT minimum notional.</summary>
    public override decimal Quantity => 0.008m;

    /// <summary>From the venue's exchangeInfo (PRICE_FILTER).</summary>
    public override decimal TickSize => decimal.Parse(Filter("PRICE_FILTER", "tickSize"), CultureInfo.InvariantCulture);

    /// <summary>
    /// Half the venue's PERCENT_PRICE band (the narrower side; ±5 % of the mark on BTCUSDT, so 2.5 %): a LIMIT that far
    /// from the pinned mark is legal (-4016 above the cap, -4024 below the floor otherwise) and far from any fill, and
    /// a stop that far does not trigger on the held market.
    /// </summary>
    public override decimal RestingOffset
    {
        get
        {
            var up = decimal.Parse(Filter("PERCENT_PRICE", "multiplierUp"), CultureInfo.InvariantCulture);
            var down = decimal.Parse(Filter("PERCENT_PRICE", "multiplierDown"), CultureInfo.InvariantCulture);
            return Math.Min(up - 1m, 1m - down) / 2m;
        }
    }

    /// <summary>MARKET, LIMIT, post-only LIMIT (GTX) and the four conditional types (Algo Service).</summary>
    public override IReadOnlyList<OrderType> SupportedOrderTypes { get; } =
    [
        OrderType.Market, OrderType.Limit, OrderType.LimitMaker, OrderType.StopMarket, OrderType.StopLimit, OrderType.TakeProfitMarket,
        OrderType.TakeProfitLimit,
    ];

    private string Filter(string type, string field) =>
        _oms.Sim.Exchange.GetExchangeInfo(MarketKind.UsdM).Symbols.Single(s => s.Symbol == Symbol)
            .Filters.Single(f => f.FilterType == type).Fields.Single(f => f.Name == field).Value;

    /// <summary>USD-M modifies LIMIT orders in place (order.modify); conditional orders are cancelled and resubmitted.</summary>
    public override bool AmendsQuantityDown => true;

    public static IReadOnlyDictionary<string, string> SpotFunding { get; } = new Dictionary<string, string> { ["USDT"] = "1000" };

    public static IReadOnlyDictionary<string, string> FuturesFunding { get; } = new Dictionary<string, string> { ["USDT"] = "100000" };

    private BinanceUsdMConnector Connector => _oms.Services.GetRequiredService<BinanceUsdMConnector>();

    public override async Task<AccountId> NewAccountAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        _oms.Simulator.CreateAccount(account, SpotFunding, FuturesFunding);
        await _oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.UsdMFutures],
            ClientOrderIdPrefix = "cf",
        });
        await WaitUntilReconciledAsync(account);
        return account;
    }

    /// <summary>
    /// The venue knows an HMAC key; the OMS's secret store holds the same API key with a different secret. The listenKey
    /// needs the API key only, so the user-data stream opens and the connector's first reconciliation starts; its first
    /// signed call is refused (-1022). The harness waits (bounded) for that attempt to be over: the connector reports it
    /// failed and ends it, so the account is not left reconciling.
    /// </summary>
    public override async Task<AccountId> NewAccountWithWrongKeyAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        var created = _oms.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = SpotFunding, FuturesBalances = FuturesFunding });
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.ApiKey), created.ApiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.HmacSecret),
            SimulatorAccounts.NewKey());
        await _oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig { Venue = Venue.Binance, Markets = [MarketType.UsdMFutures], ClientOrderIdPrefix = "wk" });
        await WaitUntilKeyRefusedAsync(account);
        return account;
    }

    private async Task WaitUntilKeyRefusedAsync(AccountId account)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Connector.GetWorker(account) is { KeyRefused: true } && !(await _oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling) return;
            await Task.Delay(25);
        }
        var worker = Connector.GetWorker(account);
        throw new Xunit.Sdk.XunitException($"account {account}: the first USD-M reconciliation with a wrong key did not end refused within 15 s " +
            $"(failures {worker?.ReconcileFailures}, last error {worker?.LastReconcileError?.Message ?? "none"}, " +
            $"reconciling {(await _oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling})");
    }

    /// <summary>Waits (bounded) for the account's first USD-M reconciliation: until it ends, risk-increasing orders are denied.</summary>
    private async Task WaitUntilReconciledAsync(AccountId account)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Connector.GetWorker(account) is { Reconciliations: > 0 } && !(await _oms.Grains.GetAccount(account).GetInfoAsync()).Reconciling) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"account {account} did not finish its first USD-M reconciliation within 15 s");
    }

    public override Task RestCounterpartyAsync(OrderSide side, decimal price, decimal quantity) =>
        PlaceCounterpartyAsync(side, price, quantity, SimTimeInForce.Gtc);

    public override Task TakeAsync(OrderSide side, decimal price, decimal quantity) =>
        PlaceCounterpartyAsync(side, price, quantity, SimTimeInForce.Ioc);

    private Task PlaceCounterpartyAsync(OrderSide side, decimal price, decimal quantity, SimTimeInForce timeInForce)
    {
        Check(_oms.Sim.Exchange.PlaceFuturesOrder(_counterparty, new FuturesOrderRequest
        {
            Symbol = Symbol, Side = side == OrderSide.Buy ? SimSide.Buy : SimSide.Sell, Type = FuturesOrderType.Limit, TimeInForce = timeInForce,
            Price = price, Quantity = quantity,
        }));
        return Task.CompletedTask;
    }

    public override Task ClearCounterpartyAsync()
    {
        if (_oms.Sim.Exchange.GetOpenFuturesOrders(_counterparty, Symbol) is { IsSuccess: true, Value.Count: > 0 })
        {
            Check(_oms.Sim.Exchange.CancelAllFuturesOrders(_counterparty, Symbol));
        }
        return Task.CompletedTask;
    }

    /// <summary>The venue's USD-M account in OMS terms (see the class summary for how conditional orders and the wallet map).</summary>
    public override Task<VenueAccountState> ReadAsync(AccountId account)
    {
        var exchange = _oms.Sim.Exchange;
        var engineOrders = Value(exchange.GetAllFuturesOrders(account.Value, new OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }));
        var algoOrders = Value(exchange.GetAllAlgoOrders(account.Value, new OrderHistoryQuery { Symbol = Symbol, Limit = 1000 }));
        var trades = Value(exchange.GetFuturesTrades(account.Value, new TradeHistoryQuery { Symbol = Symbol, Limit = 1000 }));
        var balances = Value(exchange.GetFuturesBalances(account.Value));
        var positions = Value(exchange.GetPositionRisk(account.Value));

        var byOrderId = engineOrders.ToDictionary(o => o.OrderId);
        // The engine order a conditional order placed when it triggered belongs to the algo order's OMS order.
        var ownerOfTriggered = algoOrders.Where(a => a.ActualOrderId is not null).ToDictionary(a => a.ActualOrderId!.Value, a => new ClientOrderId(a.ClientAlgoId));
        var orders = new List<VenueOrderState>();
        foreach (var order in engineOrders.Where(o => !ownerOfTriggered.ContainsKey(o.OrderId)))
        {
            orders.Add(new VenueOrderState(new ClientOrderId(order.ClientOrderId), Instrument, Status(order.Status), order.OrigQty, order.ExecutedQty));
        }
        foreach (var algo in algoOrders)
        {
            orders.Add(algo.ActualOrderId is { } id && byOrderId.TryGetValue(id, out var placed)
                ? new VenueOrderState(new ClientOrderId(algo.ClientAlgoId), Instrument, Status(placed.Status), placed.OrigQty, placed.ExecutedQty)
                : new VenueOrderState(new ClientOrderId(algo.ClientAlgoId), Instrument, Status(algo), algo.Quantity, 0m));
        }

        // Every position row the venue has (flat ones included), plus any side that traded: realized PnL is the sum of
        // the venue's per-trade realized PnL of that symbol and side (before fees).
        var sides = positions.Where(p => p.Symbol == Symbol).Select(p => p.PositionSide)
            .Union(trades.Select(t => t.PositionSide)).Distinct();
        var venuePositions = sides.Select(side =>
        {
            var row = positions.FirstOrDefault(p => p.Symbol == Symbol && p.PositionSide == side);
            return new VenuePositionState(Instrument, Side(side), row?.PositionAmt ?? 0m, row?.EntryPrice ?? 0m,
                trades.Where(t => t.PositionSide == side).Sum(t => t.RealizedPnl));
        }).ToList();

        return Task.FromResult(new VenueAccountState(
            balances.ToDictionary(b => b.Asset, b => (b.CrossWalletBalance, b.WalletBalance - b.CrossWalletBalance)),
            orders,
            trades.Select(t => new VenueTradeState(
                ownerOfTriggered.TryGetValue(t.OrderId, out var owner) ? owner
                    : byOrderId.TryGetValue(t.OrderId, out var order) ? new ClientOrderId(order.ClientOrderId) : null,
                Instrument, t.Id.ToString(CultureInfo.InvariantCulture), t.Qty, t.Price, t.Commission, t.CommissionAsset)).ToList(),
            venuePositions));
    }

    public override Task<long> CompletedReconciliationsAsync(AccountId account) => Task.FromResult(Connector.GetWorker(account)?.Reconciliations ?? 0L);

    private static PositionSide Side(SimPositionSide side) => side switch
    {
        SimPositionSide.Both => PositionSide.Both,
        SimPositionSide.Long => PositionSide.Long,
        SimPositionSide.Short => PositionSide.Short,
        _ => throw new InvalidOperationException($"unknown simulator position side '{side}'"),
    };

    /// <summary>
    /// The account's order requests. The simulator logs the dead-man's switch (<c>countdownCancelAll</c>) with them; it
    /// places nothing and counts toward no order limit, so it is left out.
    /// </summary>
    public override async Task<VenueRequestStats> RequestStatsAsync(AccountId account)
    {
        var requests = (await _oms.Inspector.GetRequestsAsync(account)).Where(r => r.Operation != "countdownCancelAll").ToList();
        return new VenueRequestStats(requests.Count,
            requests.Count(r => r.Status == 429 || r.Code is -1003 or -1015),
            requests.Count(r => r.Status == 418),
            requests.Count(r => r.Code == -1021),
            requests.Count(r => r.Code == -1022));
    }

    public override Task DropConnectionsAsync(AccountId account) => _oms.Inspector.DropConnectionsAsync(account);

    /// <summary>The connector places over the WS API (<c>order.place</c>) and falls back to REST (<c>/fapi/v1/order</c>): whichever carries the next placement fails after executing.</summary>
    public override async Task FailNextPlacementAfterExecutionAsync(AccountId account)
    {
        await _oms.Inspector.AddFaultAsync(new
        {
            action = "Error", market = "usdm", target = "order.place", accountId = account.Value, status = 503, code = -1007, afterExecution = true, times = 1,
        });
        await _oms.Inspector.AddFaultAsync(new
        {
            action = "Error", market = "usdm", target = "/fapi/v1/order", httpMethod = "POST", accountId = account.Value, status = 503, code = -1007,
            afterExecution = true, times = 1,
        });
    }

    public override Task SetStreamFaultsAsync(AccountId account, bool silence, bool duplicate, bool reorder) =>
        _oms.Inspector.SetUserDataFaultsAsync(account, silence, duplicate, reorder);

    public override Task ClearFaultsAsync() => _oms.Inspector.ClearFaultsAsync();

    public override async Task<int> LowerOrderLimitSilentlyAsync()
    {
        var limits = VenueLimitOptions.FuturesDefaults();
        limits.OrdersPer10Seconds = 5;
        limits.RequestsAfter429BeforeBan = 3;
        await PostAdminAsync("limits", new { market = "usdm", limits });
        return limits.OrdersPer10Seconds;
    }

    public override async Task RestoreLimitsAsync()
    {
        await PostAdminAsync("limits", new { market = "usdm", limits = VenueLimitOptions.FuturesDefaults() });
        await _oms.Inspector.ResetLimitsAsync();
    }

    /// <summary>Gives the market its own mark price back.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sim.SetMarkPriceAsync(Symbol, null);
        _sim.Dispose();
    }

    private async Task PostAdminAsync(string path, object body)
    {
        using var http = new HttpClient { BaseAddress = _oms.Sim.Urls.Admin, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"simulator admin {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static OrderStatus Status(SimOrderStatus status) => status switch
    {
        SimOrderStatus.New or SimOrderStatus.PendingNew => OrderStatus.New,
        SimOrderStatus.PartiallyFilled => OrderStatus.PartiallyFilled,
        SimOrderStatus.Filled => OrderStatus.Filled,
        SimOrderStatus.Canceled or SimOrderStatus.PendingCancel => OrderStatus.Canceled,
        SimOrderStatus.Rejected => OrderStatus.Rejected,
        SimOrderStatus.Expired or SimOrderStatus.ExpiredInMatch => OrderStatus.Expired,
        _ => throw new InvalidOperationException($"unknown simulator order status '{status}'"),
    };

    /// <summary>A conditional order that has not placed an engine order (not triggered, or refused at trigger).</summary>
    private static OrderStatus Status(AlgoOrderView algo) => algo.AlgoStatus switch
    {
        AlgoStatus.New or AlgoStatus.Triggering => OrderStatus.New,
        AlgoStatus.Canceled => OrderStatus.Canceled,
        AlgoStatus.Rejected => OrderStatus.Rejected,
        AlgoStatus.Expired or AlgoStatus.Triggered or AlgoStatus.Finished => OrderStatus.Expired,
        _ => throw new InvalidOperationException($"unknown simulator algo status '{algo.AlgoStatus}' of {algo.ClientAlgoId}"),
    };

    private static IReadOnlyList<T> Value<T>(Oms.Simulator.Engine.EngineResult<IReadOnlyList<T>> result) =>
        result.IsSuccess ? result.Value : throw new InvalidOperationException($"simulator: {result.Error}");

    private static void Check(EngineResult result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    private static void Check<T>(Oms.Simulator.Engine.EngineResult<T> result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }
}
