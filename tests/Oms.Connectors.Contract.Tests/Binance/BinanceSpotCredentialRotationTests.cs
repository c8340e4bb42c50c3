using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using DomainVenue = Oms.Domain.Venue;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Keys from the secret store are rotated while orders keep coming: the account's sessions are re-established with the
/// new key, every order submitted meanwhile reaches the venue, and the old key can be revoked without losing anything.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotCredentialRotationTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task A_rotated_key_takes_over_without_losing_an_order()
    {
        var account = new AccountId($"rotate-{Guid.NewGuid().ToString("N")[..10]}");
        var first = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = BinanceSpotHarness.Funding });
        SetStoredKey(account, first.ApiKey, first.SecretKey!);
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "rot" });
        await fixture.WaitUntilReconciledAsync(account);
        var price = Venue.Price * 0.9m;
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "rot-0");
        await WaitForStatusAsync(account, "rot-0", OrderStatus.New);

        // A new key for the same venue account goes into the store; the store's refresh announces the rotation.
        var second = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, ApiKey = SimulatorAccounts.NewKey() });
        SetStoredKey(account, second.ApiKey, second.SecretKey!);
        var before = fixture.Connector.GetWorker(account)!.Pool;
        var store = fixture.Services.GetRequiredService<CachingVenueCredentialStore>();
        await store.RefreshAsync();
        for (var i = 1; i <= 5; i++) await SubmitAsync(account, Limit(OrderSide.Buy, price), $"rot-{i}");
        for (var i = 1; i <= 5; i++) await WaitForStatusAsync(account, $"rot-{i}", OrderStatus.New);

        // The old key is revoked at the venue: the account keeps trading on the new one.
        await WaitForNewSessionsAsync(account, before);
        Assert.True(fixture.Sim.Runtime.RevokeKey(first.ApiKey));
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "rot-6");
        await WaitForStatusAsync(account, "rot-6", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("rot-0") })).Accepted);
        await WaitForStatusAsync(account, "rot-0", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
        var requests = fixture.Sim.Runtime.RequestLog.Snapshot(account.Value);
        Assert.Contains(requests, r => r.ApiKey == second.ApiKey);
    }

    private Task WaitForNewSessionsAsync(AccountId account, object? before) => WaitForNewSessionsAsync(fixture, account, before);

    internal static async Task WaitForNewSessionsAsync(EmbeddedOms oms, AccountId account, object? before)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (oms.Connector.GetWorker(account)?.Pool is { OpenSessionCount: > 0 } pool && !ReferenceEquals(pool, before)) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"the sessions of {account} were not re-established with the rotated key");
    }

    internal static void SetStoredKey(AccountId account, string apiKey, string secret)
    {
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.ApiKey), apiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.HmacSecret), secret);
    }
}

/// <summary>
/// The race behind a lost order during rotation, made deterministic: an order's place has taken the account's current
/// sessions and is waiting for rate budget when the rotation replaces them. The retired sessions (and their key) must
/// stay usable until the order is out, so it completes on them instead of being dropped.
/// </summary>
[Collection(BinanceSpotRotationRaceCollection.Name)]
public sealed class BinanceSpotRotationRaceTests(BinanceSpotRotationRaceFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task An_order_drawing_budget_on_the_replaced_sessions_completes_on_them()
    {
        var account = new AccountId($"race-{Guid.NewGuid().ToString("N")[..10]}");
        var first = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = BinanceSpotHarness.Funding });
        BinanceSpotCredentialRotationTests.SetStoredKey(account, first.ApiKey, first.SecretKey!);
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "race" });
        await fixture.WaitUntilReconciledAsync(account);
        var price = Venue.Price * 0.9m;
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "race-0");
        await WaitForStatusAsync(account, "race-0", OrderStatus.New);

        // The next place takes the current sessions and waits on the account's order budget.
        var orders = fixture.Services.GetRequiredService<BinanceApiContext>().ScopesFor(account.Value).Orders!.Value;
        var before = fixture.Connector.GetWorker(account)!.Pool!;
        fixture.Budget.Hold(orders);
        try
        {
            await SubmitAsync(account, Limit(OrderSide.Buy, price), "race-1");
            await fixture.Budget.Waiting.WaitAsync(DefaultWait);

            // Meanwhile the key is rotated: new sessions open and take over.
            var second = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, ApiKey = SimulatorAccounts.NewKey() });
            BinanceSpotCredentialRotationTests.SetStoredKey(account, second.ApiKey, second.SecretKey!);
            await fixture.Services.GetRequiredService<CachingVenueCredentialStore>().RefreshAsync();
            await BinanceSpotCredentialRotationTests.WaitForNewSessionsAsync(fixture, account, before);
            // Room for the replaced sessions to be closed, were they not waiting for the order (bounded: 2 s).
            for (var i = 0; i < 80 && before.SessionCount > 0; i++) await Task.Delay(25);
            Output.WriteLine($"replaced pool: {before.SessionCount} session(s) still open when the budget was released");
        }
        finally
        {
            fixture.Budget.Release();
        }

        await WaitForStatusAsync(account, "race-1", OrderStatus.New);
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "race-2");
        await WaitForStatusAsync(account, "race-2", OrderStatus.New);
        await AssertInSyncAsync(account);
        var places = fixture.Sim.Runtime.RequestLog.Snapshot(account.Value)
            .Where(r => r.Parameters.TryGetValue("newClientOrderId", out var id) && id == "race-1").ToList();
        var place = Assert.Single(places);
        Assert.Equal(first.ApiKey, place.ApiKey);
        // Once the order is out the replaced sessions close.
        for (var i = 0; i < 400 && before.SessionCount > 0; i++) await Task.Delay(25);
        Assert.Equal(0, before.SessionCount);
    }
}

