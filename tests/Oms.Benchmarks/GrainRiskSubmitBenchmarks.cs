using System.Globalization;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Abstractions;
using Oms.Contracts;

namespace Oms.Benchmarks;

/// <summary>
/// The grain submit path with and without risk checks: <c>IAccountGrain.SubmitOrderAsync</c> on the real
/// <c>AccountGrain</c> in an in-process silo (<see cref="InProcessSilo"/>; memory storage with the Orleans serializer, a
/// no-op venue router), 100 sequential submits per iteration, mean per submit. There is no switch that turns the risk
/// engine off, so "without" is an account with <b>no limits configured</b> (account and firm): the submit still runs
/// the always-on checks (account scope, instrument filters, trading state, balance) but no limit, no book measure and
/// no firm hop.
/// <para>
/// Every account holds the same realistic book before each iteration: a 0.5 BTC position built by fills, USDT and BTC
/// balances reported by the venue, and 40 resting limit orders (20 bids, 20 asks), so the book the checks measure has
/// an open-order ladder. <see cref="AccountBook.Fresh"/>: a new account per iteration (small state, so the state write
/// per submit is cheap and the checks weigh the most). <see cref="AccountBook.Busy"/>: one account that also retains
/// 2,000 closed orders (the default <c>ClosedOrderRetention</c>), as a busy account does; each iteration's submits are
/// cancelled by venue events afterwards (not measured), so every iteration starts from the same state.
/// </para>
/// <list type="bullet">
/// <item><b>Baseline</b> — no limits configured.</item>
/// <item><b>Account limits</b> — every account-level limit (per order, per-instrument override, price band, open
/// orders, order rate, position quantity and notional, gross and net exposure, drawdown, daily loss) and a strategy
/// tag with its own book limits.</item>
/// <item><b>Account + firm limits</b> — the same plus firm limits with a firm gross/net exposure limit, which adds the
/// one grain call that reserves the account's new exposure with the <c>FirmRiskGrain</c>.</item>
/// </list>
/// Each benchmark runs in its own silo (set up per target), so the firm limits of the third never reach the others.
/// </summary>
[Config(typeof(BatchConfig))]
public class GrainRiskSubmitBenchmarks
{
    public const int CallsPerInvoke = 100;
    private const int RestingOrders = 40;
    private const int BusyClosedOrders = 2000;
    private const string Strategy = "mm-alpha";

    public enum AccountBook
    {
        Fresh,
        Busy,
    }

    private readonly ClientOrderId[] _submitted = new ClientOrderId[CallsPerInvoke];
    private InProcessSilo _silo = null!;
    private IAccountGrain _account = null!;
    private AccountId _accountId;
    private SubmitOrder _command = null!;
    private int _submittedCount;
    private long _tradeIds;
    private int _accountNumber;
    private RiskLimits _limits = RiskLimits.None;

    [ParamsAllValues]
    public AccountBook Book { get; set; }

    [GlobalSetup(Target = nameof(WithoutLimits))]
    public Task SetupWithoutLimits() => SetupAsync(RiskLimits.None, firm: null);

    [GlobalSetup(Target = nameof(WithAccountLimits))]
    public Task SetupWithAccountLimits() => SetupAsync(AccountLimits(), firm: null);

    [GlobalSetup(Target = nameof(WithAccountAndFirmLimits))]
    public Task SetupWithFirmLimits() => SetupAsync(AccountLimits(), FirmLimits());

    [GlobalCleanup]
    public async Task Cleanup() => await _silo.DisposeAsync();

