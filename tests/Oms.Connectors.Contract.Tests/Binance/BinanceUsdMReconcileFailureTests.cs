using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Worker.UsdM;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using DomainVenue = Oms.Domain.Venue;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// What the account's reconciling state says when a USD-M reconciliation fails, through the whole OMS against the
/// simulator. A key the venue refuses: the reconciliation is reported failed and ended (nothing can be reconciled with
/// that key, so the account is not left "reconciling" forever), orders reach the venue and come back refused with the
/// signature error, retries do not mark the account reconciling while the key is still refused, and once the store
/// holds the right key the account reconciles and trades. A failure in transit: the account stays reconciling (new
/// risk is denied ACCOUNT_RECONCILING) until a retry with backoff completes, then accepts orders again.
/// </summary>
[Collection(BinanceUsdMContractCollection.Name)]
public sealed class BinanceUsdMReconcileFailureTests(BinanceUsdMContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    private BinanceUsdMConnector Connector => fixture.Services.GetRequiredService<BinanceUsdMConnector>();

    [Fact]
    public async Task A_refused_key_ends_the_reconciliation_orders_are_refused_by_the_venue_and_the_fixed_key_reconciles()
    {
        var account = new AccountId($"refused-{Guid.NewGuid().ToString("N")[..10]}");
        var created = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = account.Value, Balances = BinanceUsdMHarness.SpotFunding, FuturesBalances = BinanceUsdMHarness.FuturesFunding,
        });
        SetStoredKey(account, created.ApiKey, SimulatorAccounts.NewKey());
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.UsdMFutures], ClientOrderIdPrefix = "rf" });

        // The listenKey needs the API key only: the stream opens, the first reconciliation starts and its first signed
        // call is refused. It is reported (failure count, the venue's error) and ended.
        var worker = await WaitForAsync(() => Connector.GetWorker(account) is { KeyRefused: true } w ? w : null, "the first reconciliation to be refused");
        await WaitForAsync(async () => !(await Account(account).GetInfoAsync()).Reconciling, "the refused reconciliation to end");
        Assert.Equal(VenueErrorKind.InvalidSignature, worker.LastReconcileError?.Kind);
        Assert.Equal(-1022, worker.LastReconcileError?.Code);
        Assert.Equal(0, worker.Reconciliations);

        // It is retried (with backoff): each retry finds the key still refused and leaves the account as it is.
        var failures = worker.ReconcileFailures;
        await WaitForAsync(() => worker.ReconcileFailures > failures ? worker : null, "a retry of the refused reconciliation");
        Assert.True(worker.KeyRefused);
        Assert.False((await Account(account).GetInfoAsync()).Reconciling, "a retry with the refused key marked the account reconciling");

        // An order is not denied as "reconciling": it reaches the venue and comes back refused, naming the cause.
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "rf-1");
        var rejected = await WaitForStatusAsync(account, "rf-1", OrderStatus.Rejected, TimeSpan.FromSeconds(30));
        Assert.Contains("-1022", rejected.LastVenueError, StringComparison.Ordinal);

        // The store gets the right secret and announces the rotation: the account reconciles and trades.
        SetStoredKey(account, created.ApiKey, created.SecretKey!);
        await fixture.Services.GetRequiredService<CachingVenueCredentialStore>().RefreshAsync();
        await WaitForAsync(async () => worker.Reconciliations > 0 && !worker.KeyRefused && !(await Account(account).GetInfoAsync()).Reconciling,
            "a reconciliation with the fixed key", TimeSpan.FromSeconds(45));
        Assert.Null(worker.LastReconcileError);
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "rf-2");
        await WaitForStatusAsync(account, "rf-2", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("rf-2") })).Accepted, "cancel of rf-2 was refused");
        await WaitForStatusAsync(account, "rf-2", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
    }

    [Fact]
    public async Task A_reconciliation_failing_in_transit_keeps_the_account_reconciling_until_a_retry_completes()
    {
        var account = await Venue.NewAccountAsync("transit");
        var worker = Connector.GetWorker(account)!;
        var completed = worker.Reconciliations;
        var failures = worker.ReconcileFailures;

        // The balance read (the reconciliation's first step) fails with a 503 until cleared; a reconnect asks for a
        // reconciliation.
        await fixture.Inspector.AddFaultAsync(new
        {
            action = "Error", market = "usdm", target = "/fapi/v3/balance", httpMethod = "GET", accountId = account.Value, status = 503, code = -1001,
            afterExecution = false,
        });
        await Venue.DropConnectionsAsync(account);
        await WaitForAsync(() => worker.ReconcileFailures > failures ? worker : null, "the reconciliation to fail on the balance read");
        var info = await Account(account).GetInfoAsync();
        Assert.True(info.Reconciling, "the account is not reconciling although its reconciliation failed and is pending a retry");
        Assert.Equal(completed, worker.Reconciliations);
        Assert.NotEqual(VenueErrorKind.InvalidSignature, worker.LastReconcileError?.Kind);
        Assert.False(worker.KeyRefused);

        // New risk is denied while the OMS's view is unconfirmed, and said so.
        var denied = await Account(account).SubmitOrderAsync(new SubmitOrder
        {
            Spec = Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), ClientOrderId = new ClientOrderId("tr-1"), RequestedBy = "contract",
        });
        Assert.Equal(OrderStatus.Denied, denied.Order.Status);
        Assert.Equal(DenialCode.AccountReconciling, denied.Order.Denial?.Code);

        // The venue answers again: a retry (with backoff) completes, the account leaves the state and trades.
        await Venue.ClearFaultsAsync();
        await WaitForAsync(async () => worker.Reconciliations > completed && !(await Account(account).GetInfoAsync()).Reconciling,
            "a retried reconciliation to complete", TimeSpan.FromSeconds(45));
        await SubmitAsync(account, Limit(OrderSide.Buy, Venue.RestingPrice(above: false)), "tr-2");
        await WaitForStatusAsync(account, "tr-2", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("tr-2") })).Accepted, "cancel of tr-2 was refused");
        await WaitForStatusAsync(account, "tr-2", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
    }

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
