using System.Globalization;

namespace Oms.Grains.Tests.Strategies.Infrastructure;

/// <summary>
/// Plays the venue for strategy tests: waits for the commands the OMS routed and answers them through the account
/// grain, as a connector worker would. Calls are retried while the cluster fails over (silo killed).
/// </summary>
public sealed class StrategyDriver(IGrainFactory grains, AccountId account, StrategyId strategy)
{
    private static long _tradeIds = 7_000_000;

    public AccountId Account { get; } = account;

    public StrategyId Strategy { get; } = strategy;

    public IContingentOrderGrain Grain => grains.GetStrategy(Account, Strategy);

    public static ClientOrderId Child(StrategyId strategy, ChildRole role, int generation) => ContingentOrderIds.Child(Venue.Binance, strategy, role, generation);

    public ClientOrderId Child(ChildRole role, int generation) => Child(Strategy, role, generation);

    /// <summary>Waits until the place command of a child arrived at the venue.</summary>
    public async Task<PlaceOrderCommand> PlacedAsync(ChildRole role, int generation, TimeSpan? timeout = null) =>
        (PlaceOrderCommand)(await StrategyEnvironment.Venue.WaitForAsync<PlaceOrderCommand>(Account, Child(role, generation), timeout)).Command;

    public async Task<ReceivedCommand> CancelRoutedAsync(ChildRole role, int generation) =>
        await StrategyEnvironment.Venue.WaitForAsync<CancelOrderCommand>(Account, Child(role, generation));

    public async Task<AmendOrderCommand> AmendRoutedAsync(ChildRole role, int generation) =>
        (AmendOrderCommand)(await StrategyEnvironment.Venue.WaitForAsync<AmendOrderCommand>(Account, Child(role, generation))).Command;

    public IReadOnlyList<PlaceOrderCommand> Places => StrategyEnvironment.Venue.Commands<PlaceOrderCommand>(Account);

    public IReadOnlyList<CancelOrderCommand> Cancels => StrategyEnvironment.Venue.Commands<CancelOrderCommand>(Account);

    public IReadOnlyList<AmendOrderCommand> Amends => StrategyEnvironment.Venue.Commands<AmendOrderCommand>(Account);

    public Task AckAsync(ChildRole role, int generation, InstrumentId instrument) =>
        SendAsync(Update(Child(role, generation), instrument, VenueOrderEventKind.Accepted, venueOrderId: new VenueOrderId("v-" + Child(role, generation).Value)));

    public Task CanceledAsync(ChildRole role, int generation, InstrumentId instrument) =>
        SendAsync(Update(Child(role, generation), instrument, VenueOrderEventKind.Canceled));

    public Task ReplacedAsync(ChildRole role, int generation, InstrumentId instrument, decimal quantity) =>
        SendAsync(Update(Child(role, generation), instrument, VenueOrderEventKind.Replaced) with { Quantity = quantity });

    public Task FillAsync(PlaceOrderCommand place, decimal quantity, decimal price) => SendAsync(FillEvent(place, quantity, price));

    public VenueFill FillEvent(PlaceOrderCommand place, decimal quantity, decimal price) => new()
    {
        Account = Account,
        Timestamp = TestEnvironment.Clock.GetUtcNow(),
        Fill = new Fill
        {
            Instrument = place.Instrument,
            TradeId = new TradeId(Interlocked.Increment(ref _tradeIds).ToString(CultureInfo.InvariantCulture)),
            ClientOrderId = place.ClientOrderId,
            Side = place.Spec.Side,
            Quantity = quantity,
            Price = price,
            Liquidity = LiquiditySide.Taker,
            Timestamp = TestEnvironment.Clock.GetUtcNow(),
            PositionSide = place.Spec.PositionSide,
        },
    };

    /// <summary>Delivers venue events to the account, retrying while a silo loss is being recovered from.</summary>
    public Task SendAsync(params VenueEvent[] events) => Retry(() => grains.GetAccount(Account).ApplyVenueEventsAsync(events));

    public Task<StrategySnapshot> SnapshotAsync() => Retry(async () => (await Grain.GetAsync())!);

    /// <summary>Waits until the strategy satisfies <paramref name="done"/> (bounded; not a timing assertion).</summary>
    public Task<StrategySnapshot> WaitAsync(Func<StrategySnapshot, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.Until(SnapshotAsync, done, what, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Waits until a local condition holds (bounded; not a timing assertion).</summary>
    public static Task<T> WaitUntilAsync<T>(Func<T> probe, Func<T, bool> done, string what) =>
        Oms.Grains.Tests.Infrastructure.Eventually.Until(() => Task.FromResult(probe()), done, what, TimeSpan.FromSeconds(30));

    public Task<OrderSnapshot?> OrderAsync(ClientOrderId id) => Retry(() => grains.GetAccount(Account).GetOrderAsync(id));

    public VenueOrderUpdate Update(ClientOrderId id, InstrumentId instrument, VenueOrderEventKind kind, VenueOrderId? venueOrderId = null) => new()
    {
        Account = Account,
        Timestamp = TestEnvironment.Clock.GetUtcNow(),
        Instrument = instrument,
        ClientOrderId = id,
        VenueOrderId = venueOrderId,
        Kind = kind,
    };

    /// <summary>Retries a call that fails while the cluster recovers from a lost silo (bounded).</summary>
    public static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && ex is not Xunit.Sdk.XunitException)
            {
                await Task.Delay(100);
            }
        }
    }

    public static Task Retry(Func<Task> call) => Retry(async () =>
    {
        await call();
        return true;
    });
}

/// <summary>Builders for strategy requests on the test instruments.</summary>
public static class StrategySpecs
{
    public static OrderSpec LimitEntry(InstrumentId instrument, OrderSide side, decimal quantity, decimal price) => new()
    {
        Instrument = instrument,
        Side = side,
        Type = OrderType.Limit,
        Quantity = quantity,
        LimitPrice = price,
    };

    public static ProtectiveLeg StopMarket(decimal stopPrice) => new() { Type = OrderType.StopMarket, StopPrice = stopPrice };

    public static ProtectiveLeg LimitTakeProfit(decimal price) => new() { Type = OrderType.Limit, LimitPrice = price };

    public static SubmitBracket Bracket(OrderSpec entry, ProtectiveLeg? stopLoss, ProtectiveLeg? takeProfit) =>
        new() { Entry = entry, StopLoss = stopLoss, TakeProfit = takeProfit, RequestedBy = "strategy-tests" };

    public static async Task<StrategyDriver> NewAsync(IGrainFactory grains, string purpose, AccountConfig? config = null)
    {
        var account = TestAccounts.New(purpose);
        await grains.Provision(account, config);
        return new StrategyDriver(grains, account, ContingentOrderIds.NewStrategyId());
    }
}