    [IterationSetup]
    public void BeforeIteration()
    {
        if (Book == AccountBook.Fresh) NewAccountAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void AfterIteration() => CancelSubmittedAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke, Description = "Submit, no limits configured")]
    public Task<int> WithoutLimits() => SubmitAsync();

    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "Submit, every account + strategy limit")]
    public Task<int> WithAccountLimits() => SubmitAsync();

    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "Submit, account + firm limits (firm exposure hop)")]
    public Task<int> WithAccountAndFirmLimits() => SubmitAsync();

    public static RiskLimits AccountLimits() => new()
    {
        MaxOrderNotional = 250_000m,
        MaxOrderQuantity = 5m,
        MaxOpenOrders = 10_000,
        MaxPositionQuantity = 50m,
        MaxPositionNotional = 5_000_000m,
        MaxGrossExposure = 10_000_000m,
        MaxNetExposure = 8_000_000m,
        PriceBandPercent = 5m,
        // The benchmark submits far faster than a strategy may; the rate check still runs.
        MaxOrdersPerSecond = 1_000_000,
        MaxDrawdownPercent = 10m,
        MaxDailyLoss = 50_000m,
        Instruments = [new InstrumentRiskLimits { Instrument = Realistic.BtcSpot, MaxOrderQuantity = 2m, PriceBandPercent = 3m }],
        Strategies = [new StrategyRiskLimits { Tag = Strategy, MaxOrderNotional = 100_000m, MaxPositionQuantity = 40m, MaxGrossExposure = 5_000_000m }],
    };

    public static RiskLimits FirmLimits() => new()
    {
        MaxOrderNotional = 1_000_000m,
        MaxOrdersPerSecond = 10_000_000,
        MaxGrossExposure = 100_000_000m,
        MaxNetExposure = 80_000_000m,
    };

    private async Task SetupAsync(RiskLimits limits, RiskLimits? firm)
    {
        _silo = await InProcessSilo.StartAsync();
        _limits = limits;
        if (firm is not null) await _silo.Grains.GetFirmRiskLimit().SetLimitsAsync(firm, "bench");
        await NewAccountAsync();
        if (Book == AccountBook.Busy)
        {
            for (var done = 0; done < BusyClosedOrders; done += CallsPerInvoke)
            {
                await SubmitAsync();
                await CancelSubmittedAsync();
            }
        }
    }

    /// <summary>A provisioned account with balances, a 0.5 BTC position and the resting ladder; checks the benchmark order passes.</summary>
    private async Task NewAccountAsync()
    {
        var limits = _limits;
        _accountId = new AccountId($"bench-risk-{Environment.ProcessId}-{++_accountNumber}");
        if (limits != RiskLimits.None) await _silo.Grains.GetRiskLimit(_accountId).SetLimitsAsync(limits, "bench");
        _account = _silo.Grains.GetAccount(_accountId);
        await _account.ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.Spot],
            PositionMode = PositionMode.OneWay,
            ClientOrderIdPrefix = "oms",
        });

        // Balances, then a 0.5 BTC position from fills of one market buy.
        await _account.ApplyVenueEventsAsync([new VenueBalanceUpdate
        {
            Account = _accountId,
            Timestamp = DateTimeOffset.UtcNow,
            Balances = [new VenueBalance("USDT", 2_000_000m, 0m), new VenueBalance("BTC", 0.5m, 0m)],
            IsSnapshot = true,
        }]);
        var buy = await _account.SubmitOrderAsync(new SubmitOrder
        {
            Spec = new OrderSpec { Instrument = Realistic.BtcSpot, Side = OrderSide.Buy, Type = OrderType.Market, Quantity = 0.5m },
            RequestedBy = "bench",
        });
        if (buy.Order.Status != OrderStatus.PendingNew) throw new InvalidOperationException($"set-up buy was not accepted: {buy.Order.Denial}");
        await _account.ApplyVenueEventsAsync([Update(buy.Order.ClientOrderId, VenueOrderEventKind.Accepted), Fill(buy.Order.ClientOrderId, OrderSide.Buy, 0.2m), Fill(buy.Order.ClientOrderId, OrderSide.Buy, 0.3m)]);

        // The resting ladder: 20 bids below and 20 asks above the reference price, acknowledged by the venue.
        var acks = new List<VenueEvent>();
        for (var i = 0; i < RestingOrders; i++)
        {
            var bid = i % 2 == 0;
            var offset = (i / 2 + 1) * 25m;
            var resting = await _account.SubmitOrderAsync(new SubmitOrder
            {
                Spec = new OrderSpec
                {
                    Instrument = Realistic.BtcSpot,
                    Side = bid ? OrderSide.Buy : OrderSide.Sell,
                    Type = OrderType.Limit,
                    Quantity = 0.01m,
                    LimitPrice = Realistic.ReferencePrice + (bid ? -offset : offset),
                    TimeInForce = TimeInForce.Gtc,
                    StrategyTag = i % 3 == 0 ? Strategy : null,
                },
                RequestedBy = "bench",
            });
            if (resting.Order.Status != OrderStatus.PendingNew) throw new InvalidOperationException($"set-up order {i} was not accepted: {resting.Order.Denial}");
            acks.Add(Update(resting.Order.ClientOrderId, VenueOrderEventKind.Accepted));
        }
        await _account.ApplyVenueEventsAsync(acks);

        _command = new SubmitOrder { Spec = Realistic.LimitBuy() with { StrategyTag = Strategy }, RequestedBy = "bench" };
        var info = await _account.GetInfoAsync();
        if (info.OpenOrderCount != RestingOrders) throw new InvalidOperationException($"the account should hold {RestingOrders} open orders, has {info.OpenOrderCount}");
        var check = await _silo.Grains.GetAccountRisk(_accountId).CheckOrderAsync(_command.Spec);
        if (check.Denial is { } denial) throw new InvalidOperationException($"the benchmark order must pass: {denial}");
        if (limits != RiskLimits.None && check.After is null) throw new InvalidOperationException("with limits set the check must measure the exposure");
    }

    private async Task<int> SubmitAsync()
    {
        for (var i = 0; i < CallsPerInvoke; i++)
        {
            var result = await _account.SubmitOrderAsync(_command);
            if (result.Order.Status != OrderStatus.PendingNew) throw new InvalidOperationException($"submit was not accepted: {result.Order.Status} {result.Order.Denial}");
            _submitted[_submittedCount++] = result.Order.ClientOrderId;
        }
        return _submittedCount;
    }

    /// <summary>The venue cancels what this iteration submitted (one event batch), so every iteration starts from the same book.</summary>
    private async Task CancelSubmittedAsync()
    {
        var events = new List<VenueEvent>(_submittedCount);
        for (var i = 0; i < _submittedCount; i++) events.Add(Update(_submitted[i], VenueOrderEventKind.Canceled));
        if (events.Count > 0) await _account.ApplyVenueEventsAsync(events);
        _submittedCount = 0;
    }

    private VenueOrderUpdate Update(ClientOrderId clientOrderId, VenueOrderEventKind kind) => new()
    {
        Account = _accountId,
        Timestamp = DateTimeOffset.UtcNow,
        Source = VenueEventSource.Stream,
        Instrument = Realistic.BtcSpot,
        ClientOrderId = clientOrderId,
        Kind = kind,
    };

    private VenueFill Fill(ClientOrderId clientOrderId, OrderSide side, decimal quantity) => new()
    {
        Account = _accountId,
        Timestamp = DateTimeOffset.UtcNow,
        Source = VenueEventSource.Stream,
        Fill = new Fill
        {
            Instrument = Realistic.BtcSpot,
            TradeId = new TradeId((++_tradeIds).ToString(CultureInfo.InvariantCulture)),
            ClientOrderId = clientOrderId,
            Side = side,
            Quantity = quantity,
            Price = Realistic.ReferencePrice,
            Liquidity = LiquiditySide.Taker,
            Timestamp = DateTimeOffset.UtcNow,
        },
    };
}
