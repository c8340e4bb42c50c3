using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using EngineResult = Oms.Simulator.Engine.EngineResult;
using MarketKind = Oms.Simulator.Engine.MarketKind;
using SimSide = Oms.Simulator.Engine.OrderSide;
using SimTimeInForce = Oms.Simulator.Engine.TimeInForce;
using SpotOrderRequest = Oms.Simulator.Engine.SpotOrderRequest;
using SpotOrderType = Oms.Simulator.Engine.SpotOrderType;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Binance spot on the in-process simulator. The scenarios trade BNBUSDT with the market held and the simulator's own
/// liquidity off, so the only other side is this harness's counterparty account (an outside trader driving the
/// engine directly). Everything the OMS is compared with is read through the simulator's admin (inspect) API.
/// </summary>
public sealed class BinanceSpotHarness : VenueHarness
{
    private const string Symbol = "BNBUSDT";
    private readonly EmbeddedOms _oms;
    private readonly string _counterparty;

    public BinanceSpotHarness(EmbeddedOms oms)
    {
        _oms = oms;
        var exchange = oms.Sim.Exchange;
        Check(exchange.SetMarketHeld(MarketKind.Spot, Symbol, true));
        Check(exchange.SetLiquidityEnabled(MarketKind.Spot, Symbol, false));
        _counterparty = "counterparty-" + Guid.NewGuid().ToString("N")[..8];
        oms.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = _counterparty,
            Balances = new Dictionary<string, string> { ["USDT"] = "100000000", ["BNB"] = "1000000" },
        });
    }

    public override InstrumentId Instrument { get; } = new(Venue.Binance, MarketType.Spot, Symbol);

    public override decimal Price => 600m;

    public override decimal Quantity => 0.1m;

    /// <summary>From the venue's exchangeInfo (PRICE_FILTER).</summary>
    public override decimal TickSize => _tickSize ??= decimal.Parse(_oms.Sim.Exchange.GetExchangeInfo(MarketKind.Spot).Symbols.Single(s => s.Symbol == Symbol)
        .Filters.Single(f => f.FilterType == "PRICE_FILTER").Fields.Single(f => f.Name == "tickSize").Value, System.Globalization.CultureInfo.InvariantCulture);

    private decimal? _tickSize;

    public override IReadOnlyList<OrderType> SupportedOrderTypes { get; } =
    [
        OrderType.Market, OrderType.Limit, OrderType.LimitMaker, OrderType.StopMarket, OrderType.StopLimit, OrderType.TakeProfitMarket,
        OrderType.TakeProfitLimit,
    ];

    public override bool AmendsQuantityDown => true;

    public static IReadOnlyDictionary<string, string> Funding { get; } = new Dictionary<string, string> { ["USDT"] = "100000", ["BNB"] = "100" };

    public override async Task<AccountId> NewAccountAsync(string prefix) => await _oms.NewAccountAsync(prefix, Funding);

    /// <summary>The venue knows an HMAC key; the OMS's secret store holds the same API key with a different secret.</summary>
    public override async Task<AccountId> NewAccountWithWrongKeyAsync(string prefix)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        var created = _oms.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = Funding });
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.ApiKey), created.ApiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", Venue.Binance, account, SecretField.HmacSecret),
            SimulatorAccounts.NewKey());
        await _oms.Grains.GetAccount(account).ProvisionAsync(new AccountConfig { Venue = Venue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "wk" });
        return account;
    }

    public override Task RestCounterpartyAsync(OrderSide side, decimal price, decimal quantity)
    {
        Check(_oms.Sim.Exchange.PlaceSpotOrder(_counterparty, new SpotOrderRequest
        {
            Symbol = Symbol, Side = ToSim(side), Type = SpotOrderType.Limit, TimeInForce = SimTimeInForce.Gtc, Price = price, Quantity = quantity,
        }));
        return Task.CompletedTask;
    }

    public override Task TakeAsync(OrderSide side, decimal price, decimal quantity)
    {
        Check(_oms.Sim.Exchange.PlaceSpotOrder(_counterparty, new SpotOrderRequest
        {
            Symbol = Symbol, Side = ToSim(side), Type = SpotOrderType.Limit, TimeInForce = SimTimeInForce.Ioc, Price = price, Quantity = quantity,
        }));
        return Task.CompletedTask;
    }

    public override Task ClearCounterpartyAsync()
    {
        if (_oms.Sim.Exchange.GetOpenSpotOrders(_counterparty, Symbol) is { IsSuccess: true, Value.Count: > 0 })
        {
            Check(_oms.Sim.Exchange.CancelAllSpotOrders(_counterparty, Symbol));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The venue's account in OMS terms. An order amended by cancel-replace is several venue orders (its lineage, ids
    /// <c>{id}</c>, <c>{id}__R…</c>): they are one OMS order whose status is the latest venue order's, whose filled
    /// quantity is the lineage's and whose quantity is the earlier orders' fills plus the latest's quantity.
    /// </summary>
    public override async Task<VenueAccountState> ReadAsync(AccountId account)
    {
        var state = await _oms.Inspector.GetAccountAsync(account);
        var byOrderId = state.Orders.ToDictionary(o => (o.Symbol, o.OrderId));
        var orders = state.Orders
            .GroupBy(o => (o.Symbol, Id: OmsId(o.ClientOrderId)))
            .Select(lineage =>
            {
                var latest = lineage.MaxBy(o => o.OrderId)!;
                var earlierFilled = lineage.Where(o => o.OrderId != latest.OrderId).Sum(o => o.ExecutedQty);
                return new VenueOrderState(lineage.Key.Id, Spot(lineage.Key.Symbol), Status(latest.Status), earlierFilled + latest.OrigQty,
                    earlierFilled + latest.ExecutedQty);
            })
            .ToList();
        return new VenueAccountState(
            state.Balances,
            orders,
            state.Trades.Select(t => new VenueTradeState(
                byOrderId.TryGetValue((t.Symbol, t.OrderId), out var order) ? OmsId(order.ClientOrderId) : null,
                Spot(t.Symbol), t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Qty, t.Price, t.Commission, t.CommissionAsset)).ToList());
    }

    public override Task<long> CompletedReconciliationsAsync(AccountId account) => Task.FromResult(_oms.Connector.GetWorker(account)?.Reconciliations ?? 0L);

    /// <summary>The venue's orders of one OMS order (its cancel-replace lineage), oldest first.</summary>
    public async Task<IReadOnlyList<SimOrder>> LineageAsync(AccountId account, ClientOrderId clientOrderId)
    {
        var state = await _oms.Inspector.GetAccountAsync(account);
        return state.Orders.Where(o => OmsId(o.ClientOrderId) == clientOrderId).OrderBy(o => o.OrderId).ToList();
    }

    private static ClientOrderId OmsId(string venueId) =>
        Oms.Connectors.Binance.Orders.SpotClientOrderIds.ToOms(venueId) ?? throw new InvalidOperationException($"venue client order id '{venueId}' is not an OMS order's");

    public override async Task<VenueRequestStats> RequestStatsAsync(AccountId account)
    {
        var requests = await _oms.Inspector.GetRequestsAsync(account);
        return new VenueRequestStats(requests.Count,
            requests.Count(r => r.Status == 429 || r.Code is -1003 or -1015),
            requests.Count(r => r.Status == 418),
            requests.Count(r => r.Code == -1021),
            requests.Count(r => r.Code == -1022));
    }

    public override Task DropConnectionsAsync(AccountId account) => _oms.Inspector.DropConnectionsAsync(account);

    public override Task FailNextPlacementAfterExecutionAsync(AccountId account) =>
        _oms.Inspector.AddFaultAsync(new { action = "Error", target = "order.place", accountId = account.Value, status = 503, code = -1007, afterExecution = true, times = 1 });

    public override Task SetStreamFaultsAsync(AccountId account, bool silence, bool duplicate, bool reorder) =>
        _oms.Inspector.SetUserDataFaultsAsync(account, silence, duplicate, reorder);

    public override Task ClearFaultsAsync() => _oms.Inspector.ClearFaultsAsync();

    public override async Task<int> LowerOrderLimitSilentlyAsync()
    {
        var limits = VenueLimitOptions.SpotDefaults();
        limits.OrdersPer10Seconds = 5;
        limits.RequestsAfter429BeforeBan = 3;
        await _oms.Inspector.SetSpotLimitsAsync(limits);
        return limits.OrdersPer10Seconds;
    }

    public override async Task RestoreLimitsAsync()
    {
        await _oms.Inspector.SetSpotLimitsAsync(VenueLimitOptions.SpotDefaults());
        await _oms.Inspector.ResetLimitsAsync();
    }

    private static InstrumentId Spot(string symbol) => new(Venue.Binance, MarketType.Spot, symbol);

    private static SimSide ToSim(OrderSide side) => side == OrderSide.Buy ? SimSide.Buy : SimSide.Sell;

    private static OrderStatus Status(string status) => status switch
    {
        "New" or "PendingNew" => OrderStatus.New,
        "PartiallyFilled" => OrderStatus.PartiallyFilled,
        "Filled" => OrderStatus.Filled,
        "Canceled" or "PendingCancel" => OrderStatus.Canceled,
        "Rejected" => OrderStatus.Rejected,
        "Expired" or "ExpiredInMatch" => OrderStatus.Expired,
        _ => throw new InvalidOperationException($"unknown simulator order status '{status}'"),
    };

    private static void Check(EngineResult result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }

    private static void Check<T>(Oms.Simulator.Engine.EngineResult<T> result)
    {
        if (!result.IsSuccess) throw new InvalidOperationException($"simulator: {result.Error}");
    }
}
