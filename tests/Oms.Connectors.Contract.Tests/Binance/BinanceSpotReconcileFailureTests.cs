using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using DomainVenue = Oms.Domain.Venue;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// What the account's reconciling state says when a spot reconciliation fails because the venue refuses the key, through
/// the whole OMS against the simulator (the spot counterpart of <see cref="BinanceUsdMReconcileFailureTests"/>, both
/// pinning the one shared rule): the key is rotated to a wrong secret mid-session, the next reconciliation is reported
/// failed and ended (the account is not left "reconciling" forever), orders reach the venue and come back refused with
/// the signature error, retries do not mark the account reconciling while the key is still refused, and once the store
/// holds the right key again the account reconciles and trades.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotReconcileFailureTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task A_key_refused_mid_session_ends_the_reconciliation_orders_are_refused_by_the_venue_and_the_fixed_key_reconciles()
    {
        var account = new AccountId($"srefused-{Guid.NewGuid().ToString("N")[..10]}");
        var created = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = BinanceSpotHarness.Funding });
        SetStoredKey(account, created.ApiKey, created.SecretKey!);
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "sf" });
        await fixture.WaitUntilReconciledAsync(account);
        var worker = fixture.Connector.GetWorker(account)!;
        var completed = worker.Reconciliations;
        Assert.False(worker.KeyRefused);

        // Mid-session the store's secret for the key becomes a wrong one and the rotation is announced: the sessions are
        // replaced with it. Then something asks for a reconciliation (as a stream gap, the watchdog or an unresolved
        // outcome does); its first signed call is refused. It is reported (failure count, the venue's error) and ended.
        var before = worker.Pool;
        SetStoredKey(account, created.ApiKey, SimulatorAccounts.NewKey());
        await Store.RefreshAsync();
        await WaitForAsync(() => worker.Pool is { } pool && !ReferenceEquals(pool, before) ? pool : null, "the sessions to be replaced with the wrong key");
        worker.RequestReconcile("user-data stream re-established after a gap");
        await WaitForAsync(() => worker.KeyRefused ? worker : null, "the reconciliation to be refused");
        await WaitForAsync(async () => !(await Account(account).GetInfoAsync()).Reconciling, "the refused reconciliation to end");
        Assert.Equal(VenueErrorKind.InvalidSignature, worker.LastReconcileError?.Kind);
        Assert.Equal(-1022, worker.LastReconcileError?.Code);
        Assert.Equal(completed, worker.Reconciliations);

        // It is retried (with backoff): each retry finds the key still refused and leaves the account as it is.
        var failures = worker.ReconcileFailures;
        await WaitForAsync(() => worker.ReconcileFailures > failures ? worker : null, "a retry of the refused reconciliation");
        Assert.True(worker.KeyRefused);
        Assert.False((await Account(account).GetInfoAsync()).Reconciling, "a retry with the refused key marked the account reconciling");

        // An order is not denied as "reconciling": it reaches the venue and comes back refused, naming the cause.
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "sf-1");
        var rejected = await WaitForStatusAsync(account, "sf-1", OrderStatus.Rejected, TimeSpan.FromSeconds(30));
        Assert.Contains("-1022", rejected.LastVenueError, StringComparison.Ordinal);

        // The store gets the right secret back and announces the rotation: the account reconciles and trades.
        SetStoredKey(account, created.ApiKey, created.SecretKey!);
        await Store.RefreshAsync();
        await WaitForAsync(async () => worker.Reconciliations > completed && !worker.KeyRefused && !(await Account(account).GetInfoAsync()).Reconciling,
            "a reconciliation with the fixed key", TimeSpan.FromSeconds(45));
        Assert.Null(worker.LastReconcileError);
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "sf-2");
        await WaitForStatusAsync(account, "sf-2", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("sf-2") })).Accepted, "cancel of sf-2 was refused");
        await WaitForStatusAsync(account, "sf-2", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
    }

    private CachingVenueCredentialStore Store => fixture.Services.GetRequiredService<CachingVenueCredentialStore>();

    private static void SetStoredKey(AccountId account, string apiKey, string secret)
    {
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.ApiKey), apiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.HmacSecret), secret);
    }

    private static Task<T> WaitForAsync<T>(Func<T?> probe, string what, TimeSpan? wait = null) where T : class =>
        WaitForAsync(() => Task.FromResult(probe()), what, wait);

    private static async Task WaitForAsync(Func<Task<bool>> done, string what, TimeSpan? wait = null) =>
        await WaitForAsync(async () => await done() ? what : null, what, wait);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? wait = null) where T : class
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }
}
