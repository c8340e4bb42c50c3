using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Abstractions;
using Oms.Contracts;

namespace Oms.Benchmarks;

/// <summary>
/// The account grain's hot path in process, on the real <c>AccountGrain</c> in a silo started in <c>GlobalSetup</c>
/// (see <see cref="InProcessSilo"/>: memory storage with the Orleans serializer, a no-op venue router, every risk limit
/// set):
/// <list type="bullet">
/// <item><c>SubmitOrderAsync</c>: idempotency lookup, validation, pre-trade checks, a state write, routing.</item>
/// <item><c>ApplyVenueEventsAsync</c> with one fill that completes an open order (one batch per call, as the
/// connector delivers a trade): de-duplication, order and risk update, a state write, the position outbox.</item>
/// </list>
/// Baseline: <c>GetInfoAsync</c>, a read-only call on the same grain, so the ratio isolates the work from the
/// grain-call overhead. 100 sequential calls per iteration; the mean is per call.
/// <list type="bullet">
/// <item><c>Empty</c>: a newly provisioned account every iteration (0 → 100 open orders while submitting; 100 → 0
/// while filling).</item>
/// <item><c>Steady</c>: a busy account — 2,100 orders placed and closed before the first iteration (the former default
/// <c>ClosedOrderRetention</c> of 2,000 kept them all in the state) — whose new orders are cancelled (submit) or filled
/// (fill) so every iteration starts from the same open book.</item>
/// </list>
/// </summary>
[Config(typeof(BatchConfig))]
public class GrainSubmitBenchmarks
{
    public const int CallsPerInvoke = 100;
    private const int SteadyClosedOrders = 2000;

    public enum AccountBook
    {
        Empty,
        Steady,
    }

    private readonly ClientOrderId[] _submitted = new ClientOrderId[CallsPerInvoke];
    private InProcessSilo _silo = null!;
    private SubmitOrder _command = null!;
    private IAccountGrain _account = null!;
    private AccountId _accountId;
    private int _accountNumber;
    private int _submittedCount;
    private long _tradeNumber = 900_000_000;

    [ParamsAllValues]
    public AccountBook Book { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _silo = await InProcessSilo.StartAsync();
        _command = new SubmitOrder { Spec = Realistic.LimitBuy(), RequestedBy = "bench" };
        if (Book == AccountBook.Steady)
        {
            await NewAccountAsync();
            for (var done = 0; done < SteadyClosedOrders + 100; done += CallsPerInvoke)
            {
                await SubmitAsync();
                await CancelSubmittedAsync();
            }
            var info = await _account.GetInfoAsync();
            if (info.OpenOrderCount != 0) throw new InvalidOperationException($"steady account has {info.OpenOrderCount} open orders after set-up");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _silo.DisposeAsync();

    [IterationSetup(Targets = [nameof(GetInfo), nameof(Submit)])]
    public void BeforeSubmitIteration()
    {
        if (Book == AccountBook.Empty) NewAccountAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Targets = [nameof(GetInfo), nameof(Submit)])]
    public void AfterSubmitIteration()
    {
        if (Book == AccountBook.Steady) CancelSubmittedAsync().GetAwaiter().GetResult();
        _submittedCount = 0;
    }

    [IterationSetup(Target = nameof(Fill))]
    public void BeforeFillIteration()
    {
        if (Book == AccountBook.Empty) NewAccountAsync().GetAwaiter().GetResult();
        SubmitAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(Fill))]
    public void AfterFillIteration() => _submittedCount = 0;

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke, Description = "GetInfoAsync (read-only call)")]
    public async Task<int> GetInfo()
    {
        var open = 0;
        for (var i = 0; i < CallsPerInvoke; i++) open += (await _account.GetInfoAsync()).OpenOrderCount;
        return open;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "SubmitOrderAsync (accepted, routed)")]
    public Task<int> Submit() => SubmitAsync();

    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "ApplyVenueEventsAsync (one fill, order complete)")]
    public async Task<int> Fill()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < _submittedCount; i++)
        {
            await _account.ApplyVenueEventsAsync([NewFill(_accountId, _submitted[i], ++_tradeNumber, now)]);
        }
        return _submittedCount;
    }

    internal static VenueFill NewFill(AccountId account, ClientOrderId clientOrderId, long tradeNumber, DateTimeOffset at) => new()
    {
        Account = account,
        Timestamp = at,
        Source = VenueEventSource.Stream,
        Fill = new Fill
        {
            Instrument = Realistic.BtcSpot,
            TradeId = new TradeId(tradeNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ClientOrderId = clientOrderId,
            Side = OrderSide.Buy,
            Quantity = Realistic.Quantity,
            Price = Realistic.Price,
            Fee = 0.00001234m,
            FeeAsset = "BTC",
            Timestamp = at,
        },
    };

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

    private async Task NewAccountAsync()
    {
        _accountId = new AccountId($"bench-{Environment.ProcessId}-{++_accountNumber}");
        _account = await BenchAccounts.ProvisionAsync(_silo, _accountId);
    }

    /// <summary>The venue cancels what this iteration submitted (one event batch, one state write).</summary>
    private async Task CancelSubmittedAsync()
    {
        var events = new List<VenueEvent>(_submittedCount);
        for (var i = 0; i < _submittedCount; i++)
        {
            events.Add(new VenueOrderUpdate
            {
                Account = _accountId,
                Timestamp = DateTimeOffset.UtcNow,
                Source = VenueEventSource.Stream,
                Instrument = Realistic.BtcSpot,
                ClientOrderId = _submitted[i],
                Kind = VenueOrderEventKind.Canceled,
            });
        }
        if (events.Count > 0) await _account.ApplyVenueEventsAsync(events);
        _submittedCount = 0;
    }
}

/// <summary>Provisions a benchmark account with every risk limit set, far above what the benchmarks reach.</summary>
internal static class BenchAccounts
{
    public static async Task<IAccountGrain> ProvisionAsync(InProcessSilo silo, AccountId account)
    {
        await silo.Grains.GetRiskLimit(account).SetLimitsAsync(new RiskLimits
        {
            MaxOrderNotional = 250_000m,
            MaxOrderQuantity = 5m,
            MaxOpenOrders = 10_000,
            MaxPositionNotional = 1_000_000_000m,
            MaxGrossExposure = 5_000_000_000m,
            MaxNetExposure = 2_000_000_000m,
            PriceBandPercent = 5m,
            // The benchmark submits far faster than a strategy may; the rate check still runs.
            MaxOrdersPerSecond = 1_000_000,
            MaxDrawdownPercent = 10m,
            MaxDailyLoss = 50_000m,
        }, "bench");
        var grain = silo.Grains.GetAccount(account);
        await grain.ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.Spot],
            PositionMode = PositionMode.OneWay,
            ClientOrderIdPrefix = "oms",
        });
        return grain;
    }
}