/// <summary>Its own OMS whose rate budget a test can hold for one scope; budget waits long enough to span a rotation.</summary>
public sealed class BinanceSpotRotationRaceFixture : BinanceSpotContractFixture
{
    public HoldableRateBudget Budget => Services.GetRequiredService<HoldableRateBudget>();

    protected override IEnumerable<KeyValuePair<string, string?>> Overrides =>
    [
        .. base.Overrides,
        new($"Oms:{BinanceOptions.SectionName}:MaxRateBudgetWait", "00:00:30"),
    ];

    protected override void ConfigureSiloServices(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IRateBudget));
        var create = registered.ImplementationFactory
            ?? throw new InvalidOperationException("the silo registers its rate budget without a factory; this fixture wraps the factory");
        services.Remove(registered);
        services.AddSingleton(sp => new HoldableRateBudget((IRateBudget)create(sp)));
        services.AddSingleton<IRateBudget>(sp => sp.GetRequiredService<HoldableRateBudget>());
    }
}

[CollectionDefinition(Name)]
public sealed class BinanceSpotRotationRaceCollection : ICollectionFixture<BinanceSpotRotationRaceFixture>
{
    public const string Name = "binance-spot-rotation-race";
}

/// <summary>
/// The silo's rate budget with a switch: while a scope is held, every draw on it is answered "exhausted, look again in
/// 5 ms" (so a call waits at the gate, as it does when its window is used up), and <see cref="Waiting"/> completes.
/// </summary>
public sealed class HoldableRateBudget(IRateBudget inner) : IRateBudget, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private RateLimitScope? _held;
    private int _disposed;
    private TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a draw was refused because of the hold.</summary>
    public Task Waiting
    {
        get
        {
            lock (_gate) return _waiting.Task;
        }
    }

    public void Hold(RateLimitScope scope)
    {
        lock (_gate)
        {
            _held = scope;
            _waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate) _held = null;
    }

    public RateDecision TryAcquire(ReadOnlySpan<RateCharge> charges, RatePriority priority)
    {
        lock (_gate)
        {
            if (_held is { } held)
            {
                foreach (var charge in charges)
                {
                    if (charge.Scope != held) continue;
                    _waiting.TrySetResult();
                    return new RateDecision(false, RateDenial.Exhausted, TimeSpan.FromMilliseconds(5), held);
                }
            }
        }
        return inner.TryAcquire(charges, priority);
    }

    public void Release(ReadOnlySpan<RateCharge> charges) => inner.Release(charges);

    public void ObserveUsage(RateLimitScope scope, TimeSpan interval, long used, long? limit = null) => inner.ObserveUsage(scope, interval, used, limit);

    public void SetLimits(RateLimitKind kind, IReadOnlyList<RateLimitWindow> windows) => inner.SetLimits(kind, windows);

    public void Freeze(RateLimitScope scope, DateTimeOffset until) => inner.Freeze(scope, until);

    public IReadOnlyList<RateWindowUsage> GetUsage(RateLimitScope scope) => inner.GetUsage(scope);

    // Registered as itself and as IRateBudget, so the container disposes it twice: the inner budget once.
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 && inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
